"""Issue 11, the kv Low items: huge TTLs are INVALID_ARGUMENT (not struct.error/OverflowError
aborting a pipeline), and concurrent pings never read each other's token."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from providers.errors import ErrorCode, ProviderError
from providers.kv import open_kv
from providers.kv.contract import MAX_TTL_SECONDS, KVStore


@pytest.fixture
def kv(tmp_path: Path) -> Iterator[KVStore]:
    store = open_kv(f"lmdb:///{tmp_path}/kv")
    try:
        yield store
    finally:
        store.close()


@pytest.mark.parametrize("ttl", [1.8e16, 2**64, 10**30, 1e308, datetime.timedelta.max, MAX_TTL_SECONDS * 2])
def test_huge_ttl_is_invalid_argument(kv: KVStore, ttl: float | datetime.timedelta) -> None:
    for call in (lambda: kv.set("k", b"v", ttl), lambda: kv.expire("k", ttl)):
        with pytest.raises(ProviderError) as info:
            call()
        assert info.value.code is ErrorCode.INVALID_ARGUMENT
    kv.set("k", b"v", MAX_TTL_SECONDS)  # the bound itself works
    assert kv.get("k") == b"v"


def test_huge_ttl_in_a_pipeline_is_refused_before_anything_runs(kv: KVStore) -> None:
    pipe = kv.pipeline()
    pipe.set("a", b"1")
    with pytest.raises(ProviderError) as info:
        pipe.set("b", b"2", 1.8e16)
    assert info.value.code is ErrorCode.INVALID_ARGUMENT
    pipe.set("c", b"3")
    pipe.execute()
    assert kv.get("a") == b"1" and kv.get("c") == b"3" and kv.get("b") is None


def test_a_ping_between_another_pings_write_and_read_back_does_not_fail_it(kv: KVStore) -> None:
    # About 1 in 1000 /healthz/kv was a false 503: two pings shared one record, and the second
    # one's write could land between the first one's write and its read-back. Here that
    # interleaving is forced: the first read-back transaction runs a whole second ping first.
    driver: Any = kv.driver
    env = driver._env
    nested = []

    class Interleaving:
        def __getattr__(self, name: str) -> Any:
            return getattr(env, name)

        def begin(self, write: bool = False, **kw: Any) -> Any:
            if not write and not nested:
                nested.append(True)
                driver._env = env
                try:
                    kv.ping()
                finally:
                    driver._env = self
            return env.begin(write=write, **kw)

    driver._env = Interleaving()
    try:
        kv.ping()
    finally:
        driver._env = env
    assert nested == [True]


def test_concurrent_pings_do_not_fail(kv: KVStore) -> None:
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def pinger() -> None:
        start.wait()
        for _ in range(200):
            try:
                kv.ping()
            except ProviderError as err:
                failures.append(err)

    threads = [threading.Thread(target=pinger) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
