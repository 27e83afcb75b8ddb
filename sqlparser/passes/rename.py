"""rename_tables: logical -> physical table and column names (Go ParseAndModifySQL)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp

from sqlparser.errors import InvalidArgumentError
from sqlparser.types import TableColumn


def check_table_columns(table_columns: Mapping[str, TableColumn]) -> None:
    """Validate a mapping the way the Go contract does, with messages that say what to fix."""
    if not isinstance(table_columns, Mapping):
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
    aliases: dict[str, str] = {}
    for table in tree.find_all(exp.Table):
        alias = table.alias
        if alias and table.name:
            aliases[alias.lower()] = table.name.lower()
    return aliases


def rename_tables(tree: exp.Expression, table_columns: Mapping[str, TableColumn]) -> exp.Expression:
    tables = {name.lower(): spec for name, spec in table_columns.items()}
    new_names = {name: spec.new_table_name for name, spec in tables.items() if spec.new_table_name}
    column_maps = {name: {k.lower(): v for k, v in (spec.column_map or {}).items() if k}
                   for name, spec in tables.items()}
    aliases = table_aliases(tree)
    for alias in aliases:
        if alias in tables:
            raise InvalidArgumentError(
                f"alias {alias!r} is also the name of a mapped table; an alias must not equal an original table name")

    def column_map_for(qualifier: str) -> dict[str, str] | None:
        original = aliases.get(qualifier)
        return column_maps.get(original if original is not None else qualifier)

    def rename_column(identifier: exp.Identifier, mapping: dict[str, str] | None) -> None:
        if mapping:
            new = mapping.get(identifier.name.lower())
            if new:
                identifier.set("this", new)

    def rename_unqualified(identifier: exp.Identifier) -> None:
        # The Go code takes the first map (in Go's random map order) that has the column; we use
        # the caller's order, which makes the result deterministic.
        for mapping in column_maps.values():
            new = mapping.get(identifier.name.lower())
            if new:
                identifier.set("this", new)
                return

    nodes = list(tree.walk())
    original_names = {id(t): t.name.lower() for t in nodes if isinstance(t, exp.Table)}
    for node in nodes:
        if isinstance(node, exp.Table):
            if node.name and not node.args.get("db") and node.name.lower() in new_names:
                node.this.set("this", new_names[node.name.lower()])
        elif isinstance(node, exp.Column):
            ident = node.this
            if not isinstance(ident, exp.Identifier):
                continue
            qualifier = node.table.lower()
            if qualifier:
                mapping = column_map_for(qualifier)
                if qualifier not in aliases and qualifier in new_names:
                    node.args["table"].set("this", new_names[qualifier])
                rename_column(ident, mapping)
            else:
                rename_unqualified(ident)
        elif isinstance(node, exp.Schema) and isinstance(node.parent, exp.Insert):
            # INSERT INTO t (a, b): the column list belongs to the target table.
            target = node.this
            mapping = column_maps.get(original_names.get(id(target), "")) if isinstance(target, exp.Table) else None
            for ident in node.expressions:
                if isinstance(ident, exp.Identifier):
                    if mapping is not None:
                        rename_column(ident, mapping)
                    else:
                        rename_unqualified(ident)
    return tree
