"""kv on a Redis server (redis-py): ``redis://``, ``rediss://`` (TLS), ``unix://``. The `RedisDriver`
fills the kv driver protocol (providers/kv/driver.py); `open_redis` returns the portable `KVStore`.

URI forms (redis-py's and go-redis' own, so a Coze Studio URI works as it is):
    redis://[user:password@]host[:port][/db]        TCP, database ``db`` (default 0)
    rediss://[user:password@]host[:port][/db]       TLS
    unix:///run/redis/redis.sock?db=2               a Unix socket; the path is absolute, as in redis-py
Query parameters (anything else is rejected):
    connect_timeout=5      seconds to connect (also bounds the start-up check)
    timeout=10             seconds a command may take on the socket
    max_connections=32     the connection pool's size; a call waits for a free connection ...
    pool_timeout=5         ... this many seconds, then fails with UNAVAILABLE
    max_value_bytes=16MiB  largest value (string, hash value or list element), refused before it is sent
    db=0                   (unix:// only) the database number
    ssl_cert_reqs=required, ssl_ca_certs=/path/ca.pem   (rediss:// only) certificate checks

What differs from the embedded store (the conformance suite lists it per implementation): TTLs run
on the server's clock (no injectable clock) and Redis deletes expired keys itself (no ``sweep``);
``backup`` raises UNIMPLEMENTED (the server persists and backs up itself: BGSAVE, the AOF, replicas).
A pipeline is a MULTI/EXEC transaction: other clients see all of it or none of it, as with LMDB.

Durability is the server's configuration: acknowledged writes survive a crash of redis-server with
``appendonly yes`` (``appendfsync always`` also an OS crash; ``everysec`` may lose the last second).

Reconnecting: a command that fails because the connection broke raises UNAVAILABLE ("retry"); the
next command connects again. Reads and commands that are safe to repeat (SET, HSET, DEL, EXPIRE,
LSET) are retried once on a fresh connection first, so a restarted server costs no error for them;
INCRBY, pushes, LPOP and pipelines are never repeated by the driver (they may have run).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

try:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    HAVE_REDIS = True
except ImportError:  # the schemes stay registered and the opener says what to install
    HAVE_REDIS = False

from providers.errors import ErrorCode, ProviderError
from providers.kv import KV
from providers.kv.contract import KVStore
from providers.portable import ErrorClass
from providers.registry import ProviderURL

_PARAMS = ("connect_timeout", "timeout", "max_connections", "pool_timeout", "max_value_bytes")
_SIZE_SUFFIX = {"": 1, "b": 1, "kib": 2**10, "kb": 2**10, "mib": 2**20, "mb": 2**20, "gib": 2**30, "gb": 2**30}
# Safe to send twice: repeating them after a broken connection gives the result of sending them once.
_REPEATABLE = frozenset({"set", "get", "hset", "hgetall", "delete", "exists", "expire", "lindex", "lset", "lrange"})

# Redis' error replies for the outcomes the kv contract names (the reply's text is stable across
# Redis versions; the first match wins).
_REPLIES: tuple[tuple[str, ErrorCode], ...] = (
    ("WRONGTYPE", ErrorCode.FAILED_PRECONDITION),
    ("value is not an integer or out of range", ErrorCode.FAILED_PRECONDITION),
    ("would overflow", ErrorCode.FAILED_PRECONDITION),
    ("index out of range", ErrorCode.FAILED_PRECONDITION),
    ("no such key", ErrorCode.NOT_FOUND),
    ("OOM", ErrorCode.RESOURCE_EXHAUSTED),
    ("NOAUTH", ErrorCode.PERMISSION_DENIED),
    ("WRONGPASS", ErrorCode.PERMISSION_DENIED),
    ("NOPERM", ErrorCode.PERMISSION_DENIED),
    ("READONLY", ErrorCode.UNAVAILABLE),
    ("MISCONF", ErrorCode.UNAVAILABLE),
    ("LOADING", ErrorCode.UNAVAILABLE),
)


def _px(ttl: float) -> int:
    """Seconds to Redis milliseconds, rounded up so a tiny positive TTL still expires later, not now."""
    return max(1, math.ceil(ttl * 1000))


def _reply_error(err: Exception, op: str) -> ProviderError:
    text = str(err)
    for marker, code in _REPLIES:
        if marker in text:
            return ProviderError(code, f"kv {op}: {text}")
    return ProviderError(ErrorCode.INTERNAL, f"kv {op}: Redis replied {text!r}")


class RedisDriver:
    """The kv driver on one redis-py connection pool (thread-safe: each call takes a connection)."""

    def __init__(self, pool: redis.ConnectionPool, *, where: str, max_value_bytes: int = 16 * 2**20) -> None:
        self.where = where  # the redacted URI, for messages
        self.max_value_bytes = max_value_bytes
        self._pool = pool
        self._client = redis.Redis(connection_pool=pool)
        # op -> (the command's words, the reply -> contract result)
        self._commands: dict[str, tuple[Callable[..., tuple[Any, ...]], Callable[[Any], Any]]] = {
            "set": (self._set_args, lambda r: None),
            "get": (lambda key: ("GET", key), lambda r: r),
            "incr_by": (lambda key, amount: ("INCRBY", key, amount), int),
            "hset": (self._hset_args, int),
            "hgetall": (lambda key: ("HGETALL", key), self._fields),
            "delete": (lambda *keys: ("DEL", *keys), int),
            "exists": (lambda *keys: ("EXISTS", *keys), int),
            # PEXPIRE with 0 deletes the key, as the contract's non-positive TTL does.
            "expire": (lambda key, ttl: ("PEXPIRE", key, _px(ttl) if ttl > 0 else 0), bool),
            "lindex": (lambda key, index: ("LINDEX", key, index), lambda r: r),
            "push": (self._push_args, int),
            "lset": (self._lset_args, lambda r: None),
            "lpop": (lambda key: ("LPOP", key), lambda r: r),
            "lrange": (lambda key, start, stop: ("LRANGE", key, start, stop), list),
        }

    def __repr__(self) -> str:
        return f"RedisDriver({self.where!r})"

    # -- arguments
    def _check_size(self, value: bytes) -> bytes:
        if len(value) > self.max_value_bytes:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT,
                f"kv value of {len(value)} bytes exceeds max_value_bytes={self.max_value_bytes} of {self.where!r}; "
                "store large values in blob storage")
        return value

    def _set_args(self, key: str, value: bytes, ttl: float | None) -> tuple[Any, ...]:
        self._check_size(value)
        return ("SET", key, value, "PX", _px(ttl)) if ttl else ("SET", key, value)

    def _hset_args(self, key: str, fields: tuple[tuple[str, bytes], ...]) -> tuple[Any, ...]:
        words: list[Any] = ["HSET", key]
        for name, value in fields:
            words += (name, self._check_size(value))
        return tuple(words)

    def _push_args(self, key: str, at_head: bool, values: tuple[bytes, ...]) -> tuple[Any, ...]:
        for value in values:
            self._check_size(value)
        return ("LPUSH" if at_head else "RPUSH", key, *values)

    def _lset_args(self, key: str, index: int, value: bytes) -> tuple[Any, ...]:
        return ("LSET", key, index, self._check_size(value))

    @staticmethod
    def _fields(reply: Any) -> dict[str, bytes]:
        # redis-py turns the HGETALL reply into a dict (its response callback) of bytes -> bytes.
        pairs = reply.items() if isinstance(reply, dict) else zip(reply[::2], reply[1::2], strict=True)
        return {k.decode("utf-8") if isinstance(k, bytes) else k: v for k, v in pairs}

    # -- running
    def _run(self, op: str, *args: Any) -> Any:
        build, convert = self._commands[op]
        words = build(*args)
        try:
            try:
                reply = self._client.execute_command(*words)
            except (redis.ConnectionError, redis.TimeoutError):
                if op not in _REPEATABLE:
                    raise
                # The pool hands out a reconnected connection: one retry hides a server restart.
                reply = self._client.execute_command(*words)
        except redis.ResponseError as err:
            raise _reply_error(err, op) from err
        return convert(reply)

    def set(self, key: str, value: bytes, ttl: float | None) -> None:
        self._run("set", key, value, ttl)

    def get(self, key: str) -> bytes | None:
        result: bytes | None = self._run("get", key)
        return result

    def incr_by(self, key: str, amount: int) -> int:
        result: int = self._run("incr_by", key, amount)
        return result

    def hset(self, key: str, fields: tuple[tuple[str, bytes], ...]) -> int:
        result: int = self._run("hset", key, fields)
        return result

    def hgetall(self, key: str) -> dict[str, bytes]:
        result: dict[str, bytes] = self._run("hgetall", key)
        return result

    def delete(self, *keys: str) -> int:
        result: int = self._run("delete", *keys)
        return result

    def exists(self, *keys: str) -> int:
        result: int = self._run("exists", *keys)
        return result

    def expire(self, key: str, ttl: float) -> bool:
        result: bool = self._run("expire", key, ttl)
        return result

    def lindex(self, key: str, index: int) -> bytes | None:
        result: bytes | None = self._run("lindex", key, index)
        return result

    def push(self, key: str, at_head: bool, values: tuple[bytes, ...]) -> int:
        result: int = self._run("push", key, at_head, values)
        return result

    def lset(self, key: str, index: int, value: bytes) -> None:
        self._run("lset", key, index, value)

    def lpop(self, key: str) -> bytes | None:
        result: bytes | None = self._run("lpop", key)
        return result

    def lrange(self, key: str, start: int, stop: int) -> list[bytes]:
        result: list[bytes] = self._run("lrange", key, start, stop)
        return result

    def batch(self, commands: Sequence[tuple[str, tuple[Any, ...]]]) -> list[Any]:
        """One MULTI/EXEC transaction. A command refused before sending (an oversized value) or
        failing in Redis (WRONGTYPE, ...) has its ProviderError as its result; the others run."""
        results: list[Any] = [None] * len(commands)
        sent: list[int] = []
        pipe = self._client.pipeline(transaction=True)
        for i, (op, args) in enumerate(commands):
            try:
                words = self._commands[op][0](*args)
            except ProviderError as err:
                results[i] = err
                continue
            pipe.execute_command(*words)
            sent.append(i)
        if sent:
            replies = pipe.execute(raise_on_error=False)
            for i, reply in zip(sent, replies, strict=True):
                op = commands[i][0]
                if isinstance(reply, redis.ResponseError):
                    results[i] = _reply_error(reply, op)
                elif isinstance(reply, Exception):
                    raise reply
                else:
                    results[i] = self._commands[op][1](reply)
        return results

    # -- lifecycle
    def classify_error(self, err: BaseException) -> ErrorClass:
        if HAVE_REDIS:
            if isinstance(err, redis.AuthenticationError):
                return ErrorClass(ErrorCode.PERMISSION_DENIED, f"Redis at {self.where} refused the credentials")
            if isinstance(err, (redis.ConnectionError, redis.TimeoutError)):
                return ErrorClass(ErrorCode.UNAVAILABLE,
                                  f"lost the connection to Redis at {self.where}; the command may or may not have "
                                  "run; retry")
            if isinstance(err, redis.ResponseError):
                return ErrorClass(_reply_error(err, "call").code)
        return ErrorClass(ErrorCode.INTERNAL)

    def ping(self) -> None:
        # A real round trip; a broken pooled connection is replaced once before it counts as down.
        try:
            reply = self._client.execute_command("PING")
        except (redis.ConnectionError, redis.TimeoutError):
            reply = self._client.execute_command("PING")
        if reply not in (True, b"PONG", "PONG"):
            raise ProviderError(ErrorCode.UNAVAILABLE, f"Redis at {self.where} answered PING with {reply!r}")

    def close(self) -> None:
        # Closes every socket of the pool, in use or idle (the portable type refuses new calls).
        self._pool.disconnect()

    def backup(self, dest_dir: str) -> None:
        raise ProviderError(
            ErrorCode.UNIMPLEMENTED,
            f"kv backup of the Redis server at {self.where}: the server persists its own data; back it up with "
            "its tools (BGSAVE and copy dump.rdb, the append-only file, or a replica), not through cozelite")


def _number(url: ProviderURL, name: str, default: float, *, integer: bool = False, minimum: float = 0) -> Any:
    text = url.params.get(name)
    if text is None:
        return default
    try:
        value: float = int(text) if integer else float(text)
    except ValueError:
        value = minimum - 1
    if not minimum <= value < math.inf:
        kind = "an integer" if integer else "a number"
        raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                            f"redis parameter {name}={text!r} in {url.redacted!r}: expected {kind} >= {minimum}")
    return value


def _size(url: ProviderURL, name: str, default: int) -> int:
    text = url.params.get(name)
    if text is None:
        return default
    m = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", text)
    if not m or m.group(2).lower() not in _SIZE_SUFFIX or int(m.group(1)) < 1:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"redis parameter {name}={text!r}: expected e.g. 16MiB")
    return int(m.group(1)) * _SIZE_SUFFIX[m.group(2).lower()]


def _connection(url: ProviderURL) -> tuple[type[Any], dict[str, Any]]:
    """The redis-py connection class and its keyword arguments for the URI."""
    kwargs: dict[str, Any] = {"username": url.username or None, "password": url.password}
    if url.scheme == "unix":
        # redis-py's rule, not the embedded stores' relative-path one: unix:///run/redis.sock is absolute.
        path = urlsplit(url.raw).path
        if url.host or not path:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                                f"unix URI {url.redacted!r}: expected unix:///path/to/redis.sock[?db=N]")
        kwargs.update(path=path, db=_number(url, "db", 0, integer=True))
        return redis.UnixDomainSocketConnection, kwargs
    if "db" in url.params:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                            f"{url.redacted!r}: give the database as the path (redis://host:6379/2), not ?db=")
    db_text = url.path.strip("/") or "0"
    if not db_text.isdigit():
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"{url.redacted!r}: the path must be a database number")
    kwargs.update(host=url.host or "localhost", port=url.port or 6379, db=int(db_text))
    if url.scheme == "rediss":
        if "ssl_cert_reqs" in url.params:
            kwargs["ssl_cert_reqs"] = url.params["ssl_cert_reqs"]
        if "ssl_ca_certs" in url.params:
            kwargs["ssl_ca_certs"] = url.params["ssl_ca_certs"]
        return redis.SSLConnection, kwargs
    return redis.Connection, kwargs


@KV.register("redis", "rediss", "unix", name="redis")
def open_redis(url: ProviderURL) -> KVStore:
    known = _PARAMS + (("db",) if url.scheme == "unix" else ()) + \
        (("ssl_cert_reqs", "ssl_ca_certs") if url.scheme == "rediss" else ())
    url.reject_unknown_params(known)
    if not HAVE_REDIS:
        raise ProviderError(
            ErrorCode.UNAVAILABLE,
            f"the Redis kv store ({url.redacted!r}) needs redis-py: "
            "pip install 'cozelite[drivers]' (or pip install redis)")
    connect_timeout = _number(url, "connect_timeout", 5.0)
    connection_class, kwargs = _connection(url)
    pool = redis.BlockingConnectionPool(
        connection_class=connection_class,
        max_connections=_number(url, "max_connections", 32, integer=True, minimum=1),
        timeout=_number(url, "pool_timeout", 5.0),
        socket_connect_timeout=connect_timeout or None,
        socket_timeout=_number(url, "timeout", 10.0) or None,
        # The driver decides what may be repeated (see the module docstring); redis-py repeats nothing.
        retry=Retry(NoBackoff(), 0),
        **kwargs)
    driver = RedisDriver(pool, where=url.redacted, max_value_bytes=_size(url, "max_value_bytes", 16 * 2**20))
    try:
        driver.ping()
    except Exception as err:
        pool.disconnect()
        code = ErrorCode.PERMISSION_DENIED if isinstance(err, redis.AuthenticationError) else ErrorCode.UNAVAILABLE
        raise ProviderError(
            code, f"kv: cannot use the Redis server at {url.redacted!r} (connect timeout {connect_timeout} s): "
                  f"{type(err).__name__}: {err}") from err
    return KVStore(driver, name="redis")
