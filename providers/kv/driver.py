"""The kv driver protocol: what an implementation (LMDB, later Redis) fills in.

Arguments arrive validated and normalised by `providers.kv.contract` (keys are non-empty str within
the key limit, values are bytes, TTLs are seconds, integers fit 64 bits); the closed state, error
wrapping and metrics are the portable `KVStore`'s. A driver raises ProviderError for the outcomes
the contract names (WRONGTYPE as FAILED_PRECONDITION, NOT_FOUND for ``lset`` on a missing key, ...)
and its native exceptions for anything else (mapped by `classify_error`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from providers.portable import Driver

# The operations, by the names `KVStore` records metrics under and `batch` receives.
OPERATIONS = ("set", "get", "incr_by", "hset", "hgetall", "delete", "exists", "expire", "lindex", "push", "lset",
              "lpop", "lrange")


class KVDriver(Driver, Protocol):
    def set(self, key: str, value: bytes, ttl: float | None) -> None:
        """Store `value`, replacing any value of any type; `ttl` None or 0: no expiry."""
        ...

    def get(self, key: str) -> bytes | None: ...

    def incr_by(self, key: str, amount: int) -> int:
        """Add `amount` to the integer value (missing: 0), keeping the TTL; the new value."""
        ...

    def hset(self, key: str, fields: tuple[tuple[str, bytes], ...]) -> int:
        """Set the hash fields; the number added (not updated)."""
        ...

    def hgetall(self, key: str) -> dict[str, bytes]: ...

    def delete(self, *keys: str) -> int: ...

    def exists(self, *keys: str) -> int: ...

    def expire(self, key: str, ttl: float) -> bool:
        """Set the TTL (seconds; <= 0 deletes the key); False when the key is missing."""
        ...

    def lindex(self, key: str, index: int) -> bytes | None: ...

    def push(self, key: str, at_head: bool, values: tuple[bytes, ...]) -> int:
        """LPUSH (`at_head`) or RPUSH; the new length."""
        ...

    def lset(self, key: str, index: int, value: bytes) -> None: ...

    def lpop(self, key: str) -> bytes | None: ...

    def lrange(self, key: str, start: int, stop: int) -> list[bytes]: ...

    def batch(self, commands: Sequence[tuple[str, tuple[Any, ...]]]) -> list[Any]:
        """Run `(operation, args)` commands (the names in OPERATIONS) as one atomic batch: other
        clients see all of it or none of it. A command's ProviderError is its result; the others
        still run."""
        ...
