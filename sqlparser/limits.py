"""Input limits, and running deep statements without RecursionError or a C stack overflow.

Parsers, passes and printers all recurse over the tree. Python's default recursion limit (1000
frames) breaks sqlglot near nesting depth 40, while SQLite itself accepts 1000. Shallow statements
(nearly all of them) run inline; a statement that looks deep, or that hits RecursionError inline,
is re-run on a worker thread with a large C stack and a raised recursion limit.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

from sqlparser import literal_runs
from sqlparser.errors import InvalidArgumentError, SQLParserError, SQLSyntaxError
from sqlparser.ir import line_column

MAX_SQL_BYTES = 1024 * 1024
"""Largest statement accepted, in UTF-8 bytes."""

MAX_NESTING_DEPTH = 1000
"""Deepest parenthesis nesting accepted (SQLite's own expression depth limit is 1000)."""

MAX_TOKENS = 50_000
"""Most tokens (names, numbers, strings, operators, punctuation) in one statement or condition,
not counting the long runs of plain literals that are folded (`sqlparser.literal_runs`).

It bounds the work per statement: the IR has about one node per token, and every stage (parse,
passes, printing) is linear in nodes. A folded run is one node whatever its length, and costs
a tiny amount of work per byte, so it is bounded by MAX_SQL_BYTES instead: a 120,000-item IN list,
a 20,000-term OR chain on one column or a 2,000-row INSERT of plain values are accepted. What is
not folded counts: a 1 MiB `SELECT a,a,...` would be half a million tokens."""

_INLINE_DEPTH = 24
_INLINE_CHARS = 16 * 1024
_DEEP_STACK_BYTES = 512 * 1024 * 1024
_DEEP_RECURSION_LIMIT = 200_000

T = TypeVar("T")
_PARENS = re.compile(r"[()]")


def check_sql_text(sql: object, *, what: str = "SQL statement") -> str:
    """Validate raw input before any parser sees it; returns the text unchanged."""
    if isinstance(sql, (bytes, bytearray, memoryview)):
        raise InvalidArgumentError(f"{what} must be text (str), got bytes; decode it first (for example as UTF-8)")
    if not isinstance(sql, str):
        raise InvalidArgumentError(f"{what} must be a str, got {type(sql).__name__}")
    if not sql or sql.isspace():  # (`not sql.strip()` without a copy of the text)
        raise InvalidArgumentError(f"empty {what}" if what != "SQL statement" else "empty SQL statement")
    if len(sql) > MAX_SQL_BYTES:
        raise InvalidArgumentError(f"{what} is larger than {MAX_SQL_BYTES} bytes; split it into smaller statements")
    try:
        # ASCII text (nearly all SQL) is its own UTF-8: its size without encoding a copy.
        size = len(sql) if sql.isascii() else len(sql.encode("utf-8"))
    except UnicodeEncodeError as err:
        # A lone surrogate (U+D800..U+DFFF) is no character: no engine or driver can take it, and
        # libpg_query fails on it outright. Say where it is.
        line, column = line_column(sql, err.start)
        code = ord(sql[err.start])
        raise SQLSyntaxError(f"lone surrogate U+{code:04X} in {what}; SQL text must be valid Unicode "
                             "(decode bytes with errors='strict' or 'replace')",
                             line=line, column=column, token=f"\\u{code:04x}",
                             sql=sql.encode("utf-8", "replace").decode("utf-8")) from None
    if size > MAX_SQL_BYTES:
        raise InvalidArgumentError(f"{what} is larger than {MAX_SQL_BYTES} bytes; split it into smaller statements")
    if len(sql) > MAX_TOKENS:  # a token is at least one character: shorter text is within the limit
        check_token_count(sql, what, foldable=True)
    nul = sql.find("\x00")
    if nul >= 0:
        line, column = line_column(sql, nul)
        raise SQLSyntaxError("NUL byte in SQL text; remove it or bind the value as a parameter",
                             line=line, column=column, token="\\x00", sql=sql.replace("\x00", "?"))
    return sql


# Quoted text and comments without backslash escapes in strings (SQLite, standard PostgreSQL
# strings end at \'); `_QUOTED` below reads them MySQL's way, 'a\'b' as one string.
_QUOTED_STANDARD = re.compile(r"'(?:[^']|'')*+(?P<q>')?|\"(?:[^\"]|\"\")*+(?P<d>\")?|`(?:[^`]|``)*+(?P<b>`)?"
                              r"|\[[^\]]*+(?P<s>\])?|/\*.*?(?:(?P<c>\*/)|\Z)|(?P<l>--)[^\n]*", re.DOTALL)
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _one_token(match: re.Match[str]) -> str:
    # A closed quote or comment is one token. An unclosed one (no closer group matched) runs to the
    # end of the text, and that rest is counted as plain tokens: an upper estimate no opener can
    # shrink (PostgreSQL's `$$ ' $$` is no quote to it), found in one pass. Before, each unclosed
    # opener searched to the end again, so 20,000 openers took seconds.
    return " ' " if match.lastgroup else match.group(0)


def count_tokens(sql: str, *, stop_after: int | None = None) -> int:
    """An upper estimate of the tokens of `sql` in any dialect (quoted text counts as one token);
    with `stop_after`, counting stops past that many.

    Counted under both readings of a backslash in a string, keeping the larger: text crafted to
    look quoted under one reading is counted under the other, so the limit cannot be dodged.
    """
    best = 0
    for quoted in (_QUOTED, _QUOTED_STANDARD):
        # `subn` counts the matches in C: a Python loop over them was most of the check's cost.
        # (`stop_after` is kept for callers; counting to the end costs about the same now.)
        best = max(best, _TOKEN.subn("", quoted.sub(_one_token, sql))[1])
        if stop_after is not None and best > stop_after:
            break
    return best


def check_token_count(sql: str, what: str = "SQL statement", *, foldable: bool = False) -> None:
    """Refuse `sql` when it has more than MAX_TOKENS tokens. With `foldable`, tokens inside runs of
    plain literals that some dialect's front end may fold (`literal_runs.find_runs`) do not count:
    this is the check before the dialect is known; the front end checks exactly what it does not
    fold (`CachedFrontend.parse`), and never parses an unfolded text over the limit."""
    if count_tokens(sql, stop_after=MAX_TOKENS) > MAX_TOKENS and not (foldable and _fits_folded(sql)):
        raise InvalidArgumentError(
            f"{what} has more than {MAX_TOKENS} tokens (sqlparser.limits.MAX_TOKENS; long runs of plain "
            "literals in IN lists, INSERT rows and OR chains on one column are not counted); split it: fewer "
            "rows per INSERT, fewer items per IN list or select list (bind a long list as one parameter or load "
            "it into a table), long values as bound parameters")


def _fits_folded(sql: str) -> bool:
    for quoting in literal_runs.QUOTINGS:
        runs = literal_runs.find_runs(sql, quoting)
        if not runs:
            continue
        if count_tokens(literal_runs.outside(sql, runs), stop_after=MAX_TOKENS) <= MAX_TOKENS:
            return True
    return False


def nesting_depth(sql: str) -> int:
    """Upper bound of parenthesis nesting, ignoring quoting (cheap, conservative)."""
    if sql.count("(") <= _INLINE_DEPTH:
        return sql.count("(")
    depth = best = 0
    for ch in _PARENS.findall(sql):
        if ch == "(":
            depth += 1
            if depth > best:
                best = depth
        elif ch == ")" and depth:
            depth -= 1
    return best


_QUOTED = re.compile(r"'(?:[^'\\]|\\.|'')*+(?P<q>')?|\"(?:[^\"\\]|\\.|\"\")*+(?P<d>\")?|`(?:[^`]|``)*+(?P<b>`)?"
                     r"|/\*.*?(?:(?P<c>\*/)|\Z)|(?P<l>--|#)[^\n]*", re.DOTALL)


def _blank_quoted(sql: str) -> str:
    # Parentheses inside string literals, quoted names and comments are data, not nesting:
    # blank them out (same length, so positions stay right).
    return _QUOTED.sub(lambda m: " " * len(m.group(0)) if m.lastgroup else m.group(0), sql)


def check_nesting(sql: str) -> int:
    depth = nesting_depth(sql)
    if depth > MAX_NESTING_DEPTH:
        # Only on this rare path: look again without quoted text before refusing the statement.
        sql = _blank_quoted(sql)
        depth = nesting_depth(sql)
    if depth > MAX_NESTING_DEPTH:
        # Point at the first parenthesis past the limit.
        level = 0
        for i, ch in enumerate(sql):
            if ch == "(":
                level += 1
                if level > MAX_NESTING_DEPTH:
                    line, column = line_column(sql, i)
                    raise SQLSyntaxError(
                        f"nesting deeper than {MAX_NESTING_DEPTH} levels; flatten the expression",
                        line=line, column=column, token="(", sql=None)
            elif ch == ")" and level:
                level -= 1
    return depth


def run_guarded(fn: Callable[[], T], sql: str) -> T:
    """Run `fn` (parse + passes + print of `sql`) so that depth never crashes the process."""
    depth = check_nesting(sql)
    if depth <= _INLINE_DEPTH and len(sql) < _INLINE_CHARS:
        try:
            return fn()
        except RecursionError:
            pass  # deep in a way parentheses do not show (NOT NOT NOT ..., long CASE chains)
    return _run_deep(fn)


_deep_lock = threading.Lock()


def _run_deep(fn: Callable[[], T]) -> T:
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn())
        except RecursionError:
            error.append(SQLParserError(
                f"statement is nested too deeply to process (limit {MAX_NESTING_DEPTH} levels); flatten it"))
        except BaseException as exc:  # re-raised in the caller's thread
            error.append(exc)

    # threading.stack_size and the recursion limit are process-wide: set them under a lock.
    # Deep calls are serialized; the raised limit is put back afterwards so that inline calls keep
    # Python's default guard (they run on an ordinary thread stack).
    with _deep_lock:
        old_limit = sys.getrecursionlimit()
        old_stack = threading.stack_size(_DEEP_STACK_BYTES)
        try:
            sys.setrecursionlimit(max(old_limit, _DEEP_RECURSION_LIMIT))
            worker = threading.Thread(target=target, name="sqlparser-deep", daemon=True)
            worker.start()
        finally:
            threading.stack_size(old_stack)
        try:
            worker.join()
        finally:
            sys.setrecursionlimit(old_limit)
    if error:
        raise error[0]
    return result[0]
