"""MySQL front end: sqlglot read="mysql" plus the checks that make it as strict as MySQL 8.

One pass over the tokens (token-level rules, statement splitting) and one walk over the tree
(name and structure rules); the rules themselves are tables in `dialects.mysql.rules`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from dialects.mysql import lower, rules
from sqlparser.errors import SQLSyntaxError, UnsupportedStatementError
from sqlparser.frontend import Statement, StatementCache
from sqlparser.ir import first_table, operation_of
from sqlparser.portable_names import is_unquoted_reserved, offset_position, reserved_name_error

_DIALECT = Dialect.get_or_raise("mysql")


class _DropCommandFallbackWarning(logging.Filter):
    # sqlglot logs a warning whenever it falls back to an opaque Command; this front end rejects
    # those statements with a proper error instead, so the console line is only noise for users.
    # Likewise for a JSON path sqlglot cannot read ('$[last]', '$[1 to 2]'): it keeps the path
    # string as written, which is what MySQL evaluates.
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "Falling back to parsing as a 'Command'" not in message and not message.startswith(
            "Invalid JSON path syntax")


_sqlglot_logger = logging.getLogger("sqlglot")
if not any(isinstance(f, _DropCommandFallbackWarning) for f in _sqlglot_logger.filters):
    _sqlglot_logger.addFilter(_DropCommandFallbackWarning())


CACHE_SIZE = 1024
"""Statements kept; what MySQL accepts does not depend on portable_names, so one cache serves all."""

_CACHE = StatementCache(CACHE_SIZE)


def clear_cache() -> None:
    """Forget every cached statement (benchmarks measure uncached parses with it)."""
    _CACHE.clear()


class MySQLFrontend:
    """Parses one MySQL 8 statement into the IR. Thread-safe: holds options and the shared cache.

    `portable_names` is accepted for symmetry with the other front ends: MySQL itself rejects
    unquoted reserved words, so this front end always does.
    """

    def __init__(self, *, portable_names: bool = True, cache: bool = True) -> None:
        self.portable_names = portable_names
        self._cache = _CACHE if cache else None

    def parse(self, sql: str) -> Statement:
        return self._parse(sql) if self._cache is None else self._cache.parse(sql, self._parse)

    def _parse(self, sql: str) -> Statement:
        tokens = _tokenize(sql)
        as_insert = lower.replace_as_insert(sql, tokens, _tokenize)
        tokens, flags = _statement_tokens(as_insert or tokens, sql)
        rewrite = lower.apply(tokens, sql, braces=bool(flags & HAS_BRACES), into=bool(flags & HAS_INTO),
                                 star=bool(flags & HAS_STAR), equivalents=bool(flags & HAS_EQUIVALENT),
                                 interval_calls=bool(flags & HAS_INTERVAL_PAREN),
                                 replace=as_insert is not None, type_words=bool(flags & HAS_TYPE_SYNONYM))
        tree = _parse_tokens(rewrite.tokens, sql, opaque_calls=bool(flags & HAS_OPAQUE_CALL))
        check_tree(tree, sql)
        if flags & (HAS_TYPED_LITERAL | HAS_BRACES):
            mark_typed_literals(tree, rewrite.tokens)
        if flags & HAS_BARE_JOIN:
            mark_bare_joins(tree, rewrite.tokens)
        _restore_literals(tree, sql, flags)
        if rewrite.unsupported is not None:
            # Valid MySQL the IR cannot hold faithfully: it classifies, transforms refuse it.
            table = _first_table_name(tree)
            return Statement(sql=sql, operation=rewrite.operation or operation_of(tree), tree=None,
                             unsupported=rewrite.unsupported, table=table)
        return Statement(sql=sql, operation=operation_of(tree), tree=tree)

    def parse_condition(self, condition: str) -> exp.Expression:
        """Parse a WHERE condition with the same strictness as a statement."""
        prefix = "SELECT 1 FROM t WHERE "
        tokens, flags = _statement_tokens(_tokenize(condition), condition, statement=False)
        if tokens:
            rewrite = lower.apply(tokens, condition, braces=bool(flags & HAS_BRACES), into=False, star=False,
                                     equivalents=bool(flags & HAS_EQUIVALENT),
                                     interval_calls=bool(flags & HAS_INTERVAL_PAREN),
                                     type_words=bool(flags & HAS_TYPE_SYNONYM))
            if rewrite.unsupported is not None:
                raise SQLSyntaxError(f"{rewrite.unsupported} is not supported in a filter condition", line=1,
                                     column=1, token=tokens[0].text, sql=condition)
            tokens = rewrite.tokens
        if not tokens:
            raise SQLSyntaxError("empty condition", line=1, column=1, token=None, sql=condition)
        wrapped = _tokenize(prefix)
        # Shift the condition's tokens so that errors point into the condition text itself.
        tree = _parse_tokens(wrapped + tokens, condition, offset_tokens=len(wrapped),
                             opaque_calls=bool(flags & HAS_OPAQUE_CALL))
        check_tree(tree, condition)
        if flags & (HAS_TYPED_LITERAL | HAS_BRACES):
            mark_typed_literals(tree, tokens)
        _restore_literals(tree, condition, flags)
        if not isinstance(tree, exp.Select) or tree.args.get("where") is None or _has_extra_clauses(tree):
            raise SQLSyntaxError("not a single boolean condition", line=1, column=1,
                                 token=tokens[0].text, sql=condition)
        return tree.args["where"].this


# -- tokens -------------------------------------------------------------------------------------


def _tokenize(sql: str) -> list[Token]:
    try:
        tokens = _DIALECT.tokenize(sql)
    except TokenError:
        line, column, token, reason = _locate_token_error(sql)
        raise SQLSyntaxError(reason, line=line, column=column, token=token, sql=sql) from None
    if "/*!" in sql:
        _reject_executable_comments(tokens, sql)
    if _NULLS_ORDER.search(sql):
        _reject_nulls_order(tokens, sql)
    return tokens


_NULLS_ORDER = re.compile(r"(?i)\bnulls\s+(first|last)\b")


def _reject_nulls_order(tokens: list[Token], sql: str) -> None:
    for i in range(len(tokens) - 1):
        if tokens[i].text.upper() == "NULLS" and tokens[i].token_type is TokenType.VAR \
                and tokens[i + 1].text.upper() in ("FIRST", "LAST"):
            raise _token_error(tokens[i], sql, "MySQL has no NULLS FIRST / NULLS LAST; order by `a IS NULL` first")


def _reject_executable_comments(tokens: list[Token], sql: str) -> None:
    # MySQL runs the text of /*! ... */ as SQL; sqlglot keeps it as a comment, so the statement
    # would mean one thing here and another on the server.
    quoted = [(t.start, t.end) for t in tokens if t.token_type in (TokenType.STRING, TokenType.IDENTIFIER)]
    for match in re.finditer(r"/\*!", sql):
        at = match.start()
        if not any(start <= at <= end for start, end in quoted):
            line, column = offset_position(sql, at)
            raise SQLSyntaxError("MySQL executable comments (/*! ... */) are not supported: the server would run "
                                 "their text; write it as plain SQL or remove it",
                                 line=line, column=column, token="/*!", sql=sql)


HAS_BRACES = 1
HAS_INTO = 2
HAS_STAR = 4
HAS_EQUIVALENT = 8
HAS_INTERVAL_PAREN = 16
HAS_TYPE_SYNONYM = 32
HAS_OPAQUE_CALL = 64
HAS_TYPED_LITERAL = 128
HAS_BARE_JOIN = 256
HAS_INTERVAL_NUMBER = 512
HAS_HEX_NUMBER = 1024


def _statement_tokens(tokens: list[Token], sql: str, *, statement: bool = True) -> tuple[list[Token], int]:
    """Apply the token-level rules; return the tokens of the one statement (no trailing `;`) and
    flags (HAS_*) that tell `lower` which of its rewrites can apply.

    Runs on every statement, so the loop only looks a token's type up in `_TOKEN_RULES` (keyed by
    identity: hashing an Enum member runs Python code) and calls a rule for the few that have one.
    """
    n = len(tokens)
    if statement and n and tokens[0].token_type in rules.NOT_STATEMENT_STARTS:
        raise _token_error(tokens[0], sql, f"unrecognized statement: {tokens[0].text!r} does not start a statement "
                           "this parser reads (SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, ...)")
    flags = 0
    end = n
    get_rule = _TOKEN_RULES.get
    for i, tok in enumerate(tokens):
        rule = get_rule(id(tok.token_type))
        if rule is None:
            continue
        if rule is _semicolon_marker:
            for j in range(i + 1, n):
                if tokens[j].token_type is not TokenType.SEMICOLON:
                    raise _token_error(tokens[j], sql, "only one statement is allowed; remove the text after ';' "
                                       "or send each statement separately")
            end = i
            break
        flags |= rule(tokens, i, sql, statement) or 0
    if end and tokens[end - 1].token_type is TokenType.COMMA:
        raise _token_error(tokens[end - 1], sql, "trailing comma at the end of the statement")
    if end and tokens[end - 1].token_type in rules.DANGLING_AT_END:
        raise _token_error(tokens[end - 1], sql, f"the statement ends right after {tokens[end - 1].text.upper()}; "
                           "it is incomplete")
    if end == 0:
        raise SQLSyntaxError("empty statement", line=1, column=1, token=tokens[0].text if tokens else None, sql=sql)
    return (tokens if end == n else tokens[:end]), flags


def _prev_type(tokens: list[Token], i: int, back: int = 1) -> TokenType | None:
    return tokens[i - back].token_type if i >= back else None


def _rule_unsupported(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    raise _token_error(tokens[i], sql, rules.UNSUPPORTED_TOKENS[tokens[i].token_type])


def _rule_r_paren(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    if _prev_type(tokens, i) is TokenType.COMMA:
        raise _token_error(tokens[i - 1], sql, "trailing comma before ')'")


def _rule_comma(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    if i + 1 < len(tokens) and tokens[i + 1].token_type in rules.CLAUSE_KEYWORDS:
        raise _token_error(tokens[i], sql, f"trailing comma before {tokens[i + 1].text.upper()}")


def _rule_on(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    if i + 1 < len(tokens) and tokens[i + 1].token_type in rules.CLAUSE_KEYWORDS:
        raise _token_error(tokens[i], sql, "ON needs a join condition")


def _rule_not(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    if _prev_type(tokens, i) in rules.NOT_AFTER and tokens[i].text.upper() == "NOT":
        raise _token_error(tokens[i], sql, "NOT cannot follow an arithmetic or comparison operator; "
                           "parenthesize it, as in a = (NOT b)")


def _rule_with(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    prev = _prev_type(tokens, i)
    if prev in rules.SET_OPERATIONS or (
        prev in (TokenType.ALL, TokenType.DISTINCT) and _prev_type(tokens, i, 2) in rules.SET_OPERATIONS
    ):
        raise _token_error(tokens[i], sql, "WITH cannot start the arm of a set operation; parenthesize the arm")


def _rule_string(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    if i and tokens[i - 1].token_type in _TYPE_TOKENS and tokens[i - 1].text.upper() not in rules.TYPED_LITERALS:
        word = tokens[i - 1].text
        raise _token_error(tokens[i - 1], sql, f"{word} '...' is not a MySQL literal; use CAST('...' AS type) "
                           "(only DATE, TIME and TIMESTAMP literals exist)")


# Type words sqlglot reads before a string as a typed literal. INTERVAL '1' DAY and CHARACTER SET 'x'
# are MySQL, so those two are not type words here.
_TYPE_TOKENS = frozenset(_DIALECT.parser_class.TYPE_TOKENS) - {TokenType.INTERVAL, TokenType.SET}


def _rule_distinct(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    prev = _prev_type(tokens, i)
    if prev is TokenType.IS or (prev is TokenType.NOT and _prev_type(tokens, i, 2) is TokenType.IS):
        raise _token_error(tokens[i], sql, "MySQL has no IS [NOT] DISTINCT FROM; use a <=> b (NOT a <=> b)")
    flags = _rule_equivalent(tokens, i, sql, statement)
    if not flags and i + 1 < len(tokens) and tokens[i + 1].token_type is TokenType.ALL:
        raise _token_error(tokens[i + 1], sql, f"{tokens[i].text.upper()} and ALL contradict each other; keep one")
    return flags


def _rule_all(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    return HAS_EQUIVALENT if _prev_type(tokens, i) in (TokenType.L_PAREN, TokenType.COMMA) else 0


def _rule_equivalent(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    if i + 1 < len(tokens):
        calls = lower.EQUIVALENT_SPELLINGS.get((tokens[i].text.upper(), tokens[i + 1].text.upper()), False)
        if calls is None or (calls and i >= 2 and tokens[i - 1].token_type is TokenType.L_PAREN
                             and tokens[i - 2].text.upper() in calls):
            return HAS_EQUIVALENT
    return 0


def _rule_datetime_literal(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and nxt.text.upper() in rules.ZONED_TYPE_WORDS and i + 2 < len(tokens) \
            and tokens[i + 2].text.upper() == "TIME":
        raise _token_error(nxt, sql, "MySQL has no TIME ZONE types; use DATETIME or TIMESTAMP")
    if nxt is not None and nxt.token_type is TokenType.NUMBER and _prev_type(tokens, i) is not TokenType.ALIAS:
        word = tokens[i].text.upper()
        raise _token_error(nxt, sql, f"a {word} literal takes a quoted string, as in {word} '...'")
    return HAS_TYPED_LITERAL if nxt is not None and nxt.token_type is TokenType.STRING else 0


def _rule_number(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    # `.78.123`: sqlglot reads a dot and then the number 78.123; MySQL sees a malformed number.
    tok = tokens[i]
    if "." in tok.text and i and tokens[i - 1].token_type is TokenType.DOT and tokens[i - 1].end + 1 == tok.start:
        raise _token_error(tokens[i - 1], sql, f"malformed number {sql[tokens[i - 1].start:tok.end + 1]!r}")


def _rule_binary_literal(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    _check_binary_literal(tokens[i], sql)
    return HAS_HEX_NUMBER if sql.startswith("0x", tokens[i].start) else 0


def _rule_json_arrow(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    _check_json_arrow(tokens, i, sql)


def _rule_l_paren(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    if i:
        _check_call_arguments(tokens, i - 1, sql)
        name = tokens[i - 1].text.upper()
        if name == "CAST":
            _check_cast_type(tokens, i, sql)
        elif (name in rules.ARGUMENT_DROPPING_CALLS and _drops_arguments(tokens, i - 1)) or \
                (name in rules.OPAQUE_CALLS and _builtin_call(tokens, i - 1)):
            return HAS_OPAQUE_CALL
    return 0


def _builtin_call(tokens: list[Token], i: int) -> bool:
    return tokens[i].token_type not in _NOT_CALL_NAMES and not (i and tokens[i - 1].token_type is TokenType.DOT)


def _rule_type_synonym(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    flags = _rule_equivalent(tokens, i, sql, statement) if tokens[i].token_type is TokenType.BIGINT else 0
    return flags | (HAS_TYPE_SYNONYM if tokens[i].text.upper() in rules.TYPE_SYNONYMS else 0)


def _rule_join(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    return HAS_BARE_JOIN if _prev_type(tokens, i) not in _JOIN_WORDS else 0


# Words before JOIN that give the join a kind sqlglot keeps (so it never prints as a comma).
_JOIN_WORDS = frozenset({TokenType.INNER, TokenType.CROSS, TokenType.LEFT, TokenType.RIGHT, TokenType.OUTER,
                         TokenType.NATURAL, TokenType.FULL})


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
                raise _token_error(target, sql, f"CAST to {target.text.upper()} is not MySQL; use one of "
                                   "SIGNED, UNSIGNED, CHAR, BINARY, DECIMAL, DOUBLE, FLOAT, DATE, DATETIME, TIME, "
                                   "YEAR, JSON")
            return


def _rule_interval(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    # INTERVAL '1' DAY: a quoted amount must be followed by its unit (`INTERVAL '1 month'` is not MySQL).
    n = len(tokens)
    if i + 1 < n and tokens[i + 1].token_type is TokenType.L_PAREN:
        return HAS_INTERVAL_PAREN
    if i + 1 < n and tokens[i + 1].token_type is TokenType.STRING:
        unit = tokens[i + 2] if i + 2 < n else None
        if unit is None or unit.text.upper() not in rules.INTERVAL_UNITS:
            raise _token_error(tokens[i + 1], sql, "INTERVAL needs a unit after its amount, as in "
                               "INTERVAL '1' MONTH")
        return 0
    return HAS_INTERVAL_NUMBER if i + 1 < n and tokens[i + 1].token_type in _SIGNED_NUMBER_START else 0


_SIGNED_NUMBER_START = frozenset({TokenType.NUMBER, TokenType.DASH, TokenType.PLUS})


def _rule_lock(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    _check_lock_in_share_mode(tokens, i, sql)


def _rule_table(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    if i == 0 and statement:
        _check_table_statement(tokens, sql)


def _rule_l_brace(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    return HAS_BRACES


def _shift_half(tokens: list[Token], i: int) -> bool:
    """Is tokens[i] half of a << or >> (sqlglot makes two < or > tokens of it)?"""
    tt = tokens[i].token_type
    if tt not in (TokenType.LT, TokenType.GT):
        return False
    return (i + 1 < len(tokens) and tokens[i + 1].token_type is tt and tokens[i + 1].start == tokens[i].end + 1) or \
        (i > 0 and tokens[i - 1].token_type is tt and tokens[i - 1].end + 1 == tokens[i].start)


def _rule_comparison(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
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
    raise _token_error(tokens[i], sql, f"comparisons chained without parentheses ({tokens[j].text} ... "
                       f"{tokens[i].text}) are read left to right by MySQL and the other way by this parser; "
                       f"add parentheses, as in (a {tokens[j].text} b) {tokens[i].text} c")


def _rule_between(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    # `x SOUNDS LIKE y BETWEEN ...`: see rules.SOUNDS_LIKE_AFTER.
    j = i - 1
    if j >= 0 and tokens[j].token_type is TokenType.NOT:
        j -= 1
    while j >= 0 and tokens[j].token_type in rules.COMPARISON_OPERANDS:
        j -= 1
    if j >= 1 and tokens[j].token_type is TokenType.LIKE and tokens[j - 1].text.upper() == "SOUNDS":
        raise _token_error(tokens[i], sql, "SOUNDS LIKE followed by BETWEEN needs parentheses, as in "
                           "(a SOUNDS LIKE b) BETWEEN x AND y")


def _is_assignment(tokens: list[Token], j: int) -> bool:
    """Is the `=` at tokens[j] an assignment (UPDATE ... SET a = ..., ON DUPLICATE KEY UPDATE a = ...)?"""
    if tokens[j].token_type is not TokenType.EQ or tokens[0].text.upper() not in ("UPDATE", "INSERT", "REPLACE"):
        return False
    k = j - 1
    while k >= 0 and tokens[k].token_type in (TokenType.VAR, TokenType.IDENTIFIER, TokenType.DOT):
        k -= 1
    return k >= 0 and tokens[k].token_type in (TokenType.SET, TokenType.COMMA, TokenType.UPDATE)


def _rule_into(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    return HAS_INTO


def _rule_star(tokens: list[Token], i: int, sql: str, statement: bool) -> int:
    return HAS_STAR


def _semicolon_marker(tokens: list[Token], i: int, sql: str, statement: bool) -> None:
    """Marker: handled inline (it ends the statement)."""


_TOKEN_RULES: dict[int, Callable[[list[Token], int, str, bool], int | None]] = {
    id(TokenType.SEMICOLON): _semicolon_marker,
    **{id(tt): _rule_unsupported for tt in rules.UNSUPPORTED_TOKENS},
    id(TokenType.R_PAREN): _rule_r_paren,
    id(TokenType.COMMA): _rule_comma,
    id(TokenType.ON): _rule_on,
    id(TokenType.NOT): _rule_not,
    id(TokenType.WITH): _rule_with,
    id(TokenType.DISTINCT): _rule_distinct,
    id(TokenType.STRING): _rule_string,
    id(TokenType.NUMBER): _rule_number,
    id(TokenType.BIGINT): _rule_type_synonym,
    id(TokenType.FLOAT): _rule_type_synonym,
    id(TokenType.TINYINT): _rule_type_synonym,
    id(TokenType.JOIN): _rule_join,
    id(TokenType.ALL): _rule_all,
    id(TokenType.UBIGINT): _rule_equivalent,
    **{id(tt): _rule_datetime_literal for tt in rules.DATETIME_LITERAL_KEYWORDS},
    id(TokenType.HEX_STRING): _rule_binary_literal,
    id(TokenType.BIT_STRING): _rule_binary_literal,
    id(TokenType.ARROW): _rule_json_arrow,
    id(TokenType.DARROW): _rule_json_arrow,
    id(TokenType.L_PAREN): _rule_l_paren,
    id(TokenType.LOCK): _rule_lock,
    id(TokenType.INTERVAL): _rule_interval,
    id(TokenType.TABLE): _rule_table,
    id(TokenType.L_BRACE): _rule_l_brace,
    id(TokenType.INTO): _rule_into,
    **{id(tt): _rule_comparison for tt in rules.MISNESTED_COMPARISONS},
    id(TokenType.BETWEEN): _rule_between,
    id(TokenType.STAR): _rule_star,
}
"""Token type (by identity) -> its rule. A rule raises SQLSyntaxError or returns HAS_* flags."""


TYPED_LITERAL = "mysql_typed_literal"
"""Meta key on a Cast that was written as a DATE / TIME / TIMESTAMP literal (value: the keyword).
sqlglot reads `TIME '10:00:00.5'` as CAST('10:00:00.5' AS TIME), which MySQL evaluates
differently (the cast rounds to whole seconds, the literal keeps its digits; an invalid literal is
an error, an invalid cast NULL): the native printer prints the literal back as written."""

_LITERAL_KEYWORDS: dict[TokenType, str] = {TokenType.DATE: "DATE", TokenType.TIME: "TIME",
                                           TokenType.TIMESTAMP: "TIMESTAMP", TokenType.TIMESTAMPTZ: "TIMESTAMP"}


def mark_typed_literals(tree: exp.Expression, tokens: list[Token]) -> None:
    """Tag the casts that are typed literals in the text (see TYPED_LITERAL)."""
    keywords = {tokens[i + 1].start: _LITERAL_KEYWORDS[tok.token_type] for i, tok in enumerate(tokens[:-1])
                if tok.token_type in _LITERAL_KEYWORDS and tokens[i + 1].token_type is TokenType.STRING}
    if not keywords:
        return
    for cast in tree.find_all(exp.Cast):
        literal = cast.this
        if isinstance(literal, exp.Literal) and literal.is_string and literal._meta:
            keyword = keywords.get(literal.meta.get("start"))
            if keyword is not None:
                cast.meta[TYPED_LITERAL] = keyword


HEX_NUMBER = "mysql_hex_number"
"""Meta key on a HexString written 0x41 (not X'41'): MySQL reads both alike, MariaDB reads only
0x41 as a number in arithmetic, so the native printer keeps the form as written."""

_INTERVAL_AMOUNTS: dict[type[exp.Expression], str] = {exp.Interval: "this", exp.DateAdd: "expression",
                                                       exp.DateSub: "expression"}


def _restore_literals(tree: exp.Expression, sql: str, flags: int) -> None:
    if flags & HAS_INTERVAL_NUMBER:
        # sqlglot turns the number of INTERVAL 1.5 DAY into the string '1.5' (a new node, without
        # a text position); MySQL rounds a number of days but truncates a string: 2 days, not 1.
        for node in tree.find_all(*_INTERVAL_AMOUNTS):
            amount = node.args.get(_INTERVAL_AMOUNTS[type(node)])
            # An integer amount means the same as a number or as a string: only the others change.
            if isinstance(amount, exp.Literal) and amount.is_string and not amount._meta \
                    and _NUMBER.fullmatch(amount.this) and not _INTEGER.fullmatch(amount.this):
                amount.replace(exp.Literal.number(amount.this))
    if flags & HAS_HEX_NUMBER:
        for hex_string in tree.find_all(exp.HexString):
            start = hex_string.meta.get("start") if hex_string._meta else None
            if isinstance(start, int) and sql.startswith("0x", start):
                hex_string.meta[HEX_NUMBER] = True


_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_INTEGER = re.compile(r"-?\d+")


def mark_bare_joins(tree: exp.Expression, tokens: list[Token]) -> None:
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
        if tok.token_type is not TokenType.JOIN or _prev_type(tokens, i) in _JOIN_WORDS:
            continue
        # The first recorded position after the keyword is the leftmost one of the join it starts.
        for later in tokens[i + 1:]:
            join = leftmost.get(later.start)
            if join is not None:
                join.set("kind", "CROSS")
                break


def _check_binary_literal(tok: Token, sql: str) -> None:
    raw = sql[tok.start:tok.end + 1]
    if raw[:2] in ("0X", "0B"):
        raise _token_error(tok, sql, f"{raw!r} is not a number: hexadecimal and binary prefixes are "
                           f"lower-case in MySQL (0x.., 0b..)")
    if raw[:1] in ("x", "X"):
        digits = tok.text
        if len(digits) % 2 or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise _token_error(tok, sql, "X'...' needs an even number of hexadecimal digits")


def _check_json_arrow(tokens: list[Token], i: int, sql: str) -> None:
    prev = tokens[i - 1] if i else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if prev is None or prev.token_type not in (TokenType.VAR, TokenType.IDENTIFIER):
        raise _token_error(tokens[i], sql, f"{tokens[i].text} must follow a column name (column->'$.path')")
    if nxt is None or nxt.token_type is not TokenType.STRING:
        raise _token_error(nxt or tokens[i], sql, f"{tokens[i].text} must be followed by a quoted JSON path")


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
            raise _token_error(first, sql, f"{name}() takes an optional fractional-seconds precision, "
                               f"an integer from 0 to {rules.FSP_MAX}")
    elif name in rules.NO_ARGUMENT_FUNCTIONS:
        if first is not None and first.token_type is not TokenType.R_PAREN:
            raise _token_error(first, sql, f"{name}() takes no arguments")
    elif name in rules.TIMESTAMP_FUNCTIONS:
        if first is not None and first.text.upper() not in rules.TIMESTAMP_UNITS:
            raise _token_error(first, sql, f"{first.text!r} is not a unit {name} accepts; use one of "
                               "MICROSECOND, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR")


def _check_lock_in_share_mode(tokens: list[Token], i: int, sql: str) -> None:
    words = [t.text.upper() for t in tokens[i + 1:i + 5]]
    if words[:3] == ["IN", "SHARE", "MODE"] and len(words) == 4 and words[3] in rules.LOCK_IN_SHARE_MODE_NO_OPTIONS:
        raise _token_error(tokens[i + 4], sql, "LOCK IN SHARE MODE takes no NOWAIT or SKIP LOCKED; "
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
        raise _token_error(tokens[i], sql, "TABLE takes exactly one table")


def _token_error(tok: Token, sql: str, reason: str) -> SQLSyntaxError:
    line, column = offset_position(sql, tok.start)
    return SQLSyntaxError(reason, line=line, column=column, token=sql[tok.start:tok.end + 1] or tok.text, sql=sql)


def _locate_token_error(sql: str) -> tuple[int, int, str | None, str]:
    """Find the unterminated quote or comment the tokenizer stopped at (it reports no position)."""
    i = 0
    n = len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"`":
            j = i + 1
            while j < n:
                if sql[j] == "\\" and ch != "`":
                    j += 2
                    continue
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            if j >= n:
                line, column = offset_position(sql, i)
                kind = "identifier" if ch == "`" else "string"
                return line, column, ch, f"unterminated quoted {kind}; close it with {ch}"
            i = j + 1
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            if j < 0:
                line, column = offset_position(sql, i)
                return line, column, "/*", "unterminated comment; close it with */"
            i = j + 2
        elif ch == "#" or sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        else:
            i += 1
    line, column = offset_position(sql, max(n - 1, 0))
    return line, column, None, "cannot split the text into SQL tokens (malformed number or literal)"


# -- parsing ------------------------------------------------------------------------------------

_TOKEN_NOISE = re.compile(r"<Token token_type: TokenType\.\w+, text: (.*?), line: \d+, col: \d+, start: \d+, "
                          r"end: \d+, comments: \[.*?\]>")
_CLASS_NOISE = re.compile(r"<class 'sqlglot\.expressions\.[\w.]*?(\w+)'>")


# sqlglot's parser messages, said plainly for users.
_PLAIN_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Invalid expression / Unexpected token$"), "unexpected token"),
    (re.compile(r"^Expecting (\S+)$"), r"expected \1"),
    (re.compile(r"^Required keyword: '(\w+)' missing for (\w+)$"), r"incomplete \2 (its \1 part is missing)"),
)

_ARITY_ERRORS = ("The number of provided arguments", "Required keyword: ")
_MAX_ARITY_RETRIES = 16
_PLACEHOLDER_CALL = "cozelite_call_{}"


def _parse_tokens(tokens: list[Token], sql: str, *, offset_tokens: int = 0,
                  opaque_calls: bool = False) -> exp.Expression:
    renamed: dict[str, str] = {}
    if opaque_calls:
        # Calls sqlglot would read losing an argument: kept as written, as an opaque call.
        tokens = list(tokens)
        for index in range(offset_tokens, len(tokens) - 1):
            name = tokens[index].text.upper()
            if tokens[index + 1].token_type is TokenType.L_PAREN and (
                    (name in rules.ARGUMENT_DROPPING_CALLS and _drops_arguments(tokens, index))
                    or (name in rules.OPAQUE_CALLS and _builtin_call(tokens, index))):
                placeholder = _PLACEHOLDER_CALL.format(len(renamed))
                renamed[placeholder.upper()] = tokens[index].text
                tokens[index] = lower.retyped(tokens[index], TokenType.VAR, placeholder)
    retries = 0
    while True:
        try:
            trees = _DIALECT.parser().parse(tokens, sql)
            break
        except ParseError as err:
            # sqlglot checks built-in functions' argument counts while parsing; MySQL's grammar
            # does not (a wrong count fails later, at execution). Keep such a call as an opaque
            # call under a placeholder name, so it still parses and prints exactly as written.
            retries += 1
            index = _arity_error_call(err, tokens) if retries <= _MAX_ARITY_RETRIES else None
            if index is not None and tokens[index].text.upper() in rules.GRAMMAR_ARITY_FUNCTIONS:
                index = None
            if index is None:
                raise _parse_error(err, tokens, sql, offset_tokens) from None
            placeholder = _PLACEHOLDER_CALL.format(len(renamed))
            renamed[placeholder.upper()] = tokens[index].text
            tokens = [*tokens[:index], lower.retyped(tokens[index], TokenType.VAR, placeholder),
                      *tokens[index + 1:]]
    tree = trees[0] if len(trees) == 1 else None
    if tree is not None and renamed:
        for call in tree.find_all(exp.Anonymous):
            original = renamed.get(str(call.this).upper())
            if original is not None:
                call.set("this", original)
    if tree is None:
        raise SQLSyntaxError("empty statement", line=1, column=1, token=None, sql=sql)
    if isinstance(tree, exp.Command) or (not offset_tokens and not isinstance(tree, rules.STATEMENT_NODES)):
        tok = tokens[offset_tokens] if len(tokens) > offset_tokens else tokens[0]
        raise _token_error(tok, sql, f"unrecognized or unsupported statement starting with {tok.text.upper()!r}")
    return tree


def _arity_error_call(err: ParseError, tokens: list[Token]) -> int | None:
    """Index of the function-name token of the call an arity error is about, if it is one."""
    first = (err.errors or [{}])[0]
    if not str(first.get("description") or "").startswith(_ARITY_ERRORS):
        return None
    line, col = first.get("line"), first.get("col")
    at = next((i for i, t in enumerate(tokens) if t.line == line and t.col == col), None)
    if at is None:
        return None
    if tokens[at].token_type is not TokenType.R_PAREN and at and tokens[at - 1].token_type is TokenType.R_PAREN:
        at -= 1
    j = at - 1 if tokens[at].token_type is TokenType.R_PAREN else at
    depth = 0
    while j >= 0:
        tt = tokens[j].token_type
        if tt is TokenType.R_PAREN:
            depth += 1
        elif tt is TokenType.L_PAREN:
            if depth == 0:
                break
            depth -= 1
        j -= 1
    if j <= 0 or not _WORD.fullmatch(tokens[j - 1].text):
        return None
    return j - 1


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _parse_error(err: ParseError, tokens: list[Token], sql: str, offset_tokens: int) -> SQLSyntaxError:
    first = (err.errors or [{}])[0]
    reason = first.get("description") or "invalid syntax"
    reason = _CLASS_NOISE.sub(lambda m: m.group(1).upper(), _TOKEN_NOISE.sub(lambda m: repr(m.group(1)), reason))
    reason = reason.replace("but got 'SENTINEL'", "but the statement ended")
    for pattern, plain in _PLAIN_REASONS:
        reason = pattern.sub(plain, reason)
    highlight = first.get("highlight") or None
    line = first.get("line") or 1
    col = first.get("col") or 1
    index = next((i for i in range(offset_tokens, len(tokens))
                  if tokens[i].line == line and tokens[i].col == col
                  and tokens[i].text == (highlight or tokens[i].text)), None)
    if index is not None:
        reason = _with_reserved_hint(reason, tokens, index, offset_tokens)
    if offset_tokens:
        # The error is in the caller's condition text, not in the wrapper: point into the condition.
        if index is None and len(tokens) > offset_tokens:
            index = len(tokens) - 1
        if index is None:
            return SQLSyntaxError(reason, line=1, column=1, token=None, sql=sql)
        return _token_error(tokens[index], sql, reason)
    if index is not None:
        return _token_error(tokens[index], sql, reason)
    if highlight and "\n" not in highlight:
        col = max(1, col - len(highlight) + 1)
    return SQLSyntaxError(reason, line=line, column=col, token=highlight, sql=sql)


def _with_reserved_hint(reason: str, tokens: list[Token], index: int, offset_tokens: int) -> str:
    # sqlglot fails on a reserved word used as a name without saying why: say it, where a name
    # was plausibly meant (after AS, FROM, a comma..., or as the first word of a condition).
    text = tokens[index].text
    word = text.upper()
    if word not in rules.RESERVED_WORDS:
        return reason
    prev = tokens[index - 1].token_type if index > offset_tokens else None
    name_expected = prev is None or prev in rules.NAME_EXPECTED_AFTER
    if prev is TokenType.ALIAS or (word not in rules.NEVER_NAMES and name_expected):
        return f"{reason} ({text!r} is a reserved word in MySQL 8: if it is meant as a name, quote it as `{text}`)"
    return reason


def _has_extra_clauses(select: exp.Select) -> bool:
    return any(select.args.get(key) for key in ("group", "having", "order", "limit", "offset", "locks", "joins",
                                                "windows", "qualify"))


def _first_table_name(tree: exp.Expression) -> str | None:
    # The same answer get_table_name gives for a statement with a tree.
    try:
        return first_table(tree)
    except UnsupportedStatementError:
        return None


# -- tree rules ---------------------------------------------------------------------------------


def _all_of(*checks: Callable[[exp.Expression, str], None]) -> Callable[[exp.Expression, str], None]:
    if len(checks) == 1:
        return checks[0]

    def run(node: exp.Expression, sql: str) -> None:
        for check in checks:
            check(node, sql)

    return run


def check_tree(tree: exp.Expression, sql: str) -> None:
    """One walk over the IR applying the structural rules of `rules`."""
    get_check = _TREE_CHECKS.get
    reserved = rules.RESERVED_WORDS
    identifier = exp.Identifier
    for node in tree.walk():
        kind = type(node)
        if kind is identifier:
            # The commonest node: test the cheap part inline, the full rule only for reserved words.
            name = node.this
            if not node.args.get("quoted") and isinstance(name, str) and name.upper() in reserved:
                _check_identifier(node, sql)
            continue
        check = get_check(kind)
        if check is not None:
            check(node, sql)


def _node_error(node: exp.Expression, sql: str, reason: str, *, word: str | None = None,
                keyword: str | None = None) -> SQLSyntaxError:
    """An error positioned at the leftmost token of `node` that the parser recorded, else at `word`
    (or the first word of the statement) found in the text. With `keyword`, at the occurrence of
    that keyword nearest to the node (the construct's own keyword, which sqlglot keeps no position for)."""
    best: tuple[int, int] | None = None
    for sub in node.walk():
        meta = sub.meta if sub._meta else None
        start = meta.get("start") if meta else None
        if isinstance(start, int) and 0 <= start < len(sql) and (best is None or start < best[0]):
            end = meta.get("end")
            best = (start, end if isinstance(end, int) else start)
    if keyword is not None:
        anchor = best[0] if best is not None else 0
        matches = list(re.finditer(rf"(?i)(?<![\w$`]){re.escape(keyword)}(?![\w$`])", sql))
        if matches:
            near = min(matches, key=lambda m: abs(m.start() - anchor))
            best = (near.start(), near.end() - 1)
    if best is None:
        match = re.search(rf"(?i)(?<![\w$]){re.escape(word)}(?![\w$])", sql) if word else None
        match = match or re.search(r"\S+", sql)
        if match is None:
            return SQLSyntaxError(reason, line=1, column=1, token=None, sql=sql)
        best = (match.start(), match.end() - 1)
    line, column = offset_position(sql, best[0])
    return SQLSyntaxError(reason, line=line, column=column, token=sql[best[0]:best[1] + 1], sql=sql)


def _check_identifier(node: exp.Identifier, sql: str) -> None:
    if is_unquoted_reserved(node):
        raise reserved_name_error(node, sql)
    column = node.parent
    if isinstance(column, exp.Column) and len(column.parts) == 1:
        word = str(node.this).upper()
        if word == "DEFAULT":
            _default_value(column, sql)
        elif word in rules.BARE_CALLS:
            column.replace(exp.Anonymous(this=word, expressions=[]))


def _default_value(column: exp.Column, sql: str) -> None:
    """`SET a = DEFAULT` means the column's default; sqlglot reads DEFAULT there as a column named
    `default` (printed back quoted, it would be one). Only an assignment takes it."""
    parent = column.parent
    if (isinstance(parent, exp.EQ) and parent.expression is column
            and isinstance(parent.parent, (exp.Update, exp.OnConflict))) or isinstance(parent, (exp.Tuple,
                                                                                            exp.Anonymous)):
        column.replace(exp.var("DEFAULT"))
        return
    raise _node_error(column, sql, "DEFAULT as a value is only allowed in VALUES and in SET column = DEFAULT; "
                      "use DEFAULT(column) elsewhere")


def _check_alias(node: exp.Alias, sql: str) -> None:
    target = node.this
    if isinstance(target, exp.Star) or (isinstance(target, exp.Column) and isinstance(target.this, exp.Star)):
        raise _node_error(node.args.get("alias") or node, sql,
                          "'*' cannot have an alias (did you forget FROM before the table name?)")


def _check_alias_place(node: exp.Alias, sql: str) -> None:
    if not isinstance(node.parent, exp.Select):
        raise _node_error(node.args.get("alias") or node, sql,
                          "an alias (AS name) is only allowed on a select-list item")


def _check_table_source(node: exp.Table, sql: str) -> None:
    source = node.this
    if isinstance(source, (exp.Func, exp.Window)) and not isinstance(source, rules.TABLE_FUNCTIONS):
        raise _node_error(source, sql, "MySQL has no table functions in FROM (only JSON_TABLE)")


def _check_json_table(node: exp.JSONTable, sql: str) -> None:
    if not isinstance(node.parent, exp.Table):
        raise _node_error(node, sql, "JSON_TABLE is a table: use it in FROM, with COLUMNS (...) and an alias")


def _check_into(node: exp.Into, sql: str) -> None:
    target = node.this
    if isinstance(target, exp.Table) and not isinstance(target.this, exp.Parameter):
        raise _node_error(target, sql, "SELECT ... INTO takes @variables (or OUTFILE / DUMPFILE), not a table name")


def _check_subquery_operand(node: exp.Expression, sql: str) -> None:
    if not isinstance(node.this, (exp.Subquery, exp.Query)):
        raise _node_error(node, sql, f"{type(node).__name__.upper()} needs a subquery, as in = ANY (SELECT ...)")


def _check_extract(node: exp.Extract, sql: str) -> None:
    unit = node.this
    if isinstance(unit, exp.Var) and unit.name.upper() not in rules.INTERVAL_UNITS:
        raise _node_error(node, sql, f"{unit.name!r} is not a unit EXTRACT accepts", keyword=unit.name)


def _check_order_place(node: exp.Order, sql: str) -> None:
    parent = node.parent
    if isinstance(parent, exp.Func) and not isinstance(parent, rules.ORDERED_AGGREGATES):
        raise _node_error(node, sql, "ORDER BY inside a function call is only allowed in GROUP_CONCAT",
                          keyword="ORDER")


def _check_values(node: exp.Values, sql: str) -> None:
    if isinstance(node.parent, exp.Insert):
        return
    for row in node.expressions:
        items = row.expressions if isinstance(row, exp.Tuple) else [row]
        if len(items) != 1 or not (isinstance(items[0], exp.Anonymous) and str(items[0].this).upper() == "ROW"):
            raise _node_error(row, sql, "a VALUES statement or table needs ROW(...) for each row, "
                              "as in VALUES ROW(1, 2)")


def _check_set_operation(node: exp.SetOperation, sql: str) -> None:
    for arm in (node.this, node.expression):
        if not isinstance(arm, rules.SET_OPERATION_ARMS):
            raise _node_error(arm if isinstance(arm, exp.Expression) else node, sql,
                              f"each side of {type(node).__name__.upper()} must be a query (SELECT, TABLE or "
                              "VALUES ROW(...))")


def _check_dot(node: exp.Dot, sql: str) -> None:
    if isinstance(node.this, exp.Paren):
        raise _node_error(node, sql, "MySQL has no (expression).field access")


def _check_single_table_delete(node: exp.Delete, sql: str) -> None:
    target = node.this
    if isinstance(target, exp.Table) and target.args.get("hints") and not node.args.get("tables") \
            and not node.args.get("using") and not target.args.get("joins"):
        raise _node_error(target, sql, "a single-table DELETE takes no index hints; use the multiple-table form "
                          "(DELETE t FROM t USE INDEX (...) WHERE ...)")


def _key_parts(parts: list[exp.Expression]) -> exp.Expression | None:
    """The first key part MySQL would not read, if any."""
    for part in parts:
        inner = part.this if isinstance(part, exp.Ordered) else part
        if not isinstance(inner, rules.KEY_PART_NODES):
            return part
    return None


def _check_index(node: exp.IndexColumnConstraint, sql: str) -> None:
    if not node.expressions and node.args.get("this") is None:
        raise _node_error(node.parent or node, sql, "an index needs at least one key part", keyword="INDEX")
    bad = _key_parts(node.expressions)
    if bad is not None:
        raise _node_error(bad, sql, "an expression key part needs its own parentheses, as in KEY ((a + 1))")


def _check_unique(node: exp.UniqueColumnConstraint, sql: str) -> None:
    schema = node.this
    if isinstance(schema, exp.Schema) and not schema.expressions:
        raise _node_error(node.parent or node, sql, "a UNIQUE key needs at least one key part", keyword="UNIQUE")


def _check_rename_column(node: exp.RenameColumn, sql: str) -> None:
    for name in (node.this, node.args.get("to")):
        if isinstance(name, exp.Column) and name.table:
            raise _node_error(name, sql, "RENAME COLUMN takes plain column names, not qualified ones")


def _check_default(node: exp.Expression, sql: str) -> None:
    in_alter = isinstance(node, exp.AlterColumn)
    value = node.args.get("default") if in_alter else node.this
    if value is None or isinstance(value, rules.LITERAL_DEFAULTS) or (not in_alter and _is_now(value)):
        return
    raise _node_error(value, sql, "a DEFAULT that is not a literal needs parentheses, as in DEFAULT (a + 1)")


def _is_now(value: exp.Expression) -> bool:
    if isinstance(value, (exp.CurrentTimestamp, exp.Localtime, exp.Localtimestamp)):
        return True
    if isinstance(value, exp.Anonymous):
        return str(value.this).upper() in rules.NOW_DEFAULTS
    # LOCALTIME / LOCALTIMESTAMP without parentheses, which sqlglot reads as a column name.
    return isinstance(value, exp.Column) and len(value.parts) == 1 and value.name.upper() in rules.NOW_DEFAULTS \
        and value.name.upper() != "NOW"


def _check_rollup(node: exp.Rollup, sql: str) -> None:
    if node.expressions:
        raise _node_error(node, sql, "MySQL has no ROLLUP(...); write GROUP BY a, b WITH ROLLUP", keyword="ROLLUP")


def _check_table_alias(node: exp.TableAlias, sql: str) -> None:
    ident = node.this
    if isinstance(ident, exp.Identifier) and ident._meta:
        start = ident.meta.get("start")
        if isinstance(start, int) and sql[start:start + 1] in ("'", '"'):
            raise _node_error(ident, sql, "a table alias cannot be a quoted string; use a name or `backquotes`")


def _check_join(node: exp.Join, sql: str) -> None:
    side = (node.side or "").upper()
    kind = (node.kind or "").upper()
    natural = (node.method or "").upper() == "NATURAL"
    has_condition = node.args.get("on") is not None or node.args.get("using") is not None
    if natural:
        if kind not in rules.NATURAL_JOIN_KINDS:
            raise _node_error(node, sql, f"NATURAL {kind} JOIN is not MySQL syntax; use NATURAL [LEFT|RIGHT] JOIN")
        if has_condition:
            raise _node_error(node, sql, "a NATURAL JOIN takes no ON or USING")
    if side == rules.FULL_JOIN_SIDE:
        raise _node_error(node, sql, "MySQL has no FULL JOIN; combine a LEFT JOIN and a RIGHT JOIN with UNION")
    if natural:
        return
    if side in rules.OUTER_JOIN_SIDES and not has_condition:
        raise _node_error(node, sql, f"{side} JOIN needs an ON or USING condition")


def _check_column(node: exp.Column, sql: str) -> None:
    if node.args.get("catalog") is not None:
        raise _node_error(node, sql, "a column name has at most three parts (db.table.column)")


def _check_distinct(node: exp.Distinct, sql: str) -> None:
    parent = node.parent
    if not isinstance(parent, exp.AggFunc) and not isinstance(parent, exp.Anonymous):
        return
    name = parent.sql_name() if isinstance(parent, exp.Func) and not isinstance(parent, exp.Anonymous) \
        else str(parent.this).upper()
    if not isinstance(parent, rules.DISTINCT_AGGREGATES):
        raise _node_error(node, sql, f"{name}() does not take DISTINCT")
    if any(isinstance(e, exp.Star) for e in node.expressions):
        raise _node_error(node, sql, f"{name}(DISTINCT *) is not valid; name the columns")


def _check_one_argument_aggregate(node: exp.Expression, sql: str) -> None:
    if node.this is None:
        raise _node_error(node, sql, f"{node.sql_name()}() takes exactly one argument", word=node.sql_name())
    if node.args.get("expressions") and not isinstance(node.this, exp.Distinct):
        raise _node_error(node, sql, f"{node.sql_name()}() takes exactly one argument")


def _check_anonymous(node: exp.Anonymous, sql: str) -> None:
    name = str(node.this).upper()
    if name in rules.ONE_ARGUMENT_AGGREGATE_NAMES and len(node.expressions) != 1:
        raise _node_error(node, sql, f"{name}() takes exactly one argument")
    if name == "ROW" and len(node.expressions) < 2 and not isinstance(node.parent, exp.Tuple):
        raise _node_error(node, sql, "ROW() needs at least two values")


def _check_escape(node: exp.Escape, sql: str) -> None:
    escape = node.expression
    if isinstance(escape, exp.Literal) and escape.is_string and len(escape.this) > 1:
        raise _node_error(escape, sql, "ESCAPE takes a single character")


def _check_interval_unit(node: exp.Expression, sql: str) -> None:
    unit = node.args.get("unit")
    if unit is None and isinstance(node, exp.Interval):
        raise _node_error(node, sql, "INTERVAL needs a unit, as in INTERVAL 1 DAY", word="INTERVAL")
    if isinstance(unit, exp.Var) and unit.name.upper() not in rules.INTERVAL_UNITS:
        raise _node_error(unit, sql, f"{unit.name!r} is not an INTERVAL unit", word=unit.name)


def _check_select(node: exp.Select, sql: str) -> None:
    if not node.expressions:
        raise _node_error(node, sql, "SELECT needs at least one expression to select")
    if node.args.get("offset") is not None and node.args.get("limit") is None:
        raise _node_error(node.args["offset"], sql, "OFFSET needs a LIMIT in MySQL (LIMIT n OFFSET m)")


def _check_unsupported_node(node: exp.Expression, sql: str) -> None:
    keyword, reason = rules.UNSUPPORTED_NODES[type(node)]
    raise _node_error(node, sql, reason, keyword=keyword)


def _check_unsupported_args(node: exp.Expression, sql: str) -> None:
    for key, reason in rules.UNSUPPORTED_ARGS[type(node)]:
        value = node.args.get(key)
        if value is not None and value is not False:
            raise _node_error(value if isinstance(value, exp.Expression) else node, sql, reason)


def _check_on_conflict(node: exp.OnConflict, sql: str) -> None:
    if not node.args.get("duplicate"):
        raise _node_error(node, sql, "MySQL has no ON CONFLICT; use ON DUPLICATE KEY UPDATE", word="CONFLICT")


def _check_derived_columns(node: exp.TableAlias, sql: str) -> None:
    if node.args.get("columns") and isinstance(node.parent, exp.Table):
        raise _node_error(node, sql, "a column list after a table alias needs a derived table: (SELECT ...) AS x(a, b)")


def _check_insert(node: exp.Insert, sql: str) -> None:
    schema = node.this
    if isinstance(schema, exp.Schema) and isinstance(schema.this, exp.Schema):
        raise _node_error(schema, sql, "INSERT ... SET cannot also have a column list")


def _check_insert_source(node: exp.Insert, sql: str) -> None:
    if node.expression is None:
        raise _node_error(node, sql, "INSERT needs VALUES, SET or SELECT")


def _check_group(node: exp.Group, sql: str) -> None:
    if not node.expressions:
        raise _node_error(node.parent or node, sql, "GROUP BY needs at least one expression")


def _check_in(node: exp.In, sql: str) -> None:
    if not node.expressions and not any(node.args.get(k) for k in ("query", "unnest", "field")):
        raise _node_error(node, sql, "IN () needs at least one value")


def _check_update(node: exp.Update, sql: str) -> None:
    if not node.expressions:
        raise _node_error(node, sql, "UPDATE needs SET column = value")


def _check_multi_table_order(node: exp.Expression, sql: str) -> None:
    target = node.this
    multi = bool(node.args.get("tables")) or (isinstance(target, exp.Table) and bool(target.args.get("joins"))) \
        or bool(node.args.get("from_")) or bool(node.args.get("joins"))
    if multi:
        for key in ("order", "limit"):
            clause = node.args.get(key)
            if clause is not None:
                raise _node_error(clause, sql, f"a multiple-table {type(node).__name__.upper()} cannot have "
                                  f"{'ORDER BY' if key == 'order' else 'LIMIT'}")


def _check_create(node: exp.Create, sql: str) -> None:
    kind = str(node.args.get("kind") or "").upper()
    reason = rules.UNSUPPORTED_CREATE_KINDS.get(kind)
    if reason is not None:
        raise _node_error(node, sql, reason)
    schema = node.this
    # `CREATE TABLE t` alone parses in MySQL (it fails later: no columns); `CREATE TABLE t ()` does not.
    if kind == "TABLE" and node.args.get("expression") is None and isinstance(schema, exp.Schema) \
            and not schema.expressions:
        raise _node_error(schema, sql, "CREATE TABLE needs at least one column")


def _check_unsupported_property(node: exp.Expression, sql: str) -> None:
    raise _node_error(node.parent.parent if node.parent is not None and node.parent.parent is not None else node,
                      sql, rules.UNSUPPORTED_PROPERTIES[type(node)])


def _check_data_type(node: exp.DataType, sql: str) -> None:
    if node.this in rules.VALUE_LIST_TYPES and not node.expressions and isinstance(node.parent, exp.ColumnDef):
        name = node.this.value
        raise _node_error(node.parent, sql, f"{name} needs its list of values, as in {name}('a', 'b')")
    if node.this is exp.DataType.Type.FLOAT and node.expressions:
        precision = node.expressions[0].this
        if isinstance(precision, exp.Literal) and precision.is_int and int(precision.this) > rules.FLOAT_MAX_PRECISION:
            raise _node_error(precision, sql, f"FLOAT precision is at most {rules.FLOAT_MAX_PRECISION}; "
                              "use DOUBLE for more")


_CHECK_LIST: dict[type[exp.Expression], list[Callable[..., None]]] = {}
for _cls, _check in (
    (exp.Alias, _check_alias),
    (exp.Alias, _check_alias_place),
    (exp.Table, _check_table_source),
    (exp.Values, _check_values),
    (exp.Rollup, _check_rollup),
    (exp.IndexColumnConstraint, _check_index),
    (exp.UniqueColumnConstraint, _check_unique),
    (exp.RenameColumn, _check_rename_column),
    (exp.AlterColumn, _check_default),
    (exp.DefaultColumnConstraint, _check_default),
    (exp.Union, _check_set_operation),
    (exp.Except, _check_set_operation),
    (exp.Intersect, _check_set_operation),
    (exp.Dot, _check_dot),
    (exp.JSONTable, _check_json_table),
    (exp.Into, _check_into),
    (exp.Any, _check_subquery_operand),
    (exp.All, _check_subquery_operand),
    (exp.Extract, _check_extract),
    (exp.Order, _check_order_place),
    (exp.Delete, _check_single_table_delete),
    (exp.TableAlias, _check_table_alias),
    (exp.TableAlias, _check_derived_columns),
    (exp.Join, _check_join),
    (exp.Column, _check_column),
    (exp.Distinct, _check_distinct),
    (exp.Anonymous, _check_anonymous),
    (exp.Escape, _check_escape),
    (exp.Interval, _check_interval_unit),
    (exp.DateAdd, _check_interval_unit),
    (exp.DateSub, _check_interval_unit),
    (exp.Select, _check_select),
    (exp.Insert, _check_insert),
    (exp.DataType, _check_data_type),
    (exp.Create, _check_create),
    (exp.Delete, _check_multi_table_order),
    (exp.Update, _check_multi_table_order),
    (exp.Update, _check_update),
    (exp.Insert, _check_insert_source),
    (exp.Group, _check_group),
    (exp.In, _check_in),
    (exp.OnConflict, _check_on_conflict),
    *((cls, _check_one_argument_aggregate) for cls in rules.ONE_ARGUMENT_AGGREGATES),
    *((cls, _check_unsupported_property) for cls in rules.UNSUPPORTED_PROPERTIES),
    *((cls, _check_unsupported_node) for cls in rules.UNSUPPORTED_NODES),
    *((cls, _check_unsupported_args) for cls in rules.UNSUPPORTED_ARGS),
):
    _CHECK_LIST.setdefault(_cls, []).append(_check)

_TREE_CHECKS: dict[type[exp.Expression], Callable[[exp.Expression, str], None]] = {
    cls: _all_of(*checks) for cls, checks in _CHECK_LIST.items()
}
"""Node type -> its rules (exact type: sqlglot's node classes are the dispatch key)."""

