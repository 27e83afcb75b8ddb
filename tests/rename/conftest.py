"""Fixtures for the rename tests: helpers importable by name, engines per dialect for the
generated differential (tests/rename/_rename_engines.py) and the real-world workload
(tests/rename/_workload.py). PostgreSQL and MariaDB come from tests/engines (registered in
tests/conftest.py); without them the engine's tests skip, or fail under COZELITE_REQUIRE_ENGINES=1.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))
sys.path.insert(0, str(_HERE.parent / "safety"))

from _rename_engines import MariaDBRename, PostgresRename, RenameEngine, SQLiteRename  # noqa: E402
from _workload import MariaDBWorkload, PostgresWorkload, SQLiteWorkload, WorkloadEngine  # noqa: E402
from _write_engines import MariaDBWrites, PostgresWrites, SQLiteWrites, WriteEngine  # noqa: E402

DIALECTS = ("sqlite", "postgres", "mysql")


@pytest.fixture(scope="session")
def rename_engines(request) -> Iterator[dict[str, RenameEngine]]:
    engines: dict[str, RenameEngine] = {}
    yield engines
    for engine in engines.values():
        engine.close()


@pytest.fixture(params=DIALECTS)
def rename_engine(request, rename_engines) -> RenameEngine:
    name = request.param
    if name not in rename_engines:
        if name == "sqlite":
            rename_engines[name] = SQLiteRename()
        elif name == "postgres":
            rename_engines[name] = PostgresRename(request.getfixturevalue("pg_server"))
        else:
            rename_engines[name] = MariaDBRename(request.getfixturevalue("mariadb_server"))
    return rename_engines[name]


@pytest.fixture(params=DIALECTS)
def workload_engine(request) -> Iterator[WorkloadEngine]:
    name = request.param
    engine: WorkloadEngine
    if name == "sqlite":
        engine = SQLiteWorkload()
    elif name == "postgres":
        engine = PostgresWorkload(request.getfixturevalue("pg_server"))
    else:
        engine = MariaDBWorkload(request.getfixturevalue("mariadb_server"))
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def write_engines() -> Iterator[dict[str, WriteEngine]]:
    engines: dict[str, WriteEngine] = {}
    yield engines
    for engine in engines.values():
        engine.close()


def _write_engine(name: str, request, engines: dict[str, WriteEngine]) -> WriteEngine:
    if name not in engines:
        if name == "sqlite":
            engines[name] = SQLiteWrites()
        elif name == "postgres":
            engines[name] = PostgresWrites(request.getfixturevalue("pg_server"))
        else:
            engines[name] = MariaDBWrites(request.getfixturevalue("mariadb_server"))
    return engines[name]


@pytest.fixture(params=DIALECTS)
def write_engine(request, write_engines) -> WriteEngine:
    """Write statements (tests/rename/_write_engines.py) on one engine, per dialect."""
    return _write_engine(request.param, request, write_engines)


@pytest.fixture
def all_write_engines(request, write_engines) -> dict[str, WriteEngine]:
    """Every engine at once (translation runs a source on one engine and its translation on another)."""
    return {name: _write_engine(name, request, write_engines) for name in DIALECTS}
