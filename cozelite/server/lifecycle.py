"""What a running server holds, and how it starts and stops.

The server takes an exclusive `flock` on `<data_dir>/cozelite-server.lock` and writes its pid,
address and an admin token there (mode 0600). The kernel drops the lock when the process dies,
even by SIGKILL, so a stale file never blocks anyone. `cozelite restore` refuses to run while the
lock is held; `cozelite backup` uses the address and token to ask the running server for a copy.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import signal
from pathlib import Path
from typing import Any

from cozelite.config import Config, ConfigError

LOCK_NAME = "cozelite-server.lock"

log = logging.getLogger("cozelite.server")


class ServerLock:
    """The exclusive hold a server process keeps on its data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self.token = secrets.token_hex(16)
        self._fd: int | None = None

    def acquire(self, *, host: str, port: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = lock_holder(self.path.parent) or {}
            raise ConfigError(
                f"another cozelite server (pid {holder.get('pid', '?')}, http://{holder.get('host', '?')}:"
                f"{holder.get('port', '?')}) is using {self.path.parent.resolve()}; stop it first") from None
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


def lock_holder(data_dir: Path) -> dict[str, Any] | None:
    """The server holding `data_dir` ({pid, host, port, token}), or None when no server runs."""
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


def _ignore(signum: int, frame: Any) -> None:
    return None


def run_server(config: Config, *, host: str, port: int, allow_missing_areas: bool = False,
               log_level: str = "warning", echo: Any = print) -> int:
    """Open every provider, serve until SIGTERM/SIGINT, close everything. Returns the exit code."""
    import uvicorn

    from cozelite.config import prepare_data_dirs
    from cozelite.server.app import create_app
    from cozelite.wiring import open_providers

    prepare_data_dirs(config)
    lock = ServerLock(config.data_path)
    lock.acquire(host=host, port=port)
    try:
        providers = open_providers(config, allow_missing_areas=allow_missing_areas,
                                   base_url=f"http://{host}:{port}")
        try:
            app = create_app(providers, admin_token=lock.token)
            server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level=log_level,
                                                   access_log=False, lifespan="on"))
            opened = ", ".join(f"{a}={providers.scheme(a)}" for a, _ in providers.items())
            missing = f"; missing: {', '.join(providers.missing)}" if providers.missing else ""
            echo(f"cozelite serving on http://{host}:{port} ({opened}{missing})")
            # uvicorn installs SIGTERM/SIGINT handlers: it stops accepting, finishes in-flight
            # requests, then runs the lifespan shutdown, which closes the providers.
            # uvicorn re-raises the signal that stopped it once it is done, to let the previous
            # handler act; a no-op handler turns that into a normal return, so the providers are
            # closed below and the exit code says "clean".
            previous = {sig: signal.signal(sig, _ignore) for sig in (signal.SIGTERM, signal.SIGINT)}
            try:
                server.run()
            except SystemExit:  # uvicorn exits (after logging why) when it cannot bind
                return 1
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
            if not server.started:
                return 1
        finally:
            errors = providers.close()
        if errors:
            echo("errors while closing providers: " + "; ".join(errors))
            return 1
        echo("cozelite stopped cleanly")
        return 0
    finally:
        lock.release()
