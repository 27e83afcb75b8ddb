"""PostgreSQL expressions (libpg_query's JSON parse tree, `nodes.py`) -> IR: one handler per node kind.

`ExpressionLowerer` is the base of the statement lowering in `lower.py`: a sub-select inside an
expression, ORDER BY inside an aggregate and OVER windows are lowered by the statement half
(`statement`, `sort_by`, `window`), which the subclass provides.

Handlers take a node's fields (the wrapper `{"Kind": ...}` taken off); see `nodes.py` for what an
absent field means.
"""

from __future__ import annotations

import functools
import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres

from dialects.postgres.names import SAFE_NAME, ident, needs_quotes, quoted_parts
from dialects.postgres.nodes import CharOffsets, Node, need, string, unwrap
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
from dialects.postgres.type_names import datatype
from sqlparser.ir import Unlowerable


class ExpressionLowerer(ABC):
    """One statement's lowering, expression half. `anonymous_params`: `$n` came from MySQL-style `?`
    (print them back as ?). `text`: the parsed text, to tell `"name"` from `name` (the tree keeps
    only the folded name)."""

    def __init__(self, *, anonymous_params: bool = False, text: str | None = None) -> None:
        self.anonymous_params = anonymous_params
        self.text = text
        # Without a double quote in the text no name was quoted: `names` need not look.
        self._offsets = CharOffsets(text) if text is not None and '"' in text else None

    def names(self, names: Sequence[str], location: int) -> list[exp.Identifier]:
        """Identifiers for the dotted name written at byte offset `location` (-1: unknown)."""
        if self._offsets is None:
            return [ident(n) for n in names]
        at = self._offsets(location)
        quoted = quoted_parts(self.text, at, len(names))
        if quoted is None:
            return [ident(n) for n in names]
        return [exp.Identifier(this=n, quoted=q or needs_quotes(n)) for n, q in zip(names, quoted, strict=True)]

    def expr(self, node: Node | None) -> exp.Expression:
        """A wrapped expression node."""
        if not node:
            raise Unlowerable("NULL node")
        for kind, fields in node.items():
            handler = _EXPR.get(kind)
            if handler is None:
                raise Unlowerable(kind)
            return handler(self, fields)
        raise AssertionError("unreachable")  # a non-empty dict has an item

    def exprs(self, nodes: Sequence[Node] | None) -> list[exp.Expression]:
        return [self.expr(n) for n in nodes or ()]

    @abstractmethod
    def statement(self, node: Node) -> exp.Expression:
        """A wrapped SELECT / INSERT / UPDATE / DELETE statement (also as a sub-select)."""

    @abstractmethod
    def sort_by(self, s: Node) -> exp.Ordered:
        """One wrapped ORDER BY item (`SortBy`)."""

    @abstractmethod
    def window(self, w: Node, *, named: bool = False, func: exp.Expression | None = None) -> exp.Window:
        """A window definition's fields, or `func OVER (...)` when `func` is given."""


def _names(parts: Sequence[Node] | None) -> list[str]:
    """The texts of a dotted name (function, collation, operator)."""
    return [string(n) or "" for n in parts or ()]


def _number(text: str) -> exp.Expression:
    if text.startswith("-"):
        return exp.Neg(this=_unsigned(text[1:]))
    return _unsigned(text)


def _unsigned(text: str) -> exp.Expression:
    # What `exp.Literal.number(text)` builds for a text without a sign, without its check (a
    # conversion of the text to a number) for a negative value, which only a sign can make.
    if text.startswith("-"):
        return exp.Literal.number(text)
    return exp.Literal(this=text, is_string=False)


def list_items(node: Node | None) -> list[Node] | None:
    """The items of a wrapped `List` node (IN lists, BETWEEN bounds); None for any other node."""
    fields = node.get("List") if node else None
    return fields.get("items", []) if fields is not None else None


# -- expression handlers ---------------------------------------------------------------------

_EXPR: dict[str, Callable[[ExpressionLowerer, Any], exp.Expression]] = {}
_Handler = TypeVar("_Handler", bound=Callable[..., exp.Expression])


def handles(*kinds: str) -> Callable[[_Handler], _Handler]:
    """Register the decorated function as the lowering of nodes of `kinds`."""

    def register(fn: _Handler) -> _Handler:
        for kind in kinds:
            if kind in _EXPR:
                raise RuntimeError(f"two lowerings for {kind}")
            _EXPR[kind] = fn
        return fn

    return register


@handles("A_Const")
def _const(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    if node.get("isnull"):
        return exp.Null()
    val = node.get("ival")
    if val is not None:
        return _number(str(val.get("ival", 0)))
    val = node.get("fval")
    if val is not None:
        return _number(need(val.get("fval"), "Float"))
    val = node.get("sval")
    if val is not None:
        return exp.Literal.string(val.get("sval"))
    val = node.get("boolval")
    if val is not None:
        return exp.Boolean(this=bool(val.get("boolval", False)))
    val = node.get("bsval")
    if val is not None:
        text = need(val.get("bsval"), "BitString")
        if text[:1] in ("b", "B"):
            return exp.BitString(this=text[1:])
        if text[:1] in ("x", "X"):
            return exp.HexString(this=text[1:])
    raise Unlowerable("A_Const")  # a constant kind without an IR literal


@handles("ColumnRef")
def _column_ref(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    fields: list[Node] = need(node.get("fields"), "ColumnRef")
    if lw._offsets is None:
        # The common `a` / `t.a` with no double quote in the text: what the loop below builds.
        if len(fields) == 1:
            name = fields[0].get("String")
            if name is not None:
                return exp.Column(this=ident(need(name.get("sval"), "String")))
        elif len(fields) == 2:
            table, name = fields[0].get("String"), fields[1].get("String")
            if table is not None and name is not None:
                table_ident = ident(need(table.get("sval"), "String"))
                return exp.Column(this=ident(need(name.get("sval"), "String")), table=table_ident)
    parts: list[exp.Expression] = []
    names = [need(f["String"].get("sval"), "String") for f in fields if "String" in f]
    idents = iter(lw.names(names, node.get("location", 0)))
    for f in fields:
        if "A_Star" in f:
            parts.append(exp.Star())
        elif "String" in f:
            parts.append(next(idents))
        else:
            raise Unlowerable("ColumnRef")  # a name part that is neither a name nor *
    if len(parts) == 1 and isinstance(parts[0], exp.Star):
        return parts[0]
    if len(parts) > 4:
        raise Unlowerable("ColumnRef")  # more than four name parts
    keys = ("this", "table", "db", "catalog")
    return exp.Column(**{k: p for k, p in zip(keys, reversed(parts), strict=False)})


@handles("ParamRef")
def _param(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    if lw.anonymous_params:
        return exp.Placeholder()
    return exp.Parameter(this=exp.Literal.number(node.get("number", 0)))


_BINARY_OPS: dict[str, tuple[type[exp.Expression], int]] = {
    "=": (exp.EQ, P_CMP), "<>": (exp.NEQ, P_CMP), "<": (exp.LT, P_CMP), ">": (exp.GT, P_CMP),
    "<=": (exp.LTE, P_CMP), ">=": (exp.GTE, P_CMP), "+": (exp.Add, P_ADD), "-": (exp.Sub, P_ADD),
    "*": (exp.Mul, P_MUL), "/": (exp.Div, P_MUL), "%": (exp.Mod, P_MUL), "||": (exp.DPipe, P_OTHER),
}


def _op_name(name: Sequence[Node] | None, kind: str) -> tuple[str, bool]:
    """(operator text, qualified?)"""
    parts = [need(string(n), "String") for n in need(name, kind)]
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
_BETWEENS = frozenset({"AEXPR_BETWEEN", "AEXPR_NOT_BETWEEN", "AEXPR_BETWEEN_SYM", "AEXPR_NOT_BETWEEN_SYM"})


@handles("A_Expr")
def _a_expr(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    kind = node.get("kind", "AEXPR_OP")
    op, qualified = _op_name(node.get("name"), "A_Expr")
    if qualified:
        raise Unlowerable("A_Expr")  # OPERATOR(schema.op)
    lexpr, rexpr = node.get("lexpr"), node.get("rexpr")
    if kind == "AEXPR_OP":
        left = lw.expr(lexpr) if lexpr is not None else None
        return _operator(lw, op, left, lw.expr(rexpr))
    if kind in ("AEXPR_OP_ANY", "AEXPR_OP_ALL"):
        wrapper = exp.Any if kind == "AEXPR_OP_ANY" else exp.All
        rhs = wrapper(this=exp.Paren(this=lw.expr(rexpr)))
        return _operator(lw, op, lw.expr(lexpr), rhs)
    if kind in ("AEXPR_DISTINCT", "AEXPR_NOT_DISTINCT"):
        cls = exp.NullSafeNEQ if kind == "AEXPR_DISTINCT" else exp.NullSafeEQ
        return binary(cls, lw.expr(lexpr), lw.expr(rexpr), P_IS)
    if kind == "AEXPR_NULLIF":
        return exp.Nullif(this=lw.expr(lexpr), expression=lw.expr(rexpr))
    if kind == "AEXPR_IN":
        items = list_items(rexpr)
        if items is None:
            raise Unlowerable("A_Expr")  # IN with a non-list right side
        in_list = exp.In(this=wrap(lw.expr(lexpr), P_RANGE), expressions=lw.exprs(items))
        if op == "<>":
            return _infix_not(in_list)
        return in_list
    if kind in ("AEXPR_LIKE", "AEXPR_ILIKE"):
        like: type[exp.Expression] = exp.Like if kind == "AEXPR_LIKE" else exp.ILike
        negate = op.startswith("!")
        if op not in ("~~", "!~~", "~~*", "!~~*"):
            raise Unlowerable("A_Expr")  # LIKE spelled as an operator other than ~~ / ~~*
        return _like(lw, like, node, negate)
    if kind == "AEXPR_SIMILAR":
        right = rexpr
        call = right.get("FuncCall") if right else None
        if call is not None and _names(call.get("funcname")) == ["pg_catalog", "similar_to_escape"]:
            escape_args: list[Node] = call.get("args") or []
            if len(escape_args) != 1:
                raise Unlowerable("A_Expr")  # SIMILAR TO ... ESCAPE
            right = escape_args[0]
        similar = binary(exp.SimilarTo, lw.expr(lexpr), lw.expr(right), P_RANGE)
        return _infix_not(similar) if op == "!~" else similar
    if kind in _BETWEENS:
        bounds = list_items(rexpr)
        if bounds is None or len(bounds) != 2:
            raise Unlowerable("A_Expr")  # BETWEEN has exactly two bounds
        low, high = bounds
        args: dict[str, Any] = {"this": wrap(lw.expr(lexpr), P_RANGE), "low": wrap(lw.expr(low), P_RANGE),
                                "high": wrap(lw.expr(high), P_RANGE)}
        if kind in ("AEXPR_BETWEEN_SYM", "AEXPR_NOT_BETWEEN_SYM"):
            args["symmetric"] = True
        between = exp.Between(**args)
        if kind in ("AEXPR_NOT_BETWEEN", "AEXPR_NOT_BETWEEN_SYM"):
            return _infix_not(between)
        return between
    raise Unlowerable("A_Expr")  # OF / IN with a sub-select / other kinds


def _like(lw: ExpressionLowerer, cls: type[exp.Expression], node: Node, negate: bool) -> exp.Expression:
    right = node.get("rexpr")
    escape = None
    call = right.get("FuncCall") if right else None
    if call is not None and _names(call.get("funcname")) == ["pg_catalog", "like_escape"]:
        right, escape = need(call.get("args"), "FuncCall")
    args: dict[str, Any] = {}
    if negate:
        args["negate"] = True
    out = binary(cls, lw.expr(node.get("lexpr")), lw.expr(right), P_RANGE, **args)
    if escape is not None:
        return exp.Escape(this=out, expression=wrap(lw.expr(escape), P_RANGE))
    return out


def _infix_not(node: exp.Expression) -> exp.Not:
    # `a NOT IN (...)` / `a NOT BETWEEN ...`: sqlglot's shape is Not(In); the mark makes the
    # PostgreSQL printer put NOT in the middle, which is what PostgreSQL parsed.
    out = exp.Not(this=node)
    out.meta["pg_infix_not"] = True
    return out


@handles("BoolExpr")
def _bool_expr(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    boolop = node.get("boolop", "AND_EXPR")
    if boolop == "NOT_EXPR":
        return exp.Not(this=wrap(lw.expr(need(node.get("args"), "BoolExpr")[0]), P_AND))
    cls, level = (exp.And, P_AND) if boolop == "AND_EXPR" else (exp.Or, P_OR)
    args = [wrap(lw.expr(a), level) for a in need(node.get("args"), "BoolExpr")]
    out = args[0]
    for a in args[1:]:
        out = cls(this=out, expression=a)
    return out


@handles("NullTest")
def _null_test(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    args: dict[str, Any] = {}
    if node.get("nulltesttype") == "IS_NOT_NULL":
        args["negate"] = True
    return exp.Is(this=wrap(lw.expr(node.get("arg")), P_IS), expression=exp.Null(), **args)


@handles("BooleanTest")
def _bool_test(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    name = node.get("booltesttype", "IS_TRUE")  # IS_TRUE, IS_NOT_FALSE, ...
    value = name.rsplit("_", 1)[1]
    rhs: exp.Expression = exp.Boolean(this=value == "TRUE") if value != "UNKNOWN" else exp.Var(this="UNKNOWN")
    args: dict[str, Any] = {"negate": True} if "_NOT_" in name else {}
    return exp.Is(this=wrap(lw.expr(node.get("arg")), P_IS), expression=rhs, **args)


@handles("TypeCast")
def _type_cast(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    return exp.Cast(this=lw.expr(node.get("arg")), to=datatype(need(node.get("typeName"), "TypeCast")))


@handles("CollateClause")
def _collate(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    names = _names(node.get("collname"))
    coll: exp.Expression = exp.Identifier(this=names[-1], quoted=True)
    if len(names) == 2:
        coll = exp.Dot(this=ident(names[0]), expression=coll)
    elif len(names) > 2:
        raise Unlowerable("CollateClause")  # collation name with more than two parts
    return exp.Collate(this=wrap(lw.expr(node.get("arg")), P_COLLATE), expression=coll)


_AGGREGATES: dict[str, type[exp.Expression]] = {
    "count": exp.Count, "sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max,
}


@handles("FuncCall")
def _func_call(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    names = _names(node.get("funcname"))
    if node.get("funcformat") == "COERCE_SQL_SYNTAX":
        return _sql_syntax_call(lw, node, names)
    agg_star, agg_distinct = node.get("agg_star", False), node.get("agg_distinct", False)
    agg_order, within_group = node.get("agg_order"), node.get("agg_within_group", False)
    agg_filter, variadic, over = node.get("agg_filter"), node.get("func_variadic", False), node.get("over")
    args: list[exp.Expression] = [exp.Star()] if agg_star else lw.exprs(node.get("args"))
    if variadic:
        # VARIADIC marks the last argument as the array of the variadic parameter; a prefix keyword.
        args[-1] = exp.Operator(this=None, operator="VARIADIC", expression=args[-1])
    name = names[-1]
    cls = _AGGREGATES.get(name) if len(names) == 1 else None
    if agg_distinct:
        args = [exp.Distinct(expressions=args)]
    if agg_order and not within_group:
        if not args:
            raise Unlowerable("FuncCall")  # ORDER BY without arguments
        order = [lw.sort_by(s) for s in agg_order]
        last = args.pop()
        args.append(exp.Order(this=last, expressions=order))
        cls = None
    call: exp.Expression | None = None
    if cls is not None and len(args) == 1 and not (cls is not exp.Count and isinstance(args[0], exp.Star)):
        call = cls(this=args[0], big_int=True) if cls is exp.Count else cls(this=args[0])
    elif (len(names) == 1 and name in _TYPED_FUNCTIONS and not agg_star and not agg_distinct
          and not agg_order and not variadic):
        call = _typed_function(name, args)
    if call is None:
        # An aggregate the passes must recognise (AddSelectFields leaves aggregating queries alone):
        # a known PostgreSQL aggregate, or any call with aggregate-only syntax.
        aggregate = name in _AGGREGATE_NAMES or bool(agg_distinct or agg_order or agg_filter is not None
                                                     or within_group)
        anonymous = exp.AnonymousAggFunc if aggregate and over is None else exp.Anonymous
        call = anonymous(this=name if not needs_quotes(name) else ident(name), expressions=args)
        if len(names) > 1:
            if len(names) > 2:
                raise Unlowerable("FuncCall")  # function name with more than two parts
            call = exp.Dot(this=ident(names[0]), expression=call)
    if within_group:
        within = exp.Order(expressions=[lw.sort_by(s) for s in agg_order or ()])
        call = exp.WithinGroup(this=call, expression=within)
    if agg_filter is not None:
        call = exp.Filter(this=call, expression=exp.Where(this=lw.expr(agg_filter)))
    if over is not None:
        call = lw.window(over, func=call)
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


def _sql_syntax_call(lw: ExpressionLowerer, node: Node, names: list[str]) -> exp.Expression:
    raw_args: list[Node] = node.get("args") or []
    if names == ["pg_catalog", "timezone"] and len(raw_args) == 2:
        zone, value = raw_args
        return exp.AtTimeZone(this=wrap(lw.expr(value), P_AT), zone=wrap(lw.expr(zone), P_AT))
    if names == ["pg_catalog", "extract"] and len(raw_args) == 2:
        field, value = raw_args
        const = field.get("A_Const")
        sval = const.get("sval") if const is not None else None
        if sval is not None and SAFE_NAME.match(need(sval.get("sval"), "String")):
            return exp.Extract(this=exp.Var(this=sval["sval"]), expression=lw.expr(value))
    args = lw.exprs(raw_args)
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


@handles("NamedArgExpr")
def _named_arg(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    return exp.Kwarg(this=ident(need(node.get("name"), "NamedArgExpr")), expression=lw.expr(node.get("arg")))


@handles("SubLink")
def _sublink(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    kind = node.get("subLinkType", "EXISTS_SUBLINK")
    query = lw.statement(need(node.get("subselect"), "SubLink"))
    if kind == "EXISTS_SUBLINK":
        return exp.Exists(this=query)
    if kind == "EXPR_SUBLINK":
        return exp.Subquery(this=query)
    if kind == "ARRAY_SUBLINK":
        return exp.Array(expressions=[query])
    if kind in ("ANY_SUBLINK", "ALL_SUBLINK"):
        left = lw.expr(node.get("testexpr"))
        oper = node.get("operName")
        if kind == "ANY_SUBLINK" and not oper:
            return exp.In(this=wrap(left, P_RANGE), query=exp.Subquery(this=query))
        op, qualified = _op_name(oper, "SubLink")
        if qualified:
            raise Unlowerable("SubLink")  # OPERATOR(schema.op)
        wrapper = exp.Any if kind == "ANY_SUBLINK" else exp.All
        return _operator(lw, op, left, wrapper(this=exp.Subquery(this=query)))
    raise Unlowerable("SubLink")  # ROWCOMPARE / MULTIEXPR / CTE sublinks


@handles("CaseExpr")
def _case(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    whens = [unwrap(w)[1] for w in need(node.get("args"), "CaseExpr")]
    args: dict[str, Any] = {"ifs": [exp.If(this=lw.expr(w.get("expr")), true=lw.expr(w.get("result")))
                                   for w in whens]}
    if node.get("arg") is not None:
        args["this"] = lw.expr(node["arg"])
    if node.get("defresult") is not None:
        args["default"] = lw.expr(node["defresult"])
    return exp.Case(**args)


@handles("CoalesceExpr")
def _coalesce(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    args = lw.exprs(node.get("args"))
    return exp.Coalesce(this=args[0], expressions=args[1:])


@handles("MinMaxExpr")
def _min_max(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    args = lw.exprs(node.get("args"))
    cls = exp.Greatest if node.get("op", "IS_GREATEST") == "IS_GREATEST" else exp.Least
    return cls(this=args[0], expressions=args[1:])


@handles("A_ArrayExpr")
def _array(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    return exp.Array(expressions=lw.exprs(node.get("elements")))


@handles("RowExpr")
def row(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    args = lw.exprs(node.get("args"))
    if node.get("row_format") == "COERCE_IMPLICIT_CAST" and len(args) > 1:
        return exp.Tuple(expressions=args)
    return exp.Anonymous(this="ROW", expressions=args)


@handles("A_Indirection")
def _indirection(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    arg = lw.expr(node.get("arg"))
    # `a[1]` and `$1[1]` need no parentheses; anything else, and any field selection on a
    # column (`(p.hobbies).name` is not the column p.hobbies.name), does.
    steps = need(node.get("indirection"), "A_Indirection")
    first_is_subscript = "A_Indices" in steps[0]
    if not (first_is_subscript and isinstance(arg, (exp.Column, exp.Parameter, exp.Placeholder))):
        arg = exp.Paren(this=arg)
    return apply_indirection(lw, arg, steps)


def apply_indirection(lw: ExpressionLowerer, out: exp.Expression, steps: Sequence[Node], *,
                      target: bool = False) -> exp.Expression:
    """Subscripts and field selections; `target`: the left side of SET (no parentheses there)."""
    for step in steps:
        indices = step.get("A_Indices")
        if indices is not None:
            lidx, uidx = indices.get("lidx"), indices.get("uidx")
            if indices.get("is_slice"):
                index: exp.Expression = exp.Slice(this=lw.expr(lidx) if lidx is not None else None,
                                                  expression=lw.expr(uidx) if uidx is not None else None)
            else:
                index = lw.expr(uidx)
            out = exp.Bracket(this=out, expressions=[index], offset=1)
        elif "String" in step or "A_Star" in step:
            field = ident(need(string(step), "String")) if "String" in step else exp.Star()
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


@handles("SQLValueFunction")
def _sql_value_function(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    name = node.get("op", "SVFOP_CURRENT_DATE")
    if name.endswith("_N"):
        # CURRENT_TIME(3) and friends: keywords with a precision, printed as written.
        return exp.Anonymous(this=name.removeprefix("SVFOP_").removesuffix("_N"),
                             expressions=[exp.Literal.number(node.get("typmod", 0))])
    cls = _SVF.get(name)
    if cls is not None:
        return cls()
    return exp.Var(this=name.removeprefix("SVFOP_"))


@handles("SetToDefault")
def _default(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    return exp.Var(this="DEFAULT")


@handles("GroupingFunc")
def _grouping(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    return exp.Anonymous(this="GROUPING", expressions=lw.exprs(node.get("args")))


@handles("GroupingSet")
def _grouping_set(lw: ExpressionLowerer, node: Node) -> exp.Expression:
    kind = node.get("kind", "GROUPING_SET_EMPTY")
    if kind == "GROUPING_SET_EMPTY":
        return exp.Tuple(expressions=[])
    items = lw.exprs(node.get("content"))
    if kind == "GROUPING_SET_ROLLUP":
        return exp.Rollup(expressions=items)
    if kind == "GROUPING_SET_CUBE":
        return exp.Cube(expressions=items)
    if kind == "GROUPING_SET_SETS":
        return exp.GroupingSets(expressions=items)
    return exp.Tuple(expressions=items) if len(items) != 1 else exp.Paren(this=items[0])
