"""translate: rewrite a statement read in one dialect (MySQL) into IR that means the same on another.

sqlglot's transpiler does much of this, and is wrong in places without saying so (MySQL `CONCAT`
propagates NULL, PostgreSQL's ignores it; `LENGTH` counts bytes in MySQL and characters elsewhere;
`DATE_ADD(..., INTERVAL 1 MONTH)` clamps to the month's last day in MySQL and overflows into the
next month with SQLite's `date()`; `GREATEST` ignores NULL on PostgreSQL; ...). So translation is
an allowlist, fail-closed:

1. Each target dialect's table (`dialects/<target>/translate.py`, a `TranslateRules`) maps IR node
   types to rewrites, applied children first. A rewrite returns the node to print, or raises
   UnsupportedConstructError naming the construct when the target has no faithful equivalent.
2. After rewriting, every function left in the tree must be one the table lists as meaning the same
   on both engines, and no node the table denies may remain; otherwise UnsupportedConstructError.
   A function nobody has checked is refused, never passed through in the hope it exists.

The pass never branches on the dialect: what differs is in the tables. The table type and the
helpers that many tables use (reading an INTERVAL, deciding whether a value is a DATE) live in
`sqlparser.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from sqlglot import exp

from sqlparser.errors import UnsupportedConstructError
from sqlparser.passes.translate_writes import WriteSchema, translate_writes
from sqlparser.rules.translate import GENERATED, Rewrite, TranslateRules, construct_name


def translate(tree: exp.Expression, *, source: str, rules: TranslateRules,
              write_schema: WriteSchema | None = None) -> exp.Expression:
    if source == rules.target:
        return tree  # reading and writing the same dialect: nothing to translate
    if source not in rules.sources:
        raise UnsupportedConstructError(
            f"translation from {source} to {rules.target}",
            f"supported sources: {', '.join(sorted(rules.sources)) or 'none'}")
    if not isinstance(tree, rules.statements):
        raise UnsupportedConstructError(f"{type(tree).__name__.upper()} statement",
                                        f"cannot translate to {rules.target}")
    # Conflict handling of writes (REPLACE, IGNORE, ON DUPLICATE KEY / ON CONFLICT, modifiers).
    tree = translate_writes(tree, source=source, target=rules.target, schema=write_schema)

    # Children before parents: a parent's rewrite sees its children already translated.
    for walked in reversed(list(tree.walk(bfs=False))):
        # sqlglot types walk() by its base class Expr; every node of a tree is a concrete Expression.
        node = cast(exp.Expression, walked)
        rewrite = _lookup(rules.rewrites, type(node))
        new = rewrite(node) if rewrite is not None else node
        if new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
        if rules.post is not None:
            final = rules.post(new)
            if final is not new:
                if new is tree:
                    tree = final
                else:
                    new.replace(final)
    _check_allowed(tree, rules)
    return tree


def _lookup(table: Mapping[type[exp.Expr], Rewrite], node_type: type) -> Rewrite | None:
    # The walk stops at Expression, which sqlglot puts before the trait classes (Func, Binary,
    # Query, ...) in every concrete node's MRO: tables are keyed by concrete node types.
    for klass in node_type.__mro__:
        if klass in table:
            return table[klass]
        if klass is exp.Expression:
            break
    return None


def _check_allowed(tree: exp.Expression, rules: TranslateRules) -> None:
    for node in tree.walk():
        if node.meta.get(GENERATED):
            continue
        for node_type, reason in rules.denied.items():
            if isinstance(node, node_type):
                raise UnsupportedConstructError(construct_name(node), reason)
        if not isinstance(node, exp.Func) or isinstance(node, exp.Connector) or node.meta.get(GENERATED):
            continue
        if isinstance(node, exp.Anonymous):
            if node.name.lower() in rules.anonymous:
                continue
        elif type(node) in rules.functions:
            continue
        raise UnsupportedConstructError(
            construct_name(node), f"no faithful translation to {rules.target} is known; rewrite it without")
