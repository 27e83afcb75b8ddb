"""`cozelite serve`: every provider in one process, behind the /v1 API, health, metrics and blob endpoints."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from cozelite.commands.config import config_options, resolve
from cozelite.config import ConfigError
from cozelite.datadir_lock import DataDirLocked
from cozelite.server.limits import LIMITS, ServerLimits, load_limits


def limit_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """One flag per server limit (highest precedence over COZE_SERVER_* and [server] in the file)."""
    defaults = ServerLimits()
    for lim in reversed(LIMITS):
        fn = click.option(lim.flag, lim.name, type=lim.kind, default=None, metavar="N",
                          help=f"{lim.help} [default: {getattr(defaults, lim.name):g}; env {lim.env_var}]")(fn)
    return fn


@click.command("serve")
@config_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--log-level", default="warning", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]), help="Server log level.")
@limit_options
def command(host: str, port: int, log_level: str, **kwargs: Any) -> None:
    """Open every provider from its URI and serve the HTTP API under /v1 (schema at
    /openapi.json, a page listing it at /docs; keys from `cozelite keys create USER`), /healthz,
    /healthz/{db,kv,search,mq,blob}, /metrics and presigned blob downloads until SIGTERM or
    Ctrl-C."""
    # Imported here so that `cozelite --help` and the other commands never load the web stack.
    from cozelite.server.lifecycle import run_server

    flags = {lim.name: kwargs.pop(lim.name, None) for lim in LIMITS}
    config = resolve(kwargs)
    try:
        limits, _ = load_limits(config.config_file, flags=flags)
        code = run_server(config, host=host, port=port, log_level=log_level,
                          echo=lambda line: click.echo(line, err=True), limits=limits)
    except (ConfigError, DataDirLocked) as err:
        raise click.ClickException(str(err)) from None
    sys.exit(code)
