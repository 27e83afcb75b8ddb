"""Engines for the generated rename differential: the safety fixture's rows twice on each engine,
once under the logical names (users, orders, labels) and once under the physical names PHYSICAL
gives, in two databases (SQLite) / schemas (PostgreSQL) / databases (MariaDB).

Physical column names are table-specific (users.id -> u_id, orders.id -> o_id): a reference
attributed to the wrong source fails on the physical schema or reads another column, and the rows
differ. `uid` maps to c_uid in both scoped tables, so JOIN ... USING (uid) and NATURAL JOIN on it
keep working after the rename.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "safety"))

from _safety_engines import COLUMNS, fixture_rows

from sqlparser import TableColumn

TYPES = {"id": "INT", "uid": "VARCHAR(8)", "name": "VARCHAR(20)", "age": "INT", "score": "INT",
         "user_id": "INT", "total": "INT", "status": "VARCHAR(10)", "label": "VARCHAR(10)"}
NOT_NULL = {("users", "uid"), ("users", "age"), ("orders", "uid"), ("orders", "total")}
PREFIX = {"users": "u_", "orders": "o_", "labels": "l_"}


def physical_column(table: str, column: str) -> str:
    return "c_uid" if column == "uid" else PREFIX[table] + column


PHYSICAL: dict[str, TableColumn] = {
    t: TableColumn(f"t_{t}", {c: physical_column(t, c) for c in cols}) for t, cols in COLUMNS.items()}


def ddl(side: str) -> list[str]:
    out = []
    for table, cols in COLUMNS.items():
        name = table if side == "logical" else f"t_{table}"
        defs = []
        for c in cols:
            col = c if side == "logical" else physical_column(table, c)
            null = " NOT NULL" if (table, c) in NOT_NULL else ""
            defs.append(f"{col} {TYPES[c]}{null}" + (" PRIMARY KEY" if c == "id" else ""))
        out.append(f"CREATE TABLE {name} ({', '.join(defs)})")
    return out


def inserts(side: str) -> list[str]:
    out = []
    for table, rows in fixture_rows().items():
        name = table if side == "logical" else f"t_{table}"
        values = ", ".join("(" + ", ".join(_literal(v) for v in r) + ")" for r in rows)
        out.append(f"INSERT INTO {name} VALUES {values}")
    return out


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


class EngineError(Exception):
    pass


class RenameEngine:
    dialect: str

    def run(self, side: str, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class SQLiteRename(RenameEngine):
    dialect = "sqlite"

    def __init__(self) -> None:
        import apsw

        self._apsw = apsw
        self._conns = {}
        for side in ("logical", "physical"):
            conn = apsw.Connection(":memory:")
            for stmt in ddl(side) + inserts(side):
                conn.execute(stmt)
            self._conns[side] = conn

    def run(self, side: str, sql: str) -> list[tuple[Any, ...]]:
        try:
            return list(self._conns[side].execute(sql))
        except self._apsw.Error as err:
            raise EngineError(f"{type(err).__name__}: {err}") from None

    def close(self) -> None:
        for conn in self._conns.values():
            conn.close()


def seed_pg_schemas(conn: Any, prefix: str) -> None:
    """A `<prefix>_logical` and a `<prefix>_physical` schema holding the fixture's tables and rows,
    made afresh on a PostgreSQL connection (with a 10 s statement timeout)."""
    conn.execute("SET statement_timeout = '10s'")
    for side in ("logical", "physical"):
        conn.execute(f"DROP SCHEMA IF EXISTS {prefix}_{side} CASCADE")
        conn.execute(f"CREATE SCHEMA {prefix}_{side}")
        conn.execute(f"SET search_path TO {prefix}_{side}")
        for stmt in ddl(side) + inserts(side):
            conn.execute(stmt)


class PostgresRename(RenameEngine):
    dialect = "postgres"

    def __init__(self, server: Any) -> None:
        import psycopg

        self._psycopg = psycopg
        self._conn = psycopg.connect(server.dsn, autocommit=True)
        seed_pg_schemas(self._conn, "rn")

    def run(self, side: str, sql: str) -> list[tuple[Any, ...]]:
        self._conn.execute(f"SET search_path TO rn_{side}")
        try:
            cur = self._conn.execute(sql.replace("%", "%%"))
            return list(cur.fetchall()) if cur.description else []
        except self._psycopg.Error as err:
            raise EngineError(f"{type(err).__name__}: {err}") from None

    def close(self) -> None:
        self._conn.close()


class MariaDBRename(RenameEngine):
    dialect = "mysql"

    def __init__(self, server: Any) -> None:
        import pymysql

        self._pymysql = pymysql
        self._conn = server.connect(database=None)
        self._conn.autocommit(True)
        with self._conn.cursor() as cur:
            # Binary string comparison, as SQLite and PostgreSQL's C collation compare.
            cur.execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin")
            cur.execute("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'")
            cur.execute("SET SESSION max_statement_time = 10")
            for side in ("logical", "physical"):
                cur.execute(f"DROP DATABASE IF EXISTS rn_{side}")
                cur.execute(f"CREATE DATABASE rn_{side} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
                cur.execute(f"USE rn_{side}")
                for stmt in ddl(side) + inserts(side):
                    cur.execute(stmt)

    def run(self, side: str, sql: str) -> list[tuple[Any, ...]]:
        with self._conn.cursor() as cur:
            cur.execute(f"USE rn_{side}")
            try:
                cur.execute(sql)
                return list(cur.fetchall()) if cur.description else []
            except self._pymysql.MySQLError as err:
                raise EngineError(f"{type(err).__name__}: {err}") from None

    def close(self) -> None:
        self._conn.close()
