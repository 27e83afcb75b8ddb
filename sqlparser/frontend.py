"""What a dialect's front end is: text in, a validated statement lowered into the IR out.

The IR is sqlglot's expression tree. Front ends decide validity (each accepts what its engine
accepts); passes and printers only ever see the IR.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlglot import exp

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
    """Thread-safe bounded LRU of parsed statements, keyed by statement text.

    Apps repeat the same parameterized SQL, and a parse costs far more than a copy. Trees are never
    handed out shared: callers get a copy they own (passes mutate trees). Errors are not cached.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Statement] = OrderedDict()
        self._lock = threading.Lock()

    def parse(self, sql: str, parse: Callable[[str], Statement]) -> Statement:
        with self._lock:
            stmt = self._items.get(sql)
            if stmt is not None:
                self._items.move_to_end(sql)
        if stmt is None:
            stmt = parse(sql)
            with self._lock:
                self._items[sql] = stmt
                self._items.move_to_end(sql)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return stmt if stmt.tree is None else dataclasses.replace(stmt, tree=stmt.tree.copy())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
