"""Parser selection by db.uri and by name, and the contract's argument checks."""

from __future__ import annotations

import pytest

from sqlparser import (
    ColumnValue,
    InvalidArgumentError,
    OperationType,
    PrimaryKeyValue,
    SQLFilterOp,
    SQLParserError,
    TableColumn,
    UnsupportedConstructError,
    UnsupportedStatementError,
    new_parser,
    parser_for,
)
from sqlparser.registry import dialects_by_name

URIS = {
    "mysql://u:secret@db:3306/app": "mysql",
    "mysql+pymysql://u@db/app": "mysql",
    "sqlite://": "sqlite",
    "sqlite:///var/data/sqlite/app.db": "sqlite",
    "sqlite:////abs/app.db": "sqlite",
    "postgres://u@h/db": "postgres",
    "postgresql://u@h/db": "postgres",
    "postgresql+psycopg://u:pw@h:5432/db": "postgres",
}


@pytest.mark.parametrize("uri,dialect", URIS.items())
def test_scheme_picks_dialect(uri: str, dialect: str) -> None:
    assert parser_for(uri).dialect.name == dialect


def test_the_three_dialects_are_registered() -> None:
    assert {"mysql", "sqlite", "postgres"} <= set(dialects_by_name())


def test_unknown_scheme_lists_known_ones_and_hides_password() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        parser_for("oracle://scott:tiger@db/orcl")
    message = str(info.value)
    assert "oracle" in message and "mysql" in message
    assert "tiger" not in message


@pytest.mark.parametrize("uri", ["", "not a uri", None, 42])
def test_malformed_uri(uri: object) -> None:
    with pytest.raises(InvalidArgumentError):
        parser_for(uri)  # type: ignore[arg-type]


def test_unknown_dialect_suggests_close_match() -> None:
    with pytest.raises(InvalidArgumentError, match="mysql"):
        new_parser("mysq")


def test_unknown_style() -> None:
    with pytest.raises(InvalidArgumentError, match="compat"):
        new_parser("mysql", style="pretty")


def test_value_types_are_frozen() -> None:
    col = ColumnValue("a", 1)
    with pytest.raises(AttributeError):
        col.col_name = "b"  # type: ignore[misc]
    assert TableColumn().new_table_name is None
    assert PrimaryKeyValue("id").values == ()
    assert OperationType("SELECT") is OperationType.SELECT and str(SQLFilterOp.OR) == "OR"


def test_errors_are_value_errors() -> None:
    assert issubclass(SQLParserError, ValueError)


P = new_parser("mysql")


@pytest.mark.parametrize("op", ["and", "aNd", "", "XOR", None])
def test_filter_operator_is_exact(op: object) -> None:
    with pytest.raises(InvalidArgumentError, match="invalid filter operator"):
        P.append_sql_filter("SELECT * FROM t", op, "a = 1")  # type: ignore[arg-type]


def test_filter_keeps_existing_condition_as_one_operand() -> None:
    out = P.append_sql_filter("SELECT * FROM t WHERE a = 1 OR b = 2", SQLFilterOp.AND, "uid = 'u1'")
    assert out == "SELECT * FROM t WHERE (a = 1 OR b = 2) AND uid = 'u1'"
    out = P.append_sql_filter("SELECT * FROM t WHERE a = 1", "AND", "uid = 'u1' OR 1 = 1")
    assert out == "SELECT * FROM t WHERE a = 1 AND (uid = 'u1' OR 1 = 1)"


def test_mapping_is_checked() -> None:
    with pytest.raises(InvalidArgumentError, match="non-empty"):
        P.parse_and_modify_sql("SELECT a FROM t", {"": TableColumn("x")})
    with pytest.raises(InvalidArgumentError, match="TableColumn"):
        P.parse_and_modify_sql("SELECT a FROM t", {"t": "x"})  # type: ignore[dict-item]


def test_rename_is_case_insensitive_and_keeps_qualifiers() -> None:
    out = P.parse_and_modify_sql("SELECT T.ID, name FROM T WHERE t.id > 1",
                                 {"t": TableColumn("t_1", {"id": "c_id"})})
    assert out == "SELECT t_1.c_id, name FROM t_1 WHERE t_1.c_id > 1"


def test_insert_primary_key_count_must_match_rows() -> None:
    with pytest.raises(InvalidArgumentError, match="2 rows"):
        P.add_columns_to_insert_sql("INSERT INTO t (a) VALUES (1), (2)", [ColumnValue("b", 1)],
                                    PrimaryKeyValue("id", (1,)))


def test_insert_select_has_no_rows_to_count() -> None:
    with pytest.raises(UnsupportedConstructError):
        P.get_insert_data_nums("INSERT INTO t (a) SELECT a FROM s")


def test_insert_values_of_unsupported_type() -> None:
    with pytest.raises(InvalidArgumentError, match="type"):
        P.add_columns_to_insert_sql("INSERT INTO t (a) VALUES (1)", [ColumnValue("b", object())])


def test_select_fields_on_union_adds_to_every_arm() -> None:
    out = P.add_select_fields_to_select_sql("SELECT a FROM t UNION SELECT a FROM s", ["pk"])
    assert out == "SELECT a, pk FROM t UNION SELECT a, pk FROM s"


def test_select_fields_not_on_insert() -> None:
    with pytest.raises(UnsupportedStatementError):
        P.add_select_fields_to_select_sql("INSERT INTO t (a) VALUES (1)", ["pk"])
