"""The rename pass skips scope resolution when the map cannot touch the statement
(`rename._untouched`). The skip must never change an outcome: for corpus statements and cases
built to sit at the edge of the skip's conditions, the result (tree or error) with the skip is the
one without it."""

from __future__ import annotations

import copy
import itertools

import pytest
from sqlglot import exp

from sqlparser import SQLParserError, TableColumn, new_parser
from sqlparser.name_walk import walk_names
from sqlparser.passes import rename
from tests.corpus._corpus import load_corpus

BENCH_MAP = {"users": TableColumn("t_users", {"id": "c_id", "name": "c_name", "age": "c_age"}),
             "orders": TableColumn("t_orders", {"user_id": "c_user_id", "total": "c_total"})}
MAPS = (BENCH_MAP, {"users": TableColumn("t_users", {})}, {"zz": TableColumn("t_zz", {"id": "c_id"})})

EDGE = (
    # no mapped table, but a qualifier names one (the fallback renames it)
    "SELECT users.name FROM t",
    # no mapped table, an unqualified name a map lists
    "SELECT id FROM t",
    "INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a)",
    # two derived tables listing the same name: ambiguous whatever the map
    "SELECT a FROM (SELECT a FROM t) x, (SELECT a FROM u) y",
    "SELECT a FROM t AS x(a), u AS y(a)",
    "WITH c AS (SELECT a FROM t) SELECT a FROM c, (SELECT a FROM u) y",
    # nothing mapped anywhere: skipped, unchanged
    "SELECT a, b FROM t JOIN u USING (a) WHERE b IN (SELECT b FROM v) ORDER BY a",
    "SELECT a FROM t UNION SELECT a FROM u ORDER BY a",
    "UPDATE t SET a = 1 WHERE b = 2",
    "DELETE FROM t WHERE a IN (SELECT a FROM u)",
)


def outcome(tree: exp.Expression, mapping: dict[str, TableColumn]) -> tuple[str, ...]:
    try:
        return ("ok", repr(rename.rename_tables(copy.deepcopy(tree), mapping)))
    except SQLParserError as e:
        return ("err", type(e).__name__, str(e))


@pytest.mark.parametrize("dialect", ["mysql", "postgres", "sqlite"])
def test_skip_changes_no_outcome(dialect: str, monkeypatch: pytest.MonkeyPatch) -> None:
    frontend = new_parser(dialect).dialect.frontend(cache=False)
    rows = (row["sql"] for row in load_corpus(dialect)
            if row.get("syntax_ok") and row.get("kind") in ("SELECT", "INSERT", "UPDATE", "DELETE"))
    untouched = rename._untouched
    skipped = compared = 0

    def counted(*args: object) -> bool:
        nonlocal skipped
        result = untouched(*args)  # type: ignore[arg-type]
        skipped += result
        return result

    for sql in itertools.chain(EDGE, itertools.islice(rows, 300)):
        try:
            tree = frontend.parse(sql).tree
        except Exception:  # statements of another spelling are not this test's subject
            continue
        if tree is None:
            continue
        for mapping in MAPS:
            monkeypatch.setattr(rename, "_untouched", counted)
            with_skip = outcome(tree, mapping)
            monkeypatch.setattr(rename, "_untouched", lambda *args: False)
            assert outcome(tree, mapping) == with_skip, (sql, list(mapping))
            compared += 1
    assert compared > 300 and skipped > 100  # both paths were exercised


@pytest.mark.parametrize("sql,skips", [
    ("SELECT a FROM t WHERE b = 1", True),
    ("SELECT users.a FROM t", False),
    ("SELECT id FROM t", False),
    ("SELECT a FROM users", False),
    ("SELECT a FROM (SELECT a FROM t) x", False),
    ("SELECT a FROM t AS x(a)", False),
    ("WITH c AS (SELECT 1) SELECT * FROM c", False),
])
def test_skip_conditions(sql: str, skips: bool) -> None:
    tree = new_parser("postgres").dialect.frontend(cache=False).parse(sql).tree
    assert tree is not None
    tables, columns, _, scoped, _ = walk_names(tree)
    maps = {"users": {"id": "c_id"}}
    assert (not scoped and rename._untouched(tree, {"users": BENCH_MAP["users"]}, maps, tables, columns)) is skips
