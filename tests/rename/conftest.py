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
