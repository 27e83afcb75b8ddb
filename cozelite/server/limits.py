"""The HTTP server's limits: timeouts, connection count and sizes, with safe defaults.

Resolved like the provider URIs (cozelite/config.py), lowest to highest: the defaults below ->
the ``[server]`` table of ``cozelite.toml`` -> ``COZE_SERVER_<NAME>`` environment variables ->
``cozelite serve --<name>`` flags. For example::

    [server]
    header_timeout = 10        # seconds to receive a request's line and headers
    max_connections = 512

This module loads nothing of the web stack, so `cozelite serve --help` stays cheap.
"""

from __future__ import annotations

import os
import resource
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from cozelite.config import DEFAULT, ENV, FILE, FLAG, ConfigError, Setting


@dataclass(frozen=True)
class Limit:
    """One setting: its type, its smallest allowed value and what it bounds."""

    name: str
    kind: type[int] | type[float]
    minimum: float
    help: str

    @property
    def env_var(self) -> str:
        return "COZE_SERVER_" + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


@dataclass(frozen=True)
class ServerLimits:
    # Seconds from a connection's first byte (or its accept) to the end of a request's headers:
    # a client sending its headers a byte at a time (slowloris) is closed with 408 after this.
    header_timeout: float = 10.0
    # Seconds from the end of the headers to the end of the body (a total, not per read, so a
    # body dripped a byte at a time cannot hold a worker).
    body_timeout: float = 30.0
    # Seconds an idle kept-alive connection waits for its next request.
    keepalive_timeout: float = 5.0
    # Seconds a response may stay blocked on a client that does not read it.
    write_timeout: float = 30.0
    # Seconds in-flight requests get to finish on SIGTERM before they are cancelled.
    shutdown_timeout: int = 30
    # Open connections at most (also capped by the process's file-descriptor limit, see
    # `effective_max_connections`). When full, the connection idle the longest is closed to make
    # room; with every connection busy, the new one gets 503.
    max_connections: int = 512
    # Request body bytes at most (413 beyond it); the largest body any endpoint needs is tiny.
    max_body_bytes: int = 1024 * 1024
    # Request line plus headers, bytes at most (400 beyond it).
    max_header_bytes: int = 16 * 1024


LIMITS: tuple[Limit, ...] = (
    Limit("header_timeout", float, 0.1, "Seconds to receive a request's line and headers (408 after)."),
    Limit("body_timeout", float, 0.1, "Seconds to receive a request's body once its headers are in (408 after)."),
    Limit("keepalive_timeout", float, 0.1, "Seconds an idle kept-alive connection stays open."),
    Limit("write_timeout", float, 0.1, "Seconds a response may wait on a client that does not read it."),
    Limit("shutdown_timeout", int, 0, "Whole seconds in-flight requests get to finish on SIGTERM."),
    Limit("max_connections", int, 1, "Open connections at most (also capped by the file-descriptor limit)."),
    Limit("max_body_bytes", int, 0, "Request body bytes at most (413 beyond)."),
    Limit("max_header_bytes", int, 1024, "Request line and header bytes at most (400 beyond)."),
)
assert [lim.name for lim in LIMITS] == [f.name for f in fields(ServerLimits)]

# Descriptors kept for everything but client connections: the providers' files and sockets
# (LMDB, SQLite, DuckDB, their threads), the listening socket, logs. A lite server uses about 20.
FD_RESERVE = 64
# The listen backlog, which is also how many connections asyncio accepts in one go. An accepted
# connection reaches the protocol (which can turn it away) two loop iterations later and its
# descriptor is freed one more iteration after that, so up to ACCEPT_BURSTS such bursts can be
# open beyond the connection limit: the descriptor budget keeps room for them.
BACKLOG = 32
ACCEPT_BURSTS = 4


def _convert(limit: Limit, raw: object, where: str) -> float:
    kind = "a whole number" if limit.kind is int else "a number of seconds"
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise ConfigError(f"{where} must be {kind}, got {raw!r}")
    try:
        if limit.kind is int:
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError
            value: float = int(raw.strip()) if isinstance(raw, str) else int(raw)
        else:
            value = float(raw)
    except (OverflowError, ValueError):
        raise ConfigError(f"{where} must be {kind}, got {raw!r}") from None
    # NaN fails every comparison, so `not >=` also refuses it.
    if not value >= limit.minimum or value == float("inf"):
        raise ConfigError(f"{where} must be at least {limit.minimum:g} and finite, got {raw!r}")
    return value


def load_limits(config_file: Path | None = None, *, env: Mapping[str, str] | None = None,
                flags: Mapping[str, object | None] | None = None) -> tuple[ServerLimits, dict[str, Setting]]:
    """The resolved limits and where each value came from. `config_file` is the file the rest of
    the configuration came from (`Config.config_file`); `flags` maps limit names to flag values
    (None: not given). Raises ConfigError naming the file, variable or flag of a bad value."""
    env = os.environ if env is None else env
    flags = flags or {}
    table: dict[str, object] = {}
    if config_file is not None:
        try:
            with Path(config_file).open("rb") as fh:
                section = tomllib.load(fh).get("server", {})
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise ConfigError(f"cannot read config file {config_file}: {err}") from None
        if not isinstance(section, dict):
            raise ConfigError(f"{config_file}: [server] must be a table")
        known = {lim.name for lim in LIMITS}
        unknown = sorted(set(section) - known)
        if unknown:
            raise ConfigError(f"{config_file}: unknown key(s) {', '.join(f'server.{k}' for k in unknown)}; "
                              f"known: {', '.join(f'server.{k}' for k in sorted(known))}")
        table = section
    defaults = ServerLimits()
    values: dict[str, Any] = {}
    sources: dict[str, Setting] = {}
    for lim in LIMITS:
        value: float = getattr(defaults, lim.name)
        setting = Setting(str(value), DEFAULT)
        if lim.name in table:
            value = _convert(lim, table[lim.name], f"{config_file}: server.{lim.name}")
            setting = Setting(str(value), FILE, str(config_file))
        if env.get(lim.env_var):
            value = _convert(lim, env[lim.env_var], lim.env_var)
            setting = Setting(str(value), ENV, lim.env_var)
        if flags.get(lim.name) is not None:
            value = _convert(lim, flags[lim.name], lim.flag)
            setting = Setting(str(value), FLAG, lim.flag)
        values[lim.name] = value
        sources[lim.name] = setting
    return ServerLimits(**values), sources


def effective_max_connections(configured: int) -> int:
    """`configured`, lowered so that connections can never take the descriptors the providers need:
    running out of descriptors stops the server accepting anyone, a full connection table only
    makes it close an idle client. The budget is the soft RLIMIT_NOFILE less FD_RESERVE and the
    accept bursts in flight (ACCEPT_BURSTS * BACKLOG)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return configured
    return max(1, min(configured, soft - FD_RESERVE - ACCEPT_BURSTS * BACKLOG))


def describe(limits: ServerLimits) -> str:
    """One line for the start-up message."""
    return (f"limits: headers {limits.header_timeout:g}s, body {limits.body_timeout:g}s, "
            f"keep-alive {limits.keepalive_timeout:g}s, write {limits.write_timeout:g}s, "
            f"{effective_max_connections(limits.max_connections)} connections, "
            f"body {limits.max_body_bytes} B, headers {limits.max_header_bytes} B")
