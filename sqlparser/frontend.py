"""What a dialect's front end is: text in, a validated statement lowered into the IR out.

The IR is sqlglot's expression tree. Front ends decide validity (each accepts what its engine
accepts); passes and printers only ever see the IR.
"""

from __future__ import annotations

import dataclasses
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from sqlglot import exp

from sqlparser.portable_names import check_portable_names
from sqlparser.types import OperationType


@dataclass(frozen=True)
class Statement:
    """One parsed statement.

    `tree` is the IR, or None when the IR cannot represent the statement faithfully (for example a
    trigger body); then `unsupported` names the construct, and only classification works on it.
    `table` is the first table the statement names (FROM / INTO / UPDATE / DELETE FROM), when the
    front end could not lower the tree but still knows it.
    """

    sql: str
    operation: OperationType
    tree: exp.Expression | None
    unsupported: str | None = None
    table: str | None = None


class Frontend(Protocol):
    """A dialect's parser. Built once per SQLParser with the parser's options; must be thread-safe."""

    def parse(self, sql: str) -> Statement:
        """Parse exactly one statement. Raise SQLSyntaxError (line, column, token) when invalid."""
        ...

    def parse_condition(self, condition: str) -> exp.Expression:
        """Parse a boolean expression, as it would appear after WHERE, in this dialect."""
        ...


class FrontendFactory(Protocol):
    """Builds a front end. `cache=False` turns off the statement cache (benchmarks of cold parses)."""

    def __call__(self, *, portable_names: bool, cache: bool = True) -> Frontend: ...


class StatementCache:
    """Thread-safe LRU of parsed statements, keyed by statement text, bounded by entries and bytes.

    Apps repeat the same parameterized SQL, and a parse costs far more than a copy. Trees are never
    handed out shared: callers get a copy they own (passes mutate trees). Errors are not cached.

    The byte bound is what matters for memory: a large statement's tree is megabytes (about a
    kilobyte per IR node), so a count of entries alone let 120 distinct large statements hold
    hundreds of megabytes. Each entry is charged an estimate (`estimate_bytes`); a statement
    bigger than an eighth of the budget is not kept at all.
    """

    BYTES_PER_NODE = 1024
    """Estimated memory of one IR node with its identifiers and metadata (measured: 0.2-1.6 KB)."""

    def __init__(self, size: int, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[str, tuple[Statement, int]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def estimate_bytes(cls, stmt: Statement) -> int:
        nodes = sum(1 for _ in stmt.tree.walk()) if stmt.tree is not None else 1
        return nodes * cls.BYTES_PER_NODE + 2 * len(stmt.sql)

    def parse(self, sql: str, parse: Callable[[str], Statement]) -> Statement:
        with self._lock:
            entry = self._items.get(sql)
            if entry is not None:
                self._items.move_to_end(sql)
        if entry is not None:
            stmt = entry[0]
        else:
            stmt = parse(sql)
            cost = self.estimate_bytes(stmt)
            if cost <= self.max_bytes // 8:
                with self._lock:
                    old = self._items.pop(sql, None)
                    if old is not None:
                        self.bytes -= old[1]
                    self._items[sql] = (stmt, cost)
                    self.bytes += cost
                    while len(self._items) > self.size or self.bytes > self.max_bytes:
                        _, (_, dropped) = self._items.popitem(last=False)
                        self.bytes -= dropped
        return stmt if stmt.tree is None else dataclasses.replace(stmt, tree=stmt.tree.copy())

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0


class CachedFrontend(ABC):
    """The part every front end shares: options, the statement cache and the portable-names rule.

    A subclass implements `_parse_uncached` (one statement, validated and lowered) and
    `_parse_condition` (one boolean expression). `parse` looks the text up in a cache shared by
    every instance of the subclass with the same `portable_names` setting (statements are
    validated against it, so the two settings cannot share entries); `cache=False` bypasses it.
    Thread-safe as long as the subclass keeps no per-parse state on the instance.
    """

    CACHE_SIZE: ClassVar[int] = 1024
    """Statements kept per portable_names setting; a statement's tree is a few KB."""

    CACHE_BYTES: ClassVar[int] = 32 * 1024 * 1024
    """Estimated bytes of trees kept per portable_names setting (see StatementCache)."""

    CHECKS_PORTABLE_NAMES: ClassVar[bool] = True
    """False for a dialect whose own grammar already rejects the names the rule is about."""

    _caches: ClassVar[dict[bool, StatementCache]]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # One pair of caches per concrete front end class, sized by its CACHE_SIZE.
        cls._caches = {flag: StatementCache(cls.CACHE_SIZE, cls.CACHE_BYTES) for flag in (True, False)}

    def __init__(self, *, portable_names: bool = True, cache: bool = True) -> None:
        self.portable_names = portable_names
        self._cache = type(self)._caches[bool(portable_names)] if cache else None

    @classmethod
    def clear_cache(cls) -> None:
        """Forget every cached statement of this front end (benchmarks measure cold parses)."""
        for cache in cls._caches.values():
            cache.clear()

    def parse(self, sql: str) -> Statement:
        """Parse exactly one statement. Raise SQLSyntaxError (line, column, token) when invalid."""
        if self._cache is None:
            return self._parse_checked(sql)
        return self._cache.parse(sql, self._parse_checked)

    def parse_condition(self, condition: str) -> exp.Expression:
        """Parse a boolean expression, as it would appear after WHERE, in this dialect."""
        tree = self._parse_condition(condition)
        if self.portable_names and self.CHECKS_PORTABLE_NAMES:
            check_portable_names(exp.Where(this=tree), condition)
        return tree

    def _parse_checked(self, sql: str) -> Statement:
        stmt = self._parse_uncached(sql)
        if stmt.tree is not None and self.portable_names and self.CHECKS_PORTABLE_NAMES:
            check_portable_names(stmt.tree, sql)
        return stmt

    @abstractmethod
    def _parse_uncached(self, sql: str) -> Statement:
        """One statement, validated and lowered (or classified when the IR cannot hold it)."""

    @abstractmethod
    def _parse_condition(self, text: str) -> exp.Expression:
        """One boolean expression; anything after it is a syntax error, never silently dropped."""
