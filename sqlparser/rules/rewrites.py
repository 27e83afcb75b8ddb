"""Rewrites of MySQL-only syntax that target tables share: LIKE patterns as GLOB patterns, and the
proposed row of an upsert (`VALUES(c)`) as `excluded.c`."""

from __future__ import annotations

from sqlglot import exp

from sqlparser.errors import UnsupportedConstructError


def like_to_glob(pattern: str, escape: str = "\\") -> str:
    """A MySQL LIKE pattern as an equivalent (case-sensitive) GLOB pattern."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == escape and i + 1 < len(pattern):
            ch = pattern[i + 1]
            out.append(f"[{ch}]" if ch in "*?[" else ch)
            i += 2
            continue
        if ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        elif ch in "*?[":
            out.append(f"[{ch}]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def values_to_excluded(node: exp.Expression) -> exp.Expression:
    """MySQL's `VALUES(c)` in ON DUPLICATE KEY UPDATE is the proposed row: `excluded.c`."""
    for call_node in list(node.find_all(exp.Anonymous)):
        if call_node.name.lower() == "values" and len(call_node.expressions) == 1:
            arg = call_node.expressions[0]
            name = arg.name if isinstance(arg, (exp.Identifier, exp.Column)) else None
            if not name:
                raise UnsupportedConstructError("VALUES() of an expression in ON DUPLICATE KEY UPDATE")
            replacement = exp.column(name, table="excluded")
            if call_node is node:
                return replacement
            call_node.replace(replacement)
    return node
