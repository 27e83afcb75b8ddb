"""A throw-away Redis server for the kv tests.

`RedisServer` starts Debian's `redis-server` on a free TCP port bound to 127.0.0.1 (protected mode
on, no password: nothing but the test can reach it), its data and append-only file in a fresh
temporary folder, and removes everything on `stop()`. `kill()` sends SIGKILL and `start()` again on
the same folder and port is a server restart (the fault tests use that).

Each test gets an empty logical database of its own (`uri()` hands out the next one and flushes it),
so the session needs one server only. The fixture `redis_server` (session scope) yields a started
server; COZELITE_REDIS="host:port" uses an already running one instead. Without `redis-server` the
fixture skips, unless COZELITE_REQUIRE_ENGINES=1 (CI), where a missing server is a failure.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.netutil import free_port

_SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/bin", "/usr/sbin", "/usr/local/bin"])
DATABASES = 4096


def _which() -> str | None:
    return shutil.which("redis-server", path=_SEARCH_PATH)


@dataclass
class RedisServer:
    host: str = "127.0.0.1"
    port: int = 0
    # "always": an acknowledged write is in the append-only file before the reply (the fault test
    # asserts exactly that); Redis' default "everysec" may lose the last second on an OS crash.
    appendfsync: str = "always"
    unixsocket: bool = False  # also listen on <folder>/redis.sock (`socket_path`)
    _dir: str | None = None
    _proc: subprocess.Popen[bytes] | None = None
    _dbs: Iterator[int] = field(default_factory=lambda: itertools.count(1), repr=False)

    @staticmethod
    def available() -> bool:
        return _which() is not None

    def start(self, timeout: float = 30.0) -> RedisServer:
        if self._dir is None:
            self._dir = tempfile.mkdtemp(prefix="cozelite-redis-")
        if not self.port:
            self.port = free_port()
        log = os.path.join(self._dir, "server.log")
        self._proc = subprocess.Popen(
            [_which() or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self._dir,
             "--appendonly", "yes", "--appendfsync", self.appendfsync, "--save", "", "--daemonize", "no",
             "--databases", str(DATABASES), "--logfile", log, "--protected-mode", "yes",
             *(["--unixsocket", self.socket_path, "--unixsocketperm", "700"] if self.unixsocket else [])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            with contextlib.suppress(OSError):
                if self.command("PING") == b"+PONG":
                    return self
            time.sleep(0.05)
        tail = self.log_tail()
        self.stop()
        raise RuntimeError(f"redis-server did not start within {timeout}s; log:\n{tail}")

    @property
    def socket_path(self) -> str:
        assert self._dir is not None
        return os.path.join(self._dir, "redis.sock")

    def command(self, *args: str) -> bytes:
        """One command over a raw socket (RESP), its first reply line: no client library involved."""
        payload = f"*{len(args)}\r\n".encode() + b"".join(
            f"${len(a.encode())}\r\n{a}\r\n".encode() for a in args)
        with socket.create_connection((self.host, self.port), timeout=5) as sock:
            sock.sendall(payload)
            return sock.recv(4096).split(b"\r\n", 1)[0]

    def uri(self, scheme: str = "redis", query: str = "") -> str:
        """A URI of an empty database of its own."""
        db = next(self._dbs)
        if db >= DATABASES:
            raise RuntimeError(f"the test Redis server has only {DATABASES} databases")
        # SELECT and FLUSHDB on one connection (a database is chosen per connection).
        with socket.create_connection((self.host, self.port), timeout=5) as sock:
            sock.sendall(f"*2\r\n$6\r\nSELECT\r\n${len(str(db))}\r\n{db}\r\n*1\r\n$7\r\nFLUSHDB\r\n".encode())
            reply = b""
            while reply.count(b"\r\n") < 2:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        assert reply == b"+OK\r\n+OK\r\n", reply
        return f"{scheme}://{self.host}:{self.port}/{db}{'?' + query if query else ''}"

    def log_tail(self, n: int = 4000) -> str:
        if self._dir is None:
            return ""
        with contextlib.suppress(OSError), open(os.path.join(self._dir, "server.log"), errors="replace") as f:
            return f.read()[-n:]
        return ""

    def kill(self) -> None:
        """SIGKILL, keeping the folder: `start()` restarts on the same data and port."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(timeout=30)
        self._proc = None

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        self._proc = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None


def start_or_skip(*, unixsocket: bool = False) -> RedisServer:
    if not RedisServer.available():
        if os.environ.get("COZELITE_REQUIRE_ENGINES") == "1":
            pytest.fail("redis-server not found and COZELITE_REQUIRE_ENGINES=1 (tools/install_services.sh)")
        pytest.skip("Redis is not installed (apt-get install redis-server), or set COZELITE_REDIS=host:port")
    return RedisServer(unixsocket=unixsocket).start()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    external = os.environ.get("COZELITE_REDIS")
    if external:
        host, _, port = external.rpartition(":")
        yield RedisServer(host=host or "127.0.0.1", port=int(port))
        return
    server = start_or_skip()
    try:
        yield server
    finally:
        server.stop()
