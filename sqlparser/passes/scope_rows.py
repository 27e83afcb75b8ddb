"""scope_rows: row-level security for reads and writes, on the tree.

`scope_rows(tree, {"t": cond})` rewrites a statement so that running it on the full data gives
what the original gives on data where table `t` holds only the rows satisfying `cond` (PostgreSQL
row-level security semantics), and so that an UPDATE / DELETE touches only such rows.

How, per kind of reference:

- A read reference (FROM or JOIN item, at any depth: subqueries, CTE bodies, derived tables, the
  SELECT of an INSERT ... SELECT, UPDATE ... FROM, DELETE ... USING) becomes a derived table that
  holds only the allowed rows: `t AS a` -> `(SELECT * FROM t AS a WHERE a.uid = 'u1') AS a`. A derived
  table restricts the rows before any join, so LEFT / RIGHT / FULL / NATURAL joins keep their meaning,
  which a condition added to WHERE would not.
- A write target (UPDATE t / DELETE FROM t, and each table of a MySQL multi-table UPDATE / DELETE)
  cannot be a derived table, so its condition is ANDed into the statement's WHERE, qualified by the
  reference's alias; for the inner side of a LEFT JOIN in a multi-table write, into the join's ON.
- A write that deletes an existing row of a scoped table chosen by a key conflict (REPLACE,
  INSERT / UPDATE OR REPLACE) is refused: the row it would delete is not known before it runs.
  The update half of an upsert (ON CONFLICT DO UPDATE, ON DUPLICATE KEY UPDATE) is scoped
  (`_scope_upsert`): a colliding row out of scope is left alone. IGNORE / ABORT / FAIL / ROLLBACK
  and ON CONFLICT DO NOTHING only decide the fate of the new row: WITH CHECK covers them.

WITH CHECK, as row-level security applies it to written rows (`scope_writes`): on every dialect an
UPDATE that assigns a column the condition reads is refused with PolicyViolationError
("row-scope-check") unless the value is the literal the condition pins the column to; refused
rather than made to affect no row, because a silently vanished write hides the mistake and MySQL's
left-to-right SET semantics would make a WHERE check differ per dialect. An INSERT into a scoped
table must give each column the condition pins (`uid = 'u1'`) exactly that literal in every row;
anything that cannot be checked is refused. A pinned column left out is refused by default (it
would get an unchecked default); `fill_inserts=True` adds it with the pinned value instead.

It fails closed: a CTE named like a scoped table (it would hide the table from this pass), a
construct it has no rule for, or any reference left unscoped at the end raises
UnsupportedConstructError naming the construct.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp

from sqlparser.errors import UnsupportedConstructError, UnsupportedStatementError
from sqlparser.ir import DML_STATEMENTS, DML_WRITES, conflict_action
from sqlparser.passes.append_filter import merge_condition, strip_comments
from sqlparser.passes.scope_writes import check_insert, check_update
from sqlparser.rules.policy import Show, show_default
from sqlparser.types import SQLFilterOp

# Table arguments that change which rows a reference yields, so restricting the rows first would
# not be the same as restricting the table (sampling, time travel, pivots, table functions).
_REFUSED_TABLE_ARGS = ("pivots", "sample", "version", "system_time", "changes", "rows_from", "when", "ordinality",
                       "laterals", "partition")


def scope_rows(tree: exp.Expression, conditions: Mapping[str, exp.Expression], *,
               fill_inserts: bool = False, show: Show = show_default) -> exp.Expression:
    """Apply each table's condition to every reference of that table in `tree` (mutated and returned).

    `conditions` maps a table name (matched case-insensitively, whatever the schema qualifier) to a
    boolean expression over that table's columns, written unqualified. `fill_inserts=True` adds the
    columns a condition pins (`uid = 'u1'`) to an INSERT that leaves them out (see `scope_writes`).
    `show` prints a node in a refusal's message as the dialect writes it (`PolicyRules.show`).
    """
    if not isinstance(tree, DML_STATEMENTS):
        raise UnsupportedStatementError("scope rows: only SELECT / INSERT / UPDATE / DELETE can be scoped")
    scoped = {name.lower(): cond for name, cond in conditions.items()}
    if not scoped:
        return tree
    strip_comments(tree)

    for cte in tree.find_all(exp.CTE):
        if cte.alias_or_name.lower() in scoped:
            raise UnsupportedConstructError(
                f"CTE named {cte.alias_or_name!r}",
                "a CTE with the name of a scoped table hides that table; rename the CTE")

    handled: set[int] = set()
    # Writes first: their targets must stay base tables, so they are marked before reads are wrapped.
    for node in list(tree.find_all(*DML_WRITES)):
        if isinstance(node, exp.Insert):
            _scope_insert(node, scoped, handled, fill_inserts, show)
        elif isinstance(node, (exp.Update, exp.Delete)):
            _scope_write(node, scoped, handled, show)

    for table in list(tree.find_all(exp.Table)):
        if id(table) in handled or _name(table) not in scoped:
            continue
        if not isinstance(table.parent, (exp.From, exp.Join, exp.Delete, exp.Update, exp.Subquery)):
            raise UnsupportedConstructError(
                f"reference to {table.name!r} in {type(table.parent).__name__.upper()}",
                "scope rows cannot restrict a table used here")
        if isinstance(table.parent, (exp.Delete, exp.Update)) and table.arg_key not in ("using", "from_"):
            raise UnsupportedConstructError(f"reference to {table.name!r} in {type(table.parent).__name__.upper()}")
        _wrap(table, scoped[_name(table)], handled)

    for table in tree.find_all(exp.Table):
        if _name(table) in scoped and id(table) not in handled:
            raise UnsupportedConstructError(f"reference to {table.name!r}", "scope rows could not restrict it")
    return tree


def _name(table: exp.Table) -> str:
    return table.name.lower()


def _reference_name(table: exp.Table) -> str:
    return table.alias_or_name


def qualify(condition: exp.Expression, qualifier: str) -> exp.Expression:
    """A copy of `condition` with its own unqualified columns (not those of its subqueries) qualified."""
    cond = condition.copy()
    for column in list(cond.find_all(exp.Column)):
        if column.table:
            continue
        if column.find_ancestor(exp.Query) is not None:
            continue
        if isinstance(column.this, exp.Star):
            continue
        column.set("table", exp.to_identifier(qualifier))
    return cond


def _wrap(table: exp.Table, condition: exp.Expression, handled: set[int]) -> None:
    for arg in _REFUSED_TABLE_ARGS:
        if table.args.get(arg):
            raise UnsupportedConstructError(
                f"{arg.upper()} on table {table.name!r}", "scope rows cannot restrict a table used with it")
    name = _reference_name(table)
    alias = table.args.get("alias")
    # A parenthesized join hangs its joins on its first table; they move, as they are, to the
    # derived table (the caller's loop still visits their tables).
    joins = table.args.get("joins")
    table.set("joins", None)
    inner = table.copy()
    inner.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
    select = exp.Select(expressions=[exp.Star()]).from_(inner, copy=False)
    select.set("where", exp.Where(this=qualify(condition, name)))
    derived = exp.Subquery(this=select, alias=alias.copy() if alias else exp.TableAlias(
        this=exp.to_identifier(name)))
    if joins:
        derived.set("joins", joins)
    table.replace(derived)
    handled.add(id(inner))


def _write_tables(target: exp.Expression) -> list[tuple[exp.Table, exp.Join | None]]:
    """The base tables a write may change, with the join that brings each in (None for the first)."""
    if isinstance(target, exp.Schema):
        target = target.this
    if not isinstance(target, exp.Table):
        raise UnsupportedConstructError(f"write target {type(target).__name__.upper()}")
    tables: list[tuple[exp.Table, exp.Join | None]] = [(target, None)]
    for join in target.args.get("joins") or []:
        if isinstance(join.this, exp.Table):
            tables.append((join.this, join))
        else:
            # A derived table or a parenthesized join inside a multi-table write: its base tables
            # are read references, wrapped by the read rule.
            continue
    return tables


def _scope_write(node: exp.Update | exp.Delete, scoped: Mapping[str, exp.Expression], handled: set[int],
                 show: Show) -> None:
    target = node.this
    if isinstance(node, exp.Delete) and node.args.get("tables"):
        # MySQL `DELETE a, b FROM t a JOIN u b ...`: the list names aliases of tables in `this`.
        for ref in node.args["tables"]:
            handled.add(id(ref))
    if target is None:
        raise UnsupportedConstructError(f"{type(node).__name__.upper()} without a target table")
    where_conditions: list[exp.Expression] = []
    checked: dict[str, tuple[str, exp.Expression]] = {}
    for table, join in _write_tables(target):
        if _name(table) not in scoped:
            continue
        checked[_reference_name(table).lower()] = (table.name, scoped[_name(table)])
        for arg in _REFUSED_TABLE_ARGS:
            if table.args.get(arg):
                raise UnsupportedConstructError(f"{arg.upper()} on write target {table.name!r}")
        cond = qualify(scoped[_name(table)], _reference_name(table))
        handled.add(id(table))
        side = (join.side or "").upper() if join is not None else ""
        if join is None or (side == "" and (join.kind or "").upper() in ("", "INNER", "CROSS")):
            where_conditions.append(cond)
        elif side == "LEFT":
            # The inner side of a LEFT JOIN: restrict what it matches, keep the outer rows.
            on = join.args.get("on")
            if join.args.get("using"):
                raise UnsupportedConstructError("LEFT JOIN ... USING in a multi-table write on a scoped table")
            join.set("on", merge_condition(on, cond, SQLFilterOp.AND))
        else:
            raise UnsupportedConstructError(
                f"{side or join.kind} JOIN of scoped table {table.name!r} in a multi-table "
                f"{type(node).__name__.upper()}")
    if isinstance(node, exp.Update) and checked:
        if conflict_action(node) == "REPLACE":
            # UPDATE OR REPLACE deletes the rows the updated row would collide with, in any scope.
            raise UnsupportedConstructError(
                "UPDATE OR REPLACE on a scoped table",
                "a row it collides with is deleted, even one the scope does not allow; use a plain UPDATE")
        check_update(node, checked, show)
    if where_conditions:
        where = node.args.get("where")
        merged = where.this if where else None
        for cond in where_conditions:
            merged = merge_condition(merged, cond, SQLFilterOp.AND)
        node.set("where", exp.Where(this=merged))


def _scope_upsert(node: exp.Insert, conflict: exp.OnConflict, table: exp.Table, condition: exp.Expression,
                  show: Show) -> None:
    """The update half of an upsert may change only a row the scope allows, and keep it there.

    WITH CHECK on its SET list as on an UPDATE's. Which row it changes is the one the new row
    collides with, so the scope cannot go into a WHERE of the statement:
    - ON CONFLICT DO UPDATE (SQLite, PostgreSQL) takes a WHERE of its own: a colliding row out of
      scope is neither updated nor replaced (the new row is dropped, as DO NOTHING would);
    - MySQL's ON DUPLICATE KEY UPDATE has none: each assignment becomes `c = IF(scope, value, c)`.
      Exact despite MySQL's left-to-right assignment: WITH CHECK lets no assignment change a column
      the scope reads (except to the pinned value, which an out-of-scope row does not get), so the
      scope has the same truth value for every assignment.
    """
    reference = _reference_name(table)
    check_update(conflict, {reference.lower(): (table.name, condition)}, show)
    scope = qualify(condition, reference)
    if not conflict.args.get("duplicate"):
        where = conflict.args.get("where")
        conflict.set("where", exp.Where(this=merge_condition(where.this if where else None, scope, SQLFilterOp.AND)))
        return
    source = node.expression
    if isinstance(source, exp.Query) and any(
            t.name.lower() == table.name.lower() and not t.alias for t in source.find_all(exp.Table)):
        raise UnsupportedConstructError(
            f"INSERT ... SELECT ... ON DUPLICATE KEY UPDATE reading {table.name!r} without an alias",
            "the scope's column references would be ambiguous; alias the table in the SELECT")
    for item in conflict.expressions:
        target = item.this
        if not isinstance(item, exp.EQ) or not isinstance(target, exp.Column):
            raise UnsupportedConstructError("ON DUPLICATE KEY UPDATE item", "only `column = value` can be scoped")
        kept = target.copy()
        if not kept.table:
            kept.set("table", exp.to_identifier(reference))
        item.set("expression", exp.If(this=scope.copy(), true=item.expression, false=kept))


def _scope_insert(node: exp.Insert, scoped: Mapping[str, exp.Expression], handled: set[int],
                  fill: bool, show: Show) -> None:
    target = node.this
    table = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table, exp.Table):
        raise UnsupportedConstructError(f"INSERT target {type(table).__name__.upper()}")
    handled.add(id(table))
    if _name(table) not in scoped:
        return
    conflict = node.args.get("conflict")
    if conflict is not None:
        action = conflict.args.get("action")
        action_name = action.name.upper() if isinstance(action, exp.Expression) else str(action or "").upper()
        if conflict.args.get("duplicate") or "UPDATE" in action_name or conflict.expressions:
            _scope_upsert(node, conflict, table, scoped[_name(table)], show)
    # IGNORE / ABORT / FAIL / ROLLBACK only decide what happens to the new row: WITH CHECK below
    # covers them. REPLACE deletes whichever existing rows conflict, in any tenant's scope.
    if node.args.get("overwrite") or conflict_action(node) == "REPLACE":
        raise UnsupportedConstructError(
            "INSERT that replaces existing rows on a scoped table",
            "REPLACE / INSERT OR REPLACE can delete a row the scope does not allow")
    check_insert(node, table.name, scoped[_name(table)], fill, show)
