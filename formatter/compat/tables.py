"""Compat printers for table references: FROM trees, joins, table names with partitions and index hints.

TiDB keeps a FROM clause as a binary join tree and restores it recursively: a left operand that is
itself a join is parenthesized, so ``FROM t1, t2, t3`` prints as ``((t1) JOIN t2) JOIN t3`` (a
comma list starts with a one-table join) and ``t1 JOIN t2 LEFT JOIN t3 ON c`` as
``(t1 JOIN t2) LEFT JOIN t3 ON c``. sqlglot keeps the same left-deep chain as a flat join list;
`_from_tree` rebuilds TiDB's shape from it.

sqlglot parses ``t1, t2`` and ``t1 JOIN t2`` (no ON/USING) to the same tree; the printer asks the
source text when it has it (the `source_sql` option) and otherwise reads a first bare join as the
comma form, the far more common one. Both print a left-deep cross join, so the meaning is the same
either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from formatter.compat.base import Restorer, check_args, printer
from formatter.compat.common import table_alias, table_name
from sqlparser.errors import UnsupportedConstructError


@dataclass
class _Join:
    left: object  # _Join or a leaf expression
    right: object | None
    join: exp.Join | None


def is_bare_join(join: exp.Join) -> bool:
    return not any(join.args.get(k) for k in ("on", "using", "side", "kind", "method"))


def _leaf(node: exp.Expression, r: Restorer | None = None) -> object:
    """A FROM item as TiDB's join tree sees it. sqlglot hangs the joins that follow an item on the
    item itself (`Table.joins`, `Subquery.joins`), and keeps parentheses around table references
    as a Subquery without alias: `(t1 JOIN t2)` is a join group, `(t1)` a one-table join."""
    joins = node.args.get("joins") if isinstance(node, (exp.Table, exp.Subquery)) else None
    if joins:
        bare = node.copy()
        bare.set("joins", None)
        return _from_tree(bare, list(joins), r=r)
    if (isinstance(node, exp.Subquery) and not node.args.get("alias")
            and isinstance(node.this, (exp.Table, exp.Subquery))):
        check_args(node, ("this",))
        inner = _leaf(node.this, r)
        return inner if isinstance(inner, _Join) else _Join(inner, None, None)
    return node


def _is_comma(r: Restorer | None, join: exp.Join) -> bool:
    """Whether a bare join was written `t1, t2` (else `t1 JOIN t2`); the source decides when known,
    else the far more common comma form is assumed."""
    if not is_bare_join(join):
        return False
    before = r.source_before(join.this) if r is not None else None
    if before is not None:
        if before.endswith(","):
            return True
        if r is not None and r.source_ends_with_word(join.this, "JOIN"):
            return False
    return True


def _from_tree(first: exp.Expression, joins: list[exp.Join], *, r: Restorer | None = None) -> object:
    left = _leaf(first, r)
    # TiDB starts a comma list with a one-table join only when the list starts with a single table
    if joins and _is_comma(r, joins[0]) and not isinstance(left, _Join):
        left = _Join(left, None, None)
    for join in joins:
        if not isinstance(join, exp.Join):
            raise UnsupportedConstructError(type(join).__name__, "in a FROM clause")
        left = _Join(left, _leaf(join.this, r), join)
    return left


def _render_ref(r: Restorer, ref: object) -> str:
    if isinstance(ref, _Join):
        return _render_join(r, ref)
    assert isinstance(ref, exp.Expression)
    if isinstance(ref, exp.Table):
        return table_ref(r, ref)
    return r.node(ref)


def _render_join(r: Restorer, node: _Join) -> str:
    left = _render_ref(r, node.left)
    if isinstance(node.left, _Join):
        left = "(" + left + ")"
    if node.right is None:
        return left
    join = node.join
    assert join is not None
    check_args(join, ("this", "on", "using", "side", "kind", "method"))
    side = (join.args.get("side") or "").upper()
    kind = (join.args.get("kind") or "").upper()
    method = (join.args.get("method") or "").upper()
    if side not in ("", "LEFT", "RIGHT") or kind not in ("", "INNER", "CROSS", "OUTER", "STRAIGHT_JOIN") \
            or method not in ("", "NATURAL"):
        raise UnsupportedConstructError(f"{method} {side} {kind} JOIN".strip(), "MySQL has no such join")
    out = left
    if method == "NATURAL":
        out += r.kw(" NATURAL")
    if side:
        out += r.kw(" " + side)
    out += r.kw(" STRAIGHT_JOIN ") if kind == "STRAIGHT_JOIN" else r.kw(" JOIN ")
    right = _render_ref(r, node.right)
    out += "(" + right + ")" if isinstance(node.right, _Join) else right
    on = join.args.get("on")
    if on is not None:
        out += " " + r.kw("ON ") + r.node(on)
    using = join.args.get("using")
    if using:
        out += r.kw(" USING ") + "(" + ",".join(_using_name(r, u) for u in using) + ")"
    return out


def _using_name(r: Restorer, node: exp.Expression) -> str:
    if isinstance(node, exp.Column) and not node.table:
        return r.node(node.this)
    return r.node(node)


def table_refs(r: Restorer, first: exp.Expression, joins: list[exp.Join]) -> str:
    return _render_ref(r, _from_tree(first, joins, r=r))


def is_dual(node: exp.Expression) -> bool:
    return (isinstance(node, exp.Table) and not node.args.get("db") and isinstance(node.this, exp.Identifier)
            and not node.this.quoted and node.name.lower() == "dual" and not node.args.get("alias"))


_HINT_TARGETS = {"JOIN": " FOR JOIN", "ORDER BY": " FOR ORDER BY", "GROUP BY": " FOR GROUP BY"}


def table_ref(r: Restorer, node: exp.Table) -> str:
    if node.args.get("joins"):
        return _render_ref(r, _leaf(node, r))
    check_args(node, ("this", "db", "catalog", "alias", "partition", "hints"))
    text = table_name(r, node)
    partition = node.args.get("partition")
    if partition is not None:
        check_args(partition, ("expressions", "subpartition"))
        if partition.args.get("subpartition"):
            raise UnsupportedConstructError("SUBPARTITION")
        text += r.kw(" PARTITION") + "(" + ", ".join(_plain_name(r, p) for p in partition.expressions) + ")"
    alias = node.args.get("alias")
    if alias is not None:
        text += r.kw(" AS ") + table_alias(r, alias)
    for hint in node.args.get("hints") or []:
        if not isinstance(hint, exp.IndexTableHint):
            raise UnsupportedConstructError(type(hint).__name__, "table hint")
        check_args(hint, ("this", "target", "expressions"))
        target = str(hint.args.get("target") or "").upper()
        if target and target not in _HINT_TARGETS:
            raise UnsupportedConstructError(f"index hint FOR {target}")
        text += (" " + r.kw(str(hint.this).upper() + " INDEX") + r.kw(_HINT_TARGETS.get(target, ""))
                 + " (" + ", ".join(_plain_name(r, e) for e in hint.expressions) + ")")
    return text


def _plain_name(r: Restorer, node: exp.Expression) -> str:
    if isinstance(node, exp.Column) and not node.table:
        return r.node(node.this)
    if isinstance(node, (exp.Identifier, exp.Var)):
        return r.name(node.name)
    raise UnsupportedConstructError(type(node).__name__, "where a name is expected")


@printer(exp.Table)
def _table(r: Restorer, node: exp.Table) -> str:
    return table_ref(r, node)


def refs_of(r: Restorer, target: exp.Expression) -> str:
    """The table references an UPDATE or DELETE works on: one table, or a join tree."""
    if isinstance(target, exp.Table):
        return table_ref(r, target)
    return _render_ref(r, _leaf(target, r))
