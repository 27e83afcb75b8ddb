"""`cozelite search ...`: maintenance of the search store (document search + retrieval)."""

from __future__ import annotations

import sys
from typing import Any

import click

from cozelite.commands.config import config_options, resolve


@click.group("search")
def command() -> None:
    """Maintain the search store."""


@command.command("backfill")
@click.option("--table", required=True, help="Source table in the db provider (the source of truth).")
@click.option("--index", "index_name", required=True, help="Search index to fill.")
@click.option("--id-column", default="id", show_default=True, help="The table's key; rows are read in its order.")
@click.option("--column", "columns", multiple=True, help="Copy only these columns (repeatable; default: all).")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(min=1),
              help="Rows per batch; each batch commits together with the checkpoint.")
@click.option("--restart", is_flag=True, help="Ignore a saved checkpoint and start from the first row.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when on a terminal).")
@config_options
def backfill_command(table: str, index_name: str, id_column: str, columns: tuple[str, ...], batch_size: int,
                     restart: bool, progress: bool | None, **kwargs: Any) -> None:
    """Re-index a table of the db provider (--table) into a search index (--index).

    Resumable: an interrupted run continues after the last committed batch (the checkpoint lives in
    the search store). At the end, documents whose rows are gone are removed. The search store must
    not be open in another process (stop `cozelite serve` first: DuckDB allows one writer).
    """
    from cozelite.config import ConfigError, redact
    from cozelite.wiring import check_schemes
    from providers.db import open_db
    from providers.errors import ProviderError
    from providers.search import open_search
    from providers.search.backfill import BackfillSpec, RDBRowSource, backfill

    config = resolve(kwargs)
    try:
        check_schemes(config, areas=("db", "search"), retrieval=False)
    except ConfigError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"backfill: rows of {table} from the db provider {redact(config.uri('db'))} into index "
               f"{index_name} of the document search provider {redact(config.uri('search'))}"
               + ("; the retrieval provider is not touched" if config.retrieval is not None else ""), err=True)
    spec = BackfillSpec(table=table, index=index_name, id_column=id_column, columns=columns or None)
    try:
        db = open_db(config.uri("db"))
    except ProviderError as err:
        raise click.ClickException(f"cannot open the db provider: {err.message}") from None
    try:
        search = open_search(config.uri("search"))
    except ProviderError as err:
        db.close()
        raise click.ClickException(f"cannot open the search store: {err.message}") from None
    try:
        source = RDBRowSource(db)
        total = source.count(table)
        show = progress if progress is not None else sys.stderr.isatty()
        if show:
            with click.progressbar(length=total, label=f"{table} -> {index_name}",
                                   file=sys.stderr) as bar:
                result = backfill(source, search, spec, batch_size=batch_size, restart=restart, progress=bar.update)
        else:
            result = backfill(source, search, spec, batch_size=batch_size, restart=restart)
    except ProviderError as err:
        raise click.ClickException(f"backfill stopped: {err.message} (run again to resume)") from None
    finally:
        search.close()
        db.close()
    resumed = "" if result.resumed_after is None else f" (resumed after id {result.resumed_after})"
    click.echo(f"indexed {result.indexed} row(s) of {table} into {index_name}{resumed}; "
               f"removed {result.removed} stale document(s)")
