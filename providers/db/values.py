"""Value checks a server engine cannot make itself: a bound value against its column's logical type.

SQLite checks every value with a CHECK on the value it stored (sqlite.py). MySQL and PostgreSQL
convert a value to the column's type *before* any CHECK sees it, and some conversions lose the
value silently: 1.5 into an INT column becomes 2, PostgreSQL reads 'yesterday' as a timestamp,
bytes land in a text column. The server drivers check those cases here, against the logical types
the catalog remembers, so every engine refuses the same values (INVALID_ARGUMENT). Everything else
(ranges, lengths, JSON validity, NOT NULL) the servers check themselves, strict.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from providers.db.entity import DataType
from providers.db.validation import MAX_TEXT_BYTES, invalid

_INTEGERS = (DataType.INT, DataType.BIGINT, DataType.BOOLEAN)
_TEXTS = (DataType.VARCHAR, DataType.TEXT, DataType.JSON, DataType.TIMESTAMP)


def check_value(column: str, kind: DataType, value: Any) -> None:
    """INVALID_ARGUMENT when `value` (already a bound parameter, see validation.bind) cannot be stored
    in a column of logical type `kind` without changing it."""
    if value is None:
        return
    if isinstance(value, bytes):
        raise invalid(f"bytes do not fit column {column!r} ({kind.value})")
    if kind in _INTEGERS:
        if isinstance(value, float) and not value.is_integer():
            raise invalid(f"{value!r} is not an integer: it does not fit column {column!r} ({kind.value})")
        if kind is DataType.BOOLEAN and isinstance(value, (int, float)) and value not in (0, 1):
            raise invalid(f"{value!r} does not fit column {column!r} (BOOLEAN: 0 or 1)")
    elif kind in _TEXTS and isinstance(value, str):
        if kind is DataType.TEXT and len(value) * 4 > MAX_TEXT_BYTES and len(value.encode()) > MAX_TEXT_BYTES:
            raise invalid(f"text of {len(value.encode())} bytes does not fit column {column!r} "
                          f"(TEXT: {MAX_TEXT_BYTES} bytes)")
        if kind is DataType.JSON:
            try:
                json.loads(value)
            except ValueError as err:
                raise invalid(f"column {column!r} holds JSON: {err}") from None
        if kind is DataType.TIMESTAMP:
            try:
                _dt.datetime.fromisoformat(value)
            except ValueError:
                raise invalid(f"{value[:40]!r} is not an ISO timestamp (column {column!r})") from None
    elif kind is DataType.TIMESTAMP and not isinstance(value, str):
        raise invalid(f"{value!r} is not a timestamp (column {column!r})")


def check_rows(types: Mapping[str, DataType], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Check every value of a row batch whose column has a known logical type."""
    known = [(i, f, types[f]) for i, f in enumerate(fields) if f in types]
    if not known:
        return
    for row in rows:
        for i, name, kind in known:
            check_value(name, kind, row[i])
