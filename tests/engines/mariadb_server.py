"""A throw-away MariaDB server for engine tests.

`MariaDBServer` initialises a data directory in a fresh temporary folder, starts `mariadbd` on a
free TCP port bound to 127.0.0.1 (grant tables skipped: nothing but the test can reach it) and
removes everything on `stop()`. Running as root, the server runs as the `mysql` user, as Debian's
package does.

The pytest fixture `mariadb_server` (session scope) yields a started server. An already running
server can be used instead by setting COZELITE_MARIADB="host:port" (user root, no password).
Without `mariadbd` on the machine the fixture skips, unless COZELITE_REQUIRE_ENGINES=1 (CI), where
a missing engine is a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.netutil import free_port

_BINARIES = ("mariadbd", "mariadb-install-db")
_SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin", "/usr/local/sbin"])


def _which(name: str) -> str | None:
    return shutil.which(name, path=_SEARCH_PATH)


@dataclass
class MariaDBServer:
    host: str = "127.0.0.1"
    port: int = 0
    user: str = "root"
    database: str = "cozelite_test"
    _dir: str | None = None
    _proc: subprocess.Popen[bytes] | None = None
    _log: str = field(default="", repr=False)

    @staticmethod
    def available() -> bool:
        return all(_which(b) for b in _BINARIES)

    def start(self, timeout: float = 60.0) -> MariaDBServer:
        self._dir = tempfile.mkdtemp(prefix="cozelite-mariadb-")
        datadir = os.path.join(self._dir, "data")
        os.mkdir(datadir)
        # A temporary directory of its own: in /tmp, the bootstrap's temporary tables are named by
        # process id, and a leftover or a neighbour (another test run, another PID namespace) with
        # the same name makes mariadb-install-db abort ("Unknown table 'mysql.tmp_user_sys'").
        tmpdir = os.path.join(self._dir, "tmp")
        os.mkdir(tmpdir)
        self._log = os.path.join(self._dir, "server.log")
        run_as_root = os.geteuid() == 0
        if run_as_root:
            # mariadbd refuses to run as root; the mysql user must be able to reach the folder.
            os.chmod(self._dir, 0o755)
            shutil.chown(datadir, "mysql", "mysql")
            shutil.chown(tmpdir, "mysql", "mysql")
        user_args = ["--user=mysql"] if run_as_root else []
        init = subprocess.run(
            [_which("mariadb-install-db") or "mariadb-install-db", "--no-defaults", f"--datadir={datadir}",
             f"--tmpdir={tmpdir}", "--auth-root-authentication-method=normal", "--skip-test-db", *user_args],
            capture_output=True, text=True, check=False)
        if init.returncode != 0:
            self.stop()
            raise RuntimeError(f"mariadb-install-db failed ({init.returncode}): {init.stderr[-2000:]}")
        self.port = free_port()
        socket_path = os.path.join(datadir, "mysqld.sock")
        with open(self._log, "wb") as log:
            self._proc = subprocess.Popen(
                [_which("mariadbd") or "mariadbd", "--no-defaults", f"--datadir={datadir}", f"--tmpdir={tmpdir}",
                 f"--socket={socket_path}", f"--port={self.port}", "--bind-address=127.0.0.1",
                 "--skip-grant-tables", "--skip-name-resolve", "--skip-log-bin", "--innodb-buffer-pool-size=64M",
                 "--character-set-server=utf8mb4", "--collation-server=utf8mb4_bin",
                 "--default-time-zone=+00:00", f"--pid-file={os.path.join(datadir, 'mysqld.pid')}",
                 *user_args],
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            try:
                conn = self.connect(database=None)
            except Exception as err:  # the server is still starting
                last = err
                time.sleep(0.2)
                continue
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE IF NOT EXISTS `{self.database}`")
            conn.close()
            return self
        log_tail = self.log_tail()
        self.stop()
        raise RuntimeError(f"MariaDB did not start within {timeout}s (last error: {last}); log:\n{log_tail}")

    def connect(self, database: str | None = "", **kwargs: object):  # -> pymysql.Connection
        import pymysql

        db = self.database if database == "" else database
        return pymysql.connect(host=self.host, port=self.port, user=self.user, database=db,
                               autocommit=False, charset="utf8mb4", connect_timeout=5, **kwargs)

    def log_tail(self, n: int = 4000) -> str:
        with contextlib.suppress(OSError), open(self._log, encoding="utf-8", errors="replace") as f:
            return f.read()[-n:]
        return ""

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


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[MariaDBServer]:
    external = os.environ.get("COZELITE_MARIADB")
    if external:
        host, _, port = external.rpartition(":")
        server = MariaDBServer(host=host or "127.0.0.1", port=int(port))
        conn = server.connect(database=None)
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE IF NOT EXISTS `{server.database}`")
        conn.close()
        yield server
        return
    if not MariaDBServer.available():
        if os.environ.get("COZELITE_REQUIRE_ENGINES") == "1":
            pytest.fail("mariadbd / mariadb-install-db not found and COZELITE_REQUIRE_ENGINES=1")
        pytest.skip("MariaDB is not installed (apt-get install mariadb-server), or set COZELITE_MARIADB=host:port")
    server = MariaDBServer().start()
    try:
        yield server
    finally:
        server.stop()
