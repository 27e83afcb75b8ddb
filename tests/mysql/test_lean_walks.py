"""The lean walks of the MySQL front end and native printer stand for sqlglot's `walk()`.

`tree_rules.check_tree` walks a list instead of `walk()`'s generator and does not queue literals
nor look into names; `native.FixUps.applies` tests each node by its exact type with child names
tested where met. Both must see what `walk()` would: these tests pin that down on the corpus.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from dialects.mysql import frontend, native, rules, tree_rules
from dialects.mysql.frontend import MySQLFrontend
from sqlparser import TableColumn
from sqlparser.errors import SQLParserError
from sqlparser.passes.rename import rename_tables
from tests.corpus._corpus import load_corpus

# Odd new names (a comment start, a space, a reserved word) that only the printer's quoting fixes.
MAPPING = {"users": TableColumn("t --", {"id": "select", "name": "My Name"}), "orders": TableColumn("My Orders", {}),
           "t": TableColumn("t1", {"a": "order"})}


def _corpus_texts() -> list[str]:
    return [row["sql"] for row in load_corpus("mysql")]


@pytest.fixture(scope="module")
def corpus_trees() -> list[tuple[str, exp.Expression]]:
    parser = MySQLFrontend(cache=False)
    out = []
    for sql in _corpus_texts():
        try:
            tree = parser.parse(sql).tree
        except SQLParserError:
            continue
        if tree is not None:
            out.append((sql, tree))
    return out


class _Recording(dict[Any, Any]):
    """The check table, noting each node type looked up in it (every node but names)."""

    def __init__(self, table: dict[Any, Any], seen: list[type]) -> None:
        super().__init__(table)
        self.seen = seen

    def get(self, key: Any, default: Any = None) -> Any:
        self.seen.append(key)
        return super().get(key, default)


def _walk_check_tree(tree: exp.Expr, sql: str, watch: object = ()) -> None:
    """check_tree as it was written over sqlglot's `walk()`: the reference for the order (it
    collects nothing, so the front end hands no names on)."""
    for node in tree.walk():
        if type(node) is exp.Identifier:
            name = node.this
            if not node.args.get("quoted") and isinstance(name, str) and name.upper() in rules.RESERVED_WORDS:
                tree_rules._check_identifier(node, sql)
            continue
        check = tree_rules._TREE_CHECKS.get(type(node))
        if check is not None:
            check(node, sql)


def test_names_and_literals_have_no_checks_of_their_own():
    # check_tree never queues a literal and tests a name inline: neither may get a table entry.
    assert exp.Literal not in tree_rules._TREE_CHECKS
    assert exp.Identifier not in tree_rules._TREE_CHECKS


def _front_end_pass(monkeypatch: pytest.MonkeyPatch, check: Any) -> dict[str, tuple[object, ...]]:
    """Parse the whole corpus (rejected statements too) with `check` as the front end's tree
    check: per text, the node types it looked up in the check table and the parse's outcome."""
    table = tree_rules._TREE_CHECKS
    seen: list[type] = []
    monkeypatch.setattr(tree_rules, "_TREE_CHECKS", _Recording(table, seen))
    monkeypatch.setattr(frontend, "check_tree", check)
    parser = MySQLFrontend(cache=False)
    out: dict[str, tuple[object, ...]] = {}
    for sql in _corpus_texts():
        seen.clear()
        try:
            stmt = parser.parse(sql)
            outcome: tuple[object, ...] = (str(stmt.operation), stmt.unsupported, stmt.table, repr(stmt.tree))
        except SQLParserError as err:
            outcome = (type(err).__name__, str(err))
        out[sql] = (outcome, list(seen))
    monkeypatch.setattr(tree_rules, "_TREE_CHECKS", table)
    return out


def test_check_tree_visits_in_walk_order(monkeypatch):
    """check_tree against the same rules over sqlglot's `walk()`, on every tree the front end
    checks: the same nodes in the same order (a literal has no check: `walk()` visits it for
    nothing, check_tree never queues it), the same outcome of every parse."""
    walked = _front_end_pass(monkeypatch, _walk_check_tree)
    listed = _front_end_pass(monkeypatch, tree_rules.check_tree)
    assert len(walked) > 1000
    for sql, (outcome, kinds) in walked.items():
        assert listed[sql] == (outcome, [kind for kind in kinds if kind is not exp.Literal]), sql


def test_names_and_literals_are_leaves(corpus_trees):
    for sql, tree in corpus_trees:
        assert all(not list(node.iter_expressions()) for node in tree.walk()
                   if type(node) in (exp.Identifier, exp.Literal)), sql


def _applies_by_walk(tree: exp.Expression) -> bool:
    """The plain definition: some node of `walk()` whose type's test in `_NEEDED` says yes."""
    for node in tree.walk():
        test = native._NEEDED.get(type(node))
        if test is not None and test(node):
            return True
    return False


def test_fix_ups_applies_as_a_plain_walk_says(corpus_trees):
    applied = 0
    for sql, tree in corpus_trees:
        try:
            renamed = rename_tables(tree.copy(), MAPPING)
        except SQLParserError:
            continue
        for candidate in (tree, renamed):
            answer = native.FixUps().applies(candidate)
            assert answer == _applies_by_walk(candidate), sql
            applied += answer
    assert applied  # the corpus and the odd names of the map have fix-ups to find


@pytest.mark.parametrize("sql", [
    "SELECT 1 FROM DUAL",
    "SELECT DATE '2020-01-01'",
    "SELECT 0x41 + 1",
    "SELECT a FROM t FOR SHARE",
    "VALUES ROW(1, 2)",
    "REPLACE INTO t VALUES (1)",
    "CREATE TABLE t (a NCHAR(3))",
    "SELECT `select` FROM t",
])
def test_fix_ups_found_deep_and_at_the_root(sql):
    tree = MySQLFrontend(cache=False).parse(sql).tree
    assert tree is not None
    assert native.FixUps().applies(tree) == _applies_by_walk(tree)
    nested = sqlglot.exp.select("*").from_(sqlglot.exp.Subquery(this=tree.copy()).as_("s")) \
        if isinstance(tree, exp.Query) else None
    if nested is not None:
        assert native.FixUps().applies(nested) == _applies_by_walk(nested)
