"""MySQL-compat input for the PostgreSQL front end: `?` placeholders and `backquoted` names.

Coze Studio writes SQL MySQL-style. PostgreSQL rejects both `?` as a parameter and backquoted names,
so when a statement does not parse as written, this pre-pass rewrites exactly those tokens and the
statement is parsed again:

- `` `name` `` becomes `"name"` (a doubled backquote inside stands for one backquote; a double quote
  inside is doubled). The name keeps its exact spelling, as a double-quoted name does.
- `?` in operand position becomes `$1`, `$2`, ... in order. A `?` right after an operand (a name, a
  literal, `)` or `]`) is PostgreSQL's jsonb `?` operator and is left alone; `=?`, `<>?`, `>=?` ...
  written without a space are split into the operator and a placeholder.

The scan is token-aware, never a regex over the raw text: string literals ('', E'', B'', X'', U&''),
dollar-quoted strings, quoted names, `--` and nested `/* */` comments pass through untouched.
The rewrite runs whenever such a token is present, even if the raw text parses: PostgreSQL reads
`x = ? - 1` as the (non-existent) prefix operator `?` and `` `a` `` as operators named by a
backquote, which is never what the author meant. No built-in PostgreSQL operator is a lone `?` in
operand position or contains a backquote, so valid PostgreSQL keeps its meaning.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from pglast.keywords import RESERVED_KEYWORDS

_OP_CHARS = frozenset("+-*/<>=~!@#%^&|?")
_WORD_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_WORD_CHARS = _WORD_START | frozenset("0123456789$")
# Keywords after which a value is expected, beyond the reserved ones (AND, OR, NOT, THEN, LIMIT ...).
_VALUE_KEYWORDS = frozenset({"between", "like", "ilike", "similar", "values", "escape", "is", "over", "set"}) | {
    k.lower() for k in RESERVED_KEYWORDS
}
_SPLITTABLE = frozenset({"=", "<", ">", "<=", ">=", "<>", "!=", "+", "-", "*", "/", "%", "||"})


class CompatLexError(Exception):
    """An unterminated backquoted name (the only lexical error this pass reports itself)."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class CompatText:
    """The rewritten statement and how to map its offsets back to the caller's text."""

    text: str
    placeholders: int
    backquotes: int
    # Sorted offsets in `text` where an edit begins, and the matching offsets in the original.
    _new: tuple[int, ...]
    _old: tuple[int, ...]

    def original_offset(self, offset: int) -> int:
        i = bisect.bisect_right(self._new, offset) - 1
        if i < 0:
            return offset
        if i % 2 == 0:  # inside a rewritten token: point at its start
            return self._old[i]
        return self._old[i] + (offset - self._new[i])


def _skip_quoted(sql: str, i: int, quote: str, backslash: bool) -> int:
    """Offset just past the closing quote of a literal starting at sql[i] == quote."""
    n = len(sql)
    j = i + 1
    while j < n:
        ch = sql[j]
        if backslash and ch == "\\":
            j += 2
            continue
        if ch == quote:
            if j + 1 < n and sql[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return n  # unterminated: let PostgreSQL's own lexer report it


def _skip_dollar(sql: str, i: int) -> int | None:
    """Past the end of a dollar-quoted string at sql[i] == '$', or None if this is no dollar quote."""
    j = i + 1
    n = len(sql)
    while j < n and ((sql[j] in _WORD_CHARS and sql[j] != "$") or ord(sql[j]) >= 0x80):
        j += 1
    if j >= n or sql[j] != "$" or (j > i + 1 and sql[i + 1].isdigit()):
        return None
    tag = sql[i : j + 1]
    end = sql.find(tag, j + 1)
    return n if end < 0 else end + len(tag)


def _skip_block_comment(sql: str, i: int) -> int:
    depth = 0
    n = len(sql)
    j = i
    while j < n:
        if sql.startswith("/*", j):
            depth += 1
            j += 2
        elif sql.startswith("*/", j):
            depth -= 1
            j += 2
            if depth == 0:
                return j
        else:
            j += 1
    return n


def rewrite(sql: str) -> CompatText | None:
    """Rewrite MySQL-style `?` and backquotes; None when the text has neither (nothing to do)."""
    if "?" not in sql and "`" not in sql:
        return None
    out: list[str] = []
    new_marks: list[int] = []
    old_marks: list[int] = []
    length = 0  # length of the output so far
    placeholders = backquotes = 0
    explicit_params = False
    first_placeholder = -1
    prev: str | None = None  # kind of the previous significant token: "operand", "open", "op", "kw"
    i = 0
    n = len(sql)
    start = 0  # start of the pending unchanged span

    def emit_edit(at: int, end: int, replacement: str) -> None:
        nonlocal length, start
        chunk = sql[start:at]
        out.append(chunk)
        length += len(chunk)
        new_marks.append(length)
        old_marks.append(at)
        out.append(replacement)
        length += len(replacement)
        new_marks.append(length)
        old_marks.append(end)
        start = end

    while i < n:
        ch = sql[i]
        if ch.isspace():
            i += 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
        elif ch == "'":
            i = _skip_quoted(sql, i, "'", backslash=False)
            prev = "operand"
        elif ch in "eE" and i + 1 < n and sql[i + 1] == "'":
            i = _skip_quoted(sql, i + 1, "'", backslash=True)
            prev = "operand"
        elif ch in "bBxXnN" and i + 1 < n and sql[i + 1] == "'":
            i = _skip_quoted(sql, i + 1, "'", backslash=False)
            prev = "operand"
        elif ch in "uU" and sql.startswith("&'", i + 1):
            i = _skip_quoted(sql, i + 2, "'", backslash=False)
            prev = "operand"
        elif ch in "uU" and sql.startswith('&"', i + 1):
            i = _skip_quoted(sql, i + 2, '"', backslash=False)
            prev = "operand"
        elif ch == '"':
            i = _skip_quoted(sql, i, '"', backslash=False)
            prev = "operand"
        elif ch == "`":
            j = i + 1
            name: list[str] = []
            while True:
                k = sql.find("`", j)
                if k < 0:
                    raise CompatLexError("unterminated backquoted name", i)
                name.append(sql[j:k])
                if k + 1 < n and sql[k + 1] == "`":
                    name.append("`")
                    j = k + 2
                    continue
                break
            text = "".join(name)
            if not text:
                raise CompatLexError("zero-length backquoted name", i)
            emit_edit(i, k + 1, '"' + text.replace('"', '""') + '"')
            backquotes += 1
            i = k + 1
            prev = "operand"
        elif ch == "$":
            end = _skip_dollar(sql, i)
            if end is not None:
                i = end
                prev = "operand"
            else:
                j = i + 1
                while j < n and sql[j].isdigit():
                    j += 1
                explicit_params = explicit_params or j > i + 1
                i = max(j, i + 1)
                prev = "operand"
        elif ch in _WORD_START or ord(ch) >= 0x80:
            j = i + 1
            while j < n and (sql[j] in _WORD_CHARS or ord(sql[j]) >= 0x80):
                j += 1
            word = sql[i:j].lower()
            prev = "kw" if word in _VALUE_KEYWORDS else "operand"
            i = j
        elif ch.isdigit() or (ch == "." and i + 1 < n and sql[i + 1].isdigit()):
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] in "._" or (sql[j] in "+-" and sql[j - 1] in "eE")):
                j += 1
            i = j
            prev = "operand"
        elif ch in _OP_CHARS:
            j = i
            while j < n and sql[j] in _OP_CHARS and not sql.startswith("--", j) and not sql.startswith("/*", j):
                j += 1
            run = sql[i:j]
            if run == "?" and prev != "operand":
                if first_placeholder < 0:
                    first_placeholder = i
                placeholders += 1
                emit_edit(i, j, f"${placeholders}")
                prev = "operand"
            elif len(run) > 1 and run.endswith("?") and run[:-1] in _SPLITTABLE:
                if first_placeholder < 0:
                    first_placeholder = j - 1
                placeholders += 1
                emit_edit(j - 1, j, f" ${placeholders}")
                prev = "operand"
            else:
                prev = "op"
            i = j
        elif ch in "([,;":
            prev = "open"
            i += 1
        elif ch in ")]":
            prev = "operand"
            i += 1
        elif ch == ":" and sql.startswith("::", i):
            prev = "op"
            i += 2
        else:
            prev = "open" if ch == ":" else "op"
            i += 1
    if placeholders == 0 and backquotes == 0:
        return None
    if placeholders and explicit_params:
        raise CompatLexError("the statement mixes ? placeholders with $n parameters; use one style",
                             first_placeholder)
    out.append(sql[start:])
    return CompatText("".join(out), placeholders, backquotes, tuple(new_marks), tuple(old_marks))
