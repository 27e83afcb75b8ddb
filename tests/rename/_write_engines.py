"""Engines for write statements: run one write, read every table back, undo it.

The rename fixture's tables (tests/rename/_rename_engines.py: users, orders, labels with `id` the
primary key) live twice on each engine, under the logical and the physical names. `write(side, sql)`
runs `sql` in a transaction on that side, returns the contents of every table afterwards (a bag
per logical table, columns in the logical order), and rolls back, so each statement starts from
the same rows. A write the engine rejects raises EngineError (the transaction is rolled back too).
"""

from __future__ import annotations

from typing import Any

from _rename_engines import PHYSICAL, ddl, inserts, seed_pg_schemas
from _safety_engines import COLUMNS
from _workload import as_bag

Contents = dict[str, list[tuple[Any, ...]]]

WRITE_SCHEMA = {t: {"unique": [["id"]], "columns": list(cols)} for t, cols in COLUMNS.items()}
"""The fixture's keys, as `SQLParser.translate(write_schema=...)` takes them."""


class EngineError(Exception):
    pass


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


class SQLiteWrites(WriteEngine):
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

    def write(self, side: str, sql: str) -> Contents:
        conn = self._conns[side]
        conn.execute("BEGIN")
        try:
            try:
                list(conn.execute(sql))
            except self._apsw.Error as err:
                raise EngineError(f"{type(err).__name__}: {err}") from None
            return {t: as_bag(conn.execute(q)) for t, q in _reads(side)}
        finally:
            if not conn.getautocommit():  # OR ROLLBACK ends the transaction itself
                conn.execute("ROLLBACK")

    def close(self) -> None:
        for conn in self._conns.values():
            conn.close()


class PostgresWrites(WriteEngine):
    dialect = "postgres"

    def __init__(self, server: Any) -> None:
        import psycopg

        self._psycopg = psycopg
        self._conn = psycopg.connect(server.dsn, autocommit=True)
        seed_pg_schemas(self._conn, "wr")
        self._conn.autocommit = False

    def write(self, side: str, sql: str) -> Contents:
        conn = self._conn
        try:
            conn.execute(f"SET LOCAL search_path TO wr_{side}")
            try:
                conn.execute(sql.replace("%", "%%"))
            except self._psycopg.Error as err:
                raise EngineError(f"{type(err).__name__}: {err}") from None
            return {t: as_bag(conn.execute(q).fetchall()) for t, q in _reads(side)}
        finally:
            conn.rollback()

    def close(self) -> None:
        self._conn.close()


class MariaDBWrites(WriteEngine):
    dialect = "mysql"

    def __init__(self, server: Any) -> None:
        import pymysql

        self._pymysql = pymysql
        self._conn = server.connect(database=None)
        self._conn.autocommit(True)
        with self._conn.cursor() as cur:
            cur.execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin")
            cur.execute("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'")
            cur.execute("SET SESSION max_statement_time = 10")
            for side in ("logical", "physical"):
                cur.execute(f"DROP DATABASE IF EXISTS wr_{side}")
                cur.execute(f"CREATE DATABASE wr_{side} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
                cur.execute(f"USE wr_{side}")
                for stmt in ddl(side):
                    cur.execute(stmt + " ENGINE=InnoDB")
                for stmt in inserts(side):
                    cur.execute(stmt)
        self._conn.autocommit(False)

    def write(self, side: str, sql: str) -> Contents:
        conn = self._conn
        try:
            with conn.cursor() as cur:
                cur.execute(f"USE wr_{side}")
                try:
                    cur.execute(sql)
                except self._pymysql.MySQLError as err:
                    raise EngineError(f"{type(err).__name__}: {err}") from None
                out = {}
                for table, query in _reads(side):
                    cur.execute(query)
                    out[table] = as_bag(cur.fetchall())
                return out
        finally:
            conn.rollback()

    def close(self) -> None:
        self._conn.close()
