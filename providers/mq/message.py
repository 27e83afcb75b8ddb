"""One delivered message: the value the portable `MessageQueue`, its drivers and the handlers share."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """One delivery of a message to a group (Go's `eventbus.Message` plus delivery details)."""

    topic: str
    group: str
    body: bytes
    sharding_key: str | None = None
    msg_id: str = ""
    attempt: int = 1  # 1 for the first delivery, 2 for the first retry, ...
