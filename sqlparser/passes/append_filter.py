"""append_filter: merge a caller's condition into the WHERE of a SELECT / UPDATE / DELETE."""

from __future__ import annotations

from sqlglot import exp

from sqlparser.errors import UnsupportedStatementError
from sqlparser.types import SQLFilterOp

# Operators that bind looser than AND: as an operand of AND they must stay parenthesized, or the
# merged condition changes meaning (`a OR b AND uid = 'u'` leaks every row matching `a`).
_LOOSER_THAN_AND = (exp.Or, exp.Xor)


def _operand(condition: exp.Expression, op: SQLFilterOp) -> exp.Expression:
    if op is SQLFilterOp.AND and isinstance(condition, _LOOSER_THAN_AND):
        return exp.Paren(this=condition)
    return condition


def merge_condition(existing: exp.Expression | None, condition: exp.Expression, op: SQLFilterOp) -> exp.Expression:
    if existing is None:
        return condition
    node = exp.And if op is SQLFilterOp.AND else exp.Or
    return node(this=_operand(existing, op), expression=_operand(condition, op))


def filter_targets(tree: exp.Expression) -> list[exp.Expression]:
    """The statements whose WHERE receives the filter: the statement, or every arm of a compound SELECT."""
    if isinstance(tree, (exp.Select, exp.Update, exp.Delete)):
        return [tree]
    if isinstance(tree, exp.SetOperation):
        return filter_targets(tree.left) + filter_targets(tree.right)
    if isinstance(tree, exp.Subquery):
        return filter_targets(tree.this)
    raise UnsupportedStatementError("append filter condition failed: only support SELECT/UPDATE/DELETE")


def append_filter(tree: exp.Expression, condition: exp.Expression, op: SQLFilterOp) -> exp.Expression:
    targets = filter_targets(tree)
    for i, target in enumerate(targets):
        where = target.args.get("where")
        cond = condition if i == 0 else condition.copy()
        target.set("where", exp.Where(this=merge_condition(where.this if where else None, cond, op)))
    return tree
