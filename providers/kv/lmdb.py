"""kv on LMDB (the ``lmdb`` package): ``lmdb:///var/data/kv``. The `LMDBDriver` fills the kv driver
protocol (providers/kv/driver.py); `open_lmdb` returns the portable `KVStore` around it.

URI forms (paths follow SQLAlchemy's sqlite rule):
    lmdb:///var/data/kv            directory var/data/kv under the working directory
    lmdb:////srv/cozelite/kv       absolute directory /srv/cozelite/kv
Query parameters (anything else is rejected):
    map_size=1GiB          largest size the database may grow to (B, KiB, MiB, GiB suffixes); the file
                           is sparse, so a large value costs nothing until used
    sync=true              fsync every commit; ``false`` survives a process crash but may lose the last
                           commits on an OS crash or power loss
    sweep_interval=60      seconds between sweeps that delete expired keys (0: no background sweep;
                           expired keys are still invisible to reads)
    max_value_bytes=16MiB  largest value (string, hash value or list element)
Keyword arguments: ``clock`` (a ``time.time``-like callable; tests inject a fake one).

Layout: one LMDB database; every record key starts with a one-byte group prefix.
    b"m" + key                                  meta: type, expiry (ms), string value or list bounds
    b"h" + len(key) (u16) + key + field         one hash field
    b"l" + len(key) (u16) + key + index (u64)   one list element; the list is [head, tail) in meta
    b"x" + expiry ms (u64) + key                expiry index, in time order, read by the sweep
    b"s" + name                                 reserved records (ping)
The length prefix keeps one key's composite records from running into another key's; the big-endian
indexes make LMDB's byte order the list order, so ranges are one cursor walk. TTLs are checked on
every read (an expired key reads as missing even before the sweep deletes it); a write to an expired
key first deletes what is left of it.

LMDB allows one open environment per file per process, so stores opened on the same directory in
one process share it (reference counted). Several processes may open the same directory; writes are
serialised by LMDB's lock. Do not use a store in a child process created by fork() after opening it.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import re
import struct
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar, TypeVar, cast

try:
    import lmdb

    HAVE_LMDB = True
except ImportError:  # the scheme stays registered and its opener says what to install
    HAVE_LMDB = False

from providers.errors import ErrorCode, ProviderError
from providers.kv import KV
from providers.kv.contract import INT64_MAX, INT64_MIN, KVStore
from providers.portable import ErrorClass
from providers.registry import ProviderURL

STRING, HASH, LIST = 1, 2, 3
_TYPE_NAMES = {STRING: "string", HASH: "hash", LIST: "list"}
_META = struct.Struct(">BQ")  # type, expiry in ms since the epoch (0: none)
_BOUNDS = struct.Struct(">qq")  # list head (inclusive), tail (exclusive)
_U16 = struct.Struct(">H")
_U64 = struct.Struct(">Q")
_INDEX_BIAS = 2**63  # list indexes can go negative (lpush); biased they sort as unsigned
_INT_TEXT = re.compile(rb"-?(0|[1-9][0-9]*)")

R = TypeVar("R")
_PARAMS = ("map_size", "sync", "sweep_interval", "max_value_bytes")
_SIZE_SUFFIX = {"": 1, "b": 1, "kib": 2**10, "kb": 2**10, "mib": 2**20, "mb": 2**20, "gib": 2**30, "gb": 2**30,
                "tib": 2**40, "tb": 2**40}


def _size_param(name: str, text: str) -> int:
    m = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", text)
    if not m or m.group(2).lower() not in _SIZE_SUFFIX:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"lmdb parameter {name}={text!r}: expected e.g. 1GiB or 4096")
    return int(m.group(1)) * _SIZE_SUFFIX[m.group(2).lower()]


def _bool_param(name: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"lmdb parameter {name}={text!r}: expected true or false")


def _float_param(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or math.isinf(value):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"lmdb parameter {name}={text!r}: expected seconds >= 0")
    return value


def _private(*paths: str) -> None:
    """Files of the store readable by its owner only (0600), whatever the umask was."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, 0o600)


def _ensure_dir(path: str, what: str) -> None:
    """Create `path` (0700 whatever the umask, when this call creates it) or check it is usable."""
    try:
        if not os.path.isdir(path):
            os.makedirs(path, exist_ok=True)
            os.chmod(path, 0o700)
    except OSError as err:
        code = ErrorCode.PERMISSION_DENIED if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS) \
            else ErrorCode.FAILED_PRECONDITION
        raise ProviderError(code, f"cannot create {what} directory {path!r}: {err.strerror}") from err
    if not os.path.isdir(path):
        raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"{what} path {path!r} exists and is not a directory")
    if not os.access(path, os.W_OK | os.X_OK):
        raise ProviderError(
            ErrorCode.PERMISSION_DENIED, f"{what} directory {path!r} is not writable by this user (uid {os.getuid()})")


def _wrongtype(key: str) -> ProviderError:
    return ProviderError(
        ErrorCode.FAILED_PRECONDITION, f"WRONGTYPE: kv key {key!r} holds a value of another type for this command")


class _SharedEnv:
    """One lmdb.Environment per directory per process, reference counted."""

    _lock = threading.Lock()
    _envs: ClassVar[dict[str, tuple[lmdb.Environment, int]]] = {}

    @classmethod
    def acquire(cls, path: str, **options: Any) -> lmdb.Environment:
        real = os.path.realpath(path)
        with cls._lock:
            if real in cls._envs:
                env, refs = cls._envs[real]
                cls._envs[real] = (env, refs + 1)
                return env
            env = lmdb.open(real, subdir=True, max_dbs=0, readahead=False, max_readers=254, mode=0o600, **options)
            _private(os.path.join(real, "data.mdb"), os.path.join(real, "lock.mdb"))  # whatever the umask
            cls._envs[real] = (env, 1)
            return env

    @classmethod
    def release(cls, env: lmdb.Environment) -> None:
        with cls._lock:
            for real, (known, refs) in list(cls._envs.items()):
                if known is env:
                    if refs > 1:
                        cls._envs[real] = (env, refs - 1)
                    else:
                        del cls._envs[real]
                        env.close()
                    return


class LMDBDriver:
    """The kv driver on one LMDB environment (shared per directory in the process)."""

    def __init__(self, path: str, *, map_size: int = 2**30, sync: bool = True, sweep_interval: float = 60.0,
                 max_value_bytes: int = 16 * 2**20, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.max_value_bytes = max_value_bytes
        self._clock = clock
        _ensure_dir(path, "kv")
        try:
            self._env: lmdb.Environment = _SharedEnv.acquire(path, map_size=map_size, sync=sync, metasync=sync)
        except lmdb.Error as err:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"cannot open LMDB kv store at {path!r}: {err}") from err
        # For `batch`: operation name -> the function that runs it inside a transaction.
        self._ops: dict[str, Callable[..., Any]] = {
            name[len("_op_"):]: getattr(self, name) for name in dir(type(self)) if name.startswith("_op_")}
        self._closed = threading.Event()
        self._sweeper: threading.Thread | None = None
        if sweep_interval > 0:
            self._sweeper = threading.Thread(
                target=self._sweep_loop, args=(sweep_interval,), name=f"kv-sweep:{path}", daemon=True)
            self._sweeper.start()

    def __repr__(self) -> str:
        return f"LMDBDriver({self.path!r})"

    # -- running commands
    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    def _read(self, fn: Callable[..., R], *args: Any) -> R:
        # Reads skip the context manager: a read transaction has nothing to commit, and this is
        # the hot path (about a quarter of a get's cost). An lmdb.Error goes to `classify_error`.
        txn = self._env.begin()
        try:
            return fn(txn, int(self._clock() * 1000), *args)
        finally:
            txn.abort()

    def _write(self, fn: Callable[..., R], *args: Any) -> R:
        now = int(self._clock() * 1000)
        try:
            with self._env.begin(write=True) as txn:
                return fn(txn, now, *args)
        except lmdb.Error as err:
            raise self._native(err) from err

    def _native(self, err: lmdb.Error) -> ProviderError:
        # Raised here rather than left to `classify_error`: the message says what to change.
        if isinstance(err, lmdb.MapFullError):
            return ProviderError(
                ErrorCode.RESOURCE_EXHAUSTED,
                f"kv store {self.path!r} is full; raise map_size in the URI (e.g. ?map_size=8GiB)")
        if isinstance(err, lmdb.BadValsizeError):
            return ProviderError(ErrorCode.INVALID_ARGUMENT, f"kv key or value too large for LMDB: {err}")
        return ProviderError(ErrorCode.UNAVAILABLE, f"kv store {self.path!r}: {err}")

    def classify_error(self, err: BaseException) -> ErrorClass:
        if HAVE_LMDB and isinstance(err, lmdb.Error):
            return ErrorClass(self._native(err).code)
        if isinstance(err, OSError):
            if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                return ErrorClass(ErrorCode.PERMISSION_DENIED)
            if err.errno in (errno.ENOSPC, errno.EDQUOT):
                return ErrorClass(ErrorCode.RESOURCE_EXHAUSTED)
            return ErrorClass(ErrorCode.UNAVAILABLE)
        return ErrorClass(ErrorCode.INTERNAL)

    # -- the driver protocol's operations
    def set(self, key: str, value: bytes, ttl: float | None) -> None:
        self._write(self._op_set, key, value, ttl)

    def get(self, key: str) -> bytes | None:
        # `_read` inlined: the most frequent command.
        txn = self._env.begin()
        try:
            return self._op_get(txn, int(self._clock() * 1000), key)
        finally:
            txn.abort()

    def incr_by(self, key: str, amount: int) -> int:
        return self._write(self._op_incr_by, key, amount)

    def hset(self, key: str, fields: tuple[tuple[str, bytes], ...]) -> int:
        return self._write(self._op_hset, key, fields)

    def hgetall(self, key: str) -> dict[str, bytes]:
        return self._read(self._op_hgetall, key)

    def delete(self, *keys: str) -> int:
        return self._write(self._op_delete, *keys)

    def exists(self, *keys: str) -> int:
        return self._read(self._op_exists, *keys)

    def expire(self, key: str, ttl: float) -> bool:
        return self._write(self._op_expire, key, ttl)

    def lindex(self, key: str, index: int) -> bytes | None:
        return self._read(self._op_lindex, key, index)

    def push(self, key: str, at_head: bool, values: tuple[bytes, ...]) -> int:
        return self._write(self._op_push, key, at_head, values)

    def lset(self, key: str, index: int, value: bytes) -> None:
        self._write(self._op_lset, key, index, value)

    def lpop(self, key: str) -> bytes | None:
        return self._write(self._op_lpop, key)

    def lrange(self, key: str, start: int, stop: int) -> list[bytes]:
        return self._read(self._op_lrange, key, start, stop)

    def batch(self, commands: Sequence[tuple[str, tuple[Any, ...]]]) -> list[Any]:
        return self._write(self._op_batch, commands)

    def _op_batch(self, txn: lmdb.Transaction, now: int, commands: Sequence[tuple[str, tuple[Any, ...]]]
                  ) -> list[Any]:
        # One write transaction for the whole batch; a command's error is its result.
        results: list[Any] = []
        for op, args in commands:
            try:
                results.append(self._ops[op](txn, now, *args))
            except ProviderError as err:
                results.append(err)
        return results

    # -- records
    @staticmethod
    def _mkey(key: str) -> bytes:
        return b"m" + key.encode("utf-8")

    @staticmethod
    def _sub_prefix(tag: bytes, key: str) -> bytes:
        raw = key.encode("utf-8")
        return tag + _U16.pack(len(raw)) + raw

    @staticmethod
    def _xkey(expires_ms: int, key: str) -> bytes:
        return b"x" + _U64.pack(expires_ms) + key.encode("utf-8")

    def _meta(self, txn: lmdb.Transaction, key: str, now: int, *, write: bool) -> tuple[int, int, bytes] | None:
        # Transactions are opened without buffers=True, so LMDB hands out bytes (never memoryviews).
        raw = cast("bytes | None", txn.get(self._mkey(key)))
        if raw is None:
            return None
        kind, expires = _META.unpack_from(raw)
        payload = raw[_META.size:]
        if expires and expires <= now:
            if write:
                self._purge(txn, key, kind, expires, payload)
            return None
        return kind, expires, payload

    def _put_meta(self, txn: lmdb.Transaction, key: str, kind: int, expires: int, payload: bytes) -> None:
        txn.put(self._mkey(key), _META.pack(kind, expires) + payload)

    def _purge(self, txn: lmdb.Transaction, key: str, kind: int, expires: int, payload: bytes) -> None:
        txn.delete(self._mkey(key))
        if expires:
            txn.delete(self._xkey(expires, key))
        if kind == HASH:
            self._delete_prefix(txn, self._sub_prefix(b"h", key))
        elif kind == LIST:
            head, tail = _BOUNDS.unpack(payload)
            prefix = self._sub_prefix(b"l", key)
            for index in range(head, tail):
                txn.delete(prefix + _U64.pack(index + _INDEX_BIAS))

    @staticmethod
    def _delete_prefix(txn: lmdb.Transaction, prefix: bytes) -> None:
        cursor = txn.cursor()
        if cursor.set_range(prefix):
            while cast(bytes, cursor.key()).startswith(prefix):
                if not cursor.delete():
                    break

    @staticmethod
    def _scan(txn: lmdb.Transaction, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        cursor = txn.cursor()
        if not cursor.set_range(prefix):
            return
        for k, v in cast("Iterator[tuple[bytes, bytes]]", cursor):
            if not k.startswith(prefix):
                return
            yield k, v

    def _check_size(self, value: bytes) -> bytes:
        if len(value) > self.max_value_bytes:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT,
                f"kv value of {len(value)} bytes exceeds max_value_bytes={self.max_value_bytes} of {self.path!r}; "
                "store large values in blob storage")
        return value

    @staticmethod
    def _expiry(now: int, ttl: float | None) -> int:
        if not ttl:
            return 0
        return now + max(1, math.ceil(ttl * 1000))

    # -- strings
    def _op_set(self, txn: lmdb.Transaction, now: int, key: str, value: bytes, ttl: float | None) -> None:
        self._check_size(value)
        old = self._meta(txn, key, now, write=True)
        if old is not None:
            self._purge(txn, key, *old)
        expires = self._expiry(now, ttl)
        self._put_meta(txn, key, STRING, expires, value)
        if expires:
            txn.put(self._xkey(expires, key), b"")

    def _op_get(self, txn: lmdb.Transaction, now: int, key: str) -> bytes | None:
        meta = self._meta(txn, key, now, write=False)
        if meta is None:
            return None
        if meta[0] != STRING:
            raise _wrongtype(key)
        return meta[2]

    def _op_incr_by(self, txn: lmdb.Transaction, now: int, key: str, amount: int) -> int:
        meta = self._meta(txn, key, now, write=True)
        expires = 0
        current = 0
        if meta is not None:
            kind, expires, payload = meta
            if kind != STRING:
                raise _wrongtype(key)
            if not _INT_TEXT.fullmatch(payload) or not INT64_MIN <= int(payload) <= INT64_MAX:
                raise ProviderError(
                    ErrorCode.FAILED_PRECONDITION, f"kv value of {key!r} is not an integer or out of range")
            current = int(payload)
        result = current + amount
        if not INT64_MIN <= result <= INT64_MAX:
            raise ProviderError(
                ErrorCode.FAILED_PRECONDITION, f"kv increment of {key!r} by {amount} would overflow a 64-bit integer")
        self._put_meta(txn, key, STRING, expires, str(result).encode("ascii"))
        return result

    # -- hashes
    def _op_hset(self, txn: lmdb.Transaction, now: int, key: str, fields: tuple[tuple[str, bytes], ...]) -> int:
        for _, value in fields:
            self._check_size(value)
        meta = self._meta(txn, key, now, write=True)
        if meta is None:
            self._put_meta(txn, key, HASH, 0, b"")
        elif meta[0] != HASH:
            raise _wrongtype(key)
        prefix = self._sub_prefix(b"h", key)
        added = 0
        for name, value in fields:
            if txn.replace(prefix + name.encode("utf-8"), value) is None:
                added += 1
        return added

    def _op_hgetall(self, txn: lmdb.Transaction, now: int, key: str) -> dict[str, bytes]:
        meta = self._meta(txn, key, now, write=False)
        if meta is None:
            return {}
        if meta[0] != HASH:
            raise _wrongtype(key)
        prefix = self._sub_prefix(b"h", key)
        return {k[len(prefix):].decode("utf-8"): bytes(v) for k, v in self._scan(txn, prefix)}

    # -- generic
    def _op_delete(self, txn: lmdb.Transaction, now: int, *keys: str) -> int:
        removed = 0
        for key in keys:
            meta = self._meta(txn, key, now, write=True)
            if meta is not None:
                self._purge(txn, key, *meta)
                removed += 1
        return removed

    def _op_exists(self, txn: lmdb.Transaction, now: int, *keys: str) -> int:
        return sum(1 for key in keys if self._meta(txn, key, now, write=False) is not None)

    def _op_expire(self, txn: lmdb.Transaction, now: int, key: str, ttl: float) -> bool:
        meta = self._meta(txn, key, now, write=True)
        if meta is None:
            return False
        kind, expires, payload = meta
        if ttl <= 0:
            self._purge(txn, key, kind, expires, payload)
            return True
        if expires:
            txn.delete(self._xkey(expires, key))
        expires = self._expiry(now, ttl)
        self._put_meta(txn, key, kind, expires, payload)
        txn.put(self._xkey(expires, key), b"")
        return True

    # -- lists
    def _list(self, txn: lmdb.Transaction, key: str, now: int, *, write: bool) -> tuple[int, int, int] | None:
        meta = self._meta(txn, key, now, write=write)
        if meta is None:
            return None
        kind, expires, payload = meta
        if kind != LIST:
            raise _wrongtype(key)
        head, tail = _BOUNDS.unpack(payload)
        return expires, head, tail

    def _elem_key(self, key: str, index: int) -> bytes:
        return self._sub_prefix(b"l", key) + _U64.pack(index + _INDEX_BIAS)

    def _op_push(self, txn: lmdb.Transaction, now: int, key: str, at_head: bool, values: tuple[bytes, ...]) -> int:
        for value in values:
            self._check_size(value)
        state = self._list(txn, key, now, write=True)
        expires, head, tail = state if state is not None else (0, 0, 0)
        for value in values:
            if at_head:
                head -= 1
                txn.put(self._elem_key(key, head), value)
            else:
                txn.put(self._elem_key(key, tail), value)
                tail += 1
        self._put_meta(txn, key, LIST, expires, _BOUNDS.pack(head, tail))
        return tail - head

    @staticmethod
    def _resolve(index: int, length: int) -> int | None:
        if index < 0:
            index += length
        return index if 0 <= index < length else None

    def _op_lindex(self, txn: lmdb.Transaction, now: int, key: str, index: int) -> bytes | None:
        state = self._list(txn, key, now, write=False)
        if state is None:
            return None
        _, head, tail = state
        pos = self._resolve(index, tail - head)
        if pos is None:
            return None
        value = txn.get(self._elem_key(key, head + pos))
        return bytes(value) if value is not None else None

    def _op_lset(self, txn: lmdb.Transaction, now: int, key: str, index: int, value: bytes) -> None:
        self._check_size(value)
        state = self._list(txn, key, now, write=True)
        if state is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"kv lset: no such key {key!r}")
        _, head, tail = state
        pos = self._resolve(index, tail - head)
        if pos is None:
            raise ProviderError(
                ErrorCode.FAILED_PRECONDITION, f"kv lset: index {index} out of range for list {key!r} of {tail - head}")
        txn.put(self._elem_key(key, head + pos), value)

    def _op_lpop(self, txn: lmdb.Transaction, now: int, key: str) -> bytes | None:
        state = self._list(txn, key, now, write=True)
        if state is None:
            return None
        expires, head, tail = state
        elem = self._elem_key(key, head)
        value = txn.pop(elem)
        head += 1
        if head == tail:  # Redis deletes a list when its last element goes
            txn.delete(self._mkey(key))
            if expires:
                txn.delete(self._xkey(expires, key))
        else:
            self._put_meta(txn, key, LIST, expires, _BOUNDS.pack(head, tail))
        return bytes(value) if value is not None else None

    def _op_lrange(self, txn: lmdb.Transaction, now: int, key: str, start: int, stop: int) -> list[bytes]:
        state = self._list(txn, key, now, write=False)
        if state is None:
            return []
        _, head, tail = state
        length = tail - head
        if start < 0:
            start = max(start + length, 0)
        if stop < 0:
            stop += length
        stop = min(stop, length - 1)
        if start > stop:
            return []
        first, last = self._elem_key(key, head + start), self._elem_key(key, head + stop)
        out: list[bytes] = []
        cursor = txn.cursor()
        if cursor.set_key(first):
            for k, v in cast("Iterator[tuple[bytes, bytes]]", cursor):
                if k > last:
                    break
                out.append(bytes(v))
        return out

    # -- expiry sweep
    def sweep(self, limit: int = 1000) -> int:
        """Delete up to ``limit`` expired keys now; the number deleted. Runs periodically by itself."""
        now = self._now_ms()
        removed = 0
        try:
            with self._env.begin(write=True) as txn:
                due: list[tuple[bytes, int]] = []
                for xkey, _ in self._scan(txn, b"x"):
                    expires = _U64.unpack_from(xkey, 1)[0]
                    if expires > now or len(due) >= limit:
                        break
                    due.append((xkey, expires))
                for xkey, expires in due:
                    key = xkey[1 + _U64.size:].decode("utf-8")
                    raw = txn.get(self._mkey(key))
                    if raw is not None and _META.unpack_from(raw)[1] == expires:
                        kind, _ = _META.unpack_from(raw)
                        self._purge(txn, key, kind, expires, raw[_META.size:])
                        removed += 1
                    else:  # stale index entry (the key was rewritten); drop it
                        txn.delete(xkey)
        except lmdb.Error as err:
            raise self._native(err) from err
        return removed

    def _sweep_loop(self, interval: float) -> None:
        while not self._closed.wait(interval):
            try:
                while self.sweep() >= 1000:
                    pass
            except ProviderError:
                if self._closed.is_set():
                    return
                # A full or failing store is reported by the next command; the sweep retries later.

    # -- lifecycle
    def ping(self) -> None:
        # A key of its own per ping: two pings at once (threads or processes) would otherwise read
        # each other's token and fail a healthy store.
        token = os.urandom(8)
        slot = b"sping:" + token.hex().encode()
        try:
            with self._env.begin(write=True) as txn:
                txn.put(slot, token)
            with self._env.begin() as txn:
                echoed = txn.get(slot)
            with self._env.begin(write=True) as txn:
                txn.delete(slot)
        except lmdb.Error as err:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"kv store {self.path!r} failed ping: {err}") from err
        if echoed != token:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"kv store {self.path!r} failed ping: read back {echoed!r}")

    def close(self) -> None:
        self._closed.set()
        if self._sweeper is not None and self._sweeper is not threading.current_thread():
            self._sweeper.join()
        _SharedEnv.release(self._env)

    def backup(self, dest_dir: str) -> None:
        """A consistent, compacted copy (LMDB's own hot copy) of ``data.mdb`` into ``dest_dir`` (the
        portable type checked it is empty or missing). Restore: stop the app, replace the store
        directory's ``data.mdb`` with the copy (or point the URI at ``dest_dir``) and start again."""
        _ensure_dir(dest_dir, "kv backup")
        try:
            self._env.copy(dest_dir, compact=True)
            _private(os.path.join(dest_dir, "data.mdb"))
        except lmdb.Error as err:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"kv backup of {self.path!r} to {dest_dir!r} failed: {err}") \
                from err


@KV.register("lmdb")
def open_lmdb(url: ProviderURL, *, clock: Callable[[], float] = time.time) -> KVStore:
    path = url.local_dir()
    url.reject_unknown_params(_PARAMS)
    if not HAVE_LMDB:
        raise ProviderError(
            ErrorCode.UNAVAILABLE,
            "the lmdb kv store needs the 'lmdb' package: pip install 'cozelite[server]' (or pip install lmdb)")
    p = url.params
    return KVStore(LMDBDriver(
        path,
        map_size=_size_param("map_size", p["map_size"]) if "map_size" in p else 2**30,
        sync=_bool_param("sync", p["sync"]) if "sync" in p else True,
        sweep_interval=_float_param("sweep_interval", p["sweep_interval"]) if "sweep_interval" in p else 60.0,
        max_value_bytes=_size_param("max_value_bytes", p["max_value_bytes"]) if "max_value_bytes" in p
        else 16 * 2**20,
        clock=clock,
    ), name="lmdb")
