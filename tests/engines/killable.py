"""Private MariaDB and PostgreSQL servers a test may kill -9 and start again on the same data.

The session fixtures (`mariadb_server`, `pg_server`) are shared by every test; a fault test needs
its own server. `KillableMariaDB` / `KillablePostgres` start like the throw-away ones, then:

- `kill()`: SIGKILL the server and all its processes (a crash: nothing is flushed or shut down),
- `restart()`: start it again on the same data directory and port (crash recovery runs).

PostgreSQL's test clusters run with `synchronous_commit=off` for speed, which may drop the last
commits on a crash: the killable one runs with it on (the default), so a committed row must survive.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

from tests.engines.mariadb_server import MariaDBServer
from tests.engines.pg_server import PostgresServer


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _kill_tree(pid: int) -> None:
    for child in _children(pid):
        _kill_tree(child)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class KillableMariaDB(MariaDBServer):
    def kill(self) -> None:
        assert self._proc is not None
        self._proc.send_signal(signal.SIGKILL)
        self._proc.wait(timeout=30)

    def restart(self, timeout: float = 60.0) -> None:
        assert self._proc is not None and self._proc.poll() is not None, "kill() it first"
        with open(self._log, "ab") as log:
            self._proc = subprocess.Popen(self._proc.args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.connect().close()
                return
            except Exception:
                time.sleep(0.2)
        raise RuntimeError(f"MariaDB did not come back within {timeout}s:\n{self.log_tail()}")


class KillablePostgres(PostgresServer):
    def start(self, timeout: float = 60.0) -> KillablePostgres:
        super().start(timeout)
        # The command line of the throw-away cluster says synchronous_commit=off, and the command
        # line wins over any setting: start it again with ours.
        assert self._bindir is not None
        subprocess.run(self._cmd(os.path.join(self._bindir, "pg_ctl"), "-D", self._datadir, "-m", "fast", "-w",
                                 "stop"), capture_output=True, check=True)
        self.restart(timeout)
        return self

    @property
    def _datadir(self) -> str:
        assert self._dir is not None
        return os.path.join(self._dir, "data")

    def kill(self) -> None:
        with open(os.path.join(self._datadir, "postmaster.pid")) as f:
            pid = int(f.readline())
        _kill_tree(pid)
        deadline = time.monotonic() + 30
        while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
            time.sleep(0.05)

    def restart(self, timeout: float = 60.0) -> None:
        assert self._dir is not None and self._bindir is not None
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories='{self._dir}' "
                   "-c fsync=off -c full_page_writes=off -c TimeZone=UTC")
        started = subprocess.run(
            self._cmd(os.path.join(self._bindir, "pg_ctl"), "-D", self._datadir, "-l",
                      os.path.join(self._dir, "server.log"), "-o", options, "-w", "-t", str(int(timeout)), "start"),
            capture_output=True, text=True, check=False)
        if started.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed after kill: {started.stderr[-1000:]}\n{self.log_tail()}")
