"""User SQL for `execute_sql`: list parameters expanded, the statement compiled by the SQL compiler
(exactly one statement of the engine's dialect, under the compiler's limits), and printed back as
the text the engine runs."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from providers.db.validation import bind, invalid, is_reserved
from providers.errors import ErrorCode, ProviderError
from sqlparser import SQLParser
from sqlparser.errors import SQLParserError
from sqlparser.types import OperationType

_LIST = (list, tuple, set, frozenset)


@dataclass(frozen=True)
class Compiled:
    """A compiled user statement: the SQL to run, its operation and the tables it names."""

    sql: str
    operation: OperationType
    tables: tuple[str, ...]
    # Derived once here, not on every run of a cached statement.
    is_query: bool = field(init=False)
    is_ddl: bool = field(init=False)
    reserved: str | None = field(init=False)  # the first of the provider's own tables it names

    def __post_init__(self) -> None:
        object.__setattr__(self, "is_query", self.operation is OperationType.SELECT)
        object.__setattr__(self, "is_ddl",
                           self.operation in (OperationType.CREATE, OperationType.DROP, OperationType.ALTER))
        object.__setattr__(self, "reserved", next((t for t in self.tables if is_reserved(t)), None))


class UserSQL:
    """Compiles user statements with the compiler's parser for the engine's dialect. Thread-safe.

    Compiled statements are cached by text, least recently used first out, within a budget of
    bytes (the text given plus the text printed, see `_size`): a bound on entries
    alone let 120 large statements hold 336 MB (issue 11).
    A statement bigger than a quarter of the budget is compiled but not kept."""

    DEFAULT_MAX_BYTES = 32 * 2**20

    def __init__(self, parser: SQLParser, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._parser = parser
        # Applications run the same parameterized statements over and over; the compiled form
        # depends on the text only.
        self._cache: OrderedDict[str, Compiled] = OrderedDict()
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def cached_bytes(self) -> int:
        """The bytes the cache holds now (what the budget counts)."""
        return self._bytes

    def compile(self, sql: str) -> Compiled:
        """Compile one statement; INVALID_ARGUMENT when the compiler refuses it, PERMISSION_DENIED
        when it names one of the provider's own tables."""
        hit = self._cache.get(sql)
        if hit is None:
            try:
                hit = self._compile(sql)
            except ProviderError:
                raise
            except SQLParserError as err:
                raise invalid(str(err)) from err
            except Exception as err:  # a compiler bug must reach the caller as a provider error
                raise ProviderError(ErrorCode.INTERNAL,
                                    f"the SQL compiler failed on this statement: {type(err).__name__}: {err}") from err
            self._keep(sql, hit)
        if hit.reserved is not None:
            raise ProviderError(ErrorCode.PERMISSION_DENIED, f"table {hit.reserved!r} is internal to the db provider")
        return hit

    def _keep(self, sql: str, compiled: Compiled) -> None:
        size = _size(sql, compiled)
        if size * 4 > self._max_bytes:
            return
        with self._lock:
            if sql in self._cache:
                return
            self._cache[sql] = compiled
            self._bytes += size
            while self._bytes > self._max_bytes:
                old_sql, old = self._cache.popitem(last=False)
                self._bytes -= _size(old_sql, old)

    def _compile(self, sql: str) -> Compiled:
        stmt = self._parser.compile(sql)
        tree = stmt.tree
        if tree is None:
            return Compiled(sql, stmt.operation, ())
        tables = tuple(t.name for t in tree.find_all(exp.Table))
        # Statements run as the compiler prints them for the engine (so MySQL-compat input such as
        # TRUNCATE TABLE works), except CREATE/ALTER: there the declared column types decide the
        # engine's type (SQLite's affinity) and what get_table reports, and the printer normalises
        # them (VARCHAR(40) -> TEXT(40)), so the validated original text runs.
        if stmt.operation in (OperationType.CREATE, OperationType.ALTER):
            return Compiled(sql, stmt.operation, tables)
        return Compiled(self._parser.render(tree, quote_names=False, consume=True), stmt.operation, tables)


def _size(sql: str, compiled: Compiled) -> int:
    """What one cache entry costs, in bytes: both texts (a character of a str takes 1-4 bytes;
    SQL is mostly ASCII, so the length is the estimate) plus the entry's fixed overhead."""
    return len(sql) + (len(compiled.sql) if compiled.sql is not sql else 0) + 64 * (1 + len(compiled.tables)) + 200


def expand_params(sql: str, params: Sequence[Any]) -> tuple[str, list[Any]]:
    """Expand list/tuple parameters into `(?, ?, ...)` (an empty one into `(NULL)`), as Go's
    processSliceParams does, skipping `?` inside quotes and comments; bind every value.

    This scans text, not the IR, because the statement as written (`id IN ?`) is not valid SQL for
    the compiler's front ends (nor for SQLite): only the expanded text is."""
    if not any(isinstance(p, _LIST) for p in params):
        return sql, [bind(p) for p in params]
    out: list[str] = []
    bound: list[Any] = []
    i, n, k = 0, len(sql), 0
    while i < n:
        ch = sql[i]
        if ch in "'\"`[":
            close = "]" if ch == "[" else ch
            j = i + 1
            while j < n:
                if sql[j] == close:
                    if close != "]" and j + 1 < n and sql[j + 1] == close:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j])
            i = j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(sql[i:j])
            i = j
        elif ch == "?" and k < len(params):
            p = params[k]
            k += 1
            if isinstance(p, _LIST):
                values = list(p)
                out.append("(" + ", ".join("?" * len(values)) + ")" if values else "(NULL)")
                bound.extend(bind(v) for v in values)
            else:
                out.append("?")
                bound.append(bind(p))
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out), bound


def check_params(params: Any) -> list[Any]:
    if params is not None and (isinstance(params, (str, bytes)) or not isinstance(params, Sequence)):
        raise invalid("params must be a list of values")
    return list(params or ())
