"""How a server starts and stops: data-directory lock, providers, uvicorn, and the way back.

The server holds its data directory (cozelite/datadir_lock.py) for as long as it runs, with its
address and admin token in the lock file, so `cozelite backup` can ask it for a copy and
`cozelite restore` refuses to run under it.
"""

from __future__ import annotations

import errno
import logging
import signal
import socket
from collections.abc import Callable
from typing import Any

import uvicorn

from cozelite.config import Config, ConfigError, prepare_data_dirs, raise_problems, uri_problems
from cozelite.datadir_lock import DataDirLock
from cozelite.server.app import create_app
from cozelite.server.limits import BACKLOG, ServerLimits, describe
from cozelite.server.protocol import protocol_class
from cozelite.wiring import open_providers, scheme_problems


def _ignore(signum: int, frame: Any) -> None:
    return None


def check(config: Config) -> list[str]:
    """Every problem found before anything is created or opened: malformed file-like URIs, data
    directories that cannot be created, schemes without an implementation (one line each)."""
    return uri_problems(config) + scheme_problems(config)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one), or ConfigError saying why not and what
    to do. Bound before "serving on" is printed, so that line is never a lie."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as err:
        raise ConfigError(f"cannot listen on {host}:{port}: {err.strerror}; give --host an IP address or a "
                          "resolvable name") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as err:
        sock.close()
        hint = (f"another process listens there (find it with `ss -ltnp 'sport = :{port}'`): stop it or choose "
                "another --port" if err.errno == errno.EADDRINUSE else "choose another --host/--port")
        raise ConfigError(f"cannot listen on {host}:{port}: {(err.strerror or str(err)).lower()}; {hint}") from None
    return sock  # not inheritable: a provider's child process (Milvus Lite) must not hold the port


def run_server(config: Config, *, host: str, port: int, log_level: str = "warning",
               echo: Callable[[str], object] = print, limits: ServerLimits | None = None) -> int:
    """Open every provider, serve until SIGTERM/SIGINT, close everything. Returns the exit code.

    Raises ConfigError (every invalid setting at once, a busy port, a provider that cannot open) or
    DataDirLocked (another process holds the data directory) before "serving on" is printed; nothing
    is created on disk for a configuration that fails the checks."""
    limits = limits or ServerLimits()
    # A malformed file-like URI stops everything before any directory is made (with the scheme
    # problems, so the report is complete). Otherwise schemes are reported by open_providers,
    # together with every area that cannot open (a server that is down), in the same run.
    if uri_problems(config):
        raise_problems(check(config))
    sock = bind(host, port)
    try:
        return _serve(config, sock, host=host, log_level=log_level, echo=echo, limits=limits)
    finally:
        sock.close()


def _serve(config: Config, sock: socket.socket, *, host: str, log_level: str, echo: Callable[[str], object],
           limits: ServerLimits) -> int:
    port = sock.getsockname()[1]
    prepare_data_dirs(config)
    lock = DataDirLock(config.data_path)
    lock.acquire(host=host, port=port)
    if lock.stale is not None:
        echo(f"note: {lock.describe_stale()}")
    try:
        providers = open_providers(config, base_url=f"http://{host}:{port}")
        try:
            app = create_app(providers, admin_token=lock.token, limits=limits)
            # The h11 protocol with the limits enforced per connection (protocol.py); the header
            # size limit is h11's own buffer bound.
            server_config = uvicorn.Config(
                app, host=host, port=port, log_level=log_level, access_log=False, lifespan="on",
                http=protocol_class(limits), h11_max_incomplete_event_size=limits.max_header_bytes,
                timeout_graceful_shutdown=limits.shutdown_timeout, backlog=BACKLOG)
            # After uvicorn configured its own loggers: ours follow uvicorn's level. Done here, in
            # the process that serves, not in create_app, which tests and hosts build in-process.
            _configure_logging()
            server = uvicorn.Server(server_config)
            opened = ", ".join(f"{a}={providers.scheme(a)}" for a, _ in providers.items())
            echo(f"cozelite serving on http://{host}:{port} ({opened})")
            echo(describe(limits))
            # uvicorn installs SIGTERM/SIGINT handlers: it stops accepting, finishes in-flight
            # requests, then runs the lifespan shutdown, which closes the providers.
            # uvicorn re-raises the signal that stopped it once it is done, to let the previous
            # handler act; a no-op handler turns that into a normal return, so the providers are
            # closed below and the exit code says "clean".
            previous = {sig: signal.signal(sig, _ignore) for sig in (signal.SIGTERM, signal.SIGINT)}
            try:
                server.run(sockets=[sock])
            except SystemExit:  # uvicorn exits (after logging why) when it cannot start
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


def _configure_logging() -> None:
    """Request logs go to stderr at the level uvicorn was started with (it configures only its own
    loggers); a host that configured logging itself keeps its handlers."""
    logger = logging.getLogger("cozelite")
    if logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.getLogger("uvicorn.error").getEffectiveLevel())
    logger.propagate = False
