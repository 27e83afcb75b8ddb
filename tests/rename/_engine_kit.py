"""What the engine adapters of the rename and translation checks share.

The adapters differ in what they load and how a statement runs: `_rename_engines` (the safety
fixture, read), `_write_engines` (the same fixture, each write rolled back), `_workload` (the
real-world schemas) and tests/translate/_matrix.py (those schemas on MariaDB built from the neutral
schema). Connecting with session settings, running a statement into rows, turning a driver's error
into EngineError, closing, and the cached parsers are written here once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlparser import SQLParser, new_parser

SIDES = ("logical", "physical")


class EngineError(Exception):
    """The engine rejected a statement; the message starts with the driver's error class."""


def engine_error(err: Exception) -> EngineError:
    return EngineError(f"{type(err).__name__}: {err}")


_PARSERS: dict[str, SQLParser] = {}


def parser(dialect: str) -> SQLParser:
    """One parser per dialect, with portable_names=False: the workloads' own names include MySQL 8
    reserved words (a table named SHOW); the portable-names policy is a separate, deliberate
    refusal, not a rename or translation gap."""
    if dialect not in _PARSERS:
        _PARSERS[dialect] = new_parser(dialect, portable_names=False)
    return _PARSERS[dialect]


class SQLiteSides:
    """One in-memory SQLite database per side (logical, physical), holding what `load(side)` gives."""

    def __init__(self, load: Callable[[str], Iterable[str]]) -> None:
        import apsw

        self._apsw = apsw
        self._conns: dict[str, Any] = {}
        for side in SIDES:
            conn = apsw.Connection(":memory:")
            for stmt in load(side):
                conn.execute(stmt)
            self._conns[side] = conn

    def _rows(self, conn: Any, sql: str) -> list[tuple[Any, ...]]:
        try:
            return list(conn.execute(sql))
        except self._apsw.Error as err:
            raise engine_error(err) from None

    def close(self) -> None:
        for conn in self._conns.values():
            conn.close()


class PostgresSession:
    """An autocommit psycopg connection to the test server, with `settings` run first."""

    def __init__(self, server: Any, settings: Sequence[str] = ()) -> None:
        import psycopg

        self._psycopg = psycopg
        self._conn = psycopg.connect(server.dsn, autocommit=True)
        for setting in settings:
            self._conn.execute(setting)

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        # psycopg reads % as its own placeholder mark; the statements carry none of its parameters.
        try:
            cur = self._conn.execute(sql.replace("%", "%%"))
            return list(cur.fetchall()) if cur.description else []
        except self._psycopg.Error as err:
            raise engine_error(err) from None

    def close(self) -> None:
        self._conn.close()


class MariaDBSession:
    """An autocommit pymysql connection to the test server (no database chosen), with `settings`
    run first."""

    def __init__(self, server: Any, settings: Sequence[str] = ()) -> None:
        import pymysql

        self._pymysql = pymysql
        self._conn = server.connect(database=None)
        self._conn.autocommit(True)
        with self._conn.cursor() as cur:
            for setting in settings:
                cur.execute(setting)

    def _rows(self, cur: Any, sql: str) -> list[tuple[Any, ...]]:
        try:
            cur.execute(sql)
            return list(cur.fetchall()) if cur.description else []
        except self._pymysql.MySQLError as err:
            raise engine_error(err) from None

    def close(self) -> None:
        self._conn.close()
