"""Native PostgreSQL output: sqlglot's PostgreSQL generator with the few spellings PostgreSQL needs
to read our IR back as the same parse tree, plus the native normalizers (names, placeholders).

sqlglot's generator is compiled and cannot be subclassed, so the dialect below (registered in
sqlglot as "cozelitepostgres") extends the dispatch table of each generator it creates:

- `exp.Operator` prints as the bare operator (`a @> b`), not `a OPERATOR(@>) b`;
- a `Not` marked `pg_infix_not` prints as `a NOT IN (...)` / `a NOT BETWEEN ...` /
  `a NOT SIMILAR TO ...`, which PostgreSQL parses differently from `NOT (a IN (...))`;
- function names keep their spelling (PostgreSQL folds unquoted names to lower case anyway).

Placeholders: anonymous ones (MySQL-style `?`, or added by a pass) print as `$1..$n` in text order
(after the statement's own `$n`), or as psycopg's `%s` (then every literal `%` is doubled, as
psycopg requires).
"""

from __future__ import annotations

from typing import Any

from pglast import parser as pg_parser
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres

from dialects.postgres.names import needs_quotes
from sqlparser.dialect import FunctionNormalizer
from sqlparser.errors import InvalidArgumentError
from sqlparser.ir import any_node

PLACEHOLDER_STYLES = ("$n", "%s")
_SENTINEL = "$0"  # a parameter number PostgreSQL never uses: marks anonymous placeholders
_STYLE_KEY = "cozelite_placeholder"


def _operator_sql(gen: Any, e: exp.Operator) -> str:
    op = e.args.get("operator")
    op = op if isinstance(op, str) else gen.sql(op)
    right = gen.sql(e, "expression")
    if e.this is None:
        return f"{op} {right}"
    return f"{gen.sql(e, 'this')} {op} {right}"


def _not_sql(gen: Any, e: exp.Not) -> str:
    inner = e.this
    if e.meta.get("pg_infix_not"):
        left = gen.sql(inner, "this")
        full = gen.sql(inner)
        if full.startswith(left):
            return f"{left} NOT{full[len(left):]}"
    return f"NOT {gen.sql(e, 'this')}"


def _placeholder_sql(gen: Any, e: exp.Placeholder) -> str:
    if e.this:
        raise InvalidArgumentError(f"named placeholder :{e.this} has no PostgreSQL form; use ? or $n")
    return _SENTINEL


def _ordered_sql(gen: Any, e: exp.Ordered) -> str:
    sql: str = gen.ordered_sql(e)
    nulls = e.meta.get("pg_nulls")
    if nulls and " NULLS " not in sql[len(gen.sql(e, "this")):]:
        sql += f" NULLS {nulls}"
    return sql


def _distinct_sql(gen: Any, e: exp.Distinct) -> str:
    # Inside an aggregate: `f(DISTINCT a, b)`. sqlglot would rewrite several arguments into a CASE
    # (a MySQL emulation) that PostgreSQL parses differently.
    if e.expressions and not e.args.get("on"):
        return "DISTINCT " + ", ".join(gen.sql(x) for x in e.expressions)
    sql: str = gen.distinct_sql(e)
    return sql


_OVERRIDES: dict[type, Any] = {
    exp.Operator: _operator_sql, exp.Not: _not_sql, exp.Placeholder: _placeholder_sql, exp.Ordered: _ordered_sql,
    exp.Distinct: _distinct_sql,
}
# The generator's dispatch table (one per generator class), merged with ours once.
_MERGED: dict[int, tuple[dict[type, Any], dict[type, Any]]] = {}


class CozelitePostgres(Postgres):
    NORMALIZE_FUNCTIONS = False

    def generator(self, **opts: Any) -> Any:
        gen = super().generator(**opts)
        base = gen._dispatch
        merged = _MERGED.get(id(base))
        if merged is None or merged[0] is not base:
            merged = (base, {**base, **_OVERRIDES})
            _MERGED[id(base)] = merged
        gen._dispatch = merged[1]
        return gen

    def generate(self, expression: exp.Expr, copy: bool = True, **opts: Any) -> str:
        return self.finish_generated(super().generate(expression, copy=copy, **opts), expression)

    def finish_generated(self, sql: str, expression: exp.Expr) -> str:
        """The step after sqlglot's generation (the native printer calls it after reusing a generator)."""
        # `_meta`, not `meta`: reading `meta` gives a tree without any a dict of its own.
        meta = expression._meta if isinstance(expression, exp.Expression) else None
        style = meta.get(_STYLE_KEY, "$n") if meta else "$n"
        if "$" in sql or style == "%s":
            sql = number_placeholders(sql, style)
        return sql


SQLGLOT_DIALECT = "cozelitepostgres"


def number_placeholders(sql: str, style: str) -> str:
    """Replace the `$0` sentinels (anonymous placeholders) by numbers, token-aware.

    Anonymous placeholders are numbered in text order after the statement's own `$n` (a pass that
    adds `?` to `... VALUES ($1), ($2)` yields `$3`, `$4`). In psycopg's `%s` style the parameters
    are positional, so the numbers in text order must then read 1, 2, 3, ...
    """
    params = [t for t in pg_parser.scan(sql) if t.name == "PARAM"]
    if not params:
        return sql
    explicit = [int(sql[t.start + 1 : t.end + 1]) for t in params if sql[t.start : t.end + 1] != _SENTINEL]
    following = iter(range(max(explicit, default=0) + 1, len(params) + max(explicit, default=0) + 1))
    numbers = [int(sql[t.start + 1 : t.end + 1]) or next(following) for t in params]
    if style == "%s" and numbers != list(range(1, len(numbers) + 1)):
        raise InvalidArgumentError(
            "cannot print $n parameters that repeat or are out of order as %s; use placeholder='$n'")
    out, last = [], 0
    for tok, number in zip(params, numbers, strict=True):
        chunk = sql[last : tok.start]
        out.append(chunk.replace("%", "%%") if style == "%s" else chunk)
        out.append("%s" if style == "%s" else f"${number}")
        last = tok.end + 1
    tail = sql[last:]
    out.append(tail.replace("%", "%%") if style == "%s" else tail)
    return "".join(out)


def quote_names(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """Quote every name PostgreSQL would otherwise fold or misread (from passes and MySQL input)."""
    for node in tree.find_all(exp.Identifier):
        if not node.quoted and needs_quotes(node.name):
            node.set("quoted", True)
    return tree


def _has_odd_name(tree: exp.Expression) -> bool:
    """Whether `quote_names` would quote anything: the test lets the native printer skip its copy
    of the tree (as costly as printing it) for the statements without such a name, nearly all."""
    return any_node(tree, _odd_name)


def _odd_name(node: exp.Identifier) -> bool:
    return not node.args.get("quoted") and needs_quotes(node.name)


def placeholder_style(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    style = options.get("placeholder", "$n")
    if style not in PLACEHOLDER_STYLES:
        raise InvalidArgumentError(f"unknown placeholder style {style!r}; use one of {', '.join(PLACEHOLDER_STYLES)}")
    tree.meta[_STYLE_KEY] = style
    return tree


class PlaceholderStyle:
    """`placeholder_style` as a native normalizer that says, given the options, whether it changes
    anything: the default style ($n) is what `finish_generated` assumes when the tree names none,
    so a tree without another style gets no copy made for it (the native printer's
    `applies_with(tree, options)`). An unknown style always applies: the call refuses it."""

    def __call__(self, tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
        return placeholder_style(tree, options)

    def applies(self, tree: exp.Expression) -> bool:
        return True  # without the options, it cannot tell

    def applies_with(self, tree: exp.Expression, options: dict[str, Any]) -> bool:
        style = options.get("placeholder", "$n")
        if style not in PLACEHOLDER_STYLES:
            return True
        meta = tree._meta
        current = meta.get(_STYLE_KEY, "$n") if meta else "$n"
        return bool(style != current)


NATIVE_NORMALIZERS = (FunctionNormalizer(quote_names, _has_odd_name), PlaceholderStyle())
