"""mq on NATS JetStream (nats-py): ``nats://host:4222``. `NatsDriver` fills the mq driver protocol
(providers/mq/driver.py); `open_nats` returns the portable `MessageQueue` around it. ``nsq://`` is
refused at start-up, pointing here (no NSQ server can be tested with this project).

URI: ``nats://[user:password@]host[:port][,host2:port2...]`` (several seed servers of one cluster).
Query parameters (anything else is rejected):
    namespace=cozelite  the JetStream stream ``COZELITE_<namespace>`` holding every topic's messages
                        (subjects ``cozelite.<namespace>.<topic>.<lane>``); letters, digits, - and _
    lanes=16            subjects per topic that sharding keys are hashed onto; every producer and
                        consumer of a namespace must use the same number
    workers=4           handler threads per consumer group in this process
    max_retries=3       redeliveries after a handler raises; then the message is dead-lettered
    retry_backoff=0.05  seconds before the first redelivery, doubled each time, capped at 5 s
    ack_wait=30         seconds the server waits for an acknowledgement before it redelivers (the
                        driver tells it "still working" while a handler runs longer)
    max_age=604800      seconds the stream keeps a message (a week), handled or not
    connect_timeout=5   seconds to connect (bounds the start-up check)
    send_timeout=5      seconds a send waits for the server to store the message
    max_body_bytes=1MiB largest message body (also bounded by the server's max_payload)

How the contract maps onto JetStream:
- durable: a send returns once the server has stored the message (its PubAck); each consumer group
  is a durable JetStream consumer, so a restarted process (or server) resumes where the group was;
- at-least-once: a message is acknowledged after its handler returned; a process that dies in a
  handler gets it again after ``ack_wait`` (a handler can therefore see a message twice: make it
  idempotent). Sends carry a message id, so a send repeated after a lost PubAck is stored once;
- redelivery: a handler that raises NAKs the message with the backoff as delay; ``Message.attempt``
  is the server's delivery count; after ``max_retries`` redeliveries the message is terminated and
  logged as dead-letter on ``cozelite.mq``;
- ordering: an orderly group has one consumer per lane with at most one unacknowledged message, so
  the messages of a sharding key are handled one at a time in send order, across processes, and a
  retried message holds back the later ones of its lane;
- a group that registers on a topic no group has seen yet starts at the topic's first stored
  message ("messages sent before any group go to the first group"); a later group starts with the
  messages sent after it registered.
``backup`` raises UNIMPLEMENTED: the stream lives in the server (``nats stream backup`` copies it).

nats-py is asyncio; the contract is blocking and handlers are blocking functions, so the driver runs
one event loop on a thread of its own and the handlers on worker threads (as the in-process bus does).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import hashlib
import itertools
import logging
import math
import re
import socket
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar
from urllib.parse import urlsplit

try:
    import nats
    import nats.errors
    import nats.js.errors
    from nats.js import api

    HAVE_NATS = True
except ImportError:  # the scheme stays registered and the opener says what to install
    HAVE_NATS = False

from providers.errors import ErrorCode, ProviderError
from providers.mq import MQ
from providers.mq.contract import DEAD_LETTER_LOGGER, MessageQueue
from providers.mq.message import Message
from providers.portable import ErrorClass
from providers.registry import ProviderURL

log = logging.getLogger(DEAD_LETTER_LOGGER)

T = TypeVar("T")
_PARAMS = ("namespace", "lanes", "workers", "max_retries", "retry_backoff", "ack_wait", "max_age",
           "connect_timeout", "send_timeout", "max_body_bytes")
_KEY_HEADER = "Cozelite-Sharding-Key"
_SAFE_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
_POLL = 0.01  # seconds between consumer-state polls in drain()


def _probe(servers: list[str], timeout: float, where: str) -> None:
    """Fail at once, with the cause, when no server accepts a TCP connection: nats-py retries a
    refused initial connect until its caller gives up, and the user would only see a time-out."""
    causes = []
    for server in servers:
        parts = urlsplit(server)
        try:
            with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 4222), timeout=timeout):
                return
        except OSError as err:
            causes.append(f"{parts.hostname}:{parts.port or 4222}: {err.strerror or err}")
    raise ProviderError(ErrorCode.UNAVAILABLE, f"NATS at {where} cannot be reached ({'; '.join(causes)}); "
                                               "is nats-server running with -js?")


def subject_token(topic: str) -> str:
    """A topic as one NATS subject token: kept when it is plain, else hex (never '.', '*', '>')."""
    return topic if _SAFE_TOKEN.fullmatch(topic) else "~" + topic.encode("utf-8").hex()


class _Group:
    """One consumer group of this process: its handlers, worker threads and JetStream consumers."""

    def __init__(self, topic: str, name: str, orderly: bool, workers: int) -> None:
        self.topic = topic
        self.name = name
        self.orderly = orderly
        self.handlers: list[Callable[[Message], Any]] = []
        self._next = itertools.count()
        self.pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix=f"mq:{topic}/{name}")
        self.consumers: list[str] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.slots = asyncio.Semaphore(workers)

    def pick(self, sharding_key: str | None) -> Callable[[Message], Any]:
        if self.orderly:  # one key always goes to the same handler, so its order holds across them
            return self.handlers[zlib.crc32((sharding_key or "").encode("utf-8")) % len(self.handlers)]
        return self.handlers[next(self._next) % len(self.handlers)]


class NatsDriver:
    """The mq driver on one NATS connection, its event loop on a thread of its own."""

    def __init__(self, servers: list[str], *, where: str, namespace: str = "cozelite", lanes: int = 16,
                 workers: int = 4, max_retries: int = 3, retry_backoff: float = 0.05, ack_wait: float = 30.0,
                 max_age: float = 604800.0, connect_timeout: float = 5.0, send_timeout: float = 5.0,
                 max_body_bytes: int = 2**20, user: str | None = None, password: str | None = None) -> None:
        self.where = where
        self.namespace = namespace
        self.stream = f"COZELITE_{namespace}"
        self.prefix = f"cozelite.{namespace}"
        self.lanes = lanes
        self.workers = workers
        self.max_retries = max_retries
        self.retry_backoff = retry_backoff
        self.ack_wait = ack_wait
        self.send_timeout = send_timeout
        self._max_body_bytes = max_body_bytes
        self._groups: dict[tuple[str, str], _Group] = {}
        self._lock = threading.Lock()
        self._register = threading.Lock()
        self._inflight = 0  # messages handed to handlers and not yet acknowledged, NAKed or terminated
        self._closing = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"mq-nats:{where}", daemon=True)
        self._thread.start()
        try:
            _probe(servers, connect_timeout, where)
            self._call(self._connect(servers, connect_timeout, max_age, user, password), connect_timeout * 2 + 5)
        except BaseException:
            self._stop_loop()
            raise

    def __repr__(self) -> str:
        return f"NatsDriver({self.where!r}, stream={self.stream!r})"

    @property
    def max_body_bytes(self) -> int:
        return self._max_body_bytes

    # -- the event loop
    def _call(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run `coro` on the driver's loop and wait for it, never longer than `timeout` seconds."""
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError as err:
            future.cancel()
            raise ProviderError(ErrorCode.UNAVAILABLE,
                                f"NATS at {self.where} did not answer within {timeout} s; retry") from err

    def _stop_loop(self) -> None:
        # Cancel what is still running on the loop (a connect that timed out keeps retrying) and let
        # it finish, so no task is destroyed pending (asyncio prints that on stderr).
        async def cancel_the_rest() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(cancel_the_rest(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self._loop.close()

    async def _connect(self, servers: list[str], connect_timeout: float, max_age: float,
                       user: str | None, password: str | None) -> None:
        options: dict[str, Any] = {}
        if user is not None:
            options.update(user=user, password=password or "")
        self._nc = await nats.connect(
            servers, connect_timeout=connect_timeout, allow_reconnect=True, max_reconnect_attempts=-1,
            reconnect_time_wait=0.25, error_cb=self._on_error, name="cozelite-mq", **options)
        self._js = self._nc.jetstream(timeout=self.send_timeout)
        self._max_body_bytes = min(self._max_body_bytes, self._nc.max_payload)
        try:
            await self._js.stream_info(self.stream)
        except nats.js.errors.NotFoundError:
            await self._js.add_stream(api.StreamConfig(
                name=self.stream, subjects=[f"{self.prefix}.>"], retention=api.RetentionPolicy.LIMITS,
                storage=api.StorageType.FILE, max_age=max_age or None, duplicate_window=120.0))

    async def _api(self, make: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """A JetStream API request, each attempt bounded as a whole (nats-py bounds only the wait for
        the reply, not the send); a request lost around a reconnect is sent again. Every request
        made here is safe to repeat. Gives up after three send timeouts."""
        deadline = time.monotonic() + 3 * self.send_timeout
        while True:
            try:
                return await asyncio.wait_for(make(), self.send_timeout)
            except (TimeoutError, nats.errors.TimeoutError):
                if time.monotonic() >= deadline:
                    raise

    async def _on_error(self, err: Exception) -> None:
        # Disconnections are retried by nats-py itself; calls meanwhile fail or wait within their timeouts.
        log.debug("mq nats connection to %s: %r", self.where, err)

    # -- producing
    def publish(self, topic: str, bodies: list[bytes], sharding_key: str | None) -> None:
        if self._closing:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, "mq bus is closed")
        lane = zlib.crc32((sharding_key or "").encode("utf-8")) % self.lanes
        subject = f"{self.prefix}.{subject_token(topic)}.{lane}"
        self._call(self._publish(subject, bodies, sharding_key), (self.send_timeout + 1) * len(bodies) + 5)

    async def _publish(self, subject: str, bodies: list[bytes], sharding_key: str | None) -> None:
        for body in bodies:  # one after the other: a batch is stored in send order
            headers = {"Nats-Msg-Id": uuid.uuid4().hex}
            if sharding_key is not None:
                headers[_KEY_HEADER] = sharding_key
            deadline = time.monotonic() + self.send_timeout
            while True:
                attempt = max(0.05, min(1.0, deadline - time.monotonic()))
                try:
                    # Bounded as a whole: nats-py's timeout covers only the wait for the PubAck.
                    await asyncio.wait_for(self._js.publish(subject, body, stream=self.stream, headers=headers,
                                                            timeout=attempt), attempt + 0.5)
                    break
                except (TimeoutError, nats.errors.TimeoutError, nats.js.errors.ServiceUnavailableError):
                    # The PubAck was lost or the server is restarting: send again with the same
                    # message id (the stream stores it once) until the send timeout.
                    if time.monotonic() >= deadline:
                        raise

    # -- consuming
    def subscribe(self, topic: str, group: str, handler: Callable[[Message], Any], orderly: bool) -> None:
        # `_register` serialises registrations; `_lock` is only ever held briefly, never across a
        # wait for the loop (the loop thread takes `_lock` too: holding it here would deadlock).
        with self._register:
            with self._lock:
                if self._closing:
                    raise ProviderError(ErrorCode.FAILED_PRECONDITION, "mq bus is closed")
                existing = self._groups.get((topic, group))
                if existing is not None:
                    if existing.orderly != orderly:
                        raise ProviderError(
                            ErrorCode.FAILED_PRECONDITION,
                            f"mq group {group!r} on topic {topic!r} is already registered with "
                            f"orderly={existing.orderly}")
                    existing.handlers.append(handler)
                    return
            # Bounded: every API request of it is (see `_api`).
            g = self._call(self._new_group(topic, group, orderly), 3 * self.send_timeout * (self.lanes + 1) + 5)
            g.handlers.append(handler)
            with self._lock:
                self._groups[(topic, group)] = g
            self._loop.call_soon_threadsafe(self._start_group, g)

    def _description(self, topic: str, group: str, orderly: bool) -> str:
        return f"cozelite mq topic={topic!r} group={group!r} orderly={int(orderly)}"

    async def _new_group(self, topic: str, group: str, orderly: bool) -> _Group:
        g = _Group(topic, group, orderly, self.workers)
        digest = hashlib.sha256(f"{topic}\0{group}".encode()).hexdigest()[:20]
        token = subject_token(topic)
        if orderly:
            plan = [(f"g{digest}_o{lane}", f"{self.prefix}.{token}.{lane}", 1) for lane in range(self.lanes)]
        else:
            plan = [(f"g{digest}_s", f"{self.prefix}.{token}.*", max(1000, self.workers * 4))]
        description = self._description(topic, group, orderly)
        # The first group of a topic takes what was sent before it; a later one starts from now on.
        prefix = f"cozelite mq topic={topic!r} "
        known = [c for c in await self._api(lambda: self._js.consumers_info(self.stream))
                 if (c.config.description or "").startswith(prefix)]
        ours = {c.name for c in known if c.config.description == description}
        other = [c for c in known if (c.config.description or "").startswith(prefix + f"group={group!r} ")
                 and c.config.description != description]
        if other:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                f"mq group {group!r} on topic {topic!r} exists on the server with another orderly flag")
        first = not [c for c in known if c.name not in ours]
        for name, filter_subject, max_ack_pending in plan:
            if name not in ours:
                config = api.ConsumerConfig(
                    durable_name=name, description=description, filter_subject=filter_subject,
                    deliver_policy=api.DeliverPolicy.ALL if first else api.DeliverPolicy.NEW,
                    ack_policy=api.AckPolicy.EXPLICIT, ack_wait=self.ack_wait, max_deliver=-1,
                    max_ack_pending=max_ack_pending)
                # Creating a durable with the same configuration again is a no-op: safe to repeat.
                await self._api(functools.partial(self._js.add_consumer, self.stream, config))
            g.consumers.append(name)
        return g

    def _start_group(self, g: _Group) -> None:
        for name in g.consumers:
            g.tasks.append(self._loop.create_task(self._consume(g, name)))

    async def _consume(self, g: _Group, name: str) -> None:
        psub = await self._js.pull_subscribe_bind(durable=name, stream=self.stream)
        while not self._closing:
            # A shared group fetches as many messages as it has free workers (none waits here while
            # its ack_wait runs); an orderly lane has at most one unacknowledged message anyway, and
            # takes its worker once the message is there (16 lanes must not hold 4 workers idle).
            free = 0
            if not g.orderly:
                await g.slots.acquire()
                free = 1
                while free < 64 and not g.slots.locked():
                    await g.slots.acquire()
                    free += 1
            try:
                msgs = await asyncio.wait_for(psub.fetch(free or 1, timeout=1.0), 3.0)
            except (TimeoutError, nats.errors.TimeoutError):
                msgs = []
            except Exception as err:  # disconnected or restarting: nats-py reconnects; try again
                log.debug("mq nats fetch on %s failed: %r", name, err)
                msgs = []
                await asyncio.sleep(0.2)
            for _ in range(free - len(msgs)):
                g.slots.release()
            for msg in msgs:
                with self._lock:
                    self._inflight += 1
                if g.orderly:  # the lane's next message waits for this one's acknowledgement anyway
                    await g.slots.acquire()
                    await self._handle(g, msg)
                else:
                    self._loop.create_task(self._handle(g, msg))

    async def _handle(self, g: _Group, msg: Any) -> None:
        try:
            meta = msg.metadata
            key = (msg.headers or {}).get(_KEY_HEADER)
            delivery = Message(topic=g.topic, group=g.name, body=msg.data, sharding_key=key,
                               msg_id=str(meta.sequence.stream), attempt=meta.num_delivered)
            work = self._loop.run_in_executor(g.pool, g.pick(key), delivery)
            while not (await asyncio.wait({work}, timeout=self.ack_wait / 2))[0]:
                await msg.in_progress()  # a long handler: keep the server from redelivering
            # A handler's failure (any Exception, TimeoutError included) is the message's retry signal.
            error = work.exception()
            if error is not None and not isinstance(error, Exception):
                raise error
            if error is None:
                await asyncio.wait_for(msg.ack_sync(), self.send_timeout)
            elif delivery.attempt > self.max_retries:
                log.warning("dead-letter: topic=%s group=%s msg_id=%s attempts=%d sharding_key=%s error=%s: %s",
                            g.topic, g.name, delivery.msg_id, delivery.attempt, key, type(error).__name__, error)
                await asyncio.wait_for(msg.term(), self.send_timeout)
            else:
                log.debug("mq handler failed (topic=%s group=%s msg_id=%s attempt=%d): %r; retrying",
                          g.topic, g.name, delivery.msg_id, delivery.attempt, error)
                delay = min(self.retry_backoff * 2 ** (delivery.attempt - 1), 5.0)
                await asyncio.wait_for(msg.nak(delay=delay), self.send_timeout)
        except Exception as err:  # the ack did not reach the server: it redelivers after ack_wait
            log.debug("mq nats acknowledgement failed: %r", err)
        finally:
            with self._lock:
                self._inflight -= 1
            g.slots.release()

    # -- lifecycle
    def drain(self, timeout: float | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if self._idle():
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(_POLL)

    def _idle(self) -> bool:
        with self._lock:
            if self._inflight:
                return False
            consumers = [name for g in self._groups.values() for name in g.consumers]
        if not consumers:
            return True
        return self._call(self._consumers_idle(consumers), 3 * self.send_timeout * (len(consumers) + 2) + 5)

    async def _consumers_idle(self, consumers: list[str]) -> bool:
        # Idle: nothing waiting for or in delivery, and no message stored meanwhile (a handler that
        # sends before acknowledging cannot slip between the consumer reads).
        before = (await self._api(lambda: self._js.stream_info(self.stream))).state.last_seq
        for name in consumers:
            info = await self._api(functools.partial(self._js.consumer_info, self.stream, name))
            if info.num_pending or info.num_ack_pending:
                return False
        after = (await self._api(lambda: self._js.stream_info(self.stream))).state.last_seq
        with self._lock:
            return before == after and not self._inflight

    def ping(self) -> None:
        # A PING/PONG round trip, and JetStream answering (a server without -js fails here).
        self._call(self._ping(), 4 * self.send_timeout + 5)

    async def _ping(self) -> None:
        await self._nc.flush(timeout=max(1, math.ceil(self.send_timeout)))
        await self._api(self._js.account_info)

    def close(self, timeout: float | None = 5.0) -> None:
        with self._lock:
            if self._closing:
                return
        drained = self.drain(timeout)
        with self._lock:
            self._closing = True
            groups = list(self._groups.values())
            left = self._inflight
        with contextlib.suppress(Exception):
            self._call(self._shutdown(groups), 15)
        for g in groups:
            g.pool.shutdown(wait=drained, cancel_futures=True)
        self._stop_loop()
        if left:
            log.warning("mq closed with %d message(s) in handlers; the server redelivers them", left)

    async def _shutdown(self, groups: list[_Group]) -> None:
        for g in groups:
            for task in g.tasks:
                task.cancel()
        await asyncio.gather(*(t for g in groups for t in g.tasks), return_exceptions=True)
        await self._nc.close()

    def backup(self, dest_dir: str) -> None:
        raise ProviderError(
            ErrorCode.UNIMPLEMENTED,
            f"mq backup of stream {self.stream!r} on NATS at {self.where}: the server keeps the messages; back "
            "them up with its tools (nats stream backup), not through cozelite")

    def classify_error(self, err: BaseException) -> ErrorClass:
        if HAVE_NATS:
            if isinstance(err, nats.js.errors.ServiceUnavailableError):
                return ErrorClass(ErrorCode.UNAVAILABLE, f"JetStream at {self.where} is not available "
                                  "(is nats-server running with -js?); retry")
            if isinstance(err, (nats.errors.TimeoutError, nats.errors.ConnectionClosedError,
                                nats.errors.NoServersError, nats.errors.OutboundBufferLimitError,
                                asyncio.TimeoutError, ConnectionError)):
                return ErrorClass(ErrorCode.UNAVAILABLE, f"no answer from NATS at {self.where}; retry")
            if isinstance(err, nats.errors.AuthorizationError):
                return ErrorClass(ErrorCode.PERMISSION_DENIED, f"NATS at {self.where} refused the credentials")
            if isinstance(err, nats.errors.MaxPayloadError):
                return ErrorClass(ErrorCode.INVALID_ARGUMENT, "message larger than the server's max_payload")
        return ErrorClass(ErrorCode.INTERNAL)


def _number(url: ProviderURL, name: str, default: float, *, integer: bool = False, minimum: float = 0) -> Any:
    text = url.params.get(name)
    if text is None:
        return default
    m = re.fullmatch(r"\s*(\d+)\s*(KiB|MiB)?\s*", text) if integer else None
    try:
        value: float = int(m.group(1)) * {None: 1, "KiB": 2**10, "MiB": 2**20}[m.group(2)] if m else float(text)
    except ValueError:
        value = minimum - 1
    if not minimum <= value < math.inf or (integer and value != int(value)):
        kind = "an integer" if integer else "a number"
        raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                            f"nats parameter {name}={text!r} in {url.redacted!r}: expected {kind} >= {minimum}")
    return int(value) if integer else value


@MQ.register("nats")
def open_nats(url: ProviderURL) -> MessageQueue:
    url.reject_unknown_params(_PARAMS)
    namespace = url.params.get("namespace", "cozelite")
    if not _SAFE_TOKEN.fullmatch(namespace) or len(namespace) > 64:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                            f"nats namespace {namespace!r}: letters, digits, '-' and '_' only, at most 64")
    if url.path.strip("/"):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                            f"nats URI {url.redacted!r} takes no path; name the stream with ?namespace=")
    if not HAVE_NATS:
        raise ProviderError(ErrorCode.UNAVAILABLE, f"the NATS mq ({url.redacted!r}) needs nats-py: "
                            "pip install 'cozelite[drivers]' (or pip install nats-py)")
    netloc = url.raw.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    servers = [f"nats://{hostport}" for hostport in netloc.split(",") if hostport] or ["nats://127.0.0.1:4222"]
    connect_timeout = _number(url, "connect_timeout", 5.0)
    try:
        driver = NatsDriver(
            servers, where=url.redacted, namespace=namespace, user=url.username, password=url.password,
            lanes=_number(url, "lanes", 16, integer=True, minimum=1),
            workers=_number(url, "workers", 4, integer=True, minimum=1),
            max_retries=_number(url, "max_retries", 3, integer=True),
            retry_backoff=_number(url, "retry_backoff", 0.05),
            ack_wait=_number(url, "ack_wait", 30.0, minimum=0.1),
            max_age=_number(url, "max_age", 604800.0),
            connect_timeout=connect_timeout,
            send_timeout=_number(url, "send_timeout", 5.0, minimum=0.01),
            max_body_bytes=_number(url, "max_body_bytes", 2**20, integer=True, minimum=1))
    except ProviderError as err:
        if err.code is ErrorCode.INVALID_ARGUMENT:
            raise
        raise ProviderError(err.code, f"mq: cannot use NATS at {url.redacted!r}: {err.message}") from err
    except Exception as err:
        raise ProviderError(
            ErrorCode.UNAVAILABLE,
            f"mq: cannot use NATS JetStream at {url.redacted!r} (connect timeout {connect_timeout} s): "
            f"{type(err).__name__}: {err}") from err
    return MessageQueue(driver, name="nats")
