"""Argument checks of the db contract, the same for every engine: names, enums, sizes, row batches,
conditions and table specs. Each raises ProviderError(INVALID_ARGUMENT) before an engine sees anything."""

from __future__ import annotations

import datetime as _dt
import decimal
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from providers.db.entity import (
    AlterTableOperation,
    Column,
    ComplexCondition,
    Condition,
    DataType,
    Index,
    IndexType,
    LogicalOperator,
    Operator,
    Table,
)
from providers.errors import ErrorCode, ProviderError

E = TypeVar("E", bound=Enum)

# Names of the provider's own tables, and of the engines' (sqlite_schema, sqlite_sequence).
RESERVED_PREFIXES = ("sqlite_", "_cozelite")
MAX_NAME = 64  # MySQL's identifier limit, so a schema that works here works there
MAX_TEXT_BYTES = 65535  # MySQL TEXT
DEFAULT_VARCHAR = 255
MAX_NESTING = 32

# A condition's shape: hashable, so the SQL built for it can be cached; its values travel apart.
# ("and"/"or" operator, parts), a part being ("c", column, operator, number of values) or ("n", shape).
Shape = tuple[Any, ...]


def invalid(message: str) -> ProviderError:
    return ProviderError(ErrorCode.INVALID_ARGUMENT, message)


def check_name(kind: str, name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise invalid(f"{kind} name must be a non-empty string, got {name!r}")
    if len(name) > MAX_NAME:
        raise invalid(f"{kind} name {name[:20]!r}... is longer than {MAX_NAME} characters")
    if "\x00" in name:
        raise invalid(f"{kind} name {name!r} contains a NUL character")
    if is_reserved(name):
        raise invalid(f"{kind} name {name!r} uses a reserved prefix ({', '.join(RESERVED_PREFIXES)})")
    return name


def is_reserved(table: str) -> bool:
    return table.lower().startswith(RESERVED_PREFIXES)


def enum_value(enum_type: type[E], value: Any, what: str) -> E:
    if isinstance(value, enum_type):  # the common case, on every call's path
        return value
    try:
        return enum_type(value)
    except ValueError:
        known = ", ".join(repr(m.value) for m in enum_type)
        raise invalid(f"unknown {what} {value!r}; expected one of {known}") from None


def non_negative(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid(f"{what} must be a non-negative int, got {value!r}")
    return value


def bind(value: Any) -> Any:
    """A Python value as a bound parameter: dict/list become JSON text, datetimes ISO text."""
    if value is None or isinstance(value, (str, bytes, float)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise invalid(f"integer {value} does not fit in 64 bits")
        return value
    if isinstance(value, (dict, list)):
        try:
            return json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as err:
            raise invalid(f"value is not JSON-serialisable: {err}") from err
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise invalid(f"unsupported value type {type(value).__name__}; use str, int, float, bool, bytes, "
                  "None, datetime, dict or list")


def rows(data: Sequence[Mapping[str, Any]]) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """A batch of rows with the same keys: its columns and the bound values of each row."""
    if isinstance(data, Mapping) or not isinstance(data, Sequence) or not data:
        raise invalid("data must be a non-empty list of rows (mappings of column -> value)")
    first = data[0]
    if not isinstance(first, Mapping) or not first:
        raise invalid("each row must be a non-empty mapping of column -> value")
    fields = tuple(check_name("column", k) for k in first)
    keyset = set(fields)
    out = []
    for i, row in enumerate(data):
        if not isinstance(row, Mapping) or set(row) != keyset:
            raise invalid(f"row {i} does not have the same columns as row 0 ({', '.join(fields)})")
        out.append(tuple(bind(row[f]) for f in fields))
    return fields, out


def column_names(names: Sequence[str] | None, what: str) -> tuple[str, ...]:
    if isinstance(names, str):
        raise invalid(f"{what} must be a list of column names, not a str")
    return tuple(check_name("column", n) for n in names or ())


def where(cond: ComplexCondition | None) -> tuple[Shape | None, list[Any]]:
    """The shape of a condition (None without one) and its parameters in order."""
    if cond is None:
        return None, []
    params: list[Any] = []
    return _shape(cond, params, 0), params


def _shape(cond: ComplexCondition, params: list[Any], depth: int) -> Shape:
    if not isinstance(cond, ComplexCondition):
        raise invalid(f"where must be a ComplexCondition, got {type(cond).__name__}")
    if depth > MAX_NESTING:
        raise invalid(f"conditions nested deeper than {MAX_NESTING} levels")
    if not cond.conditions and not cond.nested_conditions:
        raise invalid("empty condition: no nested or direct conditions found")
    op = enum_value(LogicalOperator, cond.operator or LogicalOperator.AND, "logical operator")
    parts: list[tuple[Any, ...]] = []
    for c in cond.conditions:
        if not isinstance(c, Condition):
            raise invalid(f"conditions must be Condition objects, got {type(c).__name__}")
        field = check_name("column", c.field)
        operator = enum_value(Operator, c.operator, "operator")
        if operator in (Operator.IN, Operator.NOT_IN):
            if isinstance(c.value, (str, bytes, Mapping)) or not isinstance(c.value, (list, tuple, set, frozenset)):
                raise invalid(f"{operator.value} operator requires a list of values for {field!r}")
            values = list(c.value)
            params.extend(bind(v) for v in values)
            parts.append(("c", field, operator, len(values)))
        elif operator in (Operator.IS_NULL, Operator.IS_NOT_NULL):
            parts.append(("c", field, operator, 0))
        else:
            params.append(bind(c.value))
            parts.append(("c", field, operator, 1))
    for nested in cond.nested_conditions:
        parts.append(("n", _shape(nested, params, depth + 1)))
    return (op, tuple(parts))


@dataclass(frozen=True)
class Layout:
    """What a checked table spec declares besides its columns."""

    primary_key: list[str]
    indexes: list[Index]  # the secondary ones (unique and normal)


def table_layout(spec: Table) -> Layout:
    """Check a table spec (normalising its enum fields in place) and split its keys."""
    if not spec.columns:
        raise invalid(f"table {spec.name!r} needs at least one column")
    seen: set[str] = set()
    for col in spec.columns:
        if not isinstance(col, Column):
            raise invalid(f"columns must be Column objects, got {type(col).__name__}")
        check_name("column", col.name)
        if col.name.lower() in seen:
            raise invalid(f"duplicate column {col.name!r} in table {spec.name!r}")
        seen.add(col.name.lower())
        col.data_type = enum_value(DataType, col.data_type, "data type")
        if col.length is not None and (isinstance(col.length, bool) or not isinstance(col.length, int)
                                       or col.length <= 0):
            raise invalid(f"length of column {col.name!r} must be a positive int, got {col.length!r}")
    names = {c.name for c in spec.columns}
    pk: list[str] = []
    indexes: list[Index] = []
    for idx in spec.indexes:
        idx.type = enum_value(IndexType, idx.type, "index type")
        if not idx.columns:
            raise invalid(f"index {idx.name!r} has no columns")
        for c in idx.columns:
            if c not in names:
                raise invalid(f"index {idx.name!r} names unknown column {c!r}")
        if idx.type is IndexType.PRIMARY_KEY:
            if pk:
                raise invalid(f"table {spec.name!r} has more than one primary key")
            pk = list(idx.columns)
        else:
            check_name("index", idx.name)
            indexes.append(idx)
    return Layout(pk, indexes)


def varchar_length(column: Column) -> int:
    return column.length if column.length is not None else DEFAULT_VARCHAR


def alter_operations(operations: Sequence[AlterTableOperation]) -> list[AlterTableOperation]:
    """Check the shape of alter_table's operations before an engine applies them (what each one
    may do to the table is checked by catalog.apply_alter as it is applied)."""
    if isinstance(operations, (str, bytes, Mapping)) or not isinstance(operations, Sequence):
        raise invalid(f"operations must be a list of AlterTableOperation, got {type(operations).__name__}")
    for op in operations:
        if not isinstance(op, AlterTableOperation):
            raise invalid(f"operations must be AlterTableOperation objects, got {type(op).__name__}")
        if op.column is not None:
            if not isinstance(op.column, Column):
                raise invalid(f"an operation's column must be a Column, got {type(op.column).__name__}")
            check_name("column", op.column.name)
        if op.index is not None and not isinstance(op.index, Index):
            raise invalid(f"an operation's index must be an Index, got {type(op.index).__name__}")
        for what, value in (("old_name", op.old_name), ("index_name", op.index_name),
                            ("new_table_name", op.new_table_name)):
            if value is not None and not isinstance(value, str):
                raise invalid(f"an operation's {what} must be a str, got {type(value).__name__}")
    return list(operations)
