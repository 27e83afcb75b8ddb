"""`cozelite backup DIR` (works while the server runs) and `cozelite restore DIR` (offline)."""

from __future__ import annotations

from typing import Any

import click

from cozelite.commands.config import config_options, resolve


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False))
@config_options
def command(dest: str, **kwargs: Any) -> None:
    """Write a consistent copy of the embedded providers' data into DEST (empty or new).

    Areas on a server (MySQL, Redis, S3, Milvus, ...) are not copied: their servers' own tools back
    them up; each is listed as not backed up. With no local area at all, nothing is written and the
    exit code is 1."""
    from cozelite.backup import BackupError, backup

    config = resolve(kwargs)
    try:
        manifest = backup(config, dest)
    except BackupError as err:
        raise click.ClickException(str(err)) from None
    for area, entry in manifest["areas"].items():
        click.echo(f"{area}: {entry['scheme']} ({len(entry['files'])} file(s))")
    for area, reason in manifest.get("skipped", {}).items():
        click.echo(f"{area}: not backed up: {reason}")
    click.echo(f"backup of {', '.join(manifest['areas'])} written to {dest}")


@click.command("restore")
@click.argument("src", type=click.Path(file_okay=False, exists=True))
@config_options
def restore_command(src: str, **kwargs: Any) -> None:
    """Replace the embedded providers' data with the backup in SRC. The server must be stopped."""
    from cozelite.backup import BackupError, restore

    config = resolve(kwargs)
    try:
        done = restore(config, src)
    except BackupError as err:
        raise click.ClickException(str(err)) from None
    for line in done:
        click.echo(f"restored {line}")
