"""Native style: valid SQL for the target engine, printed by sqlglot's generator for that dialect
after the dialect's own normalizers (placeholder style, quoting) have run on the tree (a copy of
it, unless the caller hands it over with `consume=True`)."""

from __future__ import annotations

import functools
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect
from sqlglot.errors import ErrorLevel, UnsupportedError

from formatter.registry import Dialect, NativeNormalizerFn, register_style
from sqlparser.errors import InvalidArgumentError, SQLParserError, UnsupportedConstructError


@register_style("native")
def render_native(tree: exp.Expression, *, dialect: Dialect, quote_names: bool, consume: bool = False,
                  **options: Any) -> str:
    unknown = set(options) - set(dialect.native_options)
    if unknown:
        known = ", ".join(sorted(dialect.native_options)) or "none"
        raise InvalidArgumentError(
            f"unknown native option(s) {', '.join(sorted(unknown))} for dialect {dialect.name}; known: {known}")
    opts = {**dialect.native_options, **options}
    # A normalizer may offer `applies(tree)`, a cheap read-only test: the copy (as costly as the
    # generation itself) is made only when some normalizer has something to change.
    active = [normalize for normalize in dialect.native_normalizers if _applies(normalize, tree)]
    if active:
        if not consume:
            tree = tree.copy()
        for normalize in active:
            tree = normalize(tree, opts)
    try:
        # copy=False: sqlglot's generator only rewrites the tree for dialects whose transforms need
        # it, and its defensive deep copy would cost as much as the parse; callers that keep the
        # tree get one copy above or use the compat style, which never writes to it.
        return _sqlglot_dialect(dialect.sqlglot_dialect).generate(
            tree, copy=False, identify=quote_names, unsupported_level=_RAISE)
    except UnsupportedError as err:
        raise UnsupportedConstructError(type(tree).__name__, f"cannot print for {dialect.name}: {err}") from err
    except SQLParserError:
        raise
    except _GENERATOR_FAILURES as err:
        # sqlglot's generator met a tree shape it has no form for (a KeyError in its property
        # table, say): refuse the statement rather than let a foreign exception out.
        raise UnsupportedConstructError(type(tree).__name__, f"cannot print for {dialect.name}: sqlglot's "
                                        f"generator failed ({type(err).__name__}: {err})") from err


_GENERATOR_FAILURES = (KeyError, TypeError, AttributeError, ValueError, IndexError)


_RAISE = ErrorLevel.RAISE


def _applies(normalize: NativeNormalizerFn, tree: exp.Expression) -> bool:
    # `applies` is optional: a normalizer without it is always run.
    applies = getattr(normalize, "applies", None)
    return applies is None or bool(applies(tree))


@functools.cache
def _sqlglot_dialect(name: str) -> SqlglotDialect:
    return SqlglotDialect.get_or_raise(name)
