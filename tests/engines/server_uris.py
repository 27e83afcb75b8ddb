"""URIs of fresh, empty databases on the test servers, for the conformance suites' implementations.

`fresh_mysql_uri(server, request)` creates a database on the MariaDB server; `fresh_postgres_uri(server,
request)` a schema in the PostgreSQL test database (cheaper than a database, as isolated for the
provider: it runs with `search_path` set to it). Both are dropped when the test ends.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest


def _name() -> str:
    return f"cz_{uuid.uuid4().hex[:12]}"


def fresh_mysql_uri(server: Any, request: pytest.FixtureRequest | None = None, **params: object) -> str:
    name = _name()
    conn = server.connect(database=None)
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}`")
    finally:
        conn.close()
    if request is not None:
        def drop() -> None:
            conn = server.connect(database=None)
            try:
                with conn.cursor() as cur:
                    cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            finally:
                conn.close()
        request.addfinalizer(drop)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"mysql://{server.user}@{server.host}:{server.port}/{name}" + (f"?{query}" if query else "")


def fresh_postgres_uri(server: Any, request: pytest.FixtureRequest | None = None, **params: object) -> str:
    name = _name()
    with server.connect(autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    if request is not None:
        def drop() -> None:
            with server.connect(autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        request.addfinalizer(drop)
    query = "&".join(f"{k}={v}" for k, v in {"schema": name, **params}.items())
    if server.dsn_override:
        base = server.dsn_override.split("?", 1)[0]
        return f"{base}?{query}"
    return f"postgresql://{server.user}@{server.host}:{server.port}/{server.database}?{query}"
