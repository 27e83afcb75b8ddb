"""Lowering MySQL into the IR: sqlglot's reading, adjusted to what MySQL means.

Before parsing, token rewrites for valid MySQL that sqlglot cannot parse as written; after
parsing, fix-ups of the tree where sqlglot's reading differs from MySQL's (`fix_tree`). Both run
only for the `Features` the token scan found.

Each token rewrite turns the statement into a form sqlglot parses, to check its syntax and find its
tables. When the IR then cannot hold the statement faithfully (INTO OUTFILE, index hints on an
UPDATE), the rewrite names the construct and the front end returns a Statement without a tree: it
classifies, but transforms refuse it instead of dropping a part. REPLACE and the statement modifiers
sqlglot has no field for are put back on the tree after parsing (`write_forms`).
Rewrites that keep the meaning exactly (ODBC date escapes, `DELETE t.*`) keep the tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from dialects.mysql import window_options
from dialects.mysql.errors import token_error
from dialects.mysql.rules import (
    EQUIVALENT_SPELLINGS,
    FULL_KEYWORD_AFTER,
    ODBC_TEMPORAL_NAMES,
    SELECT_OPTION_WORDS,
    TYPE_SYNONYMS,
)
from dialects.mysql.rules import INTERVAL_UNITS as INTERVAL_UNIT_WORDS
from dialects.mysql.token_rules import JOIN_WORDS, Features, prev_type, reserved_word_qualifier
from sqlparser.ir import DML_WRITES, set_statement_modifiers
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
"""{d '...'}, {t '...'}, {ts '...'}: ODBC escapes MySQL reads as DATE / TIME / TIMESTAMP literals
(names in lower case only: `rules.ODBC_TEMPORAL_NAMES`); any other `{name expr}` is just `expr`."""

EXPORT_TARGETS: frozenset[str] = frozenset({"OUTFILE", "DUMPFILE"})

_EXPORT_FIELD_OPTIONS: dict[str, tuple[str, ...]] = {
    "FIELDS": ("TERMINATED", "OPTIONALLY", "ENCLOSED", "ESCAPED"),
    "COLUMNS": ("TERMINATED", "OPTIONALLY", "ENCLOSED", "ESCAPED"),
    "LINES": ("STARTING", "TERMINATED"),
}


@dataclass(slots=True)
class Rewrite:
    """The tokens `apply` made for sqlglot and what it took out. Made once per statement and only
    read after: not frozen, whose `__init__` (an `object.__setattr__` per field) costs about three times as much."""

    tokens: list[Token]
    unsupported: str | None = None
    operation: OperationType | None = None
    replace: bool = False
    """The statement is a REPLACE (parsed as INSERT): `write_forms` marks the tree."""
    modifiers: tuple[str, ...] = ()
    """Statement modifiers removed for sqlglot (LOW_PRIORITY, QUICK, ...): `write_forms` keeps them."""


def replace_as_insert(sql: str, tokens: list[Token], tokenize: Callable[[str], list[Token]]) -> list[Token] | None:
    """REPLACE ... has INSERT's grammar; sqlglot's MySQL tokenizer swallows everything after a
    leading REPLACE into one string. Re-tokenize with INSERT in its place (same length, so every
    position stays right); None when the statement does not start with REPLACE."""
    if len(tokens) < 2 or tokens[0].token_type is not TokenType.REPLACE or tokens[1].token_type is not TokenType.STRING:
        return None
    start = tokens[0].start
    return tokenize(sql[:start] + "INSERT " + sql[start + len("REPLACE"):])


def apply(tokens: list[Token], sql: str, found: Features, *, replace: bool = False,
          statement: bool = True) -> Rewrite:
    """Rewrite `tokens` (one statement, already checked by the token rules) for sqlglot.

    `found` says which rewrites can apply at all, so the others are skipped without another pass
    over the tokens. `replace` when `replace_as_insert` made the tokens; `statement=False` for a
    WHERE condition, which has no INTO clause or DELETE targets to rewrite."""
    unsupported: list[str] = []
    operation: OperationType | None = None
    modifiers: list[str] = []
    if found.braces:
        tokens = odbc_escapes(tokens, sql)
    if not tokens:
        return Rewrite(tokens)
    head = "REPLACE" if replace else tokens[0].text.upper()
    if replace:
        operation = OperationType.INSERT
    if found.type_synonym:
        tokens = type_synonyms(tokens)
    if found.empty_hint:
        # MySQL ignores an optimizer hint comment with no hints in it; sqlglot cannot read one.
        tokens = [t for t in tokens if t.token_type is not TokenType.HINT or any(c.strip() for c in t.comments)]
    if found.full_name:
        tokens = _full_as_name(tokens)
    if found.word_qualifier:
        # the reserved words MySQL reads as names here are quoted names to sqlglot
        tokens = [retyped(t, TokenType.IDENTIFIER, t.text) if reserved_word_qualifier(tokens, k, sql) else t
                  for k, t in enumerate(tokens)]
    if found.select_options:
        tokens = _select_options(tokens)
    if found.window_options:
        tokens = window_options.rewrite(tokens, sql)
    if head in ("CREATE", "ALTER") and any(t.token_type is TokenType.TABLE for t in tokens[1:4]):
        tokens = generated_columns(tokens, head)
        if head == "ALTER":
            tokens = rename_as(tokens)
    if head in STATEMENT_MODIFIERS:
        tokens, modifiers = _strip_modifiers(tokens, head)
    if head == "DELETE" and found.star and statement:
        tokens = _delete_target_stars(tokens)
    if head == "UPDATE":
        tokens, hinted = _strip_update_index_hints(tokens)
        if hinted:
            unsupported.append("UPDATE with index hints")
    if found.equivalent:
        tokens = _equivalent_spellings(tokens)
    if found.interval_paren:
        tokens = _interval_calls(tokens)
    if found.equivalent:
        tokens = _aggregate_all(tokens)
    if found.into and statement and head in ("SELECT", "TABLE", "VALUES", "WITH", "("):
        tokens, exported = _strip_export(tokens, sql)
        if exported:
            unsupported.append(f"SELECT ... INTO {exported}")
    return Rewrite(tokens, "; ".join(unsupported) or None, operation, replace=replace, modifiers=tuple(modifiers))


def write_forms(tree: exp.Expression, rewrite: Rewrite) -> str | None:
    """Put back on the parsed tree what `apply` removed for sqlglot from a write statement: REPLACE
    (`Insert.alternative`, as SQLite's REPLACE) and the statement modifiers (the hint slot, see
    `sqlparser.ir.STATEMENT_MODIFIERS`). Returns the construct the IR cannot hold, if any."""
    if rewrite.replace:
        if not isinstance(tree, exp.Insert):
            return "REPLACE"
        tree.set("alternative", "REPLACE")
    if rewrite.modifiers:
        if not isinstance(tree, DML_WRITES):
            return " ".join(rewrite.modifiers)
        if tree.args.get("hint") is not None:
            # One hint slot: an optimizer hint and modifiers together cannot both be kept.
            return f"{' '.join(rewrite.modifiers)} with an optimizer hint"
        set_statement_modifiers(tree, rewrite.modifiers)
    return None


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
    (`INTERVAL (1 + 1) DAY`); sqlglot reads both as an interval, so name the call as a call. With
    a comma inside the parentheses it is the function whatever follows (`INTERVAL INTERVAL(1, 0) DAY`
    is an interval of INTERVAL(1, 0) days)."""
    out = list(tokens)
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if tok.token_type is not TokenType.INTERVAL or i + 1 >= n or tokens[i + 1].token_type is not TokenType.L_PAREN:
            continue
        depth = 0
        comma = False
        j = i + 1
        while j < n:
            if tokens[j].token_type is TokenType.L_PAREN:
                depth += 1
            elif tokens[j].token_type is TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    break
            elif tokens[j].token_type is TokenType.COMMA and depth == 1:
                comma = True
            j += 1
        after = tokens[j + 1].text.upper() if j + 1 < n else ""
        if comma or after not in INTERVAL_UNIT_WORDS:
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
        raise token_error(tokens[i] if i < n else tokens[-1], sql, f"INTO {target} needs a quoted file name")
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
                        raise token_error(tokens[min(i, n - 1)], sql, "OPTIONALLY must be followed by ENCLOSED BY")
                    i += 1
                if i + 1 >= n or tokens[i].text.upper() != "BY" or tokens[i + 1].token_type is not TokenType.STRING:
                    raise token_error(tokens[min(i, n - 1)], sql, f"{word} needs BY and a quoted string")
                i += 2
            if i == start:
                raise token_error(tokens[min(i, n - 1)], sql,
                                  f"{group} needs at least one option, as in TERMINATED BY ','")
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
                raise token_error(name or tok, sql, "an ODBC escape is {name expression}, as in {d '2024-01-01'}")
            literal = ODBC_LITERALS.get(name.text.upper()) if name.text in ODBC_TEMPORAL_NAMES else None
            if literal is not None:
                end = _closing_brace(tokens, i)
                string = _only_string(tokens[i + 2:end]) if end is not None else None
                if end is not None and string is not None:
                    # MySQL makes the literal whenever the content is a string item: `'...'`, but
                    # also `('...')` or a nested escape `{x '...'}` around one.
                    out.append(retyped(name, literal, name.text))
                    out.append(string)
                    i = end + 1
                    continue
            stack.append(tok)
            out.append(retyped(tok, TokenType.L_PAREN, "("))
            i += 2
            continue
        if tt is TokenType.R_BRACE:
            if not stack:
                raise token_error(tok, sql, "unmatched '}'")
            stack.pop()
            out.append(retyped(tok, TokenType.R_PAREN, ")"))
            i += 1
            continue
        out.append(tok)
        i += 1
    if stack:
        raise token_error(stack[-1], sql, "unmatched '{'")
    return out


def _closing_brace(tokens: list[Token], i: int) -> int | None:
    depth = 0
    for j in range(i, len(tokens)):
        tt = tokens[j].token_type
        if tt is TokenType.L_BRACE:
            depth += 1
        elif tt is TokenType.R_BRACE:
            depth -= 1
            if depth == 0:
                return j
    return None


def _only_string(tokens: list[Token]) -> Token | None:
    """The one string literal `tokens` consist of, around parentheses and `{name` ... `}` wrappers
    (what MySQL still sees as a string item), else None."""
    strings = []
    opened = closed = 0
    k = 0
    while k < len(tokens):
        tt = tokens[k].token_type
        if tt is TokenType.STRING:
            strings.append(tokens[k])
        elif tt is TokenType.L_BRACE and k + 1 < len(tokens) and tokens[k + 1].token_type in (TokenType.VAR,
                                                                                           TokenType.IDENTIFIER):
            opened += 1
            k += 1
        elif tt is TokenType.L_PAREN:
            if strings:
                return None
            opened += 1
        elif tt in (TokenType.R_PAREN, TokenType.R_BRACE):
            closed += 1
        else:
            return None
        k += 1
    return strings[0] if len(strings) == 1 and opened == closed else None


def type_synonyms(tokens: list[Token]) -> list[Token]:
    """Replace type words sqlglot reads as another type (`rules.TYPE_SYNONYMS`) by the type MySQL means."""
    out: list[Token] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        readings = TYPE_SYNONYMS.get(tok.text.upper()) if tok.token_type is not TokenType.IDENTIFIER else None
        if readings is None:
            out.append(tok)
            i += 1
            continue
        for words, token_type in readings:
            consumed = _tokens_for_words(tokens, i + 1, words)
            if consumed >= 0:
                out.append(retyped(tok, token_type, token_type.name))
                i += 1 + consumed
                break
    return out


def _tokens_for_words(tokens: list[Token], start: int, words: tuple[str, ...]) -> int:
    """How many tokens from `start` spell `words` exactly (sqlglot makes one token of `CHAR VARYING`), or -1."""
    got: list[str] = []
    k = start
    while len(got) < len(words) and k < len(tokens) and tokens[k].token_type is not TokenType.IDENTIFIER:
        got.extend(tokens[k].text.upper().split())
        k += 1
    return k - start if got == list(words) else -1


def rename_as(tokens: list[Token]) -> list[Token]:
    """ALTER TABLE t RENAME AS u and RENAME = u are RENAME TO u (MySQL's `opt_to` is TO, =, AS or
    nothing): drop the AS or = sqlglot does not read there."""
    out: list[Token] = []
    for i, tok in enumerate(tokens):
        if tok.token_type in (TokenType.ALIAS, TokenType.EQ) and i and tokens[i - 1].text.upper() == "RENAME" \
                and tokens[i - 1].token_type is not TokenType.IDENTIFIER:
            continue
        out.append(tok)
    return out


def _full_as_name(tokens: list[Token]) -> list[Token]:
    """FULL is a non-reserved word in MySQL: outside `MATCH FULL`, `SHOW FULL` and FULL [OUTER] JOIN
    (which the tree rules refuse) it is a name, such as a table alias (`FROM t full, u`)."""
    out = list(tokens)
    for i, tok in enumerate(tokens):
        if tok.token_type is TokenType.FULL and not (i + 1 < len(tokens) and tokens[i + 1].token_type in (
                TokenType.JOIN, TokenType.OUTER)) and not (i and tokens[i - 1].text.upper() in FULL_KEYWORD_AFTER):
            out[i] = retyped(tok, TokenType.VAR, tok.text)
    return out


_DISTINCT_WORDS = (TokenType.DISTINCT, TokenType.ALL)


def _select_options(tokens: list[Token]) -> list[Token]:
    """MySQL takes SELECT's options in any order (`SELECT SQL_CALC_FOUND_ROWS DISTINCT ...`); sqlglot
    reads ALL / DISTINCT / DISTINCTROW first only. Move them to the front of each option list (the
    order means nothing; the printers print options in their own order)."""
    out = list(tokens)
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if tok.token_type is not TokenType.SELECT:
            continue
        start = i + 1
        if start < n and tokens[start].token_type is TokenType.HINT:
            start += 1
        end = start
        while end < n and (tokens[end].token_type in _DISTINCT_WORDS or (
                tokens[end].token_type is TokenType.VAR and tokens[end].text.upper() in SELECT_OPTION_WORDS)):
            end += 1
        run = tokens[start:end]
        out[start:end] = [t for t in run if t.token_type in _DISTINCT_WORDS] + \
            [t for t in run if t.token_type not in _DISTINCT_WORDS]
    return out


_QUERY_STARTS = frozenset({TokenType.SELECT, TokenType.WITH, TokenType.TABLE, TokenType.VALUES, TokenType.L_PAREN})


def generated_columns(tokens: list[Token], head: str) -> list[Token]:
    """`b INT AS (expr)` is MySQL's short form of GENERATED ALWAYS AS (expr). sqlglot reads an
    expression after that AS, swallowing what follows the parentheses (`AS (a) NOT NULL` became
    `AS ((a) IS NOT NULL)`); spelled out, it reads the parenthesized expression only."""
    out: list[Token] = []
    depth = 0
    element_start: Token | None = None
    alter = head == "ALTER"
    for i, tok in enumerate(tokens):
        tt = tok.token_type
        if tt is TokenType.L_PAREN:
            depth += 1
            if depth == 1:
                element_start = tokens[i + 1] if i + 1 < len(tokens) else None
        elif tt is TokenType.R_PAREN:
            depth -= 1
        elif tt is TokenType.COMMA and depth == 1:
            element_start = tokens[i + 1] if i + 1 < len(tokens) else None
        elif (tt is TokenType.ALIAS and i + 1 < len(tokens) and tokens[i + 1].token_type is TokenType.L_PAREN
              and i and tokens[i - 1].text.upper() not in ("ALWAYS", "RENAME")
              and (depth == 1 or (alter and depth == 0))
              and (element_start is None or element_start.token_type not in _QUERY_STARTS)):
            out.append(retyped(tok, TokenType.VAR, "GENERATED"))
            out.append(retyped(tok, TokenType.VAR, "ALWAYS"))
        out.append(tok)
    return out

# -- after parsing: the tree --------------------------------------------------------------------


def fix_tree(tree: exp.Expression, tokens: list[Token], sql: str, found: Features, *,
             statement: bool = True) -> None:
    """Fix sqlglot's tree where it reads MySQL differently, in place. `tokens` are the ones it was
    parsed from; `statement=False` for a WHERE condition, where joins keep sqlglot's reading."""
    if found.typed_literal or found.braces:
        _mark_typed_literals(tree, tokens)
    if found.bare_join and statement:
        _mark_bare_joins(tree, tokens)
    if found.window_options:
        window_options.restore_from_last(tree)
    _restore_literals(tree, sql, found)


TYPED_LITERAL = "mysql_typed_literal"
"""Meta key on a Cast that was written as a DATE / TIME / TIMESTAMP literal (value: the keyword).
sqlglot reads `TIME '10:00:00.5'` as CAST('10:00:00.5' AS TIME), which MySQL evaluates
differently (the cast rounds to whole seconds, the literal keeps its digits; an invalid literal is
an error, an invalid cast NULL): the native printer prints the literal back as written."""

_LITERAL_KEYWORDS: dict[TokenType, str] = {TokenType.DATE: "DATE", TokenType.TIME: "TIME",
                                           TokenType.TIMESTAMP: "TIMESTAMP", TokenType.TIMESTAMPTZ: "TIMESTAMP"}


def _mark_typed_literals(tree: exp.Expression, tokens: list[Token]) -> None:
    """Tag the casts that are typed literals in the text (see TYPED_LITERAL)."""
    keywords = {tokens[i + 1].start: _LITERAL_KEYWORDS[tok.token_type] for i, tok in enumerate(tokens[:-1])
                if tok.token_type in _LITERAL_KEYWORDS and tokens[i + 1].token_type is TokenType.STRING}
    if not keywords:
        return
    for cast in tree.find_all(exp.Cast):
        literal = cast.this
        if isinstance(literal, exp.Literal) and literal.is_string and literal._meta:
            start = literal.meta.get("start")
            keyword = keywords.get(start) if isinstance(start, int) else None
            if keyword is not None:
                cast.meta[TYPED_LITERAL] = keyword


HEX_NUMBER = "mysql_hex_number"
"""Meta key on a HexString written 0x41 (not X'41'): MySQL reads both alike, MariaDB reads only
0x41 as a number in arithmetic, so the native printer keeps the form as written."""

_INTERVAL_AMOUNTS: dict[type[exp.Expr], str] = {exp.Interval: "this", exp.DateAdd: "expression",
                                                 exp.DateSub: "expression"}


def _restore_literals(tree: exp.Expression, sql: str, found: Features) -> None:
    if found.interval_number:
        # sqlglot turns the number of INTERVAL 1.5 DAY into the string '1.5' (a new node, without
        # a text position); MySQL rounds a number of days but truncates a string: 2 days, not 1.
        for node in tree.find_all(*_INTERVAL_AMOUNTS):
            amount = node.args.get(_INTERVAL_AMOUNTS[type(node)])
            # An integer amount means the same as a number or as a string: only the others change.
            if isinstance(amount, exp.Literal) and amount.is_string and not amount._meta \
                    and _NUMBER.fullmatch(amount.this) and not _INTEGER.fullmatch(amount.this):
                amount.replace(exp.Literal.number(amount.this))
    if found.hex_number:
        for hex_string in tree.find_all(exp.HexString):
            start = hex_string.meta.get("start") if hex_string._meta else None
            if isinstance(start, int) and sql.startswith("0x", start):
                hex_string.meta[HEX_NUMBER] = True


_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_INTEGER = re.compile(r"-?\d+")


def _mark_bare_joins(tree: exp.Expression, tokens: list[Token]) -> None:
    """`t1 JOIN t2` without a condition is an inner join with JOIN's precedence, but sqlglot's tree
    for it is the one for `t1, t2`, and the comma binds looser (`t1 JOIN t2 LEFT JOIN t3 USING (a)`
    and `t1, t2 LEFT JOIN t3 USING (a)` differ). Give such joins the kind MySQL treats as a synonym."""
    # Each join by the leftmost text position recorded in its table (or derived table).
    leftmost: dict[int, exp.Join] = {}
    for join in tree.find_all(exp.Join):
        if join.kind or join.side or join.method or join.args.get("on") or join.args.get("using"):
            continue
        starts = [sub.meta["start"] for sub in join.this.walk() if sub._meta and isinstance(sub.meta.get("start"), int)]
        if starts:
            leftmost[min(starts)] = join
    if not leftmost:
        return
    for i, tok in enumerate(tokens):
        if tok.token_type is not TokenType.JOIN or prev_type(tokens, i) in JOIN_WORDS:
            continue
        # The first recorded position after the keyword is the leftmost one of the join it starts.
        for later in tokens[i + 1:]:
            started = leftmost.get(later.start)
            if started is not None:
                started.set("kind", "CROSS")
                break

