"""The kv contract: the Python face of Coze Studio's Redis-like `cache.Cmdable`.

Same operations and semantics as the Go interface (which go-redis implements), with Python
conventions: results are returned instead of `*Cmd` objects, errors are `ProviderError`s, and a
missing key reads as ``None`` instead of `cache.Nil`.

Values follow go-redis: ``bytes`` are stored as is, ``str`` as UTF-8, ``int``/``float`` as their
decimal text and ``bool`` as ``b"1"``/``b"0"``. Reads return ``bytes`` (like redis-py without
``decode_responses``); hash field names are ``str``.

Every command is defined once, here, on `Commands`: it validates and normalises its arguments
and hands ``(op, args)`` to ``_call``. A `KVStore` runs the command at once through its driver
(providers/kv/driver.py); a `Pipeline` queues it and runs the queue in one go on `Pipeline.execute`.
Implementations only provide the driver.

Error codes:
- INVALID_ARGUMENT: a bad argument (wrong Python type, empty or oversized key, oversized value,
  negative TTL, odd number of hset arguments).
- FAILED_PRECONDITION: the stored value does not fit the command (Redis' WRONGTYPE, ``incr`` on a
  value that is not an integer, an increment that would overflow a signed 64-bit integer, ``lset``
  index out of range).
- NOT_FOUND: ``lset`` on a missing key (Redis' "ERR no such key").
- RESOURCE_EXHAUSTED: the store is full.
- FAILED_PRECONDITION also for every call after `close()` (the portable closed state).
"""

from __future__ import annotations

import datetime
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeAlias

from providers.errors import ErrorCode, ProviderError
from providers.kv.driver import OPERATIONS, KVDriver
from providers.portable import Portable, contract_errors

Value: TypeAlias = bytes | bytearray | memoryview | str | int | float | bool
TTL: TypeAlias = float | int | datetime.timedelta | None
Command: TypeAlias = tuple[str, tuple[Any, ...]]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

# Longer keys than Redis would take, but LMDB keys are bounded (511 bytes by default) and hash
# fields and list indexes are stored as composite keys next to the user key.
MAX_KEY_BYTES = 256
MAX_FIELD_BYTES = 200


def encode_value(value: Value, what: str = "value") -> bytes:
    """go-redis' argument encoding: the bytes a value is stored as."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"kv {what} is not valid Unicode: {err.reason}") from err
    if isinstance(value, bool):  # before int: bool is an int subclass
        return b"1" if value else b"0"
    if isinstance(value, int):
        return str(value).encode("ascii")
    if isinstance(value, float):
        return repr(value).encode("ascii")
    raise ProviderError(
        ErrorCode.INVALID_ARGUMENT,
        f"kv {what} must be bytes, str, int, float or bool, not {type(value).__name__}")


def check_key(key: object, what: str = "key") -> str:
    if not isinstance(key, str):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"kv {what} must be a str, not {type(key).__name__}")
    if not key:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"kv {what} must not be empty")
    try:
        encoded = key.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"kv {what} {key[:40]!r} is not valid Unicode") from err
    limit = MAX_KEY_BYTES if what == "key" else MAX_FIELD_BYTES
    if len(encoded) > limit:
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT,
            f"kv {what} {key[:40]!r}... is longer than {limit} bytes (UTF-8); use a shorter {what} or hash it")
    return key


# Expiry instants are milliseconds since the epoch in 64 bits (LMDB's record; Redis's PEXPIREAT):
# a TTL of ~1.8e16 s overflowed them and aborted the pipeline it was in. 2**53 ms keeps every
# instant exact in a float too.
MAX_TTL_SECONDS = 2**53 / 1000


def ttl_seconds(ttl: TTL, *, allow_non_positive: bool = False) -> float | None:
    """TTL in seconds; ``None`` or 0 means no expiry for `set` (go-redis: expiration 0)."""
    if ttl is None:
        return None
    if isinstance(ttl, datetime.timedelta):
        seconds = ttl.total_seconds()
    elif isinstance(ttl, (int, float)) and not isinstance(ttl, bool):
        try:
            seconds = float(ttl)
        except OverflowError:  # an int beyond any float: refused below as too long
            seconds = math.inf if ttl > 0 else -math.inf
    else:
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT, f"kv TTL must be seconds or a timedelta, not {type(ttl).__name__}")
    if seconds != seconds or (seconds in (float("inf"), float("-inf")) and not isinstance(ttl, int)):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"kv TTL must be finite, got {seconds}")
    if seconds == -math.inf:
        seconds = -1.0  # a huge negative int: expire deletes, set refuses (below)
    if seconds < 0 and not allow_non_positive:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"kv TTL must not be negative, got {seconds}")
    if seconds > MAX_TTL_SECONDS:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                            f"kv TTL must be at most {MAX_TTL_SECONDS:.0f} s (about 285,000 years), got {seconds:g}")
    return seconds


def check_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"kv {what} must be an int, not {type(value).__name__}")
    if not INT64_MIN <= value <= INT64_MAX:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"kv {what} {value} is outside the signed 64-bit range")
    return value


@contract_errors
class Commands(ABC):
    """The commands of `cache.Cmdable`. On a store each returns its result; on a `Pipeline` it
    is queued and returns the pipeline, and `Pipeline.execute` returns the results in order.
    (`_call` returns Any: the annotated `result` locals type a store's results at no run-time cost.)"""

    @abstractmethod
    def _call(self, op: str, args: tuple[Any, ...]) -> Any:
        """Run (store) or queue (pipeline) one validated command."""

    # -- strings (StringCmdable)
    def set(self, key: str, value: Value, ttl: TTL = None) -> Any:
        """SET: store ``value``, replacing any value of any type. ``ttl`` None or 0: no expiry."""
        return self._call("set", (check_key(key), encode_value(value), ttl_seconds(ttl)))

    def get(self, key: str) -> bytes | None:
        """GET: the value, or None when the key is missing or expired. A hash or list raises
        FAILED_PRECONDITION (WRONGTYPE)."""
        result: bytes | None = self._call("get", (check_key(key),))
        return result

    def incr(self, key: str) -> int:
        """INCR: add 1 to the integer value (a missing key counts as 0); the new value."""
        result: int = self._call("incr_by", (check_key(key), 1))
        return result

    def incr_by(self, key: str, amount: int) -> int:
        """INCRBY: add ``amount`` to the integer value (a missing key counts as 0); the new value.
        Keeps the key's TTL, as Redis does."""
        result: int = self._call("incr_by", (check_key(key), check_int(amount, "increment")))
        return result

    # -- hashes (HashCmdable)
    def hset(self, key: str, *values: Any) -> int:
        """HSET: ``hset(key, {"f": v, ...})`` or ``hset(key, "f1", v1, "f2", v2, ...)``, as
        go-redis accepts. Returns the number of fields that were added (not updated)."""
        key = check_key(key)
        if len(values) == 1 and isinstance(values[0], Mapping):
            pairs = list(values[0].items())
        elif values and len(values) % 2 == 0:
            pairs = [(values[i], values[i + 1]) for i in range(0, len(values), 2)]
        else:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT,
                "kv hset takes a mapping or field/value pairs (an even, non-zero number of arguments)")
        if not pairs:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, "kv hset needs at least one field")
        fields = tuple((check_key(f, "hash field"), encode_value(v, "hash value")) for f, v in pairs)
        result: int = self._call("hset", (key, fields))
        return result

    def hgetall(self, key: str) -> dict[str, bytes]:
        """HGETALL: every field and value; ``{}`` when the key is missing."""
        result: dict[str, bytes] = self._call("hgetall", (check_key(key),))
        return result

    # -- generic (GenericCmdable)
    def delete(self, *keys: str) -> int:
        """DEL: remove the keys (any type); the number that existed."""
        if not keys:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, "kv delete needs at least one key")
        result: int = self._call("delete", tuple(check_key(k) for k in keys))
        return result

    def exists(self, *keys: str) -> int:
        """EXISTS: how many of the keys exist (a key named twice counts twice, as in Redis)."""
        if not keys:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, "kv exists needs at least one key")
        result: int = self._call("exists", tuple(check_key(k) for k in keys))
        return result

    def expire(self, key: str, ttl: TTL) -> bool:
        """EXPIRE: set the key's TTL; False when the key is missing. A TTL <= 0 deletes the key."""
        seconds = ttl_seconds(ttl, allow_non_positive=True)
        if seconds is None:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, "kv expire needs a TTL")
        result: bool = self._call("expire", (check_key(key), seconds))
        return result

    # -- lists (ListCmdable)
    def lindex(self, key: str, index: int) -> bytes | None:
        """LINDEX: the element at ``index`` (negative counts from the end); None when out of range."""
        result: bytes | None = self._call("lindex", (check_key(key), check_int(index, "index")))
        return result

    def lpush(self, key: str, *values: Value) -> int:
        """LPUSH: insert the values at the head, one after the other; the new length."""
        result: int = self._call("push", (check_key(key), True, self._list_values("lpush", values)))
        return result

    def rpush(self, key: str, *values: Value) -> int:
        """RPUSH: append the values at the tail; the new length."""
        result: int = self._call("push", (check_key(key), False, self._list_values("rpush", values)))
        return result

    def lset(self, key: str, index: int, value: Value) -> None:
        """LSET: replace the element at ``index``. NOT_FOUND for a missing key, FAILED_PRECONDITION
        for an index out of range."""
        # On a Pipeline this returns the pipeline (chaining), like every command.
        result: None = self._call("lset", (check_key(key), check_int(index, "index"), encode_value(value)))
        return result

    def lpop(self, key: str) -> bytes | None:
        """LPOP: remove and return the head; None when the key is missing."""
        result: bytes | None = self._call("lpop", (check_key(key),))
        return result

    def lrange(self, key: str, start: int, stop: int) -> list[bytes]:
        """LRANGE: elements ``start``..``stop`` inclusive, Redis index rules (negative from the end)."""
        result: list[bytes] = self._call(
            "lrange", (check_key(key), check_int(start, "start"), check_int(stop, "stop")))
        return result

    @staticmethod
    def _list_values(cmd: str, values: tuple[Value, ...]) -> tuple[bytes, ...]:
        if not values:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"kv {cmd} needs at least one value")
        return tuple(encode_value(v) for v in values)


class Pipeline(Commands):
    """Queued commands, run by `execute` as one batch (Go's `Pipeliner`).

    Embedded stores run the batch in one transaction: other clients see all of it or none of it.
    As in a Redis pipeline, a failing command does not stop the others: its error is returned in
    its place (``raise_on_error=False``) or the first one is raised after the batch has run.
    Also a context manager: leaving the block without `execute` discards the queue.
    """

    def __init__(self, runner: Callable[[Sequence[Command]], list[Any]]) -> None:
        self._runner = runner
        self._queue: list[Command] = []

    def _call(self, op: str, args: tuple[Any, ...]) -> Pipeline:
        self._queue.append((op, args))
        return self

    def __len__(self) -> int:
        return len(self._queue)

    def execute(self, *, raise_on_error: bool = True) -> list[Any]:
        queue, self._queue = self._queue, []
        if not queue:
            return []
        results = self._runner(queue)
        if raise_on_error:
            for result in results:
                if isinstance(result, ProviderError):
                    raise result
        return results

    def discard(self) -> None:
        self._queue.clear()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


class KVStore(Commands, Portable[KVDriver]):
    """A kv store: the portable type over a `KVDriver`. Thread-safe; one object per process and
    location is enough."""

    area: ClassVar[str] = "kv"

    def __init__(self, driver: KVDriver, *, name: str) -> None:
        super().__init__(driver, name=name)
        # Bound once: a command's path is a dict lookup, not a getattr.
        self._ops: dict[str, Callable[..., Any]] = {op: getattr(driver, op) for op in OPERATIONS}

    def _call(self, op: str, args: tuple[Any, ...]) -> Any:
        return self._run(op, self._ops[op], *args)

    def pipeline(self) -> Pipeline:
        """A new `Pipeline` on this store."""
        self.check_open()
        return Pipeline(self._run_batch)

    def _run_batch(self, commands: Sequence[Command]) -> list[Any]:
        return self._run("pipeline", self._driver.batch, commands)
