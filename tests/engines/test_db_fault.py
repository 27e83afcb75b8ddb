"""Fault runs of the server db providers: the server is killed (-9) mid-workload and started again.

For MySQL (MariaDB) and PostgreSQL, on a private server (tests/engines/killable.py):
- every insert acknowledged before the kill is there after the restart (no committed row lost);
- while the server is down, calls fail with UNAVAILABLE (retryable) naming the server, and return:
  no call hangs (each worker is joined with a bound; a stuck one fails the test);
- after the restart the provider recovers by itself: within a few calls (the first may still see a
  dead pooled connection and say UNAVAILABLE), calls succeed again on the same provider object.

Also: a start-up error names the URI with its password redacted, the server and the cause.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from providers.db import open_db
from providers.db.contract import RDB, Column, DataType, Index, IndexType, OrderBy, Table
from providers.errors import ErrorCode, ProviderError
from tests.engines.killable import KillableMariaDB, KillablePostgres
from tests.engines.mariadb_server import MariaDBServer
from tests.engines.pg_server import find_bindir
from tests.engines.server_uris import fresh_mysql_uri, fresh_postgres_uri
from tests.netutil import free_port

pytestmark = pytest.mark.engine

# Bounds, not timings: a call that has not returned by then counts as a hang.
CALL_BOUND_S = 60.0
ACKED_BEFORE_KILL = 40


def _require(available: bool, what: str) -> None:
    if not available:
        if os.environ.get("COZELITE_REQUIRE_ENGINES") == "1":
            pytest.fail(f"{what} is not installed and COZELITE_REQUIRE_ENGINES=1")
        pytest.skip(f"{what} is not installed")


def _mariadb() -> Iterator[tuple[Any, str]]:
    _require(MariaDBServer.available(), "MariaDB")
    server = KillableMariaDB().start()
    try:
        yield server, fresh_mysql_uri(server, None, pool_size=3, connect_timeout=3, statement_timeout_ms=10000)
    finally:
        server.stop()


def _postgres() -> Iterator[tuple[Any, str]]:
    _require(find_bindir() is not None, "PostgreSQL")
    server = KillablePostgres().start()
    try:
        yield server, fresh_postgres_uri(server, None, pool_size=3, connect_timeout=3, statement_timeout_ms=10000)
    finally:
        server.stop()


SERVERS: dict[str, Callable[[], Iterator[tuple[Any, str]]]] = {"mysql": _mariadb, "postgres": _postgres}


@pytest.fixture(params=sorted(SERVERS))
def killable(request: pytest.FixtureRequest) -> Iterator[tuple[Any, str]]:
    yield from SERVERS[request.param]()


def _bounded(fn: Callable[[], Any]) -> Any:
    """Run one call in a thread; fail the test if it does not return within the bound."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as err:
            out["error"] = err

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(CALL_BOUND_S)
    assert not worker.is_alive(), f"a db call did not return within {CALL_BOUND_S}s (hang)"
    if "error" in out:
        raise out["error"]
    return out.get("value")


def _table() -> Table:
    return Table(name="events", columns=[Column("id", DataType.BIGINT, not_null=True), Column("v", DataType.VARCHAR)],
                 indexes=[Index("PRIMARY", IndexType.PRIMARY_KEY, ["id"])])


def test_kill_9_mid_workload_then_restart(killable: tuple[Any, str]) -> None:
    server, uri = killable
    db: RDB = open_db(uri)
    try:
        db.create_table(_table())
        acked: list[int] = []
        failures: list[ProviderError] = []
        stop = threading.Event()
        killed = threading.Event()

        def writer() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    db.insert_data("events", [{"id": n, "v": f"row {n}"}])
                    acked.append(n)  # only after the commit returned
                except ProviderError as err:
                    failures.append(err)
                    if killed.is_set():
                        return

        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        while len(acked) < ACKED_BEFORE_KILL and thread.is_alive():
            threading.Event().wait(0.01)
        server.kill()
        killed.set()
        thread.join(CALL_BOUND_S)
        assert not thread.is_alive(), "the writer hung on a dead server"
        stop.set()
        assert failures, "no call failed although the server was killed"
        assert {f.code for f in failures} == {ErrorCode.UNAVAILABLE}, [f.message for f in failures]

        # Down: calls fail fast and clearly, naming the server.
        with pytest.raises(ProviderError) as down:
            _bounded(lambda: db.select_data("events", limit=1))
        assert down.value.code is ErrorCode.UNAVAILABLE
        with pytest.raises(ProviderError):
            _bounded(db.ping)

        server.restart()
        # Recovered: the same provider object serves again within a few calls.
        errors: list[ProviderError] = []
        rows: list[dict[str, Any]] | None = None
        for _ in range(3):
            try:
                rows = _bounded(lambda: db.select_data("events", order_by=[OrderBy("id")])).result_set.rows
                break
            except ProviderError as err:
                assert err.code is ErrorCode.UNAVAILABLE, err.message
                errors.append(err)
        assert rows is not None, f"no recovery after the restart: {[e.message for e in errors]}"
        present = {r["id"] for r in rows}
        assert set(acked) <= present, f"committed rows lost: {sorted(set(acked) - present)[:10]}"
        _bounded(db.ping)
        db.insert_data("events", [{"id": 10**9, "v": "after the restart"}])
    finally:
        db.close()


@pytest.mark.parametrize("scheme", ["mysql", "mariadb", "postgresql", "postgres", "postgresql+psycopg"])
def test_start_up_error_names_the_uri_redacted_the_server_and_the_cause(scheme: str) -> None:
    port = free_port()  # nothing listens there
    uri = f"{scheme}://app:s3cret@127.0.0.1:{port}/appdb?connect_timeout=2"
    with pytest.raises(ProviderError) as info:
        _bounded(lambda: open_db(uri))
    message = info.value.message
    assert info.value.code is ErrorCode.UNAVAILABLE, message
    assert "s3cret" not in message and "***" in message
    assert f"127.0.0.1:{port}" in message
    assert "refused" in message.lower() or "connect" in message.lower()
