"""What a dialect is: one declared object, `DIALECT = Dialect(...)` in `dialects/<name>/__init__.py`.

The registry (`sqlparser.registry`) finds the dialect packages and reads their `DIALECT`; a dialect
imports nothing above the compiler base. Every part is named explicitly, so that all dialects
read alike and a missing part fails when the dialect is declared, not on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlglot import exp

from sqlparser.frontend import FrontendFactory
from sqlparser.rules.policy import PolicyRules
from sqlparser.rules.translate import TranslateRules

NormalizeFunction = Callable[[exp.Expression, dict[str, Any]], exp.Expression]
"""A tree rewrite run before native printing: (tree, native options) -> the tree to print."""


class NativeNormalizer(Protocol):
    """A dialect-specific rewrite applied just before native printing (placeholder style, quoting, ...).

    `applies` is a cheap read-only test: the native printer copies the tree (as costly as printing
    it) only when some normalizer has something to change.
    """

    def __call__(self, tree: exp.Expression, options: dict[str, Any]) -> exp.Expression: ...

    def applies(self, tree: exp.Expression) -> bool: ...


def _always(tree: exp.Expression) -> bool:
    return True


@dataclass(frozen=True)
class FunctionNormalizer:
    """A NativeNormalizer built from two functions: the rewrite, and the test whether it applies
    (by default it always does: the tree is copied whenever the dialect prints)."""

    rewrite: NormalizeFunction
    test: Callable[[exp.Expression], bool] = _always

    def __call__(self, tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
        return self.rewrite(tree, options)

    def applies(self, tree: exp.Expression) -> bool:
        return self.test(tree)


def native_normalizer(
    *, applies: Callable[[exp.Expression], bool] | None = None,
) -> Callable[[NormalizeFunction], FunctionNormalizer]:
    """Decorator: `@native_normalizer(applies=needs_it)` over `def rewrite(tree, options)`."""

    def wrap(rewrite: NormalizeFunction) -> FunctionNormalizer:
        return FunctionNormalizer(rewrite, applies or _always)

    return wrap


@dataclass(frozen=True)
class Dialect:
    """A dialect: its name, the URI schemes that select it, and every part the compiler uses."""

    name: str
    # db.uri schemes (lower-case) that select this dialect: `sqlite`, `postgresql+psycopg`, ...
    schemes: tuple[str, ...]
    # Builds the front end (text -> Statement) with the parser's options.
    frontend: FrontendFactory
    # sqlglot's name for the dialect, used by the native printer.
    sqlglot_dialect: str
    # Rewrites applied to a copy of the IR just before native printing, in order.
    native_normalizers: tuple[NativeNormalizer, ...]
    # Options the native printer accepts for this dialect, with their defaults.
    native_options: Mapping[str, Any]
    # What check_policy denies on this dialect.
    policy: PolicyRules
    # How statements read in other dialects are expressed on this one.
    translate: TranslateRules

    def __post_init__(self) -> None:
        # Declaration errors are the dialect author's: fail at import, naming the dialect.
        where = f"dialect {self.name!r}"
        if not self.name or self.name != self.name.lower():
            raise ValueError(f"{where}: the name must be non-empty and lower-case")
        if not self.schemes or any(not s or s != s.lower() for s in self.schemes):
            raise ValueError(f"{where}: schemes must be a non-empty tuple of lower-case URI schemes")
        if not isinstance(self.policy, PolicyRules):
            raise TypeError(f"{where}: policy must be a PolicyRules, got {type(self.policy).__name__}")
        if not isinstance(self.translate, TranslateRules):
            raise TypeError(f"{where}: translate must be a TranslateRules, got {type(self.translate).__name__}")
        for normalizer in self.native_normalizers:
            if not callable(normalizer) or not callable(getattr(normalizer, "applies", None)):
                raise TypeError(f"{where}: native normalizer {normalizer!r} is not a NativeNormalizer "
                                "(a callable with an `applies` method; see native_normalizer)")
        if self.translate.target != self.name:
            raise ValueError(f"{where}: its translate table targets {self.translate.target!r}")
