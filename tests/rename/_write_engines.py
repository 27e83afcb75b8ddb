"""Engines for write statements: run one write, read every table back, undo it.

The rename fixture's tables (tests/rename/_rename_engines.py: users, orders, labels with `id` the
primary key) live twice on each engine, under the logical and the physical names. `write(side, sql)`
runs `sql` in a transaction on that side, returns the contents of every table afterwards (a bag
per logical table, columns in the logical order), and rolls back, so each statement starts from
the same rows. A write the engine rejects raises EngineError (the transaction is rolled back too).
"""

from __future__ import annotations

from typing import Any

from _engine_kit import EngineError as EngineError  # the tests catch it from here
from _engine_kit import MariaDBSession, PostgresSession, SQLiteSides
from _rename_engines import (
    MARIADB_FIXTURE_SESSION,
    PHYSICAL,
    load_side,
    seed_mariadb_databases,
    seed_pg_schemas,
)
from _safety_engines import COLUMNS
from _workload import as_bag

Contents = dict[str, list[tuple[Any, ...]]]

WRITE_SCHEMA = {t: {"unique": [["id"]], "columns": list(cols)} for t, cols in COLUMNS.items()}
"""The fixture's keys, as `SQLParser.translate(write_schema=...)` takes them."""


def _reads(side: str) -> list[tuple[str, str]]:
    out = []
    for table, cols in COLUMNS.items():
        if side == "logical":
            out.append((table, f"SELECT {', '.join(cols)} FROM {table}"))
        else:
            spec = PHYSICAL[table]
            mapped = [(spec.column_map or {})[c] for c in cols]
            out.append((table, f"SELECT {', '.join(mapped)} FROM {spec.new_table_name}"))
    return out


class WriteEngine:
    dialect: str

    def write(self, side: str, sql: str) -> Contents:
        raise NotImplementedError

    def close(self) -> None:
        pass


class SQLiteWrites(SQLiteSides, WriteEngine):
    dialect = "sqlite"

    def __init__(self) -> None:
        super().__init__(load_side)

    def write(self, side: str, sql: str) -> Contents:
        conn = self._conns[side]
        conn.execute("BEGIN")
        try:
            self._rows(conn, sql)
            return {t: as_bag(conn.execute(q)) for t, q in _reads(side)}
        finally:
            if not conn.getautocommit():  # OR ROLLBACK ends the transaction itself
                conn.execute("ROLLBACK")


class PostgresWrites(PostgresSession, WriteEngine):
    dialect = "postgres"

    def __init__(self, server: Any) -> None:
        super().__init__(server)
        seed_pg_schemas(self._conn, "wr")
        self._conn.autocommit = False

    def write(self, side: str, sql: str) -> Contents:
        conn = self._conn
        try:
            conn.execute(f"SET LOCAL search_path TO wr_{side}")
            self._rows(sql)
            return {t: as_bag(conn.execute(q).fetchall()) for t, q in _reads(side)}
        finally:
            conn.rollback()


class MariaDBWrites(MariaDBSession, WriteEngine):
    dialect = "mysql"

    def __init__(self, server: Any) -> None:
        super().__init__(server, MARIADB_FIXTURE_SESSION)
        with self._conn.cursor() as cur:
            seed_mariadb_databases(cur, "wr", " ENGINE=InnoDB")
        self._conn.autocommit(False)

    def write(self, side: str, sql: str) -> Contents:
        conn = self._conn
        try:
            with conn.cursor() as cur:
                cur.execute(f"USE wr_{side}")
                self._rows(cur, sql)
                out = {}
                for table, query in _reads(side):
                    cur.execute(query)
                    out[table] = as_bag(cur.fetchall())
                return out
        finally:
            conn.rollback()
