"""Engines for the safety tests: one connection each, a two-tenant fixture, results normalised so
the same rows compare equal across SQLite, PostgreSQL and MariaDB.

Every engine holds two copies of the fixture: `full` (every tenant's rows) and `restricted` (only
tenant u1's rows in the scoped tables). The scope_rows property runs the original statement on
`restricted` and the scoped one on `full`: PostgreSQL row-level security semantics say they agree.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


def statement_count(default: int) -> int:
    """Statements per engine and property: COZELITE_SAFETY_N, x10 under COZELITE_NIGHTLY=1."""
    n = int(os.environ.get("COZELITE_SAFETY_N", default))
    if os.environ.get("COZELITE_NIGHTLY") == "1":
        n *= 10
    return n


def require_dialect(name: str) -> None:
    """Skip when a dialect's front end has not registered (it lands with its own work)."""
    import pytest

    from sqlparser.registry import dialects_by_name

    if name not in dialects_by_name():
        pytest.skip(f"dialect {name!r} is not registered (its front end has not landed)")


def seed() -> int:
    return int(os.environ.get("COZELITE_SAFETY_SEED", "20261128"))


TENANT = "u1"
SCOPED = ("users", "orders")

# Portable DDL: integers and short strings only, so values compare equal on every engine.
SCHEMA: dict[str, str] = {
    "users": "CREATE TABLE users (id INT PRIMARY KEY, uid VARCHAR(8) NOT NULL, name VARCHAR(20), "
             "age INT NOT NULL, score INT)",
    "orders": "CREATE TABLE orders (id INT PRIMARY KEY, uid VARCHAR(8) NOT NULL, user_id INT, "
              "total INT NOT NULL, status VARCHAR(10))",
    "labels": "CREATE TABLE labels (id INT PRIMARY KEY, label VARCHAR(10))",
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("id", "uid", "name", "age", "score"),
    "orders": ("id", "uid", "user_id", "total", "status"),
    "labels": ("id", "label"),
}


def fixture_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Deterministic rows for two tenants (u1, u2) plus a third (u3) with few rows.

    Tenants share names, ages and statuses so that a leak changes results; ids interleave.
    """
    names = ["ann", "bob", "cy", "dee", None, "ann", "eve", "bob"]
    statuses = ["new", "paid", "sent", None, "paid", "void"]
    users: list[tuple[Any, ...]] = []
    for i in range(1, 25):
        uid = ("u1", "u2", "u1", "u3")[i % 4] if i % 5 else "u2"
        users.append((i, uid, names[i % len(names)], 18 + (i * 7) % 40, None if i % 6 == 0 else (i * 13) % 50))
    orders: list[tuple[Any, ...]] = []
    for i in range(1, 41):
        uid = ("u1", "u2", "u2", "u1", "u3")[i % 5]
        user_id = None if i % 9 == 0 else 1 + (i * 5) % 26  # a few point at no user
        orders.append((100 + i, uid, user_id, (i * 37) % 200, statuses[i % len(statuses)]))
    labels = [(i, f"l{i % 4}") for i in range(1, 7)]
    return {"users": users, "orders": orders, "labels": labels}


def restricted_rows() -> dict[str, list[tuple[Any, ...]]]:
    rows = fixture_rows()
    return {t: [r for r in rs if t not in SCOPED or r[1] == TENANT] for t, rs in rows.items()}


def normalize(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, decimal.Decimal):
        if value == value.to_integral_value():
            return int(value)
        return round(float(value), 4)
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        return round(value, 4)
    if isinstance(value, _dt.datetime):
        text = value.replace(tzinfo=None).isoformat(sep=" ")
        return text[:-7] if text.endswith(".000000") else text
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, _dt.time):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        total = int(value.total_seconds())
        return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return value


def normalize_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    return [tuple(normalize(v) for v in row) for row in rows]


def as_bag(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    return sorted(normalize_rows(rows), key=repr)


class EngineError(Exception):
    """A statement failed on the engine; `message` is the engine's."""


@dataclass
class Engine:
    """One engine, two databases (`full`, `restricted`) reachable from one connection or two."""

    name: str
    dialect: str
    _conns: dict[str, Any] = field(default_factory=dict)

    def run(self, db: str, sql: str) -> list[tuple[Any, ...]] | int:
        raise NotImplementedError

    def begin(self, db: str) -> None:
        raise NotImplementedError

    def rollback(self, db: str) -> None:
        raise NotImplementedError

    def snapshot(self, db: str, tables: Sequence[str] = (*SCOPED, "labels")) -> dict[str, list[tuple[Any, ...]]]:
        out = {}
        for table in tables:
            rows = self.run(db, f"SELECT {', '.join(COLUMNS[table])} FROM {table}")
            assert isinstance(rows, list)
            out[table] = as_bag(rows)
        return out

    def close(self) -> None:
        for conn in self._conns.values():
            try:
                conn.close()
            except Exception:
                pass


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def insert_statements(rows: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    out = []
    for table, rs in rows.items():
        if not rs:
            continue
        values = ", ".join("(" + ", ".join(_literal(v) for v in r) + ")" for r in rs)
        out.append(f"INSERT INTO {table} ({', '.join(COLUMNS[table])}) VALUES {values}")
    return out


# -- SQLite (apsw) -------------------------------------------------------------------------------


class SQLiteEngine(Engine):
    def __init__(self) -> None:
        super().__init__(name="sqlite", dialect="sqlite")
        import apsw

        self._apsw = apsw
        for db, rows in (("full", fixture_rows()), ("restricted", restricted_rows())):
            conn = apsw.Connection(":memory:")
            for ddl in SCHEMA.values():
                conn.execute(ddl)
            for stmt in insert_statements(rows):
                conn.execute(stmt)
            self._conns[db] = conn

    def run(self, db: str, sql: str) -> list[tuple[Any, ...]] | int:
        conn = self._conns[db]
        try:
            cursor = conn.execute(sql)
            rows = list(cursor)
        except self._apsw.Error as err:
            raise EngineError(f"{type(err).__name__}: {err}") from None
        return rows

    def begin(self, db: str) -> None:
        self._conns[db].execute("SAVEPOINT safety")

    def rollback(self, db: str) -> None:
        conn = self._conns[db]
        conn.execute("ROLLBACK TO safety")
        conn.execute("RELEASE safety")


# -- DB-API engines (MariaDB through pymysql, PostgreSQL through psycopg) -------------------------


class DBAPIEngine(Engine):
    """Statements run inside a transaction that the test rolls back; errors roll back too."""

    def __init__(self, name: str, dialect: str, conns: dict[str, Any], error_types: tuple[type, ...]) -> None:
        super().__init__(name=name, dialect=dialect, _conns=conns)
        self._errors = error_types
        self._in_tx: set[str] = set()

    def run(self, db: str, sql: str) -> list[tuple[Any, ...]] | int:
        conn = self._conns[db]
        cur = conn.cursor()
        try:
            cur.execute(sql)
            rows = list(cur.fetchall()) if cur.description else []
        except self._errors as err:
            conn.rollback()
            if db in self._in_tx:
                # The transaction is gone with the error; start a fresh one so rollback() works.
                self._in_tx.discard(db)
            raise EngineError(f"{type(err).__name__}: {err}") from None
        finally:
            cur.close()
        if db not in self._in_tx:
            conn.rollback()  # reads outside a test transaction leave nothing open
        return rows

    def begin(self, db: str) -> None:
        self._in_tx.add(db)

    def rollback(self, db: str) -> None:
        self._in_tx.discard(db)
        self._conns[db].rollback()


def load(engine: DBAPIEngine) -> None:
    for db, rows in (("full", fixture_rows()), ("restricted", restricted_rows())):
        conn = engine._conns[db]
        cur = conn.cursor()
        for table in SCHEMA:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
        for ddl in SCHEMA.values():
            cur.execute(ddl)
        for stmt in insert_statements(rows):
            cur.execute(stmt)
        cur.close()
        conn.commit()


def mariadb_engine(server: Any) -> DBAPIEngine:
    import pymysql

    conns = {}
    admin = server.connect(database=None)
    with admin.cursor() as cur:
        for db in ("safety_full", "safety_restricted"):
            cur.execute(f"CREATE DATABASE IF NOT EXISTS {db}")
    admin.close()
    for db in ("full", "restricted"):
        conn = server.connect(database=f"safety_{db}")
        with conn.cursor() as cur:
            # Binary comparison of strings (as SQLite and PostgreSQL's C collation do) and strict mode.
            cur.execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin")
            cur.execute("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
                        "NO_ENGINE_SUBSTITUTION'")
            cur.execute("SET SESSION time_zone = '+00:00'")
            cur.execute("SET SESSION max_statement_time = 10")
        conns[db] = conn
    engine = DBAPIEngine("mariadb", "mysql", conns, (pymysql.MySQLError,))
    load(engine)
    return engine


def postgres_engine(connect: Any) -> DBAPIEngine:
    """`connect(schema)` returns a psycopg connection whose search_path is that schema."""
    import psycopg

    conns = {db: connect(f"safety_{db}") for db in ("full", "restricted")}
    engine = DBAPIEngine("postgres", "postgres", conns, (psycopg.Error,))
    load(engine)
    return engine
