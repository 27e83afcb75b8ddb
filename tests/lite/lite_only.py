"""A pytest plugin for `make test-lite`: only what runs on the embedded providers, proven to need no
server (`pytest -p tests.lite.lite_only`).

Selection, at collection:
- a test module outside tests/conformance that imports a server harness (tests.engines) or a server
  driver (boto3, redis, nats, pymysql, psycopg, pymilvus) at its top is not collected: it is a
  server-mode test, and a lite machine may not even have the drivers;
- a test parametrised over implementations (the conformance suites' `impl`, lifecycle's
  `(area, Implementation)`) runs only for the lite preset's implementations (sqlite, lmdb, duckdb,
  mem, file: the schemes of cozelite.config.LITE_URIS);
- a test that asks for a server fixture (PostgreSQL, MariaDB, Redis, NATS, the S3 API server) is
  deselected.
Guard, at run time: setting up any server fixture, or constructing any harness server
(tests/engines/*_server.py), fails the test, so a test that reaches a server another way cannot slip
through as a skip on a machine without servers.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest

from cozelite.config import LITE_URIS

EMBEDDED = frozenset(uri.split(":", 1)[0] for uri in LITE_URIS.values())
SERVER_FIXTURES = frozenset({"pg_server", "pg_conn", "mariadb_server", "redis_server", "nats_server", "s3_server"})
SERVER_IMPORTS = ("tests.engines", "boto3", "botocore", "moto", "redis", "nats", "pymysql", "psycopg", "pymilvus")
HARNESS_SERVERS = {"tests.engines.pg_server": "PostgresServer", "tests.engines.mariadb_server": "MariaDBServer",
                   "tests.engines.redis_server": "RedisServer", "tests.engines.nats_server": "NatsServer",
                   "tests.engines.s3_server": "S3Server"}


def _server_imports(path: Path) -> list[str]:
    """The server harnesses and drivers a module imports at its top level."""
    try:
        tree = ast.parse(path.read_text(), str(path))
    except (OSError, SyntaxError):
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return [n for n in names if any(n == m or n.startswith(m + ".") for m in SERVER_IMPORTS)]


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.suffix != ".py" or "conformance" in collection_path.parts:
        return None
    if collection_path.name.startswith("test_") and _server_imports(collection_path):
        return True
    return None


def pytest_configure(config: pytest.Config) -> None:
    for module_name, class_name in HARNESS_SERVERS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # its driver is not installed: nothing can start it either
            continue
        cls = getattr(module, class_name)

        def refuse(self: Any, *args: Any, _name: str = class_name, **kwargs: Any) -> None:
            pytest.fail(f"make test-lite must need no server, but a test started a {_name}")

        cls.__init__ = refuse


def _implementation_names(value: Any) -> list[str]:
    """The implementation names a parameter value chooses ("lmdb", or an Implementation's name)."""
    if isinstance(value, tuple):
        return [n for v in value for n in _implementation_names(v)]
    name = getattr(value, "name", None)
    if isinstance(name, str) and hasattr(value, "servers"):
        return [name]
    return []


def _needs_server(item: pytest.Item) -> str | None:
    servers = SERVER_FIXTURES & set(getattr(item, "fixturenames", ()))
    if servers:
        return f"uses {', '.join(sorted(servers))}"
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    table = getattr(getattr(item, "module", None), "IMPLEMENTATIONS", None)
    for key, value in callspec.params.items():
        names = _implementation_names(value)
        if key == "impl" and isinstance(value, str) and table is not None and value in table:
            names.append(value)
        off = [n for n in names if n not in EMBEDDED]
        if off:
            return f"implementation {', '.join(off)} is not embedded"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        (drop if _needs_server(item) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> None:
    if fixturedef.argname in SERVER_FIXTURES:
        pytest.fail(f"make test-lite must need no server, but {request.node.nodeid} set up {fixturedef.argname}")
