"""The WITH CHECK half of scope_rows: a scoped write may not create or leave a row outside the scope.

PostgreSQL row-level security checks every row an UPDATE or INSERT writes against the policy's
WITH CHECK expression (by default its USING expression). `scope_rows` gives the same guarantee
before the statement runs, on the tree, the same way on every dialect:

- UPDATE: assigning a column that the table's condition reads is refused, unless the value is the
  literal the condition pins that column to (`SET uid = 'u1'` under `uid = 'u1'`). Refused rather
  than turned into "affects no row": a check added to WHERE would make a write the caller asked
  for vanish silently, and on MySQL the assignments of one UPDATE see each other's new values (left
  to right), so a substituted check would differ per dialect. A tenant never needs to rewrite the
  column that says whose row it is; moving a row is an administrative job, not a scoped one.
- INSERT: every new row must satisfy the condition. It can be checked only when the condition is
  `column = literal` terms joined by AND (the usual tenant condition); each pinned column must be
  given the pinned literal in every row (VALUES rows and each SELECT arm's projection). A value that
  is a placeholder, an expression or a subquery cannot be checked and is refused. A pinned column
  left out of the column list is refused by default (it would get the table's default, which no one
  has checked), or, with `fill_inserts=True`, added with the pinned literal: the caller then writes
  `INSERT INTO t (name) VALUES (?)` and the tenant column is filled in.

Every refusal is a PolicyViolationError with rule "row-scope-check", naming the table and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from sqlglot import exp

from sqlparser.errors import PolicyViolationError
from sqlparser.literal_runs import materialize
from sqlparser.rules.policy import Show, show_default

RULE = "row-scope-check"


def condition_columns(condition: exp.Expression) -> set[str]:
    """Lower-case names of every column the condition reads (its subqueries' too, to be safe)."""
    return {c.name.lower() for c in condition.find_all(exp.Column) if not isinstance(c.this, exp.Star)}


def pinned_columns(condition: exp.Expression) -> dict[str, exp.Expression] | None:
    """{column: literal} when the condition is `column = literal` terms joined by AND, else None."""
    pins: dict[str, exp.Expression] = {}
    pending = [condition]
    while pending:
        node = pending.pop()
        if isinstance(node, exp.Paren):
            pending.append(node.this)
            continue
        if isinstance(node, exp.And):
            pending.extend((node.expression, node.this))  # popped left operand first: written order
            continue
        if not isinstance(node, exp.EQ):
            return None
        sides = (_unparen(node.this), _unparen(node.expression))
        column = next((s for s in sides if isinstance(s, exp.Column) and not s.table), None)
        value = next((s for s in sides if isinstance(s, exp.Literal)), None)
        if column is None or value is None:
            return None
        name = column.name.lower()
        if name in pins and not same_literal(pins[name], value):
            return None  # `uid = 'a' AND uid = 'b'`: no row satisfies it; nothing can be written
        pins[name] = value
    return pins


def same_literal(a: exp.Expression, b: exp.Expression) -> bool:
    a, b = _unparen(a), _unparen(b)
    if not isinstance(a, exp.Literal) or not isinstance(b, exp.Literal) or a.is_string != b.is_string:
        return False
    if a.is_string:
        return bool(a.this == b.this)
    try:
        return Decimal(a.this) == Decimal(b.this)
    except InvalidOperation:
        return False


def _unparen(node: exp.Expression) -> exp.Expression:
    while isinstance(node, (exp.Paren, exp.Alias)):
        node = node.this
    return node


# -- UPDATE -----------------------------------------------------------------------------------


def check_update(node: exp.Update | exp.OnConflict, targets: Mapping[str, tuple[str, exp.Expression]],
                 show: Show = show_default) -> None:
    """Refuse an UPDATE (or an upsert's update half) that assigns a column one of its scoped targets'
    conditions reads.

    `targets` maps the reference name (alias or table name, lower-case) of each scoped write target
    to (table name, condition). An unqualified SET column is checked against every target: in a
    MySQL multi-table UPDATE it may belong to any of them. `show` prints nodes in messages.
    """
    for item in node.expressions:
        if not isinstance(item, exp.EQ):
            raise PolicyViolationError(RULE, f"SET item {show(item)!r} cannot be checked against the row scope")
        columns = item.this.expressions if isinstance(item.this, exp.Tuple) else [item.this]
        value = _unparen(item.expression)
        values: list[exp.Expression | None]
        if isinstance(item.this, exp.Tuple):
            values = list(value.expressions) if isinstance(value, exp.Tuple) else []
            if len(values) != len(columns):
                values = [None] * len(columns)  # a row subquery: no value can be checked
        else:
            values = [value]
        for column, assigned in zip(columns, values, strict=True):
            if not isinstance(column, exp.Column):
                raise PolicyViolationError(RULE, f"SET target {show(column)!r} cannot be checked against the row scope")
            qualifier = column.table.lower()
            if _is_same_column(column, assigned):
                continue  # `SET b.uid = b.uid`: the value stays what it is
            for reference, (table, condition) in targets.items():
                if qualifier and qualifier != reference:
                    continue
                _check_assignment(table, column.name, assigned, condition, show)


def _is_same_column(column: exp.Column, value: exp.Expression | None) -> bool:
    # Same name and same qualifier: the column's own value. On MySQL an earlier assignment in the
    # same SET would show through, but an earlier assignment of a scoped column is checked itself.
    return (isinstance(value, exp.Column) and value.name.lower() == column.name.lower()
            and value.table.lower() == column.table.lower() and not value.text("db"))


def _check_assignment(table: str, column: str, value: exp.Expression | None, condition: exp.Expression,
                      show: Show) -> None:
    name = column.lower()
    if name not in condition_columns(condition):
        return
    pins = pinned_columns(condition) or {}
    if value is not None and name in pins and same_literal(value, pins[name]):
        return  # it stays what the scope pins it to
    raise PolicyViolationError(
        RULE, f"UPDATE of {table}.{column} is not allowed: the row scope {show(condition)!r} reads that column, "
              "so the row could leave the scope (set it to the scoped value or leave it out)")


# -- INSERT -----------------------------------------------------------------------------------


def check_insert(node: exp.Insert, table: str, condition: exp.Expression, fill: bool,
                 show: Show = show_default) -> None:
    """Refuse an INSERT whose new rows may not satisfy `condition`; with `fill`, add pinned columns."""
    if isinstance(node.expression, exp.Values):
        materialize(node.expression)  # every row's values are checked: folded rows are unfolded
    if not condition_columns(condition):
        return  # a condition on no column: every row satisfies it or none is visible; nothing to pin
    pins = pinned_columns(condition)
    if pins is None:
        raise PolicyViolationError(
            RULE, f"INSERT into {table} cannot be checked: its row scope {show(condition)!r} is not "
                  "`column = value` terms joined by AND")
    target = node.this
    if isinstance(target, exp.Schema):
        names = [i.name.lower() for i in target.expressions]
    elif node.args.get("default"):
        names = []
    else:
        raise PolicyViolationError(
            RULE, f"INSERT into {table} without a column list cannot be checked against the row scope; "
                  "name the columns")
    rows = [] if node.args.get("default") else _source_rows(node.expression, table)
    for name, literal in pins.items():
        if name not in names:
            continue
        index = names.index(name)
        for row in rows:
            if len(row.expressions) <= index or not same_literal(row.expressions[index], literal):
                shown = show(row.expressions[index]) if len(row.expressions) > index else "nothing"
                raise PolicyViolationError(
                    RULE, f"INSERT into {table} gives {name} the value {shown}, which the row scope "
                          f"{show(condition)!r} does not allow (only {show(literal)} can be checked)")
    missing = [name for name in pins if name not in names]
    if not missing:
        return
    if not fill:
        raise PolicyViolationError(
            RULE, f"INSERT into {table} leaves {', '.join(missing)} out, so the new row would get the "
                  f"column's default, outside the row scope {show(condition)!r}; give the scoped value "
                  "(or let scope_rows fill it in)")
    _fill(node, target, rows, [(_pinned_identifier(condition, name), pins[name]) for name in missing])


def _fill(node: exp.Insert, target: exp.Expression, rows: list[exp.Expression],
          added: list[tuple[exp.Identifier, exp.Expression]]) -> None:
    if not isinstance(target, exp.Schema):
        # DEFAULT VALUES: the filled columns are the only ones given.
        node.set("default", None)
        node.set("this", exp.Schema(this=target, expressions=[i.copy() for i, _ in added]))
        node.set("expression", exp.Values(expressions=[exp.Tuple(expressions=[v.copy() for _, v in added])]))
        return
    for identifier, _ in added:
        target.append("expressions", identifier.copy())
    for row in rows:
        for _, value in added:
            row.append("expressions", value.copy())


def _pinned_identifier(condition: exp.Expression, name: str) -> exp.Identifier:
    for column in condition.find_all(exp.Column):
        if column.name.lower() == name and isinstance(column.this, exp.Identifier):
            return column.this
    return exp.to_identifier(name)


def _source_rows(source: exp.Expression | None, table: str) -> list[exp.Expression]:
    """The nodes whose `expressions` are the new rows' values: VALUES tuples, each SELECT arm."""
    if isinstance(source, exp.Subquery):
        return _source_rows(source.this, table)
    if isinstance(source, exp.Values):
        rows = list(source.expressions)
        if all(isinstance(r, exp.Tuple) for r in rows):
            return rows
    elif isinstance(source, exp.SetOperation):
        return _source_rows(source.this, table) + _source_rows(source.expression, table)
    elif isinstance(source, exp.Select):
        if not any(isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))
                   for e in source.expressions):
            return [source]
    raise PolicyViolationError(
        RULE, f"the rows INSERT writes into {table} cannot be checked against the row scope "
              "(give them as VALUES or a SELECT list without *)")
