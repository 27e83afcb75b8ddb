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
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias, runtime_checkable

from providers.errors import ErrorCode, ProviderError
from providers.lifecycle import Provider

DEAD_LETTER_LOGGER = "cozelite.mq"


@dataclass(frozen=True)
class Message:
    """One delivery of a message to a group (Go's `eventbus.Message` plus delivery details)."""

    topic: str
    group: str
    body: bytes
    sharding_key: str | None = None
    msg_id: str = ""
    attempt: int = 1  # 1 for the first delivery, 2 for the first retry, ...


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


def check_name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"mq {what} must be a non-empty str, got {value!r}")
    if len(value) > 255 or any(c in value for c in "\x00\n\r"):
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT, f"mq {what} {value[:40]!r} is too long or has control characters")
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


class Producer(ABC):
    """Sends to one topic (Go's `eventbus.Producer`)."""

    topic: str

    @abstractmethod
    def send(self, body: bytes, *, sharding_key: str | None = None) -> None:
        """Send one message. ``sharding_key`` orders messages for orderly consumers."""

    @abstractmethod
    def batch_send(self, bodies: Iterable[bytes], *, sharding_key: str | None = None) -> None:
        """Send several messages, in order; all are validated before any is sent."""


class MessageQueue(Provider):
    """A message bus: creates producers and registers consumers (Go's `ConsumerService`)."""

    @abstractmethod
    def new_producer(self, topic: str, *, group: str = "", retries: int = 3) -> Producer:
        """A producer for ``topic``. ``group`` and ``retries`` are the Go producer's parameters
        (producer group name; send retries on transient failures)."""

    @abstractmethod
    def register_consumer(
        self, name_server: str, topic: str, group: str, handler: Handler, *, orderly: bool = False,
    ) -> None:
        """Deliver every message of ``topic`` to ``group``; ``handler`` handles each once.
        ``name_server`` is the broker address of server-backed implementations."""

    @abstractmethod
    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every message sent so far is handled or dead-lettered; False on timeout."""

    @abstractmethod
    def close(self, timeout: float | None = 5.0) -> None:
        """Stop accepting messages, let queued ones finish for up to ``timeout`` seconds, stop the
        consumers. Idempotent."""

