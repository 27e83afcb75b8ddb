"""Value types of the SQLParser contract (the Python face of Coze Studio's Go `sqlparser` package)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlparser.errors import InvalidArgumentError


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


_DEFAULT_OPERATIONS = frozenset(
    {OperationType.SELECT, OperationType.INSERT, OperationType.UPDATE, OperationType.DELETE})


@dataclass(frozen=True)
class Policy:
    """What a user's statement may do, checked on the tree by `SQLParser.check_policy`.

    `tables`: the only tables a statement may reference (names, case-insensitive; a mapping such as
    the `table_columns` given to `parse_and_modify_sql` works too: its keys are used).
    `operations`: the statement kinds allowed, nested ones included (a PostgreSQL `WITH d AS
    (DELETE ...) SELECT ...` needs DELETE as well as SELECT).
    Everything the dialect's rules deny (system schemas and catalogs, file / sleep / network
    functions, `INTO OUTFILE`, `ATTACH`, `COPY`, ...) is denied whatever the policy says.
    """

    tables: frozenset[str] = frozenset()
    operations: frozenset[OperationType] = _DEFAULT_OPERATIONS

    def __post_init__(self) -> None:
        tables = self.tables
        if isinstance(tables, str):
            raise InvalidArgumentError("Policy.tables must be a collection of table names, not a single str")
        names = frozenset(tables.keys() if isinstance(tables, Mapping) else tables)
        for name in names:
            if not isinstance(name, str) or not name:
                raise InvalidArgumentError(f"Policy.tables must hold non-empty str, got {name!r}")
        object.__setattr__(self, "tables", frozenset(n.lower() for n in names))
        ops = self.operations
        if isinstance(ops, (str, OperationType)):
            ops = (ops,)
        try:
            object.__setattr__(self, "operations", frozenset(OperationType(o) for o in ops))
        except ValueError:
            known = ", ".join(o.value for o in OperationType)
            raise InvalidArgumentError(f"Policy.operations must hold statement kinds ({known}), got {ops!r}") from None
