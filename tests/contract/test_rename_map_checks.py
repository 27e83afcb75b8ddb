"""parse_and_modify_sql validates the rename map's names together (one NUL search and one UTF-8
encoding of all of them, `sqlparser/contract.py`); a map that fails is checked name by name, so the
error still names the first bad name and what it is."""

from __future__ import annotations

import pytest

from sqlparser import TableColumn, new_parser
from sqlparser.errors import InvalidArgumentError

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
