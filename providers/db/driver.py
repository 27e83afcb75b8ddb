"""The db driver protocol: what one engine implements under the portable `RDB` (contract.py).

Arguments arrive checked and normalised (names are valid identifiers, enums are enum members,
values are bound-parameter values, conditions are shapes with their parameters in order). A driver
raises its native exceptions (the portable type wraps them with `classify_error`) or ProviderError.
Engine-independent building blocks live beside it: statements.py (IR of every statement),
catalog.py (logical schema), user_sql.py (compiling user SQL).
"""

from __future__ import annotations

from typing import Any, Protocol

from providers.db.entity import (
    AlterTableOperation,
    ResultSet,
    SelectDataResponse,
    SortDirection,
    Table,
    UpsertDataResponse,
)
from providers.db.user_sql import Compiled
from providers.db.validation import Layout, Shape
from providers.portable import Driver
from sqlparser import SQLParser


class RDBDriver(Driver, Protocol):
    """One engine's tables. Each call is one transaction: it changes everything or nothing."""

    @property
    def parser(self) -> SQLParser:
        """The SQL compiler's parser for this engine's dialect (prints statements, compiles user SQL)."""
        ...

    def create_table(self, spec: Table, layout: Layout) -> Table:
        """Create the table unless it exists (then return the existing one, as CREATE TABLE IF NOT EXISTS)."""
        ...

    def get_table(self, name: str) -> Table:
        """The table's schema; NOT_FOUND when it does not exist."""
        ...

    def drop_table(self, name: str, *, if_exists: bool) -> bool: ...

    def alter_table(self, name: str, operations: list[AlterTableOperation]) -> Table:
        """Apply the operations in order (see catalog.apply_alter), all or none."""
        ...

    def insert(self, table: str, fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> int:
        """Insert rows; the affected row count."""
        ...

    def update(self, table: str, fields: tuple[str, ...], values: list[Any], where: Shape | None,
               params: list[Any], limit: int | None) -> int: ...

    def delete(self, table: str, where: Shape | None, params: list[Any], limit: int | None) -> int: ...

    def select(self, table: str, fields: tuple[str, ...], where: Shape | None, params: list[Any],
               order_by: tuple[tuple[str, SortDirection], ...], limit: int | None,
               offset: int | None) -> SelectDataResponse: ...

    def upsert(self, table: str, fields: tuple[str, ...], rows: list[tuple[Any, ...]],
               keys: tuple[str, ...]) -> UpsertDataResponse:
        """Insert or update by `keys`; empty `keys` means the table's primary key
        (FAILED_PRECONDITION when it has none)."""
        ...

    def execute(self, statement: Compiled, params: list[Any]) -> ResultSet:
        """Run one compiled user statement with its bound parameters."""
        ...
