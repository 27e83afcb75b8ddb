"""PostgreSQL's operator precedence over IR nodes: pglast drops parentheses, so the lowering puts
them back wherever PostgreSQL would otherwise group an expression differently."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

# PostgreSQL's operator precedence, lowest first (the table in the manual, "Operator Precedence").
P_OR, P_AND, P_NOT, P_IS, P_CMP, P_RANGE, P_OTHER, P_ADD, P_MUL, P_POW, P_AT, P_COLLATE, P_UNARY = range(1, 14)
P_ATOM = 100

_PREC: dict[type, int] = {
    exp.Or: P_OR, exp.And: P_AND, exp.Not: P_NOT,
    exp.Is: P_IS, exp.NullSafeEQ: P_IS, exp.NullSafeNEQ: P_IS,
    exp.EQ: P_CMP, exp.NEQ: P_CMP, exp.LT: P_CMP, exp.GT: P_CMP, exp.LTE: P_CMP, exp.GTE: P_CMP,
    exp.Between: P_RANGE, exp.In: P_RANGE, exp.Like: P_RANGE, exp.ILike: P_RANGE, exp.SimilarTo: P_RANGE,
    exp.Escape: P_RANGE,
    exp.DPipe: P_OTHER, exp.RegexpLike: P_OTHER, exp.RegexpILike: P_OTHER, exp.ArrayContainsAll: P_OTHER,
    exp.ArrayContainedBy: P_OTHER, exp.ArrayOverlaps: P_OTHER, exp.Distance: P_OTHER,
    exp.Add: P_ADD, exp.Sub: P_ADD, exp.Mul: P_MUL, exp.Div: P_MUL, exp.Mod: P_MUL,
    exp.AtTimeZone: P_AT, exp.Collate: P_COLLATE, exp.Neg: P_UNARY,
}


def prec(node: exp.Expression) -> int:
    if isinstance(node, exp.Operator):
        if node.this is None:
            return P_OTHER
        return P_POW if node.text("operator") == "^" else P_OTHER
    if isinstance(node, exp.Not) and node.meta.get("pg_infix_not"):
        return P_RANGE
    if isinstance(node, exp.Literal) and not node.is_string and node.this.startswith("-"):
        return P_UNARY
    return _PREC.get(type(node), P_ATOM)


def wrap(node: exp.Expression, limit: int) -> exp.Expression:
    """Parenthesize `node` when it binds no tighter than `limit`."""
    return exp.Paren(this=node) if prec(node) <= limit else node


def binary(cls: type[exp.Expression], left: exp.Expression, right: exp.Expression, level: int,
           **args: Any) -> exp.Expression:
    # Left-associative: an equal-precedence left operand needs no parentheses; comparisons and the
    # range operators are non-associative in PostgreSQL, so they always do.
    left_limit = level if level in (P_IS, P_CMP, P_RANGE) else level - 1
    return cls(this=wrap(left, left_limit), expression=wrap(right, level), **args)

