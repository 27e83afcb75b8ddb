"""The `cozelite` command: a thin layer over the library. Subcommands live in cozelite/commands/."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from cozelite import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cozelite")
def cli() -> None:
    """cozelite: Coze Studio's infrastructure in one process (SQL rewriting, embedded providers)."""


def _add_commands() -> None:
    import cozelite.commands as commands

    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        mod = importlib.import_module(f"cozelite.commands.{module.name}")
        command = getattr(mod, "command", None)
        if command is not None:
            cli.add_command(command)
        # A module may define related top-level commands too (backup.py: `backup` and `restore`).
        for extra in getattr(mod, "extra_commands", ()):
            cli.add_command(extra)


_add_commands()


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="cozelite", standalone_mode=True)
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
