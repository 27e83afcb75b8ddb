"""Rewrites the translate tables share across sources: type-dependent division, comparisons of text
with numbers, `||`, case-insensitive LIKE, permissive GROUP BY, select-alias references, and
identifier case. Each one reads the source-side type classes the translate pass inferred
(`value_type`) and refuses, naming the construct and why, when the meaning depends on a type it
cannot see: never a guess.

The builders take what differs between sources as arguments (does the source's `/` divide
integers as integers? does its NUMERIC hold exact decimals?), so the tables stay declarative.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlglot import exp

from sqlparser.errors import UnsupportedConstructError
from sqlparser.rules.translate import (
    DECLARED,
    GENERATED,
    NO_AFFINITY,
    RESOLVED,
    SCHEMA_GIVEN,
    VALUE_TYPE,
    Rewrite,
    generated,
    value_type,
)

NUMBERS = ("int", "real", "numeric")
_NUMERIC_TEXT = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")
_INTEGER_TEXT = re.compile(r"[+-]?\d{1,18}")

SCHEMA_HINT = "pass schema= (table -> column -> type) so the types are known"


def refuse(construct: str, reason: str = "") -> UnsupportedConstructError:
    return UnsupportedConstructError(construct, reason)


def nth_value_from_first(node: exp.Expression) -> exp.Expression:
    """NTH_VALUE(x, n) FROM LAST (MySQL's grammar) counts from the frame's end; neither SQLite nor
    PostgreSQL has the clause, and dropping it would return another row."""
    if isinstance(node, exp.NthValue) and node.args.get("from_first") is False:
        raise refuse("NTH_VALUE FROM LAST", "the target counts NTH_VALUE from the frame's first row only")
    return node


def typed(node: exp.Expression, kind: str | None) -> exp.Expression:
    if kind is not None:
        node.meta[VALUE_TYPE] = kind
    return node


def _sql(node: exp.Expression) -> str:
    return node.sql()


def schema_given(node: exp.Expression) -> bool:
    return bool(node.root().meta.get(SCHEMA_GIVEN))


def _unknown(what: str, node: exp.Expression) -> str:
    return f"the type of {_sql(node)[:60]} is unknown; {SCHEMA_HINT}" if not schema_given(node) \
        else f"the type of {_sql(node)[:60]} is not known from the schema ({what})"


# -- division ------------------------------------------------------------------------------------------


def division(*, numeric_exact: bool, int_div: Callable[[exp.Expression, exp.Expression], exp.Expression]) -> Rewrite:
    """`a / b` as read in SQLite or PostgreSQL (Div typed=True): integers divide as integers there.

    `numeric_exact`: the source's NUMERIC holds exact decimals (PostgreSQL), so NUMERIC / x is an
    exact quotient; on SQLite a NUMERIC column stores integers as integers, so its quotient depends
    on each value and is refused. `int_div` builds the target's integer division.
    """

    def rewrite(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Div) or not node.args.get("typed"):
            return node
        a, b = value_type(node.this), value_type(node.expression)
        if a == "int" and b == "int":
            return typed(int_div(node.this.copy(), node.expression.copy()), "int")
        kinds = {a, b}
        if kinds <= set(NUMBERS) and (numeric_exact or "numeric" not in kinds):
            return typed(exp.Div(this=node.this.copy(), expression=node.expression.copy(), typed=False, safe=True),
                         "real")
        unknown = node.this if a not in NUMBERS else node.expression
        if "numeric" in kinds and not numeric_exact:
            raise refuse("division of a NUMERIC value", "SQLite stores a NUMERIC column's whole numbers as "
                         "integers and divides them as integers; CAST one operand to REAL or INTEGER")
        raise refuse("division", "integers divide as integers in the source: " + _unknown("division", unknown))

    return rewrite


# -- comparisons of text with numbers --------------------------------------------------------------------


def _literal_number(node: exp.Expression) -> bool:
    return (isinstance(node, exp.Literal) and not node.is_string) or (
        isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string)


def _number_text(node: exp.Expression) -> str:
    return node.sql()


def affinity_comparison(node: exp.Expression) -> exp.Expression:
    """SQLite compares a column with a literal after applying the column's affinity: a TEXT column
    with 5 compares text ('5'), a numeric column with '5' compares numbers. The target gets the
    literal already converted; a comparison whose outcome depends on a type not seen is refused."""
    if not isinstance(node, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)):
        return node
    mixed_columns(node)
    for col, lit in ((node.this, node.expression), (node.expression, node.this)):
        _convert_literal(node, col, lit)
    return node


def mixed_columns(node: exp.Expression) -> exp.Expression:
    """SQLite compares a TEXT column with a numeric one after converting number-like text; the
    targets compare them otherwise (PostgreSQL rejects it): refused."""
    if isinstance(node, exp.In) and node.args.get("query") is not None:
        other: exp.Expression = node.args["query"]
    elif isinstance(node, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)) and not (
            _literal_number(node.expression) or _literal_number(node.this)
            or any(isinstance(x, exp.Literal) for x in (node.this, node.expression))):
        other = node.expression
    else:
        return node
    if True:
        kinds = {value_type(node.this), value_type(other)}
        if "text" in kinds and None in kinds and not any(isinstance(x, exp.Null) for x in (node.this, other)):
            raise refuse(f"comparison {_sql(node)[:80]}", "SQLite compares text with other values by their "
                         "types: " + _unknown("comparison", node.this if value_type(node.this) is None else other))
        if "text" in kinds and kinds & set(NUMBERS):
            raise refuse(f"comparison {_sql(node)[:80]}", "it compares text with a number; SQLite converts "
                         "number-like text first, the target does not: CAST one side")
    return node


_NUMBER_PATTERN = r"^\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"


def _conjunct_of_filter(node: exp.Expression) -> bool:
    """True when `node` is one of the AND-ed conditions of a WHERE or JOIN ... ON: there a NULL
    outcome filters the row as FALSE does."""
    child, parent = node, node.parent
    while isinstance(parent, (exp.And, exp.Paren)):
        child, parent = parent, parent.parent
    return isinstance(parent, exp.Where) or (isinstance(parent, exp.Join) and child.arg_key == "on")


def regexp_operator(text: exp.Expression, pattern: str) -> exp.Expression:
    return exp.RegexpLike(this=text, expression=exp.Literal.string(pattern))


def regexp_instr(text: exp.Expression, pattern: str) -> exp.Expression:
    # MariaDB has no REGEXP_LIKE(); REGEXP_INSTR exists on MariaDB and MySQL 8.
    return exp.GT(this=exp.Anonymous(this="REGEXP_INSTR", expressions=[text, exp.Literal.string(pattern)]),
                  expression=exp.Literal.number(0))


def sqlite_comparison(*, number_type: str,
                      matches: Callable[[exp.Expression, str], exp.Expression] = regexp_operator) -> Rewrite:
    """SQLite's comparisons of a column with a literal (affinity, `affinity_comparison`), and
    `num_col = text_col` in a WHERE / ON condition: SQLite converts number-like text (the whole
    text, spaces around allowed) to a number and finds no other text equal to a number. The target
    gets the text side as CASE WHEN it looks like a number THEN CAST(... AS number_type) END (NULL,
    which filters as FALSE, otherwise). Other mixed comparisons are refused."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)):
            return node
        a, b = value_type(node.this), value_type(node.expression)
        columns = _has_affinity(node.this) and _has_affinity(node.expression)
        if isinstance(node, exp.EQ) and columns and {a, b} in ({"text", "int"}, {"text", "real"},
                                                               {"text", "numeric"}) and _conjunct_of_filter(node):
            key = "this" if a == "text" else "expression"
            text = node.args[key]
            subject = text.copy()
            looks = matches(subject, _NUMBER_PATTERN)
            for sub in looks.walk():
                if sub is subject:
                    break
                sub.meta[GENERATED] = True  # the test we built, not the user's operand
            number = exp.Cast(this=text.copy(), to=exp.DataType.build(number_type))
            node.set(key, typed(exp.Case(ifs=[exp.If(this=looks, true=number)]), "numeric"))
            return node
        return affinity_comparison(node)

    return rewrite


def text_aggregate(node: exp.Expression) -> exp.Expression:
    """SUM / AVG of text: SQLite reads each value's leading number; the target rejects or differs."""
    if isinstance(node, (exp.Sum, exp.Avg)) and value_type(node.this) == "text":
        raise refuse(f"{type(node).__name__.upper()} of text {_sql(node.this)[:40]}",
                     "the source reads each text's leading number; CAST the values to a number")
    return node


def _has_affinity(node: exp.Expression) -> bool:
    return isinstance(node, exp.Column) and not node.meta.get(NO_AFFINITY)


def _convert_literal(node: exp.Expression, col: exp.Expression, lit: exp.Expression) -> None:
    kind = value_type(col)
    if _literal_number(lit):
        if _has_affinity(col) and kind == "text":
            lit.replace(typed(exp.Literal.string(_number_text(lit)), "text"))
        elif kind == "text" or (kind is None and not _literal_number(col) and not _is_null(col)):
            raise refuse(f"comparison {_sql(node)[:80]}",
                         "SQLite compares a number with text by type, not by value: " + _unknown("comparison", col))
    elif isinstance(lit, exp.Literal) and lit.is_string:
        if kind in NUMBERS:
            if _has_affinity(col) and _NUMERIC_TEXT.fullmatch(lit.this):
                lit.replace(typed(exp.Literal.number(lit.this.strip()), "real"))
            else:
                raise refuse(f"comparison {_sql(node)[:80]}",
                             "SQLite orders every number before every text; the target would convert the text")
        elif kind is None and _NUMERIC_TEXT.fullmatch(lit.this) and not _is_null(col):
            raise refuse(f"comparison {_sql(node)[:80]}",
                         "whether a number-like string compares as text or number depends on the column's type: "
                         + _unknown("comparison", col))


def _is_null(node: exp.Expression) -> bool:
    return isinstance(node, exp.Null)


def mysql_comparison(*, numeric_target_text: bool) -> Rewrite:
    """MySQL compares a string with a number as numbers. A number-like string literal compared with
    a number becomes a number; a text column compared with a number is refused where the target
    would compare text or reject it (`numeric_target_text`: the target casts nothing itself)."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)):
            return node
        for num, lit in ((node.this, node.expression), (node.expression, node.this)):
            kind = value_type(num)
            if kind in NUMBERS and not isinstance(num, exp.Column) and isinstance(lit, exp.Literal) \
                    and lit.is_string and _NUMERIC_TEXT.fullmatch(lit.this):
                lit.replace(typed(exp.Literal.number(lit.this.strip()), "real"))
            elif kind == "text" and isinstance(num, exp.Column) and _literal_number(lit) and numeric_target_text:
                raise refuse(f"comparison {_sql(node)[:80]}",
                             "MySQL compares a text column with a number as numbers ('2003.0' = 2003); "
                             "compare with a string or CAST the column")
        return node

    return rewrite


# -- || and CONCAT -----------------------------------------------------------------------------------------


def pipes_operands(node: exp.DPipe, allowed: tuple[str, ...]) -> list[exp.Expression]:
    """The flattened operands of `a || b || c`, each of a type whose text form is the same on both."""
    out: list[exp.Expression] = []
    stack: list[exp.Expression] = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, exp.DPipe):
            stack.append(cur.expression)
            stack.append(cur.this)
            continue
        kind = value_type(cur)
        if kind not in allowed and not _is_null(cur):
            raise refuse(f"|| of {_sql(cur)[:60]}",
                         "numbers other than integers print differently as text on the target" if kind in NUMBERS
                         else "its text form depends on a type: " + _unknown("||", cur))
        out.append(cur)
    return out


def pipes_to_concat(node: exp.Expression) -> exp.Expression:
    """`a || b` (NULL if any is NULL) as MySQL's CONCAT (also NULL if any is NULL)."""
    if not isinstance(node, exp.DPipe):
        return node
    args = [a.copy() for a in pipes_operands(node, ("int", "text"))]
    return typed(generated(exp.Concat(expressions=args)), "text")


def pipes_as_text(node: exp.Expression) -> exp.Expression:
    """`a || b` where the target's `||` needs text operands: integers are cast to TEXT."""
    if not isinstance(node, exp.DPipe):
        return node
    args = pipes_operands(node, ("int", "text"))
    out: exp.Expression | None = None
    for arg in args:
        part = arg.copy() if value_type(arg) == "text" else exp.Cast(this=arg.copy(), to=exp.DataType.build("TEXT"))
        out = part if out is None else exp.DPipe(this=out, expression=part)
    assert out is not None
    return typed(exp.Paren(this=out), "text")


def pipes_checked(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.DPipe) and not isinstance(node.parent, exp.DPipe):
        pipes_operands(node, ("int", "text"))
    return node


# -- LIKE --------------------------------------------------------------------------------------------------


def _ascii_literal(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Literal) and node.is_string and node.this.isascii():
        return str(node.this)
    return None


def like_insensitive(*, ilike: bool) -> Rewrite:
    """SQLite's LIKE ignores ASCII case (no escape character by default). For a literal ASCII
    pattern without backslashes: PostgreSQL's ILIKE (`ilike`), or LOWER(x) LIKE lower-cased pattern."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Escape) or isinstance(node.parent, exp.Escape):
            raise refuse("LIKE ... ESCAPE", "not translated from SQLite")
        if not isinstance(node, exp.Like):
            return node
        pattern = _ascii_literal(node.expression)
        if pattern is None or "\\" in pattern:
            raise refuse("LIKE with a non-literal, non-ASCII or backslash pattern",
                         "SQLite's LIKE ignores ASCII case only; only literal ASCII patterns are translated")
        subject = node.this.copy()
        if value_type(node.this) != "text":
            subject = exp.Cast(this=subject, to=exp.DataType.build("TEXT"))
        if ilike:
            out: exp.Expression = exp.ILike(this=subject, expression=exp.Literal.string(pattern))
        else:
            out = exp.Like(this=exp.Lower(this=subject), expression=exp.Literal.string(pattern.lower()))
        return typed(generated(out), "bool")

    return rewrite


def ascii_case(node: exp.Expression) -> exp.Expression:
    """UPPER / LOWER: SQLite (and PostgreSQL under the C locale) change ASCII letters only; MySQL
    changes every letter. Translated for ASCII literals; other arguments are refused."""
    if isinstance(node, (exp.Upper, exp.Lower)) and _ascii_literal(node.this) is None:
        raise refuse(f"{type(node).__name__.upper()}({_sql(node.this)[:40]})",
                     "the source changes the case of ASCII letters only, MySQL of every letter")
    return node


def ilike_to_lower(node: exp.Expression) -> exp.Expression:
    """PostgreSQL's ILIKE with a literal ASCII pattern: LOWER(x) LIKE lower-cased pattern."""
    if not isinstance(node, exp.ILike):
        return node
    pattern = _ascii_literal(node.expression)
    if pattern is None:
        raise refuse("ILIKE with a non-literal or non-ASCII pattern", "only literal ASCII patterns are translated")
    return typed(generated(exp.Like(this=exp.Lower(this=node.this.copy()),
                                    expression=exp.Literal.string(pattern.lower()))), "bool")


# -- SQLite's double-quoted strings ----------------------------------------------------------------------------


def quoted_string(node: exp.Expression) -> exp.Expression:
    """SQLite reads "x" as a string when no column in scope is named x (a legacy it keeps)."""
    if not (isinstance(node, exp.Column) and isinstance(node.this, exp.Identifier) and node.this.quoted
            and not node.table):
        return node
    resolved = node.meta.get(RESOLVED)
    if resolved is True or _is_select_alias(node):
        return node
    if resolved is False:
        return typed(exp.Literal.string(node.name), "text")
    raise refuse(f'double-quoted name "{node.name}"',
                 "SQLite reads it as a string when no column has that name; " + SCHEMA_HINT
                 if not schema_given(node) else "SQLite reads it as a string when no column has that name, and "
                 "a derived table of the query might have one; use single quotes for strings")


def _is_select_alias(column: exp.Column) -> bool:
    select = column.find_ancestor(exp.Select)
    if select is None:
        return False
    return any(isinstance(e, exp.Alias) and e.alias.lower() == column.name.lower() for e in select.expressions)


# -- identifiers -------------------------------------------------------------------------------------------------


def declared_table(node: exp.Expression) -> exp.Expression:
    """A case-sensitive target (MySQL table names on Linux): a table as the schema spells it."""
    declared = node.meta.get(DECLARED) if isinstance(node, exp.Table) else None
    if isinstance(declared, str) and isinstance(node.this, exp.Identifier) and node.name != declared:
        node.set("this", exp.to_identifier(declared, quoted=node.this.quoted))
    return node


def from_items(select: exp.Select) -> list[exp.Expression]:
    """The FROM and JOIN items of one query level."""
    out = []
    from_ = select.args.get("from_")
    if isinstance(from_, exp.From):
        out.append(from_.this)
    out += [j.this for j in select.args.get("joins") or []]
    return out


def qualifier_case(node: exp.Expression) -> exp.Expression:
    """A case-sensitive target (MySQL aliases and table names): a column's qualifier spelled as the
    FROM item it names is spelled (SQLite and PostgreSQL match qualifiers ignoring case)."""
    if not (isinstance(node, exp.Column) and node.table):
        return node
    wanted = node.table.lower()
    scope = node.find_ancestor(exp.Select, exp.Update, exp.Delete)
    while scope is not None:
        sources = from_items(scope) if isinstance(scope, exp.Select) else [scope.this]
        for source in sources:
            if not isinstance(source, (exp.Table, exp.Subquery)) or source.alias_or_name.lower() != wanted:
                continue
            spelled = source.alias_or_name
            if isinstance(source, exp.Table) and not source.alias and isinstance(source.meta.get(DECLARED), str):
                spelled = source.meta[DECLARED]
            if spelled != node.table:
                node.set("table", exp.to_identifier(spelled, quoted=node.args["table"].quoted))
            return node
        scope = scope.find_ancestor(exp.Select, exp.Update, exp.Delete)
    return node


# -- SUBSTR with a constant negative start ------------------------------------------------------------------------


def _right(x: exp.Expression, n: int) -> exp.Expression:
    return exp.Right(this=x, expression=exp.Literal.number(n))


def _substr_from_end(x: exp.Expression, n: int) -> exp.Expression:
    # SQLite has no RIGHT(); its substr(x, -n) is the last n characters (all of x when shorter).
    return exp.Substring(this=x, start=exp.Neg(this=exp.Literal.number(n)))


def negative_substr(*, length_fn: str, empty_when_short: bool, has_right: bool = True) -> Rewrite:
    """SUBSTR(x, -n) counts from the end. MySQL gives '' when x is shorter than n
    (`empty_when_short`); SQLite gives the whole string. RIGHT(x, n) is the rest."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Substring):
            return node
        start = node.args.get("start")
        if not (isinstance(start, exp.Neg) and isinstance(start.this, exp.Literal) and start.this.this.isdigit()):
            return node
        n = int(start.this.this)
        if n == 0:
            return node
        length = node.args.get("length")
        if length is not None and not (isinstance(length, exp.Literal) and length.this.isdigit()):
            raise refuse("SUBSTRING() from a negative position with a non-constant length")
        if length is not None and not empty_when_short:
            raise refuse("SUBSTR() from a negative position with a length", "SQLite counts the length from "
                         "before the string's start")
        x = node.this
        tail: exp.Expression = (_right if has_right else _substr_from_end)(x.copy(), n)
        if length is not None:
            tail = exp.Substring(this=tail, start=exp.Literal.number(1), length=length.copy())
        if empty_when_short:
            # NULL stays NULL: a NULL length fails the test and takes the ELSE branch.
            too_short = exp.LT(this=exp.Anonymous(this=length_fn, expressions=[x.copy()]),
                               expression=exp.Literal.number(n))
            tail = exp.Case(ifs=[exp.If(this=too_short, true=exp.Literal.string(""))], default=tail)
        for sub in tail.walk():
            sub.meta[GENERATED] = True
        return typed(tail, "text")

    return rewrite


def compose(*rewrites: Rewrite) -> Rewrite:
    """Several rewrites of one node type, applied in order while each returns the same node."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        for fn in rewrites:
            new = fn(node)
            if new is not node:
                return new
        return node

    return rewrite


# -- what SQLite and PostgreSQL sources share -------------------------------------------------------------------

COMMON_FUNCTIONS: frozenset[type[exp.Expr]] = frozenset({
    exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max, exp.Abs, exp.Upper, exp.Lower, exp.Coalesce, exp.Nullif,
    exp.Case, exp.If, exp.Paren, exp.Exists, exp.Cast, exp.Trim, exp.Replace, exp.Substring, exp.Length,
    exp.Round, exp.IntDiv, exp.StrPosition,
})

SOURCE_DENIED: dict[type[exp.Expr], str] = {
    exp.GroupConcat: "the order of the concatenated values is unspecified in the source",
    exp.Glob: "GLOB has no equivalent on the target",
    exp.Interval: "date arithmetic from this source is not translated",
    exp.Collate: "collations differ between engines",
    exp.Lock: "row locks are not translated",
    exp.JSONExtract: "JSON paths are not translated from this source",
    exp.JSONExtractScalar: "JSON paths are not translated from this source",
    exp.Filter: "aggregate FILTER is not translated",
    exp.Rollup: "ROLLUP is not translated",
    exp.Cube: "CUBE is not translated",
}


def _positive_literal(node: exp.Expression | None) -> bool:
    return isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit() and int(node.this) > 0


def positive_substr(node: exp.Expression) -> exp.Expression:
    """SUBSTR(x, start[, length]) with a constant start >= 1 and constant length >= 0 means the same on
    the three engines; other starts (0, negative, computed) and lengths are refused."""
    if not isinstance(node, exp.Substring):
        return node
    start, length = node.args.get("start"), node.args.get("length")
    if not _positive_literal(start):
        raise refuse("SUBSTR() from a non-constant or non-positive position",
                     "positions 0 and below mean different things on each engine")
    if length is not None and not (isinstance(length, exp.Literal) and not length.is_string and length.this.isdigit()):
        raise refuse("SUBSTR() with a non-constant or negative length")
    return node


def round_checked(node: exp.Expression) -> exp.Expression:
    """ROUND of an integer or an exact number rounds half away from zero everywhere; of a double, SQLite
    rounds half away from zero and MySQL / PostgreSQL to even: refused."""
    if isinstance(node, exp.Round) and value_type(node.this) not in ("int", "numeric"):
        raise refuse(f"ROUND({_sql(node.this)[:40]})",
                     "a double's halves round differently on each engine" if value_type(node.this) == "real"
                     else _unknown("ROUND", node.this))
    return node


def cast_checked(node: exp.Expression) -> exp.Expression:
    """CASTs whose result is the same on the three engines: to text from integers and text, to an
    integer from integers, to a double from numbers. Others (a double to an integer truncates on
    SQLite and rounds elsewhere; text to a number parses differently) are refused."""
    if not isinstance(node, exp.Cast):
        return node
    to = type_class_of(node.to)
    kind = value_type(node.this)
    if to == "text" and kind in ("int", "text"):
        return exp.Cast(this=node.this.copy(), to=exp.DataType.build("TEXT")) if kind == "int" else node
    if to == "int" and kind == "int":
        return node
    if to == "real" and kind in NUMBERS:
        return exp.Cast(this=node.this.copy(), to=exp.DataType.build("DOUBLE"))
    raise refuse(f"CAST({_sql(node)[:60]})", "the conversion differs between engines"
                 if kind is not None else _unknown("CAST", node.this))


def type_class_of(to: exp.DataType) -> str | None:
    t = to.this
    T = exp.DataType.Type
    if t in (T.INT, T.BIGINT, T.SMALLINT, T.TINYINT):
        return "int"
    if t in (T.TEXT, T.VARCHAR, T.CHAR, T.NVARCHAR, T.NCHAR) and not to.expressions:
        return "text"
    if t in (T.DOUBLE, T.FLOAT):
        return "real"
    return None


def pg_length(node: exp.Expression) -> exp.Expression:
    """PostgreSQL's length(text) counts characters: the IR's LENGTH (characters)."""
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("length", "char_length", "character_length") \
            and len(node.expressions) == 1:
        return typed(exp.Length(this=node.expressions[0].copy()), "int")
    return node


_STRFTIME_SAFE = re.compile(r"(%[YmdHMSj]|[-:/ T.])*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?")


def strftime_checked(node: exp.Expression) -> exp.Expression:
    """SQLite's strftime(fmt, x) on ISO date text, with numeric fields only (%Y %m %d %H %M %S %j):
    the IR's TimeToStr prints as the target's DATE_FORMAT / to_char with the same digits. Other
    specifiers (week days, %s, %f), numbers read as Julian days, and 'now' are refused."""
    if not isinstance(node, exp.TimeToStr):
        return node
    fmt = node.args.get("format")
    value = node.this.this if isinstance(node.this, exp.TsOrDsToTimestamp) else node.this
    if not (isinstance(fmt, exp.Literal) and fmt.is_string and _STRFTIME_SAFE.fullmatch(fmt.this)):
        raise refuse(f"strftime({_sql(fmt) if fmt is not None else ''})",
                     "only %Y %m %d %H %M %S %j formats are translated")
    if isinstance(value, exp.Literal):
        if not (value.is_string and _ISO_DATE.fullmatch(value.this)):
            raise refuse(f"strftime of {_sql(value)[:30]}", "only ISO date text is read the same everywhere")
    elif value_type(value) not in ("text", "date"):
        raise refuse(f"strftime of {_sql(value)[:40]}", "SQLite reads a number as a Julian day; "
                     + _unknown("strftime", value))
    return node


def string_agg(node: exp.Expression) -> exp.Expression:
    """PostgreSQL's string_agg(x, sep ORDER BY keys) as the IR's GROUP_CONCAT (MySQL's
    GROUP_CONCAT(x ORDER BY keys SEPARATOR sep), SQLite's group_concat(x, sep ORDER BY keys)).
    Without ORDER BY the order of the parts is unspecified: refused."""
    if not (isinstance(node, exp.AnonymousAggFunc) and node.name.lower() == "string_agg"
            and len(node.expressions) == 2):
        return node
    value, second = node.expressions
    if not isinstance(second, exp.Order):
        raise refuse("string_agg() without ORDER BY", "the order of the concatenated values is unspecified")
    separator = second.this
    if not (isinstance(separator, exp.Literal) and separator.is_string):
        raise refuse("string_agg() with a computed separator")
    ordered = exp.Order(this=value.copy(), expressions=[o.copy() for o in second.expressions])
    out = exp.GroupConcat(this=ordered, separator=separator.copy())
    out.meta[GENERATED] = True
    return typed(out, "text")
