"""What a dialect's front end is: text in, a validated statement lowered into the IR out.

The IR is sqlglot's expression tree. Front ends decide validity (each accepts what its engine
accepts); passes and printers only ever see the IR.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, cast

from sqlglot import exp

from sqlparser import literal_runs
from sqlparser.errors import SQLParserError, SQLSyntaxError
from sqlparser.limits import MAX_TOKENS, check_token_count, count_tokens
from sqlparser.name_walk import Names
from sqlparser.portable_names import check_portable_names
from sqlparser.shapes import Shape, ShapeCache
from sqlparser.shapes import follow as _follow
from sqlparser.shapes import path_of as _path_of
from sqlparser.types import OperationType


@dataclass(frozen=True)
class TreeFacts:
    """What a front end learned about a statement's tree while making it, for the contract to use
    instead of finding it out again. True of `tree` only: it holds while the statement's tree is
    that very object and no pass changed it (`Statement.facts_for`); every copy (cache hits, shape
    templates, folded literal runs) is another object and carries none."""

    tree: exp.Expression
    printed: str | None = None
    """The tree's native text with the dialect's default options (PostgreSQL's round-trip check
    prints every statement it checks): the rewrite's output when no pass changes the tree."""
    names: Names | None = None
    """`name_walk.walk_names` of the tree (the portable-names rule's walk; MySQL: its tree rules'),
    for the rename pass and the printer instead of another walk."""
    native_as_is: bool = False
    """Whether none of the dialect's native normalizers would change the tree (default options):
    the native printer then skips their tests, a walk of the tree."""


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
    facts: TreeFacts | None = field(default=None, repr=False, compare=False)

    def facts_for(self, tree: exp.Expression) -> TreeFacts | None:
        """`facts`, if they are about `tree` (this very object)."""
        facts = self.facts
        return facts if facts is not None and facts.tree is tree else None


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


_Path = tuple[tuple[str, int | None], ...]


class _Snapshot:
    """A parsed statement kept for handing out copies: the tree without its per-node metadata and
    comments, which are kept aside with the path to their node, so that a copy is sqlglot's
    compiled tree copy plus a few assignments. sqlglot's own `copy()` deep-copies each node's
    `meta` dict and comment list through Python's `copy.deepcopy`, which cost 3-5x the bare copy
    (front ends put line, column and offsets on every identifier).
    """

    __slots__ = ("bare", "extras", "stmt")

    _SCALARS = (int, str, bool, float, type(None))

    def __init__(self, stmt: Statement) -> None:
        """Take over `stmt.tree`: it must be a freshly parsed tree nobody else holds (it is stripped)."""
        self.stmt = stmt
        self.bare = stmt.tree
        self.extras: list[tuple[_Path, dict[str, object] | None, list[str] | None]] = []
        if stmt.tree is None:
            return
        for node in stmt.tree.walk():
            meta, comments = node._meta, node.comments
            if meta is None and comments is None:
                continue
            path = _path_of(node)
            if (meta is not None and not all(type(v) in self._SCALARS for v in meta.values())) \
                    or _follow(stmt.tree, path) is not node:
                # A value a shallow copy would share, or a node its parent link does not find:
                # hand out sqlglot's full deep copies instead.
                for kept_path, kept_meta, kept_comments in self.extras:
                    kept = _follow(stmt.tree, kept_path)
                    kept._meta, kept.comments = kept_meta, kept_comments
                self.extras = []
                self.bare = None
                return
            self.extras.append((path, meta, comments))
        for path, _, _ in self.extras:
            node = _follow(stmt.tree, path)
            node._meta = None
            node.comments = None

    def thaw(self) -> Statement:
        """A copy of the statement whose tree the caller owns."""
        stmt = self.stmt
        if stmt.tree is None:
            return stmt
        if self.bare is None:
            return Statement(stmt.sql, stmt.operation, stmt.tree.copy(), stmt.unsupported, stmt.table)
        # `__deepcopy__` directly: `copy()` goes through `copy.deepcopy`, whose memo bookkeeping
        # is about a tenth of a hit for a tree that has no shared parts to memoize.
        tree = cast(exp.Expression, self.bare.__deepcopy__({}))
        for path, meta, comments in self.extras:
            node: Any = tree
            for key, index in path:
                node = node.args[key] if index is None else node.args[key][index]
            if meta is not None:
                node._meta = dict(meta)
            if comments is not None:
                node.comments = list(comments)
        return Statement(stmt.sql, stmt.operation, tree, stmt.unsupported, stmt.table)


class StatementCache:
    """Thread-safe LRU of parsed statements, keyed by statement text, bounded by entries and bytes.

    Apps repeat the same parameterized SQL, and a parse costs far more than a copy. Trees are never
    handed out shared: callers get a tree they own (passes mutate trees). Errors are not cached.

    A miss hands out the freshly parsed tree itself (no copy) and records the text as seen; the
    tree to copy from is kept when the text comes back (the first hit parses once more and keeps
    that tree). So a statement seen once, the common case of SQL with inline literals, never pays
    for a copy, and a repeated one pays one extra parse, once. Hits copy the kept tree
    (`_Snapshot.thaw`), about 10-20 µs for a typical statement.

    The byte bound is what matters for memory: a large statement's tree is megabytes (about a
    kilobyte per IR node), so a count of entries alone let 120 distinct large statements hold
    hundreds of megabytes. An entry is charged what it holds: a text seen once only its text
    (`TEXT_ENTRY_BYTES`: no walk of a tree that is not kept, the common case of statements seen
    once); a kept tree its estimate (`estimate_bytes`), taken when the tree is kept. A statement
    whose tree would cost more than an eighth of the budget is never kept (each sight parses it).
    """

    BYTES_PER_NODE = 1024
    """Estimated memory of one IR node with its identifiers and metadata (measured: 0.2-1.6 KB)."""

    def __init__(self, size: int, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        # text -> (snapshot, or None while the statement was seen once; charged bytes)
        self._items: OrderedDict[str, tuple[_Snapshot | None, int]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def estimate_bytes(cls, stmt: Statement) -> int:
        nodes = sum(1 for _ in stmt.tree.walk()) if stmt.tree is not None else 1
        return nodes * cls.BYTES_PER_NODE + 2 * len(stmt.sql)

    @staticmethod
    def text_entry_bytes(sql: str) -> int:
        """What an entry holding only its text (no tree yet) is charged: the key and the entry."""
        return 2 * len(sql) + 128

    def parse(self, sql: str, parse: Callable[[str], Statement]) -> Statement:
        with self._lock:
            entry = self._items.get(sql)
            if entry is not None:
                self._items.move_to_end(sql)
        if entry is not None:
            snapshot, _ = entry
            if snapshot is not None:
                return snapshot.thaw()
            # Seen once before: parse again and keep this tree to copy from from now on, charged
            # its estimate (a tree too big to keep leaves the text-only entry as it is).
            stmt = parse(sql)
            cost = self.estimate_bytes(stmt)
            if cost > self.max_bytes // 8:
                return stmt
            snapshot = _Snapshot(stmt)
            self._put(sql, snapshot, cost, replace_only=True)
            return snapshot.thaw()
        stmt = parse(sql)
        if stmt.tree is None:  # nothing to copy: keep it now
            self._put(sql, _Snapshot(stmt), self.estimate_bytes(stmt))
        else:
            self._put(sql, None, self.text_entry_bytes(sql))
        return stmt

    def _put(self, sql: str, snapshot: _Snapshot | None, cost: int, *, replace_only: bool = False) -> None:
        if cost > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(sql, None)
            if old is None and replace_only:
                return  # dropped meanwhile (trimmed or cleared): it starts over as unseen
            if old is not None:
                self.bytes -= old[1]
            self._items[sql] = (snapshot, cost)
            self.bytes += cost
            while len(self._items) > self.size or self.bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self.bytes -= dropped

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0


def _rebuild(stmt: Statement, sql: str, tree: exp.Expression) -> Statement:
    """A statement built from a shape template: the template's fields, the new text and tree."""
    return Statement(sql, stmt.operation, tree, stmt.unsupported, stmt.table)


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

    SHAPE_COLUMN_AT_END: ClassVar[bool] = True
    """Whether the `col` of this front end's node metadata names a token's last character (sqlglot's
    tokens) rather than its first; the shape cache moves columns by it (`sqlparser.shapes`)."""

    LITERAL_RUNS: ClassVar[str | None] = None
    """The quoting rules (`literal_runs.QUOTINGS`) by which long runs of plain literals are found
    and folded in large statements (`sqlparser.literal_runs`); None: this front end does not fold."""

    _caches: ClassVar[dict[bool, StatementCache]]
    _folds: ClassVar[bool | None] = None
    _shape_caches: ClassVar[dict[bool, ShapeCache]]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # One pair of caches per concrete front end class, sized by its CACHE_SIZE.
        cls._caches = {flag: StatementCache(cls.CACHE_SIZE, cls.CACHE_BYTES) for flag in (True, False)}
        cls._shape_caches = {flag: ShapeCache(cls.CACHE_SIZE, cls.CACHE_BYTES // 2, cls.SHAPE_COLUMN_AT_END,
                                              _rebuild) for flag in (True, False)}

    def __init__(self, *, portable_names: bool = True, cache: bool = True) -> None:
        self.portable_names = portable_names
        self._cache = type(self)._caches[bool(portable_names)] if cache else None
        self._shapes = type(self)._shape_caches[bool(portable_names)] if cache else None

    @classmethod
    def clear_cache(cls) -> None:
        """Forget every cached statement and shape of this front end (benchmarks measure cold parses)."""
        for cache in cls._caches.values():
            cache.clear()
        for shapes in cls._shape_caches.values():
            shapes.clear()

    def parse(self, sql: str) -> Statement:
        """Parse exactly one statement. Raise SQLSyntaxError (line, column, token) when invalid."""
        if len(sql) >= literal_runs.MIN_CHARS and self.LITERAL_RUNS is not None:
            folded = self._parse_folded(sql)
            if folded is not None:
                return folded
        if len(sql) > MAX_TOKENS:  # a token is at least one character: shorter text is within the limit
            check_token_count(sql)
        if self._cache is None:
            return self._parse_checked(sql)
        return self._cache.parse(sql, self._parse_shaped)

    def _parse_folded(self, sql: str, *, run_min: int | None = None, min_chars: int | None = None) -> Statement | None:
        """`sql` parsed with its long literal runs folded (`sqlparser.literal_runs`), or None when it
        has none, or the fold does not hold (then the caller parses it unfolded, under the token
        limit). Folded statements bypass the caches: they are large, and are not kept anyway."""
        quoting = self.LITERAL_RUNS
        assert quoting is not None
        runs = literal_runs.find_runs(sql, quoting, run_min=run_min, min_chars=min_chars)
        if not runs or not self._lowering_folds():
            return None
        prefix = literal_runs.marker_prefix(sql)
        for _attempt in range(2):
            masked, runs = literal_runs.mask(sql, runs, prefix)
            if not runs:
                return None
            if len(masked) > MAX_TOKENS:
                # The runs cost bytes (MAX_SQL_BYTES); the rest counts tokens.
                check_token_count(literal_runs.outside(sql, runs))
            try:
                stmt = self._parse_checked(masked)
            except SQLParserError as err:
                if count_tokens(sql, stop_after=MAX_TOKENS) <= MAX_TOKENS:
                    return None  # the unfolded parse says what is wrong, in its own words
                if isinstance(err, SQLSyntaxError):
                    # Same line and column as in `sql`: masking keeps every position.
                    raise SQLSyntaxError(err.reason, line=err.line, column=err.column, token=err.token,
                                         sql=sql) from None
                raise
            if stmt.tree is None:
                return None
            bad = literal_runs.fold(stmt.tree, sql, runs, prefix)
            if not bad:
                return Statement(sql, stmt.operation, stmt.tree, stmt.unsupported, stmt.table)
            # A run whose marker is not where the run belongs (in a VALUES that is no INSERT's,
            # inside text the scan read as code): once more without those runs.
            runs = [run for i, run in enumerate(runs) if i not in bad]
        return None

    def _lowering_folds(self) -> bool:
        # Items are printed and unfolded as `literal_runs.item_node`: only a front end that lowers
        # each kind of plain literal to exactly that folds (checked once per front end class).
        cls = type(self)
        if cls._folds is None:
            try:
                probe = self._parse_checked(literal_runs.LOWERING_PROBE).tree
            except SQLParserError:
                probe = None
            cls._folds = literal_runs.check_lowering(probe)
        return bool(cls._folds)

    def _parse_shaped(self, sql: str) -> Statement:
        # A text the statement cache has not kept: a statement of a known shape is built from its
        # template (sqlparser.shapes), anything else parsed in full.
        assert self._shapes is not None
        return self._shapes.parse(sql, self._parse_checked, self._shape)

    def _shape(self, sql: str) -> Shape | None:
        """The statement's shape from this dialect's own tokens (`shapes.plain_slot`,
        `shapes.make_shape`); None (the default) when the dialect does not key shapes or the text
        does not scan."""
        return None

    def parse_condition(self, condition: str) -> exp.Expression:
        """Parse a boolean expression, as it would appear after WHERE, in this dialect."""
        if len(condition) > MAX_TOKENS:  # conditions are never folded: every token counts
            check_token_count(condition, "filter condition")
        tree = self._parse_condition(condition)
        if self.portable_names and self.CHECKS_PORTABLE_NAMES:
            check_portable_names(exp.Where(this=tree), condition)
        return tree

    def _parse_checked(self, sql: str) -> Statement:
        stmt = self._parse_uncached(sql)
        if stmt.tree is not None and self.portable_names and self.CHECKS_PORTABLE_NAMES:
            names = check_portable_names(stmt.tree, sql)
            known = stmt.facts_for(stmt.tree)
            facts = TreeFacts(stmt.tree, known.printed if known is not None else None, names,
                              self._native_as_is(stmt.tree, names))
            return Statement(stmt.sql, stmt.operation, stmt.tree, stmt.unsupported, stmt.table, facts)
        return stmt

    def _native_as_is(self, tree: exp.Expression, names: Names) -> bool:
        """Whether none of the dialect's native normalizers would change `tree`, told from its
        names (`TreeFacts.native_as_is`); False (the default) when the front end cannot tell."""
        return False

    @abstractmethod
    def _parse_uncached(self, sql: str) -> Statement:
        """One statement, validated and lowered (or classified when the IR cannot hold it)."""

    @abstractmethod
    def _parse_condition(self, text: str) -> exp.Expression:
        """One boolean expression; anything after it is a syntax error, never silently dropped."""
