"""A throw-away NATS server with JetStream for the mq tests.

`NatsServer` starts Debian's `nats-server` (`-js`, file storage in a fresh temporary folder) on a
free TCP port bound to 127.0.0.1 and removes everything on `stop()`. `kill()` sends SIGKILL and
`start()` again on the same folder and port is a server restart (the fault tests use that).

Each test gets a namespace of its own (`uri()`: a fresh JetStream stream), so the session needs one
server only. The fixture `nats_server` (session scope) yields a started server; COZELITE_NATS=
"host:port" uses an already running one (with JetStream) instead. Without `nats-server` the fixture
skips, unless COZELITE_REQUIRE_ENGINES=1 (CI), where a missing server is a failure.
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

# Debian's package installs /usr/sbin/nats-server; look there before PATH (a pip wheel's copy).
_SEARCH_PATH = os.pathsep.join(["/usr/sbin", "/usr/bin", os.environ.get("PATH", "")])


def _which() -> str | None:
    return shutil.which("nats-server", path=_SEARCH_PATH)


@dataclass
class NatsServer:
    host: str = "127.0.0.1"
    port: int = 0
    _dir: str | None = None
    _proc: subprocess.Popen[bytes] | None = None
    _namespaces: Iterator[int] = field(default_factory=lambda: itertools.count(1), repr=False)

    @staticmethod
    def available() -> bool:
        return _which() is not None

    def start(self, timeout: float = 30.0) -> NatsServer:
        if self._dir is None:
            self._dir = tempfile.mkdtemp(prefix="cozelite-nats-")
        if not self.port:
            self.port = free_port()
        log = os.path.join(self._dir, "server.log")
        self._proc = subprocess.Popen(
            [_which() or "nats-server", "-a", self.host, "-p", str(self.port), "-js",
             "-sd", os.path.join(self._dir, "jetstream"), "-l", log],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            if self._ready():
                return self
            time.sleep(0.05)
        tail = self.log_tail()
        self.stop()
        raise RuntimeError(f"nats-server did not start within {timeout}s; log:\n{tail}")

    def _ready(self) -> bool:
        # The server greets with INFO, and JetStream is up once the log says so (a client would get
        # "JetStream not enabled" before that).
        try:
            with socket.create_connection((self.host, self.port), timeout=2) as sock:
                if not sock.recv(4096).startswith(b"INFO"):
                    return False
        except OSError:
            return False
        return "Server is ready" in self.log_tail(100_000)

    def uri(self, query: str = "") -> str:
        """A URI of an empty namespace of its own (its own JetStream stream)."""
        ns = f"t{os.getpid()}x{next(self._namespaces)}"
        return f"nats://{self.host}:{self.port}?namespace={ns}{'&' + query if query else ''}"

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


def start_or_skip() -> NatsServer:
    if not NatsServer.available():
        if os.environ.get("COZELITE_REQUIRE_ENGINES") == "1":
            pytest.fail("nats-server not found and COZELITE_REQUIRE_ENGINES=1 (tools/install_services.sh)")
        pytest.skip("NATS is not installed (apt-get install nats-server), or set COZELITE_NATS=host:port")
    return NatsServer().start()


@pytest.fixture(scope="session")
def nats_server() -> Iterator[NatsServer]:
    external = os.environ.get("COZELITE_NATS")
    if external:
        host, _, port = external.rpartition(":")
        yield NatsServer(host=host or "127.0.0.1", port=int(port))
        return
    server = start_or_skip()
    try:
        yield server
    finally:
        server.stop()
