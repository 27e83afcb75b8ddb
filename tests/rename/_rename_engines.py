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

from _engine_kit import SIDES, MariaDBSession, PostgresSession, SQLiteSides
from _engine_kit import EngineError as EngineError  # the tests catch it from here
from _safety_engines import COLUMNS, _literal, fixture_rows

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


class RenameEngine:
    dialect: str

    def run(self, side: str, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


def load_side(side: str) -> list[str]:
    """The fixture's tables and rows under one side's names."""
    return ddl(side) + inserts(side)


class SQLiteRename(SQLiteSides, RenameEngine):
    dialect = "sqlite"

    def __init__(self) -> None:
        super().__init__(load_side)

    def run(self, side: str, sql: str) -> list[tuple[Any, ...]]:
        return self._rows(self._conns[side], sql)


def seed_pg_schemas(conn: Any, prefix: str) -> None:
    """A `<prefix>_logical` and a `<prefix>_physical` schema holding the fixture's tables and rows,
    made afresh on a PostgreSQL connection (with a 10 s statement timeout)."""
    conn.execute("SET statement_timeout = '10s'")
    for side in SIDES:
        conn.execute(f"DROP SCHEMA IF EXISTS {prefix}_{side} CASCADE")
        conn.execute(f"CREATE SCHEMA {prefix}_{side}")
        conn.execute(f"SET search_path TO {prefix}_{side}")
        for stmt in load_side(side):
            conn.execute(stmt)


class PostgresRename(PostgresSession, RenameEngine):
    dialect = "postgres"

    def __init__(self, server: Any) -> None:
        super().__init__(server)
        seed_pg_schemas(self._conn, "rn")

    def run(self, side: str, sql: str) -> list[tuple[Any, ...]]:
        self._conn.execute(f"SET search_path TO rn_{side}")
        return self._rows(sql)


MARIADB_FIXTURE_SESSION = (
    # Binary string comparison, as SQLite and PostgreSQL's C collation compare.
    "SET NAMES utf8mb4 COLLATE utf8mb4_bin",
    "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'",
    "SET SESSION max_statement_time = 10",
)


def seed_mariadb_databases(cur: Any, prefix: str, table_options: str = "") -> None:
    """A `<prefix>_logical` and a `<prefix>_physical` database holding the fixture's tables (each
    CREATE TABLE followed by `table_options`) and rows, made afresh."""
    for side in SIDES:
        cur.execute(f"DROP DATABASE IF EXISTS {prefix}_{side}")
        cur.execute(f"CREATE DATABASE {prefix}_{side} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        cur.execute(f"USE {prefix}_{side}")
        for stmt in ddl(side):
            cur.execute(stmt + table_options)
        for stmt in inserts(side):
            cur.execute(stmt)


class MariaDBRename(MariaDBSession, RenameEngine):
    dialect = "mysql"

    def __init__(self, server: Any) -> None:
        super().__init__(server, MARIADB_FIXTURE_SESSION)
        with self._conn.cursor() as cur:
            seed_mariadb_databases(cur, "rn")

    def run(self, side: str, sql: str) -> list[tuple[Any, ...]]:
        with self._conn.cursor() as cur:
            cur.execute(f"USE rn_{side}")
            return self._rows(cur, sql)
