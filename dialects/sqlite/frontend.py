"""SQLite front end: our ANTLR grammar decides validity, `lower` lowers into the IR.

Parsed statements are kept in the shared statement cache (`sqlparser.frontend.CachedFrontend`).
"""

from __future__ import annotations

import bisect
import gc
import threading
from typing import Any

from sqlglot import exp

from dialects.sqlite import native
from dialects.sqlite._generated.SQLiteParser import SQLiteParser as P
from dialects.sqlite.leaves import identifier
from dialects.sqlite.lower import Lowerer
from dialects.sqlite.parsing import parse_tree
from dialects.sqlite.rules import validate
from dialects.sqlite.tokens import spans
from sqlparser.errors import SQLSyntaxError
from sqlparser.frontend import CachedFrontend, Statement
from sqlparser.ir import Unlowerable, operation_of
from sqlparser.name_walk import Names
from sqlparser.shapes import Shape, Slot, make_shape, plain_slot
from sqlparser.tokenizer import Kind
from sqlparser.types import OperationType

pause_gc = True
"""Pause Python's cyclic garbage collector while a statement is parsed (see SQLiteFrontend._parse_uncached)."""


class SQLiteFrontend(CachedFrontend):
    """Front end for SQLite (3.54 syntax, plus the extensions in grammars/README.md)."""

    CACHE_SIZE = 1024
    LITERAL_RUNS = "sqlite"  # long runs of plain literals fold (sqlparser.literal_runs)
    SHAPE_COLUMN_AT_END = False  # leaves.identifier: `col` is the token's first character, 1-based

    def _native_as_is(self, tree: exp.Expression, names: Names) -> bool:
        return native.as_is(tree, names.identifiers)

    def _shape(self, sql: str) -> Shape | None:
        """Plain numeric and string literal tokens of our SQLite tokenizer are the slots.

        The scan is the one the parser's tokens are built from (`tokens.spans`); it is kept for
        this thread's next parse of the same text: a statement that is not built from a template
        is parsed right after its shape is taken, and scanning it once instead of twice saves
        most of a tokenize."""
        comments: list[tuple[int, str]] = []
        scanned = spans(sql, comments)
        _pending.scanned = (sql, scanned, comments)
        slots: list[Slot] = []
        for kind, start, end in scanned:
            if kind is _NUMBER or kind is _STRING:  # x'..' blobs are strings too: plain_slot refuses them
                slot = plain_slot(sql, start, end, kind is _STRING)
                if slot is not None:
                    slots.append(slot)
        return make_shape(sql, slots)

    def _parse_uncached(self, sql: str) -> Statement:
        # A parse allocates thousands of small linked objects (tokens, contexts, IR nodes), which
        # triggers the cyclic GC over and over for nothing: pausing it makes parsing 20-40%
        # faster (bench/sqlite_parse.py, "GC on"). Only re-enabled if it was on when we started,
        # so concurrent parses and applications that turned it off themselves are respected.
        paused = pause_gc and gc.isenabled()
        if paused:
            gc.disable()
        try:
            return self._parse_unpaused(sql)
        finally:
            if paused:
                gc.enable()

    def _parse_unpaused(self, sql: str) -> Statement:
        pending = getattr(_pending, "scanned", None)
        if pending is not None:
            _pending.scanned = None
            if pending[0] is not sql and pending[0] != sql:
                pending = None
        tree = parse_tree(sql, scanned=None if pending is None else (pending[1], pending[2]))
        # The generated accessor `tree.sql_stmt()`, without its generator over the children.
        statements = [child for child in tree.children if isinstance(child, P.Sql_stmtContext)]
        if len(statements) != 1:
            if not statements:
                raise SQLSyntaxError("no statement, only semicolons or comments", line=1, column=1, token=None,
                                     sql=sql)
            second = statements[1].start
            raise SQLSyntaxError("expected exactly one statement; send the statements one at a time",
                                 line=second.line, column=second.column + 1, token=second.text, sql=sql)
        ctx = statements[0]
        validate(ctx, sql)
        try:
            ir = Lowerer().statement(ctx)
        except Unlowerable as gap:
            return Statement(sql=sql, operation=classify(ctx), tree=None, unsupported=gap.construct,
                             table=first_table_name(ctx))
        comments = getattr(ctx.parser.getTokenStream(), "comments", None)
        if comments:
            attach_comments(ir, comments)
        return Statement(sql=sql, operation=operation_of(ir), tree=ir)

    def _parse_condition(self, text: str) -> exp.Expression:
        paused = pause_gc and gc.isenabled()
        if paused:
            gc.disable()
        try:
            ctx = parse_tree(text, rule="expr")
            validate(ctx, text)
            try:
                return Lowerer().expr(ctx)
            except Unlowerable as gap:
                raise SQLSyntaxError(f"unsupported construct in condition: {gap.construct}", line=1, column=1,
                                     token=None, sql=text) from None
        finally:
            if paused:
                gc.enable()


_NUMBER, _STRING = Kind.NUMBER, Kind.STRING
_pending = threading.local()
"""`scanned`: (text, spans, comments) of the last text `_shape` scanned in this thread, until parsed."""

CACHE_SIZE = SQLiteFrontend.CACHE_SIZE
clear_cache = SQLiteFrontend.clear_cache
"""Forget every cached statement (benchmarks measure cold and warm parses with it)."""


def attach_comments(tree: exp.Expression, comments: list[tuple[int, str]]) -> None:
    """Keep the statement's comments in the IR, as sqlglot does: each one on the name written just
    before it (so it prints back in about the same place), or on the statement when it comes first."""
    names = sorted(((node.meta["end"], node) for node in tree.find_all(exp.Identifier)
                    if "end" in node.meta), key=lambda pair: pair[0])
    ends = [end for end, _ in names]
    for offset, text in comments:
        i = bisect.bisect_left(ends, offset)
        target = names[i - 1][1] if i > 0 else tree
        target.add_comments([text])


# ---------------------------------------------------------------------------------------------
# Classification of statements the IR cannot hold


def _body(ctx: P.Sql_stmtContext) -> Any:
    body = ctx.children[-1]
    if type(body) is P.With_stmtContext:
        body = body.children[1]
    return body


def classify(ctx: P.Sql_stmtContext) -> OperationType:
    """The Go contract's operation type, straight from the parse tree."""
    if ctx.EXPLAIN() is not None:
        return OperationType.UNKNOWN
    body = _body(ctx)
    kind = type(body)
    if kind is P.Create_stmtContext:
        return OperationType.CREATE if type(body.children[1]) is P.Create_tableContext else OperationType.UNKNOWN
    if kind is P.Drop_stmtContext:
        return OperationType.DROP if body.TABLE() is not None else OperationType.UNKNOWN
    return _OPERATION_BY_CONTEXT.get(kind, OperationType.UNKNOWN)


_OPERATION_BY_CONTEXT = {
    P.Select_stmtContext: OperationType.SELECT,
    P.Insert_stmtContext: OperationType.INSERT,
    P.Update_stmtContext: OperationType.UPDATE,
    P.Delete_stmtContext: OperationType.DELETE,
    P.Alter_table_stmtContext: OperationType.ALTER,
    P.Truncate_stmtContext: OperationType.TRUNCATE,
}


def first_table_name(ctx: P.Sql_stmtContext) -> str | None:
    """The table a DML statement names first, without the IR (for get_table_name)."""
    body = _body(ctx)
    kind = type(body)
    if kind in (P.Insert_stmtContext, P.Truncate_stmtContext):
        return identifier(body.qualified_name().table).name
    if kind in (P.Update_stmtContext, P.Delete_stmtContext):
        return identifier(body.qualified_table_name().qualified_name().table).name
    if kind is P.Select_stmtContext:
        core = body.select_core(0)
        source = core.from_clause() if core is not None else None
        if source is not None:
            first = source.table_or_subquery(0)
            if type(first) is P.Table_refContext:
                return identifier(first.qualified_name().table).name
    return None


WARM_UP_STATEMENTS = (
    "SELECT a, b AS c, COUNT(*) FROM t AS x LEFT JOIN u ON x.a = u.b WHERE a > ? AND b IN (1, 2) "
    "GROUP BY a HAVING COUNT(*) > 1 ORDER BY 1 DESC LIMIT 10 OFFSET 5",
    "WITH c AS (SELECT 1 AS x UNION ALL SELECT 2) SELECT * FROM c WHERE x BETWEEN 1 AND 2",
    "SELECT CASE WHEN a IS NULL THEN 'x' ELSE CAST(a AS TEXT) END, NOT EXISTS (SELECT 1 FROM t) FROM t",
    "INSERT INTO t (a, b) VALUES (1, 'x'), (?, NULL) ON CONFLICT (a) DO UPDATE SET b = excluded.b",
    "UPDATE t SET a = a + 1, b = 'y' WHERE id = ? AND c LIKE 'x%'",
    "DELETE FROM t WHERE a < 10 OR b IS NOT NULL",
    "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', v REAL)",
)


def warm_up() -> None:
    """Parse a few representative statements so that ANTLR's prediction DFA is built before the
    first real request (its first parses are several times slower). Optional: call it at server
    start; bench/sqlite_parse.py measures what it saves."""
    frontend = SQLiteFrontend(portable_names=False, cache=False)
    for sql in WARM_UP_STATEMENTS:
        frontend.parse(sql)
