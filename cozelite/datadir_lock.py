"""The exclusive hold one cozelite process keeps on a data directory.

Whoever changes the data under `<data_dir>` as a whole (a running server, an offline backup, a
restore) takes an exclusive `flock` on `<data_dir>/cozelite-server.lock` and writes its pid, and a
server also its address and an admin token, there (mode 0600). The kernel drops the lock when the
process dies, even by SIGKILL, so a stale file never blocks anyone. `cozelite backup` reads the
address and token to ask a running server for the copy instead.

This module imports nothing of the server (no starlette, no uvicorn): the offline commands take the
lock without loading the web stack.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
from pathlib import Path
from typing import Any

# The file name predates offline holders; kept so a running older server is still seen.
LOCK_NAME = "cozelite-server.lock"


class DataDirLocked(Exception):
    """Another process holds the data directory. The message names the directory, the holder's
    pid (and address, for a server) and what to do."""

    def __init__(self, data_dir: Path, holder: dict[str, Any]) -> None:
        self.data_dir = data_dir
        self.holder = holder
        pid = holder.get("pid", "?")
        host, port = holder.get("host"), holder.get("port")
        if host and port:
            message = (f"another cozelite server (pid {pid}, http://{host}:{port}) is using {data_dir}; "
                       f"stop it first (kill {pid}, or Ctrl-C in its terminal)")
        else:
            message = (f"another cozelite process (pid {pid}, a backup or restore) is using {data_dir}; "
                       "wait for it to finish, then run this again")
        super().__init__(message)


class DataDirLock:
    """The exclusive hold on one data directory; `acquire` raises DataDirLocked when it is taken."""

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        # Shown only to the lock file's owner: a backup run by the same user proves itself with it.
        self.token = secrets.token_hex(16)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, *, host: str = "", port: int = 0) -> None:
        """Take the lock; `host`/`port` are where a server listens (empty for offline holders)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DataDirLocked(self.path.parent.resolve(), lock_holder(self.path.parent) or {}) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "host": host, "port": port, "token": self.token}).encode())
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def lock_holder(data_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The process holding `data_dir` ({pid, host, port, token}), or None when nobody holds it."""
    path = Path(data_dir) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raw = path.read_bytes()
            try:
                info = json.loads(raw) if raw else {}
            except ValueError:
                info = {}
            return info if isinstance(info, dict) else {}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
