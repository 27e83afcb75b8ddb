"""rename_tables: logical -> physical table and column names (Go ParseAndModifySQL), scope-aware.

Every column reference of a query or DML statement is resolved to its source first
(sqlparser/passes/scopes.py), then renamed to the name that source has after the mapping:

- a base table's column: its `column_map` entry (a table's map lists its columns; a name the map
  does not list keeps its name);
- a derived table's or CTE's column: the name its renamed select list exposes. `SELECT d.name FROM
  (SELECT name FROM users) d` becomes `SELECT d.c_name FROM (SELECT c_name FROM t_users) d`.

Why outer references follow the inner query rather than aliasing the inner column back to its
logical name (`c_name AS name`): a star (`SELECT * FROM users` inside a derived table) exposes the
physical names whatever we do, since the unmapped columns are not known and the star cannot be
expanded; `JOIN ... USING (c)` and `NATURAL JOIN` between a renamed base table and a derived table
need the same name on both sides; and the top-level statement already returns physical names (the
Go contract's output). One rule, following what each source exposes, covers all three dialects and
adds nothing to the statement. Names a query gives itself (aliases, CTE and derived column lists)
never change.

A reference that cannot be attributed (an unqualified name two mapped sources list, a USING column
mapped differently on each side, a name that could be an unknown table's or an outer query's
renamed column) raises `AmbiguousColumnError`. Statements without query scopes (DDL) keep the
name-based rename.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlglot import exp

from sqlparser.errors import InvalidArgumentError
from sqlparser.name_walk import Names, walk_names
from sqlparser.passes.scopes import Resolution, TableInfo, resolve
from sqlparser.types import TableColumn


def check_table_columns(table_columns: Mapping[str, TableColumn]) -> None:
    """Validate a mapping the way the Go contract does, with messages that say what to fix."""
    if type(table_columns) is not dict and not isinstance(table_columns, Mapping):
        raise InvalidArgumentError(f"table_columns must be a mapping of table name to TableColumn, "
                                   f"got {type(table_columns).__name__}")
    for table, spec in table_columns.items():
        if not isinstance(table, str) or not table:
            raise InvalidArgumentError("original TableName must be non-empty")
        if not isinstance(spec, TableColumn):
            raise InvalidArgumentError(f"table_columns[{table!r}] must be a TableColumn, got {type(spec).__name__}")
        if spec.new_table_name is not None and not isinstance(spec.new_table_name, str):
            raise InvalidArgumentError(f"table_columns[{table!r}].new_table_name must be a str or None")
        for old, new in (spec.column_map or {}).items():
            if not isinstance(old, str) or not isinstance(new, str):
                raise InvalidArgumentError(f"table_columns[{table!r}].column_map must map str to str")
            if (old == "") != (new == ""):
                raise InvalidArgumentError(
                    f"ColumnMap key and value must be either both empty or both non-empty "
                    f"(table {table!r}: {old!r} -> {new!r})")


def table_aliases(tree: exp.Expression) -> dict[str, str]:
    """alias (lower-case) -> table name (lower-case), for every aliased table reference."""
    return _aliases_of(tree.find_all(exp.Table))


def _aliases_of(tables: Iterable[exp.Table]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for table in tables:
        alias = table.alias
        if alias and table.name:
            aliases[alias.lower()] = table.name.lower()
    return aliases


def rename_tables(tree: exp.Expression, table_columns: Mapping[str, TableColumn]) -> exp.Expression:
    """Rename the mapped tables and columns of `tree` in place (see the module docstring); returns it."""
    return rename_tables_reporting(tree, table_columns)[0]


def rename_tables_reporting(tree: exp.Expression, table_columns: Mapping[str, TableColumn],
                            names: Names | None = None) -> tuple[exp.Expression, bool]:
    """`rename_tables`, and whether it may have changed the tree: False only when the pass skipped
    the statement (`_untouched`: nothing mapped is named), so the tree is exactly as it came in.
    `names`: `walk_names(tree)` when the caller has it (the front end's walk of this very tree,
    unchanged since), so the pass does not walk the tree again."""
    tables = {name.lower(): spec for name, spec in table_columns.items()}
    new_names = {name: spec.new_table_name for name, spec in tables.items() if spec.new_table_name}
    column_maps = {name: {k.lower(): v for k, v in (spec.column_map or {}).items() if k}
                   for name, spec in tables.items()}
    if not isinstance(tree, (exp.Query, exp.Values, exp.Insert, exp.Update, exp.Delete)):
        aliases = table_aliases(tree)
        _check_aliases(aliases, tables)
        return _rename_by_name(tree, new_names, column_maps, aliases), True
    # One walk serves the alias check, the rename and its name-based fallback (the resolver
    # changes nothing, so what the walk found before resolving is what there is to rename after).
    table_nodes, column_nodes, identifier_nodes, scoped, _ = names if names is not None else walk_names(tree)
    aliases = _aliases_of(table_nodes)
    _check_aliases(aliases, tables)
    if not scoped and _untouched(tree, tables, column_maps, table_nodes, column_nodes):
        return tree, False
    infos: dict[str, TableInfo | None] = {}

    def catalog(name: str) -> TableInfo | None:
        # Sources copy the columns they are given, so one TableInfo per table serves them all.
        if name not in infos:
            mapping = column_maps.get(name)
            infos[name] = None if mapping is None else TableInfo(mapping, opaque=not mapping)
        return infos[name]

    res = resolve(tree, catalog)
    _apply(table_nodes, column_nodes, identifier_nodes, res, new_names, column_maps, aliases)
    return tree, True


def _untouched(tree: exp.Expression, tables: Mapping[str, TableColumn], column_maps: dict[str, dict[str, str]],
               table_nodes: list[exp.Table], column_nodes: list[exp.Column]) -> bool:
    """Whether resolving and renaming this statement (one without `name_walk.scoped` nodes) would change
    nothing and raise nothing, so both can be skipped.

    With no mapped table named, the catalog knows no table: every base table is opaque and lists
    no column, so every mapped name the resolver finds is None, and without `scoped` nodes at
    most one source of a level lists columns (a set operation's output), so no name is ambiguous.
    What is left is `_apply`'s name-based fallback for the columns the resolver does not reach:
    a qualifier naming a mapped table, or an unqualified name some column map lists.
    """
    for node in table_nodes:
        if node.name.lower() in tables:
            return False
    if column_maps:
        listed = set().union(*column_maps.values())
        for col in column_nodes:
            qualifier = col.table
            if qualifier:
                if qualifier.lower() in tables:
                    return False
            elif listed and col.name.lower() in listed:
                return False
    # The FROM items of a write the resolver takes as sources (`_write`, `_insert`) must be tables.
    if isinstance(tree, (exp.Update, exp.Delete)):
        targets = [tree.this, *(tree.args.get("using") or [])]
        if any(type(t) is not exp.Table for t in targets):
            return False
    elif isinstance(tree, exp.Insert):
        target = tree.this
        table = target.this if isinstance(target, exp.Schema) else target
        if type(table) is not exp.Table:
            return False
    return True


def _check_aliases(aliases: dict[str, str], tables: Mapping[str, TableColumn]) -> None:
    for alias in aliases:
        if alias in tables:
            raise InvalidArgumentError(
                f"alias {alias!r} is also the name of a mapped table; an alias must not equal an original table name")


def _apply(table_nodes: list[exp.Table], column_nodes: list[exp.Column], identifier_nodes: list[exp.Identifier],
           res: Resolution, new_names: dict[str, str], column_maps: dict[str, dict[str, str]],
           fallback_aliases: dict[str, str]) -> None:
    """Rename what the resolution found; a node it did not reach keeps the name-based rename."""
    for node in table_nodes:
        ident = node.this
        if not isinstance(ident, exp.Identifier) or id(node) in res.cte_refs or node.args.get("db"):
            continue
        src = res.sources.get(id(node))
        if src is not None and src.node is not node and (src.aliased or src.kind != "table"):
            continue  # MySQL's `DELETE a FROM users a ...`: the target names an alias
        new = new_names.get(ident.name.lower())
        if new:
            ident.set("this", new)
    for col in column_nodes:
        binding = res.columns.get(id(col))
        if binding is None or (binding.source is None and col.table):
            # Not reached by the resolver, or a qualifier naming no source in scope (the
            # engine rejects it): rename by the qualifier's table name as the Go code does.
            _rename_column_by_name(col, new_names, column_maps, fallback_aliases)
            continue
        src = binding.source
        if src is not None and src.kind == "table" and not src.aliased and src.table in new_names and col.table:
            col.args["table"].set("this", new_names[src.table])
        ident = col.this
        if binding.kind == "column" and binding.mapped and isinstance(ident, exp.Identifier):
            ident.set("this", binding.mapped)
    identifiers = res.identifiers
    if identifiers:
        for ident in identifier_nodes:
            mapped = identifiers.get(id(ident))
            if mapped:
                ident.set("this", mapped)


def _rename_column_by_name(node: exp.Column, new_names: dict[str, str], column_maps: dict[str, dict[str, str]],
                           aliases: dict[str, str]) -> None:
    ident = node.this
    if not isinstance(ident, exp.Identifier):
        return
    qualifier = node.table.lower()
    if qualifier:
        original = aliases.get(qualifier)
        mapping = column_maps.get(original if original is not None else qualifier)
        if qualifier not in aliases and qualifier in new_names:
            node.args["table"].set("this", new_names[qualifier])
        new = (mapping or {}).get(ident.name.lower())
        if new:
            ident.set("this", new)
        return
    # The Go code takes the first map (in Go's random map order) that has the column; we use the
    # caller's order, which makes the result deterministic.
    for mapping in column_maps.values():
        new = mapping.get(ident.name.lower())
        if new:
            ident.set("this", new)
            return


def _rename_by_name(tree: exp.Expression, new_names: dict[str, str], column_maps: dict[str, dict[str, str]],
                    aliases: dict[str, str]) -> exp.Expression:
    """The rename for statements without query scopes (DDL): by table name and column name."""
    nodes = list(tree.walk())
    for node in nodes:
        if isinstance(node, exp.Table):
            if node.name and not node.args.get("db") and node.name.lower() in new_names:
                node.this.set("this", new_names[node.name.lower()])
        elif isinstance(node, exp.Column):
            _rename_column_by_name(node, new_names, column_maps, aliases)
    return tree
