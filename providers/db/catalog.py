"""The catalog model: what the provider knows about a table beyond what the engine stores, and how an
ALTER TABLE operation changes a table's logical spec.

Engines store physical types (SQLite: INTEGER/TEXT/REAL); the provider records the logical ones
(INT, VARCHAR(40), JSON, ...) it was given, so `get_table` returns what `create_table` was given.
Tables created by raw SQL have no record: their logical types are guessed from the declared ones.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

from providers.db.entity import AlterTableAction, AlterTableOperation, Column, DataType, Index, IndexType, Table
from providers.db.validation import check_name, enum_value, invalid
from providers.errors import ErrorCode, ProviderError

# Names of the provider's catalog tables (reserved: users cannot create or query them).
TABLES = "_cozelite_rdb_tables"
COLUMNS = "_cozelite_rdb_columns"

_DECLARED: dict[str, DataType] = {
    "INT": DataType.INT, "INTEGER": DataType.BIGINT, "BIGINT": DataType.BIGINT, "TINYINT": DataType.INT,
    "SMALLINT": DataType.INT, "BOOL": DataType.BOOLEAN, "BOOLEAN": DataType.BOOLEAN, "VARCHAR": DataType.VARCHAR,
    "CHAR": DataType.VARCHAR, "JSON": DataType.JSON, "TIMESTAMP": DataType.TIMESTAMP,
    "DATETIME": DataType.TIMESTAMP, "FLOAT": DataType.FLOAT, "REAL": DataType.DOUBLE, "DOUBLE": DataType.DOUBLE,
}


def logical_type(declared: str) -> tuple[DataType, int | None]:
    """Best guess of the logical type of a column created by raw SQL (no catalog entry)."""
    upper = declared.upper()
    base = upper.split("(", 1)[0].strip()
    length = None
    if "(" in upper:
        try:
            length = int(upper.split("(", 1)[1].split(")", 1)[0].split(",")[0])
        except ValueError:
            length = None
    kind = _DECLARED.get(base, DataType.TEXT)
    return kind, length if kind is DataType.VARCHAR else None


def default_text(dflt: str | None) -> str | None:
    """A column default as the engine reports it (an SQL literal) -> the string the contract uses."""
    if dflt is None:
        return None
    if len(dflt) >= 2 and dflt[0] == dflt[-1] == "'":
        return dflt[1:-1].replace("''", "'")
    return dflt


@dataclass(frozen=True)
class Change:
    """One applied ALTER operation: what an engine has to do to its table."""

    action: AlterTableAction
    column: Column | None = None  # ADD / MODIFY: the new definition; RENAME: the column renamed
    old_name: str | None = None  # RENAME: the column's former name
    index: Index | None = None  # ADD INDEX


def apply_alter(spec: Table, source: MutableMapping[str, str | None], op: AlterTableOperation) -> Change:
    """Apply one operation to the logical `spec` (checking it against the table as it is by now).

    `source` maps each column of the new spec to the old column its values come from (None for a
    new column), for engines that rebuild the table to change it.
    """
    action = enum_value(AlterTableAction, op.action, "alter action")
    name = spec.name
    if action in (AlterTableAction.ADD_COLUMN, AlterTableAction.DROP_COLUMN, AlterTableAction.MODIFY_COLUMN,
                  AlterTableAction.RENAME_COLUMN) and op.column is None:
        raise invalid(f"column is required for {action.value} operation")
    col = op.column
    if action is AlterTableAction.ADD_COLUMN:
        assert col is not None
        check_name("column", col.name)
        if spec.column(col.name) is not None:
            raise ProviderError(ErrorCode.ALREADY_EXISTS, f"column {col.name!r} already exists in {name!r}")
        spec.columns.append(col)
        source[col.name] = None
        col.data_type = enum_value(DataType, col.data_type, "data type")
        return Change(action, column=col)
    if action is AlterTableAction.DROP_COLUMN:
        assert col is not None
        if spec.column(col.name) is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"column {col.name!r} does not exist in {name!r}")
        if len(spec.columns) == 1:
            raise invalid(f"cannot drop {col.name!r}, the last column of {name!r}; drop the table instead")
        spec.columns = [c for c in spec.columns if c.name != col.name]
        source.pop(col.name, None)
        for idx in spec.indexes:
            idx.columns = [c for c in idx.columns if c != col.name]
        spec.indexes = [i for i in spec.indexes if i.columns]
        return Change(action, column=col)
    if action is AlterTableAction.MODIFY_COLUMN:
        assert col is not None
        pos = next((i for i, c in enumerate(spec.columns) if c.name == col.name), None)
        if pos is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"column {col.name!r} does not exist in {name!r}")
        spec.columns[pos] = col
        return Change(action, column=col)
    if action is AlterTableAction.RENAME_COLUMN:
        assert col is not None
        if not op.old_name:
            raise invalid("column and old name are required for RENAME COLUMN operation")
        old = spec.column(op.old_name)
        if old is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"column {op.old_name!r} does not exist in {name!r}")
        check_name("column", col.name)
        if spec.column(col.name) is not None:
            raise ProviderError(ErrorCode.ALREADY_EXISTS, f"column {col.name!r} already exists in {name!r}")
        old_name = old.name
        old.name = col.name
        source[col.name] = source.pop(old_name)
        for idx in spec.indexes:
            idx.columns = [col.name if c == old_name else c for c in idx.columns]
        return Change(action, column=old, old_name=old_name)
    # ADD INDEX
    if op.index is None:
        raise invalid("index is required for ADD INDEX operation")
    idx = Index(name=op.index.name, type=enum_value(IndexType, op.index.type, "index type"),
                columns=list(op.index.columns))
    for c in idx.columns:
        if spec.column(c) is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"index {idx.name!r}: column {c!r} not in {name!r}")
    if idx.type is IndexType.PRIMARY_KEY:
        if any(i.type is IndexType.PRIMARY_KEY for i in spec.indexes):
            raise ProviderError(ErrorCode.ALREADY_EXISTS, f"table {name!r} already has a primary key")
        spec.indexes.append(idx)
        return Change(action, index=idx)
    check_name("index", idx.name)
    if any(i.name == idx.name for i in spec.indexes):
        raise ProviderError(ErrorCode.ALREADY_EXISTS, f"index {idx.name!r} already exists on {name!r}")
    if not idx.columns:
        raise invalid(f"index {idx.name!r} has no columns")
    spec.indexes.append(idx)
    return Change(action, index=idx)
