"""The kv conformance suite: one suite for the `KVStore` contract, run against every implementation.

An implementation joins by adding an `Implementation` to IMPLEMENTATIONS (tests/conformance/_harness.py;
a server-backed one: a URI of a server its fixture starts). `test_every_scheme_is_covered` fails when
the registry has an implementation without one. Promises only some implementations keep:
"injectable_clock" (the clock-driven TTL tests), "sweep" (a `sweep()` on the driver that deletes
expired keys), "local_directory" (the store lives in a directory of this machine). Options:
"max_value_bytes" (what the URI configures). Ping, close, backup and use as a context manager are
checked for every area by tests/conformance/lifecycle.py.
"""

from __future__ import annotations

import datetime
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from providers.errors import ErrorCode, ProviderError
from providers.kv import KV, KVStore, open_kv
from tests.conformance import _procs as procs
from tests.conformance._harness import Bound, Implementation, covers, impl_fixture, implementations, keeps, require

IMPLEMENTATIONS = implementations(
    Implementation(
        "lmdb",
        uri=lambda ctx: f"lmdb:///{ctx.tmp}/kv?sweep_interval=0&max_value_bytes=1MiB&map_size=256MiB",
        # max_value_bytes: what the URI configures; larger values must be refused.
        # restore_uri: a backup directory is an LMDB environment of its own, opened where it is.
        options={"max_value_bytes": 2**20, "restore_uri": lambda backup: f"lmdb:///{backup}?sweep_interval=0"},
    ),
    Implementation(
        "redis",
        # Each URI is an empty database of its own on the session's server (tests/engines/redis_server.py).
        uri=lambda ctx: ctx.server("redis_server").uri(query="max_value_bytes=1MiB"),
        servers=("redis_server",),
        options={"max_value_bytes": 2**20},
        unsupported={
            "injectable_clock": "TTLs run on the Redis server's clock; the real-clock TTL test covers expiry",
            "sweep": "Redis deletes expired keys itself (lazily and by its active expire cycle)",
            "local_directory": "the store lives in a server, reached over the network",
            "backup": "a server's data is backed up with its own tools (BGSAVE, the AOF, replicas)",
        },
    ),
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


impl = impl_fixture(IMPLEMENTATIONS)


@pytest.fixture
def uri(impl: Bound) -> str:
    return impl.uri


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def kv(impl: Bound, uri: str, clock: FakeClock) -> Iterator[KVStore]:
    store = open_kv(uri, clock=clock) if keeps(impl, "injectable_clock") else open_kv(uri)
    yield store
    store.close()


@pytest.fixture
def timed(impl: Bound, kv: KVStore, clock: FakeClock) -> tuple[KVStore, FakeClock]:
    require(impl, "injectable_clock")
    return kv, clock


def code_of(fn: Callable[[], Any]) -> ErrorCode:
    with pytest.raises(ProviderError) as info:
        fn()
    return info.value.code


def test_every_scheme_is_covered() -> None:
    covers(IMPLEMENTATIONS, KV)


# -- strings
@pytest.mark.parametrize(("value", "stored"), [
    (b"\x00\xffraw", b"\x00\xffraw"), ("héllo", "héllo".encode()), (42, b"42"), (-7, b"-7"),
    (1.5, b"1.5"), (True, b"1"), (False, b"0"), (bytearray(b"ba"), b"ba"), (b"", b""),
])
def test_set_get_encodes_like_go_redis(kv: KVStore, value: Any, stored: bytes) -> None:
    kv.set("k", value)
    assert kv.get("k") == stored


def test_get_missing_is_none(kv: KVStore) -> None:
    assert kv.get("nope") is None
    assert kv.exists("nope") == 0


def test_set_replaces_any_type(kv: KVStore) -> None:
    kv.rpush("k", "a")
    kv.set("k", "v")
    assert kv.get("k") == b"v"
    kv.hset("h", {"f": "1"})
    kv.set("h", "v2")
    kv.hset("h2", "f", "x")
    assert kv.get("h") == b"v2"


def test_incr(kv: KVStore) -> None:
    assert kv.incr("n") == 1
    assert kv.incr_by("n", 41) == 42
    assert kv.incr_by("n", -50) == -8
    assert kv.get("n") == b"-8"
    kv.set("s", "10")
    assert kv.incr("s") == 11


@pytest.mark.parametrize("stored", ["abc", "1.5", " 1", "01", "", "9223372036854775808"])
def test_incr_of_a_non_integer_fails(kv: KVStore, stored: str) -> None:
    kv.set("k", stored)
    assert code_of(lambda: kv.incr("k")) == ErrorCode.FAILED_PRECONDITION
    assert kv.get("k") == stored.encode()


def test_incr_overflow_fails_and_keeps_value(kv: KVStore) -> None:
    kv.set("k", 2**63 - 2)
    assert kv.incr("k") == 2**63 - 1
    assert code_of(lambda: kv.incr("k")) == ErrorCode.FAILED_PRECONDITION
    assert kv.get("k") == str(2**63 - 1).encode()
    kv.set("m", -(2**63))
    assert code_of(lambda: kv.incr_by("m", -1)) == ErrorCode.FAILED_PRECONDITION


def test_wrong_type(kv: KVStore) -> None:
    kv.rpush("list", "a")
    kv.hset("hash", "f", "v")
    kv.set("str", "v")
    for fn in (lambda: kv.get("list"), lambda: kv.incr("hash"), lambda: kv.hset("list", "f", "v"),
               lambda: kv.hgetall("str"), lambda: kv.lpush("hash", "x"), lambda: kv.lrange("str", 0, -1),
               lambda: kv.lindex("hash", 0), lambda: kv.lpop("str"), lambda: kv.lset("str", 0, "x")):
        assert code_of(fn) == ErrorCode.FAILED_PRECONDITION
    assert kv.lrange("list", 0, -1) == [b"a"]
    assert kv.hgetall("hash") == {"f": b"v"}


# -- hashes
def test_hset_hgetall(kv: KVStore) -> None:
    assert kv.hgetall("h") == {}
    assert kv.hset("h", {"a": 1, "b": "two"}) == 2
    assert kv.hset("h", "a", b"one", "c", 3.0) == 1
    assert kv.hgetall("h") == {"a": b"one", "b": b"two", "c": b"3.0"}
    assert kv.hgetall("other") == {}


def test_hash_fields_of_similar_keys_do_not_mix(kv: KVStore) -> None:
    kv.hset("a", "bc", "1")
    kv.hset("ab", "c", "2")
    kv.hset("a\x00", "x", "3")
    assert kv.hgetall("a") == {"bc": b"1"}
    assert kv.hgetall("ab") == {"c": b"2"}
    kv.delete("a")
    assert kv.hgetall("ab") == {"c": b"2"}


@pytest.mark.parametrize("args", [(), ("f",), ("f", "v", "g"), ({},)])
def test_hset_bad_arguments(kv: KVStore, args: tuple[Any, ...]) -> None:
    assert code_of(lambda: kv.hset("h", *args)) == ErrorCode.INVALID_ARGUMENT
    assert kv.exists("h") == 0


# -- generic
def test_delete_and_exists_count_like_redis(kv: KVStore) -> None:
    kv.set("a", 1)
    kv.hset("b", "f", 1)
    kv.rpush("c", 1, 2)
    assert kv.exists("a", "a", "b", "c", "zz") == 4
    assert kv.delete("a", "b", "zz", "a") == 2
    assert kv.exists("a", "b", "c") == 1
    assert kv.hgetall("b") == {}
    assert kv.delete("c") == 1
    assert kv.lrange("c", 0, -1) == []


def test_expire_missing_key(kv: KVStore) -> None:
    assert kv.expire("nope", 10) is False


def test_expire_non_positive_deletes(kv: KVStore) -> None:
    kv.rpush("l", "a", "b")
    assert kv.expire("l", 0) is True
    assert kv.exists("l") == 0
    kv.rpush("l", "c")
    assert kv.lrange("l", 0, -1) == [b"c"]


# -- TTL (injected clock: no sleeping)
def test_set_ttl_expires(timed: tuple[KVStore, FakeClock]) -> None:
    kv, clock = timed
    kv.set("a", "v", ttl=10)
    kv.set("b", "v", ttl=datetime.timedelta(milliseconds=1500))
    kv.set("c", "v", ttl=0)  # go-redis: 0 is no expiry
    clock.advance(1.4)
    assert kv.get("b") == b"v"
    clock.advance(0.2)
    assert kv.get("b") is None
    clock.advance(8.3)
    assert kv.get("a") == b"v"
    clock.advance(0.2)
    assert kv.get("a") is None
    assert kv.exists("a", "b", "c") == 1
    clock.advance(10**6)
    assert kv.get("c") == b"v"


def test_set_without_ttl_clears_ttl(timed: tuple[KVStore, FakeClock]) -> None:
    kv, clock = timed
    kv.set("a", "v", ttl=5)
    kv.set("a", "w")
    clock.advance(6)
    assert kv.get("a") == b"w"


def test_incr_keeps_ttl_and_restarts_after_expiry(timed: tuple[KVStore, FakeClock]) -> None:
    kv, clock = timed
    kv.set("n", 5, ttl=5)
    assert kv.incr("n") == 6
    clock.advance(5)
    assert kv.get("n") is None
    assert kv.incr("n") == 1
    clock.advance(100)
    assert kv.get("n") == b"1"


def test_expired_hash_and_list_leave_nothing_behind(timed: tuple[KVStore, FakeClock]) -> None:
    kv, clock = timed
    kv.hset("h", {"old1": 1, "old2": 2})
    kv.rpush("l", "o1", "o2", "o3")
    assert kv.expire("h", 1) is True
    assert kv.expire("l", datetime.timedelta(seconds=1)) is True
    clock.advance(1)
    assert kv.hgetall("h") == {}
    assert kv.lrange("l", 0, -1) == []
    assert kv.lindex("l", 0) is None
    assert kv.hset("h", "new", 3) == 1
    assert kv.hgetall("h") == {"new": b"3"}
    assert kv.rpush("l", "n") == 1
    assert kv.lrange("l", 0, -1) == [b"n"]
    assert kv.expire("gone", 5) is False


def test_expire_replaces_ttl(timed: tuple[KVStore, FakeClock]) -> None:
    kv, clock = timed
    kv.set("a", "v", ttl=2)
    assert kv.expire("a", 100) is True
    clock.advance(50)
    assert kv.get("a") == b"v"
    assert kv.expire("a", 1) is True
    clock.advance(1)
    assert kv.get("a") is None


def test_ttl_with_the_real_clock(uri: str) -> None:
    with open_kv(uri) as kv:
        kv.set("k", "v", ttl=0.05)
        kv.set("keep", "v", ttl=3600)
        deadline = time.monotonic() + 30  # only reached if the key never expires
        while kv.get("k") is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert kv.get("k") is None
        assert kv.get("keep") == b"v"


def test_sweep_deletes_expired_keys(impl: Bound, timed: tuple[KVStore, FakeClock]) -> None:
    require(impl, "sweep")
    kv, clock = timed
    sweep = cast(Any, kv.driver).sweep  # an extra of the driver, not part of the kv contract
    for i in range(30):
        kv.set(f"s{i}", i, ttl=1 + i % 3)
    kv.hset("h", "f", 1)
    kv.expire("h", 2)
    kv.set("keep", 1, ttl=100)
    kv.set("s0", "rewritten")  # its old expiry entry must not delete the new value
    clock.advance(2.5)
    removed = sweep()
    assert removed == 9 + 10 + 1  # ttl 1 (s0 was rewritten), ttl 2, the hash
    assert kv.get("s0") == b"rewritten"
    assert kv.get("keep") == b"1"
    assert sweep() == 0
    clock.advance(1)
    assert sweep() == 10


# -- lists
def test_push_order_and_index(kv: KVStore) -> None:
    assert kv.lpush("l", "a", "b", "c") == 3
    assert kv.rpush("l", "d", "e") == 5
    assert kv.lrange("l", 0, -1) == [b"c", b"b", b"a", b"d", b"e"]
    assert kv.lindex("l", 0) == b"c"
    assert kv.lindex("l", -1) == b"e"
    assert kv.lindex("l", -5) == b"c"
    assert kv.lindex("l", 5) is None
    assert kv.lindex("l", -6) is None
    assert kv.lindex("missing", 0) is None


def test_lset(kv: KVStore) -> None:
    kv.rpush("l", 1, 2, 3)
    kv.lset("l", 0, "x")
    kv.lset("l", -1, "z")
    assert kv.lrange("l", 0, -1) == [b"x", b"2", b"z"]
    assert code_of(lambda: kv.lset("l", 3, "q")) == ErrorCode.FAILED_PRECONDITION
    assert code_of(lambda: kv.lset("l", -4, "q")) == ErrorCode.FAILED_PRECONDITION
    assert code_of(lambda: kv.lset("missing", 0, "q")) == ErrorCode.NOT_FOUND


def test_lpop_until_empty_removes_key(kv: KVStore) -> None:
    kv.rpush("l", "a", "b")
    assert kv.lpop("l") == b"a"
    assert kv.lpop("l") == b"b"
    assert kv.lpop("l") is None
    assert kv.exists("l") == 0
    kv.set("l", "now a string")
    assert kv.get("l") == b"now a string"


def redis_lrange(items: list[bytes], start: int, stop: int) -> list[bytes]:
    n = len(items)
    if start < 0:
        start = max(n + start, 0)
    if stop < 0:
        stop = n + stop
    stop = min(stop, n - 1)
    return items[start:stop + 1] if start <= stop else []


def test_lrange_index_rules(kv: KVStore) -> None:
    items = [str(i).encode() for i in range(7)]
    kv.rpush("l", *items)
    for start in range(-10, 10):
        for stop in range(-10, 10):
            assert kv.lrange("l", start, stop) == redis_lrange(items, start, stop), (start, stop)


# -- pipeline
def test_pipeline_runs_in_order(kv: KVStore) -> None:
    p = kv.pipeline()
    p.set("a", 1).incr("a").get("a").rpush("l", "x").hset("h", "f", "v").exists("a", "l", "h")
    assert kv.get("a") is None  # nothing ran yet
    assert p.execute() == [None, 2, b"2", 1, 1, 3]
    assert p.execute() == []


def test_pipeline_error_does_not_stop_the_others(kv: KVStore) -> None:
    kv.set("s", "text")
    with kv.pipeline() as p:
        p.set("a", 1).incr("s").set("b", 2)
        results = p.execute(raise_on_error=False)
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], ProviderError) and results[1].code == ErrorCode.FAILED_PRECONDITION
    assert kv.get("a") == b"1" and kv.get("b") == b"2"
    p = kv.pipeline()
    cast(Any, p.incr("s")).set("c", 3)  # on a Pipeline a command returns the pipeline (typed as a store's)
    with pytest.raises(ProviderError):
        p.execute()
    assert kv.get("c") == b"3"


def test_pipeline_discarded_on_exit(kv: KVStore) -> None:
    with kv.pipeline() as p:
        p.set("a", 1)
    assert kv.get("a") is None


def test_pipeline_validates_when_queued(kv: KVStore) -> None:
    p = kv.pipeline()
    assert code_of(lambda: p.set("", "v")) == ErrorCode.INVALID_ARGUMENT
    assert len(p) == 0


# -- bad input
@pytest.mark.parametrize("key", [None, 1, b"bytes", "", "x" * 300, "bad\ud800"])
def test_bad_keys(kv: KVStore, key: Any) -> None:
    assert code_of(lambda: kv.set(key, "v")) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: kv.get(key)) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: kv.delete(key)) == ErrorCode.INVALID_ARGUMENT


@pytest.mark.parametrize("value", [None, {"a": 1}, [1], object(), "bad\udfff"])
def test_bad_values(kv: KVStore, value: Any) -> None:
    assert code_of(lambda: kv.set("k", value)) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: kv.rpush("l", "ok", value)) == ErrorCode.INVALID_ARGUMENT
    assert kv.exists("k", "l") == 0


@pytest.mark.parametrize("ttl", [-1, float("nan"), float("inf"), "10", True])
def test_bad_ttl(kv: KVStore, ttl: Any) -> None:
    assert code_of(lambda: kv.set("k", "v", ttl=ttl)) == ErrorCode.INVALID_ARGUMENT


@pytest.mark.parametrize("amount", [1.5, "1", 2**63, None])
def test_bad_increment(kv: KVStore, amount: Any) -> None:
    assert code_of(lambda: kv.incr_by("n", amount)) == ErrorCode.INVALID_ARGUMENT


def test_oversized_values_refused(impl: Bound, kv: KVStore) -> None:
    max_value_bytes = impl.option("max_value_bytes")
    big = b"x" * (max_value_bytes + 1)
    assert code_of(lambda: kv.set("k", big)) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: kv.hset("h", "f", big)) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: kv.rpush("l", big)) == ErrorCode.INVALID_ARGUMENT
    kv.set("k", b"x" * max_value_bytes)
    assert len(kv.get("k") or b"") == max_value_bytes
    assert kv.exists("h", "l") == 0


# -- against a model: random operations, fixed seed, results compared step by step
class Model:
    """Redis semantics in a few lines, for the differential test."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.data: dict[str, Any] = {}
        self.expiry: dict[str, float] = {}

    def _live(self, key: str) -> Any:
        if key in self.expiry and self.expiry[key] <= self.clock.now:
            self.data.pop(key, None)
            self.expiry.pop(key)
        return self.data.get(key)

    def _typed(self, key: str, kind: type) -> Any:
        value = self._live(key)
        if value is not None and not isinstance(value, kind):
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, "WRONGTYPE")
        return value

    def set(self, key: str, value: bytes, ttl: float | None) -> None:
        self._live(key)
        self.data[key] = value
        self.expiry.pop(key, None)
        if ttl:
            self.expiry[key] = self.clock.now + ttl

    def get(self, key: str) -> bytes | None:
        return self._typed(key, bytes)

    def incr_by(self, key: str, amount: int) -> int:
        value = int(self._typed(key, bytes) or b"0")
        self.data[key] = str(value + amount).encode()
        return value + amount

    def hset(self, key: str, field: str, value: bytes) -> int:
        h = self._typed(key, dict)
        if h is None:
            h = self.data[key] = {}
        added = field not in h
        h[field] = value
        return int(added)

    def hgetall(self, key: str) -> dict[str, bytes]:
        return dict(self._typed(key, dict) or {})

    def delete(self, key: str) -> int:
        found = self._live(key) is not None
        self.data.pop(key, None)
        self.expiry.pop(key, None)
        return int(found)

    def expire(self, key: str, ttl: float) -> bool:
        if self._live(key) is None:
            return False
        self.expiry[key] = self.clock.now + ttl
        return True

    def rpush(self, key: str, value: bytes) -> int:
        items = self._typed(key, list)
        if items is None:
            items = self.data[key] = []
        items.append(value)
        return len(items)

    def lpush(self, key: str, value: bytes) -> int:
        items = self._typed(key, list)
        if items is None:
            items = self.data[key] = []
        items.insert(0, value)
        return len(items)

    def lpop(self, key: str) -> bytes | None:
        items = self._typed(key, list)
        if not items:
            return None
        value = items.pop(0)
        if not items:
            self.delete(key)
        return value

    def lindex(self, key: str, index: int) -> bytes | None:
        items = self._typed(key, list) or []
        return items[index] if -len(items) <= index < len(items) else None

    def lrange(self, key: str, start: int, stop: int) -> list[bytes]:
        return redis_lrange(self._typed(key, list) or [], start, stop)


def test_random_operations_match_the_model(timed: tuple[KVStore, FakeClock]) -> None:
    run_against_model(*timed, seed=20260611, steps=1500)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5))
def test_random_operations_match_the_model_long(timed: tuple[KVStore, FakeClock], seed: int) -> None:
    run_against_model(*timed, seed=seed, steps=20000)


def run_against_model(kv: KVStore, clock: FakeClock, *, seed: int, steps: int) -> None:
    model = Model(clock)
    rng = random.Random(seed)
    keys = ["a", "b", "c", "d"]
    for step in range(steps):
        key = rng.choice(keys)
        value = str(rng.randint(-5, 5)).encode()
        op = rng.choice(["set", "set_ttl", "get", "incr", "hset", "hgetall", "delete", "expire", "rpush", "lpush",
                         "lpop", "lindex", "lrange", "tick"])
        if op == "tick":
            clock.advance(rng.choice([0.5, 1, 3]))
            continue
        calls: dict[str, tuple[Callable[..., Any], Callable[..., Any], tuple[Any, ...]]] = {
            "set": (kv.set, model.set, (key, value, None)),
            "set_ttl": (kv.set, model.set, (key, value, rng.choice([1, 2, 5]))),
            "get": (kv.get, model.get, (key,)),
            "incr": (kv.incr_by, model.incr_by, (key, rng.randint(-3, 3))),
            "hset": (kv.hset, model.hset, (key, rng.choice("xyz"), value)),
            "hgetall": (kv.hgetall, model.hgetall, (key,)),
            "delete": (kv.delete, model.delete, (key,)),
            "expire": (kv.expire, model.expire, (key, rng.choice([1, 2, 4]))),
            "rpush": (kv.rpush, model.rpush, (key, value)),
            "lpush": (kv.lpush, model.lpush, (key, value)),
            "lpop": (kv.lpop, model.lpop, (key,)),
            "lindex": (kv.lindex, model.lindex, (key, rng.randint(-4, 4))),
            "lrange": (kv.lrange, model.lrange, (key, rng.randint(-4, 4), rng.randint(-4, 4))),
        }
        real_fn, model_fn, args = calls[op]
        try:
            expected: Any = model_fn(*args)
        except ProviderError as err:
            expected = err.code
        try:
            got: Any = real_fn(*args)
        except ProviderError as err:
            got = err.code
        assert got == expected, f"step {step}: {op}{args}"


# -- concurrency and crashes
def test_concurrent_threads(kv: KVStore) -> None:
    n_threads, n_ops = 6, 40
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(n_ops):
                kv.incr("counter")
                kv.rpush("log", f"{t}:{i}")
                kv.hset("h", f"{t}", i)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert kv.get("counter") == str(n_threads * n_ops).encode()
    log = [x.decode() for x in kv.lrange("log", 0, -1)]
    assert len(log) == n_threads * n_ops
    for t in range(n_threads):  # each writer's own pushes keep their order
        assert [int(x.split(":")[1]) for x in log if x.startswith(f"{t}:")] == list(range(n_ops))
    assert kv.hgetall("h") == {str(t): str(n_ops - 1).encode() for t in range(n_threads)}


def test_two_processes(kv: KVStore, uri: str) -> None:
    kv.set("counter", 0)
    children = [procs.spawn("kv-incr", uri, "counter", 200, tag) for tag in ("p", "q")]
    for child in children:
        _out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    assert kv.get("counter") == b"400"
    log = [x.decode() for x in kv.lrange("counter:log", 0, -1)]
    for tag in ("p", "q"):
        assert [x for x in log if x.startswith(tag)] == [f"{tag}:{i}" for i in range(200)]


@pytest.mark.parametrize("kill_after", [1, 150, pytest.param(2000, marks=pytest.mark.slow)])
def test_sigkill_mid_write_loses_no_committed_data(uri: str, kill_after: int) -> None:
    child = procs.spawn("kv-forever", uri, 4096)
    try:
        acked = procs.wait_for_lines(child, kill_after)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert len(acked) == kill_after, child.stderr.read() if child.stderr else ""
    with open_kv(uri) as kv:
        kv.ping()
        fields = kv.hgetall("h")
        pushed = [int(x) for x in kv.lrange("l", 0, -1)]
        # Everything acknowledged is there (the child may have committed more before the signal
        # landed), and every batch is all there or not at all.
        assert pushed == list(range(len(pushed))) and len(pushed) >= kill_after
        assert len(fields) == len(pushed) and kv.get(f"k{len(pushed)}") is None
        for i in range(len(pushed)):
            assert kv.get(f"k{i}") == procs.payload(i, 4096)
            assert fields[f"f{i}"] == procs.payload(i, 4096)[:64]
        kv.set("after", "crash")
        assert kv.get("after") == b"crash"


# -- opening
def test_same_location_opened_twice(uri: str) -> None:
    a, b = open_kv(uri), open_kv(uri)
    a.set("k", "v")
    assert b.get("k") == b"v"
    a.close()
    b.set("k2", "v2")
    assert b.get("k") == b"v"
    b.close()


def test_opener_rejects_unknown_parameters_and_schemes(uri: str) -> None:
    sep = "&" if "?" in uri else "?"
    assert code_of(lambda: open_kv(f"{uri}{sep}bogus=1")) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: open_kv("redisx://localhost")) == ErrorCode.UNIMPLEMENTED


def test_opener_fails_fast_on_unusable_directory(impl: Bound, tmp_path: Path) -> None:
    require(impl, "local_directory")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ProviderError) as info:
        open_kv(impl.uri_at(blocker))
    assert str(blocker) in str(info.value)
