"""Reading libpg_query's JSON parse tree (`pglast.parser.parse_sql_json`, then `json.loads`).

The lowering reads this tree rather than pglast's Python objects: building those objects costs
several times the parse itself, the JSON about a third of it.

Shape of the tree, and what the lowering must mind:
- a field typed as any node (`Node *`) and every list element is wrapped in its node kind,
  `{"ColumnRef": {...}}`; a field typed as one struct (`RangeVar *`, `Alias *`, `TypeName *`,
  `WindowDef *`, ...) is the struct's fields alone; a NULL list element is `{}`;
- a field that is zero, false, NULL or an empty list is absent (read with `.get(name, zero)`);
- enums are their member names as strings (`"SETOP_NONE"`); a string field is absent only when
  it is NULL;
- positions (`location`) are byte offsets into the UTF-8 text (`CharOffsets` turns them into
  string indexes).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from sqlparser.ir import Unlowerable

Node = dict[str, Any]
"""One node of the tree: a wrapped node `{"Kind": fields}`, or a struct's fields."""


def unwrap(node: Node) -> tuple[str, Node]:
    """(kind, fields) of a wrapped node; a NULL node (`{}`) is refused."""
    for kind, fields in node.items():
        return kind, fields
    raise Unlowerable("NULL node")


def need(value: Any, kind: str) -> Any:
    """A field a node of `kind` always has. Missing, the tree is not one the lowering knows: refuse
    it, naming the node kind, rather than guess."""
    if value is None:
        raise Unlowerable(kind)
    return value


def string(node: Node) -> str | None:
    """The text of a wrapped `String` node (None for any other kind, as for a NULL string)."""
    fields = node.get("String")
    return fields.get("sval") if fields is not None else None


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class CharOffsets:
    """Byte offsets of the UTF-8 encoded `text` -> indexes into `text`."""

    __slots__ = ("_extra", "_starts")

    def __init__(self, text: str) -> None:
        # For each non-ASCII character: its byte offset, and the extra bytes (beyond one per
        # character) of it and every non-ASCII character before it. ASCII texts need no table.
        self._starts: list[int] = []
        self._extra: list[int] = []
        if text.isascii():
            return
        extra = 0
        for match in _NON_ASCII.finditer(text):
            self._starts.append(match.start() + extra)
            extra += len(match.group().encode("utf-8", "surrogatepass")) - 1
            self._extra.append(extra)

    def __call__(self, offset: int) -> int:
        if offset <= 0 or not self._starts:
            return offset
        before = bisect_left(self._starts, offset)  # non-ASCII characters starting before `offset`
        return offset - self._extra[before - 1] if before else offset
