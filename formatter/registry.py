"""The style registry: styles register here with ``@register_style`` and `render` dispatches to them.

A module of its own, below the styles, so that a style imports the registry without importing the
`formatter` package that imports the styles. Registering a name twice is an error, and asking for
an unknown style fails listing the known ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from sqlglot import exp

from sqlparser.errors import InvalidArgumentError

NativeNormalizerFn = Callable[[exp.Expression, dict[str, Any]], exp.Expression]


class Dialect(Protocol):
    """What a printer reads of the dialect it prints for (`sqlparser.dialect.Dialect` fills it).

    A protocol rather than the declaration itself: the formatter sits below the dialect
    declarations' users and needs only these four attributes (read-only, so frozen dataclasses fit).
    """

    @property
    def name(self) -> str: ...

    @property
    def sqlglot_dialect(self) -> str: ...

    @property
    def native_normalizers(self) -> Sequence[NativeNormalizerFn]: ...

    @property
    def native_options(self) -> Mapping[str, Any]: ...


class Printer(Protocol):
    def __call__(self, tree: exp.Expression, *, dialect: Dialect, quote_names: bool, consume: bool,
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


def render(tree: exp.Expression, *, style: str, dialect: Dialect, quote_names: bool = False, consume: bool = False,
           **options: Any) -> str:
    """Print `tree` in `style` for `dialect`.

    `quote_names` asks for every name to be quoted (the Go contract's RestoreNameBackQuotes flag in
    compat style); native style always quotes the names that need it. `tree` is left as it was,
    unless `consume=True` says the caller will not use it again: then a printer may rewrite it in
    place instead of paying for a copy.
    """
    return _STYLES[check_style(style)](tree, dialect=dialect, quote_names=quote_names, consume=consume, **options)
