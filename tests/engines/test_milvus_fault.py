"""Retrieval on Milvus Lite when its server dies: kill -9 mid-workload, then start it again.

Finding: ``milvus:///file.db`` (milvus-lite 3.x) runs its gRPC server on a thread inside the client's
own process, so that form cannot be killed apart from the application. The same server runs as a
process of its own (``python -m milvus_lite server --data-dir D --port P``) that the provider reaches
as ``milvus://127.0.0.1:P``: that process is what these tests kill with SIGKILL and start again on the
same data directory. Shown: while it is down every call fails with UNAVAILABLE within a bounded time
(no hang); every insert the provider acknowledged before the kill is present after the restart.

A restarted Milvus Lite comes back with every collection "released" (not loaded); the provider loads a
collection again when a read finds it released (`MilvusRetrieval._loaded`), so the same provider object
recovers with no outside help (`test_the_same_provider_recovers_without_outside_help`).
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from providers.errors import ErrorCode, ProviderError
from providers.search import SearchProvider, open_retrieval
from providers.search.contract import CreateRequest, Document, Field, FieldType, RetrieveOptions, SearchStore
from tests.netutil import free_port

BOUND = 30.0  # seconds a failing call may take before the test calls it a hang
DIM = 8


class MilvusLiteServer:
    """`python -m milvus_lite server` on loopback, on one data directory and port across restarts."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="cozelite-milvus-")
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"milvus://127.0.0.1:{self.port}?timeout=2"

    def start(self, timeout: float = 60.0) -> MilvusLiteServer:
        with open(os.path.join(self.dir, "server.log"), "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "milvus_lite", "server", "--data-dir", os.path.join(self.dir, "data"),
                 "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        from pymilvus import MilvusClient

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                client = MilvusClient(uri=f"http://127.0.0.1:{self.port}", timeout=2)
                client.list_collections()
                client.close()
                return self
            except Exception:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Milvus Lite server did not start on port {self.port} within {timeout}s")

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


@pytest.fixture
def server() -> Iterator[MilvusLiteServer]:
    if importlib.util.find_spec("milvus_lite") is None:
        if os.environ.get("COZELITE_REQUIRE_ENGINES") == "1":
            pytest.fail("milvus-lite is not installed and COZELITE_REQUIRE_ENGINES=1")
        pytest.skip("milvus-lite is not installed (pip install milvus-lite)")
    s = MilvusLiteServer().start()
    try:
        yield s
    finally:
        s.stop()


def _doc(i: int) -> Document:
    return Document(id=str(i), content=f"document {i}", creator_id=i % 3,
                    dense_vector=[float(i % 17) + 1.0] + [1.0] * (DIM - 1))


def _open(server: MilvusLiteServer) -> tuple[SearchProvider, SearchStore]:
    provider = open_retrieval(server.uri)
    provider.searchstore.create(CreateRequest("kb", [
        Field("id", FieldType.INT64, is_primary=True), Field("creator_id", FieldType.INT64),
        Field("text_content", FieldType.TEXT, indexing=True, dim=DIM)]))
    return provider, provider.searchstore.get_search_store("kb")


def _all_ids(store: SearchStore) -> set[int]:
    return {int(d.id) for d in store.retrieve("", RetrieveOptions(query_vector=[1.0] * DIM, top_k=10000))}


def _fails_unavailable(call: Callable[[], Any]) -> None:
    started = time.monotonic()
    with pytest.raises(ProviderError) as info:
        call()
    assert time.monotonic() - started < BOUND, "a call on a dead server must fail, not hang"
    assert info.value.code is ErrorCode.UNAVAILABLE, info.value
    assert "Milvus" in str(info.value)


def _kill_under_writer(server: MilvusLiteServer, store: SearchStore) -> set[int]:
    """Insert one document per call until the server is killed; the ids the provider acknowledged."""
    stop = threading.Event()
    acknowledged: set[int] = set()
    errors: list[ProviderError] = []

    def writer() -> None:
        i = 1
        while not stop.is_set():
            try:
                store.store([_doc(i)])
                acknowledged.add(i)
            except ProviderError as err:
                errors.append(err)
            i += 1

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    deadline = time.monotonic() + BOUND
    while len(acknowledged) < 30 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(acknowledged) >= 30, "the writer made no progress against a live server"
    server.kill()
    while not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(BOUND)
    assert not thread.is_alive(), "the writer hung on a dead server"
    assert errors and all(e.code is ErrorCode.UNAVAILABLE for e in errors), [str(e) for e in errors]
    return acknowledged


def test_killed_server_fails_fast_and_keeps_acknowledged_inserts(server: MilvusLiteServer) -> None:
    provider, store = _open(server)
    acknowledged = _kill_under_writer(server, store)

    _fails_unavailable(lambda: store.retrieve("", RetrieveOptions(query_vector=[1.0] * DIM, top_k=10)))
    _fails_unavailable(lambda: store.store([_doc(10**6)]))
    _fails_unavailable(provider.ping)

    server.start()
    present = _all_ids(store)  # the same provider object, not reopened
    assert acknowledged <= present, f"acknowledged inserts lost: {sorted(acknowledged - present)[:10]}"
    store.store([_doc(10**6)])
    assert 10**6 in _all_ids(store)
    provider.close()


def test_the_same_provider_recovers_without_outside_help(server: MilvusLiteServer) -> None:
    provider, store = _open(server)
    for i in range(1, 11):
        store.store([_doc(i)])
    server.kill()
    server.start()
    assert _all_ids(store) == set(range(1, 11))
    provider.close()
