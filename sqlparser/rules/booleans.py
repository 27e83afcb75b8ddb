"""Truth values: MySQL has none (TRUE is 1, a comparison is 0 or 1), PostgreSQL is strict about them.
Tables that must convert between the two ask what a node is and what its parent needs."""

from __future__ import annotations

from sqlglot import exp

_PREDICATES = (exp.Predicate, exp.Connector, exp.Not, exp.Boolean, exp.Exists, exp.Escape)


def is_predicate(node: exp.Expression) -> bool:
    while isinstance(node, exp.Paren):
        node = node.this
    return isinstance(node, _PREDICATES)


def context(node: exp.Expression) -> str:
    """"predicate" when the parent needs a truth value, "value" when it needs a number, else "other"."""
    child, parent = node, node.parent
    while isinstance(parent, exp.Paren):
        child, parent = parent, parent.parent
    if parent is None:
        return "other"
    key = child.arg_key
    if isinstance(parent, exp.Escape):
        return "other"  # the LIKE inside `x LIKE p ESCAPE c`
    if isinstance(parent, exp.Is):
        # MySQL's `x IS TRUE` tests x as a truth value; `x IS NULL` keeps x as it is.
        return "predicate" if key == "this" and isinstance(parent.expression, exp.Boolean) else "other"
    if isinstance(parent, exp.If) and key == "this" and isinstance(parent.parent, exp.Case) \
            and parent.parent.this is not None:
        return "value"  # CASE x WHEN 1 THEN ...: the WHEN operand is compared, not tested
    if isinstance(parent, (exp.DefaultColumnConstraint, exp.Values)):
        return "value"
    if isinstance(parent, (exp.Where, exp.Having)) or (isinstance(parent, exp.Join) and key == "on"):
        return "predicate"
    if isinstance(parent, (exp.Connector, exp.Not)):
        return "predicate"
    if isinstance(parent, exp.If) and key == "this":
        return "predicate"
    if isinstance(parent, exp.Filter) and key == "expression":
        return "predicate"
    if isinstance(parent, (exp.Alias, exp.Select, exp.Tuple, exp.Binary, exp.Func, exp.Ordered, exp.Group,
                           exp.Neg, exp.Cast, exp.Between, exp.In, exp.If)):
        if isinstance(parent, exp.Select) and key != "expressions":
            return "other"
        return "value"
    if isinstance(parent, exp.Case):
        return "value" if key in ("this", "default") else "other"
    return "other"
