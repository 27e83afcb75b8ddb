"""Fixtures for the application tests: a real `cozelite serve` process on a free loopback port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.netutil import free_port

STARTUP_TIMEOUT_S = 60.0


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any cozelite setting of the developer's shell."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DB_URI", "KV_URI", "SEARCH_URI", "MQ_URI", "BLOB_URI", "COZE_LITE", "COZE_CONFIG",
                        "COZE_DATA_DIR")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def cozelite(*args: str, cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cozelite.cli", *args], cwd=cwd, env=clean_env(**env),
                          capture_output=True, text=True, timeout=timeout)


class Server:
    def __init__(self, proc: subprocess.Popen[str], base: str) -> None:
        self.proc = proc
        self.base = base
        self.stderr = ""

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM, then wait; the exit code (the stderr is kept in self.stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        _, self.stderr = self.proc.communicate(timeout=timeout)
        return self.proc.returncode


@contextmanager
def running_server(cwd: Path, *args: str, **env: str) -> Iterator[Server]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cozelite.cli", "serve", "--port", str(port), *args],
                            cwd=cwd, env=clean_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    server = Server(proc, f"http://127.0.0.1:{port}")
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


@pytest.fixture
def run_cli() -> object:
    """`run_cli(*args, cwd=..., **env)`: run the cozelite CLI in a fresh interpreter."""
    return cozelite


@pytest.fixture
def serve() -> object:
    """`with serve(cwd, *args) as server:` a real `cozelite serve` on a free loopback port."""
    return running_server
