"""Fixtures of the end-to-end tests: `e2e` is one real server per mode for the whole session (lite in
the default run; server mode, which needs every test server, is `slow`: nightly)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e._server import MODES, ApiClient, E2EServer, start_server

MODE_PARAMS = [m if m == "lite" else pytest.param(m, marks=pytest.mark.slow) for m in MODES]


@pytest.fixture(scope="session", params=MODE_PARAMS)
def e2e(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2EServer]:
    tmp: Path = tmp_path_factory.mktemp(f"e2e-{request.param}")
    server = start_server(tmp, request.param, request)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def alice_bob(e2e: E2EServer) -> tuple[ApiClient, ApiClient]:
    """Two users of the module's server: A (alice) and B (bob)."""
    return e2e.user("alice"), e2e.user("bob")
