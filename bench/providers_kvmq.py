"""The server-backed kv and mq providers next to their embedded siblings: Redis against LMDB, NATS
JetStream against the in-process bus, on the same operations.

    python bench/providers.py --only kv,mq       # these rows join the table: ops/s, ratio to the sibling
    python bench/providers_kvmq.py               # per-operation latency: p50/p99 of both, and ops/s

The servers are throw-away instances on loopback started here (tests/engines: Debian's redis-server
with appendonly and appendfsync always, so a set is as durable as an LMDB commit with sync=true;
nats-server -js with file storage). A ratio is "server ops/s / embedded ops/s" (the baseline is the
embedded row of bench/providers.py): what moving the area to a server costs one client thread.
"""

from __future__ import annotations

import atexit
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from providers.kv import open_kv
from providers.mq import Message, open_mq
from tests.engines.nats_server import NatsServer
from tests.engines.redis_server import RedisServer

_servers: dict[str, Any] = {}


def _redis() -> RedisServer:
    if "redis" not in _servers:
        _servers["redis"] = RedisServer().start()
        atexit.register(_servers["redis"].stop)
    server: RedisServer = _servers["redis"]
    return server


def _nats() -> NatsServer:
    if "nats" not in _servers:
        _servers["nats"] = NatsServer().start()
        atexit.register(_servers["nats"].stop)
    server: NatsServer = _servers["nats"]
    return server


# -- kv
def _kv(tmp: Path) -> Any:
    kv = open_kv(_redis().uri())
    with kv.pipeline() as p:
        for i in range(1000):
            p.set(f"k{i}", b"v" * 100)
        p.execute()
    return kv


def _kv_set(kv: Any, n: int) -> None:
    for i in range(n):
        kv.set(f"k{i % 1000}", b"v" * 100)


def _kv_get(kv: Any, n: int) -> None:
    for i in range(n):
        kv.get(f"k{i % 1000}")


def _kv_pipeline_set(kv: Any, n: int) -> None:
    for start in range(0, n, 100):
        with kv.pipeline() as p:
            for i in range(start, min(n, start + 100)):
                p.set(f"k{i % 1000}", b"v" * 100)
            p.execute()


def _kv_hset_rpush(kv: Any, n: int) -> None:
    for i in range(n):
        if i % 2:
            kv.hset("h", f"f{i % 100}", i)
        else:
            kv.rpush("l", i)


# -- mq
def _mq(tmp: Path, orderly: bool = False) -> Any:
    bus = open_mq(_nats().uri())
    bus.register_consumer("", "bench", "g", lambda msg: None, orderly=orderly)
    return bus, bus.new_producer("bench")


def _mq_run(ctx: Any, n: int) -> None:
    bus, producer = ctx
    for i in range(n):
        producer.send(b"payload", sharding_key=str(i % 16))
    if not bus.drain(300):
        raise RuntimeError("mq bench: messages not handled within 300 s")


def _close(ctx: Any) -> None:
    (ctx[0] if isinstance(ctx, tuple) else ctx).close()


CASES = [
    SimpleNamespace(name="kv.redis.set", setup=_kv, run=_kv_set, ops=2000, teardown=_close, baseline="kv.set"),
    SimpleNamespace(name="kv.redis.get", setup=_kv, run=_kv_get, ops=5000, teardown=_close, baseline="kv.get"),
    SimpleNamespace(name="kv.redis.set pipeline x100", setup=_kv, run=_kv_pipeline_set, ops=20000, teardown=_close,
                    baseline="kv.set pipeline x100"),
    SimpleNamespace(name="kv.redis.hset/rpush", setup=_kv, run=_kv_hset_rpush, ops=2000, teardown=_close,
                    baseline="kv.hset/rpush"),
    SimpleNamespace(name="mq.nats.publish->handle", setup=_mq, run=_mq_run, ops=2000, teardown=_close,
                    baseline="mq.publish->handle"),
    SimpleNamespace(name="mq.nats.publish->handle orderly", setup=lambda t: _mq(t, True), run=_mq_run, ops=2000,
                    teardown=_close, baseline="mq.publish->handle orderly"),
]


# -- latency: each operation timed on its own
def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    """ops/s (one thread), p50 and p99 in microseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return len(samples) / sum(samples), statistics.median(ordered) * 1e6, p99 * 1e6


def _kv_latency(uri: str, op: str, n: int) -> list[float]:
    kv = open_kv(uri)
    try:
        for i in range(1000):
            kv.set(f"k{i}", b"v" * 100)
        call: Callable[[int], Any] = {
            "set": lambda i: kv.set(f"k{i % 1000}", b"v" * 100), "get": lambda i: kv.get(f"k{i % 1000}"),
            "incr": lambda i: kv.incr("n"), "rpush": lambda i: kv.rpush("l", i)}[op]
        samples = []
        for i in range(n):
            start = time.perf_counter()
            call(i)
            samples.append(time.perf_counter() - start)
        return samples
    finally:
        kv.close()


def _mq_latency(uri: str, n: int, orderly: bool) -> list[float]:
    """send -> handler start, per message, one message in flight at a time."""
    bus = open_mq(uri)
    got = threading.Event()
    seen: list[float] = []

    def handler(msg: Message) -> None:
        seen.append(time.perf_counter() - float(msg.body))
        got.set()

    try:
        bus.register_consumer("", "lat", "g", handler, orderly=orderly)
        producer = bus.new_producer("lat")
        for i in range(n):
            got.clear()
            producer.send(repr(time.perf_counter()).encode(), sharding_key=str(i % 16))
            if not got.wait(30):
                raise RuntimeError("mq latency bench: a message was not handled within 30 s")
        return seen
    finally:
        bus.close()


def main() -> int:
    import tempfile

    tmp = tempfile.mkdtemp(prefix="cozelite-bench-")
    redis_uri = _redis().uri()
    print(f"{'operation':<24} {'provider':<8} {'ops/s':>9} {'p50 us':>9} {'p99 us':>9} {'ratio':>7}")
    rows: list[tuple[str, str, list[float], str, list[float]]] = []
    for op, n in (("set", 2000), ("get", 5000), ("incr", 2000), ("rpush", 2000)):
        rows.append((f"kv.{op}", "lmdb", _kv_latency(f"lmdb:///{tmp}/kv-{op}?sweep_interval=0", op, n),
                     "redis", _kv_latency(redis_uri, op, n)))
    for orderly in (False, True):
        name = "mq.send->handle" + (" orderly" if orderly else "")
        rows.append((name, "mem", _mq_latency("mem://", 1000, orderly), "nats",
                     _mq_latency(_nats().uri(), 1000, orderly)))
    for name, embedded, e_samples, server, s_samples in rows:
        e_ops, e50, e99 = _percentiles(e_samples)
        s_ops, s50, s99 = _percentiles(s_samples)
        print(f"{name:<24} {embedded:<8} {e_ops:>9,.0f} {e50:>9,.0f} {e99:>9,.0f}")
        print(f"{'':<24} {server:<8} {s_ops:>9,.0f} {s50:>9,.0f} {s99:>9,.0f} {s_ops / e_ops:>7.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
