"""The Go contract's test cases (tests/data/golden/sql_parser_cases.json), as callables on an SQLParser.

One place turns a JSON case into a call, so the compat golden test and the native snapshot test
run exactly the same calls.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlparser import ColumnValue, PrimaryKeyValue, SQLParser, TableColumn
from tests.data_dir import data_dir

GOLDEN_FILE = data_dir() / "golden" / "sql_parser_cases.json"


@dataclass(frozen=True)
class GoldenCase:
    suite: str
    index: int
    compare: str
    case: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.suite}[{self.index}]:{self.case['name']}"

    def call(self, parser: SQLParser) -> Any:
        return _CALLS[self.suite](parser, self.case)


def _table_columns(raw: dict[str, Any]) -> dict[str, TableColumn]:
    return {name: TableColumn(new_table_name=spec.get("new_table_name"), column_map=spec.get("column_map"))
            for name, spec in raw.items()}


def _add_columns(p: SQLParser, c: dict[str, Any]) -> Any:
    pk = c.get("primary_key_value")
    sql, _existing = p.add_columns_to_insert_sql(
        c["sql"],
        [ColumnValue(col["col_name"], col.get("value")) for col in c["add_cols"]],
        PrimaryKeyValue(pk["col_name"], tuple(pk["values"])) if pk else None,
        is_param=c["is_param"],
    )
    return sql


_CALLS: dict[str, Callable[[SQLParser, dict[str, Any]], Any]] = {
    "parse_and_modify_sql": lambda p, c: p.parse_and_modify_sql(c["sql"], _table_columns(c["table_columns"])),
    "get_sql_operation": lambda p, c: p.get_sql_operation(c["sql"]).value,
    "add_columns_to_insert_sql": _add_columns,
    "get_table_name": lambda p, c: p.get_table_name(c["sql"]),
    "get_insert_data_nums": lambda p, c: p.get_insert_data_nums(c["sql"]),
    "append_sql_filter": lambda p, c: p.append_sql_filter(c["sql"], c["op"], c["condition"]),
    # The Go test always adds the one field "pk_id".
    "add_select_fields_to_select_sql": lambda p, c: p.add_select_fields_to_select_sql(c["sql"], ["pk_id"]),
}


def load_cases() -> list[GoldenCase]:
    data = json.loads(GOLDEN_FILE.read_text(encoding="utf-8"))
    cases = []
    for suite, body in data["suites"].items():
        if suite not in _CALLS:
            raise AssertionError(f"golden suite {suite!r} has no call mapping")
        for i, case in enumerate(body["cases"]):
            cases.append(GoldenCase(suite, i, body["compare"], case))
    return cases


def iter_cases() -> Iterator[GoldenCase]:
    yield from load_cases()
