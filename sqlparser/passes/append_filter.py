"""append_filter: merge a caller's condition into the WHERE of a SELECT / UPDATE / DELETE.

This is a tenant boundary (Coze Studio appends `uid = '<user>'`), so it is written to fail closed:

- The existing condition and the caller's condition each stay one operand of the new AND / OR:
  anything that binds looser than the connector is parenthesized (`a OR b` AND `uid = 'u'` is
  `(a OR b) AND uid = 'u'`).
- The filter goes into the WHERE of the statement itself; for a compound SELECT, into every arm.
- Comments are dropped from the result: they carry no meaning, and a printer that copied them
  verbatim could let `*/` or a MySQL executable comment (`/*! ... */`, `/*M! ... */`) reopen SQL
  after the filter.
- A statement with a data-changing statement nested inside (a PostgreSQL `WITH d AS (DELETE ...)`)
  is refused: the filter on the outer SELECT would not restrict the inner write.
"""

from __future__ import annotations

from sqlglot import exp

from sqlparser.errors import UnsupportedConstructError, UnsupportedStatementError
from sqlparser.ir import ROW_WRITES, select_arms
from sqlparser.types import SQLFilterOp

# Nodes that bind at least as tightly as AND in every dialect we print, so they can be an operand
# of AND without parentheses. Anything else (OR, XOR, MySQL `:=`, node types added later) is
# parenthesized: an unneeded pair of parentheses costs nothing, a missing one leaks rows.
# Connectors (AND / OR / XOR) are sqlglot Funcs, so they are decided first, by `_CONNECTORS_OK`.
_TIGHT = (
    exp.Not,
    exp.Predicate,
    exp.Paren,
    exp.Column,
    exp.Literal,
    exp.Boolean,
    exp.Null,
    exp.Func,
    exp.Placeholder,
)
# Under OR, XOR (MySQL: binds between AND and OR) may also stay bare.
_CONNECTORS_OK = {SQLFilterOp.AND: (exp.And,), SQLFilterOp.OR: (exp.And, exp.Or, exp.Xor)}

# The statements that have a WHERE to receive the filter.
_FILTERABLE = (exp.Select, exp.Update, exp.Delete)


def _operand(condition: exp.Expression, op: SQLFilterOp) -> exp.Expression:
    if isinstance(condition, exp.Connector):
        tight = isinstance(condition, _CONNECTORS_OK[op])
    else:
        tight = isinstance(condition, _TIGHT)
    if tight:
        return condition
    return exp.Paren(this=condition)


def merge_condition(existing: exp.Expression | None, condition: exp.Expression, op: SQLFilterOp) -> exp.Expression:
    if existing is None:
        return condition
    node = exp.And if op is SQLFilterOp.AND else exp.Or
    return node(this=_operand(existing, op), expression=_operand(condition, op))


def filter_targets(tree: exp.Expression) -> list[exp.Expr]:
    """The statements whose WHERE receives the filter: the statement, or every arm of a compound SELECT."""
    arms = select_arms(tree)
    if not all(isinstance(arm, _FILTERABLE) for arm in arms):
        raise UnsupportedStatementError("append filter condition failed: only support SELECT/UPDATE/DELETE")
    return arms


def strip_comments(tree: exp.Expression) -> exp.Expression:
    for node in tree.walk():
        if node.comments:
            node.comments = None
    return tree


def refuse_nested_writes(tree: exp.Expression, what: str) -> None:
    """Raise when a write statement sits anywhere below the top-level statement."""
    for node in tree.walk():
        if node is not tree and isinstance(node, ROW_WRITES):
            raise UnsupportedConstructError(
                f"{type(node).__name__.upper()} nested inside a statement",
                f"{what} cannot restrict a write inside a CTE or subquery; run it as its own statement")


def append_filter(tree: exp.Expression, condition: exp.Expression, op: SQLFilterOp) -> exp.Expression:
    targets = filter_targets(tree)
    refuse_nested_writes(tree, "append filter")
    strip_comments(tree)
    strip_comments(condition)
    for i, target in enumerate(targets):
        where = target.args.get("where")
        cond = condition if i == 0 else condition.copy()
        target.set("where", exp.Where(this=merge_condition(where.this if where else None, cond, op)))
    return tree
