"""Errors of the MySQL front end: where they point and how they are worded.

Every rejection is an SQLSyntaxError with the line, column and text of the token at fault. The
tokenizer and sqlglot's parser do not always say where (or say it in their own terms): this module
finds the position (an unterminated quote, the leftmost token of a node) and rewords sqlglot's
messages for users, adding the reserved-word hint MySQL users most often need.
"""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.tokens import Token, TokenType

from dialects.mysql import rules
from sqlparser.errors import SQLSyntaxError
from sqlparser.ir import line_column


def token_error(tok: Token, sql: str, reason: str) -> SQLSyntaxError:
    """An error at `tok`, showing the token as written in `sql` (sqlglot's text drops quotes)."""
    line, column = line_column(sql, tok.start)
    return SQLSyntaxError(reason, line=line, column=column, token=sql[tok.start:tok.end + 1] or tok.text, sql=sql)


def locate_token_error(sql: str) -> tuple[int, int, str | None, str]:
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
                line, column = line_column(sql, i)
                kind = "identifier" if ch == "`" else "string"
                return line, column, ch, f"unterminated quoted {kind}; close it with {ch}"
            i = j + 1
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            if j < 0:
                line, column = line_column(sql, i)
                return line, column, "/*", "unterminated comment; close it with */"
            i = j + 2
        elif ch == "#" or sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        else:
            i += 1
    line, column = line_column(sql, max(n - 1, 0))
    return line, column, None, "cannot split the text into SQL tokens (malformed number or literal)"


_TOKEN_NOISE = re.compile(r"<Token token_type: TokenType\.\w+, text: (.*?), line: \d+, col: \d+, start: \d+, "
                          r"end: \d+, comments: \[.*?\]>")
_CLASS_NOISE = re.compile(r"<class 'sqlglot\.expressions\.[\w.]*?(\w+)'>")


# sqlglot's parser messages, said plainly for users.
_PLAIN_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Invalid expression / Unexpected token$"), "unexpected token"),
    (re.compile(r"^Expecting (\S+)$"), r"expected \1"),
    (re.compile(r"^Required keyword: '(\w+)' missing for (\w+)$"), r"incomplete \2 (its \1 part is missing)"),
)


def reword_parse_error(err: ParseError, tokens: list[Token], sql: str, offset_tokens: int) -> SQLSyntaxError:
    """sqlglot's first parse error, reworded and positioned at the token it is about. With
    `offset_tokens`, the first tokens are a wrapper the caller added (a condition parsed as
    `SELECT 1 FROM t WHERE ...`): the error then points into the caller's text only."""
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
        return token_error(tokens[index], sql, reason)
    if index is not None:
        return token_error(tokens[index], sql, reason)
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


def node_error(node: exp.Expr, sql: str, reason: str, *, word: str | None = None,
               keyword: str | None = None) -> SQLSyntaxError:
    """An error positioned at the leftmost token of `node` that the parser recorded, else at `word`
    (or the first word of the statement) found in the text. With `keyword`, at the occurrence of
    that keyword nearest to the node (the construct's own keyword, which sqlglot keeps no position for)."""
    best: tuple[int, int] | None = None
    for sub in node.walk():
        if not sub._meta:
            continue  # reading `meta` would create an empty dict on every node
        start = sub._meta.get("start")
        if isinstance(start, int) and 0 <= start < len(sql) and (best is None or start < best[0]):
            end = sub._meta.get("end")
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
    line, column = line_column(sql, best[0])
    return SQLSyntaxError(reason, line=line, column=column, token=sql[best[0]:best[1] + 1], sql=sql)
