"""Hostile and oversized input through the MySQL dialect's contract methods.

Every failure must be a SQLParserError with a clear message (never a crash, RecursionError or
hang); large-but-legal statements must work. No timing assertions: sizes are what is checked.
"""

from __future__ import annotations

import re

import pytest

from sqlparser import (
    InvalidArgumentError,
    SQLFilterOp,
    SQLParserError,
    SQLSyntaxError,
    TableColumn,
    new_parser,
)
from sqlparser.limits import MAX_NESTING_DEPTH, MAX_SQL_BYTES

MAPPING = {"t": TableColumn(new_table_name="t_phys", column_map={"a": "a_phys"})}


@pytest.fixture(scope="module")
def parser():
    return new_parser("mysql")


def _all_methods(parser, sql: str):
    """Each contract method, called on `sql` with harmless arguments."""
    return [
        lambda: parser.parse_and_modify_sql(sql, MAPPING),
        lambda: parser.get_sql_operation(sql),
        lambda: parser.get_table_name(sql),
        lambda: parser.get_insert_data_nums(sql),
        lambda: parser.append_sql_filter(sql, SQLFilterOp.AND, "a = 1"),
        lambda: parser.add_select_fields_to_select_sql(sql, ["pk"]),
    ]


@pytest.mark.parametrize("sql", ["", " ", "\n\t  \r\n"])
def test_empty_and_blank_input_is_an_invalid_argument(parser, sql):
    for call in _all_methods(parser, sql):
        with pytest.raises(InvalidArgumentError, match="empty SQL statement"):
            call()


def test_nul_byte_is_a_syntax_error_at_its_position(parser):
    sql = "SELECT a FROM t\nWHERE b = 'x\x00y'"
    with pytest.raises(SQLSyntaxError) as info:
        parser.get_sql_operation(sql)
    assert (info.value.line, info.value.column) == (2, 13)
    assert "NUL" in str(info.value)


@pytest.mark.parametrize(
    ("sql", "column", "token"),
    [
        ("SELECT a FROM t; DROP TABLE t", 18, "DROP"),
        ("SELECT 1;SELECT 2;", 10, "SELECT"),
        ("UPDATE t SET a = 1; -- done\nDELETE FROM t", 1, "DELETE"),
    ],
)
def test_multiple_statements_are_rejected_at_the_second_one(parser, sql, column, token):
    with pytest.raises(SQLSyntaxError, match="only one statement") as info:
        parser.get_sql_operation(sql)
    assert info.value.column == column
    assert info.value.token == token


@pytest.mark.parametrize("sql", ["SELECT a FROM t;", "SELECT a FROM t ;  ", "SELECT a FROM t;;\n"])
def test_trailing_semicolons_are_fine(parser, sql):
    assert parser.get_table_name(sql) == "t"


def test_statement_over_one_mebibyte_is_refused(parser):
    sql = "SELECT a FROM t WHERE b = '" + "x" * MAX_SQL_BYTES + "'"
    for call in _all_methods(parser, sql):
        with pytest.raises(InvalidArgumentError, match="larger than"):
            call()


def test_multibyte_text_is_measured_in_utf8_bytes(parser):
    # 400k three-byte characters: under the limit in characters, over it in bytes.
    sql = "SELECT a FROM t WHERE b = '" + "\u4e2d" * 400_000 + "'"
    with pytest.raises(InvalidArgumentError, match="larger than"):
        parser.get_sql_operation(sql)


def _nested(depth: int) -> str:
    return "SELECT a FROM t WHERE " + "(" * depth + "a = 1" + ")" * depth


def test_nesting_depth_500_works(parser):
    out = parser.parse_and_modify_sql(_nested(500), MAPPING)
    assert out.startswith("SELECT a_phys FROM t_phys WHERE (")
    assert out.count("(") == 500
    assert parser.append_sql_filter(_nested(500), "AND", "b = 2").endswith("b = 2")


def test_nesting_depth_1001_fails_clearly(parser):
    sql = _nested(MAX_NESTING_DEPTH + 1)
    with pytest.raises(SQLSyntaxError, match="nesting deeper than 1000") as info:
        parser.parse_and_modify_sql(sql, MAPPING)
    # Points at the first parenthesis past the limit.
    assert info.value.column == len("SELECT a FROM t WHERE ") + MAX_NESTING_DEPTH + 1
    assert info.value.token == "("


def test_deep_not_chain_without_parentheses(parser):
    sql = "SELECT a FROM t WHERE " + "NOT " * 3000 + "a"
    assert parser.parse_and_modify_sql(sql, MAPPING).endswith("NOT a_phys")


def test_or_chain_of_2000_terms(parser):
    sql = "SELECT a FROM t WHERE " + " OR ".join(f"a = {i}" for i in range(2000))
    out = parser.parse_and_modify_sql(sql, MAPPING)
    assert out.count(" OR ") == 1999
    assert out.endswith("a_phys = 1999")
    filtered = parser.append_sql_filter(sql, "AND", "tenant = 7")
    # The OR chain must stay grouped under the AND, or the filter would leak rows.
    assert re.search(r"\) AND `?tenant`? = 7$", filtered)


def test_in_list_of_5000_items(parser):
    sql = "SELECT a FROM t WHERE a IN (" + ", ".join(str(i) for i in range(5000)) + ")"
    out = parser.parse_and_modify_sql(sql, MAPPING)
    assert out.count(",") == 4999
    assert parser.get_table_name(sql) == "t"


def test_insert_of_2000_rows(parser):
    sql = "INSERT INTO t (a, b) VALUES " + ", ".join(f"({i}, 'v{i}')" for i in range(2000))
    assert parser.get_insert_data_nums(sql) == 2000
    out = parser.parse_and_modify_sql(sql, MAPPING)
    assert out.startswith("INSERT INTO t_phys (a_phys, b) VALUES (0, 'v0')")
    assert out.endswith("(1999, 'v1999')")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 'unterminated FROM t",
        "SELECT `unterminated FROM t",
        "SELECT a FROM t /* open comment",
        "\x01\x02\x03",
        "SELECT a FROM t WHERE a = 0x'zz'",
        "))))",
        "((((",
        ";",
        ";;;",
        "SELECT",
        "SELECT * FROM",
        "\u202eSELECT 1",
    ],
)
def test_garbage_is_a_parser_error_from_every_method(parser, sql):
    for call in _all_methods(parser, sql):
        with pytest.raises(SQLParserError):
            call()


def test_bytes_are_refused_with_a_hint(parser):
    with pytest.raises(InvalidArgumentError, match="decode"):
        parser.get_sql_operation(b"SELECT 1")  # type: ignore[arg-type]


def test_unterminated_string_points_at_its_quote(parser):
    with pytest.raises(SQLSyntaxError, match="unterminated quoted string") as info:
        parser.get_sql_operation("SELECT a\nFROM t WHERE b = 'oops")
    assert (info.value.line, info.value.column, info.value.token) == (2, 18, "'")


@pytest.mark.parametrize(
    "condition",
    ["a = 1; DROP TABLE t", "a = 1) OR (1 = 1", "a = 1 ORDER BY a", "select = 1", "1 = 1 UNION SELECT 1", ""],
)
def test_filter_condition_injection_is_refused(parser, condition):
    with pytest.raises(SQLParserError):
        parser.append_sql_filter("SELECT a FROM t", "AND", condition)


def test_parentheses_inside_strings_and_comments_are_not_nesting(parser):
    sql = "INSERT INTO t (a) VALUES ('" + "(" * 1500 + "') /* " + "(" * 1200 + " */"
    assert parser.get_insert_data_nums(sql) == 1
