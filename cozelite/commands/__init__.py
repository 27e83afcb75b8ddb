"""CLI commands, one module per command group; `cozelite.cli` adds each module's `command` (and
backup.py's `restore_command`) to the `cozelite` group."""
