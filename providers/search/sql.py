"""DuckDB SQL of the search store, built as sqlglot expressions and rendered for DuckDB.

Structure comes from sqlglot's builders; every value is a named parameter (`Params`), bound by
DuckDB at execution; every column name is a quoted identifier (collection field names come from
callers). Rendering costs more than running a small query, so the hot query shapes render once:
`ShapeCache` keeps rendered SQL under a key naming everything the SQL text depends on, while the
parameter values are collected anew for each call.

DuckDB binds named parameters when it plans a statement that is executed with its values, so a bound
value is a constant to the optimizer: filters on parameters still prune row groups (zone maps) and
the vss extension still answers `ORDER BY array_cosine_distance(column, $q) LIMIT k` from an HNSW
index. LIMIT stays a literal: the top-N and HNSW rewrites need a constant there.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlglot import exp

DIALECT = "duckdb"


class Params:
    """Named parameters of one statement: `params(value)` is a placeholder bound to `value`."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> exp.Placeholder:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return exp.Placeholder(this=name)

    def many(self, values: Iterable[Any]) -> list[exp.Expr]:
        return [self(v) for v in values]


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(ident(name), ident(table) if table else None)


def table(name: str, alias: str | None = None) -> exp.Table:
    return exp.Table(this=ident(name), alias=exp.TableAlias(this=ident(alias)) if alias else None)


def subquery(select: exp.Expr, alias: str) -> exp.Subquery:
    return exp.Subquery(this=select, alias=exp.TableAlias(this=ident(alias)))


def num(value: int | float) -> exp.Expr:
    return exp.Literal.number(value)


def double(value: float) -> exp.Cast:
    """A DOUBLE constant of the SQL's own structure (a bare decimal would be a DECIMAL in DuckDB)."""
    return exp.cast(exp.Literal.number(value), exp.DataType.Type.DOUBLE)


def typed(e: exp.Expr, type_: str) -> exp.Cast:
    return exp.cast(e, exp.DataType.build(type_, dialect=DIALECT))


def func(name: str, *args: exp.Expr) -> exp.Anonymous:
    """A call of the DuckDB function `name`, spelled as is (sqlglot's own function classes may
    render another spelling, e.g. `list` as a filtered ARRAY_AGG)."""
    return exp.Anonymous(this=name, expressions=list(args))


def split_rows(joined: exp.Expr, sep: exp.Expr) -> exp.Select:
    """Rows (v, i) of a string parameter split by `sep` (connection.packed): the i-th part, from 0."""
    parts = exp.select(exp.alias_(func("string_split", joined, sep), "parts"))
    return exp.select(exp.alias_(func("unnest", col("parts")), "v"),
                      exp.alias_(func("unnest", func("range", func("len", col("parts")))), "i")).from_(
        subquery(parts, "sp"))


def and_(conds: Sequence[exp.Expr]) -> exp.Expr:
    return exp.and_(*conds) if conds else exp.true()


def or_(conds: Sequence[exp.Expr]) -> exp.Expr:
    return exp.or_(*conds) if conds else exp.false()


def ordered(e: exp.Expr, ascending: bool) -> exp.Ordered:
    """`e ASC` / `e DESC`, nulls last (DuckDB's default order, which the original SQL relied on)."""
    return exp.Ordered(this=e, desc=not ascending, nulls_first=False)


def returning(stmt: exp.Delete, *columns: exp.Expr) -> exp.Delete:
    """`stmt ... RETURNING columns` (sqlglot's `Delete.returning` builder expects SQL text)."""
    stmt.set("returning", exp.Returning(expressions=list(columns)))
    return stmt


def render(e: exp.Expr, *, copy: bool = True) -> str:
    """The DuckDB SQL of `e`. `copy=False` for a tree built for this one statement: printing may
    change it, and copying a query of a thousand bool clauses costs more than running it."""
    return e.sql(dialect=DIALECT, copy=copy)


class ShapeCache:
    """Rendered SQL by shape key (least recently used ones dropped past `size`)."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._sql: OrderedDict[Any, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, build: Callable[[], exp.Expr]) -> str:
        with self._lock:
            sql = self._sql.get(key)
            if sql is not None:
                self._sql.move_to_end(key)
                return sql
        sql = render(build())
        with self._lock:
            self._sql[key] = sql
            if len(self._sql) > self._size:
                self._sql.popitem(last=False)
        return sql
