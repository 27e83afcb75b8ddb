"""Translation of MySQL into SQLite: the rewrites and the functions that mean the same on both.

Assumptions, shared with the PostgreSQL table and stated in docs/safety.md: the MySQL side runs with
a binary (case-sensitive) collation and the UTC time zone; DATE / DATETIME values are stored on
SQLite as ISO text ('YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS'), as the translated CREATE TABLE does.
"""

from __future__ import annotations

from sqlglot import exp

from sqlparser.errors import UnsupportedConstructError
from sqlparser.ir import DML_STATEMENTS
from sqlparser.rules.create_table import AutoIncrement, TypeMap, translate_create_table
from sqlparser.rules.denylists import MYSQL_ONLY_NODES, WINDOW_FUNCTIONS
from sqlparser.rules.portable import (
    COMMON_FUNCTIONS,
    SOURCE_DENIED,
    cast_checked,
    division,
    mysql_comparison,
    negative_substr,
    nth_value_from_first,
    pg_length,
    pipes_checked,
    positive_substr,
    round_checked,
    string_agg,
)
from sqlparser.rules.query_shape import grouping, limited_write
from sqlparser.rules.rewrites import like_to_glob, values_to_excluded
from sqlparser.rules.temporal import (
    Shift,
    convert_format,
    diff_unit_seconds,
    fractional_seconds,
    mark_kind,
    shift_of,
    temporal_kind,
)
from sqlparser.rules.translate import Rewrite, TranslateRules, by_name, call, generated, number, string

# -- time ------------------------------------------------------------------------------------------


def _now(node: exp.Expression) -> exp.Expression:
    fractional_seconds(node)
    if node.find_ancestor(exp.ColumnConstraint) is not None:
        return node  # DEFAULT CURRENT_TIMESTAMP: SQLite's gives the same text, in UTC
    return mark_kind(call("datetime", string("now")), "datetime")


def _shift(node: exp.Expression) -> exp.Expression:
    shift = shift_of(node)
    if shift is None:
        return node
    kind = temporal_kind(shift.this)
    x = shift.this
    day: exp.Expression
    as_datetime: exp.Expression
    if shift.unit == "month":
        # MySQL clamps to the last day of the target month (Jan 31 + 1 month = Feb 29); SQLite's
        # date() overflows into the next month. Take the earlier of the plain shift and the last
        # day of the target month.
        plain = call("date", x.copy(), _modifier(shift, "months"))
        last_day = call("date", x.copy(), string("start of month"),
                        _modifier(shift, "months", plus=1), string("-1 day"))
        day = call("min", plain, last_day)
        as_datetime = exp.DPipe(this=exp.DPipe(this=day.copy(), expression=string(" ")),
                                expression=call("time", x.copy()))
    else:
        modifier = _modifier(shift, shift.unit + "s")
        day = call("date", x.copy(), modifier)
        as_datetime = call("datetime", x.copy(), modifier.copy())
    if not shift.date_unit or kind == "datetime":
        return mark_kind(as_datetime, "datetime")
    if kind == "date":
        return mark_kind(day, "date")
    # Unknown type (a column): a DATE stays a DATE, as in MySQL, judged by the stored text's length.
    return exp.Case(ifs=[exp.If(this=exp.EQ(this=call("length", x.copy()), expression=number(10)), true=day)],
                    default=as_datetime)


def _modifier(shift: Shift, unit: str, plus: int = 0) -> exp.Expression:
    """A date() modifier such as '+3 days'; for a computed amount, built at run time."""
    if shift.n is not None:
        return string(f"{shift.n + plus:+d} {unit}")
    amount = shift.amount.copy()
    if plus:
        amount = exp.Add(this=exp.Paren(this=amount), expression=number(plus))
    return exp.DPipe(this=call("printf", string("%+d "), amount), expression=string(unit))


def _part(fmt: str, offset: int = 0) -> Rewrite:
    def rewrite(node: exp.Expression) -> exp.Expression:
        value: exp.Expression = exp.Cast(this=call("strftime", string(fmt), node.this.copy()),
                                         to=exp.DataType.build("INTEGER"))
        if offset:
            value = exp.Add(this=value, expression=number(offset))
        return value

    return rewrite


def _date(node: exp.Expression) -> exp.Expression:
    return mark_kind(call("date", node.this.copy()), "date")


def _datediff(node: exp.Expression) -> exp.Expression:
    days = exp.Sub(this=call("julianday", call("date", node.this.copy())),
                   expression=call("julianday", call("date", node.expression.copy())))
    return exp.Cast(this=days, to=exp.DataType.build("INTEGER"))


# sqlglot holds DATE_FORMAT patterns in strftime form (MySQL %i is %M there), which SQLite shares.
_FORMATS = {"%Y": "%Y", "%m": "%m", "%d": "%d", "%H": "%H", "%M": "%M", "%S": "%S", "%j": "%j", "%%": "%%"}


def _date_format(node: exp.Expression) -> exp.Expression:
    fmt = convert_format(node.args.get("format"), _FORMATS, literal=lambda text: text)
    value = node.this.this if isinstance(node.this, exp.TsOrDsToTimestamp) else node.this
    return call("strftime", string(fmt), value.copy())


def _timestampdiff(node: exp.Expression) -> exp.Expression:
    # Whole seconds, then integer division: truncates toward zero, as MySQL does.
    seconds = exp.Sub(this=call("unixepoch", node.this.copy()), expression=call("unixepoch", node.expression.copy()))
    return exp.Paren(this=exp.Div(this=exp.Paren(this=seconds), expression=number(diff_unit_seconds(node)),
                                  typed=True))


def _from_unixtime(node: exp.Expression) -> exp.Expression:
    if node.args.get("format") is not None:
        raise UnsupportedConstructError("FROM_UNIXTIME with a format", "use DATE_FORMAT(FROM_UNIXTIME(x), ...)")
    return mark_kind(call("datetime", node.this.copy(), string("unixepoch")), "datetime")


def _last_day(node: exp.Expression) -> exp.Expression:
    return mark_kind(call("date", node.this.copy(), string("start of month"), string("+1 month"),
                          string("-1 day")), "date")


def _unix_timestamp(node: exp.Expression) -> exp.Expression:
    return call("unixepoch", *[a.copy() for a in node.expressions])


# -- strings ---------------------------------------------------------------------------------------


def _concat(node: exp.Expression) -> exp.Expression:
    # `||` propagates NULL as MySQL's CONCAT does.
    args = [a.copy() for a in node.expressions]
    out = args[0] if len(args) == 1 else exp.DPipe(this=args[0], expression=args[1])
    for arg in args[2:]:
        out = exp.DPipe(this=out, expression=arg)
    if len(args) == 1:
        out = exp.Cast(this=out, to=exp.DataType.build("TEXT"))
    return exp.Paren(this=out)


def _length(node: exp.Expression) -> exp.Expression:
    if node.args.get("binary"):  # MySQL LENGTH counts bytes
        return call("length", exp.Cast(this=node.this.copy(), to=exp.DataType.build("BLOB")))
    return call("length", node.this.copy())


def _like(node: exp.Expression) -> exp.Expression:
    """LIKE is case-sensitive under a binary collation; SQLite's LIKE is not: use GLOB."""
    escape = "\\"
    like = node
    if isinstance(node, exp.Escape):
        like = node.this
        if not (isinstance(node.expression, exp.Literal) and node.expression.is_string
                and len(node.expression.this) == 1):
            raise UnsupportedConstructError("LIKE ... ESCAPE with a non-literal escape")
        escape = node.expression.this
    elif isinstance(node.parent, exp.Escape):
        return node  # the Escape around it is rewritten instead
    if not isinstance(like, exp.Like):
        return node
    pattern = like.expression
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise UnsupportedConstructError("LIKE with a non-literal pattern",
                                        "SQLite's LIKE ignores case; only literal patterns are translated")
    glob = exp.Glob(this=like.this.copy(), expression=string(like_to_glob(pattern.this, escape)))
    return exp.Not(this=glob) if like.args.get("negate") else glob


def _left(node: exp.Expression) -> exp.Expression:
    return call("substr", node.this.copy(), number(1), node.expression.copy())


def _right(node: exp.Expression) -> exp.Expression:
    n = node.expression
    if not (isinstance(n, exp.Literal) and not n.is_string and int(n.this) > 0):
        raise UnsupportedConstructError("RIGHT() with a non-constant length")
    return call("substr", node.this.copy(), number(-int(n.this)))


_NEGATIVE_SUBSTR = negative_substr(length_fn="length", empty_when_short=True, has_right=False)


def _substring(node: exp.Expression) -> exp.Expression:
    new = _NEGATIVE_SUBSTR(node)  # SUBSTRING(x, -n): MySQL gives '' when x is shorter than n
    if new is not node:
        return new
    start = node.args["start"]  # MySQL's SUBSTRING always has a position
    if isinstance(start, exp.Literal) and start.this == "0":
        raise UnsupportedConstructError("SUBSTRING from position 0", "MySQL returns '', SQLite the whole string")
    args = [node.this.copy(), start.copy()]
    if node.args.get("length") is not None:
        args.append(node.args["length"].copy())
    return call("substr", *args)


def _locate(node: exp.Expression) -> exp.Expression:
    if node.args.get("position") is not None:
        raise UnsupportedConstructError("LOCATE() with a start position")
    return call("instr", node.this.copy(), node.args["substr"].copy())


def _group_concat(node: exp.Expression) -> exp.Expression:
    # sqlglot prints SQLite's form (separator before ORDER BY); SQLite refuses DISTINCT with one.
    inner = node.this.this if isinstance(node.this, exp.Order) else node.this
    separator = node.args.get("separator")
    custom = separator is not None and not (isinstance(separator, exp.Literal) and separator.this == ",")
    if isinstance(inner, exp.Distinct) and custom:
        raise UnsupportedConstructError("GROUP_CONCAT(DISTINCT ... SEPARATOR ...)", "SQLite allows no separator there")
    if isinstance(inner, exp.Distinct) and not custom:
        node.set("separator", None)
    return node


# -- numbers ---------------------------------------------------------------------------------------


def _mod(node: exp.Expression) -> exp.Expression:
    # SQLite's % truncates REAL operands to integers; mod() does not, and gives NULL for 0 as MySQL.
    return call("mod", node.this.copy(), node.expression.copy())


def _xor(node: exp.Expression) -> exp.Expression:
    a, b = node.this, node.expression
    return exp.Paren(this=exp.Or(
        this=exp.And(this=exp.Paren(this=a.copy()), expression=exp.Not(this=exp.Paren(this=b.copy()))),
        expression=exp.And(this=exp.Not(this=exp.Paren(this=a.copy())), expression=exp.Paren(this=b.copy()))))


def _cast(node: exp.Expression) -> exp.Expression:
    if not isinstance(node, exp.Cast):
        return node
    to = node.to
    kind = to.this
    x = node.this.copy()
    T = exp.DataType.Type
    if kind in (T.CHAR, T.VARCHAR, T.NCHAR, T.NVARCHAR, T.TEXT):
        length = to.expressions[0].this if to.expressions else None
        text = exp.Cast(this=x, to=exp.DataType.build("TEXT"))
        return call("substr", text, number(1), length.copy()) if length is not None else text
    if kind in (T.BIGINT, T.INT, T.SMALLINT, T.TINYINT):
        if isinstance(x, exp.Literal) and x.is_string:
            raise UnsupportedConstructError("CAST of a string to SIGNED", "MySQL parses the leading digits")
        # MySQL rounds a number to the nearest integer; SQLite's CAST truncates.
        return exp.Cast(this=call("round", x), to=exp.DataType.build("INTEGER"))
    if kind in (T.UBIGINT, T.UINT, T.USMALLINT, T.UTINYINT):
        raise UnsupportedConstructError("CAST AS UNSIGNED", "MySQL wraps negative values around 2**64")
    if kind in (T.DECIMAL,):
        scale = to.expressions[1].this if len(to.expressions) > 1 else number(0)
        return call("round", exp.Cast(this=x, to=exp.DataType.build("REAL")), scale.copy())
    if kind in (T.DOUBLE, T.FLOAT):
        return exp.Cast(this=x, to=exp.DataType.build("REAL"))
    if kind is T.DATE:
        return mark_kind(call("date", x), "date")
    if kind in (T.DATETIME, T.TIMESTAMP):
        return mark_kind(call("datetime", x), "datetime")
    if kind is T.TIME:
        return call("time", x)
    raise UnsupportedConstructError(f"CAST AS {to.sql('mysql')}")


# -- statements ------------------------------------------------------------------------------------


def _insert(node: exp.Expression) -> exp.Expression:
    if node.args.get("ignore"):
        node.set("ignore", None)
        node.set("alternative", "IGNORE")
    conflict = node.args.get("conflict")
    if conflict is not None and conflict.args.get("duplicate"):
        # ON DUPLICATE KEY UPDATE: SQLite's last ON CONFLICT clause may omit the target and then
        # covers every uniqueness constraint, as MySQL's does. VALUES(c) is the row proposed.
        if not isinstance(node.expression, exp.Values):
            raise UnsupportedConstructError("INSERT ... SELECT ... ON DUPLICATE KEY UPDATE")
        sets = [values_to_excluded(e.copy()) for e in conflict.expressions]
        node.set("conflict", exp.OnConflict(expressions=sets, action=exp.var("DO UPDATE")))
    return node


def _update(node: exp.Expression) -> exp.Expression:
    node = limited_write(node)
    return _update_snapshot(node)


def _update_snapshot(node: exp.Expression) -> exp.Expression:
    """MySQL (and PostgreSQL) evaluate an UPDATE's subqueries against the table as it was before the
    statement; SQLite's correlated subqueries see the rows the UPDATE has already changed. Reads of
    the updated table go to a MATERIALIZED snapshot taken before the first row is written."""
    target = node.this
    if not isinstance(target, exp.Table) or target.args.get("joins"):
        return node
    name = target.name.lower()
    reads = [tb for tb in node.find_all(exp.Table)
             if tb is not target and tb.name.lower() == name and not tb.args.get("db")]
    if not reads:
        return node
    snapshot = f"cozelite_before_{name}"
    for table in reads:
        if not table.alias:
            table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
        table.set("this", exp.to_identifier(snapshot))
    cte = exp.CTE(this=exp.select("*").from_(exp.to_table(target.name)),
                  alias=exp.TableAlias(this=exp.to_identifier(snapshot)), materialized=True)
    with_ = node.args.get("with_")
    if with_ is None:
        node.set("with_", exp.With(expressions=[cte]))
    else:
        with_.append("expressions", cte)
    return node


_TYPES = TypeMap(
    integer="INTEGER", text="TEXT", real="REAL", numeric="NUMERIC", blob="BLOB",
    date="TEXT", datetime="TEXT", time="TEXT", json="TEXT", boolean="INTEGER", year="INTEGER",
    varchar_check=True, json_check="json_valid", autoincrement=AutoIncrement.SQLITE,
)


def _create(node: exp.Expression) -> exp.Expression:
    return translate_create_table(node, _TYPES)


_MYSQL_COMPARISON = mysql_comparison(numeric_target_text=True)  # SQLite would compare a TEXT column as text


def _ilike(node: exp.Expression) -> exp.Expression:
    """PostgreSQL's ILIKE with a literal ASCII pattern: SQLite's LIKE ignores ASCII case. PostgreSQL's
    escape character is the backslash, SQLite's LIKE has none unless told."""
    if not isinstance(node, exp.ILike):
        return node
    pattern = node.expression
    if not (isinstance(pattern, exp.Literal) and pattern.is_string and pattern.this.isascii()):
        raise UnsupportedConstructError("ILIKE with a non-literal or non-ASCII pattern",
                                        "SQLite's LIKE ignores ASCII case only")
    like = generated(exp.Like(this=node.this.copy(), expression=pattern.copy()))
    if "\\" in pattern.this:
        return generated(exp.Escape(this=like, expression=string("\\")))
    return like


def _int_div(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.Div(this=a, expression=b, typed=True, safe=True)  # SQLite divides integers as integers


FROM_POSTGRES = TranslateRules(
    target="sqlite",
    sources=frozenset({"postgres"}),
    rewrites={
        exp.Div: division(numeric_exact=True, int_div=_int_div),
        exp.Like: _like, exp.Escape: _like, exp.ILike: _ilike,
        exp.DPipe: pipes_checked,
        exp.Substring: positive_substr,
        exp.Anonymous: pg_length, exp.AnonymousAggFunc: string_agg,
        exp.Round: round_checked,
        exp.Cast: cast_checked,
    },
    functions=COMMON_FUNCTIONS | WINDOW_FUNCTIONS,
    denied={k: v for k, v in SOURCE_DENIED.items() if k is not exp.Glob},  # GLOB: LIKE as translated
)

_SAME = frozenset({
    exp.Coalesce, exp.Nullif, exp.Case, exp.If, exp.Abs, exp.Round, exp.Floor, exp.Ceil, exp.Sign, exp.Sqrt,
    exp.Pow, exp.Exp, exp.Ln, exp.Upper, exp.Lower, exp.Trim, exp.Replace, exp.Count, exp.Sum, exp.Avg, exp.Min,
    exp.Max, exp.Greatest, exp.Least, exp.ConcatWs, exp.CurrentDate, exp.CurrentTime, exp.Cast, exp.TryCast,
    exp.IntDiv, exp.Exists, exp.Paren, exp.CurrentTimestamp, exp.GroupConcat,
})

RULES = TranslateRules(
    target="sqlite",
    sources=frozenset({"mysql"}),
    rewrites={
        exp.CurrentTimestamp: _now,
        exp.UtcTimestamp: _now,
        exp.Localtimestamp: _now,
        exp.Anonymous: by_name({
            "now": _now, "sysdate": _now, "utc_timestamp": _now, "localtime": _now, "localtimestamp": _now,
            "adddate": _shift, "subdate": _shift, "unix_timestamp": _unix_timestamp,
        }),
        exp.DateAdd: _shift, exp.DateSub: _shift, exp.TimestampAdd: _shift, exp.Add: _shift, exp.Sub: _shift,
        exp.Year: _part("%Y"), exp.Month: _part("%m"), exp.Day: _part("%d"), exp.DayOfMonth: _part("%d"),
        exp.Hour: _part("%H"), exp.Minute: _part("%M"), exp.Second: _part("%S"), exp.DayOfWeek: _part("%w", 1),
        exp.DayOfYear: _part("%j"),
        exp.TsOrDsToDate: _date, exp.DateDiff: _datediff, exp.TimeToStr: _date_format,
        exp.TimestampDiff: _timestampdiff, exp.UnixToTime: _from_unixtime, exp.LastDay: _last_day,
        exp.Concat: _concat, exp.ConcatWs: lambda node: node, exp.Length: _length, exp.Like: _like, exp.Escape: _like,
        exp.Left: _left, exp.Right: _right, exp.Substring: _substring, exp.StrPosition: _locate,
        exp.GroupConcat: _group_concat, exp.Mod: _mod, exp.Xor: _xor, exp.Cast: _cast,
        exp.Insert: _insert, exp.Update: _update, exp.Delete: limited_write, exp.Create: _create,
        exp.Select: grouping,
        exp.NthValue: nth_value_from_first,
        **{c: _MYSQL_COMPARISON for c in (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)},
    },
    functions=_SAME | WINDOW_FUNCTIONS,
    denied=MYSQL_ONLY_NODES,
    statements=(*DML_STATEMENTS, exp.Create, exp.Drop),
    by_source={"postgres": FROM_POSTGRES},
)
