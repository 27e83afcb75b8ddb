"""The statements the db provider runs, built as IR trees (sqlglot expressions) and printed by the
compiler for the engine's dialect, so no name or value is ever spliced into SQL text.

Every name is a quoted identifier; every value is a placeholder. The DML text depends only on the
statement's shape (table, columns, condition shape), so `Statements` caches it per shape.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlglot
from sqlglot import exp

from providers.db.entity import Column, DataType, Index, IndexType, LogicalOperator, Operator, SortDirection
from providers.db.validation import Shape, invalid, varchar_length

Render = Callable[[exp.Expression], str]

_COMPARISONS: dict[Operator, type[exp.Expression]] = {
    Operator.EQUAL: exp.EQ, Operator.NOT_EQUAL: exp.NEQ, Operator.GREATER: exp.GT,
    Operator.GREATER_EQUAL: exp.GTE, Operator.LESS: exp.LT, Operator.LESS_EQUAL: exp.LTE,
}


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def column(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table is not None else None)


def table(name: str) -> exp.Table:
    return exp.Table(this=ident(name))


# -- conditions ------------------------------------------------------------------------------------

def condition(shape: Shape) -> exp.Expression:
    """The tree of a condition shape (see validation.where), one placeholder per value."""
    op, parts = shape
    trees: list[exp.Expression] = []
    for part in parts:
        if part[0] == "n":
            trees.append(exp.Paren(this=condition(part[1])))
            continue
        _, field, operator, n = part
        col = column(field)
        tree: exp.Expression
        if operator in (Operator.IN, Operator.NOT_IN) and n == 0:
            # An empty list: IN matches nothing, NOT IN everything (SQL's meaning; Go's
            # `NOT IN (NULL)` would match nothing). Printed as constants, valid on every engine.
            tree = exp.EQ(this=exp.Literal.number(1),
                          expression=exp.Literal.number(0 if operator is Operator.IN else 1))
        elif operator in (Operator.IN, Operator.NOT_IN):
            tree = exp.In(this=col, expressions=[exp.Placeholder() for _ in range(n)])
            if operator is Operator.NOT_IN:
                tree = exp.Not(this=tree)
        elif operator is Operator.IS_NULL:
            tree = exp.Is(this=col, expression=exp.Null())
        elif operator is Operator.IS_NOT_NULL:
            tree = exp.Not(this=exp.Is(this=col, expression=exp.Null()))
        elif operator is Operator.LIKE:
            tree = exp.Like(this=col, expression=exp.Placeholder())
        elif operator is Operator.NOT_LIKE:
            tree = exp.Not(this=exp.Like(this=col, expression=exp.Placeholder()))
        else:
            tree = _COMPARISONS[operator](this=col, expression=exp.Placeholder())
        trees.append(tree)
    joined = trees[0]
    for t in trees[1:]:
        joined = (exp.And if op is LogicalOperator.AND else exp.Or)(this=joined, expression=t)
    return joined


# -- data statements -------------------------------------------------------------------------------

def _values_row(n: int) -> exp.Values:
    return exp.Values(expressions=[exp.Tuple(expressions=[exp.Placeholder() for _ in range(n)])])


def insert(name: str, fields: Sequence[str]) -> exp.Insert:
    return exp.Insert(this=exp.Schema(this=table(name), expressions=[ident(f) for f in fields]),
                      expression=_values_row(len(fields)))


def upsert_on_duplicate_key(name: str, fields: Sequence[str], keys: Sequence[str]) -> exp.Insert:
    """MySQL's INSERT ... ON DUPLICATE KEY UPDATE the other columns. MySQL cannot name the key: any
    unique key that clashes turns the insert into an update. A row whose values are already equal
    counts 0 affected rows, one that changes counts 2, an insert 1."""
    others = [f for f in fields if f not in keys] or list(keys[:1])
    tree = insert(name, fields)
    tree.set("conflict", exp.OnConflict(
        duplicate=True, action=exp.var("UPDATE"),
        expressions=[exp.EQ(this=column(f), expression=exp.Anonymous(this="VALUES", expressions=[ident(f)]))
                     for f in others]))
    return tree


def upsert(name: str, fields: Sequence[str], keys: Sequence[str]) -> exp.Insert:
    """INSERT ... ON CONFLICT (keys) DO UPDATE the other columns, only where a value changes."""
    others = [f for f in fields if f not in keys]
    # Plain columns: PostgreSQL refuses NULLS FIRST/LAST (what an Ordered key prints) in ON CONFLICT.
    conflict_keys: list[exp.Expression] = [column(k) for k in keys]
    if others:
        # The target's columns are qualified: PostgreSQL finds a bare name ambiguous with `excluded`.
        changed: exp.Expression = exp.NullSafeNEQ(this=column(others[0], name),
                                                  expression=column(others[0], "excluded"))
        for f in others[1:]:
            changed = exp.Or(this=changed, expression=exp.NullSafeNEQ(this=column(f, name),
                                                                      expression=column(f, "excluded")))
        # The WHERE keeps rows whose values are already equal out of the change count (MySQL's
        # ON DUPLICATE KEY UPDATE reports those as unchanged).
        conflict = exp.OnConflict(
            conflict_keys=conflict_keys, action=exp.var("DO UPDATE"),
            expressions=[exp.EQ(this=column(f), expression=column(f, "excluded")) for f in others],
            where=exp.Where(this=changed))
    else:
        conflict = exp.OnConflict(conflict_keys=conflict_keys, nothing=True)
    tree = insert(name, fields)
    tree.set("conflict", conflict)
    return tree


def select(name: str, fields: Sequence[str], shape: Shape | None,
           orders: Sequence[tuple[str, SortDirection]], paged: bool) -> exp.Select:
    """SELECT; `paged` adds LIMIT ? OFFSET ? (the engine picks the values meaning "no limit")."""
    projection: list[exp.Expression] = [column(c) for c in fields] or [exp.Star()]
    tree = exp.select(*projection).from_(table(name))
    if shape is not None:
        tree = tree.where(condition(shape))
    if orders:
        # nulls_first on ASC is SQLite's and MySQL's default, so no NULLS FIRST/LAST is printed there.
        tree = tree.order_by(*[exp.Ordered(this=column(f), desc=d is SortDirection.DESC,
                                           nulls_first=d is SortDirection.ASC) for f, d in orders])
    if paged:
        tree = tree.limit(exp.Placeholder()).offset(exp.Placeholder())
    return tree


def count(name: str, shape: Shape | None) -> exp.Select:
    tree = exp.select(exp.Count(this=exp.Star())).from_(table(name))
    return tree.where(condition(shape)) if shape is not None else tree


def _scoped_where(name: str, shape: Shape | None, limited: bool, row_id: str | None) -> exp.Where | None:
    cond = condition(shape) if shape is not None else None
    if limited and row_id is not None:
        # UPDATE/DELETE ... LIMIT is not portable (a compile-time option of SQLite, absent from
        # PostgreSQL): the rows are picked by their row id in a subquery, LIMIT ? there.
        sub = exp.select(column(row_id)).from_(table(name))
        if cond is not None:
            sub = sub.where(cond)
        cond = exp.In(this=column(row_id), query=exp.Subquery(this=sub.limit(exp.Placeholder())))
    return exp.Where(this=cond) if cond is not None else None


def update(name: str, fields: Sequence[str], shape: Shape | None, limited: bool, *, row_id: str | None) -> exp.Update:
    """UPDATE; with `limited`, LIMIT ? picks the rows: by row id in a subquery, or (`row_id` None:
    MySQL, whose UPDATE has its own LIMIT and refuses a subquery on the table it changes) natively."""
    tree = exp.Update(this=table(name), expressions=[exp.EQ(this=column(f), expression=exp.Placeholder())
                                                     for f in fields],
                      where=_scoped_where(name, shape, limited, row_id))
    if limited and row_id is None:
        tree.set("limit", exp.Limit(expression=exp.Placeholder()))
    return tree


def delete(name: str, shape: Shape | None, limited: bool, *, row_id: str | None) -> exp.Delete:
    tree = exp.Delete(this=table(name), where=_scoped_where(name, shape, limited, row_id))
    if limited and row_id is None:
        tree.set("limit", exp.Limit(expression=exp.Placeholder()))
    return tree


def _with_escape(node: exp.Expression, escape: str) -> exp.Expression:
    if isinstance(node, exp.Like) and not isinstance(node.parent, exp.Escape):
        return exp.Escape(this=node.copy(), expression=exp.Literal.string(escape))
    return node


class Statements:
    """SQL text of the data statements, cached per shape; values are always parameters.

    `row_id` names the engine's row identifier column used by UPDATE/DELETE with a limit (None: the
    engine has UPDATE/DELETE ... LIMIT, MySQL). `upsert_style` is "on_conflict" (SQLite, PostgreSQL)
    or "on_duplicate_key" (MySQL)."""

    _MAX_ENTRIES = 4096

    def __init__(self, render: Render, *, row_id: str | None, upsert_style: str = "on_conflict",
                 like_escape: str | None = None) -> None:
        self._render = render
        # MySQL and PostgreSQL read a backslash in a LIKE pattern as an escape; SQLite (and the
        # contract) does not. `like_escape` is printed as LIKE ... ESCAPE '<it>': PostgreSQL takes ''
        # for "none"; MariaDB does not, and gets NUL, a character no text pattern holds.
        self._like_escape = like_escape
        self._row_id = row_id
        self._upsert = upsert_on_duplicate_key if upsert_style == "on_duplicate_key" else upsert
        self._cache: dict[tuple[Any, ...], str] = {}

    def _text(self, key: tuple[Any, ...], build: Callable[[], exp.Expression]) -> str:
        sql = self._cache.get(key)
        if sql is None:
            if len(self._cache) > self._MAX_ENTRIES:
                self._cache.clear()
            tree = build()
            if self._like_escape is not None:
                escape = self._like_escape
                tree = tree.transform(lambda n: _with_escape(n, escape))
            sql = self._cache[key] = self._render(tree)
        return sql

    def insert(self, name: str, fields: tuple[str, ...]) -> str:
        return self._text(("insert", name, fields), lambda: insert(name, fields))

    def upsert(self, name: str, fields: tuple[str, ...], keys: tuple[str, ...]) -> str:
        return self._text(("upsert", name, fields, keys), lambda: self._upsert(name, fields, keys))

    def select(self, name: str, fields: tuple[str, ...], shape: Shape | None,
               orders: tuple[tuple[str, SortDirection], ...], paged: bool) -> str:
        return self._text(("select", name, fields, shape, orders, paged),
                          lambda: select(name, fields, shape, orders, paged))

    def count(self, name: str, shape: Shape | None) -> str:
        return self._text(("count", name, shape), lambda: count(name, shape))

    def update(self, name: str, fields: tuple[str, ...], shape: Shape | None, limited: bool) -> str:
        return self._text(("update", name, fields, shape, limited),
                          lambda: update(name, fields, shape, limited, row_id=self._row_id))

    def delete(self, name: str, shape: Shape | None, limited: bool) -> str:
        return self._text(("delete", name, shape, limited),
                          lambda: delete(name, shape, limited, row_id=self._row_id))


# -- schema statements -----------------------------------------------------------------------------

def default_literal(col: Column) -> exp.Expression:
    """A column's DEFAULT as a literal of its type (checked: "abc" is no INT default)."""
    raw = col.default_value
    assert raw is not None
    if not isinstance(raw, str):
        raise invalid(f"default value of column {col.name!r} must be a string, got {raw!r}")
    kind = col.data_type
    if kind is DataType.TIMESTAMP and raw.strip().upper() in ("CURRENT_TIMESTAMP", "NOW()", "CURRENT_TIMESTAMP()"):
        return exp.CurrentTimestamp()
    try:
        if kind in (DataType.INT, DataType.BIGINT):
            return exp.Literal.number(int(raw))
        if kind is DataType.BOOLEAN:
            flag = {"0": 0, "1": 1, "false": 0, "true": 1}[raw.strip().lower()]
            return exp.Literal.number(flag)
        if kind in (DataType.FLOAT, DataType.DOUBLE):
            return exp.Literal.number(repr(float(raw)))
        if kind is DataType.JSON:
            json.loads(raw)
    except (ValueError, KeyError) as err:
        raise invalid(f"default value {raw!r} of column {col.name!r} is not a valid {kind.value}") from err
    return exp.Literal.string(raw)


def type_label(col: Column) -> str:
    """The logical type as declared: INT, VARCHAR(40), ..."""
    return col.data_type.value + (f"({varchar_length(col)})" if col.data_type is DataType.VARCHAR else "")


def column_def(col: Column, physical_type: str | exp.DataType, *, check: exp.Expression | None = None,
               not_null: bool = False, primary_key_autoincrement: bool = False,
               check_named: bool = True) -> exp.ColumnDef:
    """A column definition. `check` (a condition on the column) becomes a CHECK named after the column
    and its logical type, so a violation reports both (`check_named=False`: unnamed, for engines
    without named column-level constraints, MariaDB)."""
    constraints: list[exp.Expression] = []
    if primary_key_autoincrement:
        constraints += [exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint()),
                        exp.ColumnConstraint(kind=exp.AutoIncrementColumnConstraint())]
    if col.not_null or not_null:
        constraints.append(exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
    if col.default_value is not None:
        constraints.append(exp.ColumnConstraint(kind=exp.DefaultColumnConstraint(this=default_literal(col))))
    if check is not None:
        constraints.append(exp.ColumnConstraint(this=ident(f"{col.name} {type_label(col)}") if check_named else None,
                                                kind=exp.CheckColumnConstraint(this=check)))
    kind = physical_type if isinstance(physical_type, exp.DataType) else exp.DataType.build(physical_type)
    return exp.ColumnDef(this=ident(col.name), kind=kind, constraints=constraints)


def create_table(name: str, defs: Sequence[exp.Expression], primary_key: Sequence[str], *,
                 if_not_exists: bool) -> exp.Create:
    body = list(defs)
    if primary_key:
        body.append(exp.PrimaryKey(expressions=[ident(c) for c in primary_key]))
    return exp.Create(this=exp.Schema(this=table(name), expressions=body), kind="TABLE", exists=if_not_exists)


def create_index(physical_name: str, on_table: str, idx: Index) -> exp.Create:
    columns = [exp.Ordered(this=column(c), nulls_first=True) for c in idx.columns]
    return exp.Create(this=exp.Index(this=ident(physical_name), table=table(on_table),
                                     params=exp.IndexParameters(columns=columns)),
                      kind="INDEX", unique=idx.type is IndexType.UNIQUE_KEY)


def drop_table(name: str, *, if_exists: bool = False) -> exp.Drop:
    return exp.Drop(tables=[table(name)], kind="TABLE", exists=if_exists)


def add_column(name: str, definition: exp.ColumnDef) -> exp.Alter:
    return exp.Alter(this=table(name), kind="TABLE", actions=[definition])


def rename_column(name: str, old: str, new: str) -> exp.Alter:
    return exp.Alter(this=table(name), kind="TABLE", actions=[exp.RenameColumn(this=column(old), to=column(new))])


def rename_table(old: str, new: str) -> exp.Alter:
    return exp.Alter(this=table(old), kind="TABLE", actions=[exp.AlterRename(this=table(new))])


def copy_rows(target: str, source: str, pairs: Sequence[tuple[str, str]]) -> exp.Insert:
    """INSERT INTO target (new, ...) SELECT old, ... FROM source, for (new, old) column pairs."""
    return exp.Insert(this=exp.Schema(this=table(target), expressions=[ident(n) for n, _ in pairs]),
                      expression=exp.select(*[column(o) for _, o in pairs]).from_(table(source)))


# -- templates -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=256)
def _parsed_template(text: str, dialect: str) -> exp.Expression:
    tree = sqlglot.parse_one(text, read=dialect)
    assert isinstance(tree, exp.Expression)
    return tree


def from_template(text: str, dialect: str, nodes: Mapping[str, exp.Expression | str]) -> exp.Expression:
    """An engine-specific statement shape, written once as constant SQL text with `__slot__` names, as
    an IR tree: each identifier `__slot__` is replaced by `nodes[slot]` (a str: a quoted identifier;
    else the node). No value or user name is ever part of the text that is parsed."""
    tree = _parsed_template(text, dialect).copy()

    def fill(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Identifier) and node.name.startswith("__") and node.name.endswith("__"):
            slot = nodes[node.name[2:-2]]
            return ident(slot) if isinstance(slot, str) else slot.copy()
        return node

    return tree.transform(fill)


def condition_template(text: str, dialect: str, column_name: str) -> exp.Expression:
    """A condition written once as constant text over the column `__c__`, on the column `column_name`."""
    tree = from_template(f"SELECT {text}", dialect, {"c": column_name})
    assert isinstance(tree, exp.Select)
    cond = tree.selects[0]
    assert isinstance(cond, exp.Expression)
    return cond
