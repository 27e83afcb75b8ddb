"""CLI command groups. Each module defines `command` (a click command or group); `cozelite.cli`
adds every one it finds here, so a new command is a new module."""
