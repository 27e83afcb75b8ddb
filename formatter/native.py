"""Native style: valid SQL for the target engine, printed by sqlglot's generator for that dialect
after the dialect's own normalizers (placeholder style, quoting) have run on the tree (a copy of
it, unless the caller hands it over with `consume=True`)."""

from __future__ import annotations

import functools
import threading
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect
from sqlglot.errors import ErrorLevel, UnsupportedError
from sqlglot.generator import Generator
from sqlglot.helper import name_sequence

from formatter.registry import Dialect, NativeNormalizerFn, register_style
from sqlparser.errors import InvalidArgumentError, SQLParserError, UnsupportedConstructError
from sqlparser.native_select import gated_select_handler


@register_style("native")
def render_native(tree: exp.Expression, *, dialect: Dialect, quote_names: bool, consume: bool = False,
                  as_is: bool = False, no_unnest: bool = False, **options: Any) -> str:
    """`as_is=True`: the caller knows that none of the dialect's native normalizers would change
    `tree` with these options (`TreeFacts.native_as_is`), so their tests are skipped.
    `no_unnest=True`: the caller knows the tree holds no `exp.Unnest` (`name_walk.Names.unnest`),
    so the date-array rewrite sqlglot runs on every SELECT is left out (it could not act)."""
    if options:
        unknown = set(options) - set(dialect.native_options)
        if unknown:
            known = ", ".join(sorted(dialect.native_options)) or "none"
            raise InvalidArgumentError(
                f"unknown native option(s) {', '.join(sorted(unknown))} for dialect {dialect.name}; known: {known}")
        opts = {**dialect.native_options, **options}
    else:
        opts = dict(dialect.native_options)
    # A normalizer may offer `applies(tree)`, a cheap read-only test: the copy (as costly as the
    # generation itself) is made only when some normalizer has something to change.
    active = [] if as_is else [normalize for normalize in dialect.native_normalizers
                               if _applies(normalize, tree, opts)]
    if active:
        if not consume:
            tree = tree.copy()
        for normalize in active:
            tree = normalize(tree, opts)
    key = (dialect.sqlglot_dialect, bool(quote_names), sqlglot.pretty, not (no_unnest and not active))
    pool = _generators()
    # Taken out while in use: a nested render on this thread (none today) would build its own.
    generator = pool.pop(key, None) or _new_generator(*key)
    try:
        # copy=False: sqlglot's generator only rewrites the tree for dialects whose transforms need
        # it, and its defensive deep copy would cost as much as the parse; callers that keep the
        # tree get one copy above or use the compat style, which never writes to it.
        if generator is None:
            return _sqlglot_dialect(key[0]).generate(tree, copy=False, identify=quote_names, unsupported_level=_RAISE)
        sql = _generate(generator, tree, bool(quote_names))
        finish = getattr(generator.dialect, "finish_generated", None)
        return sql if finish is None else finish(sql, tree)
    except UnsupportedError as err:
        raise UnsupportedConstructError(type(tree).__name__, f"cannot print for {dialect.name}: {err}") from err
    except SQLParserError:
        raise
    except _GENERATOR_FAILURES as err:
        # sqlglot's generator met a tree shape it has no form for (a KeyError in its property
        # table, say): refuse the statement rather than let a foreign exception out.
        raise UnsupportedConstructError(type(tree).__name__, f"cannot print for {dialect.name}: sqlglot's "
                                        f"generator failed ({type(err).__name__}: {err})") from err
    finally:
        if generator is not None:
            pool[key] = generator


_GENERATOR_FAILURES = (KeyError, TypeError, AttributeError, ValueError, IndexError)


_RAISE = ErrorLevel.RAISE


def _applies(normalize: NativeNormalizerFn, tree: exp.Expression, options: dict[str, Any]) -> bool:
    # `applies` is optional: a normalizer without it is always run. `applies_with(tree, options)`,
    # when offered, answers with the options in view (PostgreSQL's placeholder style: the default
    # style needs no change to the tree).
    applies_with = getattr(normalize, "applies_with", None)
    if applies_with is not None:
        return bool(applies_with(tree, options))
    applies = getattr(normalize, "applies", None)
    return applies is None or bool(applies(tree))


@functools.cache
def _sqlglot_dialect(name: str) -> SqlglotDialect:
    return SqlglotDialect.get_or_raise(name)


# One sqlglot generator per thread, sqlglot dialect and quoting flag, reused across calls:
# `Dialect.generate` builds a new one per call, about a seventh of printing a short statement.
# A generator's only per-call state is put back before each use (`_generate`).
_local = threading.local()


def _generators() -> dict[tuple[str, bool, bool | int | None, bool], Generator]:
    pool: dict[tuple[str, bool, bool | int | None, bool], Generator] | None = getattr(_local, "generators", None)
    if pool is None:
        pool = _local.generators = {}
    return pool


def _new_generator(name: str, identify: bool, pretty: bool | int | None, date_arrays: bool) -> Generator | None:
    """A generator to keep, or None when the dialect's `generate` does more than its generator.
    `date_arrays=False`: its SELECT handler leaves out the date-array rewrite (`render_native`'s
    `no_unnest`)."""
    dialect = _sqlglot_dialect(name)
    if type(dialect).generate is not SqlglotDialect.generate and not hasattr(dialect, "finish_generated"):
        # A dialect that post-processes in `generate` offers the step as `finish_generated(sql,
        # tree)` (CozelitePostgres does) for its generator to be kept; any other goes through its
        # own `generate`, a generator per call.
        return None
    generator = dialect.generator(identify=identify, unsupported_level=_RAISE, pretty=pretty)
    select = gated_select_handler(generator, date_arrays=date_arrays)
    if select is not None:
        # Per generator: the dispatch table the constructor gave it is shared by its class.
        generator._dispatch = {**generator._dispatch, exp.Select: select}
    return generator


def _generate(generator: Generator, tree: exp.Expression, identify: bool) -> str:
    # What a generation may leave changed on the generator, as its constructor sets it:
    # `identify` (`no_identify` restores it only when no error interrupts it), the counter of
    # made-up alias names (each statement numbers its own from _t0), the JSON path quoting flag.
    generator.identify = identify
    generator._next_name = name_sequence("_t")
    generator._quote_json_path_key_using_brackets = True
    return generator.generate(tree, copy=False)
