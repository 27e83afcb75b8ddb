"""Helpers for the metadata tables: ids, times and equality conditions for the db contract."""

from __future__ import annotations

import secrets
import time
from typing import Any

from providers.db.contract import ComplexCondition, Condition, Operator


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def new_id(prefix: str) -> str:
    """An opaque, unguessable id (`<prefix>_` and 24 hex digits): ids of other users' resources
    cannot be enumerated."""
    return f"{prefix}_{secrets.token_hex(12)}"


def eq(**fields: Any) -> ComplexCondition:
    """`a = ? AND b = ? ...` as a condition the db contract binds."""
    return ComplexCondition(conditions=[Condition(field=k, operator=Operator.EQUAL, value=v)
                                        for k, v in fields.items()])
