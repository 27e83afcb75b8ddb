"""A fast tokenizer equivalent to grammars/SQLiteLexer.g4, built on Python's `re`.

ANTLR's Python lexer simulates its ATN character by character and is about a third of the time
of a parse. This module produces the same tokens (type, text, line, column) for every input; the
grammar stays the single definition, and tests/sqlite/test_tokens.py compares both lexers on the
corpus, on the fuzzer's output and on edge cases. ANTLR's lexer is still what `--check` keeps in
sync with the grammar and remains available (`use_antlr_lexer`).

Hidden tokens (spaces, comments) are not emitted: the parser never reads them.
"""

from __future__ import annotations

import re

from antlr4 import CommonTokenStream, Token
from antlr4.Token import CommonToken

# The parser class carries the same token types and names as the lexer; importing the lexer module
# would deserialize its ATN for nothing.
from dialects.sqlite._generated.SQLiteParser import SQLiteParser as L

# Keyword literals ('SELECT', 'CURRENT_DATE', ...) by their upper-case spelling.
_KEYWORDS: dict[str, int] = {
    literal[1:-1]: kind for kind, literal in enumerate(L.literalNames)
    if literal.startswith("'") and literal[1:-1].replace("_", "").isalpha()
}

_PUNCT: dict[str, int] = {
    ";": L.SCOL, ".": L.DOT, "(": L.OPEN_PAR, ")": L.CLOSE_PAR, ",": L.COMMA, "=": L.ASSIGN, "*": L.STAR,
    "+": L.PLUS, "-": L.MINUS, "~": L.TILDE, "||": L.PIPE2, "->>": L.PTR2, "->": L.PTR, "/": L.DIV, "%": L.MOD,
    "<<": L.LT2, ">>": L.GT2, "&": L.AMP, "|": L.PIPE, "<=": L.LT_EQ, "<>": L.NOT_EQ2, "<": L.LT, ">=": L.GT_EQ,
    ">": L.GT, "==": L.EQ, "!=": L.NOT_EQ1,
}

_ID_START = r"A-Za-z_\u0080-\U0010FFFF"
_ID_CHAR = r"A-Za-z_0-9$\u0080-\U0010FFFF"
_DIGITS = r"[0-9]+(?:_[0-9]+)*"
_HEX = r"[0-9A-Fa-f]+(?:_[0-9A-Fa-f]+)*"
_NUMBER_BODY = rf"(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})"

_SKIP = re.compile(r"(?:[ \t\r\n\f\v]+|--[^\r\n]*|/\*(?:.|\n)*?(?:\*/|\Z))+")
_COMMENT = re.compile(r"--[^\r\n]*|/\*(?:.|\n)*?(?:\*/|\Z)")
_IDENT = re.compile(rf"[{_ID_START}][{_ID_CHAR}]*")
_NUMBER = re.compile(rf"{_NUMBER_BODY}(?:[Ee][-+]?{_DIGITS})?")
_HEX_NUMBER = re.compile(rf"0[Xx]{_HEX}")
# The two shapes of UNRECOGNIZED_TOKEN that start like a number (the lexer takes the longer one).
_BAD_NUMBERS = (
    re.compile(rf"{_NUMBER_BODY}(?:[Ee][-+]?{_DIGITS})?[{_ID_CHAR}]+"),
    re.compile(rf"{_DIGITS}(?:\.(?:{_DIGITS})?)?[Ee][-+]?"),
)
_STRING = re.compile(r"'(?:[^']|'')*'")
_OPEN_STRING = re.compile(r"'(?:[^']|'')*")
_QUOTED = {
    '"': (re.compile(r'"(?:[^"]|"")*"'), re.compile(r'"(?:[^"]|"")*')),
    "`": (re.compile(r"`(?:[^`]|``)*`"), re.compile(r"`(?:[^`]|``)*")),
    "[": (re.compile(r"\[[^\]]*\]"), re.compile(r"\[[^\]]*")),
}
_BLOB = re.compile(r"[Xx]'(?:[0-9A-Fa-f][0-9A-Fa-f])*'")
_BAD_BLOB = re.compile(r"[Xx]'[^']*'?")
_PARAM = re.compile(rf"\?[0-9]*|[:@][{_ID_CHAR}]+|\$[{_ID_CHAR}]+(?:::[{_ID_CHAR}]+)*(?:\([^)]*\))?")
_OPERATOR = re.compile(r"->>|->|\|\||<<|>>|<=|<>|>=|==|!=|[;.(),=*+\-~/%&|<>]")


def tokenize(sql: str, comments: list[tuple[int, str]] | None = None) -> list[CommonToken]:
    """The default-channel tokens of `sql`, then EOF, as SQLiteLexer would produce them.

    When `comments` is a list, each comment is appended to it as (offset, text between the
    delimiters), the way sqlglot records comments.
    """
    tokens: list[CommonToken] = []
    append = tokens.append
    pos = 0
    n = len(sql)
    line = 1
    line_start = 0
    while True:
        skipped = _SKIP.match(sql, pos)
        if skipped is not None:
            end = skipped.end()
            if comments is not None and ("-" in skipped.group() or "/" in skipped.group()):
                for found in _COMMENT.finditer(sql, pos, end):
                    text = found.group()
                    inner = text[2:] if text[1] == "-" else text[2:-2] if text.endswith("*/") and len(text) > 3 \
                        else text[2:]
                    comments.append((found.start(), inner))
            newlines = sql.count("\n", pos, end)
            if newlines:
                line += newlines
                line_start = sql.rfind("\n", pos, end) + 1
            pos = end
        if pos >= n:
            break
        kind, end = _scan(sql, pos)
        token = CommonToken(type=kind, start=pos, stop=end - 1)
        text = sql[pos:end]
        token.text = text
        token.line = line
        token.column = pos - line_start
        token.tokenIndex = len(tokens)
        append(token)
        newlines = text.count("\n")
        if newlines:
            line += newlines
            line_start = pos + text.rfind("\n") + 1
        pos = end
    eof = CommonToken(type=Token.EOF, start=n, stop=n - 1)
    eof.text = "<EOF>"
    eof.line = line
    eof.column = pos - line_start
    eof.tokenIndex = len(tokens)
    append(eof)
    return tokens


def _scan(sql: str, pos: int) -> tuple[int, int]:
    ch = sql[pos]
    if ch in "xX" and sql.startswith("'", pos + 1):
        blob = _BLOB.match(sql, pos)
        bad = _BAD_BLOB.match(sql, pos)
        if blob is not None and blob.end() >= bad.end():
            return L.BLOB_LITERAL, blob.end()
        return L.UNRECOGNIZED_TOKEN, bad.end()
    if "0" <= ch <= "9" or (ch == "." and "0" <= sql[pos + 1:pos + 2] <= "9" and sql[pos + 1:pos + 2]):
        end = _NUMBER.match(sql, pos).end()
        hex_number = _HEX_NUMBER.match(sql, pos)
        if hex_number is not None:
            end = max(end, hex_number.end())
        bad = max((m.end() for m in (r.match(sql, pos) for r in _BAD_NUMBERS) if m is not None), default=0)
        if bad > end:
            return L.UNRECOGNIZED_TOKEN, bad
        return L.NUMERIC_LITERAL, end
    ident = _IDENT.match(sql, pos)
    if ident is not None:
        end = ident.end()
        word = sql[pos:end]
        if word.isascii():
            kind = _KEYWORDS.get(word.upper())
            if kind is not None:
                return kind, end
        return L.IDENTIFIER, end
    # A quoted token and its unterminated form: like the lexer, take the longer (three quotes and
    # nothing else are an unterminated string holding one quote, not an empty string and a quote).
    if ch == "'":
        string = _STRING.match(sql, pos)
        open_end = _OPEN_STRING.match(sql, pos).end()
        if string is not None and string.end() >= open_end:
            return L.STRING_LITERAL, string.end()
        return L.UNRECOGNIZED_TOKEN, open_end
    quoted = _QUOTED.get(ch)
    if quoted is not None:
        closed = quoted[0].match(sql, pos)
        open_end = quoted[1].match(sql, pos).end()
        if closed is not None and closed.end() >= open_end:
            return L.QUOTED_IDENTIFIER, closed.end()
        return L.UNRECOGNIZED_TOKEN, open_end
    if ch in "?:@$":
        param = _PARAM.match(sql, pos)
        if param is not None:
            return L.BIND_PARAMETER, param.end()
        return L.UNEXPECTED_CHAR, pos + 1
    operator = _OPERATOR.match(sql, pos)
    if operator is not None:
        return _PUNCT[operator.group()], operator.end()
    return L.UNEXPECTED_CHAR, pos + 1


class _DefaultChannelStream(CommonTokenStream):
    """A token stream over a complete list of default-channel tokens ending in EOF.

    CommonTokenStream skips off-channel tokens on every look-ahead; there are none here, so
    look-ahead is plain indexing. The parser calls LT/LA/consume for every decision and token.
    """

    def LT(self, k: int) -> CommonToken | None:
        if k > 0:
            i = self.index + k - 1
            tokens = self.tokens
            return tokens[i] if i < len(tokens) else tokens[-1]
        if k == 0:
            return None
        i = self.index + k
        return self.tokens[i] if i >= 0 else None

    def LA(self, i: int) -> int:
        return self.LT(i).type

    def consume(self) -> None:
        if self.tokens[self.index].type == Token.EOF:
            raise ValueError("cannot consume EOF")
        self.index += 1

    def adjustSeekIndex(self, i: int) -> int:
        return i


def token_stream(sql: str, source: object) -> CommonTokenStream:
    """A filled token stream over `sql`'s tokens, ready for the parser."""
    stream = _DefaultChannelStream(source)
    stream.comments = []
    stream.tokens = tokenize(sql, stream.comments)
    stream.fetchedEOF = True
    stream.index = 0
    return stream
