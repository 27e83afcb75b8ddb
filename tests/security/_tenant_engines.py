"""Engines for the tenant attack tests: the safety suite's two-tenant fixture (tests/safety), in
databases of their own (`tenant_full`, `tenant_restricted`) so the suites never share state.

`engine_for(request, dialect)` builds each engine once per session (SQLite in memory through apsw,
the throw-away MariaDB and PostgreSQL servers of tests/engines) and skips a dialect whose front end
has not registered.
"""

from __future__ import annotations

import atexit
from typing import Any

import pytest

from tests.safety._safety_engines import DBAPIEngine, Engine, SQLiteEngine, fixture_rows, load, require_dialect

DIALECTS = ("sqlite", "postgres", "mysql")
_ENGINES: dict[str, Engine] = {}

# Beyond the safety fixture, in both databases: `people`, an UNSCOPED copy of every tenant's users
# (so a statement can ask "is this row of another tenant in users?" and tell a leak from none), and
# `v_orders`, a view over orders, scoped by a condition of its own.
EXTRA_DDL = (
    "CREATE TABLE people (id INT PRIMARY KEY, uid VARCHAR(8) NOT NULL, name VARCHAR(20), age INT NOT NULL, "
    "score INT)",
    "INSERT INTO people SELECT * FROM ({users}) AS src",
    "CREATE VIEW v_orders AS SELECT id, uid, user_id, total, status FROM orders",
)


def _extend(engine: Engine) -> None:
    from tests.safety._safety_engines import _literal

    users = " UNION ALL ".join(
        "SELECT " + ", ".join(_literal(v) for v in row) for row in fixture_rows()["users"])
    for db in ("full", "restricted"):
        conn = engine._conns[db]
        for stmt in ("DROP VIEW IF EXISTS v_orders", "DROP TABLE IF EXISTS people", *EXTRA_DDL):
            cur = conn.cursor()
            cur.execute(stmt.format(users=users))
            cur.close()
        if hasattr(conn, "commit"):
            conn.commit()


def _mariadb(server: Any) -> Engine:
    import pymysql

    admin = server.connect(database=None)
    with admin.cursor() as cur:
        for db in ("tenant_full", "tenant_restricted"):
            cur.execute(f"CREATE DATABASE IF NOT EXISTS {db}")
    admin.close()
    conns = {}
    for db in ("full", "restricted"):
        conn = server.connect(database=f"tenant_{db}")
        with conn.cursor() as cur:
            # As the safety suite: binary string comparison, strict mode, a statement time limit.
            cur.execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin")
            cur.execute("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
                        "NO_ENGINE_SUBSTITUTION'")
            cur.execute("SET SESSION max_statement_time = 10")
        conns[db] = conn
    engine = DBAPIEngine("mariadb", "mysql", conns, (pymysql.MySQLError,))
    load(engine)
    return engine


def _postgres(server: Any) -> Engine:
    import psycopg

    conns = {}
    for db in ("full", "restricted"):
        conn = psycopg.connect(server.dsn, autocommit=True)
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS tenant_{db}")
        conn.execute(f"SET search_path TO tenant_{db}")
        conn.execute("SET statement_timeout = '10s'")
        conn.autocommit = False
        conns[db] = conn
    engine = DBAPIEngine("postgres", "postgres", conns, (psycopg.Error,))
    load(engine)
    return engine


def engine_for(request: pytest.FixtureRequest, dialect: str) -> Engine:
    require_dialect(dialect)
    if dialect not in _ENGINES:
        if dialect == "sqlite":
            engine: Engine = SQLiteEngine()
        elif dialect == "postgres":
            engine = _postgres(request.getfixturevalue("pg_server"))
        else:
            engine = _mariadb(request.getfixturevalue("mariadb_server"))
        _extend(engine)
        _ENGINES[dialect] = engine
        atexit.register(engine.close)
    return _ENGINES[dialect]
