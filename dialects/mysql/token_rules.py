"""The token-level rules of the MySQL front end, applied in one scan over a statement's tokens.

MySQL rejects much that sqlglot's tokens already show (a trailing comma, `::` casts, a second
statement, chained comparisons sqlglot would nest the other way): each such rule is a function of
the token and its neighbours, found by the token's type in `_TOKEN_RULES`. The same scan notes the
`Features` of the statement, so that the rewrites and fix-ups of `lower` run only when they can
apply. The tables the rules read are in `dialects.mysql.rules`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot.dialects.mysql import MySQL
from sqlglot.tokens import Token, TokenType

from dialects.mysql import rules
from dialects.mysql.errors import token_error
from dialects.mysql.window_options import check_null_treatment, has_options
from sqlparser.errors import SQLSyntaxError
from sqlparser.ir import line_column


@dataclass(slots=True)
class Features:
    """What the scan saw in a statement that a later step acts on: each rewrite of `lower` and
    each fix-up of the parsed tree runs only when its feature is present, so an ordinary
    statement costs no extra pass over its tokens or its tree."""

    braces: bool = False
    """`{`: ODBC escapes to rewrite (and DATE/TIME/TIMESTAMP literals they may spell)."""
    into: bool = False
    """INTO: an INTO OUTFILE / DUMPFILE clause to check and take out."""
    star: bool = False
    """`*`: `DELETE t.* FROM ...` targets."""
    equivalent: bool = False
    """A two-word spelling of `rules.EQUIVALENT_SPELLINGS`, or an ALL that may be an aggregate's no-op."""
    interval_paren: bool = False
    """`INTERVAL (`: maybe MySQL's INTERVAL() function rather than an interval."""
    type_synonym: bool = False
    """A word of `rules.TYPE_SYNONYMS` (LONG, REAL, INT8)."""
    opaque_call: bool = False
    """A call sqlglot would read with another meaning: kept as written."""
    typed_literal: bool = False
    """DATE / TIME / TIMESTAMP before a string: a typed literal to mark for the native printer."""
    bare_join: bool = False
    """JOIN with no kind word before it (sqlglot's tree for it is the one for a comma)."""
    interval_number: bool = False
    """INTERVAL before a number, whose amount sqlglot turns into a string."""
    hex_number: bool = False
    """A 0x... literal (MariaDB reads it differently from X'...')."""
    window_options: bool = False
    """RESPECT / IGNORE NULLS or FROM FIRST / LAST before an OVER (`window_options`)."""
    select_options: bool = False
    """ALL / DISTINCT after another SELECT option (MySQL takes them in any order, sqlglot first only)."""
    full_name: bool = False
    """FULL used as a name (a table alias), which sqlglot reads as the join keyword."""
    empty_hint: bool = False
    """An empty optimizer hint `/*+ */`, which MySQL ignores and sqlglot cannot read."""
    word_qualifier: bool = False
    """A reserved word right before `.name` (`SELECT.DESC`), which MySQL's lexer reads as a name."""


def check_text(tokens: list[Token], sql: str) -> None:
    """Rules over the whole text, run once it is tokenized (cheap tests on the text first)."""
    if "/*!" in sql:
        _reject_executable_comments(tokens, sql)
    # Both patterns need the word NULLS: an ASCII text without it skips two case-insensitive
    # searches of the whole text. (A non-ASCII text runs them: under IGNORECASE a non-ASCII
    # letter such as U+017F may match an ASCII one, which `lower` would not show.)
    if sql.isascii() and "nulls" not in sql.lower():
        return
    if _NULLS_ORDER.search(sql):
        _reject_nulls_order(tokens, sql)
    if _NULL_TREATMENT.search(sql):
        check_null_treatment(tokens, sql)


_NULLS_ORDER = re.compile(r"(?i)\bnulls\s+(first|last)\b")
_NULL_TREATMENT = re.compile(r"(?i)\b(respect|ignore)\s+nulls\b")


def _reject_nulls_order(tokens: list[Token], sql: str) -> None:
    for i in range(len(tokens) - 1):
        if tokens[i].text.upper() == "NULLS" and tokens[i].token_type is TokenType.VAR \
                and tokens[i + 1].text.upper() in ("FIRST", "LAST"):
            raise token_error(tokens[i], sql, "MySQL has no NULLS FIRST / NULLS LAST; order by `a IS NULL` first")


def _reject_executable_comments(tokens: list[Token], sql: str) -> None:
    # MySQL runs the text of /*! ... */ as SQL; sqlglot keeps it as a comment, so the statement
    # would mean one thing here and another on the server.
    quoted = [(t.start, t.end) for t in tokens if t.token_type in (TokenType.STRING, TokenType.IDENTIFIER)]
    for match in re.finditer(r"/\*!", sql):
        at = match.start()
        if not any(start <= at <= end for start, end in quoted):
            line, column = line_column(sql, at)
            raise SQLSyntaxError("MySQL executable comments (/*! ... */) are not supported: the server would run "
                                 "their text; write it as plain SQL or remove it",
                                 line=line, column=column, token="/*!", sql=sql)


EXECUTED_UP_TO_VERSION = 80000
"""`/*!NNNNN ... */` runs on a server whose version is NNNNN or later. Up to 8.0.0 every server this
dialect serves (MySQL 8, MariaDB 10+) runs it; above, whether the text runs depends on the server
(MariaDB 10.11 is 101100 and runs /*!90000 */, MySQL 8.0 does not), so it is refused."""

_VERSION = re.compile(r"\d{5,6}")


def unwrap_executable_comments(sql: str) -> str:
    """MySQL runs the text of `/*! ... */` (and `/*!NNNNN ... */` on servers of version NNNNN and
    later) as part of the statement: the statement *is* that text. Returns `sql` with the comment
    markers blanked out (same length, so positions stay right); the text inside is read like any
    other. Refuses (SQLSyntaxError) a version above EXECUTED_UP_TO_VERSION, MariaDB's `/*M!`, and
    an unclosed comment. Strings, quoted names and ordinary comments are left alone."""
    if "/*!" not in sql and "/*M!" not in sql:
        return sql
    out = list(sql)
    i, n = 0, len(sql)
    inside = False  # within an executable comment's text
    while i < n:
        ch = sql[i]
        if ch in "'\"`":
            i = _skip_quoted(sql, i)
            continue
        if ch == "#" or (sql.startswith("--", i) and (i + 2 >= n or sql[i + 2] in " \t\r\n")):
            end = sql.find("\n", i)
            i = n if end < 0 else end
            continue
        if inside and sql.startswith("*/", i):
            out[i] = out[i + 1] = " "
            inside = False
            i += 2
            continue
        if sql.startswith("/*", i):
            if sql.startswith("/*M!", i):
                _refuse(sql, i, "MariaDB's executable comments (/*M! ... */) run on MariaDB only; write the text "
                        "as plain SQL or remove it")
            if not sql.startswith("/*!", i):
                end = sql.find("*/", i + 2)
                if end < 0:
                    return "".join(out)  # an unclosed comment: the tokenizer reports it
                i = end + 2
                continue
            if inside:
                _refuse(sql, i, "executable comments do not nest")
            version = _VERSION.match(sql, i + 3)
            if version is not None and int(version.group()) > EXECUTED_UP_TO_VERSION:
                _refuse(sql, i, f"the text of /*!{version.group()} ... */ runs only on servers of that version or "
                        "later (MySQL and MariaDB number versions differently); write it as plain SQL or remove it")
            end = version.end() if version is not None else i + 3
            for k in range(i, end):
                out[k] = " "
            inside = True
            i = end
            continue
        i += 1
    if inside:
        _refuse(sql, sql.rfind("/*!"), "unclosed executable comment (/*! ... */)")
    return "".join(out)


def _skip_quoted(sql: str, i: int) -> int:
    """The index after the string or quoted name starting at `i` (the end of the text if unclosed)."""
    quote = sql[i]
    j = i + 1
    n = len(sql)
    while j < n:
        ch = sql[j]
        if ch == "\\" and quote != "`":
            j += 2
            continue
        if ch == quote:
            if j + 1 < n and sql[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return n


def _refuse(sql: str, at: int, reason: str) -> None:
    line, column = line_column(sql, at)
    raise SQLSyntaxError(reason, line=line, column=column, token=sql[at:at + 3], sql=sql)


def scan(tokens: list[Token], sql: str, *, statement: bool = True) -> tuple[list[Token], Features]:
    """Apply the token-level rules; return the tokens of the one statement (no trailing `;`) and
    its `Features`. `statement=False` for a WHERE condition (no statement-level rules).

    Runs on every statement, so the loop only looks a token's type up in `_TOKEN_RULES` and calls a
    rule for the few that have one. (sqlglot's TokenType is an IntEnum: its members hash as ints, in
    C, cheaper than an `id()` call per token.)
    """
    n = len(tokens)
    if statement and n and tokens[0].token_type in rules.NOT_STATEMENT_STARTS:
        raise token_error(tokens[0], sql, f"unrecognized statement: {tokens[0].text!r} does not start a statement "
                          "this parser reads (SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, ...)")
    found = Features()
    end = n
    get_rule = _TOKEN_RULES.get
    for i, tok in enumerate(tokens):
        rule = get_rule(tok.token_type)
        if rule is None:
            continue
        if rule is _semicolon_marker:
            for j in range(i + 1, n):
                if tokens[j].token_type is not TokenType.SEMICOLON:
                    raise token_error(tokens[j], sql, "only one statement is allowed; remove the text after ';' "
                                      "or send each statement separately")
            end = i
            break
        rule(tokens, i, sql, statement, found)
    if end and tokens[end - 1].token_type is TokenType.COMMA:
        raise token_error(tokens[end - 1], sql, "trailing comma at the end of the statement")
    if end and tokens[end - 1].token_type in rules.DANGLING_AT_END and not _set_to_on(tokens, end):
        raise token_error(tokens[end - 1], sql, f"the statement ends right after {tokens[end - 1].text.upper()}; "
                          "it is incomplete")
    if end == 0:
        raise SQLSyntaxError("empty statement", line=1, column=1, token=tokens[0].text if tokens else None, sql=sql)
    return (tokens if end == n else tokens[:end]), found


def _set_to_on(tokens: list[Token], end: int) -> bool:
    """`SET var = ON` (MySQL's spelling of a true system-variable value, e.g. foreign_key_checks):
    the ON that ends it is the value, not a dangling join condition."""
    return (end >= 3 and tokens[0].token_type is TokenType.SET and tokens[end - 1].token_type is TokenType.ON
            and tokens[end - 2].token_type is TokenType.EQ)


def prev_type(tokens: list[Token], i: int, back: int = 1) -> TokenType | None:
    """The type of the token `back` places before tokens[i], if there is one."""
    return tokens[i - back].token_type if i >= back else None


def _rule_unsupported(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    raise token_error(tokens[i], sql, rules.UNSUPPORTED_TOKENS[tokens[i].token_type])


def _rule_r_paren(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if i and tokens[i - 1].token_type is _COMMA:  # (prev_type, inline: one `)` or more per statement)
        raise token_error(tokens[i - 1], sql, "trailing comma before ')'")


_COMMA = TokenType.COMMA


def _rule_comma(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if i + 1 < len(tokens) and tokens[i + 1].token_type in rules.CLAUSE_KEYWORDS:
        raise token_error(tokens[i], sql, f"trailing comma before {tokens[i + 1].text.upper()}")


def _rule_on(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if i + 1 < len(tokens) and tokens[i + 1].token_type in rules.CLAUSE_KEYWORDS:
        raise token_error(tokens[i], sql, "ON needs a join condition")


def _rule_not(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if prev_type(tokens, i) in rules.NOT_AFTER and tokens[i].text.upper() == "NOT":
        raise token_error(tokens[i], sql, "NOT cannot follow an arithmetic or comparison operator; "
                          "parenthesize it, as in a = (NOT b)")


def _rule_with(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    prev = prev_type(tokens, i)
    if prev in rules.SET_OPERATIONS or (
        prev in (TokenType.ALL, TokenType.DISTINCT) and prev_type(tokens, i, 2) in rules.SET_OPERATIONS
    ):
        raise token_error(tokens[i], sql, "WITH cannot start the arm of a set operation; parenthesize the arm")


def _rule_string(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if i and tokens[i - 1].token_type in _TYPE_TOKENS and tokens[i - 1].text.upper() not in rules.TYPED_LITERALS:
        word = tokens[i - 1].text
        raise token_error(tokens[i - 1], sql, f"{word} '...' is not a MySQL literal; use CAST('...' AS type) "
                          "(only DATE, TIME and TIMESTAMP literals exist)")


# Type words sqlglot reads before a string as a typed literal. INTERVAL '1' DAY and CHARACTER SET 'x'
# are MySQL, so those two are not type words here.
_TYPE_TOKENS = frozenset(MySQL.parser_class.TYPE_TOKENS) - {TokenType.INTERVAL, TokenType.SET}


def _rule_distinct(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    prev = prev_type(tokens, i)
    if prev is TokenType.IS or (prev is TokenType.NOT and prev_type(tokens, i, 2) is TokenType.IS):
        raise token_error(tokens[i], sql, "MySQL has no IS [NOT] DISTINCT FROM; use a <=> b (NOT a <=> b)")
    if _equivalent_spelling(tokens, i):
        found.equivalent = True
    elif i + 1 < len(tokens) and tokens[i + 1].token_type is TokenType.ALL:
        raise token_error(tokens[i + 1], sql, f"{tokens[i].text.upper()} and ALL contradict each other; keep one")
    elif i and tokens[i - 1].text.upper() in rules.SELECT_OPTION_WORDS:
        found.select_options = True


def _rule_all(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if prev_type(tokens, i) in (TokenType.L_PAREN, TokenType.COMMA):
        found.equivalent = True
    elif i and tokens[i - 1].text.upper() in rules.SELECT_OPTION_WORDS:
        found.select_options = True


def _rule_over(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if has_options(tokens, i):
        found.window_options = True


def _rule_full(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    after = tokens[i + 1].token_type if i + 1 < len(tokens) else None
    if after not in (TokenType.JOIN, TokenType.OUTER) and not (i and tokens[i - 1].text.upper()
                                                               in rules.FULL_KEYWORD_AFTER):
        found.full_name = True


def _rule_dot(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if i and reserved_word_qualifier(tokens, i - 1, sql):
        found.word_qualifier = True


def reserved_word_qualifier(tokens: list[Token], i: int, sql: str) -> bool:
    """Is tokens[i] a reserved word that MySQL's lexer reads as a name? It does for a word directly
    followed by `.` and an identifier character (sql_lex.cc, MY_LEX_IDENT: no keyword lookup then),
    so `SELECT.DESC` names the table DESC of the database SELECT, as `SELECT`.`DESC` does."""
    word, dot = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else None
    if dot is None or dot.token_type is not TokenType.DOT or word.end + 1 != dot.start \
            or word.token_type in (TokenType.IDENTIFIER, TokenType.STRING):
        return False
    after = sql[dot.end + 1:dot.end + 2]
    return bool(after) and (after.isalnum() or after in "_$" or not after.isascii()) \
        and word.text.upper() in rules.RESERVED_WORDS


def _rule_hint(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if not any(comment.strip() for comment in tokens[i].comments):
        found.empty_hint = True


def _rule_equivalent(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if _equivalent_spelling(tokens, i):
        found.equivalent = True


def _equivalent_spelling(tokens: list[Token], i: int) -> bool:
    """Do tokens[i] and the next token spell an entry of `rules.EQUIVALENT_SPELLINGS`, in its place?"""
    if i + 1 < len(tokens):
        calls = rules.EQUIVALENT_SPELLINGS.get((tokens[i].text.upper(), tokens[i + 1].text.upper()), frozenset())
        return calls is None or (bool(calls) and i >= 2 and tokens[i - 1].token_type is TokenType.L_PAREN
                                 and tokens[i - 2].text.upper() in calls)
    return False


def _rule_datetime_literal(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and nxt.text.upper() in rules.ZONED_TYPE_WORDS and i + 2 < len(tokens) \
            and tokens[i + 2].text.upper() == "TIME":
        raise token_error(nxt, sql, "MySQL has no TIME ZONE types; use DATETIME or TIMESTAMP")
    if nxt is not None and nxt.token_type is TokenType.NUMBER and prev_type(tokens, i) is not TokenType.ALIAS:
        word = tokens[i].text.upper()
        raise token_error(nxt, sql, f"a {word} literal takes a quoted string, as in {word} '...'")
    if nxt is not None and nxt.token_type is TokenType.STRING:
        found.typed_literal = True


def _rule_number(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    # `.78.123`: sqlglot reads a dot and then the number 78.123; MySQL sees a malformed number.
    tok = tokens[i]
    if "." in tok.text and i and tokens[i - 1].token_type is TokenType.DOT and tokens[i - 1].end + 1 == tok.start:
        raise token_error(tokens[i - 1], sql, f"malformed number {sql[tokens[i - 1].start:tok.end + 1]!r}")


def _rule_binary_literal(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    _check_binary_literal(tokens[i], sql)
    if sql.startswith("0x", tokens[i].start):
        found.hex_number = True


def _rule_json_arrow(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    _check_json_arrow(tokens, i, sql)


def _rule_l_paren(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if not i:
        return
    name = tokens[i - 1].text.upper()
    # Each check below acts only on a name of `_CALL_RULE_NAMES`: the `(` of most calls (COUNT,
    # IN, VALUES) is settled by this one lookup.
    if name in _CALL_RULE_NAMES:
        _check_call_arguments(tokens, i - 1, sql)
        if name == "CAST":
            _check_cast_type(tokens, i, sql)
        elif keeps_opaque(tokens, i - 1):
            found.opaque_call = True


_CALL_RULE_NAMES: frozenset[str] = frozenset({"CAST", *rules.FSP_FUNCTIONS, *rules.NO_ARGUMENT_FUNCTIONS,
                                               *rules.TIMESTAMP_FUNCTIONS, *rules.ARGUMENT_DROPPING_CALLS,
                                               *rules.OPAQUE_CALLS})
"""The names before `(` that `_rule_l_paren` checks or notes: `_check_call_arguments` acts only on
the first three sets, `keeps_opaque` only on the last two."""


def keeps_opaque(tokens: list[Token], i: int) -> bool:
    """Is tokens[i], followed by `(`, a call sqlglot would read with another meaning (one that
    loses an argument, or prints back as another function)? Such a call is kept as written."""
    name = tokens[i].text.upper()
    return (name in rules.ARGUMENT_DROPPING_CALLS and _drops_arguments(tokens, i)) or \
        (name in rules.OPAQUE_CALLS and _builtin_call(tokens, i))


def _builtin_call(tokens: list[Token], i: int) -> bool:
    return tokens[i].token_type not in _NOT_CALL_NAMES and not (i and tokens[i - 1].token_type is TokenType.DOT)


def _rule_type_synonym(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if tokens[i].token_type is TokenType.BIGINT and _equivalent_spelling(tokens, i):
        found.equivalent = True
    if tokens[i].text.upper() in rules.TYPE_SYNONYMS:
        found.type_synonym = True


def _rule_join(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if prev_type(tokens, i) not in JOIN_WORDS:
        found.bare_join = True


JOIN_WORDS: frozenset[TokenType] = frozenset({TokenType.INNER, TokenType.CROSS, TokenType.LEFT, TokenType.RIGHT,
                                              TokenType.OUTER, TokenType.NATURAL, TokenType.FULL})
"""Words before JOIN that give the join a kind sqlglot keeps (so it never prints as a comma)."""


def _drops_arguments(tokens: list[Token], i: int) -> bool:
    """Is tokens[i] the name of a call that sqlglot would read losing an argument?"""
    if not _builtin_call(tokens, i):
        return False
    count = _argument_count(tokens, i + 1)
    drops = rules.ARGUMENT_DROPPING_CALLS.get(tokens[i].text.upper(), frozenset())
    return count is not None and min(count, rules.ARGUMENT_PROBE_MAX) in drops


def _argument_count(tokens: list[Token], open_paren: int) -> int | None:
    if open_paren + 1 < len(tokens) and tokens[open_paren + 1].token_type in (TokenType.SELECT, TokenType.WITH):
        return 1  # NAME(SELECT a, b ...): one subquery argument, whatever its select list
    depth = 0
    count = 0
    for j in range(open_paren, len(tokens)):
        tt = tokens[j].token_type
        if tt is TokenType.L_PAREN:
            depth += 1
            if depth == 1:
                count = 0 if j + 1 < len(tokens) and tokens[j + 1].token_type is TokenType.R_PAREN else 1
        elif tt is TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return count
        elif tt is TokenType.COMMA and depth == 1:
            count += 1
    return None


def _check_cast_type(tokens: list[Token], i: int, sql: str) -> None:
    depth = 0
    for j in range(i, len(tokens)):
        tt = tokens[j].token_type
        if tt is TokenType.L_PAREN:
            depth += 1
        elif tt is TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return
        elif tt is TokenType.ALIAS and depth == 1 and j + 1 < len(tokens):
            target = tokens[j + 1]
            if target.text.upper().split()[0] not in rules.CAST_TYPES:
                raise token_error(target, sql, f"CAST to {target.text.upper()} is not MySQL; use one of "
                                  "SIGNED, UNSIGNED, CHAR, BINARY, DECIMAL, DOUBLE, FLOAT, DATE, DATETIME, TIME, "
                                  "YEAR, JSON")
            return


def _rule_interval(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    # INTERVAL '1' DAY: a quoted amount must be followed by its unit (`INTERVAL '1 month'` is not MySQL).
    n = len(tokens)
    if i + 1 < n and tokens[i + 1].token_type is TokenType.L_PAREN:
        found.interval_paren = True
        return
    if i + 1 < n and tokens[i + 1].token_type is TokenType.STRING:
        unit = tokens[i + 2] if i + 2 < n else None
        if unit is None or unit.text.upper() not in rules.INTERVAL_UNITS:
            raise token_error(tokens[i + 1], sql, "INTERVAL needs a unit after its amount, as in "
                              "INTERVAL '1' MONTH")
        return
    if i + 1 < n and tokens[i + 1].token_type in _SIGNED_NUMBER_START:
        found.interval_number = True


_SIGNED_NUMBER_START = frozenset({TokenType.NUMBER, TokenType.DASH, TokenType.PLUS})


def _rule_lock(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    _check_lock_in_share_mode(tokens, i, sql)


def _rule_table(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if i == 0 and statement:
        _check_table_statement(tokens, sql)


def _rule_l_brace(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    found.braces = True


def _shift_half(tokens: list[Token], i: int) -> bool:
    """Is tokens[i] half of a << or >> (sqlglot makes two < or > tokens of it)?"""
    tt = tokens[i].token_type
    if tt not in (TokenType.LT, TokenType.GT):
        return False
    return (i + 1 < len(tokens) and tokens[i + 1].token_type is tt and tokens[i + 1].start == tokens[i].end + 1) or \
        (i > 0 and tokens[i - 1].token_type is tt and tokens[i - 1].end + 1 == tokens[i].start)


def _rule_comparison(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    if _shift_half(tokens, i):
        return
    before = rules.MISNESTED_COMPARISONS[tokens[i].token_type]
    j = i - 1
    if j >= 0 and tokens[j].token_type is TokenType.NOT:
        j -= 1  # NOT LIKE / NOT IN / NOT REGEXP
    elif j >= 0 and tokens[i].token_type is TokenType.LIKE and tokens[j].text.upper() == "SOUNDS" \
            and tokens[j].token_type is TokenType.VAR:
        before = rules.SOUNDS_LIKE_AFTER
        j -= 1
    depth = 0
    while j >= 0:
        tt = tokens[j].token_type
        if _shift_half(tokens, j):
            pass
        elif tt is TokenType.R_PAREN:
            depth += 1
        elif tt is TokenType.L_PAREN:
            if depth == 0:
                return
            depth -= 1
        elif depth == 0 and tt not in rules.COMPARISON_OPERANDS:
            break
        j -= 1
    if j < 0 or tokens[j].token_type not in before or _shift_half(tokens, j) or _is_assignment(tokens, j):
        return
    raise token_error(tokens[i], sql, f"comparisons chained without parentheses ({tokens[j].text} ... "
                      f"{tokens[i].text}) are read left to right by MySQL and the other way by this parser; "
                      f"add parentheses, as in (a {tokens[j].text} b) {tokens[i].text} c")


def _rule_between(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    # `x SOUNDS LIKE y BETWEEN ...`: see rules.SOUNDS_LIKE_AFTER.
    j = i - 1
    if j >= 0 and tokens[j].token_type is TokenType.NOT:
        j -= 1
    while j >= 0 and tokens[j].token_type in rules.COMPARISON_OPERANDS:
        j -= 1
    if j >= 1 and tokens[j].token_type is TokenType.LIKE and tokens[j - 1].text.upper() == "SOUNDS":
        raise token_error(tokens[i], sql, "SOUNDS LIKE followed by BETWEEN needs parentheses, as in "
                          "(a SOUNDS LIKE b) BETWEEN x AND y")


def _is_assignment(tokens: list[Token], j: int) -> bool:
    """Is the `=` at tokens[j] an assignment (UPDATE ... SET a = ..., ON DUPLICATE KEY UPDATE a = ...)?"""
    if tokens[j].token_type is not TokenType.EQ or tokens[0].text.upper() not in ("UPDATE", "INSERT", "REPLACE"):
        return False
    k = j - 1
    while k >= 0 and tokens[k].token_type in (TokenType.VAR, TokenType.IDENTIFIER, TokenType.DOT):
        k -= 1
    return k >= 0 and tokens[k].token_type in (TokenType.SET, TokenType.COMMA, TokenType.UPDATE)


def _rule_into(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    found.into = True


def _rule_star(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    found.star = True


def _semicolon_marker(tokens: list[Token], i: int, sql: str, statement: bool, found: Features) -> None:
    """Marker: handled inline (it ends the statement)."""


TokenRule = Callable[[list[Token], int, str, bool, Features], None]
"""(tokens, index of the token, the text, is it a whole statement, the features found so far)."""

_TOKEN_RULES: dict[TokenType, TokenRule] = {
    TokenType.SEMICOLON: _semicolon_marker,
    **{tt: _rule_unsupported for tt in rules.UNSUPPORTED_TOKENS},
    TokenType.R_PAREN: _rule_r_paren,
    TokenType.COMMA: _rule_comma,
    TokenType.ON: _rule_on,
    TokenType.NOT: _rule_not,
    TokenType.WITH: _rule_with,
    TokenType.DISTINCT: _rule_distinct,
    TokenType.STRING: _rule_string,
    TokenType.NUMBER: _rule_number,
    TokenType.BIGINT: _rule_type_synonym,
    TokenType.FLOAT: _rule_type_synonym,
    TokenType.TINYINT: _rule_type_synonym,
    TokenType.JOIN: _rule_join,
    TokenType.ALL: _rule_all,
    TokenType.UBIGINT: _rule_equivalent,
    **{tt: _rule_datetime_literal for tt in rules.DATETIME_LITERAL_KEYWORDS},
    TokenType.HEX_STRING: _rule_binary_literal,
    TokenType.BIT_STRING: _rule_binary_literal,
    TokenType.ARROW: _rule_json_arrow,
    TokenType.DARROW: _rule_json_arrow,
    TokenType.L_PAREN: _rule_l_paren,
    TokenType.LOCK: _rule_lock,
    TokenType.INTERVAL: _rule_interval,
    TokenType.TABLE: _rule_table,
    TokenType.L_BRACE: _rule_l_brace,
    TokenType.INTO: _rule_into,
    **{tt: _rule_comparison for tt in rules.MISNESTED_COMPARISONS},
    TokenType.BETWEEN: _rule_between,
    TokenType.STAR: _rule_star,
    TokenType.OVER: _rule_over,
    TokenType.FULL: _rule_full,
    TokenType.HINT: _rule_hint,
    TokenType.DOT: _rule_dot,
}
"""Token type -> its rule. A rule raises SQLSyntaxError or notes a feature in `found`."""


def _check_binary_literal(tok: Token, sql: str) -> None:
    raw = sql[tok.start:tok.end + 1]
    if raw[:2] in ("0X", "0B"):
        raise token_error(tok, sql, f"{raw!r} is not a number: hexadecimal and binary prefixes are "
                          f"lower-case in MySQL (0x.., 0b..)")
    if raw[:1] in ("x", "X"):
        digits = tok.text
        if len(digits) % 2 or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise token_error(tok, sql, "X'...' needs an even number of hexadecimal digits")


def _check_json_arrow(tokens: list[Token], i: int, sql: str) -> None:
    prev = tokens[i - 1] if i else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if prev is None or prev.token_type not in (TokenType.VAR, TokenType.IDENTIFIER):
        raise token_error(tokens[i], sql, f"{tokens[i].text} must follow a column name (column->'$.path')")
    if nxt is None or nxt.token_type is not TokenType.STRING:
        raise token_error(nxt or tokens[i], sql, f"{tokens[i].text} must be followed by a quoted JSON path")


_NOT_CALL_NAMES = frozenset({TokenType.IDENTIFIER, TokenType.STRING, TokenType.NUMBER})


def _check_call_arguments(tokens: list[Token], i: int, sql: str) -> None:
    n = len(tokens)
    if i + 1 >= n or tokens[i + 1].token_type is not TokenType.L_PAREN:
        return
    if (i and tokens[i - 1].token_type is TokenType.DOT) or tokens[i].token_type in _NOT_CALL_NAMES:
        return
    name = tokens[i].text.upper()
    first = tokens[i + 2] if i + 2 < n else None
    if name in rules.FSP_FUNCTIONS:
        if first is None or first.token_type is TokenType.R_PAREN:
            return
        closing = tokens[i + 3] if i + 3 < n else None
        if (first.token_type is not TokenType.NUMBER or not first.text.isdigit()
                or int(first.text) > rules.FSP_MAX or closing is None
                or closing.token_type is not TokenType.R_PAREN):
            raise token_error(first, sql, f"{name}() takes an optional fractional-seconds precision, "
                              f"an integer from 0 to {rules.FSP_MAX}")
    elif name in rules.NO_ARGUMENT_FUNCTIONS:
        if first is not None and first.token_type is not TokenType.R_PAREN:
            raise token_error(first, sql, f"{name}() takes no arguments")
    elif name in rules.TIMESTAMP_FUNCTIONS:
        if first is not None and first.text.upper() not in rules.TIMESTAMP_UNITS:
            raise token_error(first, sql, f"{first.text!r} is not a unit {name} accepts; use one of "
                              "MICROSECOND, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR")


def _check_lock_in_share_mode(tokens: list[Token], i: int, sql: str) -> None:
    words = [t.text.upper() for t in tokens[i + 1:i + 5]]
    if words[:3] == ["IN", "SHARE", "MODE"] and len(words) == 4 and words[3] in rules.LOCK_IN_SHARE_MODE_NO_OPTIONS:
        raise token_error(tokens[i + 4], sql, "LOCK IN SHARE MODE takes no NOWAIT or SKIP LOCKED; "
                          "use FOR SHARE NOWAIT")


def _check_table_statement(tokens: list[Token], sql: str) -> None:
    # TABLE t is one table: TABLE t1, t2 is not a statement.
    i = 1
    n = len(tokens)
    while i < n and tokens[i].token_type is not TokenType.COMMA:
        if tokens[i].token_type not in (TokenType.VAR, TokenType.IDENTIFIER, TokenType.DOT) and i > 1:
            return
        i += 1
    if i < n:
        raise token_error(tokens[i], sql, "TABLE takes exactly one table")

