"""Translation of MySQL into PostgreSQL: the rewrites and the functions that mean the same on both.

Assumptions, stated in docs/safety.md: the MySQL side uses a binary (case-sensitive) collation and
the UTC time zone, and PostgreSQL sessions run with TimeZone UTC. MySQL has no boolean type (TRUE
is 1, a comparison is 0 or 1, any number is a truth value); PostgreSQL is strict about it, so
truth values are converted where a number is expected and numbers where a truth value is.
Unquoted and backquoted MySQL names are case-insensitive; they are printed in lower case.
"""

from __future__ import annotations

from typing import TypeGuard

from sqlglot import exp

from sqlparser.errors import UnsupportedConstructError
from sqlparser.ir import DML_STATEMENTS
from sqlparser.rules.booleans import context, is_predicate
from sqlparser.rules.create_table import AutoIncrement, TypeMap, translate_create_table
from sqlparser.rules.denylists import MYSQL_ONLY_NODES, WINDOW_FUNCTIONS
from sqlparser.rules.portable import (
    COMMON_FUNCTIONS,
    SOURCE_DENIED,
    cast_checked,
    compose,
    division,
    like_insensitive,
    mixed_columns,
    mysql_comparison,
    negative_substr,
    nth_value_from_first,
    pg_length,
    pipes_as_text,
    positive_substr,
    quoted_string,
    round_checked,
    sqlite_comparison,
    strftime_checked,
    text_aggregate,
)
from sqlparser.rules.query_shape import (
    alias_references,
    constant_group_keys,
    derived_alias,
    distinct_order,
    grouping,
    limited_write,
    using_columns,
)
from sqlparser.rules.temporal import (
    Shift,
    convert_format,
    diff_unit_seconds,
    fractional_seconds,
    mark_kind,
    shift_of,
    temporal_kind,
)
from sqlparser.rules.translate import (
    GENERATED,
    VALUE_TYPE,
    Rewrite,
    TranslateRules,
    by_name,
    call,
    generated,
    number,
    string,
)

_T = exp.DataType.Type


def _ts(x: exp.Expression) -> exp.Expression:
    return exp.Cast(this=x, to=exp.DataType.build("TIMESTAMP"))


def _now(node: exp.Expression) -> exp.Expression:
    fractional_seconds(node)
    if node.find_ancestor(exp.ColumnConstraint) is not None:
        return node
    # MySQL's NOW() is a DATETIME in the session time zone, whole seconds.
    return mark_kind(call("date_trunc", string("second"), _ts(call("now"))), "datetime")


def _curtime(node: exp.Expression) -> exp.Expression:
    return exp.Cast(this=call("date_trunc", string("second"), _ts(call("now"))), to=exp.DataType.build("TIME"))


def _unix_timestamp(node: exp.Expression) -> exp.Expression:
    at = _ts(node.expressions[0].copy()) if node.expressions else call("now")
    epoch = exp.Extract(this=exp.var("EPOCH"), expression=at)
    return exp.Cast(this=call("floor", epoch), to=exp.DataType.build("BIGINT"))


def _timestampdiff(node: exp.Expression) -> exp.Expression:
    # MySQL truncates toward zero; so does TRUNC.
    seconds = exp.Extract(this=exp.var("EPOCH"), expression=exp.Sub(this=_ts(node.this.copy()),
                                                                    expression=_ts(node.expression.copy())))
    units = exp.Div(this=seconds, expression=number(diff_unit_seconds(node)), typed=True)
    return exp.Cast(this=call("trunc", units), to=exp.DataType.build("BIGINT"))


def _from_unixtime(node: exp.Expression) -> exp.Expression:
    if node.args.get("format") is not None:
        raise UnsupportedConstructError("FROM_UNIXTIME with a format", "use DATE_FORMAT(FROM_UNIXTIME(x), ...)")
    utc = exp.AtTimeZone(this=call("to_timestamp", node.this.copy()), zone=string("UTC"))
    return mark_kind(exp.Paren(this=utc), "datetime")


def _last_day(node: exp.Expression) -> exp.Expression:
    month = call("date_trunc", string("month"), _ts(node.this.copy()))
    last = exp.Sub(this=exp.Add(this=month, expression=generated(exp.Interval(this=string("1"),
                                                                             unit=exp.var("MONTH")))),
                   expression=generated(exp.Interval(this=string("1"), unit=exp.var("DAY"))))
    return mark_kind(exp.Cast(this=last, to=exp.DataType.build("DATE")), "date")


def _interval(shift: Shift) -> exp.Expression:
    unit = shift.unit.upper()
    if shift.n is not None:
        return generated(exp.Interval(this=string(str(shift.n)), unit=exp.var(unit)))
    one = generated(exp.Interval(this=string("1"), unit=exp.var(unit)))
    return exp.Mul(this=exp.Paren(this=shift.amount.copy()), expression=one)


def _shift(node: exp.Expression) -> exp.Expression:
    shift = shift_of(node)
    if shift is None:
        return node
    kind = temporal_kind(shift.this)
    x = shift.this.copy()
    if kind == "date" and shift.date_unit:
        # DATE + day-or-longer stays a DATE in MySQL; PostgreSQL's date + interval is a timestamp.
        moved = exp.Add(this=exp.Cast(this=x, to=exp.DataType.build("DATE")), expression=_interval(shift))
        return mark_kind(exp.Cast(this=moved, to=exp.DataType.build("DATE")), "date")
    if kind is not None:
        return mark_kind(exp.Paren(this=exp.Add(this=_ts(x), expression=_interval(shift))), "datetime")
    if shift.this.meta.get(VALUE_TYPE) == "text":
        raise UnsupportedConstructError("date arithmetic on a text column",
                                        "MySQL keeps the text's form (a date or a datetime, per value); "
                                        "CAST the column to DATE or DATETIME")
    # A column: PostgreSQL picks the result type from the column's (a DATE column gives a
    # timestamp at midnight; see docs/safety.md).
    return exp.Paren(this=exp.Add(this=x, expression=_interval(shift)))


def _extract(field: str, offset: int = 0) -> Rewrite:
    def rewrite(node: exp.Expression) -> exp.Expression:
        value: exp.Expression = exp.Cast(this=exp.Extract(this=exp.var(field), expression=_ts(node.this.copy())),
                                         to=exp.DataType.build("INTEGER"))
        if offset:
            value = exp.Paren(this=exp.Add(this=value, expression=number(offset)))
        return value

    return rewrite


def _date(node: exp.Expression) -> exp.Expression:
    return mark_kind(exp.Cast(this=node.this.copy(), to=exp.DataType.build("DATE")), "date")


def _datediff(node: exp.Expression) -> exp.Expression:
    return exp.Paren(this=exp.Sub(this=exp.Cast(this=node.this.copy(), to=exp.DataType.build("DATE")),
                                  expression=exp.Cast(this=node.expression.copy(), to=exp.DataType.build("DATE"))))


_FORMATS = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "HH24", "%M": "MI", "%S": "SS", "%j": "DDD", "%%": "%"}


def _format_literal(text: str) -> str:
    # to_char reads letters as patterns; text in double quotes is copied as it is.
    if any(ch.isalpha() for ch in text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _date_format(node: exp.Expression) -> exp.Expression:
    fmt = convert_format(node.args.get("format"), _FORMATS, literal=_format_literal)
    value = node.this.this if isinstance(node.this, exp.TsOrDsToTimestamp) else node.this
    return call("to_char", _ts(value.copy()), string(fmt))


def _text(x: exp.Expression) -> exp.Expression:
    if isinstance(x, exp.Literal) and x.is_string:
        return x.copy()
    return exp.Cast(this=x.copy(), to=exp.DataType.build("TEXT"))


def _concat(node: exp.Expression) -> exp.Expression:
    # PostgreSQL's CONCAT skips NULL; MySQL's returns NULL. `||` propagates NULL.
    args = [_text(a) for a in node.expressions]
    out = args[0]
    for arg in args[1:]:
        out = exp.DPipe(this=out, expression=arg)
    return exp.Paren(this=out)


def _length(node: exp.Expression) -> exp.Expression:
    name = "octet_length" if node.args.get("binary") else "char_length"
    return call(name, _text(node.this))


def _nonnegative_literal(node: exp.Expression | None) -> TypeGuard[exp.Literal]:
    return isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit()


def _left_right(node: exp.Expression) -> exp.Expression:
    if not _nonnegative_literal(node.expression):
        raise UnsupportedConstructError(f"{type(node).__name__.upper()}() with a non-constant length",
                                        "a negative length means something else on PostgreSQL")
    return node


_NEGATIVE_SUBSTR = negative_substr(length_fn="char_length", empty_when_short=True)


def _substring(node: exp.Expression) -> exp.Expression:
    new = _NEGATIVE_SUBSTR(node)  # SUBSTRING(x, -n): RIGHT(x, n), '' when x is shorter (as MySQL)
    if new is not node:
        return new
    start, length = node.args.get("start"), node.args.get("length")
    if not (_nonnegative_literal(start) and start.this != "0"):
        raise UnsupportedConstructError("SUBSTRING() from a non-constant or non-positive position",
                                        "negative positions count from the end only in MySQL")
    if length is not None and isinstance(length, exp.Neg):
        raise UnsupportedConstructError("SUBSTRING() with a negative length")
    return node


def _locate(node: exp.Expression) -> exp.Expression:
    if node.args.get("position") is not None:
        raise UnsupportedConstructError("LOCATE() with a start position")
    return node


def _group_concat(node: exp.Expression) -> exp.Expression:
    inner = node.this
    order = None
    if isinstance(inner, exp.Order):
        order, inner = inner, inner.this
    if isinstance(inner, exp.Distinct):
        if len(inner.expressions) != 1:
            raise UnsupportedConstructError("GROUP_CONCAT of several values")
        value = inner.expressions[0]
        if order is not None:
            # PostgreSQL: with DISTINCT, ORDER BY may only name the aggregated expression itself.
            keys = order.expressions
            if len(keys) != 1 or keys[0].this != value:
                raise UnsupportedConstructError("GROUP_CONCAT(DISTINCT x ORDER BY another expression)")
            keys[0].set("this", _text(value))
        inner.set("expressions", [_text(value)])
    else:
        inner = _text(inner)
        if order is not None:
            order.set("this", inner)
        else:
            node.set("this", inner)
    if node.args.get("separator") is None:
        node.set("separator", string(","))
    return node


def _nullif_zero(node: exp.Expression) -> exp.Expression:
    # MySQL gives NULL for x DIV 0 and x MOD 0; PostgreSQL raises division_by_zero.
    node.set("expression", exp.Nullif(this=node.expression.copy(), expression=number(0)))
    return node


def _greatest(node: exp.Expression) -> exp.Expression:
    # PostgreSQL's GREATEST / LEAST ignore NULL arguments; MySQL's return NULL.
    args = [node.this, *node.expressions]
    any_null: exp.Expression | None = None
    for arg in args:
        test = exp.Is(this=arg.copy(), expression=exp.Null())
        any_null = test if any_null is None else exp.Or(this=any_null, expression=test)
    return exp.Case(ifs=[exp.If(this=any_null, true=exp.Null())], default=node.copy())


def _cast(node: exp.Expression) -> exp.Expression:
    if not isinstance(node, exp.Cast):
        return node
    to = node.to
    kind = to.this
    x = node.this
    if kind in (_T.CHAR, _T.NCHAR, _T.VARCHAR, _T.NVARCHAR):
        # MySQL's CAST(x AS CHAR) is text of any length; CHAR(n) keeps n characters.
        if to.expressions:
            return exp.Cast(this=x.copy(), to=exp.DataType.build(f"VARCHAR({to.expressions[0].this})"))
        return exp.Cast(this=x.copy(), to=exp.DataType.build("TEXT"))
    if kind in (_T.BIGINT, _T.INT):
        if isinstance(x, exp.Literal) and x.is_string:
            raise UnsupportedConstructError("CAST of a string to SIGNED", "MySQL parses the leading digits")
        return exp.Cast(this=x.copy(), to=exp.DataType.build("BIGINT"))
    if kind in (_T.UBIGINT, _T.UINT):
        raise UnsupportedConstructError("CAST AS UNSIGNED", "MySQL wraps negative values around 2**64")
    if kind in (_T.DECIMAL, _T.DOUBLE, _T.FLOAT, _T.DATE, _T.TIME, _T.TEXT):
        return node
    if kind in (_T.DATETIME, _T.TIMESTAMP):
        return mark_kind(_ts(x.copy()), "datetime")
    raise UnsupportedConstructError(f"CAST AS {to.sql('mysql')}")


def _insert(node: exp.Expression) -> exp.Expression:
    conflict = node.args.get("conflict")
    if conflict is not None and conflict.args.get("duplicate"):
        raise UnsupportedConstructError(
            "ON DUPLICATE KEY UPDATE",
            "PostgreSQL's ON CONFLICT needs the conflicting columns, which the statement does not name")
    if node.args.get("ignore"):
        node.set("ignore", None)
        node.set("conflict", exp.OnConflict(action=exp.var("DO NOTHING")))
    return node


_TYPES = TypeMap(
    integer="INTEGER", small="SMALLINT", big="BIGINT", text="TEXT", varchar="VARCHAR", real="DOUBLE PRECISION",
    float32="REAL", numeric="NUMERIC", blob="BYTEA", date="DATE", datetime="TIMESTAMP", time="TIME",
    json="JSONB", boolean="SMALLINT", year="SMALLINT", autoincrement=AutoIncrement.IDENTITY,
)


def _create(node: exp.Expression) -> exp.Expression:
    return translate_create_table(node, _TYPES)


def _finish(node: exp.Expression) -> exp.Expression:
    """After each node's rewrite: lower-case names, and MySQL's numbers-as-truth-values made explicit."""
    if isinstance(node, exp.Identifier):
        # Unquoted names fold to lower case as PostgreSQL folds them; a quoted name keeps its case.
        if not node.quoted:
            node.set("this", node.this.lower())
        return node
    ctx = context(node)
    if isinstance(node, exp.Boolean):
        return number(1 if node.this else 0) if ctx == "value" else node
    if is_predicate(node):
        if ctx == "value" and not isinstance(node, exp.Paren):
            return exp.Cast(this=exp.Paren(this=node.copy()), to=exp.DataType.build("INTEGER"))
        return node
    if ctx == "predicate" and isinstance(node, (exp.Column, exp.Literal, exp.Binary, exp.Func, exp.Neg)) \
            and not isinstance(node, (exp.Connector, exp.Predicate)):
        return exp.Paren(this=exp.NEQ(this=node.copy(), expression=number(0)))
    return node


_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_NUMERIC_FORMAT = ("YYYY", "MM", "DD", "HH24", "MI", "SS", "DDD")


def _numeric_operand(x: exp.Expression) -> exp.Expression:
    """An operand of MySQL arithmetic that the source saw as text: MySQL converts it to a number.
    Translated when the conversion is exact: a to_char of digits-only fields, or a number-like string."""
    kind = x.meta.get(VALUE_TYPE)
    if kind != "text":
        return x
    inner = x.this if isinstance(x, exp.Paren) else x
    if isinstance(inner, exp.Anonymous) and inner.name.lower() == "to_char" and len(inner.expressions) == 2:
        fmt = inner.expressions[1]
        if isinstance(fmt, exp.Literal) and fmt.is_string and fmt.this in _NUMERIC_FORMAT:
            return exp.Cast(this=x.copy(), to=exp.DataType.build("INTEGER"))
    if isinstance(inner, exp.TimeToStr):
        fmt = inner.args.get("format")
        if isinstance(fmt, exp.Literal) and fmt.is_string and fmt.this in ("%Y", "%m", "%d", "%H", "%M", "%S", "%j"):
            return exp.Cast(this=x.copy(), to=exp.DataType.build("INTEGER"))
    if isinstance(inner, exp.Literal) and inner.is_string and inner.this.strip().lstrip("+-").isdigit():
        return number(inner.this.strip())
    raise UnsupportedConstructError(f"arithmetic on text {x.sql('postgres')[:60]}",
                                    "the source converts text to a number there; PostgreSQL does not")


def _arith_text(node: exp.Expression) -> exp.Expression:
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul)):
        for key in ("this", "expression"):
            arg = node.args.get(key)
            if isinstance(arg, exp.Expression):
                new = _numeric_operand(arg)
                if new is not arg:
                    node.set(key, new)
    return node


def _sub_text(node: exp.Expression) -> exp.Expression:
    new = _shift(node)
    return new if new is not node else _arith_text(node)


def _add_text(node: exp.Expression) -> exp.Expression:
    new = _shift(node)
    return new if new is not node else _arith_text(node)


# The leading number SQLite reads from text (its text-to-real conversion stops at the first
# character that cannot continue a number; none read is 0). Non-capturing groups: substring()
# returns the first capturing group otherwise.
_LEADING_NUMBER = r"^\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"


def _average_of_text(node: exp.Expression) -> exp.Expression:
    """SQLite's AVG of TEXT values averages each value's leading number (0 for none); NULLs are
    skipped. PostgreSQL: the same number cut out with a regular expression."""
    if not (isinstance(node, exp.Avg) and node.this.meta.get(VALUE_TYPE) == "text"):
        return text_aggregate(node)
    x = node.this
    cut = call("substring", x.copy(), string(_LEADING_NUMBER))
    leading = exp.Coalesce(this=exp.Cast(this=cut, to=exp.DataType.build("NUMERIC")), expressions=[number(0)])
    value = exp.Case(ifs=[exp.If(this=exp.Is(this=x.copy(), expression=exp.Null()), true=exp.Null())],
                     default=leading)
    for sub in value.walk():
        if isinstance(sub, (exp.Coalesce, exp.Case, exp.Cast)):
            sub.meta[GENERATED] = True
    return exp.Avg(this=value)


def _greatest_sqlite(node: exp.Expression) -> exp.Expression:
    return _greatest(node)


FROM_SQLITE = TranslateRules(
    target="postgres",
    sources=frozenset({"sqlite"}),
    rewrites={
        exp.Column: quoted_string, exp.Subquery: derived_alias,
        exp.Div: division(numeric_exact=False,
                          int_div=lambda a, b: exp.Div(this=a, expression=b, typed=True, safe=True)),
        **{c: sqlite_comparison(number_type="NUMERIC") for c in _COMPARISONS}, exp.In: mixed_columns,
        exp.DPipe: pipes_as_text,
        exp.Like: like_insensitive(ilike=True),
        exp.Escape: like_insensitive(ilike=True),
        exp.Select: compose(grouping, alias_references, distinct_order, constant_group_keys, using_columns),
        exp.Sum: text_aggregate, exp.Avg: _average_of_text,
        exp.Substring: compose(negative_substr(length_fn="char_length", empty_when_short=False), positive_substr),
        exp.Round: round_checked,
        exp.Cast: cast_checked,
        exp.Greatest: _greatest_sqlite, exp.Least: _greatest_sqlite,
        exp.Anonymous: pg_length,
        exp.TimeToStr: strftime_checked,
        exp.Sub: _arith_text, exp.Add: _arith_text, exp.Mul: _arith_text,
    },
    post=_finish,
    functions=COMMON_FUNCTIONS | WINDOW_FUNCTIONS | {exp.Greatest, exp.Least, exp.TimeToStr, exp.TsOrDsToTimestamp},
    denied=SOURCE_DENIED,
)

_SAME = frozenset({
    exp.Coalesce, exp.Nullif, exp.Case, exp.If, exp.Abs, exp.Round, exp.Floor, exp.Ceil, exp.Sign, exp.Sqrt,
    exp.Pow, exp.Exp, exp.Ln, exp.Upper, exp.Lower, exp.Trim, exp.Replace, exp.Count, exp.Sum, exp.Avg, exp.Min,
    exp.Max, exp.Greatest, exp.Least, exp.ConcatWs, exp.CurrentDate, exp.CurrentTimestamp, exp.Cast,
    exp.IntDiv, exp.Exists, exp.Paren, exp.GroupConcat, exp.Left, exp.Right, exp.Substring, exp.StrPosition,
    exp.RegexpLike, exp.Extract, exp.Reverse, exp.Pad, exp.AtTimeZone,
})

RULES = TranslateRules(
    target="postgres",
    sources=frozenset({"mysql"}),
    rewrites={
        exp.CurrentTimestamp: _now, exp.UtcTimestamp: _now, exp.Localtimestamp: _now, exp.CurrentTime: _curtime,
        exp.Anonymous: by_name({
            "now": _now, "sysdate": _now, "utc_timestamp": _now, "localtime": _now, "localtimestamp": _now,
            "curtime": _curtime, "adddate": _shift, "subdate": _shift, "unix_timestamp": _unix_timestamp,
        }),
        exp.DateAdd: _shift, exp.DateSub: _shift, exp.TimestampAdd: _shift, exp.Add: _shift, exp.Sub: _shift,
        exp.Year: _extract("YEAR"), exp.Month: _extract("MONTH"), exp.Day: _extract("DAY"),
        exp.DayOfMonth: _extract("DAY"), exp.Hour: _extract("HOUR"), exp.Minute: _extract("MINUTE"),
        exp.Second: _extract("SECOND"), exp.DayOfWeek: _extract("DOW", 1), exp.DayOfYear: _extract("DOY"),
        exp.TsOrDsToDate: _date, exp.DateDiff: _datediff, exp.TimeToStr: _date_format,
        exp.TimestampDiff: _timestampdiff, exp.UnixToTime: _from_unixtime, exp.LastDay: _last_day,
        exp.Concat: _concat, exp.ConcatWs: lambda node: node, exp.Length: _length,
        exp.Left: _left_right, exp.Right: _left_right, exp.Substring: _substring, exp.StrPosition: _locate,
        exp.GroupConcat: _group_concat, exp.IntDiv: _nullif_zero, exp.Mod: _nullif_zero,
        exp.Greatest: _greatest, exp.Least: _greatest, exp.Cast: _cast,
        exp.Insert: _insert, exp.Create: _create,
        exp.Select: compose(grouping, alias_references, constant_group_keys),
        exp.NthValue: nth_value_from_first,
        exp.Update: limited_write, exp.Delete: limited_write,
        exp.Sum: text_aggregate, exp.Avg: text_aggregate,
        exp.Sub: _sub_text, exp.Add: _add_text, exp.Mul: _arith_text,
        **{c: mysql_comparison(numeric_target_text=True) for c in _COMPARISONS},
    },
    post=_finish,
    functions=_SAME | WINDOW_FUNCTIONS,
    denied={k: v for k, v in MYSQL_ONLY_NODES.items() if k is not exp.Lock},
    statements=(*DML_STATEMENTS, exp.Create, exp.Drop),
    by_source={"sqlite": FROM_SQLITE},
)
