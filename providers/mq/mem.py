"""In-process message bus: ``mem://``. `MemDriver` fills the mq driver protocol
(providers/mq/driver.py); `open_mem` returns the portable `MessageQueue` around it.

URI: ``mem://`` (no host, no path). Query parameters (anything else is rejected):
    workers=4          handler threads per consumer group (orderly groups: one lane per thread)
    max_retries=3      redeliveries after a handler raises; then the message is dead-lettered
    retry_backoff=0.05 seconds before the first redelivery, doubled each time, capped at 5 s
    capacity=10000     messages queued and not yet handled per topic (over its groups, plus those
                       waiting for a first group); a send waits for room. Per topic, so a hung
                       handler or a topic nobody consumes never blocks sends to other topics
    send_timeout=5     seconds a send waits for room before failing with RESOURCE_EXHAUSTED
    max_body_bytes=4MiB  largest message body
    handler_timeout=300  seconds a handler may run on one message; past it the message is
                       redelivered (a retry, counted against max_retries) on a fresh worker thread,
                       and the stuck call's outcome is ignored (a thread cannot be killed: it is
                       left to finish). 0 means no limit

A handler that raises anything, SystemExit, KeyboardInterrupt and GeneratorExit included, asks for
the message again; worker threads never die of a handler. ``ping`` goes through its own topic and
group, so it does not depend on other topics' backlog.
Each ``open_mq("mem://")`` is its own bus: producers and consumers meet only on the same object.

Why threads and not asyncio: Coze's handlers are plain blocking functions (they write to the rdb,
the kv store, the blob store, call models), so they belong on worker threads where they cannot stall
the server's event loop; a thread-based bus is callable from sync code and from async code alike
(``send`` never waits for handlers, only for queue room), and LMDB/SQLite release the GIL during I/O.

Messages sent to a topic before any group has registered wait (up to ``capacity``) and go to the
first group that registers; later groups see messages sent after they registered. Nothing survives
the process: this bus is for one-process deployments (``cozelite serve`` in lite mode) and tests.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import queue
import re
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable
from typing import Any

from providers.errors import ErrorCode, ProviderError
from providers.mq import MQ
from providers.mq.contract import DEAD_LETTER_LOGGER, MessageQueue
from providers.mq.message import Message
from providers.portable import ErrorClass
from providers.registry import ProviderURL

log = logging.getLogger(DEAD_LETTER_LOGGER)

_PING_TOPIC = "__cozelite_ping__"
_PARAMS = ("workers", "max_retries", "retry_backoff", "capacity", "send_timeout", "max_body_bytes", "handler_timeout")
_STOP = object()


class _Delivery:
    __slots__ = ("body", "msg_id", "sharding_key", "topic")

    def __init__(self, topic: str, body: bytes, sharding_key: str | None, msg_id: str) -> None:
        self.topic = topic
        self.body = body
        self.sharding_key = sharding_key
        self.msg_id = msg_id


def _lane_of(key: str | None, n: int) -> int:
    # surrogatepass: a str key with a lone surrogate still has bytes (the contract refuses such
    # keys; this keeps a driver-level caller from failing half-way through an enqueue).
    return zlib.crc32((key or "").encode("utf-8", "surrogatepass")) % n


class _Worker:
    """One worker thread of a group. `current` is the call it runs now, with its deadline; a
    worker whose call overran is `abandoned`: a replacement took its queue and its message."""

    __slots__ = ("abandoned", "current", "first", "lane", "thread")

    def __init__(self, lane: int, first: tuple[_Delivery, int] | None = None) -> None:
        self.lane = lane
        self.first = first  # a redelivery to handle before reading the queue
        self.current: tuple[_Delivery, int, float] | None = None
        self.abandoned = False
        self.thread: threading.Thread | None = None


class _Group:
    def __init__(self, bus: MemDriver, topic: str, name: str, orderly: bool) -> None:
        self.bus = bus
        self.topic = topic
        self.name = name
        self.orderly = orderly
        self.handlers: list[Callable[[Message], Any]] = []
        self._next_handler = itertools.count()
        self._lock = threading.Lock()
        n = bus.workers
        # Orderly: one queue per lane, the lane chosen by the sharding key, one thread per lane, so
        # messages of one key are handled one at a time in send order. Otherwise: one shared queue.
        self.queues: list[queue.SimpleQueue[Any]] = [queue.SimpleQueue() for _ in range(n if orderly else 1)]
        self.workers = [_Worker(i if orderly else 0) for i in range(n)]

    def start(self) -> None:
        for w in self.workers:
            self._spawn(w)

    def _spawn(self, w: _Worker) -> None:
        w.thread = threading.Thread(target=self._work, args=(w,), name=f"mq:{self.topic}/{self.name}#{w.lane}",
                                    daemon=True)
        w.thread.start()

    def enqueue(self, delivery: _Delivery) -> None:
        lane = _lane_of(delivery.sharding_key, len(self.queues)) if self.orderly else 0
        self.queues[lane].put(delivery)

    def stop(self) -> None:
        with self._lock:
            workers = list(self.workers)
        for w in workers:
            self.queues[w.lane].put(_STOP)

    def threads(self) -> list[threading.Thread]:
        with self._lock:
            return [w.thread for w in self.workers if w.thread is not None]

    def _pick(self, delivery: _Delivery) -> Callable[[Message], Any]:
        handlers = self.handlers
        if self.orderly:
            # One key always goes to the same consumer, so its order holds across consumers.
            return handlers[_lane_of(delivery.sharding_key, len(handlers))]
        return handlers[next(self._next_handler) % len(handlers)]

    def _work(self, w: _Worker) -> None:
        q = self.queues[w.lane]
        while True:
            if w.first is not None:
                (d, attempt), w.first = w.first, None
            else:
                item = q.get()
                if item is _STOP:
                    return
                d, attempt = item, 1
            try:
                finished = self._deliver(w, d, attempt)
            except BaseException:  # nothing may end a worker
                log.exception("mq worker error (topic=%s group=%s msg_id=%s)", self.topic, self.name, d.msg_id)
                finished = True
            if w.abandoned:
                return  # a replacement handles this worker's queue (and redelivered its message)
            if finished:
                self.bus._done(self.topic, 1)

    def _deliver(self, w: _Worker, d: _Delivery, attempt: int) -> bool:
        """Handle `d` from `attempt` on; False when the worker was abandoned mid-call (its message
        now belongs to the replacement)."""
        bus = self.bus
        while True:
            msg = Message(topic=d.topic, group=self.name, body=d.body, sharding_key=d.sharding_key,
                          msg_id=d.msg_id, attempt=attempt)
            limit = bus.handler_timeout
            with self._lock:
                w.current = (d, attempt, time.monotonic() + limit if limit else float("inf"))
            error: BaseException | None = None
            try:
                self._pick(d)(msg)
            except BaseException as exc:  # any failure of a handler asks for a retry
                error = exc
            with self._lock:
                w.current = None
                if w.abandoned:
                    return False
            if error is None:
                return True
            if not self._retry(d, attempt, error):
                return True
            attempt += 1

    def _retry(self, d: _Delivery, attempt: int, error: BaseException | str) -> bool:
        """After a failed attempt: wait the backoff and say True to try again, or dead-letter."""
        bus = self.bus
        what = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        if attempt > bus.max_retries:
            log.warning("dead-letter: topic=%s group=%s msg_id=%s attempts=%d sharding_key=%s error=%s",
                        d.topic, self.name, d.msg_id, attempt, d.sharding_key, what)
            return False
        log.debug("mq handler failed (topic=%s group=%s msg_id=%s attempt=%d): %s; retrying",
                  d.topic, self.name, d.msg_id, attempt, what)
        delay = min(bus.retry_backoff * 2 ** (attempt - 1), 5.0)
        if bus._stopping.wait(delay):
            log.warning("mq closed before redelivery: topic=%s group=%s msg_id=%s dropped",
                        d.topic, self.name, d.msg_id)
            return False
        return True

    def reap(self, now: float) -> None:
        """Abandon the workers whose call overran handler_timeout: each gets a replacement on its
        queue that redelivers the message (or dead-letters it past max_retries)."""
        overdue: list[tuple[_Worker, _Delivery, int]] = []
        with self._lock:
            for w in self.workers:
                if w.current is not None and not w.abandoned and w.current[2] <= now:
                    w.abandoned = True
                    overdue.append((w, w.current[0], w.current[1]))
        for w, d, attempt in overdue:
            reason = f"handler ran longer than handler_timeout={self.bus.handler_timeout:g} s"
            log.warning("mq handler timed out (topic=%s group=%s msg_id=%s attempt=%d); redelivering on a new "
                        "worker", d.topic, self.name, d.msg_id, attempt)
            retry = attempt <= self.bus.max_retries
            if not retry:
                self._retry(d, attempt, reason)  # logs the dead letter
            replacement = _Worker(w.lane, (d, attempt + 1) if retry else None)
            with self._lock:
                self.workers[self.workers.index(w)] = replacement
            self._spawn(replacement)
            if not retry:
                self.bus._done(self.topic, 1)


class MemDriver:
    """The mq driver: consumer groups on worker threads, a bounded count of queued messages per topic."""

    def __init__(self, *, workers: int = 4, max_retries: int = 3, retry_backoff: float = 0.05,
                 capacity: int = 10000, send_timeout: float = 5.0, max_body_bytes: int = 4 * 2**20,
                 handler_timeout: float = 300.0) -> None:
        self.workers = workers
        self.max_retries = max_retries
        self.retry_backoff = retry_backoff
        self.capacity = capacity
        self.send_timeout = send_timeout
        self.max_body_bytes = max_body_bytes
        self.handler_timeout = handler_timeout
        self._cond = threading.Condition()
        self._groups: dict[str, dict[str, _Group]] = {}
        self._backlog: dict[str, deque[_Delivery]] = {}
        self._inflight: dict[str, int] = {}  # per topic: queued or being handled, over its groups
        self._ids = itertools.count(1)
        self._closing = False
        self._stopping = threading.Event()
        self._ping_lock = threading.Lock()
        self._ping_seen: dict[bytes, threading.Event] = {}
        self._reaper: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"MemDriver(topics={sorted(self._groups)})"

    def classify_error(self, err: BaseException) -> ErrorClass:
        # Nothing native can fail in memory but the backup's file writes.
        if isinstance(err, OSError):
            return ErrorClass(ErrorCode.UNAVAILABLE)
        return ErrorClass(ErrorCode.INTERNAL)

    # -- producing
    def _check_open(self) -> None:
        # A send waiting for room when the bus closes ends here (the portable type refuses new calls).
        if self._closing:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, "mq bus is closed")

    def publish(self, topic: str, bodies: list[bytes], sharding_key: str | None) -> None:
        self._publish(topic, bodies, sharding_key)

    def _queued(self, topic: str) -> int:
        backlog = self._backlog.get(topic)
        return self._inflight.get(topic, 0) + (len(backlog) if backlog else 0)

    def _publish(self, topic: str, bodies: list[bytes], sharding_key: str | None) -> None:
        deadline = time.monotonic() + self.send_timeout
        with self._cond:
            groups = list(self._groups.get(topic, {}).values())
            needed = len(bodies) * max(1, len(groups))
            if needed > self.capacity:
                raise ProviderError(
                    ErrorCode.INVALID_ARGUMENT,
                    f"mq batch of {len(bodies)} messages for {len(groups)} group(s) exceeds capacity={self.capacity}")
            while not self._closing and self._queued(topic) + needed > self.capacity:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ProviderError(
                        ErrorCode.RESOURCE_EXHAUSTED,
                        f"mq topic {topic!r} is full ({self.capacity} messages queued) and stayed full for "
                        f"{self.send_timeout} s; its consumers are too slow or stuck, or raise capacity")
                self._cond.wait(remaining)
            self._check_open()
            groups = list(self._groups.get(topic, {}).values())
            deliveries = [_Delivery(topic, body, sharding_key, f"{next(self._ids):x}") for body in bodies]
            if not groups:
                self._backlog.setdefault(topic, deque()).extend(deliveries)
                return
            self._inflight[topic] = self._inflight.get(topic, 0) + len(deliveries) * len(groups)
            for group in groups:
                for d in deliveries:
                    group.enqueue(d)

    def _done(self, topic: str, n: int) -> None:
        with self._cond:
            left = self._inflight.get(topic, 0) - n
            if left > 0:
                self._inflight[topic] = left
            else:
                self._inflight.pop(topic, None)
            self._cond.notify_all()

    # -- consuming
    def subscribe(self, topic: str, group: str, handler: Callable[[Message], Any], orderly: bool) -> None:
        if topic == _PING_TOPIC:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"mq topic {topic!r} is reserved")
        self._register(topic, group, handler, orderly)

    def _register(self, topic: str, group: str, fn: Callable[[Message], Any], orderly: bool) -> None:
        with self._cond:
            self._check_open()
            groups = self._groups.setdefault(topic, {})
            existing = groups.get(group)
            if existing is not None:
                if existing.orderly != orderly:
                    raise ProviderError(
                        ErrorCode.FAILED_PRECONDITION,
                        f"mq group {group!r} on topic {topic!r} is already registered with orderly={existing.orderly}")
                existing.handlers.append(fn)
                return
            g = _Group(self, topic, group, orderly)
            g.handlers.append(fn)
            groups[group] = g
            g.start()
            if self.handler_timeout and self._reaper is None:
                self._reaper = threading.Thread(target=self._reap, name="mq:reaper", daemon=True)
                self._reaper.start()
            backlog = self._backlog.pop(topic, None)
            if backlog:
                self._inflight[topic] = self._inflight.get(topic, 0) + len(backlog)
                for d in backlog:
                    g.enqueue(d)

    def _reap(self) -> None:
        """Find handler calls past handler_timeout, a few times per timeout (at least once a second)."""
        interval = min(self.handler_timeout / 4, 1.0)
        while not self._stopping.wait(interval):
            with self._cond:
                groups = [g for by_name in self._groups.values() for g in by_name.values()]
            now = time.monotonic()
            for g in groups:
                try:
                    g.reap(now)
                except Exception:  # the reaper must outlive any one failure
                    log.exception("mq reaper failed on topic=%s group=%s", g.topic, g.name)

    # -- lifecycle
    def drain(self, timeout: float | None = None) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: not self._inflight, timeout)

    def ping(self) -> None:
        """One message through the bus's own topic and group: it has its own capacity and
        workers, so other topics' backlog or stuck handlers do not fail it."""
        with self._ping_lock:
            if _PING_TOPIC not in self._groups:
                self._register(_PING_TOPIC, "ping", self._pong, False)
        token = os.urandom(8)
        seen = threading.Event()
        self._ping_seen[token] = seen
        try:
            self._publish(_PING_TOPIC, [token], None)
            if not seen.wait(5.0):
                raise ProviderError(ErrorCode.UNAVAILABLE, "mq bus failed ping: no delivery within 5 s")
        finally:
            self._ping_seen.pop(token, None)

    def _pong(self, msg: Message) -> None:
        seen = self._ping_seen.get(msg.body)
        if seen is not None:
            seen.set()

    def close(self, timeout: float | None = 5.0) -> None:
        with self._cond:
            if self._closing:
                return
            self._closing = True
            self._cond.notify_all()
        drained = self.drain(timeout)
        self._stopping.set()
        with self._cond:
            groups = [g for by_name in self._groups.values() for g in by_name.values()]
            left = sum(self._inflight.values()) + sum(len(b) for b in self._backlog.values())
        for g in groups:
            g.stop()
        for g in groups:
            for thread in g.threads():
                thread.join(0.5 if drained else 0.05)
        if left:
            log.warning("mq closed with %d undelivered message(s) dropped", left)

    def backup(self, dest: str) -> None:
        """The bus keeps nothing on disk; this records what was queued when it ran (``mq.json``) so a
        backup of a lite deployment says what an in-flight restart would lose."""
        try:
            os.makedirs(dest, exist_ok=True)
            with self._cond:
                state = {
                    "scheme": "mem",
                    "persistent": False,
                    "queued_messages": sum(self._inflight.values()),
                    "waiting_for_a_group": {t: len(b) for t, b in self._backlog.items()},
                    "topics": {t: sorted(g) for t, g in self._groups.items() if t != _PING_TOPIC},
                }
            with open(os.path.join(dest, "mq.json"), "w", encoding="utf-8") as fh:
                json.dump(state, fh, indent=2, sort_keys=True)
        except OSError as err:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"mq backup to {dest!r} failed: {err.strerror}") from err


def _int_param(url: ProviderURL, name: str, default: int, minimum: int) -> int:
    text = url.params.get(name)
    if text is None:
        return default
    m = re.fullmatch(r"(\d+)\s*(KiB|MiB)?", text.strip())
    value = int(m.group(1)) * {None: 1, "KiB": 2**10, "MiB": 2**20}[m.group(2)] if m else -1
    if value < minimum:
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT, f"mq parameter {name}={text!r}: expected an integer >= {minimum}")
    return value


def _float_param(url: ProviderURL, name: str, default: float) -> float:
    text = url.params.get(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"mq parameter {name}={text!r}: expected seconds >= 0")
    return value


@MQ.register("mem")
def open_mem(url: ProviderURL) -> MessageQueue:
    if url.host or url.path:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"mem URI takes no host or path: {url.redacted!r}; use mem://")
    url.reject_unknown_params(_PARAMS)
    return MessageQueue(MemDriver(
        workers=_int_param(url, "workers", 4, 1),
        max_retries=_int_param(url, "max_retries", 3, 0),
        retry_backoff=_float_param(url, "retry_backoff", 0.05),
        capacity=_int_param(url, "capacity", 10000, 1),
        send_timeout=_float_param(url, "send_timeout", 5.0),
        max_body_bytes=_int_param(url, "max_body_bytes", 4 * 2**20, 1),
        handler_timeout=_float_param(url, "handler_timeout", 300.0),
    ), name="mem")
