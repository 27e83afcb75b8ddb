"""select_fields: add hidden fields to a SELECT's list (Go AddSelectFieldsToSelectSQL)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from sqlparser.errors import UnsupportedStatementError
from sqlparser.ir import select_arms


def _selects(tree: exp.Expression) -> list[exp.Select]:
    arms = select_arms(tree)
    selects = [arm for arm in arms if isinstance(arm, exp.Select)]
    if len(selects) != len(arms):
        raise UnsupportedStatementError("not a select statement")
    return selects


def _selects_everything_or_aggregates(select: exp.Select) -> bool:
    for field in select.expressions:
        if isinstance(field, exp.Star) or (isinstance(field, exp.Column) and isinstance(field.this, exp.Star)):
            return True
        # A window function (RANK() OVER ..., SUM(x) OVER ...) keeps one row per input row, so
        # an extra field is fine there; only a plain aggregate collapses rows.
        if any(agg.find_ancestor(exp.Window) is None for agg in field.find_all(exp.AggFunc)):
            return True
    return bool(select.args.get("group"))


def add_select_fields(tree: exp.Expression, fields: Sequence[str]) -> tuple[exp.Expression, bool]:
    """Returns (tree, changed). Unchanged when any arm selects * or aggregates: an extra column
    there would change the result's meaning (or be invalid under ONLY_FULL_GROUP_BY)."""
    arms = _selects(tree)
    if not fields or any(_selects_everything_or_aggregates(arm) for arm in arms):
        return tree, False
    for arm in arms:
        for name in fields:
            arm.append("expressions", exp.column(name))
    return tree, True
