"""Rewrites applied to a copy of the IR before it is printed as native SQLite."""

from __future__ import annotations

import functools
import re
from typing import Any

from sqlglot import exp

from sqlparser.dialect import FunctionNormalizer
from sqlparser.ir import any_node

RESERVED_WORDS: frozenset[str] = frozenset(
    """
    ADD ALL ALTER AND AS AUTOINCREMENT BETWEEN CASE CAST CHECK COLLATE COMMIT CONSTRAINT CREATE CROSS
    CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DEFAULT DEFERRABLE DELETE DISTINCT DROP ELSE ESCAPE
    EXCEPT EXISTS FOREIGN FROM FULL GLOB GROUP HAVING IF IN INDEX INDEXED INNER INSERT INTERSECT INTO
    IS ISNULL JOIN LEFT LIKE LIMIT MATCH NATURAL NOT NOTHING NOTNULL NULL ON OR ORDER OUTER PRIMARY
    RAISE REFERENCES REGEXP RETURNING RIGHT SELECT SET TABLE THEN TO TRANSACTION UNION UNIQUE UPDATE
    USING VALUES WHEN WHERE
    """.split()
)
"""SQLite keywords that some name position (table, column, qualifier, alias, index) does not accept
bare; the other keywords fall back to names everywhere. tests/security/test_quoting.py checks the
list against the SQLite build (apsw) in those positions."""

# SQLite's tokenizer reads a bare name as a letter, `_` or any non-ASCII character, then those,
# digits and `$` (lone surrogates excluded: they cannot be encoded as UTF-8 at all).
_BARE = re.compile(r"[A-Za-z_\u0080-\ud7ff\ue000-\U0010ffff][A-Za-z0-9_$\u0080-\ud7ff\ue000-\U0010ffff]*")


@functools.lru_cache(maxsize=4096)
def needs_quotes(name: str) -> bool:
    """True when `name` printed bare would not read back as the same name on SQLite."""
    return not _BARE.fullmatch(name) or name.upper() in RESERVED_WORDS


def truncate_to_delete(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """SQLite has no TRUNCATE: `TRUNCATE TABLE t` (accepted for MySQL-flavoured input) is `DELETE FROM t`,
    which SQLite runs with its truncate optimization."""
    if isinstance(tree, exp.TruncateTable):
        tables = tree.expressions
        if len(tables) == 1:
            return exp.Delete(this=tables[0].copy())
    return tree


def quote_odd_names(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """Double-quote every bare name SQLite would misread: a caller's physical name `t --` or
    `My Table` (rename maps, added columns). The front end marks every name it read in quotes as
    quoted, and the names it read bare never need quotes, so user SQL keeps its spelling."""
    for node in tree.find_all(exp.Identifier):
        if not node.args.get("quoted") and needs_quotes(node.name):
            node.set("quoted", True)
    return tree


def _is_truncate(tree: exp.Expression) -> bool:
    return isinstance(tree, exp.TruncateTable)


def _has_odd_name(tree: exp.Expression) -> bool:
    """Whether `quote_odd_names` would quote anything: the test lets the native printer skip its
    copy of the tree (as costly as printing it) for the statements that have no odd name, which
    are nearly all."""
    return any_node(tree, _odd_name)


def _odd_name(node: exp.Identifier) -> bool:
    return not node.args.get("quoted") and needs_quotes(node.name)


NATIVE_NORMALIZERS = (FunctionNormalizer(truncate_to_delete, _is_truncate),
                      FunctionNormalizer(quote_odd_names, _has_odd_name))


def as_is(tree: exp.Expression, identifiers: list[exp.Identifier]) -> bool:
    """Whether every one of `NATIVE_NORMALIZERS` leaves `tree` as it is, given all of its names
    (the front end's walk, `TreeFacts.native_as_is`): their `applies` tests without a walk."""
    return not _is_truncate(tree) and not any(_odd_name(node) for node in identifiers)
