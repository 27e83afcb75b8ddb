"""`cozelite serve`: every provider in one process, behind health, metrics and blob endpoints."""

from __future__ import annotations

import sys
from typing import Any

import click

from cozelite.commands.config import config_options, resolve
from cozelite.config import ConfigError
from cozelite.datadir_lock import DataDirLocked


@click.command("serve")
@config_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--log-level", default="warning", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]), help="Server log level.")
def command(host: str, port: int, log_level: str, **kwargs: Any) -> None:
    """Open every provider from its URI and serve /healthz, /healthz/{db,kv,search,mq,blob},
    /metrics and presigned blob downloads until SIGTERM or Ctrl-C."""
    # Imported here so that `cozelite --help` and the other commands never load the web stack.
    from cozelite.server.lifecycle import run_server

    config = resolve(kwargs)
    try:
        code = run_server(config, host=host, port=port, log_level=log_level,
                          echo=lambda line: click.echo(line, err=True))
    except (ConfigError, DataDirLocked) as err:
        raise click.ClickException(str(err)) from None
    sys.exit(code)
