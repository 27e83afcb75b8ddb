"""The exclusive hold one cozelite process keeps on a data directory.

Whoever changes the data under `<data_dir>` as a whole (a running server, an offline backup, a
restore) takes an exclusive `flock` on `<data_dir>/cozelite-server.lock` and writes its pid, and a
server also its address and an admin token, there. The file is created afresh by every holder,
mode 0600 whatever the umask, and renamed into place only once locked and written. The kernel drops the lock when the
process dies, even by SIGKILL, so a stale file never blocks anyone. `cozelite backup` reads the
address and token to ask a running server for the copy instead.

A clean stop removes the file. A file still there when the next holder takes the lock was left by
a process that did not stop cleanly (killed, crashed, power loss): the new holder takes over at once
(never a hang) and `stale` describes the previous holder, so the server can say what happened.

This module imports nothing of the server (no starlette, no uvicorn): the offline commands take the
lock without loading the web stack.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cozelite.config import ConfigError

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


class DataDirLockError(ConfigError):
    """The lock file cannot be used safely (it is a symbolic link): the user must fix the directory."""


class DataDirLock:
    """The exclusive hold on one data directory; `acquire` raises DataDirLocked when it is taken."""

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        # Shown only to the lock file's owner: a backup run by the same user proves itself with it.
        self.token = secrets.token_hex(16)
        self._fd: int | None = None
        # What the lock file said when this holder took it over, if a previous holder left it.
        self.stale: dict[str, Any] | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, *, host: str = "", port: int = 0) -> None:
        """Take the lock; `host`/`port` are where a server listens (empty for offline holders).

        The lock file is never reused: once the current file is locked (nobody else holds the
        directory), a new file is created 0600 whatever the umask, locked, filled with the token
        and renamed over it. An old file that is world-readable, or a hard link to another file,
        so never receives the token."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        current = _lock_current(self.path, fcntl.LOCK_EX)
        if current is None:
            raise DataDirLocked(self.path.parent.resolve(), lock_holder(self.path.parent) or {})
        try:
            self.stale = _left_behind(current)
            self._fd = self._replace(host, port)
        finally:
            # Anyone who locks the old file after this sees that it is no longer the lock file.
            os.close(current)

    def describe_stale(self) -> str:
        """One line on the lock file a previous holder left behind (see `stale`)."""
        info = self.stale or {}
        who = f"pid {info.get('pid', '?')}" + (f", http://{info['host']}:{info['port']}"
                                               if info.get("host") and info.get("port") else "")
        return (f"the previous cozelite process ({who}) did not stop cleanly (killed or crashed): it left "
                f"{self.path} behind; it no longer holds the directory, so this process took over. SQLite, "
                "LMDB and DuckDB recover their files on open; check the data (GET /healthz) and, if in doubt, "
                "restore the last backup (docs/runbook.md)")

    def _replace(self, host: str, port: int) -> int:
        tmp = self.path.with_name(f".{LOCK_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            os.fchmod(fd, 0o600)  # the umask may have taken the owner's bits too
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody else can know this file yet
            os.write(fd, json.dumps({"pid": os.getpid(), "host": host, "port": port,
                                     "token": self.token}).encode())
            os.fsync(fd)
            os.replace(tmp, self.path)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return fd

    def release(self) -> None:
        """Remove the lock file (still holding it, so nobody takes a file that is going away), then
        unlock. A waiter that opened the old file sees it is gone and makes a new one."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            if os.path.samestat(os.fstat(self._fd), os.stat(self.path, follow_symlinks=False)):
                os.unlink(self.path)
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def _left_behind(fd: int) -> dict[str, Any] | None:
    """The holder a lock file names when we took it without anyone holding it: a process that did
    not release it (a clean release removes the file, an older one empties it), or None."""
    try:
        raw = os.pread(fd, 4096, 0)
        info = json.loads(raw) if raw else None
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and "pid" in info else None


def _lock_current(path: Path, kind: int, *, create: bool = True) -> int | None:
    """An fd of the file now at `path`, locked with `kind` (created 0600 if missing), or None when
    another process holds it. A file that was replaced between open and lock is retried, so the
    fd is always of the file the path names. Without `create`, a missing file raises
    FileNotFoundError."""
    flags = (os.O_RDWR | os.O_CREAT if create else os.O_RDONLY) | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        try:
            fd = os.open(path, flags, 0o600)
        except OSError as err:
            if err.errno == errno.ELOOP:  # never made by cozelite: someone wants writes redirected
                raise DataDirLockError(f"{path} is a symbolic link; cozelite never creates one: "
                                       "remove it and start again") from None
            raise
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def lock_holder(data_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The process holding `data_dir` ({pid, host, port, token}), or None when nobody holds it."""
    path = Path(data_dir) / LOCK_NAME
    try:
        fd = _lock_current(path, fcntl.LOCK_SH, create=False)
    except FileNotFoundError:
        return None
    if fd is not None:
        os.close(fd)
        return None
    try:
        raw = path.read_bytes()
    except FileNotFoundError:  # released and replaced while we looked
        return None
    try:
        info = json.loads(raw) if raw else {}
    except ValueError:
        info = {}
    return info if isinstance(info, dict) else {}
