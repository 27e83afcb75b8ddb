"""add_select_fields_to_select_sql: where an extra field keeps the result's meaning."""

from __future__ import annotations

import pytest

from sqlparser import new_parser

P = new_parser("mysql")


@pytest.mark.parametrize("sql,want", [
    ("SELECT a, RANK() OVER (ORDER BY a) FROM t", "SELECT a, RANK() OVER (ORDER BY a), pk FROM t"),
    ("SELECT a, SUM(b) OVER (PARTITION BY a) FROM t", "SELECT a, SUM(b) OVER (PARTITION BY a), pk FROM t"),
    ("SELECT a, SUM(b) FROM t", "SELECT a, SUM(b) FROM t"),
    ("SELECT a FROM t GROUP BY a", "SELECT a FROM t GROUP BY a"),
    ("SELECT t.* FROM t", "SELECT t.* FROM t"),
])
def test_window_functions_are_not_aggregates(sql: str, want: str) -> None:
    assert P.add_select_fields_to_select_sql(sql, ["pk"]) == want
