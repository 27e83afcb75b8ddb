"""Rewrites applied to a copy of the IR before it is printed as native SQLite."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from sqlparser.dialect import FunctionNormalizer


def truncate_to_delete(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """SQLite has no TRUNCATE: `TRUNCATE TABLE t` (accepted for MySQL-flavoured input) is `DELETE FROM t`,
    which SQLite runs with its truncate optimization."""
    if isinstance(tree, exp.TruncateTable):
        tables = tree.expressions
        if len(tables) == 1:
            return exp.Delete(this=tables[0].copy())
    return tree


NATIVE_NORMALIZERS = (FunctionNormalizer(truncate_to_delete),)
