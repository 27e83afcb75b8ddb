"""Fixtures for the safety tests: an engine per registered dialect, loaded with the two-tenant fixture.

- "mysql"    -> a throw-away MariaDB (tests/engines/mariadb_server.py), or COZELITE_MARIADB=host:port
- "sqlite"   -> SQLite in memory through apsw
- "postgres" -> the throw-away PostgreSQL cluster of tests/engines/pg_server.py, or COZELITE_POSTGRES=<dsn>

Counts: COZELITE_SAFETY_N (statements per engine and property, default 2000) and COZELITE_NIGHTLY=1
(x10); COZELITE_SAFETY_SEED picks the seed (default fixed, so CI runs are reproducible).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))

from _safety_engines import (  # noqa: E402
    Engine,
    SQLiteEngine,
    mariadb_engine,
    postgres_engine,
    require_dialect,
)

ENGINE_DIALECTS = ("mysql", "sqlite", "postgres")


@pytest.fixture(scope="session")
def sqlite_engine() -> Iterator[Engine]:
    engine = SQLiteEngine()
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def mariadb_engine_(mariadb_server) -> Iterator[Engine]:
    engine = mariadb_engine(mariadb_server)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def postgres_engine_(pg_server) -> Iterator[Engine]:
    import psycopg

    def connect(schema: str):
        conn = psycopg.connect(pg_server.dsn, autocommit=True)
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        conn.execute(f"SET search_path TO {schema}")
        conn.execute("SET TIME ZONE 'UTC'")
        conn.execute("SET statement_timeout = '10s'")
        conn.autocommit = False
        return conn

    engine = postgres_engine(connect)
    yield engine
    engine.close()


@pytest.fixture(params=ENGINE_DIALECTS)
def engine(request) -> Engine:
    name = request.param
    require_dialect(name)
    fixture = {"mysql": "mariadb_engine_", "sqlite": "sqlite_engine", "postgres": "postgres_engine_"}[name]
    return request.getfixturevalue(fixture)
