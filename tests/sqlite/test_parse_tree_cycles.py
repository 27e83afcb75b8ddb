"""A finished SQLite parse tree has no reference cycles (dialects/sqlite/parsing.py `_Parser`):
reference counting frees it, the cyclic garbage collector never has to."""

from __future__ import annotations

import gc

from dialects.sqlite import parsing

STATEMENTS = [
    "SELECT a, b + 1 AS c FROM t JOIN u ON t.id = u.id WHERE a > 1 AND b LIKE 'x%' ORDER BY 1 LIMIT 5",
    "WITH c AS (SELECT 1 AS x) SELECT x FROM c WHERE x IN (SELECT 1) OR NOT EXISTS (SELECT 2)",
    "INSERT INTO t (a, b) VALUES (1, 'x'), (-2, NULL) ON CONFLICT (a) DO UPDATE SET b = excluded.b",
    "UPDATE main.t SET a = CASE WHEN a IS NULL THEN 0 ELSE a * 2 END WHERE b BETWEEN 1 AND 2",
]


def _no_parent_links(tree: object) -> bool:
    stack = [tree]
    while stack:
        node = stack.pop()
        if getattr(node, "parentCtx", None) is not None:
            return False
        stack.extend(getattr(node, "children", None) or ())
    return True


def test_finished_tree_has_no_parent_links() -> None:
    for sql in STATEMENTS:
        assert _no_parent_links(parsing.parse_tree(sql)), sql


def test_parse_trees_leave_nothing_for_the_cyclic_collector() -> None:
    for sql in STATEMENTS:  # warm: the prediction DFA grows on first sight, and stays
        parsing.parse_tree(sql)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        for sql in STATEMENTS * 5:
            parsing.parse_tree(sql)
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()
