"""insert_columns: add hidden columns (and a primary key) to every row of an INSERT (Go AddColumnsToInsertSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlglot import exp

from sqlparser.errors import InvalidArgumentError, UnsupportedConstructError, UnsupportedStatementError
from sqlparser.literal_runs import LiteralRun, is_run, materialize
from sqlparser.types import ColumnValue, PrimaryKeyValue


def literal(value: Any) -> exp.Expression:
    """An IR literal for a Python value; refuses types whose SQL form would be a guess."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, (int, Decimal)):
        return exp.Literal.number(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidArgumentError(f"cannot insert the float {value!r}: SQL has no literal for it")
        return exp.Literal.number(repr(value))
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise InvalidArgumentError(
        f"cannot insert a value of type {type(value).__name__}; use None, bool, int, float, Decimal or str")


def insert_row_count(tree: exp.Expression) -> int:
    """How many rows an INSERT ... VALUES writes, folded rows counted without unfolding them."""
    return sum(LiteralRun(row).row_count() if is_run(row) else 1 for row in _values(tree).expressions)


def _values(tree: exp.Expression) -> exp.Values:
    if not isinstance(tree, exp.Insert):
        raise UnsupportedStatementError("not an INSERT statement")
    source = tree.expression
    if isinstance(source, exp.Values):
        return source
    raise UnsupportedConstructError(
        f"INSERT ... {type(source).__name__.upper() if source is not None else 'DEFAULT VALUES'}",
        "only INSERT ... VALUES has rows that can be counted or extended")


def insert_columns(tree: exp.Expression) -> list[str]:
    if not isinstance(tree, exp.Insert):
        raise UnsupportedStatementError("not an INSERT statement")
    schema = tree.this
    if not isinstance(schema, exp.Schema):
        raise UnsupportedConstructError(
            "INSERT without a column list", "name the columns, as in INSERT INTO t (a, b) VALUES (...)")
    return [ident.name for ident in schema.expressions]


def add_insert_columns(
    tree: exp.Expression,
    add_cols: Sequence[ColumnValue],
    primary_key: PrimaryKeyValue | None,
    is_param: bool,
) -> tuple[exp.Expression, dict[str, bool], bool]:
    """Returns (tree, existing columns, changed)."""
    values = _values(tree)
    folded = [LiteralRun(row) for row in values.expressions if is_run(row)]
    if folded and (primary_key is not None or is_param):
        # A value per row (a primary key), or placeholders (native styles number them in order):
        # every row is its own node.
        materialize(values)
        folded = []
    rows = [row if isinstance(row, exp.Tuple) else exp.Tuple(expressions=[row])
            for row in values.expressions if not is_run(row)]
    row_count = len(rows) + sum(run.row_count() for run in folded)
    existing = {name: True for name in insert_columns(tree)}
    to_add = [c for c in add_cols if c.col_name not in existing]
    if not to_add:
        return tree, existing, False
    # The primary key to add, unless the INSERT already names its column.
    pk = primary_key if primary_key is not None and primary_key.col_name not in existing else None
    if pk is not None and not is_param and len(pk.values) != row_count:
        raise InvalidArgumentError(
            f"primary key {pk.col_name!r} has {len(pk.values)} values for {row_count} rows")
    schema = tree.this
    for col in to_add:
        schema.append("expressions", exp.to_identifier(col.col_name))
    if pk is not None:
        schema.append("expressions", exp.to_identifier(pk.col_name))
    for i, row in enumerate(rows):
        for col in to_add:
            row.append("expressions", exp.Placeholder() if is_param else literal(col.value))
        if pk is not None:
            row.append("expressions", exp.Placeholder() if is_param else literal(pk.values[i]))
    for run in folded:
        for col in to_add:  # the same literal on every folded row
            run.node.append("expressions", literal(col.value))
    wrapped = iter(rows)
    values.set("expressions", [row if is_run(row) else next(wrapped) for row in values.expressions])
    _extend_row_alias(values, [c.col_name for c in to_add] + ([pk.col_name] if pk is not None else []))
    return tree, existing, True


def _extend_row_alias(values: exp.Expression, added: list[str]) -> None:
    """MySQL's `VALUES (...) AS new(x, y)` names each value: the added ones get names too (their
    column names), or the row would have more values than names."""
    alias = values.args.get("alias")
    if not isinstance(alias, exp.TableAlias) or not alias.columns:
        return
    taken = {c.name.lower() for c in alias.columns}
    for name in added:
        if name.lower() in taken:
            raise UnsupportedConstructError(
                f"row alias {alias.name}(...) naming {name!r}",
                f"the added column {name!r} would need that name in the row alias; rename the alias column")
        alias.append("columns", exp.to_identifier(name))
        taken.add(name.lower())
