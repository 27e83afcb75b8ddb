"""Compat printers for function calls, aggregates, casts, date arithmetic and intervals, JSON.

TiDB writes a function name with `WriteKeyWord` (so upper-cased only under the upper-case flag, else
as typed) and separates arguments with ``", "``. A few functions have their own syntax
(``EXTRACT(DAY FROM x)``, ``TRIM(LEADING 'x' FROM s)``, ``DATE_ADD(d, INTERVAL 1 DAY)``,
``CAST(x AS CHAR(10))``); they have their own printers here. Every other sqlglot function node goes
through `_generic_function`, which checks its argument order against sqlglot's own MySQL output
and refuses the node rather than guess.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from formatter.compat.base import Restorer, check_args, printer
from formatter.compat.common import interval, interval_value, number, order_by, unit
from formatter.compat.precedence import UNARY
from formatter.compat.precedence import operand as unary_operand
from sqlparser.errors import UnsupportedConstructError


def _args(r: Restorer, nodes: list[exp.Expression]) -> str:
    return ", ".join(r.node(n) for n in nodes)


@printer(exp.Anonymous)
def _anonymous(r: Restorer, node: exp.Anonymous) -> str:
    check_args(node, ("this", "expressions"))
    name = node.name
    if r.options.uppercase_keywords:
        name = name.upper()
    upper = name.upper()
    args = list(node.expressions)
    if upper == "ROW":  # the row constructor ROW(a,b): TiDB's RowExpr, comma without space
        return r.kw("ROW") + "(" + ",".join(r.node(e) for e in args) + ")"
    if upper in ("ADDDATE", "SUBDATE") and len(args) == 2 and not isinstance(args[1], exp.Interval):
        # ADDDATE(d, n) is ADDDATE(d, INTERVAL n DAY); TiDB prints the long form
        return name + "(" + r.node(args[0]) + ", " + r.kw("INTERVAL ") + interval_value(r, args[1]) + " " + r.kw(
            "DAY") + ")"
    word = _bare_word(args[0]) if upper == "GET_FORMAT" and args else None
    if word in ("DATE", "TIME", "DATETIME", "TIMESTAMP"):
        # GET_FORMAT(DATE, 'USA'): the first argument is a keyword; TIMESTAMP is a synonym of DATETIME
        return name + "(" + r.kw("DATETIME" if word == "TIMESTAMP" else word) + ", " + _args(r, args[1:]) + ")"
    return name + "(" + _args(r, node.expressions) + ")"


def _bare_word(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Column) and not node.table and isinstance(node.this, exp.Identifier) \
            and not node.this.quoted:
        return node.name.upper()
    return None


# -- aggregates --------------------------------------------------------------------------------

def _distinct_args(r: Restorer, node: exp.Expr) -> str:
    """The argument list of an aggregate, whose first argument may be sqlglot's Distinct wrapper."""
    inner = node.this
    rest = list(node.expressions) if node.args.get("expressions") else []
    if isinstance(inner, exp.Distinct):
        check_args(inner, ("expressions",))
        return r.kw("DISTINCT ") + _args(r, list(inner.expressions) + rest)
    if inner is None:
        return _args(r, rest)
    return _args(r, [inner, *rest])


_AGGREGATES: dict[type[exp.Expr], str] = {
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
    aliases = _AGGREGATE_ALIASES.get(type(node), ())
    return r.func_name(node, _AGGREGATES[type(node)], aliases) + "(" + _distinct_args(r, node) + ")"


# MySQL synonyms sqlglot folds into one node (STD and STDDEV are STDDEV_POP, VARIANCE is VAR_POP)
_AGGREGATE_ALIASES: dict[type[exp.Expr], tuple[str, ...]] = {
    exp.StddevPop: ("STD", "STDDEV"),
    exp.VariancePop: ("VARIANCE",),
}


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


# -- CAST --------------------------------------------------------------------------------------

_CAST_TYPES: dict[exp.DType, str] = {
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
        text += r.kw(" CHARSET ") + r.kw(charset.name.lower())
    return text


_TYPED_LITERALS = {exp.DataType.Type.DATE: "DATE", exp.DataType.Type.TIME: "TIME",
                   exp.DataType.Type.DATETIME: "TIMESTAMP", exp.DataType.Type.TIMESTAMP: "TIMESTAMP",
                   exp.DataType.Type.TIMESTAMPTZ: "TIMESTAMP"}


@printer(exp.Cast)
def _cast(r: Restorer, node: exp.Cast) -> str:
    check_args(node, ("this", "to", "_type"))
    dtype = node.args["to"]
    operand = node.this
    if isinstance(dtype, exp.DataType) and not dtype.expressions and not dtype.args.get("kind"):
        word = _TYPED_LITERALS.get(dtype.this)
        odbc = re.search(r"\{\s*(d|t|ts)$", r.source_before(operand) or "", re.IGNORECASE)
        if (word and isinstance(operand, exp.Literal) and operand.is_string
                and (r.source_ends_with_word(operand, word) or odbc)):
            # DATE '2020-01-01': a typed literal, written without charset introducer
            return r.kw(word + " ") + r.string(operand.this, introducer=False)
        if dtype.this == exp.DataType.Type.BINARY and r.source_ends_with_word(operand, "BINARY"):
            return r.kw("BINARY ") + unary_operand(r, operand, node, UNARY, right=True)
    if isinstance(dtype, exp.DataType) and (r.source_before(operand) or "").upper().replace(" ", "").endswith(
            "CONVERT("):
        if dtype.this == exp.DataType.Type.CHARACTER_SET and not dtype.expressions and dtype.args.get("kind"):
            return r.kw("CONVERT") + "(" + r.node(operand) + r.kw(" USING ") + r.kw(dtype.args["kind"].name) + ")"
        return r.kw("CONVERT") + "(" + r.node(operand) + ", " + cast_type(r, dtype) + ")"
    if (isinstance(dtype, exp.DataType) and dtype.this == exp.DataType.Type.CHARACTER_SET
            and not dtype.expressions and dtype.args.get("kind") is not None
            and "CONVERT" in node.sql("mysql").upper().split("(")[0]):
        # CONVERT(x USING cs)
        return r.kw("CONVERT") + "(" + r.node(node.this) + r.kw(" USING ") + r.kw(dtype.args["kind"].name) + ")"
    return r.kw("CAST") + "(" + r.node(node.this) + r.kw(" AS ") + cast_type(r, dtype) + ")"


# -- dates and intervals -----------------------------------------------------------------------


@printer(exp.Interval)
def _interval(r: Restorer, node: exp.Interval) -> str:
    if node.args.get("unit") is None and isinstance(node.this, exp.Tuple):
        # the INTERVAL(n, n1, n2, ...) function, which sqlglot parses as a unit-less interval
        check_args(node, ("this",))
        return r.func_name(node, "INTERVAL") + "(" + _args(r, list(node.this.expressions)) + ")"
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
    if not typed and r.source_ends_with_word(node.args["substr"], "POSITION("):
        typed = "POSITION"
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


@printer(exp.UtcDate, exp.UtcTime, exp.UtcTimestamp, exp.Localtime, exp.Localtimestamp)
def _niladic(r: Restorer, node: exp.Func) -> str:
    check_args(node, ("this",))
    canonical = {exp.UtcDate: "UTC_DATE", exp.UtcTime: "UTC_TIME", exp.UtcTimestamp: "UTC_TIMESTAMP",
                 exp.Localtime: "LOCALTIME", exp.Localtimestamp: "LOCALTIMESTAMP"}[type(node)]
    arg = node.this
    return r.func_name(node, canonical) + "(" + (r.node(arg) if arg is not None else "") + ")"


_CURRENT: dict[type[exp.Expression], tuple[str, tuple[str, ...]]] = {
    exp.CurrentTimestamp: ("CURRENT_TIMESTAMP", ("NOW", "LOCALTIME", "LOCALTIMESTAMP")),
    exp.CurrentDate: ("CURRENT_DATE", ("CURDATE",)),
    exp.CurrentTime: ("CURRENT_TIME", ("CURTIME",)),
}


# -- JSON ----------------------------------------------------------------------------------------

def _json_path(r: Restorer, node: exp.Expression) -> str:
    if isinstance(node, exp.JSONPath):
        literal = sqlglot.parse_one(node.sql(dialect="mysql"), read="mysql")
        if not (isinstance(literal, exp.Literal) and literal.is_string):
            raise UnsupportedConstructError("JSON path", node.sql(dialect="mysql"))
        return r.node(literal)
    return r.node(node)


@printer(exp.JSONExtract, exp.JSONExtractScalar)
def _json_extract(r: Restorer, node: exp.Expression) -> str:
    # `a->'$.p'` is JSON_EXTRACT(a, '$.p') and `a->>'$.p'` JSON_UNQUOTE(JSON_EXTRACT(a, '$.p')) in TiDB.
    check_args(node, ("this", "expression", "expressions", "only_json_types", "scalar_only"))
    paths = [_json_path(r, node.expression)] + [r.node(e) for e in node.expressions]
    call = r.kw("JSON_EXTRACT") + "(" + ", ".join([r.node(node.this), *paths]) + ")"
    if isinstance(node, exp.JSONExtractScalar):
        typed = (r.typed_name(node) or "").upper()
        if typed != "JSON_EXTRACT":
            return r.kw("JSON_UNQUOTE") + "(" + call + ")"
    return call


@printer(exp.MatchAgainst)
def _match_against(r: Restorer, node: exp.MatchAgainst) -> str:
    # TiDB: MATCH (a,b) AGAINST (expr IN BOOLEAN MODE); modifiers are written plain (upper case)
    check_args(node, ("this", "expressions", "modifier"))
    modifier = str(node.args.get("modifier") or "").upper()
    if modifier not in ("", "IN NATURAL LANGUAGE MODE", "IN BOOLEAN MODE", "WITH QUERY EXPANSION"):
        raise UnsupportedConstructError(f"MATCH ... AGAINST modifier {modifier}")
    text = (r.kw("MATCH") + " (" + ",".join(r.node(c) for c in node.expressions) + ") " + r.kw("AGAINST") + " ("
            + r.node(node.this))
    if modifier and modifier != "IN NATURAL LANGUAGE MODE":  # the default mode, which TiDB leaves implicit
        text += " " + modifier
    return text + ")"


@printer(exp.JSONObject)
def _json_object(r: Restorer, node: exp.JSONObject) -> str:
    check_args(node, ("expressions", "return_type", "encoding", "null_handling", "unique_keys"))
    args: list[exp.Expression] = []
    for pair in node.expressions:
        if not isinstance(pair, exp.JSONKeyValue):
            raise UnsupportedConstructError("JSON_OBJECT argument " + type(pair).__name__)
        check_args(pair, ("this", "expression"))
        args += [pair.this, pair.expression]
    return r.func_name(node, "JSON_OBJECT") + "(" + _args(r, args) + ")"


@printer(exp.JSONObjectAgg)
def _json_objectagg(r: Restorer, node: exp.JSONObjectAgg) -> str:
    check_args(node, ("expressions",))
    if len(node.expressions) != 1 or not isinstance(node.expressions[0], exp.JSONKeyValue):
        raise UnsupportedConstructError("JSON_OBJECTAGG form")
    pair = node.expressions[0]
    check_args(pair, ("this", "expression"))
    return r.func_name(node, "JSON_OBJECTAGG") + "(" + _args(r, [pair.this, pair.expression]) + ")"


# -- the generic path --------------------------------------------------------------------------

_MYSQL = sqlglot.Dialect.get_or_raise("mysql")
_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\(")
# Wrappers sqlglot's MySQL parser puts around an argument (DAY(x) is Day(TsOrDsToDate(x))) and
# its MySQL generator prints as the bare argument.
_TRANSPARENT = (exp.TsOrDsToDate, exp.TsOrDsToTimestamp)


@printer(exp.TimestampAdd)
def _timestampadd(r: Restorer, node: exp.TimestampAdd) -> str:
    check_args(node, ("this", "expression", "unit"))
    return (r.func_name(node, "TIMESTAMPADD") + "(" + unit(r, node.args.get("unit")) + ", "
            + r.node(node.expression) + ", " + r.node(node.this) + ")")


@printer(exp.TimestampDiff)
def _timestampdiff(r: Restorer, node: exp.TimestampDiff) -> str:
    check_args(node, ("this", "expression", "unit"))
    # sqlglot keeps TIMESTAMPDIFF(unit, a, b) as this=b, expression=a
    return (r.func_name(node, "TIMESTAMPDIFF") + "(" + unit(r, node.args.get("unit")) + ", "
            + r.node(node.expression) + ", " + r.node(node.this) + ")")


@printer(exp.Func)
def _generic_function(r: Restorer, node: exp.Func) -> str:
    """Any other sqlglot function. sqlglot's MySQL generator prints the call with a marker in
    place of each argument; the call is accepted only when putting sqlglot's own text for each
    argument back in place reproduces sqlglot's text for the whole call (so no argument is
    rewritten, reordered or dropped on the way), and then each marker gets this printer's text."""
    standins: list[exp.Expression] = []
    fmt = node.args.get("format")
    converted_format = None
    if isinstance(fmt, exp.Literal) and fmt.is_string:
        # sqlglot stores a time format in its own notation; the generator converts it back.
        literal = sqlglot.parse_one(_MYSQL.generator().format_time(node) or "''", read="mysql")
        if isinstance(literal, exp.Literal) and literal.is_string:
            converted_format = literal

    def marker(stand_in: exp.Expression) -> exp.Var:
        standins.append(stand_in)
        return exp.Var(this=f"CZMARK{len(standins) - 1}Z")

    def swap(key: str, child: exp.Expression) -> exp.Expression:
        if key == "format" and converted_format is not None and child is fmt:
            return marker(converted_format)
        if isinstance(child, _TRANSPARENT) and not child._meta and child.this is not None:
            wrapper = child.copy()
            wrapper.set("this", marker(child.this))
            return wrapper
        return marker(child)

    shell = node.copy()
    for key, value in node.args.items():
        if isinstance(value, exp.Expression):
            shell.set(key, swap(key, value))
        elif isinstance(value, list):
            shell.set(key, [swap(key, v) if isinstance(v, exp.Expression) else v for v in value])
    try:
        full = node.sql(dialect="mysql", unsupported_level=sqlglot.ErrorLevel.RAISE)
        text = shell.sql(dialect="mysql", unsupported_level=sqlglot.ErrorLevel.RAISE)
        pieces = [s.sql(dialect="mysql") for s in standins]
    except Exception:  # sqlglot has no MySQL form either
        raise UnsupportedConstructError(type(node).__name__, "no MySQL form") from None
    marks = [f"CZMARK{i}Z" for i in range(len(standins))]
    if any(text.count(m) != 1 for m in marks) or _fill(text, marks, pieces) != full:
        raise UnsupportedConstructError(type(node).__name__, "no TiDB form known for this function")
    match = _NAME.match(text)
    if match is None:
        raise UnsupportedConstructError(type(node).__name__, "not a function call in MySQL")
    canonical = match.group(1)
    aliases: tuple[str, ...] = ()
    typed = r.typed_name(node)
    if typed is not None and typed.upper() != canonical.upper() and _same_shape(typed, text, canonical):
        aliases = (typed,)
    name = r.func_name(node, canonical, aliases)
    return name + _fill(text[len(canonical):], marks, [r.node(s) for s in standins])


def _fill(text: str, marks: list[str], pieces: list[str]) -> str:
    for mark, piece in zip(marks, pieces, strict=True):
        text = text.replace(mark, piece, 1)
    return text


def _same_shape(typed: str, shell: str, canonical: str) -> bool:
    """Whether the call under the name the user typed, with the same arguments in the same places,
    is what sqlglot reads as this call: sqlglot must print it back as the same marker text (a name
    with other arity or argument order, such as LOG2(a) for LOG(2, a), does not)."""
    try:
        parsed = sqlglot.parse_one("SELECT " + typed + shell[len(canonical):], read="mysql")
    except Exception:
        return False
    return (isinstance(parsed, exp.Select) and len(parsed.expressions) == 1
            and parsed.expressions[0].sql(dialect="mysql") == shell)
