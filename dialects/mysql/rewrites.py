"""Token rewrites for valid MySQL that sqlglot cannot parse as written.

Each rewrite turns the statement into a form sqlglot parses, to check its syntax and find its
tables. When the IR then cannot hold the statement faithfully (REPLACE, INTO OUTFILE, statement
modifiers sqlglot has no field for), the rewrite names the construct and the front end returns a
Statement without a tree: it classifies, but transforms refuse it instead of dropping a part.
Rewrites that keep the meaning exactly (ODBC date escapes, `DELETE t.*`) keep the tree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlglot.tokens import Token, TokenType

from dialects.mysql.rules import INTERVAL_UNITS as INTERVAL_UNIT_WORDS
from sqlparser.errors import SQLSyntaxError
from sqlparser.portable_names import offset_position
from sqlparser.types import OperationType

# Modifiers right after the statement keyword, as MySQL's grammar orders them: each entry is a
# sequence of slots, each slot the words allowed there (at most one word per slot).
STATEMENT_MODIFIERS: dict[str, tuple[frozenset[str], ...]] = {
    "INSERT": (frozenset({"LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY"}), frozenset({"IGNORE"})),
    "REPLACE": (frozenset({"LOW_PRIORITY", "DELAYED"}),),
    "UPDATE": (frozenset({"LOW_PRIORITY"}), frozenset({"IGNORE"})),
    # DELETE options may come in any order: one slot per option, matched repeatedly below.
    "DELETE": (frozenset({"LOW_PRIORITY", "QUICK", "IGNORE"}),) * 3,
}

# Modifiers the IR keeps (sqlglot has `Insert.ignore`): no need to drop the tree for them.
REPRESENTABLE_MODIFIERS: dict[str, frozenset[str]] = {"INSERT": frozenset({"IGNORE"})}

ODBC_LITERALS: dict[str, TokenType] = {"D": TokenType.DATE, "T": TokenType.TIME, "TS": TokenType.TIMESTAMP}
"""{d '...'}, {t '...'}, {ts '...'}: ODBC escapes MySQL reads as DATE / TIME / TIMESTAMP literals;
any other `{name expr}` is just `expr`."""

EXPORT_TARGETS: frozenset[str] = frozenset({"OUTFILE", "DUMPFILE"})

_EXPORT_FIELD_OPTIONS: dict[str, tuple[str, ...]] = {
    "FIELDS": ("TERMINATED", "OPTIONALLY", "ENCLOSED", "ESCAPED"),
    "COLUMNS": ("TERMINATED", "OPTIONALLY", "ENCLOSED", "ESCAPED"),
    "LINES": ("STARTING", "TERMINATED"),
}


@dataclass(frozen=True)
class Rewrite:
    tokens: list[Token]
    unsupported: str | None = None
    operation: OperationType | None = None


def replace_as_insert(sql: str, tokens: list[Token], tokenize: Callable[[str], list[Token]]) -> list[Token] | None:
    """REPLACE ... has INSERT's grammar; sqlglot's MySQL tokenizer swallows everything after a
    leading REPLACE into one string. Re-tokenize with INSERT in its place (same length, so every
    position stays right); None when the statement does not start with REPLACE."""
    if len(tokens) < 2 or tokens[0].token_type is not TokenType.REPLACE or tokens[1].token_type is not TokenType.STRING:
        return None
    start = tokens[0].start
    return tokenize(sql[:start] + "INSERT " + sql[start + len("REPLACE"):])


def apply(tokens: list[Token], sql: str, *, braces: bool = False, into: bool = True, star: bool = True,
          equivalents: bool = True, interval_calls: bool = True, replace: bool = False) -> Rewrite:
    """Rewrite `tokens` (one statement, already checked by the token rules) for sqlglot.

    `braces`, `into`, `star` and `equivalents` say whether the statement has `{`, INTO, `*` or a
    spelling in EQUIVALENT_SPELLINGS at all, so that the rewrites needing them are skipped without
    another pass over the tokens."""
    unsupported: list[str] = []
    operation: OperationType | None = None
    if braces:
        tokens = odbc_escapes(tokens, sql)
    if not tokens:
        return Rewrite(tokens)
    head = "REPLACE" if replace else tokens[0].text.upper()
    if replace:
        unsupported.append("REPLACE")
        operation = OperationType.INSERT
    if head in STATEMENT_MODIFIERS:
        tokens, dropped = _strip_modifiers(tokens, head)
        if dropped:
            unsupported.append(f"{head} {' '.join(dropped)}")
    if head == "DELETE" and star:
        tokens = _delete_target_stars(tokens)
    if head == "UPDATE":
        tokens, hinted = _strip_update_index_hints(tokens)
        if hinted:
            unsupported.append("UPDATE with index hints")
    if equivalents:
        tokens = _equivalent_spellings(tokens)
    if interval_calls:
        tokens = _interval_calls(tokens)
    if equivalents:
        tokens = _aggregate_all(tokens)
    if into and head in ("SELECT", "TABLE", "VALUES", "WITH", "("):
        tokens, exported = _strip_export(tokens, sql)
        if exported:
            unsupported.append(f"SELECT ... INTO {exported}")
    return Rewrite(tokens, "; ".join(unsupported) or None, operation)


def retyped(tok: Token, token_type: TokenType, text: str) -> Token:
    return Token(token_type, text, tok.line, tok.col, tok.start, tok.end, tok.comments)


def _strip_modifiers(tokens: list[Token], head: str) -> tuple[list[Token], list[str]]:
    slots = STATEMENT_MODIFIERS[head]
    keep = REPRESENTABLE_MODIFIERS.get(head, frozenset())
    i = 1
    dropped: list[str] = []
    kept: list[Token] = []
    seen: set[str] = set()
    for slot in slots:
        if i >= len(tokens):
            break
        word = tokens[i].text.upper()
        if word in slot and word not in seen and tokens[i].token_type is not TokenType.IDENTIFIER:
            seen.add(word)
            if word in keep:
                kept.append(tokens[i])
            else:
                dropped.append(word)
            i += 1
    if not dropped:
        return tokens, []
    return [tokens[0], *kept, *tokens[i:]], dropped


def _delete_target_stars(tokens: list[Token]) -> list[Token]:
    # DELETE t1.*, t2 FROM ... / DELETE FROM t1.* USING ...: `t.*` names the table t, nothing more.
    # Only the multiple-table forms take it: DELETE FROM t.* alone is an error (left to sqlglot).
    if len(tokens) < 2 or (tokens[1].token_type is TokenType.FROM
                           and not any(t.token_type is TokenType.USING for t in tokens)):
        return tokens
    out: list[Token] = []
    i = 0
    n = len(tokens)
    depth = 0
    while i < n:
        tok = tokens[i]
        tt = tok.token_type
        if tt is TokenType.L_PAREN:
            depth += 1
        elif tt is TokenType.R_PAREN:
            depth -= 1
        if (depth == 0 and tt is TokenType.DOT and i + 1 < n and tokens[i + 1].token_type is TokenType.STAR
                and (i + 2 >= n or tokens[i + 2].token_type in (TokenType.COMMA, TokenType.FROM, TokenType.USING))):
            i += 2
            continue
        if tt is TokenType.WHERE:
            out.extend(tokens[i:])
            break
        out.append(tok)
        i += 1
    return out


INDEX_HINT_VERBS: frozenset[str] = frozenset({"USE", "FORCE", "IGNORE"})
INDEX_HINT_NOUNS: frozenset[str] = frozenset({"INDEX", "KEY"})
INDEX_HINT_SCOPES: tuple[tuple[str, ...], ...] = (("JOIN",), ("ORDER", "BY"), ("GROUP", "BY"), ("ORDER BY",),
                                                  ("GROUP BY",))


def _strip_update_index_hints(tokens: list[Token]) -> tuple[list[Token], bool]:
    """Drop USE/FORCE/IGNORE INDEX (...) from an UPDATE's table references (before SET): sqlglot
    reads index hints in SELECT only. The statement then has no tree (the hints cannot be kept)."""
    out: list[Token] = []
    i = 0
    n = len(tokens)
    found = False
    while i < n:
        tok = tokens[i]
        if tok.token_type is TokenType.SET:
            out.extend(tokens[i:])
            break
        if (tok.text.upper() in INDEX_HINT_VERBS and i + 2 < n and tokens[i + 1].text.upper() in INDEX_HINT_NOUNS):
            j = i + 2
            if tokens[j].text.upper() == "FOR":
                j += 1
                for scope in INDEX_HINT_SCOPES:
                    if [t.text.upper() for t in tokens[j:j + len(scope)]] == list(scope):
                        j += len(scope)
                        break
            if j < n and tokens[j].token_type is TokenType.L_PAREN:
                depth = 0
                while j < n:
                    if tokens[j].token_type is TokenType.L_PAREN:
                        depth += 1
                    elif tokens[j].token_type is TokenType.R_PAREN:
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                if j < n:
                    i = j + 1
                    found = True
                    continue
                # Unclosed: leave it for the parser to report.
        out.append(tok)
        i += 1
    return (out, True) if found else (tokens, False)


EQUIVALENT_SPELLINGS: dict[tuple[str, str], frozenset[str] | None] = {
    # CAST(x AS SIGNED INT) is CAST(x AS SIGNED): sqlglot reads SIGNED [INTEGER] only.
    ("SIGNED", "INT"): None,
    ("UNSIGNED", "INT"): None,
    # AVG(DISTINCT ALL x) is AVG(DISTINCT x): these aggregates' argument takes an optional ALL
    # (COUNT(DISTINCT ALL x) and SELECT DISTINCT ALL are errors, so the call name is required).
    ("DISTINCT", "ALL"): frozenset({"AVG", "SUM", "MIN", "MAX"}),
    ("DISTINCTROW", "ALL"): frozenset({"AVG", "SUM", "MIN", "MAX"}),
}
"""Two-word spellings sqlglot cannot read whose second word can be dropped without changing the
meaning; when a set of names is given, only right after `NAME(`."""


def _equivalent_spellings(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    skip = -1
    for i, tok in enumerate(tokens):
        if i == skip:
            continue
        if i + 1 < len(tokens):
            pair = (tok.text.upper(), tokens[i + 1].text.upper())
            if pair in EQUIVALENT_SPELLINGS:
                calls = EQUIVALENT_SPELLINGS[pair]
                if calls is None or (i >= 2 and tokens[i - 1].token_type is TokenType.L_PAREN
                                     and tokens[i - 2].text.upper() in calls):
                    skip = i + 1
        out.append(tok)
    return out


ALL_ARGUMENT_CALLS: frozenset[str] = frozenset({"JSON_OBJECTAGG"})
"""Aggregates whose arguments may each start with ALL (a no-op) that sqlglot cannot read there;
it reads `SUM(ALL x)` and the other one-argument aggregates itself."""


def _aggregate_all(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    calls: list[bool] = []  # per open parenthesis: is it an ALL_ARGUMENT_CALLS call?
    for i, tok in enumerate(tokens):
        tt = tok.token_type
        if tt is TokenType.L_PAREN:
            calls.append(i > 0 and tokens[i - 1].text.upper() in ALL_ARGUMENT_CALLS)
        elif tt is TokenType.R_PAREN:
            if calls:
                calls.pop()
        elif (tt is TokenType.ALL and calls and calls[-1]
              and tokens[i - 1].token_type in (TokenType.L_PAREN, TokenType.COMMA)):
            continue
        out.append(tok)
    return out


def _interval_calls(tokens: list[Token]) -> list[Token]:
    """INTERVAL(n, n1, ...) is MySQL's INTERVAL() function unless a unit follows the parentheses
    (`INTERVAL (1 + 1) DAY`); sqlglot reads both as an interval, so name the call as a call."""
    out = list(tokens)
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if tok.token_type is not TokenType.INTERVAL or i + 1 >= n or tokens[i + 1].token_type is not TokenType.L_PAREN:
            continue
        depth = 0
        j = i + 1
        while j < n:
            if tokens[j].token_type is TokenType.L_PAREN:
                depth += 1
            elif tokens[j].token_type is TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    break
            j += 1
        after = tokens[j + 1].text.upper() if j + 1 < n else ""
        if after not in INTERVAL_UNIT_WORDS:
            out[i] = retyped(tok, TokenType.VAR, tok.text)
    return out


def _strip_export(tokens: list[Token], sql: str) -> tuple[list[Token], str | None]:
    """Remove a top-level INTO OUTFILE / DUMPFILE clause after checking its grammar."""
    depth = 0
    n = len(tokens)
    for i, tok in enumerate(tokens):
        tt = tok.token_type
        if tt is TokenType.L_PAREN:
            depth += 1
        elif tt is TokenType.R_PAREN:
            depth -= 1
        elif tt is TokenType.INTO and depth == 0 and i + 1 < n and tokens[i + 1].text.upper() in EXPORT_TARGETS:
            target = tokens[i + 1].text.upper()
            end = _export_clause_end(tokens, i + 2, target, sql)
            return tokens[:i] + tokens[end:], target
    return tokens, None


def _export_clause_end(tokens: list[Token], i: int, target: str, sql: str) -> int:
    n = len(tokens)
    if i >= n or tokens[i].token_type is not TokenType.STRING:
        raise _error(tokens[i] if i < n else tokens[-1], sql, f"INTO {target} needs a quoted file name")
    i += 1
    if target == "DUMPFILE":
        return i
    if i + 2 < n and tokens[i].text.upper() in ("CHARACTER", "CHARSET"):
        i += 3 if tokens[i].text.upper() == "CHARACTER" else 2
    for group in ("FIELDS", "LINES"):
        if i < n and (tokens[i].text.upper() == group or (group == "FIELDS" and tokens[i].text.upper() == "COLUMNS")):
            options = _EXPORT_FIELD_OPTIONS[tokens[i].text.upper()]
            i += 1
            start = i
            while i < n and tokens[i].text.upper() in options:
                word = tokens[i].text.upper()
                i += 1
                if word == "OPTIONALLY":
                    if i >= n or tokens[i].text.upper() != "ENCLOSED":
                        raise _error(tokens[min(i, n - 1)], sql, "OPTIONALLY must be followed by ENCLOSED BY")
                    i += 1
                if i + 1 >= n or tokens[i].text.upper() != "BY" or tokens[i + 1].token_type is not TokenType.STRING:
                    raise _error(tokens[min(i, n - 1)], sql, f"{word} needs BY and a quoted string")
                i += 2
            if i == start:
                raise _error(tokens[min(i, n - 1)], sql, f"{group} needs at least one option, as in TERMINATED BY ','")
    return i


def odbc_escapes(tokens: list[Token], sql: str) -> list[Token]:
    out: list[Token] = []
    stack: list[Token] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        tt = tok.token_type
        if tt is TokenType.L_BRACE:
            name = tokens[i + 1] if i + 1 < n else None
            if name is None or name.token_type not in (TokenType.VAR, TokenType.IDENTIFIER) or i + 2 >= n:
                raise _error(name or tok, sql, "an ODBC escape is {name expression}, as in {d '2024-01-01'}")
            literal = ODBC_LITERALS.get(name.text.upper())
            if (literal is not None and tokens[i + 2].token_type is TokenType.STRING and i + 3 < n
                    and tokens[i + 3].token_type is TokenType.R_BRACE):
                out.append(retyped(name, literal, name.text))
                out.append(tokens[i + 2])
                i += 4
                continue
            stack.append(tok)
            out.append(retyped(tok, TokenType.L_PAREN, "("))
            i += 2
            continue
        if tt is TokenType.R_BRACE:
            if not stack:
                raise _error(tok, sql, "unmatched '}'")
            stack.pop()
            out.append(retyped(tok, TokenType.R_PAREN, ")"))
            i += 1
            continue
        out.append(tok)
        i += 1
    if stack:
        raise _error(stack[-1], sql, "unmatched '{'")
    return out


def _error(tok: Token, sql: str, reason: str) -> SQLSyntaxError:
    line, column = offset_position(sql, tok.start)
    return SQLSyntaxError(reason, line=line, column=column, token=sql[tok.start:tok.end + 1] or tok.text, sql=sql)
