"""MySQL-compat input for the PostgreSQL front end: `?` placeholders and `backquoted` names.

Coze Studio writes SQL MySQL-style. PostgreSQL rejects both `?` as a parameter and backquoted names,
so when a statement does not parse as written, this pre-pass rewrites exactly those tokens and the
statement is parsed again:

- `` `name` `` becomes `"name"` (a doubled backquote inside stands for one backquote; a double quote
  inside is doubled). The name keeps its exact spelling, as a double-quoted name does.
- `?` in operand position becomes `$1`, `$2`, ... in order. A `?` right after an operand (a name, a
  literal, `)` or `]`) is PostgreSQL's jsonb `?` operator and is left alone; `=?`, `<>?`, `>=?` ...
  written without a space are split into the operator and a placeholder.

The scan is token-aware (`sqlparser.tokenizer` with PostgreSQL's lexical rules plus backquoted names),
never a regex over the raw text: string literals ('', E'', B'', X'', N'', U&''), dollar-quoted
strings, quoted names, `--` and nested `/* */` comments pass through untouched.
The rewrite runs whenever such a token is present, even if the raw text parses: PostgreSQL reads
`x = ? - 1` as the (non-existent) prefix operator `?` and `` `a` `` as operators named by a
backquote, which is never what the author meant. No built-in PostgreSQL operator is a lone `?` in
operand position or contains a backquote, so valid PostgreSQL keeps its meaning.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from pglast.keywords import RESERVED_KEYWORDS

from sqlparser.tokenizer import WORD_CHAR, WORD_START, Kind, LexicalRules, Quote, tokenizer_for

_OP_CHARS = "+-*/<>=~!@#%^&|?"
POSTGRES_COMPAT_LEXICAL_RULES = LexicalRules(
    strings=(Quote("'", "'"), Quote("'", "'", prefix="e", backslash=True), Quote("'", "'", prefix="b"),
             Quote("'", "'", prefix="x"), Quote("'", "'", prefix="n"), Quote("'", "'", prefix="u&")),
    names=(Quote('"', '"'), Quote('"', '"', prefix="u&"), Quote("`", "`")),
    nested_comments=True,
    dollar_quoting=True,
    placeholders=r"\$[0-9]+",
    placeholder_starts="$",
    operators=("::", "(", ")", "[", "]", ",", ";", ":", "."),
    operator_chars=_OP_CHARS,
    number_junk=rf"[{WORD_START}][{WORD_CHAR}]*",
    # Python's notion of whitespace, as this pre-pass always had (PostgreSQL's own is ASCII only).
    whitespace=r"\s",
)
"""PostgreSQL's lexical rules, plus MySQL's backquoted names (and minus the backquote as an
operator character)."""

_TOKENIZER = tokenizer_for(POSTGRES_COMPAT_LEXICAL_RULES)

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

    for kind, i, j in _TOKENIZER.tokens(sql):
        ch = sql[i]
        if kind is Kind.QUOTED_NAME and ch == "`":
            text = sql[i + 1 : j - 1].replace("``", "`")
            if not text:
                raise CompatLexError("zero-length backquoted name", i)
            emit_edit(i, j, '"' + text.replace('"', '""') + '"')
            backquotes += 1
            prev = "operand"
        elif kind is Kind.MALFORMED and ch == "`":
            raise CompatLexError("unterminated backquoted name", i)
        elif kind is Kind.WORD:
            prev = "kw" if sql[i:j].lower() in _VALUE_KEYWORDS else "operand"
        elif kind is Kind.PARAMETER:
            explicit_params = True
            prev = "operand"
        elif kind is Kind.OPERATOR and ch in _OP_CHARS:
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
        elif kind is Kind.OPERATOR:
            prev = "open" if sql[i:j] in ("(", "[", ",", ";", ":") else "operand" if ch in ")]" else "op"
        elif kind is Kind.UNKNOWN:
            # A lone `$` (no digits, no dollar quote) has always counted as an operand here.
            prev = "operand" if ch == "$" else "op"
        else:  # numbers, strings, quoted names, malformed literals
            prev = "operand"
    if placeholders == 0 and backquotes == 0:
        return None
    if placeholders and explicit_params:
        raise CompatLexError("the statement mixes ? placeholders with $n parameters; use one style",
                             first_placeholder)
    out.append(sql[start:])
    return CompatText("".join(out), placeholders, backquotes, tuple(new_marks), tuple(old_marks))
