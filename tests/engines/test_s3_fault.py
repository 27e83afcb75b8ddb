"""blob on S3 when the S3 server dies: kill -9 mid-workload, then start it again.

Each test starts a moto server of its own (tests/engines/s3_server.py) so it may kill it. Moto keeps
its objects in memory: a restarted moto is an empty server, so durability across a server crash
cannot be shown with it (that is the real S3 server's promise, not the provider's). What is shown:
while the server is down every call fails with UNAVAILABLE naming the endpoint, within a bounded
time (no hang), and after the restart (the bucket created again, as an operator would) the same
provider object serves calls again without being reopened.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from providers.blob import BlobStore, open_blob
from providers.errors import ErrorCode, ProviderError
from tests.engines.s3_server import S3Server, start_s3_server

BOUND = 30.0  # seconds a failing call may take before the test calls it a hang


@pytest.fixture
def own_server() -> Iterator[S3Server]:
    server = start_s3_server()
    try:
        yield server
    finally:
        server.stop()


def _bucket(store_uri: str) -> str:
    return store_uri.split("@", 1)[1].split("?", 1)[0].split("/", 1)[0]


def _fails_unavailable(call: Callable[[], Any], endpoint: str) -> ProviderError:
    started = time.monotonic()
    with pytest.raises(ProviderError) as info:
        call()
    assert time.monotonic() - started < BOUND, "a call on a dead server must fail, not hang"
    assert info.value.code is ErrorCode.UNAVAILABLE, info.value
    assert endpoint in str(info.value), f"the error should name the endpoint {endpoint}: {info.value}"
    return info.value


def test_killed_server_fails_fast_and_the_same_store_recovers(own_server: S3Server) -> None:
    uri = own_server.uri(connect_timeout="1", attempts="2")
    store: BlobStore = open_blob(uri)
    payload = b"k" * 1024
    store.put("before", payload)

    # A writer keeps putting objects while the server is killed under it.
    stop = threading.Event()
    acknowledged: list[str] = []
    errors: list[ProviderError] = []

    def writer() -> None:
        i = 0
        while not stop.is_set():
            try:
                store.put(f"w/{i}", payload)
                acknowledged.append(f"w/{i}")
            except ProviderError as err:
                errors.append(err)
            i += 1

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    deadline = time.monotonic() + BOUND
    while len(acknowledged) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(acknowledged) >= 20, "the writer made no progress against a live server"
    own_server.kill()
    while not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(BOUND)
    assert not thread.is_alive(), "the writer hung on a dead server"
    assert errors, "no put failed after the server was killed"
    assert all(e.code is ErrorCode.UNAVAILABLE for e in errors), [str(e) for e in errors]

    endpoint = own_server.endpoint
    _fails_unavailable(lambda: store.get("before"), endpoint)
    _fails_unavailable(lambda: store.put("during", payload), endpoint)
    _fails_unavailable(lambda: store.head("before"), endpoint)
    _fails_unavailable(lambda: store.list_all(), endpoint)
    _fails_unavailable(lambda: store.delete("before"), endpoint)
    started = time.monotonic()
    with pytest.raises(ProviderError) as info:
        store.ping()
    assert time.monotonic() - started < BOUND and info.value.code is ErrorCode.UNAVAILABLE

    own_server.start()
    # Moto restarted empty: recreate the bucket from outside, as an operator restoring the server would.
    admin = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                         aws_access_key_id=own_server.access_key, aws_secret_access_key=own_server.secret_key)
    admin.create_bucket(Bucket=_bucket(uri))

    store.ping()
    store.put("after", payload)
    assert store.get("after") == payload
    assert [info.key for info in store.list_all()] == ["after"]
    store.close()


def test_open_against_a_killed_server_is_bounded_and_names_the_endpoint(own_server: S3Server) -> None:
    uri = own_server.uri(connect_timeout="1", attempts="1")
    own_server.kill()
    err = _fails_unavailable(lambda: open_blob(uri), own_server.endpoint)
    assert own_server.secret_key + "@" not in str(err)
