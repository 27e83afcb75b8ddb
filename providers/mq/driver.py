"""The mq driver protocol: what an implementation (the in-process bus, later NATS) fills in.

Arguments arrive validated by `providers.mq.contract` (topic and group names checked, bodies are
bytes within `max_body_bytes`, the handler is a callable taking a `Message`); the closed state,
error wrapping and metrics are the portable `MessageQueue`'s. The delivery guarantees the contract
module lists are the driver's to keep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from providers.mq.message import Message
from providers.portable import Driver


class MQDriver(Driver, Protocol):
    @property
    def max_body_bytes(self) -> int:
        """The largest message body this bus takes (the portable type refuses larger ones)."""
        ...

    def publish(self, topic: str, bodies: list[bytes], sharding_key: str | None) -> None:
        """Send `bodies` to `topic`, in order; wait for room while the bus is full."""
        ...

    def subscribe(self, topic: str, group: str, handler: Callable[[Message], Any], orderly: bool) -> None:
        """Add `handler` to consumer `group` of `topic` (FAILED_PRECONDITION when the group exists
        with another `orderly`)."""
        ...

    def drain(self, timeout: float | None) -> bool:
        """Wait until every message sent so far is handled or dead-lettered; False on timeout."""
        ...

    def close(self, timeout: float | None = 5.0) -> None:
        """Stop accepting messages, let queued ones finish for up to `timeout` seconds, stop the
        consumers."""
        ...
