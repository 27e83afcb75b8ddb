"""parse_and_modify_sql validates the rename map's names together (one NUL search and one UTF-8
encoding of all of them, `sqlparser/contract.py`); a map that fails is checked name by name, so the
error still names the first bad name and what it is."""

from __future__ import annotations

import types

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sqlparser import TableColumn, contract, new_parser
from sqlparser.errors import InvalidArgumentError, SQLParserError

SQL = "SELECT id, name FROM users WHERE age > 1"


@pytest.mark.parametrize(("mapping", "message"), [
    ({"us\x00ers": TableColumn("t")}, "table name 'us\\x00ers' contains a NUL character"),
    ({"users": TableColumn("t\x00")}, "new table name 't\\x00' contains a NUL character"),
    ({"users": TableColumn("t", {"na\x00me": "c"})}, "column name 'na\\x00me' contains a NUL character"),
    ({"users": TableColumn("t", {"name": "c\ud800"})}, "new column name 'c\\ud800' contains a lone surrogate"),
    ({"users": TableColumn("t\udfff", {"name": "c\x00"})}, "new table name 't\\udfff' contains a lone surrogate"),
    ({"users": TableColumn("t", {"id": "c_id"}), "orders": TableColumn("o\x00")},
     "new table name 'o\\x00' contains a NUL character"),
])
def test_bad_names_are_refused_naming_the_first(mapping: dict[str, TableColumn], message: str) -> None:
    for dialect in ("mysql", "postgres", "sqlite"):
        with pytest.raises(InvalidArgumentError) as err:
            new_parser(dialect).parse_and_modify_sql(SQL, mapping)
        assert message in str(err.value)


def test_good_names_pass_and_special_words_are_quoted() -> None:
    p = new_parser("mysql")
    assert p.parse_and_modify_sql(SQL, {"users": TableColumn("t_users", {"name": "c_name", "id": "é"})}) \
        == "SELECT é, c_name FROM t_users WHERE age > 1"
    # A physical name that a printer would read back as a keyword is quoted (contract._SPECIAL_NAMES).
    assert p.parse_and_modify_sql(SQL, {"users": TableColumn("dual", {"name": "default"})}) \
        == "SELECT id, `default` FROM `dual` WHERE age > 1"


_NAMES = st.sampled_from(["users", "t", "", "dual", "Default", "a\x00", "b\ud800", "é", "id"])
_COLUMN_MAPS = st.one_of(st.none(), st.dictionaries(st.one_of(_NAMES, st.integers()), st.one_of(_NAMES, st.none()),
                                                    max_size=3))
_SPECS = st.one_of(st.builds(TableColumn, st.one_of(st.none(), _NAMES, st.integers()), _COLUMN_MAPS), st.integers())


_PLAIN_SPECS = st.builds(TableColumn, st.one_of(st.none(), _NAMES),
                         st.one_of(st.none(), st.dictionaries(_NAMES, _NAMES, max_size=3)))


def _outcome(mapping: object) -> tuple[str, object]:
    try:
        return "ok", contract._check_table_columns(mapping)  # type: ignore[arg-type]
    except SQLParserError as err:
        return type(err).__name__, str(err)


@settings(max_examples=300, deadline=None)
@example({"users": TableColumn("t", {"": "c"})})
@example({"users": TableColumn("t", {"c": ""}), "orders": TableColumn("dual")})
@example({"users": TableColumn(None, {"a": "Default"})})
@example({"users": TableColumn("t", {"a\x00": "c"})})
@example({"users": TableColumn("t\ud800")})
@example({"": TableColumn("t")})
@given(st.one_of(st.dictionaries(st.one_of(_NAMES, st.integers()), _SPECS, max_size=3),
                 st.dictionaries(_NAMES, _PLAIN_SPECS, max_size=3)))
def test_the_one_pass_check_of_a_plain_map_agrees_with_the_full_checks(table_columns: dict) -> None:
    """`_check_table_columns` takes a plain dict in one pass; the same map behind a read-only view
    (not a dict) takes the full checks: same verdict, same error."""
    assert _outcome(table_columns) == _outcome(types.MappingProxyType(table_columns))
