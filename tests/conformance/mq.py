"""The mq conformance suite: one suite for the `MessageQueue` contract, every implementation.

Waiting is done with `drain()` (the contract's "everything sent so far is handled"), or with events
set by handlers and generous timeouts that only matter when something is broken; nothing asserts
on elapsed time. The in-process bus has no second-process or crash story (nothing is persisted), so
those tests live in the kv and blob suites.

Implementations are declared with the harness (tests/conformance/_harness.py); options: "max_retries"
and "max_body_bytes" (what the URI configures). Ping, close, backup and use as a context manager are
checked for every area by tests/conformance/lifecycle.py; what is mq's own (close lets queued
messages finish) is here.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from providers.errors import ErrorCode, ProviderError
from providers.mq import MQ, Message, MessageQueue, open_mq
from tests.conformance._harness import Bound, Implementation, covers, impl_fixture, implementations

WAIT = 30.0  # seconds; only reached when a delivery is lost

IMPLEMENTATIONS = implementations(
    Implementation(
        "mem",
        uri=lambda ctx: "mem://?retry_backoff=0.001&max_retries=3&max_body_bytes=64KiB&workers=4",
        options={"max_retries": 3, "max_body_bytes": 64 * 1024},
        unsupported={"restore": "the in-process bus keeps nothing; its backup records what was queued (mq.json)"},
    ),
    Implementation(
        "nats",
        # Each URI is a namespace (a JetStream stream) of its own on the session's server.
        uri=lambda ctx: ctx.server("nats_server").uri(
            "retry_backoff=0.001&max_retries=3&max_body_bytes=64KiB&workers=4"),
        servers=("nats_server",),
        options={"max_retries": 3, "max_body_bytes": 64 * 1024},
        unsupported={"backup": "the NATS server keeps the stream; it is backed up with its tools (nats stream backup)"},
    ),
)

impl = impl_fixture(IMPLEMENTATIONS)


@pytest.fixture
def mq(impl: Bound) -> Iterator[MessageQueue]:
    bus = open_mq(impl.uri)
    yield bus
    bus.close(timeout=5)


def code_of(fn: Callable[[], Any]) -> ErrorCode:
    with pytest.raises(ProviderError) as info:
        fn()
    return info.value.code


class Recorder:
    """A thread-safe handler that records what it handled; optional failure rule."""

    def __init__(self, fail: Callable[[Message], bool] = lambda m: False) -> None:
        self.lock = threading.Lock()
        self.handled: list[Message] = []
        self.attempts: list[Message] = []
        self.fail = fail

    def __call__(self, msg: Message) -> None:
        with self.lock:
            self.attempts.append(msg)
        if self.fail(msg):
            raise RuntimeError(f"refusing {msg.body!r} (attempt {msg.attempt})")
        with self.lock:
            self.handled.append(msg)

    def bodies(self) -> list[bytes]:
        with self.lock:
            return [m.body for m in self.handled]


def test_every_scheme_is_covered() -> None:
    covers(IMPLEMENTATIONS, MQ)


def test_every_group_gets_every_message_once(mq: MessageQueue) -> None:
    a, b = Recorder(), Recorder()
    mq.register_consumer("", "events", "ga", a)
    mq.register_consumer("", "events", "gb", b)
    producer = mq.new_producer("events")
    sent = [f"m{i}".encode() for i in range(100)]
    for body in sent[:50]:
        producer.send(body)
    producer.batch_send(sent[50:])
    assert mq.drain(WAIT)
    assert sorted(a.bodies()) == sorted(sent)
    assert sorted(b.bodies()) == sorted(sent)
    assert {m.group for m in a.handled} == {"ga"} and {m.topic for m in b.handled} == {"events"}
    assert len({m.msg_id for m in a.handled}) == 100


def test_consumers_of_one_group_share_its_messages(mq: MessageQueue) -> None:
    c1, c2, c3 = Recorder(), Recorder(), Recorder()
    for c in (c1, c2, c3):
        mq.register_consumer("", "jobs", "workers", c)
    mq.new_producer("jobs").batch_send([str(i).encode() for i in range(300)])
    assert mq.drain(WAIT)
    together = c1.bodies() + c2.bodies() + c3.bodies()
    assert sorted(together) == sorted(str(i).encode() for i in range(300))


def test_topics_are_separate(mq: MessageQueue) -> None:
    a, b = Recorder(), Recorder()
    mq.register_consumer("", "t1", "g", a)
    mq.register_consumer("", "t2", "g", b)
    mq.new_producer("t1").send(b"one")
    mq.new_producer("t2").send(b"two")
    assert mq.drain(WAIT)
    assert a.bodies() == [b"one"] and b.bodies() == [b"two"]


def test_failed_message_is_redelivered(mq: MessageQueue) -> None:
    flaky = Recorder(fail=lambda m: m.body.startswith(b"flaky") and m.attempt < 3)
    steady = Recorder()
    mq.register_consumer("", "t", "flaky", flaky)
    mq.register_consumer("", "t", "steady", steady)
    mq.new_producer("t").batch_send([b"ok1", b"flaky1", b"ok2", b"flaky2"])
    assert mq.drain(WAIT)
    assert sorted(flaky.bodies()) == [b"flaky1", b"flaky2", b"ok1", b"ok2"]
    assert sorted(m.attempt for m in flaky.handled) == [1, 1, 3, 3]
    assert sorted(steady.bodies()) == [b"flaky1", b"flaky2", b"ok1", b"ok2"]  # unaffected
    redelivered = [m for m in flaky.attempts if m.body == b"flaky1"]
    assert [m.attempt for m in redelivered] == [1, 2, 3]
    assert len({m.msg_id for m in redelivered}) == 1


def test_dead_letter_after_bounded_retries(impl: Bound, mq: MessageQueue, caplog: pytest.LogCaptureFixture) -> None:
    always = Recorder(fail=lambda m: m.body == b"poison")
    mq.register_consumer("", "t", "g", always)
    with caplog.at_level(logging.WARNING, logger="cozelite.mq"):
        mq.new_producer("t").batch_send([b"poison", b"fine"])
        assert mq.drain(WAIT)
    assert always.bodies() == [b"fine"]
    assert [m.attempt for m in always.attempts if m.body == b"poison"] == list(range(1, impl.option("max_retries") + 2))
    lines = [r.getMessage() for r in caplog.records if "dead-letter" in r.getMessage()]
    assert len(lines) == 1
    assert "topic=t" in lines[0] and "group=g" in lines[0] and "RuntimeError" in lines[0]


def test_orderly_keeps_per_key_order_through_retries(mq: MessageQueue) -> None:
    in_flight: set[str] = set()
    overlap: list[str] = []
    lock = threading.Lock()
    seen: dict[str, list[int]] = collections.defaultdict(list)

    def handler(msg: Message) -> None:
        key = msg.sharding_key or ""
        with lock:
            if key in in_flight:
                overlap.append(key)
            in_flight.add(key)
        try:
            n = int(msg.body.split(b":")[1])
            if n % 7 == 3 and msg.attempt == 1:
                raise RuntimeError("transient")
            with lock:
                seen[key].append(n)
        finally:
            with lock:
                in_flight.discard(key)

    mq.register_consumer("", "ordered", "g", handler, orderly=True)
    producer = mq.new_producer("ordered")
    keys = [f"user{k}" for k in range(6)]
    for n in range(40):
        for key in keys:
            if n % 10 == 0:
                producer.batch_send([f"{key}:{n}".encode()], sharding_key=key)
            else:
                producer.send(f"{key}:{n}".encode(), sharding_key=key)
    assert mq.drain(WAIT)
    assert overlap == []
    assert dict(seen) == {key: list(range(40)) for key in keys}


def test_orderly_flag_must_agree_within_a_group(mq: MessageQueue) -> None:
    mq.register_consumer("", "t", "g", Recorder(), orderly=True)
    assert code_of(lambda: mq.register_consumer("", "t", "g", Recorder())) == ErrorCode.FAILED_PRECONDITION


def test_handler_object(mq: MessageQueue) -> None:
    class Consumer:
        def __init__(self) -> None:
            self.got: list[bytes] = []

        def handle_message(self, msg: Message) -> None:
            self.got.append(msg.body)

    consumer = Consumer()
    mq.register_consumer("", "t", "g", consumer)
    mq.new_producer("t").send(b"hi")
    assert mq.drain(WAIT)
    assert consumer.got == [b"hi"]


def test_messages_before_any_group_go_to_the_first_group(mq: MessageQueue) -> None:
    producer = mq.new_producer("early")
    producer.batch_send([b"1", b"2"])
    first, late = Recorder(), Recorder()
    mq.register_consumer("", "early", "first", first)
    assert mq.drain(WAIT)
    mq.register_consumer("", "early", "late", late)
    producer.send(b"3")
    assert mq.drain(WAIT)
    assert sorted(first.bodies()) == [b"1", b"2", b"3"]
    assert late.bodies() == [b"3"]


def test_concurrent_producers(mq: MessageQueue) -> None:
    a, b = Recorder(), Recorder()
    mq.register_consumer("", "t", "a", a)
    mq.register_consumer("", "t", "b", b, orderly=True)
    errors: list[BaseException] = []

    def produce(t: int) -> None:
        try:
            producer = mq.new_producer("t")
            for i in range(250):
                producer.send(f"{t}:{i}".encode(), sharding_key=str(t))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=produce, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert mq.drain(WAIT)
    expected = sorted(f"{t}:{i}".encode() for t in range(4) for i in range(250))
    assert sorted(a.bodies()) == expected
    assert sorted(b.bodies()) == expected
    for t in range(4):  # orderly group: each producer's key in send order
        assert [int(x.split(b":")[1]) for x in b.bodies() if x.startswith(f"{t}:".encode())] == list(range(250))


def test_handlers_may_publish(mq: MessageQueue) -> None:
    done = Recorder()
    producer = mq.new_producer("second")

    def forward(msg: Message) -> None:
        producer.send(msg.body + b"!")

    mq.register_consumer("", "first", "fwd", forward)
    mq.register_consumer("", "second", "end", done)
    mq.new_producer("first").batch_send([b"a", b"b"])
    assert mq.drain(WAIT)
    assert sorted(done.bodies()) == [b"a!", b"b!"]


def test_backpressure_when_full(tmp_path: Path) -> None:
    bus = open_mq("mem://?capacity=4&send_timeout=0.05&workers=1")
    release = threading.Event()
    started = threading.Event()

    def slow(msg: Message) -> None:
        started.set()
        release.wait(WAIT)

    try:
        bus.register_consumer("", "t", "g", slow)
        producer = bus.new_producer("t")
        producer.send(b"0")
        assert started.wait(WAIT)
        for i in range(3):
            producer.send(str(i + 1).encode())
        assert code_of(lambda: producer.send(b"overflow")) == ErrorCode.RESOURCE_EXHAUSTED
        release.set()
        assert bus.drain(WAIT)
        producer.send(b"fits again")
        assert bus.drain(WAIT)
    finally:
        release.set()
        bus.close()


# -- bad input
def test_bad_input(impl: Bound, mq: MessageQueue) -> None:
    producer = mq.new_producer("t")
    rec = Recorder()
    mq.register_consumer("", "t", "g", rec)
    invalid = [
        lambda: producer.send("text"),  # type: ignore[arg-type]
        lambda: producer.send(None),  # type: ignore[arg-type]
        lambda: producer.send(b"x" * (impl.option("max_body_bytes") + 1)),
        lambda: producer.send(b"x", sharding_key=5),  # type: ignore[arg-type]
        lambda: producer.batch_send(b"not a list of bodies"),  # type: ignore[arg-type]
        lambda: producer.batch_send([b"ok", "bad"]),  # type: ignore[list-item]
        lambda: mq.new_producer(""),
        lambda: mq.new_producer("t", retries=-1),
        lambda: mq.register_consumer("", "", "g", rec),
        lambda: mq.register_consumer("", "t", "", rec),
        lambda: mq.register_consumer("", "t", "g2", "not callable"),  # type: ignore[arg-type]
        lambda: mq.register_consumer(None, "t", "g2", rec),  # type: ignore[arg-type]
        lambda: mq.register_consumer("", "t\n", "g2", rec),
    ]
    for fn in invalid:
        assert code_of(fn) == ErrorCode.INVALID_ARGUMENT
    assert mq.drain(WAIT)
    assert rec.bodies() == []  # a batch with one bad body sends nothing
    producer.send(b"x" * impl.option("max_body_bytes"))
    assert mq.drain(WAIT)
    assert len(rec.bodies()) == 1


# -- closing
def test_close_lets_queued_messages_finish(impl: Bound) -> None:
    bus = open_mq(impl.uri)
    bus.ping()
    rec = Recorder()
    bus.register_consumer("", "t", "g", rec)
    producer = bus.new_producer("t")
    producer.batch_send([str(i).encode() for i in range(50)])
    bus.close(timeout=WAIT)
    bus.close()
    assert len(rec.bodies()) == 50
    assert code_of(lambda: producer.send(b"late")) == ErrorCode.FAILED_PRECONDITION
    assert code_of(lambda: bus.register_consumer("", "t", "g2", rec)) == ErrorCode.FAILED_PRECONDITION
    assert code_of(bus.ping) == ErrorCode.FAILED_PRECONDITION


def test_opener_rejects_unknown_parameters(impl: Bound) -> None:
    uri = impl.uri
    sep = "&" if "?" in uri else "?"
    assert code_of(lambda: open_mq(f"{uri}{sep}bogus=1")) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: open_mq("mem://?workers=0")) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: open_mq("kafkaa://broker:9092")) == ErrorCode.UNIMPLEMENTED
