"""Fixtures for the translation matrix: one workload engine per dialect for the session.
PostgreSQL and MariaDB come from tests/engines (registered in tests/conftest.py); without them the
directions that need them skip, or fail under COZELITE_REQUIRE_ENGINES=1."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))

from _matrix import make_engine  # noqa: E402


@pytest.fixture(scope="session")
def matrix_engines(request) -> Iterator[dict[str, Any]]:
    engines: dict[str, Any] = {}

    def get(dialect: str) -> Any:
        if dialect not in engines:
            if dialect == "postgres":
                engines[dialect] = make_engine(dialect, pg_server=request.getfixturevalue("pg_server"))
            elif dialect == "mysql":
                engines[dialect] = make_engine(dialect, mariadb_server=request.getfixturevalue("mariadb_server"))
            else:
                engines[dialect] = make_engine(dialect)
        return engines[dialect]

    yield get  # type: ignore[misc]
    for engine in engines.values():
        engine.close()
