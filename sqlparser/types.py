"""Value types of the SQLParser contract (the Python face of Coze Studio's Go `sqlparser` package)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class OperationType(StrEnum):
    SELECT = "SELECT"
    INSERT = "INSERT"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    CREATE = "CREATE"
    ALTER = "ALTER"
    DROP = "DROP"
    TRUNCATE = "TRUNCATE"
    UNKNOWN = "UNKNOWN"


class SQLFilterOp(StrEnum):
    AND = "AND"
    OR = "OR"


@dataclass(frozen=True)
class TableColumn:
    """How one logical table maps to its physical form: a new name and/or renamed columns."""

    new_table_name: str | None = None
    column_map: Mapping[str, str] | None = None


@dataclass(frozen=True)
class ColumnValue:
    """A hidden column added to every row of an INSERT, with its literal value."""

    col_name: str
    value: Any = None


@dataclass(frozen=True)
class PrimaryKeyValue:
    """A primary-key column added to an INSERT, one value per row."""

    col_name: str
    values: Sequence[Any] = field(default_factory=tuple)
