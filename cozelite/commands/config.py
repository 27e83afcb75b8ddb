"""`cozelite config show`: the resolved provider URIs and where each value came from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from cozelite.config import AREAS, Config, ConfigError, load_config, uri_problems
from cozelite.wiring import REGISTRIES, scheme_problems


def config_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The flags every command that resolves a configuration takes (highest precedence)."""
    fn = click.option("--retrieval-uri", "retrieval_uri", metavar="URI", default=None,
                      help="Retrieval provider URI when it is not the search provider, e.g. milvus://host:19530 "
                           "(overrides RETRIEVAL_URI and search.retrieval_uri in the file).")(fn)
    for area in reversed(AREAS):
        fn = click.option(f"--{area}-uri", f"{area}_uri", metavar="URI", default=None,
                          help=f"{area} provider URI (overrides {area.upper()}_URI and the file).")(fn)
    fn = click.option("--data-dir", metavar="DIR", default=None,
                      help="Directory of the lock that serve, backup and restore hold "
                           "(default var/data; env COZE_DATA_DIR).")(fn)
    fn = click.option("--lite/--no-lite", "lite", default=None,
                      help="Use the embedded providers for every URI not set explicitly (env COZE_LITE=1).")(fn)
    fn = click.option("--config", "config_file", metavar="FILE", default=None,
                      type=click.Path(dir_okay=False),
                      help="Configuration file (default: ./cozelite.toml when present; env COZE_CONFIG).")(fn)
    return fn


def resolve(kwargs: dict[str, Any]) -> Config:
    """Build the Config from the options `config_options` added (removing them from kwargs)."""
    flags = {area: kwargs.pop(f"{area}_uri", None) for area in AREAS}
    try:
        return load_config(config_file=kwargs.pop("config_file", None), flags=flags, lite=kwargs.pop("lite", None),
                           data_dir=kwargs.pop("data_dir", None), retrieval=kwargs.pop("retrieval_uri", None))
    except ConfigError as err:
        raise click.ClickException(str(err)) from None


@click.group("config")
def command() -> None:
    """Inspect the configuration."""


@command.command("show")
@config_options
@click.option("--check", is_flag=True, default=False,
              help="Also check every setting as `serve` would before opening anything (URI forms, schemes, "
                   "data directories; nothing is created and no server is contacted) and exit 1 listing "
                   "every problem.")
def show(check: bool, **kwargs: Any) -> None:
    """Print every resolved setting, its value (passwords redacted) and its source
    (default / file / env / flag / lite preset), then which provider serves each area (search:
    document search and retrieval separately)."""
    config = resolve(kwargs)
    _print(config)
    if check:
        problems = uri_problems(config) + scheme_problems(config)
        if problems:
            click.echo(f"# check: {len(problems)} problem(s)", err=True)
            for problem in problems:
                click.echo(f"  - {problem}", err=True)
            raise SystemExit(1)
        click.echo("# check: ok (servers are not contacted: `cozelite serve` opens them)")


def _print(config: Config) -> None:
    if config.config_file is not None:
        click.echo(f"# config file: {config.config_file}")
    rows = config.rows()
    width = max(len(k) for k, _, _ in rows)
    vwidth = max(len(v) for _, v, _ in rows)
    for key, value, source in rows:
        click.echo(f"{key:<{width}}  {value:<{vwidth}}  [{source}]")
    click.echo("# served by")
    served = config.served_by()
    swidth = max(len(k) for k, _ in served)
    for service, scheme in served:
        area = service.split(".", 1)[0]
        refused = REGISTRIES[area].refusal(scheme)
        note = "  (not available: `cozelite serve` says what to use instead)" if refused else ""
        click.echo(f"# {service:<{swidth}}  {scheme}{note}")
