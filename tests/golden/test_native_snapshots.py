"""Native-style output of every golden input, per dialect, as reviewed snapshots (syrupy).

Update after a deliberate change with `pytest tests/golden --snapshot-update` and review the diff.
"""

from __future__ import annotations

import pytest
import sqlglot

from sqlparser import SQLParserError, new_parser
from sqlparser.registry import dialects_by_name
from tests.golden.cases import GoldenCase, load_cases

CASES = load_cases()
DIALECTS = sorted(dialects_by_name())


def _native(dialect: str, case: GoldenCase) -> tuple[bool, object]:
    """(succeeded, output or error text)."""
    try:
        return True, case.call(new_parser(dialect, style="native"))
    except SQLParserError as exc:
        return False, f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_native_output_snapshot(dialect: str, snapshot) -> None:
    outputs = {case.id: _native(dialect, case)[1] for case in CASES}
    assert outputs == snapshot


REWRITES = [c for c in CASES if c.suite in {"parse_and_modify_sql", "add_columns_to_insert_sql",
                                           "append_sql_filter", "add_select_fields_to_select_sql"}
            and not c.case.get("want_error")]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("case", REWRITES, ids=lambda c: c.id)
def test_native_output_reparses_stably(dialect: str, case: GoldenCase) -> None:
    """The native output is valid for the dialect's own front end and a second round trip is a no-op."""
    ok, out = _native(dialect, case)
    assert ok, out
    parser = new_parser(dialect, style="native", portable_names=False)
    statement = parser.parse(out)
    assert statement.tree is not None
    again = parser.render(statement.tree)
    assert parser.render(parser.parse(again).tree) == again
    if dialect == "mysql":
        # Independent check: sqlglot's own MySQL parser accepts it, without the Command fallback.
        tree = sqlglot.parse_one(out, read="mysql")
        assert not isinstance(tree, sqlglot.exp.Command)

