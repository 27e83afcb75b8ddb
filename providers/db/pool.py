"""A small connection pool for the server drivers (mysql.py, postgres.py).

Why our own and not psycopg_pool: both drivers get the same behaviour, and a connection is made in
the caller's thread, so a server that is down fails the call at once with the real cause (connection
refused, bad password) instead of a pool timeout that hides it; nothing runs in the background.

- At most `size` connections exist; a caller waits at most `timeout` seconds for one
  (UNAVAILABLE after that, naming the pool size).
- Idle connections are reused newest first (the warm ones), with no round trip on checkout.
- A connection whose call failed because the link broke is discarded, and so is every idle one
  (after a server restart they are all dead): the next call connects afresh. That call succeeds
  once the server is back, or fails with UNAVAILABLE (retryable).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from providers.errors import ErrorCode, ProviderError

C = TypeVar("C")


class ConnectionPool(Generic[C]):
    def __init__(self, connect: Callable[[], C], close: Callable[[C], None], *, size: int, timeout: float,
                 what: str) -> None:
        self._connect = connect
        self._close = close
        self.size = size
        self.timeout = timeout
        self._what = what  # "mysql 127.0.0.1:3306/app" for messages
        self._idle: list[C] = []
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def connection(self, broken: Callable[[BaseException], bool]) -> Iterator[C]:
        """A connection for one call; `broken(err)` says whether an error means the link is gone."""
        if not self._slots.acquire(timeout=self.timeout):
            raise ProviderError(ErrorCode.UNAVAILABLE, f"{self._what}: all {self.size} pooled connections stayed "
                                f"busy for {self.timeout:g}s; retry, or raise pool_size")
        conn: C | None = None
        try:
            with self._lock:
                if self._closed:
                    raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"{self._what}: the pool is closed")
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                conn = self._connect()
            try:
                yield conn
            except BaseException as err:
                if broken(err):
                    self._discard(conn)
                    conn = None
                    self.reset()
                raise
        finally:
            if conn is not None:
                with self._lock:
                    keep = not self._closed
                    if keep:
                        self._idle.append(conn)
                if not keep:
                    self._discard(conn)
            self._slots.release()

    def _discard(self, conn: C) -> None:
        try:
            self._close(conn)
        except Exception:  # closing a dead link is best effort
            pass

    def reset(self) -> None:
        """Close every idle connection (after a failure that suggests the server restarted)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            self._discard(conn)

    def close(self) -> None:
        """Close the idle connections; those in use are closed when their call returns."""
        with self._lock:
            self._closed = True
        self.reset()

    @property
    def idle(self) -> int:
        return len(self._idle)
