"""The db contract: user tables in a relational database (Coze Studio's Go `rdb.RDB`).

`RDB` is the portable type (Go CDK's shape): it checks every argument, refuses calls after close
(FAILED_PRECONDITION), wraps the driver's errors and counts calls, over a driver (driver.py) each
engine implements. Go's request/response structs become keyword arguments and the dataclasses of
entity.py (re-exported here); `context.Context` is dropped; errors are
`providers.errors.ProviderError` with a portable code.

Semantics every implementation follows (checked by tests/conformance/db.py):
- Names of tables, columns and indexes are identifiers, never SQL: they are quoted, so a name
  cannot inject SQL; an empty name, a NUL or a name over 64 characters is INVALID_ARGUMENT.
- Values always travel as bound parameters. A value of the wrong type for its column, a string
  longer than a VARCHAR(n) / TEXT allows, or a NULL in a NOT NULL column is INVALID_ARGUMENT and
  changes nothing (each call is one transaction).
- A missing table is NOT_FOUND; creating an existing table is a no-op, as Go's CREATE TABLE IF NOT
  EXISTS; a duplicate key is ALREADY_EXISTS.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from providers.db import validation as check
from providers.db.driver import RDBDriver
from providers.db.entity import (
    AlterTableAction,
    AlterTableOperation,
    Column,
    ComplexCondition,
    Condition,
    DataType,
    Index,
    IndexType,
    LogicalOperator,
    Operator,
    OrderBy,
    ResultSet,
    SelectDataResponse,
    SortDirection,
    SQLType,
    Table,
    TableOption,
    UpsertDataResponse,
)
from providers.db.user_sql import UserSQL, check_params, expand_params
from providers.portable import Portable

__all__ = [
    "RDB", "AlterTableAction", "AlterTableOperation", "Column", "ComplexCondition", "Condition", "DataType",
    "Index", "IndexType", "LogicalOperator", "Operator", "OrderBy", "ResultSet", "SQLType", "SelectDataResponse",
    "SortDirection", "Table", "TableOption", "UpsertDataResponse",
]


class RDB(Portable[RDBDriver]):
    """User tables (Go `rdb.RDB`), plus the lifecycle every provider has: ping, close, backup."""

    area: ClassVar[str] = "db"

    def __init__(self, driver: RDBDriver, *, name: str) -> None:
        super().__init__(driver, name=name)
        self._user_sql = UserSQL(driver.parser)

    # -- tables --------------------------------------------------------------------------------

    def create_table(self, table: Table) -> Table:
        """Create a table; an existing one is returned unchanged (CREATE TABLE IF NOT EXISTS, as Go).
        An empty name gets a generated unique one, `table_<id>`."""
        if not isinstance(table, Table):
            raise check.invalid(f"create_table needs a Table, got {type(table).__name__}")
        name = table.name or f"table_{time.time_ns() // 1000}{secrets.randbelow(1000):03d}"
        spec = Table(name=check.check_name("table", name), columns=list(table.columns),
                     indexes=list(table.indexes), options=table.options)
        layout = check.table_layout(spec)
        return self._run("create_table", self._driver.create_table, spec, layout)

    def alter_table(self, table_name: str, operations: Sequence[AlterTableOperation]) -> Table:
        check.check_name("table", table_name)
        if not operations:
            raise check.invalid("alter_table needs at least one operation")
        return self._run("alter_table", self._driver.alter_table, table_name, list(operations))

    def drop_table(self, table_name: str, *, if_exists: bool = False) -> bool:
        check.check_name("table", table_name)
        return self._run("drop_table", self._driver.drop_table, table_name, if_exists=bool(if_exists))

    def get_table(self, table_name: str) -> Table:
        """The table's schema; NOT_FOUND when it does not exist."""
        check.check_name("table", table_name)
        return self._run("get_table", self._driver.get_table, table_name)

    # -- data ----------------------------------------------------------------------------------

    def insert_data(self, table_name: str, data: Sequence[Mapping[str, Any]]) -> int:
        """Insert rows (all with the same keys) atomically; returns the affected row count."""
        check.check_name("table", table_name)
        fields, rows = check.rows(data)
        return self._run("insert_data", self._driver.insert, table_name, fields, rows)

    def update_data(self, table_name: str, data: Mapping[str, Any], *, where: ComplexCondition | None = None,
                    limit: int | None = None) -> int:
        check.check_name("table", table_name)
        if not isinstance(data, Mapping) or not data:
            raise check.invalid("update_data needs a non-empty mapping of column -> value")
        fields = tuple(check.check_name("column", k) for k in data)
        shape, params = check.where(where)
        values = [check.bind(data[f]) for f in fields]
        if limit is not None:
            check.non_negative(limit, "limit")
        return self._run("update_data", self._driver.update, table_name, fields, values, shape, params, limit)

    def delete_data(self, table_name: str, *, where: ComplexCondition | None = None,
                    limit: int | None = None) -> int:
        check.check_name("table", table_name)
        shape, params = check.where(where)
        if limit is not None:
            check.non_negative(limit, "limit")
        return self._run("delete_data", self._driver.delete, table_name, shape, params, limit)

    def select_data(self, table_name: str, *, fields: Sequence[str] | None = None,
                    where: ComplexCondition | None = None, order_by: Sequence[OrderBy] | None = None,
                    limit: int | None = None, offset: int | None = None) -> SelectDataResponse:
        """Rows matching `where`; `total` counts every matching row, ignoring limit and offset."""
        check.check_name("table", table_name)
        cols = check.column_names(fields, "fields")
        orders = tuple((check.check_name("column", o.field),
                        check.enum_value(SortDirection, o.direction, "sort direction")) for o in order_by or ())
        shape, params = check.where(where)
        if limit is not None:
            check.non_negative(limit, "limit")
        if offset is not None:
            check.non_negative(offset, "offset")
        return self._run("select_data", self._driver.select, table_name, cols, shape, params, orders, limit, offset)

    def upsert_data(self, table_name: str, data: Sequence[Mapping[str, Any]],
                    keys: Sequence[str] | None = None) -> UpsertDataResponse:
        """Insert rows, updating those whose `keys` (default: the primary key) already exist."""
        check.check_name("table", table_name)
        fields, rows = check.rows(data)
        key_cols = check.column_names(keys, "keys")
        missing = [k for k in key_cols if k not in fields]
        if missing:
            raise check.invalid(f"upsert rows must carry the key column(s) {', '.join(missing)}")
        return self._run("upsert_data", self._driver.upsert, table_name, fields, rows, key_cols)

    # -- raw SQL -------------------------------------------------------------------------------

    def execute_sql(self, sql: str, params: Sequence[Any] | None = None,
                    sql_type: SQLType = SQLType.PARAMETERIZED) -> ResultSet:
        """Run exactly one statement. A query fills columns and rows; other statements affected_rows.

        PARAMETERIZED: `?` placeholders bound to `params` (a list/tuple param expands to `(?, ?, ...)`,
        an empty one to `(NULL)`, as in Go). RAW: complete SQL, no params."""
        if not isinstance(sql, str) or not sql.strip():
            raise check.invalid("execute_sql needs a non-empty SQL string")
        sql_type = check.enum_value(SQLType, sql_type, "SQL type")
        values = check_params(params)
        if sql_type is SQLType.RAW and values:
            raise check.invalid("raw SQL takes no params; use SQLType.PARAMETERIZED to bind values")
        expanded, bindings = expand_params(sql, values)
        return self._run("execute_sql", self._execute, expanded, bindings)

    def _execute(self, sql: str, bindings: list[Any]) -> ResultSet:
        return self._driver.execute(self._user_sql.compile(sql), bindings)
