"""The rename pass and the portable-names rule collect their nodes with one breadth-first walk
(`name_walk.walk_names`); the tables and identifiers must come out in sqlglot's breadth-first
`walk()` order (the fallback alias map keeps the last table with an alias; the rule names the first
reserved identifier), the columns must be exactly the walk's."""

from __future__ import annotations

import itertools

import pytest
from sqlglot import exp

from sqlparser import new_parser
from sqlparser.name_walk import walk_names
from tests.corpus._corpus import load_corpus

EXTRA = (
    # the same alias for different tables at different depths: the order decides the fallback
    "SELECT a.x FROM users AS a WHERE a.id IN (SELECT a.user_id FROM orders AS a JOIN users AS b ON a.user_id = b.id)",
    "WITH a AS (SELECT id FROM orders AS o) SELECT * FROM a, (SELECT * FROM users AS o) AS d JOIN orders AS a2 "
    "ON d.id = a2.user_id",
    "UPDATE users SET name = (SELECT MAX(name) FROM orders AS u WHERE u.id = users.id) WHERE id IN (SELECT 1)",
)


@pytest.mark.parametrize("dialect", ["mysql", "postgres", "sqlite"])
def test_nodes_match_sqlglot_walk(dialect: str) -> None:
    frontend = new_parser(dialect).dialect.frontend(cache=False)
    rows = (row["sql"] for row in load_corpus(dialect)
            if row.get("syntax_ok") and row.get("kind") in ("SELECT", "INSERT", "UPDATE", "DELETE"))
    checked = 0
    for sql in itertools.chain(EXTRA, itertools.islice(rows, 400)):
        try:
            tree = frontend.parse(sql).tree
        except Exception:  # statements of another spelling are not this test's subject
            continue
        if tree is None:
            continue
        walk = list(tree.walk())
        tables, columns, identifiers, _, _ = walk_names(tree)
        assert [id(n) for n in tables] == [id(n) for n in walk if isinstance(n, exp.Table)], sql
        assert sorted(map(id, columns)) == sorted(id(n) for n in walk if isinstance(n, exp.Column)), sql
        assert [id(n) for n in identifiers] == [id(n) for n in walk if isinstance(n, exp.Identifier)], sql
        checked += 1
    assert checked > 100
