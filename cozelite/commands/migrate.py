"""`cozelite migrate apply|plan|status|schema DIR`: a MySQL migrations folder on the db provider's URI
(docs/migrations.md). Errors go to stderr with exit code 2 and name file, line, statement and cause."""

from __future__ import annotations

from typing import Any

import click

from cozelite.commands.config import resolve
from providers.errors import ProviderError

EXIT_ERROR = 2


def _options(fn: Any) -> Any:
    fn = click.option("--read", default="mysql", show_default=True, help="Dialect of the migration files.")(fn)
    fn = _map_option(fn)
    fn = click.option("--default-collation", default=None, metavar="COLLATION",
                      help="The source database's default collation (for tables that name none).")(fn)
    return fn


def _map_option(fn: Any) -> Any:
    return click.option("--database-map", "database_map", multiple=True, metavar="NAME=[OTHER]",
                        help="NAME= drops the database qualifier NAME (`NAME`.`t` -> `t`); NAME=OTHER runs the history "
                             "in schema (PostgreSQL) / database (MySQL, MariaDB) OTHER, created if missing "
                             "(SQLite: only main); repeatable.")(fn)


def _db_options(fn: Any) -> Any:
    """Only the db area matters here: --db-uri, else the configuration (file, env, lite preset)."""
    fn = click.option("--db-uri", "db_uri", metavar="URI", default=None,
                      help="The database (overrides DB_URI and the file), e.g. sqlite:///var/data/sqlite/app.db.")(fn)
    fn = click.option("--lite/--no-lite", "lite", default=None,
                      help="Default the db URI to the embedded SQLite database (env COZE_LITE=1).")(fn)
    fn = click.option("--config", "config_file", metavar="FILE", default=None, type=click.Path(dir_okay=False),
                      help="Configuration file (default: ./cozelite.toml when present; env COZE_CONFIG).")(fn)
    return fn


def _uri(kwargs: dict[str, Any]) -> str:
    return resolve(kwargs).uri("db")


def _fail(err: Exception) -> None:
    click.echo(f"error: {err}", err=True)
    raise SystemExit(EXIT_ERROR)


@click.group(name="migrate")
def command() -> None:
    """Apply a folder of MySQL migration files to SQLite, PostgreSQL or MySQL/MariaDB."""


@command.command("apply")
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@_options
@_db_options
def apply_cmd(folder: str, read: str, database_map: tuple[str, ...], default_collation: str | None,
              **kwargs: Any) -> None:
    """Apply the pending files of FOLDER in order, each in one transaction where the engine allows."""
    from cozelite.migrate import MigrationError, apply, parse_database_map

    uri = _uri(kwargs)
    try:
        result = apply(folder, uri, read=read, database_map=parse_database_map(list(database_map)),
                       default_collation=default_collation,
                       progress=lambda f: click.echo(f"applied {f.file} ({len(f.statements)} statements, "
                                                     f"{f.seconds:.2f}s)"))
    except (MigrationError, ProviderError) as err:  # a bad history, or a database it cannot reach
        _fail(err)
        return
    if not result.files:
        click.echo(f"nothing to apply ({len(result.already_applied)} file(s) already applied)")
    else:
        c = result.counts
        click.echo(f"{c['files']} file(s), {c['statements']} statements: {c['translated']} translated "
                   f"({c['target_statements']} {result.engine} statements), {c['skipped']} skipped")


@command.command("plan")
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@_options
@click.option("--all", "show_all", is_flag=True, help="Also print the bookkeeping statements (schema notes).")
@click.option("--keep-going", is_flag=True, help="Report every refused statement instead of stopping at the first.")
@_db_options
def plan_cmd(folder: str, read: str, database_map: tuple[str, ...], default_collation: str | None,
             show_all: bool, keep_going: bool, **kwargs: Any) -> None:
    """Print the statements the pending files of FOLDER would run, without running them."""
    from cozelite.migrate import MigrationError, parse_database_map, plan

    uri = _uri(kwargs)
    try:
        result = plan(folder, uri, read=read, database_map=parse_database_map(list(database_map)),
                      default_collation=default_collation, keep_going=keep_going)
    except (MigrationError, ProviderError) as err:  # a bad history, or a database it cannot reach
        _fail(err)
        return
    for f in result.files:
        click.echo(f"-- {f.file}")
        for st in f.statements:
            click.echo(f"-- line {st.line}: {st.kind}" + (f" ({st.why})" if st.why else "")
                       + "".join(f"; ignored: {w}" for w in st.ignored))
            for step in st.steps:
                if show_all or not step.internal:
                    click.echo(step.sql + ";")
    if not result.files:
        click.echo(f"-- nothing to apply ({len(result.already_applied)} file(s) already applied)")
    elif keep_going:
        c = result.counts
        click.echo(f"-- {c['statements']} statements: {c['translated']} translated, {c['skipped']} skipped, "
                   f"{c['refused']} refused")
        if c["refused"]:
            raise SystemExit(1)


@command.command("status")
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@_map_option
@_db_options
def status_cmd(folder: str, database_map: tuple[str, ...], **kwargs: Any) -> None:
    """List FOLDER's files as applied, pending, changed (checksum differs) or missing."""
    from cozelite.migrate import MigrationError, parse_database_map, status

    uri = _uri(kwargs)
    try:
        rows = status(folder, uri, database_map=parse_database_map(list(database_map)))
    except (MigrationError, ProviderError) as err:  # a bad history, or a database it cannot reach
        _fail(err)
        return
    for row in rows:
        click.echo(f"{row.state:8} {row.file}" + (f"  (applied {row.applied_at})" if row.applied_at else ""))
    if any(r.state == "changed" for r in rows):
        raise SystemExit(1)


@command.command("schema")
@_map_option
@_db_options
def schema_cmd(database_map: tuple[str, ...], **kwargs: Any) -> None:
    """Print the database's schema as MySQL CREATE TABLEs (with comments and collations from the notes)."""
    from cozelite.migrate import MigrationError, describe, parse_database_map

    uri = _uri(kwargs)
    try:
        click.echo(describe(uri, database_map=parse_database_map(list(database_map))))
    except (MigrationError, ProviderError) as err:  # a bad history, or a database it cannot reach
        _fail(err)
