"""Issue 11, Low: inputs that made the contract raise something other than SQLParserError.

Each case from the attack run, in the method and dialect where it was found and, where the same
input reaches the other dialects, there too.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from sqlparser import (
    ColumnValue,
    InvalidArgumentError,
    PrimaryKeyValue,
    SQLParserError,
    SQLSyntaxError,
    TableColumn,
    UnsupportedConstructError,
    new_parser,
)
from sqlparser.contract import INTERNAL_ERROR

DIALECTS = ("mysql", "sqlite", "postgres")


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("surrogate", ["\ud800", "\udfff", "\udc80"])
def test_lone_surrogate_is_a_positioned_syntax_error(dialect: str, surrogate: str) -> None:
    parser = new_parser(dialect)
    with pytest.raises(SQLSyntaxError) as info:
        parser.get_sql_operation(f"SELECT '{surrogate}'")
    assert (info.value.line, info.value.column) == (1, 9)
    assert "lone surrogate" in str(info.value)
    with pytest.raises(SQLSyntaxError, match="lone surrogate"):
        parser.append_sql_filter("SELECT a FROM t", "AND", f"a = '{surrogate}'")
    with pytest.raises(SQLSyntaxError, match="lone surrogate"):
        parser.scope_rows("SELECT a FROM t", {"t": f"a = '{surrogate}'"})


def test_mysql_reserved_word_as_call_argument_is_a_syntax_error() -> None:
    with pytest.raises(SQLSyntaxError) as info:
        new_parser("mysql").get_sql_operation('select date_add( COLUMN "2011-11-11", interval 10 second)')
    assert info.value.token == "COLUMN"


def test_mysql_unreadable_hint_is_a_syntax_error() -> None:
    with pytest.raises(SQLSyntaxError):
        new_parser("mysql").get_sql_operation('UPDATE /*+" x(t1, */ t2) */ t1 set a = 1')


@pytest.mark.parametrize("kind", ["list", "range"])
def test_mysql_partition_without_definitions_is_refused(kind: str) -> None:
    # Was a KeyError from sqlglot's generator in parse_and_modify_sql; MySQL rejects it too.
    parser = new_parser("mysql")
    with pytest.raises(SQLSyntaxError, match="partition definitions"):
        parser.parse_and_modify_sql(f"create table t1 (a int) partition by {kind} (a)", {"t1": TableColumn("x")})
    values = "in (1)" if kind == "list" else "less than (5)"
    out = parser.parse_and_modify_sql(f"create table t1 (a int) partition by {kind} (a) (partition p0 values {values})",
                                      {"t1": TableColumn("x")})
    assert out.startswith("CREATE TABLE x")


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_values_arm_of_a_union(dialect: str) -> None:
    parser = new_parser(dialect)
    sql = "VALUES (1) UNION ALL SELECT v FROM t"
    with pytest.raises(UnsupportedConstructError, match="VALUES"):
        parser.append_sql_filter(sql, "AND", "uid = 1")
    with pytest.raises(UnsupportedConstructError, match="VALUES"):
        parser.add_select_fields_to_select_sql(sql, ["x"])
    # The table is still scoped where it appears.
    assert "uid = 1" in parser.scope_rows(sql, {"t": "uid = 1"})


@pytest.mark.parametrize("dialect", DIALECTS)
def test_caller_names_and_values_no_engine_can_take(dialect: str) -> None:
    parser = new_parser(dialect)
    insert = "INSERT INTO t (a) VALUES (1)"
    for bad in ("a\x00b", "a\ud800"):
        with pytest.raises(InvalidArgumentError):
            parser.parse_and_modify_sql("SELECT a FROM t", {"t": TableColumn(bad)})
        with pytest.raises(InvalidArgumentError):
            parser.parse_and_modify_sql("SELECT a FROM t", {"t": TableColumn("x", {"a": bad})})
        with pytest.raises(InvalidArgumentError):
            parser.add_columns_to_insert_sql(insert, [ColumnValue(bad, 1)])
        with pytest.raises(InvalidArgumentError):
            parser.add_columns_to_insert_sql(insert, [ColumnValue("c", bad)])
        with pytest.raises(InvalidArgumentError):
            parser.add_select_fields_to_select_sql("SELECT a FROM t", [bad])
        with pytest.raises(InvalidArgumentError):
            parser.scope_rows("SELECT a FROM t", {bad: "a = 1"})
    with pytest.raises(InvalidArgumentError, match="Decimal"):
        parser.add_columns_to_insert_sql(insert, [ColumnValue("c", Decimal("NaN"))])


@pytest.mark.parametrize("dialect", DIALECTS)
def test_argument_shapes_give_contract_errors(dialect: str) -> None:
    parser = new_parser(dialect)
    insert = "INSERT INTO t (a) VALUES (1)"
    calls = [
        lambda: parser.parse_and_modify_sql("SELECT a FROM t", {"t": TableColumn("x", 5)}),  # type: ignore[arg-type]
        lambda: parser.add_columns_to_insert_sql(insert, ColumnValue("c", 1)),  # type: ignore[arg-type]
        lambda: parser.add_columns_to_insert_sql(insert, [ColumnValue("c", 1)], PrimaryKeyValue("p", 5)),  # type: ignore[arg-type]
        lambda: parser.add_columns_to_insert_sql(insert, [ColumnValue("c", object())]),
        lambda: parser.add_select_fields_to_select_sql("SELECT a FROM t", 5),  # type: ignore[arg-type]
        lambda: parser.append_sql_filter("SELECT a FROM t", ["AND"], "a = 1"),  # type: ignore[arg-type]
        lambda: parser.scope_rows("SELECT a FROM t", [("t", "a = 1")]),  # type: ignore[arg-type]
        lambda: parser.translate("SELECT 1", read="oracle"),
        lambda: parser.get_sql_operation(b"SELECT 1"),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(SQLParserError) as info:
            call()
        assert not str(info.value).startswith(INTERNAL_ERROR), info.value


def test_foreign_exceptions_are_marked_at_the_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    # The safety net: a compiler bug surfaces as a SQLParserError saying so, with the cause kept.
    parser = new_parser("sqlite")

    def broken(sql: str) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(parser.frontend, "parse", broken)
    with pytest.raises(SQLParserError, match=INTERNAL_ERROR) as info:
        parser.get_sql_operation("SELECT 1")
    assert isinstance(info.value.__cause__, KeyError)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_deep_statements_still_retry_on_the_deep_stack(dialect: str) -> None:
    # The boundary must let RecursionError reach the depth guard (it retries on a big stack).
    parser = new_parser(dialect)
    assert parser.get_sql_operation("SELECT a FROM t WHERE " + "NOT " * 900 + "a").value == "SELECT"
