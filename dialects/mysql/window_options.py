"""MySQL 8's options between a window function's call and its OVER, which sqlglot reads otherwise.

MySQL's grammar gives FIRST_VALUE, LAST_VALUE, NTH_VALUE, LEAD and LAG an optional null treatment
(`RESPECT NULLS` | `IGNORE NULLS`, `opt_null_treatment`) and NTH_VALUE also `FROM FIRST` | `FROM LAST`
(`opt_from_first_last`, before the null treatment), always right before the mandatory OVER.
sqlglot's MySQL reading drops IGNORE NULLS (IGNORE is a keyword token there) and has no FROM
FIRST / LAST at all, so:

- `check_null_treatment` (over the whole text) refuses a null treatment anywhere else, as MySQL does;
- `rewrite` (tokens, before sqlglot parses) drops the defaults RESPECT NULLS and FROM FIRST (they
  mean nothing: the IR stays the plain call), lets sqlglot read IGNORE NULLS into `exp.IgnoreNulls`,
  and marks an NTH_VALUE ... FROM LAST call with a placeholder name;
- `restore_from_last` (tree, after parsing) turns the marked call into `exp.NthValue` with
  `from_first=False`, sqlglot's own field for it.

MySQL 8 parses IGNORE NULLS and FROM LAST and then reports them as not supported yet (a run-time
error, not a syntax error); the IR keeps them, so a printer or a translation that cannot keep
them refuses by name instead of dropping them.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from dialects.mysql.errors import token_error
from dialects.mysql.rules import NULL_TREATMENT_CALLS

NTH_VALUE_FROM_LAST = "cozelite_nth_value_from_last"
"""Name an NTH_VALUE ... FROM LAST call gets for sqlglot (read as a plain call, then restored)."""

_WRITE_WORDS = frozenset({"INSERT", "UPDATE", "DELETE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "QUICK"})
"""After these, IGNORE is the statement modifier (`INSERT IGNORE nulls ...` writes a table named nulls)."""


def call_name(tokens: list[Token], close: int) -> int | None:
    """Index of the name of the call whose `)` is tokens[close], or None when it is not a call."""
    if close < 0 or tokens[close].token_type is not TokenType.R_PAREN:
        return None
    depth = 0
    for j in range(close, -1, -1):
        tt = tokens[j].token_type
        if tt is TokenType.R_PAREN:
            depth += 1
        elif tt is TokenType.L_PAREN:
            depth -= 1
            if depth == 0:
                name = j - 1
                if name < 0 or tokens[name].token_type in (TokenType.IDENTIFIER, TokenType.STRING) \
                        or (name and tokens[name - 1].token_type is TokenType.DOT):
                    return None
                return name
    return None


def _from_first_last(tokens: list[Token], j: int) -> bool:
    """Do tokens[j - 1], tokens[j] spell FROM FIRST or FROM LAST?"""
    return j >= 1 and tokens[j].text.upper() in ("FIRST", "LAST") and tokens[j - 1].token_type is TokenType.FROM


def check_null_treatment(tokens: list[Token], sql: str) -> None:
    """Refuse RESPECT / IGNORE NULLS anywhere but between one of NULL_TREATMENT_CALLS and OVER."""
    n = len(tokens)
    for i in range(n - 1):
        word = tokens[i].text.upper()
        if word not in ("RESPECT", "IGNORE") or tokens[i + 1].token_type is not TokenType.VAR \
                or tokens[i + 1].text.upper() != "NULLS":
            continue
        if word == "IGNORE" and i and (tokens[i - 1].text.upper() in _WRITE_WORDS
                                       or tokens[i - 1].token_type is TokenType.HINT):
            continue
        close = i - 3 if _from_first_last(tokens, i - 1) else i - 1
        name = call_name(tokens, close)
        if name is None or tokens[name].text.upper() not in NULL_TREATMENT_CALLS \
                or i + 2 >= n or tokens[i + 2].token_type is not TokenType.OVER:
            raise token_error(tokens[i], sql, f"{word} NULLS goes between a call of FIRST_VALUE, LAST_VALUE, "
                              f"NTH_VALUE, LEAD or LAG and its OVER, as in FIRST_VALUE(a) {word} NULLS OVER w")


def has_options(tokens: list[Token], over: int) -> bool:
    """Does a null treatment or FROM FIRST / LAST come right before the OVER at tokens[over]?"""
    before = tokens[over - 1].text.upper() if over else ""
    return before == "NULLS" or (before in ("FIRST", "LAST") and over >= 2
                                 and tokens[over - 2].token_type is TokenType.FROM)


def rewrite(tokens: list[Token], sql: str) -> list[Token]:
    """The tokens with each call's window options spelled the way sqlglot reads them (module doc)."""
    out = list(tokens)
    drop: set[int] = set()
    for i, tok in enumerate(tokens):
        if tok.token_type is not TokenType.OVER or not has_options(tokens, i):
            continue
        j = i - 1
        if tokens[j].text.upper() == "NULLS" and j >= 1 and tokens[j - 1].text.upper() in ("RESPECT", "IGNORE"):
            if tokens[j - 1].text.upper() == "RESPECT":
                drop.update((j - 1, j))
            else:
                out[j - 1] = Token(TokenType.VAR, tokens[j - 1].text, tokens[j - 1].line, tokens[j - 1].col,
                                   tokens[j - 1].start, tokens[j - 1].end, tokens[j - 1].comments)
            j -= 2
        if not _from_first_last(tokens, j):
            continue
        name = call_name(tokens, j - 2)
        if name is None or tokens[name].text.upper() != "NTH_VALUE":
            raise token_error(tokens[j - 1], sql, f"FROM {tokens[j].text.upper()} goes between NTH_VALUE(...) and "
                              "its OVER only")
        if _argument_count(tokens, name + 1, j - 2) != 2:
            raise token_error(tokens[name], sql, "NTH_VALUE takes two arguments, as in NTH_VALUE(a, 2)")
        drop.update((j - 1, j))
        if tokens[j].text.upper() == "LAST":
            at = tokens[name]
            out[name] = Token(TokenType.VAR, NTH_VALUE_FROM_LAST, at.line, at.col, at.start, at.end, at.comments)
    return [t for k, t in enumerate(out) if k not in drop] if drop else out


def _argument_count(tokens: list[Token], open_paren: int, close: int) -> int:
    if close == open_paren + 1:
        return 0
    depth = 0
    count = 1
    for tok in tokens[open_paren:close]:
        if tok.token_type is TokenType.L_PAREN:
            depth += 1
        elif tok.token_type is TokenType.R_PAREN:
            depth -= 1
        elif tok.token_type is TokenType.COMMA and depth == 1:
            count += 1
    return count


def restore_from_last(tree: exp.Expression) -> None:
    """Turn each call `rewrite` marked back into NTH_VALUE with `from_first=False`, in place."""
    for call in list(tree.find_all(exp.Anonymous)):
        if str(call.this).lower() == NTH_VALUE_FROM_LAST:
            value, offset = call.expressions
            call.replace(exp.NthValue(this=value, offset=offset, from_first=False))
