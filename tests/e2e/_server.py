"""The end-to-end harness: a REAL `cozelite serve` process on a free loopback port in a temp dir,
users and keys made with the real CLI, and an HTTP client per user.

Modes (`MODES`): "lite" (`--lite`, every provider embedded), "server" (db on PostgreSQL, kv on
Redis, mq on NATS JetStream, blob on an S3-API server, retrieval on Milvus Lite; document search
stays on DuckDB; the throw-away servers of tests/engines) and "server-mariadb" (the same, db on
MariaDB). `E2EServer.restart()` stops the process
with SIGTERM and starts it again on the same data; `kill()` is SIGKILL.

The command defaults to this checkout's CLI in the test environment; tests/lite runs the same
harness over the single-file build (`command=("./cozelite-lite.pyz",)`, `exact_env=True`: the
environment given is the whole environment, as on a target machine).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.app.conftest import clean_env
from tests.netutil import free_port

STARTUP_TIMEOUT_S = 90.0
# server: db on PostgreSQL; server-mariadb: the same with db on MariaDB.
MODES = ("lite", "server", "server-mariadb")
CHECKOUT_CLI: tuple[str, ...] = (sys.executable, "-m", "cozelite.cli")


@dataclass
class ApiClient:
    """One user's view of the API: every request carries the user's key."""

    base: str
    key: str
    user_id: str
    name: str
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {self.key}"}, timeout=60)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.post(path, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.put(path, **kw)

    def patch(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.patch(path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.delete(path, **kw)

    def sql(self, database_id: str, sql: str, params: list[Any] | None = None) -> httpx.Response:
        return self.post(f"/v1/databases/{database_id}/sql", json={"sql": sql, "params": params or []})

    def close(self) -> None:
        self.http.close()


class E2EServer:
    """`command` runs the CLI; `exact_env` passes `env` as the whole environment instead of on top of
    the test's own (minus cozelite settings); `config_args` replaces the mode's flags (`--lite`),
    e.g. `()` for a build whose default is the lite preset; `timeout_s` bounds start-up and each CLI
    call (a single file's first run unpacks itself)."""

    def __init__(self, cwd: Path, mode: str, env: dict[str, str], *args: str, command: Sequence[str] = CHECKOUT_CLI,
                 exact_env: bool = False, config_args: Sequence[str] | None = None,
                 timeout_s: float = STARTUP_TIMEOUT_S) -> None:
        self.cwd = cwd
        self.mode = mode
        self.env = env
        self.args = args
        self.command = tuple(command)
        self.exact_env = exact_env
        self.config_args = None if config_args is None else tuple(config_args)
        self.timeout_s = timeout_s
        self.proc: subprocess.Popen[str] | None = None
        self.port = 0
        self.stderr = ""
        self.clients: list[ApiClient] = []
        # The server's output goes to a file, not a pipe: nobody reads a pipe while the tests run,
        # and a server that fills one (an access-log line per request) would block on its next write.
        self._log: Any = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _config_args(self) -> list[str]:
        if self.config_args is not None:
            return list(self.config_args)
        return ["--lite"] if self.mode == "lite" else []

    def _environ(self) -> dict[str, str]:
        return dict(self.env) if self.exact_env else clean_env(**self.env)

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """The real CLI on the same configuration as the server."""
        done = subprocess.run([*self.command, *args, *self._config_args()], cwd=self.cwd, env=self._environ(),
                              capture_output=True, text=True, timeout=max(120.0, self.timeout_s))
        if check and done.returncode != 0:
            pytest.fail(f"cozelite {' '.join(args)} failed ({done.returncode}): {done.stderr}")
        return done

    def user(self, name: str) -> ApiClient:
        """A new user with a new key (both through the CLI) and its client."""
        user_id, key = self.cli("users", "add", name, "--with-key").stdout.split()
        client = ApiClient(self.base, key, user_id, name)
        self.clients.append(client)
        return client

    def start(self) -> None:
        self.port = free_port()
        self._log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        self.proc = subprocess.Popen(
            [*self.command, "serve", "--port", str(self.port), *self._config_args(), *self.args], cwd=self.cwd,
            env=self._environ(), stdout=self._log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + self.timeout_s
        while True:
            if self.proc.poll() is not None:
                self._collect_output()
                pytest.fail(f"cozelite serve exited with {self.proc.returncode}: {self.stderr}")
            try:
                if httpx.get(self.base + "/healthz/db", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"cozelite serve did not become healthy in {self.timeout_s} s: {self.stderr}")
            time.sleep(0.1)
        # Clients follow the server to its new port.
        for c in self.clients:
            c.http.close()
            c.base = self.base
            c.__post_init__()

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM, wait; the exit code (stderr kept in self.stderr)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=timeout)
        self._collect_output()
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=60)
        self._collect_output()

    def _collect_output(self) -> None:
        """Append the exited server's output (stdout and stderr, interleaved) to `self.stderr`."""
        if self._log is None:
            return
        self._log.seek(0)
        self.stderr += self._log.read()
        self._log.close()
        self._log = None

    def restart(self) -> int:
        code = self.stop()
        self.start()
        return code

    def close(self) -> None:
        for c in self.clients:
            c.close()
        self.kill()


def server_env(request: pytest.FixtureRequest, db: str = "postgres") -> dict[str, str]:
    """The URIs of server mode, each on a fresh database / namespace / bucket of the test servers."""
    from tests.engines.server_uris import fresh_mysql_uri, fresh_postgres_uri

    if db == "postgres":
        db_uri = fresh_postgres_uri(request.getfixturevalue("pg_server"), request)
    else:
        db_uri = fresh_mysql_uri(request.getfixturevalue("mariadb_server"), request)
    return {"DB_URI": db_uri, "KV_URI": request.getfixturevalue("redis_server").uri(),
            "MQ_URI": request.getfixturevalue("nats_server").uri(),
            "BLOB_URI": request.getfixturevalue("s3_server").uri("app"),
            "SEARCH_URI": "duckdb:///var/data/duckdb/search.db",
            "RETRIEVAL_URI": "milvus:///var/data/milvus/retrieval.db"}


def start_server(tmp: Path, mode: str, request: pytest.FixtureRequest, *args: str, **env: str) -> E2EServer:
    base_env = {} if mode == "lite" else server_env(request, "mysql" if mode == "server-mariadb" else "postgres")
    server = E2EServer(tmp, mode, {**base_env, **env}, *args)
    server.start()
    return server
