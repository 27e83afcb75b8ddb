"""The rdb contract: user tables in a relational database (Coze Studio's Go `rdb.RDB`).

Go's request/response structs become keyword arguments and small result dataclasses; `context.Context`
is dropped; errors are `providers.errors.ProviderError` with a portable code. The enums keep Go's
string values, so a value that came from Coze Studio (`"VARCHAR"`, `"NOT LIKE"`, `"UNIQUE KEY"`)
converts with `DataType("VARCHAR")`.

Semantics every implementation follows (checked by tests/conformance/rdb.py):
- Names of tables, columns and indexes are identifiers, never SQL: they are quoted, so a name
  cannot inject SQL; an empty name, a NUL or a name over 64 characters is INVALID_ARGUMENT.
- Values always travel as bound parameters. A value of the wrong type for its column, a string
  longer than a VARCHAR(n) / TEXT allows, or a NULL in a NOT NULL column is INVALID_ARGUMENT and
  changes nothing (each call is one transaction).
- A missing table is NOT_FOUND; creating an existing table is a no-op, as Go's CREATE TABLE IF NOT
  EXISTS; a duplicate key is ALREADY_EXISTS.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from providers.lifecycle import Provider


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


class RDB(Provider):
    """User tables (Go `rdb.RDB`), plus the lifecycle every provider has: ping, close, backup."""

    @abc.abstractmethod
    def create_table(self, table: Table) -> Table: ...

    @abc.abstractmethod
    def alter_table(self, table_name: str, operations: Sequence[AlterTableOperation]) -> Table: ...

    @abc.abstractmethod
    def drop_table(self, table_name: str, *, if_exists: bool = False) -> bool: ...

    @abc.abstractmethod
    def get_table(self, table_name: str) -> Table:
        """The table's schema; NOT_FOUND when it does not exist."""

    @abc.abstractmethod
    def insert_data(self, table_name: str, data: Sequence[Mapping[str, Any]]) -> int:
        """Insert rows (all with the same keys) atomically; returns the affected row count."""

    @abc.abstractmethod
    def update_data(self, table_name: str, data: Mapping[str, Any], *, where: ComplexCondition | None = None,
                    limit: int | None = None) -> int: ...

    @abc.abstractmethod
    def delete_data(self, table_name: str, *, where: ComplexCondition | None = None,
                    limit: int | None = None) -> int: ...

    @abc.abstractmethod
    def select_data(self, table_name: str, *, fields: Sequence[str] | None = None,
                    where: ComplexCondition | None = None, order_by: Sequence[OrderBy] | None = None,
                    limit: int | None = None, offset: int | None = None) -> SelectDataResponse: ...

    @abc.abstractmethod
    def upsert_data(self, table_name: str, data: Sequence[Mapping[str, Any]],
                    keys: Sequence[str] | None = None) -> UpsertDataResponse:
        """Insert rows, updating those whose `keys` (default: the primary key) already exist."""

    @abc.abstractmethod
    def execute_sql(self, sql: str, params: Sequence[Any] | None = None,
                    sql_type: SQLType = SQLType.PARAMETERIZED) -> ResultSet:
        """Run exactly one statement. A query fills columns and rows; other statements affected_rows."""

