"""Printers from the IR back to SQL text, one per style.

- ``compat``: byte-compatible with Coze Studio's Go implementation (TiDB's ``Restore`` format).
- ``native``: valid SQL for the target engine.

The registry and `render` live in `formatter.registry`, which the styles import to register; this
package re-exports them and imports the built-in styles so that they are registered on import.
"""

from __future__ import annotations

# Importing the built-in styles registers them.
from formatter import compat, literal_runs, native
from formatter.registry import Printer, check_style, register_style, render, styles

__all__ = ["Printer", "check_style", "compat", "literal_runs", "native", "register_style", "render", "styles"]
