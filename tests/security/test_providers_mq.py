"""Issue 11, Medium 9: the in-memory queue cannot stall for good. Workers survive any exception a
handler raises, a lone-surrogate sharding key is refused without leaking capacity, capacity is per
topic, a handler past its time limit gets its message redelivered, and ping ignores other topics."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from providers.errors import ErrorCode, ProviderError
from providers.mq import open_mq
from providers.mq.contract import MessageQueue
from providers.mq.message import Message

WAIT = 30.0


@pytest.fixture
def make_bus() -> Iterator[Callable[[str], MessageQueue]]:
    buses: list[MessageQueue] = []

    def make(params: str) -> MessageQueue:
        bus = open_mq(f"mem://?retry_backoff=0.001&{params}")
        buses.append(bus)
        return bus

    yield make
    for bus in buses:
        bus.close(timeout=0.5)


@pytest.mark.parametrize("exc", [SystemExit, KeyboardInterrupt, GeneratorExit, RuntimeError])
def test_workers_survive_any_handler_exception(make_bus: Callable[[str], MessageQueue],
                                               exc: type[BaseException]) -> None:
    # The repro: two such messages stopped a 2-worker group and drain() never returned.
    bus = make_bus("workers=2&max_retries=1")
    handled: list[bytes] = []

    def handler(msg: Message) -> None:
        if msg.body.startswith(b"bad"):
            raise exc("handler gave up")
        handled.append(msg.body)

    bus.register_consumer("", "t", "g", handler)
    producer = bus.new_producer("t")
    producer.batch_send([b"bad1", b"bad2", b"bad3", b"bad4"])
    producer.batch_send([b"ok1", b"ok2", b"ok3"])
    assert bus.drain(WAIT)
    assert sorted(handled) == [b"ok1", b"ok2", b"ok3"]
    producer.send(b"ok4")
    assert bus.drain(WAIT)
    assert b"ok4" in handled


def test_lone_surrogate_sharding_key_is_refused_without_leaking_capacity(
        make_bus: Callable[[str], MessageQueue]) -> None:
    bus = make_bus("capacity=3&send_timeout=0.05")
    got: list[bytes] = []
    bus.register_consumer("", "t", "g", lambda m: got.append(m.body), orderly=True)
    producer = bus.new_producer("t")
    for _ in range(10):  # each leaked a slot before: capacity 3 was gone after 3 tries
        with pytest.raises(ProviderError) as info:
            producer.send(b"x", sharding_key="k\ud800")
        assert info.value.code is ErrorCode.INVALID_ARGUMENT
    producer.batch_send([b"a", b"b", b"c"], sharding_key="k")
    assert bus.drain(WAIT)
    assert got == [b"a", b"b", b"c"]
    with pytest.raises(ProviderError):
        bus.new_producer("t\udfff")


def test_capacity_is_per_topic(make_bus: Callable[[str], MessageQueue]) -> None:
    # 100 messages to a topic nobody consumes, and a hung handler on another, do not make sends to
    # a third topic (or the health ping) fail.
    bus = make_bus("capacity=5&send_timeout=0.05&workers=1")
    release = threading.Event()
    bus.register_consumer("", "hung", "g", lambda m: release.wait(WAIT))
    try:
        hung = bus.new_producer("hung")
        for _ in range(5):
            hung.send(b"h")
        with pytest.raises(ProviderError) as info:
            hung.send(b"h")
        assert info.value.code is ErrorCode.RESOURCE_EXHAUSTED and "'hung'" in info.value.message
        orphan = bus.new_producer("nobody-listens")
        for _ in range(5):
            orphan.send(b"o")
        got: list[bytes] = []
        bus.register_consumer("", "live", "g", lambda m: got.append(m.body))
        live = bus.new_producer("live")
        for i in range(20):
            live.send(str(i).encode())
        bus.ping()
    finally:
        release.set()
    assert bus.drain(WAIT)
    assert len(got) == 20


def test_a_handler_past_its_time_limit_gets_the_message_redelivered(
        make_bus: Callable[[str], MessageQueue]) -> None:
    bus = make_bus("workers=1&handler_timeout=0.2&max_retries=2")
    stuck = threading.Event()
    attempts: list[int] = []
    done: list[bytes] = []

    def handler(msg: Message) -> None:
        attempts.append(msg.attempt)
        if msg.body == b"slow" and msg.attempt == 1:
            stuck.wait(WAIT)  # hangs until the test ends: only a redelivery can finish the message
            return
        done.append(msg.body)

    bus.register_consumer("", "t", "g", handler)
    try:
        producer = bus.new_producer("t")
        producer.send(b"slow")
        producer.send(b"after")
        assert bus.drain(WAIT)
        assert done == [b"slow", b"after"]
        assert attempts[:2] == [1, 2]
    finally:
        stuck.set()


def test_a_message_whose_handler_always_hangs_is_dead_lettered(make_bus: Callable[[str], MessageQueue],
                                                                caplog: pytest.LogCaptureFixture) -> None:
    bus = make_bus("workers=1&handler_timeout=0.1&max_retries=1")
    release = threading.Event()
    bus.register_consumer("", "t", "g", lambda m: release.wait(WAIT) if m.body == b"hang" else None)
    try:
        with caplog.at_level("WARNING", logger="cozelite.mq"):
            bus.new_producer("t").batch_send([b"hang", b"fine"])
            assert bus.drain(WAIT)
        assert any("dead-letter" in r.getMessage() and "handler_timeout" in r.getMessage() for r in caplog.records)
    finally:
        release.set()


def test_orderly_redelivery_after_a_timeout_keeps_the_key_order(make_bus: Callable[[str], MessageQueue]) -> None:
    bus = make_bus("workers=2&handler_timeout=0.2&max_retries=3")
    release = threading.Event()
    seen: list[bytes] = []

    def handler(msg: Message) -> None:
        if msg.body == b"1" and msg.attempt == 1:
            release.wait(WAIT)
            return
        seen.append(msg.body)

    bus.register_consumer("", "t", "g", handler, orderly=True)
    try:
        bus.new_producer("t").batch_send([b"1", b"2", b"3"], sharding_key="same")
        assert bus.drain(WAIT)
        assert seen == [b"1", b"2", b"3"]
    finally:
        release.set()
