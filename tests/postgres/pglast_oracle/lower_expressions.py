"""PostgreSQL expressions (pglast nodes) -> IR: one handler per node type.

`ExpressionLowerer` is the base of the statement lowering in `lower.py`: a sub-select inside an
expression, ORDER BY inside an aggregate and OVER windows are lowered by the statement half
(`statement`, `sort_by`, `window`), which the subclass provides.
"""

from __future__ import annotations

import functools
import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pglast import ast, enums
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres

from dialects.postgres.names import SAFE_NAME, ident, needs_quotes, quoted_parts
from dialects.postgres.precedence import (
    P_ADD,
    P_AND,
    P_AT,
    P_CMP,
    P_COLLATE,
    P_IS,
    P_MUL,
    P_OR,
    P_OTHER,
    P_POW,
    P_RANGE,
    P_UNARY,
    binary,
    wrap,
)
from sqlparser.ir import Unlowerable
from tests.postgres.pglast_oracle.nodes import need
from tests.postgres.pglast_oracle.type_names import datatype


class ExpressionLowerer(ABC):
    """One statement's lowering, expression half. `anonymous_params`: `$n` came from MySQL-style `?`
    (print them back as ?)."""

    def __init__(self, *, anonymous_params: bool = False, text: str | None = None) -> None:
        self.anonymous_params = anonymous_params
        # The parsed text, to tell `"name"` from `name` (pglast keeps only the folded name).
        self.text = text

    def names(self, names: Sequence[str], location: int | None) -> list[exp.Identifier]:
        quoted = quoted_parts(self.text, location, len(names))
        if quoted is None:
            return [ident(n) for n in names]
        return [exp.Identifier(this=n, quoted=q or needs_quotes(n)) for n, q in zip(names, quoted, strict=True)]

    def expr(self, node: Any) -> exp.Expression:
        if node is None:
            raise Unlowerable("NULL node")
        handler = _EXPR.get(type(node))
        if handler is None:
            raise Unlowerable(type(node).__name__)
        return handler(self, node)

    def exprs(self, nodes: Sequence[Any] | None) -> list[exp.Expression]:
        return [self.expr(n) for n in nodes or ()]

    @abstractmethod
    def statement(self, node: Any) -> exp.Expression:
        """A SELECT / INSERT / UPDATE / DELETE statement (also as a sub-select)."""

    @abstractmethod
    def sort_by(self, s: ast.SortBy) -> exp.Ordered:
        """One ORDER BY item."""

    @abstractmethod
    def window(self, w: ast.WindowDef, *, named: bool = False, func: exp.Expression | None = None) -> exp.Window:
        """A window definition, or `func OVER (...)` when `func` is given."""


def _names(parts: Sequence[ast.String] | None) -> list[str]:
    """The texts of a dotted name (function, collation, operator)."""
    return [n.sval or "" for n in parts or ()]


def _number(text: str) -> exp.Expression:
    if text.startswith("-"):
        return exp.Neg(this=exp.Literal.number(text[1:]))
    return exp.Literal.number(text)


# -- expression handlers ---------------------------------------------------------------------

_EXPR: dict[type, Callable[[ExpressionLowerer, Any], exp.Expression]] = {}
_Handler = TypeVar("_Handler", bound=Callable[..., exp.Expression])


def handles(*types: type) -> Callable[[_Handler], _Handler]:
    """Register the decorated function as the lowering of pglast nodes of `types`."""

    def register(fn: _Handler) -> _Handler:
        for t in types:
            if t in _EXPR:
                raise RuntimeError(f"two lowerings for {t.__name__}")
            _EXPR[t] = fn
        return fn

    return register


@handles(ast.A_Const)
def _const(lw: ExpressionLowerer, node: ast.A_Const) -> exp.Expression:
    if node.isnull:
        return exp.Null()
    val = node.val
    if isinstance(val, ast.Integer):
        return _number(str(val.ival))
    if isinstance(val, ast.Float):
        return _number(need(val.fval, val))
    if isinstance(val, ast.String):
        return exp.Literal.string(val.sval)
    if isinstance(val, ast.Boolean):
        return exp.Boolean(this=bool(val.boolval))
    if isinstance(val, ast.BitString):
        text = need(val.bsval, val)
        if text[:1] in ("b", "B"):
            return exp.BitString(this=text[1:])
        if text[:1] in ("x", "X"):
            return exp.HexString(this=text[1:])
    raise Unlowerable("A_Const")  # a constant kind without an IR literal


@handles(ast.ColumnRef)
def _column_ref(lw: ExpressionLowerer, node: ast.ColumnRef) -> exp.Expression:
    parts: list[exp.Expression] = []
    fields = need(node.fields, node)
    names = [need(f.sval, f) for f in fields if isinstance(f, ast.String)]
    idents = iter(lw.names(names, node.location))
    for f in fields:
        if isinstance(f, ast.A_Star):
            parts.append(exp.Star())
        elif isinstance(f, ast.String):
            parts.append(next(idents))
        else:
            raise Unlowerable("ColumnRef")  # a name part that is neither a name nor *
    if len(parts) == 1 and isinstance(parts[0], exp.Star):
        return parts[0]
    if len(parts) > 4:
        raise Unlowerable("ColumnRef")  # more than four name parts
    keys = ("this", "table", "db", "catalog")
    return exp.Column(**{k: p for k, p in zip(keys, reversed(parts), strict=False)})


@handles(ast.ParamRef)
def _param(lw: ExpressionLowerer, node: ast.ParamRef) -> exp.Expression:
    if lw.anonymous_params:
        return exp.Placeholder()
    return exp.Parameter(this=exp.Literal.number(node.number))


_BINARY_OPS: dict[str, tuple[type[exp.Expression], int]] = {
    "=": (exp.EQ, P_CMP), "<>": (exp.NEQ, P_CMP), "<": (exp.LT, P_CMP), ">": (exp.GT, P_CMP),
    "<=": (exp.LTE, P_CMP), ">=": (exp.GTE, P_CMP), "+": (exp.Add, P_ADD), "-": (exp.Sub, P_ADD),
    "*": (exp.Mul, P_MUL), "/": (exp.Div, P_MUL), "%": (exp.Mod, P_MUL), "||": (exp.DPipe, P_OTHER),
}


def _op_name(name: Sequence[ast.String] | None, node: ast.Node) -> tuple[str, bool]:
    """(operator text, qualified?)"""
    parts = [need(n.sval, n) for n in need(name, node)]
    return parts[-1], len(parts) > 1


def _operator(lw: ExpressionLowerer, op: str, left: exp.Expression | None, right: exp.Expression) -> exp.Expression:
    if op in _BINARY_OPS and left is not None:
        cls, level = _BINARY_OPS[op]
        if cls is exp.Div:  # PostgreSQL's / keeps the operand types (integer division stays integer)
            return binary(cls, left, right, level, typed=True, safe=False)
        return binary(cls, left, right, level)
    if left is None:
        if op == "-":
            inner = wrap(right, P_UNARY - 1)
            if isinstance(inner, (exp.Neg,)) or (isinstance(inner, exp.Literal) and inner.this.startswith("-")):
                inner = exp.Paren(this=inner)
            return exp.Neg(this=inner)
        return exp.Operator(this=None, operator=op, expression=wrap(right, P_OTHER))
    if op in _OTHER_OPS:
        return binary(_OTHER_OPS[op], left, right, P_OTHER)
    level = P_POW if op == "^" else P_OTHER
    return binary(exp.Operator, left, right, level, operator=op)


# PostgreSQL operators sqlglot has a node for (and prints back as the same operator).
_OTHER_OPS: dict[str, type[exp.Expression]] = {
    "~": exp.RegexpLike, "~*": exp.RegexpILike, "@>": exp.ArrayContainsAll, "<@": exp.ArrayContainedBy,
    "&&": exp.ArrayOverlaps, "<->": exp.Distance,
}


@handles(ast.A_Expr)
def _a_expr(lw: ExpressionLowerer, node: ast.A_Expr) -> exp.Expression:
    kind = node.kind
    K = enums.A_Expr_Kind
    op, qualified = _op_name(node.name, node)
    if qualified:
        raise Unlowerable("A_Expr")  # OPERATOR(schema.op)
    if kind == K.AEXPR_OP:
        left = lw.expr(node.lexpr) if node.lexpr is not None else None
        return _operator(lw, op, left, lw.expr(node.rexpr))
    if kind in (K.AEXPR_OP_ANY, K.AEXPR_OP_ALL):
        wrapper = exp.Any if kind == K.AEXPR_OP_ANY else exp.All
        rhs = wrapper(this=exp.Paren(this=lw.expr(node.rexpr)))
        return _operator(lw, op, lw.expr(node.lexpr), rhs)
    if kind in (K.AEXPR_DISTINCT, K.AEXPR_NOT_DISTINCT):
        cls = exp.NullSafeNEQ if kind == K.AEXPR_DISTINCT else exp.NullSafeEQ
        return binary(cls, lw.expr(node.lexpr), lw.expr(node.rexpr), P_IS)
    if kind == K.AEXPR_NULLIF:
        return exp.Nullif(this=lw.expr(node.lexpr), expression=lw.expr(node.rexpr))
    if kind == K.AEXPR_IN:
        if not isinstance(node.rexpr, tuple):
            raise Unlowerable("A_Expr")  # IN with a non-list right side
        in_list = exp.In(this=wrap(lw.expr(node.lexpr), P_RANGE), expressions=lw.exprs(node.rexpr))
        if op == "<>":
            return _infix_not(in_list)
        return in_list
    if kind in (K.AEXPR_LIKE, K.AEXPR_ILIKE):
        like: type[exp.Expression] = exp.Like if kind == K.AEXPR_LIKE else exp.ILike
        negate = op.startswith("!")
        if op not in ("~~", "!~~", "~~*", "!~~*"):
            raise Unlowerable("A_Expr")  # LIKE spelled as an operator other than ~~ / ~~*
        return _like(lw, like, node, negate)
    if kind == K.AEXPR_SIMILAR:
        right = node.rexpr
        if isinstance(right, ast.FuncCall) and _names(right.funcname) == ["pg_catalog", "similar_to_escape"]:
            escape_args = right.args or ()
            if len(escape_args) != 1:
                raise Unlowerable("A_Expr")  # SIMILAR TO ... ESCAPE
            right = escape_args[0]
        similar = binary(exp.SimilarTo, lw.expr(node.lexpr), lw.expr(right), P_RANGE)
        return _infix_not(similar) if op == "!~" else similar
    if kind in (K.AEXPR_BETWEEN, K.AEXPR_NOT_BETWEEN, K.AEXPR_BETWEEN_SYM, K.AEXPR_NOT_BETWEEN_SYM):
        bounds = node.rexpr
        if not isinstance(bounds, tuple) or len(bounds) != 2:
            raise Unlowerable("A_Expr")  # BETWEEN has exactly two bounds
        low, high = bounds
        args: dict[str, Any] = {"this": wrap(lw.expr(node.lexpr), P_RANGE), "low": wrap(lw.expr(low), P_RANGE),
                                "high": wrap(lw.expr(high), P_RANGE)}
        if kind in (K.AEXPR_BETWEEN_SYM, K.AEXPR_NOT_BETWEEN_SYM):
            args["symmetric"] = True
        between = exp.Between(**args)
        if kind in (K.AEXPR_NOT_BETWEEN, K.AEXPR_NOT_BETWEEN_SYM):
            return _infix_not(between)
        return between
    raise Unlowerable("A_Expr")  # OF / IN with a sub-select / other kinds


def _like(lw: ExpressionLowerer, cls: type[exp.Expression], node: ast.A_Expr, negate: bool) -> exp.Expression:
    right = node.rexpr
    escape = None
    if isinstance(right, ast.FuncCall) and _names(right.funcname) == ["pg_catalog", "like_escape"]:
        right, escape = need(right.args, right)
    args: dict[str, Any] = {}
    if negate:
        args["negate"] = True
    out = binary(cls, lw.expr(node.lexpr), lw.expr(right), P_RANGE, **args)
    if escape is not None:
        return exp.Escape(this=out, expression=wrap(lw.expr(escape), P_RANGE))
    return out


def _infix_not(node: exp.Expression) -> exp.Not:
    # `a NOT IN (...)` / `a NOT BETWEEN ...`: sqlglot's shape is Not(In); the mark makes the
    # PostgreSQL printer put NOT in the middle, which is what PostgreSQL parsed.
    out = exp.Not(this=node)
    out.meta["pg_infix_not"] = True
    return out


@handles(ast.BoolExpr)
def _bool_expr(lw: ExpressionLowerer, node: ast.BoolExpr) -> exp.Expression:
    T = enums.BoolExprType
    if node.boolop == T.NOT_EXPR:
        return exp.Not(this=wrap(lw.expr(need(node.args, node)[0]), P_AND))
    cls, level = (exp.And, P_AND) if node.boolop == T.AND_EXPR else (exp.Or, P_OR)
    args = [wrap(lw.expr(a), level) for a in need(node.args, node)]
    out = args[0]
    for a in args[1:]:
        out = cls(this=out, expression=a)
    return out


@handles(ast.NullTest)
def _null_test(lw: ExpressionLowerer, node: ast.NullTest) -> exp.Expression:
    args: dict[str, Any] = {}
    if node.nulltesttype == enums.NullTestType.IS_NOT_NULL:
        args["negate"] = True
    return exp.Is(this=wrap(lw.expr(node.arg), P_IS), expression=exp.Null(), **args)


@handles(ast.BooleanTest)
def _bool_test(lw: ExpressionLowerer, node: ast.BooleanTest) -> exp.Expression:
    name = need(node.booltesttype, node).name  # IS_TRUE, IS_NOT_FALSE, ...
    value = name.rsplit("_", 1)[1]
    rhs: exp.Expression = exp.Boolean(this=value == "TRUE") if value != "UNKNOWN" else exp.Var(this="UNKNOWN")
    args: dict[str, Any] = {"negate": True} if "_NOT_" in name else {}
    return exp.Is(this=wrap(lw.expr(node.arg), P_IS), expression=rhs, **args)


@handles(ast.TypeCast)
def _type_cast(lw: ExpressionLowerer, node: ast.TypeCast) -> exp.Expression:
    return exp.Cast(this=lw.expr(node.arg), to=datatype(need(node.typeName, node)))


@handles(ast.CollateClause)
def _collate(lw: ExpressionLowerer, node: ast.CollateClause) -> exp.Expression:
    names = _names(node.collname)
    coll: exp.Expression = exp.Identifier(this=names[-1], quoted=True)
    if len(names) == 2:
        coll = exp.Dot(this=ident(names[0]), expression=coll)
    elif len(names) > 2:
        raise Unlowerable("CollateClause")  # collation name with more than two parts
    return exp.Collate(this=wrap(lw.expr(node.arg), P_COLLATE), expression=coll)


_AGGREGATES: dict[str, type[exp.Expression]] = {
    "count": exp.Count, "sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max,
}


@handles(ast.FuncCall)
def _func_call(lw: ExpressionLowerer, node: ast.FuncCall) -> exp.Expression:
    names = _names(node.funcname)
    if node.funcformat == enums.CoercionForm.COERCE_SQL_SYNTAX:
        return _sql_syntax_call(lw, node, names)
    args: list[exp.Expression] = [exp.Star()] if node.agg_star else lw.exprs(node.args)
    if node.func_variadic:
        # VARIADIC marks the last argument as the array of the variadic parameter; a prefix keyword.
        args[-1] = exp.Operator(this=None, operator="VARIADIC", expression=args[-1])
    name = names[-1]
    cls = _AGGREGATES.get(name) if len(names) == 1 else None
    if node.agg_distinct:
        args = [exp.Distinct(expressions=args)]
    if node.agg_order and not node.agg_within_group:
        if not args:
            raise Unlowerable("FuncCall")  # ORDER BY without arguments
        order = [lw.sort_by(s) for s in node.agg_order or ()]
        last = args.pop()
        args.append(exp.Order(this=last, expressions=order))
        cls = None
    call: exp.Expression | None = None
    if cls is not None and len(args) == 1 and not (cls is not exp.Count and isinstance(args[0], exp.Star)):
        call = cls(this=args[0], big_int=True) if cls is exp.Count else cls(this=args[0])
    elif (len(names) == 1 and name in _TYPED_FUNCTIONS and not node.agg_star and not node.agg_distinct
          and not node.agg_order and not node.func_variadic):
        call = _typed_function(name, args)
    if call is None:
        # An aggregate the passes must recognise (AddSelectFields leaves aggregating queries alone):
        # a known PostgreSQL aggregate, or any call with aggregate-only syntax.
        aggregate = name in _AGGREGATE_NAMES or bool(
            node.agg_distinct or node.agg_order or node.agg_filter is not None or node.agg_within_group)
        anonymous = exp.AnonymousAggFunc if aggregate and node.over is None else exp.Anonymous
        call = anonymous(this=name if not needs_quotes(name) else ident(name), expressions=args)
        if len(names) > 1:
            if len(names) > 2:
                raise Unlowerable("FuncCall")  # function name with more than two parts
            call = exp.Dot(this=ident(names[0]), expression=call)
    if node.agg_within_group:
        within = exp.Order(expressions=[lw.sort_by(s) for s in node.agg_order or ()])
        call = exp.WithinGroup(this=call, expression=within)
    if node.agg_filter is not None:
        call = exp.Filter(this=call, expression=exp.Where(this=lw.expr(node.agg_filter)))
    if node.over is not None:
        call = lw.window(node.over, func=call)
    return call


# Functions built as sqlglot's postgres parser builds them (exp.Lower, exp.Round, ...), so passes and
# other printers see typed nodes. Each prints back the same call (the round-trip check guards it;
# the list holds the ones that do on the corpus).
_TYPED_FUNCTIONS = frozenset({
    "abs", "ceil", "floor", "round", "power", "sign", "ln", "exp", "lower", "upper", "initcap", "md5",
    "repeat", "chr", "row_number", "rank", "cume_dist", "lag", "lead", "first_value", "last_value",
    "stddev_pop", "stddev_samp", "var_pop", "array_length", "array_to_string", "string_to_array",
    "regexp_replace", "to_char", "unnest", "random", "generate_series",
    "array_agg", "bool_and", "bool_or", "stddev", "variance", "bit_and", "bit_or", "corr", "covar_pop", "var_samp",
})
# PostgreSQL's built-in aggregates without a sqlglot node of their own.
_AGGREGATE_NAMES = frozenset({
    "string_agg", "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg", "every", "xmlagg", "bit_xor",
    "regr_count", "regr_avgx", "regr_avgy", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy",
    "regr_syy", "covar_samp", "range_agg", "range_intersect_agg", "mode", "percentile_cont", "percentile_disc",
    "rank", "dense_rank", "percent_rank", "cume_dist", "array_agg", "any_value", "stddev_samp", "stddev_pop",
    "var_pop", "variance", "stddev", "bool_and", "bool_or", "bit_and", "bit_or", "corr", "covar_pop", "var_samp",
})


def _typed_function(name: str, args: list[exp.Expression]) -> exp.Expression | None:
    builder = Postgres.Parser.FUNCTIONS.get(name.upper())
    if builder is None:
        return None
    try:
        if "dialect" in _builder_params(builder):
            typed: exp.Expression = builder(args, dialect=_postgres())
        else:
            typed = builder(args)
        return typed
    except Exception:  # the builder wants other arguments: keep the call as written
        return None


@functools.cache
def _builder_params(builder: Callable[..., Any]) -> frozenset[str]:
    try:
        return frozenset(inspect.signature(builder).parameters)
    except (TypeError, ValueError):
        return frozenset()


@functools.cache
def _postgres() -> Postgres:
    return Postgres()


def _sql_syntax_call(lw: ExpressionLowerer, node: ast.FuncCall, names: list[str]) -> exp.Expression:
    raw_args = node.args or ()
    if names == ["pg_catalog", "timezone"] and len(raw_args) == 2:
        zone, value = raw_args
        return exp.AtTimeZone(this=wrap(lw.expr(value), P_AT), zone=wrap(lw.expr(zone), P_AT))
    if names == ["pg_catalog", "extract"] and len(raw_args) == 2:
        field, value = raw_args
        if isinstance(field, ast.A_Const) and isinstance(field.val, ast.String) \
                and SAFE_NAME.match(need(field.val.sval, field.val)):
            return exp.Extract(this=exp.Var(this=field.val.sval), expression=lw.expr(value))
    args = lw.exprs(node.args)
    if names == ["pg_catalog", "position"] and len(args) == 2:
        return exp.StrPosition(this=wrap(args[0], P_RANGE), substr=wrap(args[1], P_RANGE))
    if names == ["pg_catalog", "substring"] and len(args) in (2, 3):
        return exp.Substring(this=args[0], start=args[1], length=args[2] if len(args) == 3 else None)
    if names == ["pg_catalog", "overlay"] and len(args) in (3, 4):
        return exp.Overlay(this=args[0], expression=args[1], from_=args[2], for_=args[3] if len(args) == 4 else None)
    if names[0] == "pg_catalog" and names[1] in _TRIMS and len(args) in (1, 2):
        out = exp.Trim(this=args[0], position=_TRIMS[names[1]])
        if len(args) == 2:
            out.set("expression", args[1])
        return out
    raise Unlowerable("FuncCall")  # an SQL-syntax call without an IR form (COLLATION FOR, normalize ...)


_TRIMS = {"btrim": "BOTH", "ltrim": "LEADING", "rtrim": "TRAILING"}


@handles(ast.NamedArgExpr)
def _named_arg(lw: ExpressionLowerer, node: ast.NamedArgExpr) -> exp.Expression:
    return exp.Kwarg(this=ident(need(node.name, node)), expression=lw.expr(node.arg))


@handles(ast.SubLink)
def _sublink(lw: ExpressionLowerer, node: ast.SubLink) -> exp.Expression:
    T = enums.SubLinkType
    kind = node.subLinkType
    query = lw.statement(node.subselect)
    if kind == T.EXISTS_SUBLINK:
        return exp.Exists(this=query)
    if kind == T.EXPR_SUBLINK:
        return exp.Subquery(this=query)
    if kind == T.ARRAY_SUBLINK:
        return exp.Array(expressions=[query])
    if kind in (T.ANY_SUBLINK, T.ALL_SUBLINK):
        left = lw.expr(node.testexpr)
        if kind == T.ANY_SUBLINK and not node.operName:
            return exp.In(this=wrap(left, P_RANGE), query=exp.Subquery(this=query))
        op, qualified = _op_name(node.operName, node)
        if qualified:
            raise Unlowerable("SubLink")  # OPERATOR(schema.op)
        wrapper = exp.Any if kind == T.ANY_SUBLINK else exp.All
        return _operator(lw, op, left, wrapper(this=exp.Subquery(this=query)))
    raise Unlowerable("SubLink")  # ROWCOMPARE / MULTIEXPR / CTE sublinks


@handles(ast.CaseExpr)
def _case(lw: ExpressionLowerer, node: ast.CaseExpr) -> exp.Expression:
    args: dict[str, Any] = {"ifs": [exp.If(this=lw.expr(w.expr), true=lw.expr(w.result))
                                   for w in need(node.args, node)]}
    if node.arg is not None:
        args["this"] = lw.expr(node.arg)
    if node.defresult is not None:
        args["default"] = lw.expr(node.defresult)
    return exp.Case(**args)


@handles(ast.CoalesceExpr)
def _coalesce(lw: ExpressionLowerer, node: ast.CoalesceExpr) -> exp.Expression:
    args = lw.exprs(node.args)
    return exp.Coalesce(this=args[0], expressions=args[1:])


@handles(ast.MinMaxExpr)
def _min_max(lw: ExpressionLowerer, node: ast.MinMaxExpr) -> exp.Expression:
    args = lw.exprs(node.args)
    cls = exp.Greatest if node.op == enums.MinMaxOp.IS_GREATEST else exp.Least
    return cls(this=args[0], expressions=args[1:])


@handles(ast.A_ArrayExpr)
def _array(lw: ExpressionLowerer, node: ast.A_ArrayExpr) -> exp.Expression:
    return exp.Array(expressions=lw.exprs(node.elements))


@handles(ast.RowExpr)
def row(lw: ExpressionLowerer, node: ast.RowExpr) -> exp.Expression:
    args = lw.exprs(node.args)
    if node.row_format == enums.CoercionForm.COERCE_IMPLICIT_CAST and len(args) > 1:
        return exp.Tuple(expressions=args)
    return exp.Anonymous(this="ROW", expressions=args)


@handles(ast.A_Indirection)
def _indirection(lw: ExpressionLowerer, node: ast.A_Indirection) -> exp.Expression:
    arg = lw.expr(node.arg)
    # `a[1]` and `$1[1]` need no parentheses; anything else, and any field selection on a
    # column (`(p.hobbies).name` is not the column p.hobbies.name), does.
    steps = need(node.indirection, node)
    first_is_subscript = isinstance(steps[0], ast.A_Indices)
    if not (first_is_subscript and isinstance(arg, (exp.Column, exp.Parameter, exp.Placeholder))):
        arg = exp.Paren(this=arg)
    return apply_indirection(lw, arg, steps)


def apply_indirection(lw: ExpressionLowerer, out: exp.Expression, steps: Sequence[Any], *,
                      target: bool = False) -> exp.Expression:
    """Subscripts and field selections; `target`: the left side of SET (no parentheses there)."""
    for step in steps:
        if isinstance(step, ast.A_Indices):
            if step.is_slice:
                index: exp.Expression = exp.Slice(
                    this=lw.expr(step.lidx) if step.lidx is not None else None,
                    expression=lw.expr(step.uidx) if step.uidx is not None else None)
            else:
                index = lw.expr(step.uidx)
            out = exp.Bracket(this=out, expressions=[index], offset=1)
        elif isinstance(step, (ast.String, ast.A_Star)):
            field = ident(need(step.sval, step)) if isinstance(step, ast.String) else exp.Star()
            if target and not isinstance(out, exp.Column):
                raise Unlowerable("ResTarget")  # nested field assignment
            # A field of a composite value, not a column of a table: Dot, so that renaming passes
            # never read `col.field` as `table.column`.
            out = exp.Dot(this=out, expression=field)
        else:
            raise Unlowerable("A_Indirection")  # a step that is neither a subscript nor a field
    return out


_SVF: dict[str, type[exp.Expression]] = {
    "SVFOP_CURRENT_DATE": exp.CurrentDate, "SVFOP_CURRENT_TIMESTAMP": exp.CurrentTimestamp,
    "SVFOP_CURRENT_TIME": exp.CurrentTime, "SVFOP_CURRENT_USER": exp.CurrentUser,
}


@handles(ast.SQLValueFunction)
def _sql_value_function(lw: ExpressionLowerer, node: ast.SQLValueFunction) -> exp.Expression:
    name = need(node.op, node).name
    if name.endswith("_N"):
        # CURRENT_TIME(3) and friends: keywords with a precision, printed as written.
        return exp.Anonymous(this=name.removeprefix("SVFOP_").removesuffix("_N"),
                             expressions=[exp.Literal.number(node.typmod)])
    cls = _SVF.get(name)
    if cls is not None:
        return cls()
    return exp.Var(this=name.removeprefix("SVFOP_"))


@handles(ast.SetToDefault)
def _default(lw: ExpressionLowerer, node: ast.SetToDefault) -> exp.Expression:
    return exp.Var(this="DEFAULT")


@handles(ast.GroupingFunc)
def _grouping(lw: ExpressionLowerer, node: ast.GroupingFunc) -> exp.Expression:
    return exp.Anonymous(this="GROUPING", expressions=lw.exprs(node.args))


@handles(ast.GroupingSet)
def _grouping_set(lw: ExpressionLowerer, node: ast.GroupingSet) -> exp.Expression:
    K = enums.GroupingSetKind
    if node.kind == K.GROUPING_SET_EMPTY:
        return exp.Tuple(expressions=[])
    items = lw.exprs(node.content)
    if node.kind == K.GROUPING_SET_ROLLUP:
        return exp.Rollup(expressions=items)
    if node.kind == K.GROUPING_SET_CUBE:
        return exp.Cube(expressions=items)
    if node.kind == K.GROUPING_SET_SETS:
        return exp.GroupingSets(expressions=items)
    return exp.Tuple(expressions=items) if len(items) != 1 else exp.Paren(this=items[0])
