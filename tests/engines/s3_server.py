"""A throw-away S3-API server for the blob tests: moto's server mode (PyPI `moto[server]`).

Why moto: it is a pure-Python PyPI package (the machines reach PyPI, not Maven or Docker Hub, so
S3Proxy or MinIO images are out), it implements the S3 REST API that boto3 speaks on the wire
(SigV4, presigned GET/PUT, tagging, list v2 with continuation tokens), and it starts in about a
second. Why a separate process (`python -m moto.server`) rather than moto's ThreadedMotoServer in the
test process: the tests treat it as a real server — they kill it (SIGKILL) and start it again to
see a provider report the outage and recover, which needs a process of its own. Moto keeps its
data in memory: a restart starts from an empty server (so the fault tests check recovery and clear
errors, not persistence across a server crash).

`S3Server` binds 127.0.0.1 on a free port. The session fixture `s3_server` yields one started
server; `COZELITE_S3=http://host:port` uses a running S3-API server instead (credentials from the
AWS_* variables, else test/test). Without moto the fixture skips with the reason, unless
COZELITE_REQUIRE_ENGINES=1 (CI), where a missing server fails the run.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.netutil import free_port

_buckets = itertools.count()


@dataclass
class S3Server:
    host: str = "127.0.0.1"
    port: int = 0
    access_key: str = "test"
    secret_key: str = "test"
    external: str | None = None
    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log: str = field(default="", repr=False)

    @staticmethod
    def available() -> bool:
        return importlib.util.find_spec("moto") is not None and importlib.util.find_spec("flask") is not None

    @property
    def endpoint(self) -> str:
        return self.external or f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 60.0) -> S3Server:
        """Start (or restart, on the same port) the server and wait until it answers."""
        if not self.port:
            self.port = free_port()
        if not self._log:
            fd, self._log = tempfile.mkstemp(prefix="cozelite-moto-", suffix=".log")
            os.close(fd)
        with open(self._log, "ab") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=2):
                    return self
            except OSError:
                time.sleep(0.1)
        tail = self.log_tail()
        self.stop()
        raise RuntimeError(f"moto server did not start on {self.endpoint} within {timeout}s; log:\n{tail}")

    def kill(self) -> None:
        """SIGKILL the server (a crash), and reap it."""
        if self._proc is not None and self._proc.poll() is None:
            os.kill(self._proc.pid, signal.SIGKILL)
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

    def log_tail(self, n: int = 4000) -> str:
        try:
            with open(self._log, encoding="utf-8", errors="replace") as fh:
                return fh.read()[-n:]
        except OSError:
            return ""

    def uri(self, prefix: str = "", **params: str) -> str:
        """An s3:// URI of a fresh bucket (created on open) on this server."""
        bucket = f"cz-{os.getpid()}-{next(_buckets)}"
        query = "&".join(f"{k}={v}" for k, v in
                         {"endpoint": self.endpoint, "region": "us-east-1", "create_bucket": "true", **params}.items())
        path = f"/{prefix}" if prefix else ""
        return f"s3://{self.access_key}:{self.secret_key}@{bucket}{path}?{query}"


def start_s3_server() -> S3Server:
    """A started server of its own (for tests that kill it); the caller stops it."""
    if not S3Server.available():
        if os.environ.get("COZELITE_REQUIRE_ENGINES") == "1":
            pytest.fail("moto[server] is not installed and COZELITE_REQUIRE_ENGINES=1")
        pytest.skip("moto[server] is not installed (pip install 'moto[server]'), or set COZELITE_S3=http://host:port")
    return S3Server().start()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    external = os.environ.get("COZELITE_S3")
    if external:
        yield S3Server(external=external.rstrip("/"),
                       access_key=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
                       secret_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))
        return
    server = start_s3_server()
    try:
        yield server
    finally:
        server.stop()
