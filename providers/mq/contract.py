"""The mq contract: the Python face of Coze Studio's `eventbus` package.

Go has `NewProducer(nameServer, topic, group, retries)` returning a `Producer` with
`Send(ctx, body, opts...)` / `BatchSend(ctx, bodies, opts...)` (option `WithShardingKey`), and a
`ConsumerService` with `RegisterConsumer(nameServer, topic, group, handler, opts...)` where the
handler's `HandleMessage(ctx, *Message) error` gets `Message{Topic, Group, Body}`.

Here: `MessageQueue.new_producer(topic, ...)` and `MessageQueue.register_consumer(name_server,
topic, group, handler, orderly=...)`. A handler is a callable taking a `Message` or an object with
a ``handle_message(msg)`` method; returning normally acknowledges the message, raising asks for it
again.

Delivery guarantees every implementation gives (the conformance suite checks them):
- every consumer group registered on a topic receives every message sent to that topic after the
  group registered;
- within a group each message is handled successfully once (several consumers registered in one
  group share its messages);
- a handler that raises gets the same message again, up to ``max_retries`` more times, then the
  message is dropped with one WARNING line on the ``cozelite.mq`` logger ("dead-letter ...");
- with ``orderly=True`` messages with the same sharding key are handled one at a time, in the
  order they were sent, and a retried message holds back the later ones of its key.

`MessageQueue` is the portable type (argument checks, the closed state: FAILED_PRECONDITION after
`close`, error wrapping, metrics) over an implementation's `MQDriver` (providers/mq/driver.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Protocol, TypeAlias, runtime_checkable

from providers.errors import ErrorCode, ProviderError
from providers.mq.driver import MQDriver
from providers.mq.message import Message
from providers.portable import Portable, contract_errors

DEAD_LETTER_LOGGER = "cozelite.mq"


@runtime_checkable
class ConsumerHandler(Protocol):
    def handle_message(self, msg: Message) -> None: ...


Handler: TypeAlias = Callable[[Message], Any] | ConsumerHandler


def as_callable(handler: Handler) -> Callable[[Message], Any]:
    if isinstance(handler, ConsumerHandler):
        return handler.handle_message
    if callable(handler):
        return handler
    raise ProviderError(
        ErrorCode.INVALID_ARGUMENT,
        f"mq handler must be callable or have handle_message(msg), not {type(handler).__name__}")


def _utf8(value: str, what: str) -> None:
    # A lone surrogate is a str but no text: no broker can carry it, and hashing it for a lane failed
    # half-way through a send (leaking queue capacity).
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"mq {what} {value[:40]!r} is not valid Unicode text "
                            "(a lone surrogate)") from None


def check_name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"mq {what} must be a non-empty str, got {value!r}")
    if len(value) > 255 or any(c in value for c in "\x00\n\r"):
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT, f"mq {what} {value[:40]!r} is too long or has control characters")
    _utf8(value, what)
    return value


def check_body(body: object, max_bytes: int) -> bytes:
    if isinstance(body, (bytearray, memoryview)):
        body = bytes(body)
    if not isinstance(body, bytes):
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT, f"mq message body must be bytes, not {type(body).__name__} (encode text first)")
    if len(body) > max_bytes:
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT,
            f"mq message body of {len(body)} bytes exceeds the limit of {max_bytes} bytes; "
            "store large payloads in blob storage and send the key")
    return body


def check_sharding_key(sharding_key: object) -> str | None:
    if sharding_key is not None and not isinstance(sharding_key, str):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"mq sharding_key must be a str, got {sharding_key!r}")
    if sharding_key is not None:
        _utf8(sharding_key, "sharding_key")
    return sharding_key


@contract_errors
class Producer:
    """Sends to one topic (Go's `eventbus.Producer`). Made by `MessageQueue.new_producer`."""

    def __init__(self, bus: MessageQueue, topic: str, group: str, retries: int) -> None:
        self.bus = bus
        self.topic = topic
        self.group = group
        self.retries = retries  # the Go producer's send retries; drivers with transient failures use it

    def send(self, body: bytes, *, sharding_key: str | None = None) -> None:
        """Send one message. ``sharding_key`` orders messages for orderly consumers."""
        checked = check_body(body, self.bus.driver.max_body_bytes)
        self.bus._publish(self.topic, [checked], check_sharding_key(sharding_key))

    def batch_send(self, bodies: Iterable[bytes], *, sharding_key: str | None = None) -> None:
        """Send several messages, in order; all are validated before any is sent."""
        if isinstance(bodies, (bytes, str)):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, "mq batch_send takes an iterable of bodies, not one body")
        if not isinstance(bodies, Iterable):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                                f"mq batch_send takes an iterable of bodies, not {type(bodies).__name__}")
        limit = self.bus.driver.max_body_bytes
        checked = [check_body(b, limit) for b in bodies]
        key = check_sharding_key(sharding_key)
        if checked:
            self.bus._publish(self.topic, checked, key)


class MessageQueue(Portable[MQDriver]):
    """A message bus: creates producers and registers consumers (Go's `ConsumerService`)."""

    area: ClassVar[str] = "mq"

    def __init__(self, driver: MQDriver, *, name: str) -> None:
        super().__init__(driver, name=name)
        self._close_timeout: float | None = 5.0

    def new_producer(self, topic: str, *, group: str = "", retries: int = 3) -> Producer:
        """A producer for ``topic``. ``group`` and ``retries`` are the Go producer's parameters
        (producer group name; send retries on transient failures)."""
        check_name(topic, "topic")
        if not isinstance(group, str):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"mq producer group must be a str, got {group!r}")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"mq producer retries must be an int >= 0, got {retries!r}")
        self.check_open()
        return Producer(self, topic, group, retries)

    def _publish(self, topic: str, bodies: list[bytes], sharding_key: str | None) -> None:
        self._run("send", self._driver.publish, topic, bodies, sharding_key)

    def register_consumer(
        self, name_server: str, topic: str, group: str, handler: Handler, *, orderly: bool = False,
    ) -> None:
        """Deliver every message of ``topic`` to ``group``; ``handler`` handles each once.
        ``name_server`` is the broker address of server-backed implementations."""
        if not isinstance(name_server, str):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"mq name_server must be a str, got {name_server!r}")
        check_name(topic, "topic")
        check_name(group, "group")
        self._run("register_consumer", self._driver.subscribe, topic, group, as_callable(handler), bool(orderly))

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every message sent so far is handled or dead-lettered; False on timeout."""
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                    or timeout != timeout):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                                f"mq drain timeout must be seconds or None, got {timeout!r}")
        return self._run("drain", self._driver.drain, timeout)

    def close(self, timeout: float | None = 5.0) -> None:
        """Stop accepting messages, let queued ones finish for up to ``timeout`` seconds, stop the
        consumers. Idempotent; every later call raises FAILED_PRECONDITION."""
        self._close_timeout = timeout
        super().close()

    def _close_driver(self) -> None:
        self._driver.close(self._close_timeout)


__all__ = ["DEAD_LETTER_LOGGER", "ConsumerHandler", "Handler", "Message", "MessageQueue", "Producer", "as_callable",
           "check_body", "check_name", "check_sharding_key"]
