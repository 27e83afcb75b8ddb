"""Printers from the IR back to SQL text, one per style.

- ``compat``: byte-compatible with Coze Studio's Go implementation (TiDB's ``Restore`` format).
- ``native``: valid SQL for the target engine.

Styles register with ``@register_style``; registering a name twice is an error, and asking for an
unknown style fails listing the known ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlglot import exp

from sqlparser.errors import InvalidArgumentError


class Printer(Protocol):
    def __call__(self, tree: exp.Expression, *, dialect: Any, quote_names: bool, consume: bool,
                 **options: Any) -> str: ...


_STYLES: dict[str, Printer] = {}


def register_style(name: str) -> Callable[[Printer], Printer]:
    def decorate(printer: Printer) -> Printer:
        if name in _STYLES:
            raise RuntimeError(f"formatter style {name!r} is registered twice")
        _STYLES[name] = printer
        return printer

    return decorate


def styles() -> tuple[str, ...]:
    return tuple(sorted(_STYLES))


def check_style(style: str) -> str:
    if style not in _STYLES:
        raise InvalidArgumentError(f"unknown style {style!r}; known styles: {', '.join(styles())}")
    return style


def render(tree: exp.Expression, *, style: str, dialect: Any, quote_names: bool = False, consume: bool = False,
           **options: Any) -> str:
    """Print `tree` in `style` for `dialect` (a `sqlparser.registry.Dialect`).

    `quote_names` asks for every name to be quoted (the Go contract's RestoreNameBackQuotes flag in
    compat style); native style always quotes the names that need it. `tree` is left as it was,
    unless `consume=True` says the caller will not use it again: then a printer may rewrite it in
    place instead of paying for a copy.
    """
    return _STYLES[check_style(style)](tree, dialect=dialect, quote_names=quote_names, consume=consume, **options)


# Import the built-in styles so they register.
from formatter import compat as _compat  # noqa: E402,F401
from formatter import native as _native  # noqa: E402,F401
