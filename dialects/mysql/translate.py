"""Translation into MySQL. Statements read as MySQL are printed as they are; statements read as
SQLite or PostgreSQL go through the tables below.

Assumptions (as for the other targets, docs/safety.md): the MySQL side uses a binary
(case-sensitive) collation, so `=`, LIKE and ORDER BY on text behave as SQLite's and PostgreSQL's
(C collation); table names are case-sensitive (Linux), so with a schema a table is printed as the
schema spells it.
"""

from __future__ import annotations

from sqlglot import exp

from sqlparser.rules.denylists import WINDOW_FUNCTIONS
from sqlparser.rules.portable import (
    COMMON_FUNCTIONS,
    SOURCE_DENIED,
    ascii_case,
    cast_checked,
    compose,
    declared_table,
    division,
    ilike_to_lower,
    like_insensitive,
    mixed_columns,
    negative_substr,
    pg_length,
    pipes_to_concat,
    positive_substr,
    qualifier_case,
    quoted_string,
    regexp_instr,
    round_checked,
    sqlite_comparison,
    strftime_checked,
    string_agg,
)
from sqlparser.rules.query_shape import (
    alias_references,
    derived_alias,
    distinct_order,
    grouping,
    positional_order,
    using_columns,
)
from sqlparser.rules.translate import TranslateRules


def _int_div(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    # MySQL's DIV truncates toward zero and gives NULL for 0, as SQLite's integer `/` does.
    return exp.IntDiv(this=a, expression=b)


_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)

FROM_SQLITE = TranslateRules(
    target="mysql",
    sources=frozenset({"sqlite"}),
    rewrites={
        exp.Column: compose(quoted_string, qualifier_case), exp.Subquery: derived_alias,
        exp.Table: declared_table,
        exp.Div: division(numeric_exact=False, int_div=_int_div),
        **{c: sqlite_comparison(number_type="DOUBLE", matches=regexp_instr) for c in _COMPARISONS},
        exp.In: mixed_columns,
        exp.DPipe: pipes_to_concat,
        exp.Like: like_insensitive(ilike=False),
        exp.Escape: like_insensitive(ilike=False),
        exp.Select: compose(grouping, alias_references, distinct_order, using_columns),
        exp.Substring: compose(negative_substr(length_fn="CHAR_LENGTH", empty_when_short=False), positive_substr),
        exp.Round: round_checked,
        exp.Cast: cast_checked,
        exp.TimeToStr: strftime_checked,
        exp.Upper: ascii_case, exp.Lower: ascii_case,
    },
    functions=COMMON_FUNCTIONS | WINDOW_FUNCTIONS | {exp.Greatest, exp.Least, exp.TimeToStr, exp.TsOrDsToTimestamp},
    denied=SOURCE_DENIED,
)

FROM_POSTGRES = TranslateRules(
    target="mysql",
    sources=frozenset({"postgres"}),
    rewrites={
        exp.Column: qualifier_case,
        exp.Table: declared_table,
        exp.Select: positional_order,
        exp.Div: division(numeric_exact=True, int_div=_int_div),
        exp.DPipe: pipes_to_concat,
        exp.ILike: ilike_to_lower,
        exp.Substring: positive_substr,
        exp.Anonymous: pg_length, exp.AnonymousAggFunc: string_agg,
        exp.Round: round_checked,
        exp.Cast: cast_checked,
        exp.Upper: ascii_case, exp.Lower: ascii_case,
    },
    functions=COMMON_FUNCTIONS | WINDOW_FUNCTIONS,
    anonymous=frozenset(),
    denied=SOURCE_DENIED,
)

RULES = TranslateRules(target="mysql", sources=frozenset({"mysql"}),
                       by_source={"sqlite": FROM_SQLITE, "postgres": FROM_POSTGRES})
