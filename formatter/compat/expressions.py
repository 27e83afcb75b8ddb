"""Compat printers for expressions: operators, predicates, names, literals, CASE / IF, subqueries
and aliases.

Spacing follows TiDB: symbolic operators are written without spaces (``a>1``, ``a+b``), keyword
operators with one space on each side (``a AND b``, ``a DIV b``); function arguments are separated
by ``", "``, IN lists and row constructors by ``","``.

Parentheses: a `Paren` node prints as written. Where the tree nests an operator under a tighter one
without a `Paren` (trees built by passes), the printer adds the parentheses MySQL's precedence needs
(`precedence.operand`), so the text always means what the tree means.
"""

from __future__ import annotations

import re

from sqlglot import exp

from formatter.compat.base import Restorer, check_args, printer
from formatter.compat.common import interval, number, table_alias
from formatter.compat.precedence import BETWEEN, BINARY_OPS, CMP, COLLATE, NOT, UNARY, operand
from sqlparser.errors import UnsupportedConstructError

# Predicates printed as `x NOT <op> ...` when wrapped in sqlglot's Not.
_NEGATABLE = (exp.In, exp.Like, exp.ILike, exp.Between, exp.Is, exp.RegexpLike, exp.Exists, exp.Escape)


@printer(*BINARY_OPS)
def _binary(r: Restorer, node: exp.Binary) -> str:
    # MySQL's `/` yields NULL on a zero divisor: sqlglot marks that `safe`; `typed` (integer
    # division of integers, as in PostgreSQL) has no `/` form in MySQL.
    check_args(node, ("this", "expression", "safe") if isinstance(node, exp.Div) else ("this", "expression"))
    literal, prec, keyword = BINARY_OPS[type(node)]
    right_node = node.expression
    if isinstance(node, (exp.Add, exp.Sub)) and isinstance(right_node, exp.Interval):
        # TiDB parses `d + INTERVAL n unit` into DATE_ADD(d, INTERVAL n unit), and prints it so.
        name = "DATE_ADD" if isinstance(node, exp.Add) else "DATE_SUB"
        return r.kw(name) + "(" + r.node(node.this) + ", " + interval(r, right_node) + ")"
    if isinstance(node, exp.Add) and isinstance(node.this, exp.Interval):
        return r.kw("DATE_ADD") + "(" + r.node(right_node) + ", " + interval(r, node.this) + ")"
    if isinstance(right_node, (exp.Any, exp.All)) and prec == CMP:
        return _quantified(r, node, literal)
    op = " " + r.kw(literal) + " " if keyword else literal
    return (operand(r, node.this, node, prec, right=False) + op
            + operand(r, right_node, node, prec, right=True))


def _quantified(r: Restorer, node: exp.Binary, literal: str) -> str:
    quant = node.expression
    check_args(quant, ("this",))
    word = "ALL " if isinstance(quant, exp.All) else "ANY "
    return operand(r, node.this, node, CMP, right=False) + literal + r.kw(word) + _subquery_operand(r, quant.this)


def _subquery_operand(r: Restorer, node: exp.Expression) -> str:
    if isinstance(node, exp.Subquery):
        return r.node(node)
    if isinstance(node, exp.Query):
        return "(" + r.node(node) + ")"
    raise UnsupportedConstructError(type(node).__name__, "ANY/ALL/EXISTS need a subquery")


@printer(exp.DPipe)
def _dpipe(r: Restorer, node: exp.DPipe) -> str:
    # sqlglot's DPipe is string concatenation (`||` of SQLite and PostgreSQL). MySQL reads `||` as
    # OR (its MySQL reader builds Or for it), so concatenation is spelled CONCAT here.
    check_args(node, ("this", "expression", "safe"))
    return r.kw("CONCAT") + "(" + r.node(node.this) + ", " + r.node(node.expression) + ")"


_ODBC_ESCAPE = re.compile(r"\{\s*[A-Za-z_][A-Za-z0-9_]*$")


@printer(exp.Paren)
def _paren(r: Restorer, node: exp.Paren) -> str:
    check_args(node, ("this",))
    inner = node.this
    before = r.source_before(inner)
    if before is not None and _ODBC_ESCAPE.search(before) and (
            isinstance(inner, (exp.Literal, exp.Column, exp.Paren)) or isinstance(node.parent, exp.Select)):
        # an ODBC escape `{x expr}` that the front end keeps as parentheses; TiDB prints the bare
        # expression, which only changes nothing where no operator is around it
        return r.node(inner)
    return "(" + r.node(inner) + ")"


@printer(exp.Not)
def _not(r: Restorer, node: exp.Not) -> str:
    check_args(node, ("this",))
    inner = node.this
    if isinstance(inner, _NEGATABLE):
        return _predicate(r, inner, negated=True)
    return r.kw("not ") + operand(r, inner, node, NOT, right=True)


@printer(exp.Neg)
def _neg(r: Restorer, node: exp.Neg) -> str:
    check_args(node, ("this",))
    inner = node.this
    # MySQL reads `--1` as two minus signs (a comment needs `-- ` with a space), as TiDB prints it.
    return "-" + operand(r, inner, node, UNARY, right=True)


@printer(exp.BitwiseNot)
def _bitnot(r: Restorer, node: exp.BitwiseNot) -> str:
    check_args(node, ("this",))
    return "~" + operand(r, node.this, node, UNARY, right=True)


@printer(exp.In, exp.Like, exp.ILike, exp.Between, exp.Is, exp.RegexpLike, exp.Exists, exp.Escape)
def _positive_predicate(r: Restorer, node: exp.Expression) -> str:
    return _predicate(r, node, negated=False)


def _predicate(r: Restorer, node: exp.Expression, *, negated: bool) -> str:
    # sqlglot spells `a NOT LIKE b` and `a IS NOT x` with the node's own `negate` flag, and most
    # other negated predicates as Not(node): both count, and two negations cancel.
    if node.args.get("negate"):
        negated = not negated
    neg = "NOT " if negated else ""
    if isinstance(node, exp.Exists):
        check_args(node, ("this",))
        return r.kw(neg + "EXISTS ") + _subquery_operand(r, node.this)
    if isinstance(node, exp.Between):
        check_args(node, ("this", "low", "high"))
        return (operand(r, node.this, node, BETWEEN, right=False) + r.kw(" " + neg + "BETWEEN ")
                + operand(r, node.args["low"], node, BETWEEN, right=True) + r.kw(" AND ")
                + operand(r, node.args["high"], node, BETWEEN, right=True))
    if isinstance(node, exp.In):
        check_args(node, ("this", "expressions", "query"))
        left = operand(r, node.this, node, CMP, right=False) + r.kw(" " + neg + "IN ")
        query = node.args.get("query")
        if query is not None:
            return left + _subquery_operand(r, query)
        return left + "(" + ",".join(r.node(e) for e in node.expressions) + ")"
    if isinstance(node, exp.Is):
        check_args(node, ("this", "expression", "negate"))
        target = node.expression
        left = operand(r, node.this, node, CMP, right=False)
        if isinstance(target, exp.Null) or (isinstance(target, exp.Var) and target.name.upper() == "UNKNOWN"):
            return left + r.kw(" IS " + neg + "NULL")
        if isinstance(target, exp.Boolean):
            return left + r.kw(" IS " + neg + ("TRUE" if target.this else "FALSE"))
        raise UnsupportedConstructError("IS " + type(target).__name__)
    if isinstance(node, exp.Escape):
        check_args(node, ("this", "expression"))
        like = node.this
        if not isinstance(like, (exp.Like, exp.ILike)):
            raise UnsupportedConstructError("ESCAPE on " + type(like).__name__)
        escape = node.expression
        if not (isinstance(escape, exp.Literal) and escape.is_string):
            raise UnsupportedConstructError("ESCAPE " + type(escape).__name__)
        text = _predicate(r, like, negated=negated)
        if escape.this == "\\":  # MySQL's default escape character: TiDB leaves it implicit
            return text
        return text + r.kw(" ESCAPE ") + r.string(escape.this, introducer=False)
    if isinstance(node, (exp.Like, exp.ILike)):
        check_args(node, ("this", "expression", "negate"))
        word = "LIKE " if isinstance(node, exp.Like) else "ILIKE "
        return (operand(r, node.this, node, CMP, right=False) + r.kw(" " + neg + word)
                + operand(r, node.expression, node, CMP, right=True))
    if isinstance(node, exp.RegexpLike):
        check_args(node, ("this", "expression"))
        return (operand(r, node.this, node, CMP, right=False) + r.kw(" " + neg + "REGEXP ")
                + operand(r, node.expression, node, CMP, right=True))
    raise UnsupportedConstructError(type(node).__name__)


@printer(exp.Collate)
def _collate(r: Restorer, node: exp.Collate) -> str:
    check_args(node, ("this", "expression"))
    collation = node.expression
    name = collation.name if isinstance(collation, (exp.Var, exp.Identifier, exp.Column, exp.Literal)) else None
    if not name:
        raise UnsupportedConstructError("COLLATE " + type(collation).__name__)
    return operand(r, node.this, node, COLLATE, right=False) + r.kw(" COLLATE ") + name


# -- names ------------------------------------------------------------------------------------

@printer(exp.Identifier)
def _identifier(r: Restorer, node: exp.Identifier) -> str:
    return r.name(node.this)


# Reserved words that sqlglot reads as a column name when written bare, though MySQL reads a
# niladic function (or DEFAULT). Only parser-made nodes (they carry a source position) count: a
# pass that builds a column with such a name means the column.
_BARE_FUNCTIONS = frozenset({"UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP",
                             "CURRENT_USER", "CURRENT_ROLE"})


def _bare_keyword(node: exp.Column) -> str | None:
    ident = node.this
    if (node.table or not isinstance(ident, exp.Identifier) or ident.quoted or not ident._meta
            or "start" not in ident.meta):
        return None
    word = ident.name.upper()
    if word in _BARE_FUNCTIONS:
        return word + "()"
    if word == "DEFAULT":
        return word
    return None


@printer(exp.Column)
def _column(r: Restorer, node: exp.Column) -> str:
    check_args(node, ("this", "table", "db", "catalog"))
    keyword = _bare_keyword(node)
    if keyword is not None:
        return r.kw(keyword)
    parts = [node.args.get(k) for k in ("catalog", "db", "table")]
    prefix = "".join(r.node(p) + "." for p in parts if p is not None)
    return prefix + r.node(node.this)


@printer(exp.Star)
def _star(r: Restorer, node: exp.Star) -> str:
    check_args(node, ())
    return "*"


@printer(exp.Var)
def _var(r: Restorer, node: exp.Var) -> str:
    return r.kw(node.name)


@printer(exp.Placeholder)
def _placeholder(r: Restorer, node: exp.Placeholder) -> str:
    if node.this:
        raise UnsupportedConstructError(f"named placeholder :{node.this}", "TiDB only has ? markers")
    return "?"


@printer(exp.SessionParameter)
def _session_parameter(r: Restorer, node: exp.SessionParameter) -> str:
    check_args(node, ("this", "kind"))
    kind = node.args.get("kind")
    scope = r.kw(str(kind).upper()) + "." if kind else ""
    return "@@" + scope + r.name(node.name)


@printer(exp.PropertyEQ)
def _assign_variable(r: Restorer, node: exp.PropertyEQ) -> str:
    # @v := expr, TiDB's VariableExpr with a value
    check_args(node, ("this", "expression"))
    if not isinstance(node.this, exp.Parameter):
        raise UnsupportedConstructError("assignment to " + type(node.this).__name__)
    return r.node(node.this) + ":=" + r.node(node.expression)


@printer(exp.Parameter)
def _parameter(r: Restorer, node: exp.Parameter) -> str:
    check_args(node, ("this",))
    if isinstance(node.this, exp.Literal):
        # PostgreSQL's $n: as @`n` it would become a MySQL user variable, and as ? it would lose
        # its number (a $1 used twice binds one value, two ? bind two).
        raise UnsupportedConstructError(f"positional parameter ${node.this.name}",
                                        "compat (TiDB) output has only ? markers")
    return "@" + r.name(node.name)


# -- literals ---------------------------------------------------------------------------------


@printer(exp.Literal)
def _literal(r: Restorer, node: exp.Literal) -> str:
    if node.is_string:
        return r.string(node.this)
    return number(node.this)


@printer(exp.Null)
def _null(r: Restorer, node: exp.Null) -> str:
    return r.kw("NULL")


@printer(exp.Boolean)
def _boolean(r: Restorer, node: exp.Boolean) -> str:
    return r.kw("TRUE" if node.this else "FALSE")


@printer(exp.National)
def _national(r: Restorer, node: exp.National) -> str:
    # N'x' is a utf8 string; TiDB shows that charset whenever it shows introducers at all.
    body = r.string(node.this, introducer=False)
    return "_" + r.kw("utf8") + body if r.options.string_charset else body


@printer(exp.HexString)
def _hex(r: Restorer, node: exp.HexString) -> str:
    check_args(node, ("this",))
    digits: str = node.this.lower()
    if len(digits) % 2:
        digits = "0" + digits
    return "x'" + digits + "'"


@printer(exp.BitString)
def _bits(r: Restorer, node: exp.BitString) -> str:
    check_args(node, ("this",))
    # TiDB keeps a bit literal as its value and prints it without leading zeros
    return "b'" + (node.this.lstrip("0") or "0") + "'"


@printer(exp.Introducer)
def _introducer(r: Restorer, node: exp.Introducer) -> str:
    # `_utf8mb4'x'`: an explicit introducer is part of the value's type, so it is always kept.
    check_args(node, ("this", "expression"))
    charset = node.this.name if isinstance(node.this, exp.Expression) else str(node.this)
    charset = charset.lstrip("_")
    value = node.expression
    if isinstance(value, exp.Literal) and value.is_string:
        return "_" + r.kw(charset.lower()) + r.string(value.this, introducer=False)
    return "_" + r.kw(charset.lower()) + " " + r.node(value)


@printer(exp.Tuple)
def _tuple(r: Restorer, node: exp.Tuple) -> str:
    check_args(node, ("expressions",))
    return r.kw("ROW") + "(" + ",".join(r.node(e) for e in node.expressions) + ")"


@printer(exp.Subquery)
def _subquery(r: Restorer, node: exp.Subquery) -> str:
    check_args(node, ("this", "alias"))
    text = "(" + r.node(node.this) + ")"
    alias = node.args.get("alias")
    if alias is not None:
        text += r.kw(" AS ") + table_alias(r, alias)
    return text


@printer(exp.Alias)
def _alias(r: Restorer, node: exp.Alias) -> str:
    check_args(node, ("this", "alias"))
    return r.node(node.this) + r.kw(" AS ") + r.node(node.args["alias"])


# -- CASE, IF ----------------------------------------------------------------------------------

@printer(exp.Case)
def _case(r: Restorer, node: exp.Case) -> str:
    check_args(node, ("this", "ifs", "default"))
    out = r.kw("CASE")
    if node.this is not None:
        out += " " + r.node(node.this)
    for branch in node.args.get("ifs") or []:
        check_args(branch, ("this", "true"))
        out += " " + r.kw("WHEN ") + r.node(branch.this) + r.kw(" THEN ") + r.node(branch.args["true"])
    default = node.args.get("default")
    if default is not None:
        out += r.kw(" ELSE ") + r.node(default)
    return out + r.kw(" END")


@printer(exp.If)
def _if(r: Restorer, node: exp.If) -> str:
    check_args(node, ("this", "true", "false"))
    args = [node.this, node.args["true"]]
    if node.args.get("false") is not None:
        args.append(node.args["false"])
    return r.func_name(node, "IF") + "(" + ", ".join(r.node(a) for a in args) + ")"
