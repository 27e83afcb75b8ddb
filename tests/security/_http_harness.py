"""A real `cozelite serve --lite` process on loopback for the HTTP abuse tests, with raw-socket
helpers: the clients here misbehave on purpose, so they speak bytes, not an HTTP library."""

from __future__ import annotations

import contextlib
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.app.conftest import clean_env
from tests.netutil import free_port

STARTUP_TIMEOUT_S = 60.0
# Limits small enough that every deadline passes within seconds of the tests' bounded waits.
SHORT_LIMITS = ("--header-timeout", "1.5", "--body-timeout", "1.5", "--keepalive-timeout", "1",
                "--write-timeout", "1.5", "--max-connections", "64", "--max-body-bytes", "65536",
                "--max-header-bytes", "8192", "--shutdown-timeout", "5")


@dataclass
class LiveServer:
    proc: subprocess.Popen[str]
    host: str
    port: int
    cwd: Path

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def token(self) -> str:
        import json

        return str(json.loads((self.cwd / "var" / "data" / "cozelite-server.lock").read_text())["token"])

    def connect(self, timeout: float = 10.0) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def healthy(self) -> bool:
        """The process runs and answers a normal request on a new connection."""
        if self.proc.poll() is not None:
            return False
        r = httpx.get(self.base + "/healthz/db", timeout=30)
        return r.status_code == 200

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.terminate()
        _, err = self.proc.communicate(timeout=60)
        return self.proc.returncode, err


def _nofile(limit: int | None) -> object:
    if limit is None:
        return None

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    return apply


@contextlib.contextmanager
def live_server(cwd: Path, *args: str, nofile: int | None = None, **env: str) -> Iterator[LiveServer]:
    """`cozelite serve --lite` on a free loopback port; `nofile` caps its descriptors."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cozelite.cli", "serve", "--lite", "--port", str(port), *args],
                            cwd=cwd, env=clean_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_nofile(nofile))  # type: ignore[arg-type]
    server = LiveServer(proc, "127.0.0.1", port, cwd)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                _, err = proc.communicate()
                pytest.fail(f"cozelite serve exited with {proc.returncode}: {err}")
            try:
                httpx.get(server.base + "/metrics", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail("cozelite serve did not start listening in time")
                time.sleep(0.1)
        yield server
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def read_until_closed(sock: socket.socket, *, timeout: float = 30.0, limit: int = 1 << 20) -> tuple[bytes, bool]:
    """Everything the server sends until it closes (or `timeout` passes): (bytes, closed)."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    try:
        while len(data) < limit:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = sock.recv(65536)
            if not chunk:
                return data, True
            data += chunk
    except (ConnectionResetError, BrokenPipeError):
        return data, True
    except TimeoutError:
        return data, False
    return data, False


def status_of(response: bytes) -> int | None:
    """The status code of the first response in `response`, or None when there is none."""
    if not response.startswith(b"HTTP/1.1 "):
        return None
    try:
        return int(response[9:12])
    except ValueError:
        return None
