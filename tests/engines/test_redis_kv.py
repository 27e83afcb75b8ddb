"""kv on Redis beyond the conformance suite: start-up errors, reconnecting, and a server killed with
SIGKILL mid-workload (each test here starts a Redis server of its own, so it may kill it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from providers.errors import ErrorCode, ProviderError
from providers.kv import open_kv
from tests.engines.redis_server import RedisServer, start_or_skip
from tests.netutil import free_port

BOUND = 30.0  # seconds a failing call may take before the test calls it a hang


@pytest.fixture
def own_server() -> Iterator[RedisServer]:
    server = start_or_skip()
    try:
        yield server
    finally:
        server.stop()


def test_start_up_error_names_the_redacted_uri_and_the_cause() -> None:
    uri = f"redis://app:s3cret@127.0.0.1:{free_port()}/0?connect_timeout=1"
    started = time.monotonic()
    with pytest.raises(ProviderError) as info:
        open_kv(uri)
    assert time.monotonic() - started < BOUND
    text = str(info.value)
    assert info.value.code is ErrorCode.UNAVAILABLE
    assert "s3cret" not in text and "app:***@127.0.0.1" in text and "Redis" in text
    assert "ConnectionError" in text  # the cause


@pytest.mark.parametrize("uri", ["redis://127.0.0.1:1/0?bogus=1", "redis://127.0.0.1:1/x", "redis://127.0.0.1:1/0?db=2",
                                 "unix://host/sock", "redis://127.0.0.1:1/0?max_connections=0"])
def test_bad_uris_are_refused_before_connecting(uri: str) -> None:
    with pytest.raises(ProviderError) as info:
        open_kv(uri)
    assert info.value.code is ErrorCode.INVALID_ARGUMENT


def test_close_releases_the_pool(own_server: RedisServer) -> None:
    kv = open_kv(own_server.uri(query="max_connections=4"))
    threads = [threading.Thread(target=lambda: [kv.incr("n") for _ in range(50)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert kv.get("n") == b"200"
    assert _clients(own_server) >= 1
    kv.close()
    assert _clients(own_server) == 0
    with pytest.raises(ProviderError) as info:
        kv.get("n")
    assert info.value.code is ErrorCode.FAILED_PRECONDITION


def test_unix_socket() -> None:
    server = start_or_skip(unixsocket=True)
    try:
        with open_kv(f"unix://{server.socket_path}?db=3") as kv:
            kv.set("k", "over the socket")
            kv.ping()
        with open_kv(f"redis://{server.host}:{server.port}/3") as kv:
            assert kv.get("k") == b"over the socket"
    finally:
        server.stop()


def _clients(server: RedisServer) -> int:
    import socket

    with socket.create_connection((server.host, server.port), timeout=5) as s:
        s.sendall(b"*2\r\n$4\r\nINFO\r\n$7\r\nclients\r\n")
        data = b""
        while b"connected_clients:" not in data or not data.endswith(b"\r\n"):
            data += s.recv(4096)
    # INFO counts this connection too.
    return int(data.split(b"connected_clients:")[1].split(b"\r\n")[0]) - 1


def test_sigkill_of_the_server_mid_workload(own_server: RedisServer) -> None:
    """Acknowledged writes survive (appendonly, fsync always), calls while the server is down fail
    with UNAVAILABLE within the bound, and the same store works again after the restart."""
    uri = own_server.uri(query="connect_timeout=1&timeout=2")
    kv = open_kv(uri)
    acked: list[int] = []
    errors: list[ProviderError] = []
    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set():
            try:
                with kv.pipeline() as p:
                    p.set(f"k{i}", i).rpush("log", i)
                    p.execute()
            except ProviderError as err:
                errors.append(err)
                time.sleep(0.01)
                continue
            acked.append(i)
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(acked) < 300:
            time.sleep(0.01)
        own_server.kill()
        down_at = len(acked)
        started = time.monotonic()
        with pytest.raises(ProviderError) as info:
            kv.get("k0")
        assert info.value.code is ErrorCode.UNAVAILABLE and time.monotonic() - started < BOUND
        own_server.start()
        deadline = time.monotonic() + BOUND
        while len(acked) < down_at + 100 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join(BOUND)
    assert not thread.is_alive(), "the writer hung"
    assert len(acked) >= down_at + 100, "the store did not recover after the restart"
    assert all(e.code is ErrorCode.UNAVAILABLE for e in errors)
    log = [int(x) for x in kv.lrange("log", 0, -1)]
    # Every acknowledged batch is there, in order. One that failed may be there too (its EXEC ran but
    # the reply was lost with the server), then twice, as the writer sent it again.
    assert set(acked) <= set(log) and log == sorted(log) and len(log) <= len(acked) + len(errors)
    for i in acked[::50]:
        assert kv.get(f"k{i}") == str(i).encode()
    kv.ping()
    kv.close()
    print(f"redis fault run: {down_at} batches acknowledged before SIGKILL, {len(acked)} in all, "
          f"{len(errors)} UNAVAILABLE while down, {len(log)} in the log after the restart")
