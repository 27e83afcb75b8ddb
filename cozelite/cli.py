"""The `cozelite` command: a thin layer over the library. Subcommands live in cozelite/commands/."""

from __future__ import annotations

import sys

import click

from cozelite import __version__
from cozelite.commands import backup, config, migrate, search, serve, sql, users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cozelite")
def cli() -> None:
    """cozelite: Coze Studio's infrastructure in one process (SQL rewriting, embedded providers)."""


# Named here rather than discovered, so the command tree (and its imports) is visible in one place.
for _command in (backup.command, backup.restore_command, config.command, migrate.command, search.command,
                 serve.command, sql.command, users.users_command, users.keys_command):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="cozelite", standalone_mode=True)
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
