"""The values the db contract speaks in (Go's `rdb/entity`): table schemas, alter operations,
conditions and results.

Go's request/response structs become keyword arguments and these small dataclasses. The enums keep
Go's string values, so a value that came from Coze Studio (`"VARCHAR"`, `"NOT LIKE"`, `"UNIQUE KEY"`)
converts with `DataType("VARCHAR")`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class DataType(StrEnum):
    INT = "INT"
    VARCHAR = "VARCHAR"
    TEXT = "TEXT"
    BOOLEAN = "BOOLEAN"
    JSON = "JSON"
    TIMESTAMP = "TIMESTAMP"
    FLOAT = "FLOAT"
    BIGINT = "BIGINT"
    DOUBLE = "DOUBLE"


class IndexType(StrEnum):
    PRIMARY_KEY = "PRIMARY KEY"
    UNIQUE_KEY = "UNIQUE KEY"
    NORMAL_KEY = "KEY"


class AlterTableAction(StrEnum):
    ADD_COLUMN = "ADD COLUMN"
    DROP_COLUMN = "DROP COLUMN"
    MODIFY_COLUMN = "MODIFY COLUMN"
    RENAME_COLUMN = "RENAME COLUMN"
    ADD_INDEX = "ADD INDEX"


class LogicalOperator(StrEnum):
    AND = "AND"
    OR = "OR"


class Operator(StrEnum):
    EQUAL = "="
    NOT_EQUAL = "!="
    GREATER = ">"
    GREATER_EQUAL = ">="
    LESS = "<"
    LESS_EQUAL = "<="
    LIKE = "LIKE"
    NOT_LIKE = "NOT LIKE"
    IN = "IN"
    NOT_IN = "NOT IN"
    IS_NULL = "IS NULL"
    IS_NOT_NULL = "IS NOT NULL"


class SortDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


class SQLType(IntEnum):
    # Parameterized: `?` placeholders bound to `params` (a list/tuple param expands to `(?, ?, ...)`,
    # an empty one to `(NULL)`, as in Go). Raw: complete SQL, no params.
    PARAMETERIZED = 0
    RAW = 1


@dataclass
class Column:
    name: str
    data_type: DataType
    # VARCHAR length (default 255, as Go); ignored for the other types.
    length: int | None = None
    not_null: bool = False
    # A literal (always bound or quoted, never spliced); for TIMESTAMP also "CURRENT_TIMESTAMP".
    default_value: str | None = None
    auto_increment: bool = False
    comment: str | None = None


@dataclass
class Index:
    name: str
    type: IndexType
    columns: list[str]


@dataclass
class TableOption:
    collate: str | None = None
    # Initial AUTO_INCREMENT value of the table.
    auto_increment: int | None = None
    comment: str | None = None


@dataclass
class Table:
    # Empty: the implementation generates a unique name `table_<id>` (Go uses its ID generator).
    name: str
    columns: list[Column] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    options: TableOption | None = None
    # Unix seconds; filled by get_table where the implementation records them.
    created_at: int = 0
    updated_at: int = 0

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass
class AlterTableOperation:
    action: AlterTableAction
    # ADD/MODIFY/DROP/RENAME COLUMN: the column (for RENAME, `column.name` is the new name).
    column: Column | None = None
    old_name: str | None = None
    index: Index | None = None
    index_name: str | None = None
    new_table_name: str | None = None


@dataclass
class Condition:
    field: str
    operator: Operator
    # A list/tuple for IN / NOT IN; ignored for IS NULL / IS NOT NULL. An empty list: IN matches no
    # row, NOT IN every row (SQL's meaning; Go's MySQL code prints `NOT IN (NULL)`, matching none).
    value: Any = None


@dataclass
class ComplexCondition:
    """`conditions` and `nested_conditions` (each parenthesised) joined by `operator`.

    Example: (age >= 18 AND status = 'active') OR (age >= 21 AND status = 'pending') is
    ComplexCondition(nested_conditions=[ComplexCondition([...]), ComplexCondition([...])], operator=OR).
    """

    conditions: list[Condition] = field(default_factory=list)
    nested_conditions: list[ComplexCondition] = field(default_factory=list)
    operator: LogicalOperator = LogicalOperator.AND


@dataclass
class OrderBy:
    field: str
    direction: SortDirection = SortDirection.ASC


@dataclass
class ResultSet:
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    affected_rows: int = 0


@dataclass
class SelectDataResponse:
    result_set: ResultSet
    # Rows matching `where`, ignoring limit and offset.
    total: int


@dataclass
class UpsertDataResponse:
    affected_rows: int
    inserted_rows: int
    updated_rows: int
    # Rows whose key existed and whose values were already equal.
    unchanged_rows: int
