"""A memo of the contract's results: the same call on the same parser configuration returns what
it returned before, without parsing, rewriting or printing again.

Apps send the same statement with the same arguments over and over (a rename map per tenant, the
same filter on every request). The front end's statement cache saves the parse, but every call
still copies the cached tree, runs the passes and prints; this memo saves all of it.

The key is everything a result depends on: the parser's configuration, the method, the exact SQL
text and every argument, frozen into a hashable value (`freeze`). Freezing is strict: only exact
types it knows are frozen, each tagged with its type, because Python's equality merges values
that print differently (`1 == True == 1.0`, `0.0 == -0.0`, `Decimal("1") == Decimal("1.00")`,
`SQLFilterOp.AND == "AND"`); anything else raises `Unfreezable`, and the caller computes the
result without the memo. Results are immutable values (a mutable one is stored frozen and rebuilt
on each hit by the caller). Refusals can be kept too (`ErrorEntry`): a hit raises a fresh
exception of the same class with the same message and attributes.

A result is kept from a text's second sight on: the first sight of a text only records the text
(`ResultMemo.seen`, no argument freezing, no entry), so a statement that never repeats (SQL with
inline literals, the common case) pays a set lookup, not a key and an entry it would never use.
The memo is bounded by entries and by bytes (the texts it holds); a statement longer than
`max_text` characters is never kept. Thread-safe: one lock around the LRU's bookkeeping, none
around the computation (two threads missing on the same key both compute, and the same result is
stored twice).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from decimal import Decimal
from typing import Any

from sqlparser.errors import (
    AmbiguousColumnError,
    InvalidArgumentError,
    SQLParserError,
    SQLSyntaxError,
    UnsupportedConstructError,
    UnsupportedStatementError,
)
from sqlparser.types import ColumnValue, OperationType, Policy, PrimaryKeyValue, SQLFilterOp, TableColumn


class Unfreezable(Exception):
    """An argument the memo cannot key on (an unknown type, too large, too deep): skip the memo."""


MAX_ITEMS = 4096
"""Most values (strings, numbers, containers) one call's arguments may hold to be memoized."""

_MAX_DEPTH = 8
_ITEM_BYTES = 16
"""Bytes charged per frozen value besides its text (a rough share of its tuple and object)."""

# Scalars keyed by their exact type and a text that tells apart what equality merges: repr keeps
# -0.0 and 0.0 apart, str(Decimal) keeps its exponent ("1.00" is not "1").
_SCALARS: dict[type, Any] = {
    int: None,
    bool: None,
    bytes: None,
    float: repr,
    Decimal: str,
}
_ENUMS = (SQLFilterOp, OperationType)


def freeze(value: object) -> tuple[Hashable, int]:
    """A hashable key for `value` and the bytes it is charged; raises Unfreezable."""
    state = [0, 0]  # values seen, bytes charged
    frozen = _freeze(value, state, 0)
    return frozen, state[1] + state[0] * _ITEM_BYTES


def _freeze(value: Any, state: list[int], depth: int) -> Any:
    state[0] += 1
    if state[0] > MAX_ITEMS or depth > _MAX_DEPTH:
        raise Unfreezable("too many or too deeply nested values")
    kind = type(value)
    # Plain str first: names and conditions are nearly every value. A str subclass (a StrEnum)
    # equals its text, so it is tagged below instead.
    if kind is str:
        state[1] += len(value)
        return value
    if value is None:
        return None
    inner = depth + 1
    if kind is dict:
        items = tuple(value.items())
        # The common map, str -> str (a column map, a rename map's table names), is its own key.
        size = 0
        for k, v in items:
            if type(k) is not str or type(v) is not str:
                return (dict, tuple((_freeze(k, state, inner), _freeze(v, state, inner)) for k, v in items))
            size += len(k) + len(v)
        state[0] += 2 * len(items)
        state[1] += size
        return (dict, items)
    if kind is tuple or kind is list:
        return (kind, tuple(_freeze(v, state, inner) for v in value))
    if kind is TableColumn:
        name, columns = value.new_table_name, value.column_map
        return (kind, _freeze(name, state, inner), _freeze(columns, state, inner) if columns is not None else None)
    if kind is ColumnValue:
        return (kind, _freeze(value.col_name, state, inner), _freeze(value.value, state, inner))
    if kind is PrimaryKeyValue:
        return (kind, _freeze(value.col_name, state, inner), _freeze(value.values, state, inner))
    if kind is Policy:
        return (kind, _freeze_set(value.tables, state), _freeze_set(value.operations, state))
    if kind in _SCALARS:
        text = _SCALARS[kind]
        return (kind, value if text is None else text(value))
    if kind in _ENUMS:
        return (kind, value)
    raise Unfreezable(f"cannot key on a {kind.__name__}")


def _freeze_set(values: frozenset[Any], state: list[int]) -> frozenset[Any]:
    # A Policy's sets (normalized by Policy itself): lower-case names and OperationType members.
    if type(values) is not frozenset:
        raise Unfreezable("a Policy field is not a frozenset")
    for v in values:
        if type(v) is not str and type(v) is not OperationType:
            raise Unfreezable("a Policy holds a value of an unexpected type")
        state[0] += 1
        state[1] += len(v)
    if state[0] > MAX_ITEMS:
        raise Unfreezable("too many values")
    return values


class Identity:
    """Keys on an object by identity (a Dialect is not hashable: its tables hold dicts). Holding the
    object keeps it alive, so its id is never reused while a key names it."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Identity) and other.obj is self.obj


# Refusals that are a function of the key alone. Not kept: the bare SQLParserError (an internal
# error, or a statement too deep for the stack, which depends on the caller's stack), and
# PolicyViolationError (a security verdict: only "complies" is kept, by the contract).
_KEPT_ERRORS = frozenset({SQLSyntaxError, InvalidArgumentError, UnsupportedStatementError,
                          UnsupportedConstructError, AmbiguousColumnError})
_ATTRIBUTE_TYPES = (str, int, bool, type(None))


class ErrorEntry:
    """A refusal kept by the memo: raising it raises a fresh, identical exception."""

    __slots__ = ("args", "attributes", "cls", "cost")

    def __init__(self, cls: type[SQLParserError], args: tuple[Any, ...], attributes: dict[str, Any]) -> None:
        self.cls = cls
        self.args = args
        self.attributes = attributes
        self.cost = sum(len(a) for a in args if isinstance(a, str)) + \
            sum(len(v) for v in attributes.values() if isinstance(v, str))

    @classmethod
    def of(cls, exc: BaseException) -> ErrorEntry | None:
        """The entry for `exc`, or None when it must not be kept (its class, a cause, a notes list,
        or an attribute that is not a plain scalar)."""
        if type(exc) not in _KEPT_ERRORS or exc.__cause__ is not None or hasattr(exc, "__notes__"):
            return None
        attributes = dict(vars(exc))
        if not all(type(v) in _ATTRIBUTE_TYPES for v in attributes.values()) \
                or not all(type(a) in _ATTRIBUTE_TYPES for a in exc.args):
            return None
        return cls(type(exc), exc.args, attributes)  # type: ignore[arg-type]

    def exception(self) -> SQLParserError:
        # __new__ without __init__: the subclasses' __init__ take keyword fields (line, column, ...)
        # and format the message; the kept args already hold the message as it was.
        exc = self.cls.__new__(self.cls, *self.args)
        exc.__dict__.update(self.attributes)
        return exc


_MISS = object()


class ResultMemo:
    """Thread-safe LRU of contract results, bounded by entries and by bytes."""

    def __init__(self, entries: int = 4096, max_bytes: int = 16 * 1024 * 1024, max_text: int = 16 * 1024) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self.max_text = max_text
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        # key -> (result or ErrorEntry, bytes charged)
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        # texts seen once (an LRU too: 4x the entries, a quarter of the bytes)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seen_bytes = 0
        self._lock = threading.Lock()

    def seen(self, sql: str) -> bool:
        """Whether `sql` was seen before (by any method or configuration); records it if not."""
        with self._lock:
            if sql in self._seen:
                self._seen.move_to_end(sql)
                return True
            self._seen[sql] = None
            self._seen_bytes += len(sql)
            while len(self._seen) > 4 * self.entries or self._seen_bytes > self.max_bytes // 4:
                dropped, _ = self._seen.popitem(last=False)
                self._seen_bytes -= len(dropped)
            return False

    def get(self, key: Hashable) -> Any:
        """The stored result (or ErrorEntry) for `key`, or `MISS`."""
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                self.misses += 1
                return _MISS
            self._items.move_to_end(key)
            self.hits += 1
        return entry[0]

    def put(self, key: Hashable, result: Any, cost: int) -> None:
        """Keep `result` for `key`, charged `cost` bytes (the key's texts and the result's)."""
        if cost > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._items[key] = (result, cost)
            self.bytes += cost
            while len(self._items) > self.entries or self.bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self.bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._seen.clear()
            self._seen_bytes = 0
            self.bytes = 0
            self.hits = 0
            self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


MISS: Any = _MISS
"""What `ResultMemo.get` returns when the key is not kept."""

MEMO = ResultMemo()
"""The memo every SQLParser uses by default (`SQLParser.memo`); its keys name the configuration."""


def clear() -> None:
    """Forget every kept result (benchmarks of cold calls; tests that count parses)."""
    MEMO.clear()
