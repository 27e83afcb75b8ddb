"""Compat printers for function calls, casts, intervals and window functions.

TiDB writes a function name with `WriteKeyWord` (so upper-cased only under the upper-case flag, else
as typed) and separates arguments with ``", "``. A few functions have their own syntax
(``EXTRACT(DAY FROM x)``, ``TRIM(LEADING 'x' FROM s)``, ``DATE_ADD(d, INTERVAL 1 DAY)``,
``CAST(x AS CHAR(10))``); they have their own printers here. Every other sqlglot function node goes
through `_generic_function`, which checks its argument order against sqlglot's own MySQL output
and refuses the node rather than guess.
"""

from __future__ import annotations

import re

from sqlglot import exp

from formatter._tidb_expressions import number
from formatter._tidb_printer import Restorer, check_args, printer
from sqlparser.errors import UnsupportedConstructError


def _args(r: Restorer, nodes: list[exp.Expression]) -> str:
    return ", ".join(r.node(n) for n in nodes)


@printer(exp.Anonymous)
def _anonymous(r: Restorer, node: exp.Anonymous) -> str:
    check_args(node, ("this", "expressions"))
    name = node.name
    if r.options.uppercase_keywords:
        name = name.upper()
    if name.upper() == "ROW":  # the row constructor ROW(a,b): TiDB's RowExpr, comma without space
        return r.kw("ROW") + "(" + ",".join(r.node(e) for e in node.expressions) + ")"
    return name + "(" + _args(r, node.expressions) + ")"


# -- aggregates --------------------------------------------------------------------------------

def _distinct_args(r: Restorer, node: exp.Expression) -> str:
    """The argument list of an aggregate, whose first argument may be sqlglot's Distinct wrapper."""
    inner = node.this
    rest = list(node.expressions) if node.args.get("expressions") else []
    if isinstance(inner, exp.Distinct):
        check_args(inner, ("expressions",))
        return r.kw("DISTINCT ") + _args(r, list(inner.expressions) + rest)
    if inner is None:
        return _args(r, rest)
    return _args(r, [inner, *rest])


_AGGREGATES: dict[type[exp.Expression], str] = {
    exp.Sum: "SUM",
    exp.Avg: "AVG",
    exp.Min: "MIN",
    exp.Max: "MAX",
    exp.BitwiseAndAgg: "BIT_AND",
    exp.BitwiseOrAgg: "BIT_OR",
    exp.BitwiseXorAgg: "BIT_XOR",
    exp.VariancePop: "VAR_POP",
    exp.Variance: "VAR_SAMP",
    exp.StddevPop: "STDDEV_POP",
    exp.StddevSamp: "STDDEV_SAMP",
    exp.Stddev: "STDDEV",
}


@printer(exp.Count)
def _count(r: Restorer, node: exp.Count) -> str:
    check_args(node, ("this", "expressions", "big_int"))
    name = r.func_name(node, "COUNT")
    # TiDB's grammar turns COUNT(*) into COUNT(1).
    if isinstance(node.this, exp.Star) and not node.expressions:
        return name + "(1)"
    return name + "(" + _distinct_args(r, node) + ")"


@printer(*_AGGREGATES)
def _aggregate(r: Restorer, node: exp.AggFunc) -> str:
    check_args(node, ("this", "expressions"))
    return r.func_name(node, _AGGREGATES[type(node)]) + "(" + _distinct_args(r, node) + ")"


@printer(exp.GroupConcat)
def _group_concat(r: Restorer, node: exp.GroupConcat) -> str:
    check_args(node, ("this", "separator", "on_overflow"))
    if node.args.get("on_overflow") is not None:
        raise UnsupportedConstructError("GROUP_CONCAT ... ON OVERFLOW")
    inner = node.this
    order = None
    if isinstance(inner, exp.Order):
        check_args(inner, ("this", "expressions"))
        order = inner
        inner = inner.this
    distinct = ""
    if isinstance(inner, exp.Distinct):
        check_args(inner, ("expressions",))
        distinct = r.kw("DISTINCT ")
        values = list(inner.expressions)
        if len(values) == 1 and isinstance(values[0], exp.Concat):
            values = list(values[0].expressions)
    elif isinstance(inner, (exp.Tuple, exp.Concat)):  # GROUP_CONCAT(a, b): sqlglot wraps several values
        values = list(inner.expressions)
    else:
        values = [inner]
    out = r.func_name(node, "GROUP_CONCAT") + "(" + distinct + _args(r, values)
    if order is not None:
        out += " " + order_by(r, order)
    separator = node.args.get("separator")
    sep_text = separator.this if isinstance(separator, exp.Literal) and separator.is_string else None
    if separator is not None and sep_text is None:
        raise UnsupportedConstructError("GROUP_CONCAT SEPARATOR " + type(separator).__name__)
    # TiDB always spells the separator out (the default is a comma), without charset introducer.
    out += r.kw(" SEPARATOR ") + r.string("," if sep_text is None else sep_text, introducer=False)
    return out + ")"


def order_by(r: Restorer, order: exp.Order) -> str:
    check_args(order, ("this", "expressions"))
    return r.kw("ORDER BY ") + ",".join(ordered(r, o) for o in order.expressions)


def ordered(r: Restorer, node: exp.Expression) -> str:
    if not isinstance(node, exp.Ordered):
        return r.node(node)
    check_args(node, ("this", "desc", "nulls_first"))
    # sqlglot records MySQL's implicit NULL ordering in nulls_first; MySQL has no syntax for it.
    text = r.node(node.this)
    return text + r.kw(" DESC") if node.args.get("desc") else text


# -- CAST --------------------------------------------------------------------------------------

_CAST_TYPES: dict[exp.DataType.Type, str] = {
    exp.DataType.Type.BIGINT: "SIGNED",
    exp.DataType.Type.UBIGINT: "UNSIGNED",
    exp.DataType.Type.DATE: "DATE",
    exp.DataType.Type.DATETIME: "DATETIME",
    exp.DataType.Type.TIME: "TIME",
    exp.DataType.Type.DECIMAL: "DECIMAL",
    exp.DataType.Type.DOUBLE: "DOUBLE",
    exp.DataType.Type.FLOAT: "FLOAT",
    exp.DataType.Type.JSON: "JSON",
    exp.DataType.Type.YEAR: "YEAR",
    exp.DataType.Type.CHAR: "CHAR",
    exp.DataType.Type.NCHAR: "CHAR",
    exp.DataType.Type.BINARY: "BINARY",
    exp.DataType.Type.CHARACTER_SET: "CHAR",
}


def cast_type(r: Restorer, dtype: exp.Expression) -> str:
    if not isinstance(dtype, exp.DataType):
        raise UnsupportedConstructError("CAST to " + type(dtype).__name__)
    check_args(dtype, ("this", "expressions", "nested", "kind"))
    name = _CAST_TYPES.get(dtype.this)
    if name is None:
        raise UnsupportedConstructError(f"CAST to {dtype.this.name}")
    params: list[str] = []
    for param in dtype.expressions:
        value = param.this if isinstance(param, exp.DataTypeParam) else param
        if not (isinstance(value, exp.Literal) and not value.is_string):
            raise UnsupportedConstructError("CAST type parameter " + type(value).__name__)
        params.append(number(value.this))
    if name == "FLOAT" and params:
        # FLOAT(p): single precision up to 24 bits, double above (MySQL, "Floating-Point Types").
        name = "DOUBLE" if int(params[0]) > 24 else "FLOAT"
        params = []
    text = r.kw(name)
    if params:
        text += "(" + ",".join(params) + ")"
    charset = dtype.args.get("kind")
    if charset is not None:
        text += r.kw(" CHARSET ") + r.kw(charset.name)
    return text


@printer(exp.Cast)
def _cast(r: Restorer, node: exp.Cast) -> str:
    check_args(node, ("this", "to", "_type"))
    dtype = node.args["to"]
    if (isinstance(dtype, exp.DataType) and dtype.this == exp.DataType.Type.CHARACTER_SET
            and not dtype.expressions and dtype.args.get("kind") is not None
            and "CONVERT" in node.sql("mysql").upper().split("(")[0]):
        # CONVERT(x USING cs)
        return r.kw("CONVERT") + "(" + r.node(node.this) + r.kw(" USING ") + r.kw(dtype.args["kind"].name) + ")"
    return r.kw("CAST") + "(" + r.node(node.this) + r.kw(" AS ") + cast_type(r, dtype) + ")"


# -- dates and intervals -----------------------------------------------------------------------

_SQL_TSI = re.compile(r"SQL_TSI_", re.IGNORECASE)


def unit(r: Restorer, node: exp.Expression | None) -> str:
    if node is None:
        raise UnsupportedConstructError("INTERVAL without unit")
    name = node.name if isinstance(node, (exp.Var, exp.Identifier, exp.Column)) else None
    if not name:
        raise UnsupportedConstructError("INTERVAL unit " + type(node).__name__)
    return r.kw(_SQL_TSI.sub("", name).upper())


_NUMERIC = re.compile(r"-?[0-9]+(\.[0-9]*)?|-?\.[0-9]+")


def interval_value(r: Restorer, node: exp.Expression) -> str:
    """An INTERVAL's value. sqlglot turns a numeric interval value into a new string literal (which
    has no source position); it prints as the number it was. A quoted value keeps its position."""
    if isinstance(node, exp.Interval):
        raise UnsupportedConstructError("INTERVAL of an INTERVAL")
    if (isinstance(node, exp.Literal) and node.is_string and not node._meta
            and _NUMERIC.fullmatch(node.this)):
        text = node.this
        return "-" + number(text[1:]) if text.startswith("-") else number(text)
    return r.node(node)


def interval(r: Restorer, node: exp.Interval) -> str:
    check_args(node, ("this", "unit"))
    return r.kw("INTERVAL ") + interval_value(r, node.this) + " " + unit(r, node.args.get("unit"))


@printer(exp.Interval)
def _interval(r: Restorer, node: exp.Interval) -> str:
    return interval(r, node)


@printer(exp.DateAdd, exp.DateSub)
def _date_arith(r: Restorer, node: exp.Expression) -> str:
    check_args(node, ("this", "expression", "unit"))
    canonical = "DATE_ADD" if isinstance(node, exp.DateAdd) else "DATE_SUB"
    return (r.func_name(node, canonical, _DATE_ARITH_ALIASES[canonical]) + "(" + r.node(node.this) + ", "
            + r.kw("INTERVAL ") + interval_value(r, node.expression) + " " + unit(r, node.args.get("unit")) + ")")


_DATE_ARITH_ALIASES = {"DATE_ADD": ("ADDDATE",), "DATE_SUB": ("SUBDATE",)}


@printer(exp.Extract)
def _extract(r: Restorer, node: exp.Extract) -> str:
    check_args(node, ("this", "expression"))
    return r.func_name(node, "EXTRACT") + "(" + unit(r, node.this) + r.kw(" FROM ") + r.node(node.expression) + ")"


@printer(exp.Trim)
def _trim(r: Restorer, node: exp.Trim) -> str:
    check_args(node, ("this", "expression", "position"))
    position = node.args.get("position")
    chars = node.args.get("expression")
    typed = (r.typed_name(node) or "").upper()
    if chars is None and str(position or "").upper() in ("LEADING", "TRAILING") and typed != "TRIM":
        # LTRIM(s) / RTRIM(s): sqlglot reads them as TRIM(LEADING|TRAILING FROM s)
        canonical = "LTRIM" if str(position).upper() == "LEADING" else "RTRIM"
        return r.func_name(node, canonical) + "(" + r.node(node.this) + ")"
    out = r.func_name(node, "TRIM") + "("
    if position:
        out += r.kw(str(position).upper()) + " "
    if chars is not None:
        out += r.node(chars) + " "
    if position or chars is not None:
        out += r.kw("FROM ")
    return out + r.node(node.this) + ")"


@printer(exp.StrPosition)
def _position(r: Restorer, node: exp.StrPosition) -> str:
    check_args(node, ("this", "substr", "position"))
    typed = (r.typed_name(node) or "").upper()
    if typed == "POSITION" and node.args.get("position") is None:
        return (r.func_name(node, "POSITION") + "(" + r.node(node.args["substr"]) + r.kw(" IN ")
                + r.node(node.this) + ")")
    if typed == "INSTR" and node.args.get("position") is None:
        return r.func_name(node, "INSTR") + "(" + _args(r, [node.this, node.args["substr"]]) + ")"
    if node.args.get("position") is not None:
        return r.func_name(node, "LOCATE") + "(" + _args(
            r, [node.args["substr"], node.this, node.args["position"]]) + ")"
    return r.func_name(node, "LOCATE") + "(" + _args(r, [node.args["substr"], node.this]) + ")"


@printer(exp.CurrentTimestamp, exp.CurrentDate, exp.CurrentTime)
def _current(r: Restorer, node: exp.Expression) -> str:
    check_args(node, ("this",))
    canonical, aliases = _CURRENT[type(node)]
    arg = node.this
    return r.func_name(node, canonical, aliases) + "(" + (r.node(arg) if arg is not None else "") + ")"


_CURRENT: dict[type[exp.Expression], tuple[str, tuple[str, ...]]] = {
    exp.CurrentTimestamp: ("CURRENT_TIMESTAMP", ("NOW", "LOCALTIME", "LOCALTIMESTAMP")),
    exp.CurrentDate: ("CURRENT_DATE", ("CURDATE",)),
    exp.CurrentTime: ("CURRENT_TIME", ("CURTIME",)),
}


# -- the generic path --------------------------------------------------------------------------

_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\((.*)\)", re.DOTALL)


def _flat_args(node: exp.Func) -> list[exp.Expression]:
    out: list[exp.Expression] = []
    for key in node.arg_types:
        value = node.args.get(key)
        if value is None or value is False:
            continue
        if isinstance(value, list):
            out.extend(v for v in value if isinstance(v, exp.Expression))
        elif isinstance(value, exp.Expression):
            out.append(value)
        else:
            raise UnsupportedConstructError(f"{type(node).__name__}.{key}")
    return out


@printer(exp.Func)
def _generic_function(r: Restorer, node: exp.Func) -> str:
    """Any other sqlglot function: name from sqlglot's MySQL generator, arguments in sqlglot's
    declared order, accepted only when that reproduces sqlglot's own MySQL text for the call."""
    try:
        reference = node.sql(dialect="mysql")
    except Exception:  # sqlglot cannot print it for MySQL either
        raise UnsupportedConstructError(type(node).__name__, "no MySQL form") from None
    match = _CALL.fullmatch(reference)
    args = _flat_args(node)
    if match is None or match.group(2) != ", ".join(a.sql(dialect="mysql") for a in args):
        raise UnsupportedConstructError(type(node).__name__, "no TiDB form known for this function")
    return r.func_name(node, match.group(1)) + "(" + _args(r, args) + ")"
