"""The round-trip check's native text handed out as the rewrite's output (`TreeFacts.printed`).

The PostgreSQL front end prints every statement it checks; `parse_and_modify_sql` returns that
text instead of printing the tree again when the rename pass left the tree as it was. These tests
pin the conditions: the text is exactly what the printer gives, and it is never used for a tree
that was changed, copied, or is printed with other options.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlglot

from bench.parse_rewrite import MAPPING, corpus_dml
from dialects.postgres import frontend as pg_frontend
from sqlparser import new_parser, result_cache
from sqlparser.contract import SQLParser
from sqlparser.types import TableColumn


def _cold_parser(**options: str) -> SQLParser:
    """A parser whose every call parses afresh (no statement cache, no result memo)."""
    p = new_parser("postgres", **options)
    p.memo = None
    p.frontend = type(p.frontend)(portable_names=True, cache=False)
    return p


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The texts `_printed` hands out (each call of the rewrite that reused the front end's print)."""
    out: list[str] = []
    real = SQLParser._printed

    def recording(self: SQLParser, facts: object) -> str | None:
        text = real(self, facts)  # type: ignore[arg-type]
        if text is not None:
            out.append(text)
        return text

    monkeypatch.setattr(SQLParser, "_printed", recording)
    monkeypatch.setattr(pg_frontend, "shape_cache", False)  # every statement is checked, so printed
    yield out


def _outcome(p: SQLParser, sql: str, mapping: dict[str, TableColumn]) -> tuple[str, str]:
    try:
        return "ok", p.parse_and_modify_sql(sql, mapping)
    except Exception as err:  # the outcome compared is the error itself
        return type(err).__name__, str(err)


def test_the_reused_text_is_what_the_printer_prints(served: list[str]) -> None:
    """Over the corpus DML, with a map that touches some statements and one that touches none, the
    rewrite gives the same output (or error) with the reuse as with every tree printed afresh."""
    reusing, printing = _cold_parser(), _cold_parser()
    printing._default_native = False  # the reuse's switch: off, every tree goes to the printer
    untouched = {"no_such_table": TableColumn(new_table_name="t_none", column_map={"a": "c_a"})}
    statements = corpus_dml("postgres")
    for mapping in (MAPPING, untouched):
        for sql in statements:
            assert _outcome(reusing, sql, mapping) == _outcome(printing, sql, mapping), sql
    assert len(served) > len(statements)  # most statements of both passes were served the print


def test_a_renamed_tree_is_printed_again(served: list[str]) -> None:
    p = _cold_parser()
    assert p.parse_and_modify_sql("SELECT a FROM users WHERE b = 1", {"users": TableColumn("t_users")}) \
        == "SELECT a FROM t_users WHERE b = 1"
    assert served == []
    assert p.parse_and_modify_sql("SELECT a FROM users WHERE b = 1", {"orders": TableColumn("t_orders")}) \
        == "SELECT a FROM users WHERE b = 1"
    assert served == ["SELECT a FROM users WHERE b = 1"]


def test_other_options_and_layouts_are_printed_again(served: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    mapping = {"orders": TableColumn("t_orders")}
    sql = "SELECT a FROM users WHERE b = $1 AND c = $2"
    assert _cold_parser(placeholder="%s").parse_and_modify_sql(sql, mapping) \
        == "SELECT a FROM users WHERE b = %s AND c = %s"
    assert _cold_parser(placeholder="$n").parse_and_modify_sql(sql, mapping) == sql  # the default: reused
    assert served == [sql]
    compat = _cold_parser()
    compat.style = "compat"
    assert compat.parse_and_modify_sql("select a from users", mapping) == "SELECT a FROM users"
    monkeypatch.setattr(sqlglot, "pretty", True)
    assert _cold_parser().parse_and_modify_sql(sql, mapping) == "SELECT\n  a\nFROM users\nWHERE\n  b = $1 AND c = $2"
    assert served == [sql]


def test_cached_statements_are_copies_and_printed_again(served: list[str]) -> None:
    """A statement cache hit hands out a copy of the kept tree: a tree the front end never printed."""
    pg_frontend.clear_cache()
    result_cache.clear()
    p = new_parser("postgres")
    p.memo = None
    mapping = {"orders": TableColumn("t_orders")}
    sql = "SELECT a, b FROM printed_reuse_probe WHERE c = 'x'"
    for _ in range(3):
        assert p.parse_and_modify_sql(sql, mapping) == sql
    assert served == [sql]  # the first sight only: the second parses again to keep, the third copies
    pg_frontend.clear_cache()
