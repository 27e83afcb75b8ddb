"""MySQL's operator precedence, and operands parenthesized by it.

Trees built by passes nest an operator under a tighter one without a `Paren` node; the printers of
operators and casts print their operands through `operand`, which adds the parentheses MySQL's
precedence needs so the text always means what the tree means.
"""

from __future__ import annotations

from sqlglot import exp

from formatter.compat.base import Restorer

# -- precedence (MySQL 8 manual, "Operator Precedence"; larger binds tighter) -----------------

OR, XOR, AND, NOT, BETWEEN, CMP, BIT_OR, BIT_AND, SHIFT, ADD, MUL, BIT_XOR, UNARY, COLLATE = range(1, 15)
ATOM = 100

BINARY_OPS: dict[type[exp.Expr], tuple[str, int, bool]] = {
    # node: (literal, precedence, is keyword)
    exp.Or: ("OR", OR, True),
    exp.Xor: ("XOR", XOR, True),
    exp.And: ("AND", AND, True),
    exp.EQ: ("=", CMP, False),
    exp.NEQ: ("!=", CMP, False),
    exp.GT: (">", CMP, False),
    exp.GTE: (">=", CMP, False),
    exp.LT: ("<", CMP, False),
    exp.LTE: ("<=", CMP, False),
    exp.NullSafeEQ: ("<=>", CMP, False),
    exp.BitwiseOr: ("|", BIT_OR, False),
    exp.BitwiseAnd: ("&", BIT_AND, False),
    exp.BitwiseLeftShift: ("<<", SHIFT, False),
    exp.BitwiseRightShift: (">>", SHIFT, False),
    exp.Add: ("+", ADD, False),
    exp.Sub: ("-", ADD, False),
    exp.Mul: ("*", MUL, False),
    exp.Div: ("/", MUL, False),
    exp.IntDiv: ("DIV", MUL, True),
    exp.Mod: ("%", MUL, False),
    exp.BitwiseXor: ("^", BIT_XOR, False),
}


# Same-operator chains that may be regrouped to the right without changing the result.
_ASSOCIATIVE = (exp.Or, exp.Xor, exp.And, exp.BitwiseOr, exp.BitwiseAnd, exp.BitwiseXor)


def precedence(node: exp.Expr) -> int:
    if isinstance(node, exp.Paren):
        return ATOM
    op = BINARY_OPS.get(type(node))
    if op is not None:
        return op[1]
    if isinstance(node, exp.Not):
        inner = node.this
        if isinstance(inner, exp.Between):
            return BETWEEN
        if isinstance(inner, (exp.In, exp.Like, exp.ILike, exp.Is, exp.RegexpLike, exp.Escape)):
            return CMP
        if isinstance(inner, exp.Exists):
            return ATOM
        return NOT
    if isinstance(node, exp.Between):
        return BETWEEN
    if isinstance(node, (exp.In, exp.Like, exp.ILike, exp.Is, exp.RegexpLike, exp.Escape)):
        return CMP
    if isinstance(node, (exp.Neg, exp.BitwiseNot)):
        return UNARY
    if isinstance(node, exp.Collate):
        return COLLATE
    if isinstance(node, exp.Introducer):
        return UNARY
    return ATOM


def operand(r: Restorer, node: exp.Expr, parent: exp.Expr, parent_prec: int, *, right: bool) -> str:
    """Print `node` as an operand of `parent`, parenthesized when MySQL would otherwise group it differently."""
    text = r.node(node)
    child = precedence(node)
    if child > parent_prec:
        return text
    if child == parent_prec and parent_prec == UNARY:  # prefix operators nest: - -1, ~-1
        return text
    if child == parent_prec:
        if not right:
            return text
        if type(node) is type(parent) and isinstance(node, _ASSOCIATIVE):
            return text
    return "(" + text + ")"
