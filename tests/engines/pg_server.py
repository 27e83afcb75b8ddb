"""A throw-away PostgreSQL server for engine tests.

`PostgresServer` runs `initdb` into a fresh temporary folder and starts the server with `pg_ctl` on
a free TCP port bound to 127.0.0.1 only (no Unix socket in a shared place, trust authentication:
nothing but the test can reach it). `stop()` shuts it down and removes the folder. PostgreSQL
refuses to run as root, so as root the cluster belongs to the `postgres` user (Debian's package
creates it) and the binaries run through `runuser`.

Binaries are looked up under /usr/lib/postgresql/<version>/bin (Debian's layout; newest version
first), then on PATH. The pytest fixture `pg_server` (session scope) yields a started server; an
already running server can be used instead with COZELITE_POSTGRES="postgresql://user@host:port/db".
Without the binaries the fixture skips with the reason, unless COZELITE_REQUIRE_ENGINES=1 (CI),
where a missing engine is a failure.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.netutil import free_port

_RUN_AS = "postgres"


def find_bindir() -> str | None:
    """The folder holding initdb and pg_ctl, or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.split("/")[-2].split(".")],
                        reverse=True)
    for bindir in candidates:
        if os.access(os.path.join(bindir, "initdb"), os.X_OK) and os.access(os.path.join(bindir, "pg_ctl"), os.X_OK):
            return bindir
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return os.path.dirname(initdb)
    return None


@dataclass
class PostgresServer:
    host: str = "127.0.0.1"
    port: int = 0
    user: str = "cozelite"
    database: str = "cozelite_test"
    dsn_override: str | None = None
    _dir: str | None = None
    _bindir: str | None = None
    _as_root: bool = field(default=False, repr=False)

    @property
    def dsn(self) -> str:
        if self.dsn_override:
            return self.dsn_override
        return f"host={self.host} port={self.port} user={self.user} dbname={self.database} connect_timeout=5"

    def _cmd(self, *args: str) -> list[str]:
        if self._as_root:
            return ["runuser", "-u", _RUN_AS, "--", *args]
        return list(args)

    def start(self, timeout: float = 60.0) -> PostgresServer:
        self._bindir = find_bindir()
        if self._bindir is None:
            raise RuntimeError("initdb / pg_ctl not found (apt-get install postgresql)")
        self._as_root = os.geteuid() == 0
        self._dir = tempfile.mkdtemp(prefix="cozelite-pg-")
        datadir = os.path.join(self._dir, "data")
        if self._as_root:
            entry = pwd.getpwnam(_RUN_AS)
            os.chmod(self._dir, 0o755)
            os.chown(self._dir, entry.pw_uid, entry.pw_gid)
        init = subprocess.run(
            self._cmd(os.path.join(self._bindir, "initdb"), "-D", datadir, "-U", self.user, "--auth=trust",
                      "--encoding=UTF8", "--locale=C", "--no-sync"),
            capture_output=True, text=True, check=False)
        if init.returncode != 0:
            self.stop()
            raise RuntimeError(f"initdb failed ({init.returncode}): {init.stderr[-2000:]}")
        self.port = free_port()
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories='{self._dir}' "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c TimeZone=UTC")
        started = subprocess.run(
            self._cmd(os.path.join(self._bindir, "pg_ctl"), "-D", datadir, "-l", os.path.join(self._dir, "server.log"),
                      "-o", options, "-w", "-t", str(int(timeout)), "start"),
            capture_output=True, text=True, check=False)
        if started.returncode != 0:
            log = self.log_tail()
            self.stop()
            raise RuntimeError(f"pg_ctl start failed ({started.returncode}): {started.stderr[-1000:]}\n{log}")
        # pg_ctl detaches the server: make sure it goes away even if the test run is interrupted.
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                self._create_database()
                return self
            except Exception as err:  # still starting
                last = err
                time.sleep(0.2)
        log = self.log_tail()
        self.stop()
        raise RuntimeError(f"PostgreSQL did not accept connections within {timeout}s ({last}); log:\n{log}")

    def _create_database(self) -> None:
        import psycopg

        with psycopg.connect(f"host={self.host} port={self.port} user={self.user} dbname=postgres connect_timeout=5",
                             autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{self.database}"')

    def connect(self, **kwargs: object):  # -> psycopg.Connection
        import psycopg

        return psycopg.connect(self.dsn, **kwargs)

    def log_tail(self, n: int = 4000) -> str:
        if self._dir is None:
            return ""
        with contextlib.suppress(OSError), open(os.path.join(self._dir, "server.log"), encoding="utf-8",
                                                errors="replace") as f:
            return f.read()[-n:]
        return ""

    def stop(self) -> None:
        if self._dir is not None and self._bindir is not None:
            datadir = os.path.join(self._dir, "data")
            if os.path.exists(os.path.join(datadir, "postmaster.pid")):
                subprocess.run(self._cmd(os.path.join(self._bindir, "pg_ctl"), "-D", datadir, "-m", "immediate",
                                         "-w", "stop"), capture_output=True, check=False)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    external = os.environ.get("COZELITE_POSTGRES")
    if external:
        yield PostgresServer(dsn_override=external)
        return
    if find_bindir() is None:
        if os.environ.get("COZELITE_REQUIRE_ENGINES") == "1":
            pytest.fail("PostgreSQL binaries (initdb, pg_ctl) not found and COZELITE_REQUIRE_ENGINES=1")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql), "
                    "or set COZELITE_POSTGRES to a connection string")
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_conn(pg_server: PostgresServer) -> Iterator[object]:
    """A psycopg connection inside a transaction that is rolled back afterwards."""
    conn = pg_server.connect()
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()
