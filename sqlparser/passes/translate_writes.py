"""translate_writes: what a write does on a conflicting row, said the target engine's way.

The write forms are where the three engines differ most and where a near-miss is a different
table with success, so each form is translated only where its meaning is kept exactly, else
refused with UnsupportedConstructError naming the form and what would make it translatable:

Source form (IR) -> SQLite / PostgreSQL / MySQL:

- REPLACE (MySQL REPLACE, SQLite [OR] REPLACE) -> REPLACE / ON CONFLICT (key) DO UPDATE SET every
  column = excluded.col, with the table's only unique key and its columns from `schema` / REPLACE.
- MySQL INSERT IGNORE -> ON CONFLICT DO NOTHING (SQLite and PostgreSQL).
- SQLite INSERT OR IGNORE -> PostgreSQL ON CONFLICT DO NOTHING / MySQL ON DUPLICATE KEY UPDATE
  t.c = t.c (a no-op update: skips exactly the uniqueness conflicts).
- ON DUPLICATE KEY UPDATE -> SQLite ON CONFLICT DO UPDATE without a target (any unique key, as
  MySQL) / PostgreSQL ON CONFLICT (key) DO UPDATE, the only unique key from `schema`; VALUES(c),
  `new.c` and `new(x, y)`'s names become `excluded.c`.
- ON CONFLICT DO NOTHING / DO UPDATE (SQLite <-> PostgreSQL) stay; to MySQL: the no-op update, or
  ON DUPLICATE KEY UPDATE with VALUES(c) when `schema` says the target is the only unique key
  (DO UPDATE ... WHERE is refused).
- OR ABORT (INSERT / UPDATE): dropped (the default). OR FAIL / OR ROLLBACK, UPDATE OR IGNORE /
  REPLACE: refused outside SQLite.
- LOW_PRIORITY, DELAYED, HIGH_PRIORITY, QUICK: dropped outside MySQL (scheduling only).
  UPDATE IGNORE, DELETE IGNORE: refused outside MySQL.
- Not conflict handling but writes too: MySQL's multiple-table UPDATE / DELETE, and UPDATE ...
  FROM / DELETE ... USING going to MySQL, are refused (their rules differ); so are a SET list
  whose meaning depends on MySQL's left-to-right assignment, DEFAULT in VALUES for SQLite and a
  target alias for MySQL.

Why not the nearer-looking forms:
- INSERT IGNORE -> SQLite `INSERT OR IGNORE`: OR IGNORE also skips a row that breaks NOT NULL or
  CHECK, where MySQL stores the column's implicit default; `ON CONFLICT DO NOTHING` covers
  uniqueness only, so such a row fails loudly instead of vanishing.
- ON DUPLICATE KEY UPDATE assigns left to right, each assignment seeing the ones before it;
  ON CONFLICT DO UPDATE evaluates every SET against the old row. A later assignment reading an
  earlier-assigned column is refused (in both directions).
- PostgreSQL's ON CONFLICT covers one unique key; MySQL's forms react to a conflict on any of them:
  faithful only when the table has exactly one, which only the schema can say.
- REPLACE deletes the conflicting row and inserts a fresh one: columns the statement does not
  list get their defaults, so the PostgreSQL form sets every column (excluded holds the defaults).

`schema` maps a table name (case-insensitive) to {"unique": [[col, ...], ...], "columns": [col,
...]}: every PRIMARY KEY / UNIQUE key and, for REPLACE, every column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlglot import exp

from sqlparser.errors import InvalidArgumentError, UnsupportedConstructError
from sqlparser.ir import conflict_action, set_statement_modifiers, statement_modifiers

WriteSchema = Mapping[str, Mapping[str, Sequence[Any]]]
"""table -> {"unique": [[column, ...], ...], "columns": [column, ...]} (see the module doc)."""

SCHEDULING_MODIFIERS = frozenset({"LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "QUICK"})
"""MySQL modifiers that only change when or how a statement runs, never its effect."""

_NO_OP = "ON DUPLICATE KEY UPDATE c = c"


def check_write_schema(schema: object) -> WriteSchema:
    """Validate a caller's write schema (InvalidArgumentError saying what is wrong)."""
    if not isinstance(schema, Mapping):
        raise InvalidArgumentError(f"write schema must map table name to its keys, got {type(schema).__name__}")
    for table, spec in schema.items():
        if not isinstance(table, str) or not table or not isinstance(spec, Mapping):
            raise InvalidArgumentError(f"write schema entry {table!r} must be a table name mapped to "
                                       "{'unique': [[column, ...], ...], 'columns': [column, ...]}")
        unknown = set(spec) - {"unique", "columns"}
        if unknown:
            raise InvalidArgumentError(f"write schema of {table!r}: unknown keys {sorted(unknown)}; "
                                       "known: 'unique', 'columns'")
        for key in spec.get("unique") or ():
            if isinstance(key, str) or not isinstance(key, Sequence) or not key \
                    or not all(isinstance(c, str) and c for c in key):
                raise InvalidArgumentError(f"write schema of {table!r}: each unique key is a non-empty list of "
                                           f"column names, got {key!r}")
        columns = spec.get("columns") or ()
        if isinstance(columns, str) or not all(isinstance(c, str) and c for c in columns):
            raise InvalidArgumentError(f"write schema of {table!r}: 'columns' is a list of column names")
    return schema


def translate_writes(tree: exp.Expression, *, source: str, target: str,
                     schema: WriteSchema | None = None) -> exp.Expression:
    """Rewrite every write statement of `tree` (mutated) for `target`; see the module doc."""
    if source == target:
        return tree
    tables = {str(name).lower(): spec for name, spec in (schema or {}).items()}
    for node in list(tree.find_all(exp.Insert, exp.Update, exp.Delete)):
        _modifiers(node, target)
        if isinstance(node, exp.Insert):
            _insert(node, target, tables)
            continue
        if target != "mysql":
            _multi_table(node, target)
        else:
            _from_using_to_mysql(node)
        if isinstance(node, exp.Update) and (source == "mysql") != (target == "mysql"):
            # MySQL's single-table UPDATE assigns left to right too (its manual's example:
            # `SET col1 = col1 + 1, col2 = col1` gives col2 the new value); the others read the old row.
            names = _write_target_names(node)
            _check_sequential(list(node.expressions), "UPDATE", "MySQL assigns left to right, each SET seeing "
                              "the ones before it; SQLite and PostgreSQL read the old row", names)
    return tree


def _write_target_names(node: exp.Expression) -> set[str]:
    target = node.this
    if isinstance(target, exp.Table):
        return {target.name.lower(), target.alias_or_name.lower()}
    return set()


def _from_using_to_mysql(node: exp.Expression) -> None:
    # PostgreSQL's UPDATE ... FROM / DELETE ... USING and SQLite's UPDATE ... FROM: MySQL writes
    # them as multiple-table statements, with its own rules; refused, not guessed.
    if isinstance(node, exp.Update) and node.args.get("from_") is not None:
        raise UnsupportedConstructError("UPDATE ... FROM", "write it for MySQL as UPDATE t1 JOIN t2 ON ... SET ...")
    if isinstance(node, exp.Delete) and node.args.get("using"):
        raise UnsupportedConstructError("DELETE ... USING", "write it for MySQL as DELETE t1 FROM t1 JOIN t2 ON ...")


def _multi_table(node: exp.Expression, target: str) -> None:
    # MySQL's multiple-table UPDATE t1, t2 SET ... / DELETE t1 FROM t1 JOIN t2: the other engines
    # write it with FROM / USING and other rules for which rows change; refused, not guessed.
    target_table = node.this
    if isinstance(node, exp.Update) and isinstance(target_table, exp.Table) and target_table.args.get("joins"):
        raise UnsupportedConstructError("multiple-table UPDATE",
                                        f"write it for {target} as UPDATE ... FROM ... WHERE")
    if isinstance(node, exp.Delete) and node.args.get("using") and target == "sqlite":
        raise UnsupportedConstructError("DELETE ... USING",
                                        "SQLite has none; write DELETE ... WHERE ... IN (SELECT ...)")
    if isinstance(node, exp.Delete) and node.args.get("tables"):
        raise UnsupportedConstructError("multiple-table DELETE", f"write it for {target} as DELETE ... "
                                        f"{'USING' if target == 'postgres' else 'WHERE id IN (SELECT ...)'}")


# -- statement modifiers and UPDATE OR ... ----------------------------------------------------------


def _modifiers(node: exp.Expression, target: str) -> None:
    words = statement_modifiers(node)
    if not words:
        return
    if words[0] == "OR":
        action = words[1] if len(words) > 1 else ""
        if action != "ABORT":
            raise UnsupportedConstructError(
                f"UPDATE OR {action}", f"{target} has no per-statement conflict action for UPDATE; "
                "write a plain UPDATE (OR ABORT, the default, translates)")
        set_statement_modifiers(node, ())
        return
    if target == "mysql":
        return
    kind = type(node).__name__.upper()
    if "IGNORE" in words and not isinstance(node, exp.Insert):
        raise UnsupportedConstructError(
            f"{kind} IGNORE", f"MySQL skips the rows that fail and stores implicit defaults; {target} has "
            "no such mode; write the statement so that no row fails")
    unknown = [w for w in words if w not in SCHEDULING_MODIFIERS and w != "IGNORE"]
    if unknown:
        raise UnsupportedConstructError(f"{kind} {' '.join(unknown)}", f"no translation to {target} is known")
    # Scheduling hints only: the statement's effect is the same without them.
    set_statement_modifiers(node, ())


# -- INSERT ---------------------------------------------------------------------------------------


def _insert(node: exp.Insert, target: str, tables: Mapping[str, Mapping[str, Sequence[Any]]]) -> None:
    action = conflict_action(node)
    conflict = node.args.get("conflict")
    if action is not None and conflict is not None:
        raise UnsupportedConstructError(
            f"INSERT {action} with ON {'DUPLICATE KEY' if conflict.args.get('duplicate') else 'CONFLICT'}",
            f"the two conflict clauses together have no faithful form on {target}")
    if target == "mysql" and _target_table(node).alias:
        raise UnsupportedConstructError("INSERT INTO ... AS alias", "MySQL's INSERT has no target alias")
    if target == "sqlite" and isinstance(node.expression, exp.Values) and any(
            isinstance(v, exp.Var) and v.name.upper() == "DEFAULT" for v in node.expression.find_all(exp.Var)):
        raise UnsupportedConstructError("DEFAULT in VALUES", "SQLite has no DEFAULT there; leave the column out")
    if action in ("FAIL", "ROLLBACK"):
        raise UnsupportedConstructError(
            f"INSERT OR {action}", f"{target} has no per-statement {action} mode (it would keep or undo other "
            "rows differently); write a plain INSERT")
    if action == "ABORT":
        node.set("alternative", None)
    elif action == "REPLACE":
        _replace(node, target, tables)
    elif action == "IGNORE":
        _ignore(node, target)
    if conflict is not None:
        if conflict.args.get("duplicate"):
            _on_duplicate_key(node, conflict, target, tables)
        elif target == "mysql":
            _on_conflict_to_mysql(node, conflict, tables)
        else:
            _on_conflict(node, conflict, target)


def _replace(node: exp.Insert, target: str, tables: Mapping[str, Mapping[str, Sequence[Any]]]) -> None:
    node.set("ignore", None)
    if target != "postgres":
        node.set("alternative", "REPLACE")  # MySQL's REPLACE and SQLite's mean the same
        return
    table = _target_table(node)
    key = _only_unique_key(table, tables, "REPLACE")
    columns = list((tables.get(table.name.lower()) or {}).get("columns") or ())
    if not columns:
        raise UnsupportedConstructError(
            "REPLACE", f"PostgreSQL needs every column of {table.name!r} (REPLACE gives the columns the statement "
            "does not list their defaults); give them in the schema's 'columns'")
    listed = {c.lower() for c in _insert_columns(node) or columns}
    missing = [c for c in key if c.lower() not in listed]
    if missing:
        raise UnsupportedConstructError("REPLACE", f"the statement does not give the key column(s) {missing}")
    node.set("alternative", None)
    lower_key = {c.lower() for c in key}
    sets: list[exp.Expression] = [exp.EQ(this=exp.column(c), expression=exp.column(c, table="excluded"))
                                  for c in columns if c.lower() not in lower_key]
    _set_conflict(node, key, sets, "postgres")


def _ignore(node: exp.Insert, target: str) -> None:
    node.set("alternative", None)
    node.set("ignore", None)
    if target == "mysql":
        # SQLite's OR IGNORE skips a row breaking any constraint; MySQL's IGNORE also rewrites
        # bad values. A no-op update on a duplicate key skips exactly the uniqueness conflicts.
        _set_mysql_no_op(node, "INSERT OR IGNORE")
        return
    _set_conflict(node, [], [], target)


def _on_duplicate_key(node: exp.Insert, conflict: exp.OnConflict, target: str,
                      tables: Mapping[str, Mapping[str, Sequence[Any]]]) -> None:
    if target == "mysql":
        return
    sets = [item.copy() for item in conflict.expressions]
    row_alias = _row_alias(node)
    for item in sets:
        _proposed_row_to_excluded(item, row_alias, _insert_columns(node))
    _check_sequential(sets, "ON DUPLICATE KEY UPDATE",
                      "MySQL assigns left to right, each SET seeing the ones before it; ON CONFLICT sees the old row",
                      {_target_table(node).name.lower()})
    # In ON CONFLICT DO UPDATE both the old row and `excluded` are in scope: PostgreSQL calls a bare
    # name ambiguous. MySQL's bare names are the old row's: qualify them with the target.
    table = _target_table(node)
    for item in sets:
        for column in list(item.expression.find_all(exp.Column)):
            if not column.table and column.find_ancestor(exp.Subquery) is None:
                column.set("table", exp.to_identifier(table.alias_or_name))
    key: list[str] = []
    if target == "postgres":
        key = _only_unique_key(_target_table(node), tables, "ON DUPLICATE KEY UPDATE")
    if row_alias is not None:
        node.expression.set("alias", None)
    _set_conflict(node, key, sets, target)


def _on_conflict(node: exp.Insert, conflict: exp.OnConflict, target: str) -> None:
    # SQLite and PostgreSQL share ON CONFLICT; only SQLite lacks ON CONSTRAINT. A conflict target
    # is a column list (the front ends read it as ordering terms; neither engine takes NULLS there).
    if _conflict_key_names(conflict):
        conflict.set("conflict_keys", [(k.this if isinstance(k, exp.Ordered) else k).copy()
                                       for k in conflict.args["conflict_keys"]])
    if target == "sqlite":
        if conflict.args.get("constraint") is not None:
            raise UnsupportedConstructError("ON CONFLICT ON CONSTRAINT",
                                            "SQLite names the conflicting columns; write ON CONFLICT (col, ...)")
        _sqlite_upsert_source(node)


def _on_conflict_to_mysql(node: exp.Insert, conflict: exp.OnConflict,
                          tables: Mapping[str, Mapping[str, Sequence[Any]]]) -> None:
    action = str(conflict.args.get("action") or "").upper()
    keys = _conflict_key_names(conflict)
    if conflict.args.get("constraint") is not None:
        raise UnsupportedConstructError("ON CONFLICT ON CONSTRAINT", "MySQL reacts to a conflict on any unique key")
    if keys:
        # MySQL reacts to a conflict on any unique key: the same only if this is the only one.
        only = _only_unique_key(_target_table(node), tables, "ON CONFLICT (...)")
        if sorted(c.lower() for c in only) != sorted(k.lower() for k in keys):
            raise UnsupportedConstructError("ON CONFLICT (...)", f"the conflict target {keys} is not the table's "
                                            f"only unique key {list(only)}")
    if "NOTHING" in action:
        node.set("conflict", None)
        _set_mysql_no_op(node, "ON CONFLICT DO NOTHING")
        return
    if conflict.args.get("where") is not None:
        raise UnsupportedConstructError("ON CONFLICT DO UPDATE ... WHERE",
                                        "MySQL's ON DUPLICATE KEY UPDATE has no WHERE")
    if not keys:
        raise UnsupportedConstructError("ON CONFLICT DO UPDATE without a conflict target")
    table = _target_table(node)
    sets = [item.copy() for item in conflict.expressions]
    _check_sequential(sets, "ON CONFLICT DO UPDATE",
                      "ON CONFLICT sees the old row in every SET; MySQL assigns left to right",
                      {table.name.lower()})
    for item in sets:
        for column in list(item.find_all(exp.Column)):
            if column.table.lower() == "excluded":
                call = exp.Anonymous(this="VALUES", expressions=[column.this.copy()])
                column.replace(call)
            elif column.table.lower() == table.name.lower():
                column.set("table", None)
    node.set("conflict", exp.OnConflict(duplicate=True, expressions=sets, action=exp.var("UPDATE")))


# -- helpers --------------------------------------------------------------------------------------


def _target_table(node: exp.Insert) -> exp.Table:
    target = node.this
    table = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table, exp.Table):
        raise UnsupportedConstructError(f"INSERT target {type(table).__name__.upper()}")
    return table


def _insert_columns(node: exp.Insert) -> list[str] | None:
    target = node.this
    if isinstance(target, exp.Schema):
        return [c.name for c in target.expressions]
    return None


def _only_unique_key(table: exp.Table, tables: Mapping[str, Mapping[str, Sequence[Any]]], form: str) -> list[str]:
    spec = tables.get(table.name.lower())
    keys = [list(k) for k in (spec or {}).get("unique") or ()]
    if not keys:
        raise UnsupportedConstructError(
            form, f"the translation depends on which unique keys {table.name!r} has (PostgreSQL's ON CONFLICT names "
            "one, MySQL reacts to any): give them, as in write_schema={'" + table.name + "': {'unique': [['id']]}}")
    if len(keys) > 1:
        raise UnsupportedConstructError(
            form, f"{table.name!r} has {len(keys)} unique keys; the source reacts to a conflict on any of them, "
            "ON CONFLICT to one only")
    return keys[0]


def _conflict_key_names(conflict: exp.OnConflict) -> list[str]:
    names = []
    for key in conflict.args.get("conflict_keys") or []:
        inner = key.this if isinstance(key, exp.Ordered) else key
        if isinstance(key, exp.Ordered) and key.args.get("desc"):
            raise UnsupportedConstructError("ON CONFLICT (... DESC)", "only plain column lists translate")
        if not isinstance(inner, (exp.Column, exp.Identifier)):
            raise UnsupportedConstructError("ON CONFLICT on an expression", "only plain column lists translate")
        names.append(inner.name)
    return names


def _set_conflict(node: exp.Insert, key: Sequence[str], sets: list[exp.Expression], target: str) -> None:
    conflict = exp.OnConflict(action=exp.var("DO UPDATE" if sets else "DO NOTHING"))
    if key:
        conflict.set("conflict_keys", [exp.column(c) for c in key])
    if sets:
        conflict.set("expressions", sets)
    node.set("conflict", conflict)
    if target == "sqlite":
        _sqlite_upsert_source(node)


def _set_mysql_no_op(node: exp.Insert, form: str) -> None:
    columns = _insert_columns(node)
    if not columns:
        raise UnsupportedConstructError(form, "MySQL's form (ON DUPLICATE KEY UPDATE c = c) needs the column list "
                                        "of the INSERT")
    table = _target_table(node)
    source = node.expression
    if isinstance(source, exp.Query) and any(
            t.name.lower() == table.name.lower() and not t.alias for t in source.find_all(exp.Table)):
        raise UnsupportedConstructError(form, f"the SELECT reads {table.name!r} without an alias: MySQL's no-op "
                                        "update (ON DUPLICATE KEY UPDATE t.c = t.c) would be ambiguous; alias it")
    # Qualified: a column of the SELECT's tables with the same name would make it ambiguous.
    first = exp.column(columns[0], table=table.name)
    node.set("conflict", exp.OnConflict(duplicate=True, expressions=[exp.EQ(this=first, expression=first.copy())],
                                        action=exp.var("UPDATE")))


def _sqlite_upsert_source(node: exp.Insert) -> None:
    """SQLite reads `INSERT ... SELECT ... FROM t ON CONFLICT` as a join's ON: its documented fix is
    a WHERE clause in the SELECT (`WHERE true` when it has none)."""
    source = node.expression
    if isinstance(source, exp.Select):
        if source.args.get("where") is None:
            source.set("where", exp.Where(this=exp.true()))
    elif isinstance(source, exp.Query):
        wrapped = exp.select("*").from_(source.subquery("cozelite_rows")).where(exp.true())
        node.set("expression", wrapped)


def _row_alias(node: exp.Insert) -> exp.TableAlias | None:
    source = node.expression
    alias = source.args.get("alias") if isinstance(source, exp.Values) else None
    return alias if isinstance(alias, exp.TableAlias) and alias.name else None


def _proposed_row_to_excluded(item: exp.Expression, row_alias: exp.TableAlias | None,
                              columns: list[str] | None) -> None:
    """VALUES(c), `new.c` and `new(x, y)`'s x: the row the INSERT proposed, `excluded.c`."""
    for call in list(item.find_all(exp.Anonymous)):
        if call.name.upper() == "VALUES":
            arg = call.expressions[0] if len(call.expressions) == 1 else None
            if not isinstance(arg, (exp.Identifier, exp.Column)):
                raise UnsupportedConstructError("VALUES() of an expression in ON DUPLICATE KEY UPDATE")
            ident = arg if isinstance(arg, exp.Identifier) else arg.this
            call.replace(exp.Column(this=ident.copy(), table=exp.to_identifier("excluded")))
    if row_alias is None:
        return
    alias = row_alias.name.lower()
    listed = [c.name.lower() for c in row_alias.columns] if row_alias.columns else None
    for column in list(item.find_all(exp.Column)):
        if column.table and column.table.lower() == alias:
            name = column.name
        elif not column.table and listed and column.name.lower() in listed:
            name = column.name
        else:
            continue
        if listed:
            if name.lower() not in listed:
                raise UnsupportedConstructError(f"{alias}.{name}", "not a column of the row alias")
            if columns is None or len(columns) != len(listed):
                raise UnsupportedConstructError(f"VALUES ... AS {alias}(...)", "needs the INSERT's column list")
            name = columns[listed.index(name.lower())]
        column.replace(exp.column(name, table="excluded"))


def _check_sequential(sets: list[exp.Expression], form: str, why: str, targets: set[str] | None = None) -> None:
    """Refuse a SET list whose meaning depends on left-to-right assignment: a value reading a column
    (bare, or qualified by one of `targets`) that an earlier item assigns."""
    assigned: set[str] = set()
    for item in sets:
        if not isinstance(item, exp.EQ) or not isinstance(item.this, exp.Column):
            raise UnsupportedConstructError(f"{type(item).__name__} in {form}", "only `column = value` translates")
        value = item.expression
        for column in value.find_all(exp.Column):
            qualifier = column.table.lower()
            if qualifier == "excluded" or column.find_ancestor(exp.Subquery) is not None:
                continue
            if qualifier and targets is not None and qualifier not in targets:
                continue
            if column.name.lower() in assigned:
                raise UnsupportedConstructError(
                    f"{form} reading {column.name!r} after assigning it", f"{why}; write the value in terms "
                    "of the old row")
        assigned.add(item.this.name.lower())
