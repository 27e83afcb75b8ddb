"""SQLite's tokens for the ANTLR parser: the shared tokenizer (`sqlparser.tokenizer`) with SQLite's
lexical rules, mapped onto the token types of grammars/SQLiteLexer.g4.

ANTLR's Python lexer simulates its ATN character by character and is about a third of the time
of a parse. This module produces the same tokens (type, text, line, column) for every input; the
grammar stays the single definition, and tests/sqlite/test_tokens.py compares both lexers on the
corpus, on the fuzzer's output and on edge cases. ANTLR's lexer is still what `--check` keeps in
sync with the grammar and remains available (`parsing.use_antlr_lexer`).

Hidden tokens (spaces, comments) are not emitted: the parser never reads them.
"""

from __future__ import annotations

import itertools
import re

from antlr4 import CommonTokenStream, Token
from antlr4.Token import CommonToken

# The parser class carries the same token types and names as the lexer; importing the lexer module
# would deserialize its ATN for nothing.
from dialects.sqlite._generated.SQLiteParser import SQLiteParser as L
from sqlparser.tokenizer import WORD_CHAR, Kind, LexicalRules, Quote, tokenizer_for

SQLITE_LEXICAL_RULES = LexicalRules(
    strings=(Quote("'", "'"), Quote("'", "'", prefix="x", doubled=False, body="(?:[0-9A-Fa-f][0-9A-Fa-f])*")),
    names=(Quote('"', '"'), Quote("`", "`"), Quote("[", "]", doubled=False)),
    placeholders=rf"\?[0-9]*|[:@][{WORD_CHAR}]+|\$[{WORD_CHAR}]+(?:::[{WORD_CHAR}]+)*(?:\([^)]*\))?",
    placeholder_starts="?:@$",
    operators=(";", ".", "(", ")", ",", "=", "*", "+", "-", "~", "||", "->>", "->", "/", "%", "<<", ">>", "&", "|",
               "<=", "<>", "<", ">=", ">", "==", "!="),
)
"""grammars/SQLiteLexer.g4 as lexical rules: x'..' blobs of hex pairs, three quoted-name forms
("", ``, []), SQLite's four placeholder forms and its fixed operator list."""

_TOKENIZER = tokenizer_for(SQLITE_LEXICAL_RULES)
_WORD, _OPERATOR, _STRING = Kind.WORD, Kind.OPERATOR, Kind.STRING  # globals read faster in the loop

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

# Token type by kind, for the kinds whose type does not depend on the text.
_TYPES: dict[Kind, int] = {
    Kind.NUMBER: L.NUMERIC_LITERAL, Kind.QUOTED_NAME: L.QUOTED_IDENTIFIER, Kind.PARAMETER: L.BIND_PARAMETER,
    Kind.MALFORMED: L.UNRECOGNIZED_TOKEN, Kind.UNKNOWN: L.UNEXPECTED_CHAR,
}


class _Token(CommonToken):
    """A token with its text in a plain attribute, built field by field by `tokenize` (no
    constructor call). ANTLR's `CommonToken` runs two `__init__`s and reads and writes its text
    through a property; a statement makes one token per word, so that was about a fifth of
    tokenizing, and even one `__init__` of our own was a third of building a token. Same
    attributes, same values."""

    # Plain class attributes shadow CommonToken's `text` property and the slots of the two fields
    # every token shares; an instance keeps what is set on it in its dict.
    text: str = ""
    source = CommonToken.EMPTY_SOURCE
    channel = Token.DEFAULT_CHANNEL


Span = tuple[Kind, int, int]
"""A token as the shared tokenizer scans it: (kind, start, end)."""


# The common tokens in one regular expression, each with the lookahead that makes it the token the
# shared tokenizer reads at that point: an ASCII word not followed by a name character (and not
# the x of x'..'), a plain decimal number not running into a name character, a dot or an
# exponent, a string or "name" without a doubled quote, an operator that does not start a comment
# or a number. Anything else (comments, non-ASCII, placeholders, odd numbers and quotes) is read by
# the shared tokenizer, which stays the definition (tests/sqlite/test_tokens.py compares both).
_NOT_NAME_CHAR = r"(?![A-Za-z0-9_$\u0080-\U0010FFFF])"
_OPERATORS = sorted((op for op in SQLITE_LEXICAL_RULES.operators if op not in ("-", "/", ".")), key=len, reverse=True)
_FAST = re.compile(
    r"[ \t\r\n\f\v]*(?:"
    rf"(?P<word>(?![xX]')[A-Za-z_][A-Za-z0-9_$]*{_NOT_NAME_CHAR})"
    rf"|(?P<number>[0-9]+(?:\.[0-9]+)?(?![A-Za-z0-9_$.\u0080-\U0010FFFF]))"
    r"|(?P<string>'[^']*'(?!'))"
    r"|(?P<name>\"[^\"]*\"(?!\"))"
    r"|(?P<operator>" + "|".join(re.escape(op) for op in _OPERATORS) + r"|-(?!-)|/(?!\*)|\.(?![0-9])))"
)
_KIND_OF_GROUP = {"word": _WORD, "number": Kind.NUMBER, "string": _STRING, "name": Kind.QUOTED_NAME,
                  "operator": _OPERATOR}
_FAST_KINDS: tuple[Kind, ...] = (  # by group number (0, the whole match, unused)
    Kind.UNKNOWN, *(_KIND_OF_GROUP[name] for name, _ in sorted(_FAST.groupindex.items(), key=lambda item: item[1])))


def spans(sql: str, comments: list[tuple[int, str]] | None = None) -> list[Span]:
    """The scan `tokenize` builds its tokens from: the shared tokenizer's `tokens(sql, comments)`,
    with the common tokens read by one regular expression each (about a third of the time)."""
    out: list[Span] = []
    append = out.append
    fast = _FAST.match
    kinds = _FAST_KINDS
    skip, scan = _TOKENIZER.skip, _TOKENIZER.scan
    n = len(sql)
    pos = 0
    while pos < n:
        found = fast(sql, pos)
        if found is not None:
            group: int = found.lastindex  # type: ignore[assignment]  # one group always matches
            start, end = found.span(group)  # the group ends the match
            append((kinds[group], start, end))
            pos = end
            continue
        pos = skip(sql, pos, comments)
        if pos >= n:
            break
        kind, end = scan(sql, pos)
        append((kind, pos, end))
        pos = end
    return out


def tokenize(sql: str, comments: list[tuple[int, str]] | None = None,
             scanned: list[Span] | None = None) -> list[CommonToken]:
    """The default-channel tokens of `sql`, then EOF, as SQLiteLexer would produce them.

    When `comments` is a list, each comment is appended to it as (offset, text between the
    delimiters), the way sqlglot records comments. `scanned`: `spans(sql)` when the caller has
    scanned the text already (its comments were recorded then).
    """
    if scanned is None:
        scanned = spans(sql, comments)
    tokens: list[CommonToken] = []
    append = tokens.append
    new = object.__new__
    line = 1
    line_start = 0
    last = 0  # where newlines have been counted up to
    multiline = "\n" in sql  # most statements are one line: no newlines to count between tokens
    n = len(sql)
    for index, (kind, pos, end) in enumerate(itertools.chain(scanned, ((None, n, n),))):  # then EOF
        if kind is _WORD:
            text = sql[pos:end]
            token_type = _KEYWORDS.get(text.upper(), L.IDENTIFIER) if text.isascii() else L.IDENTIFIER
        elif kind is _OPERATOR:
            text = sql[pos:end]
            token_type = _PUNCT[text]
        elif kind is _STRING:
            text = sql[pos:end]
            token_type = L.BLOB_LITERAL if text[0] in "xX" else L.STRING_LITERAL
        elif kind is None:
            text = "<EOF>"
            token_type = Token.EOF
        else:
            text = sql[pos:end]
            token_type = _TYPES[kind]
        if multiline:
            newlines = sql.count("\n", last, pos)
            if newlines:
                line += newlines
                line_start = sql.rfind("\n", last, pos) + 1
            last = pos
        token = new(_Token)
        token.type = token_type
        token.start = pos
        token.stop = end - 1
        token.text = text
        token.line = line
        token.column = pos - line_start
        token.tokenIndex = index
        append(token)
    return tokens


class DefaultChannelStream(CommonTokenStream):
    """A token stream over a complete list of default-channel tokens ending in EOF.

    CommonTokenStream skips off-channel tokens on every look-ahead; there are none here, so
    look-ahead is plain indexing. The parser calls LT/LA/consume for every decision and token.
    """

    def __init__(self, source: object) -> None:
        # CommonTokenStream's fields, set in one call (its constructor is two, per statement).
        self.tokenSource = source
        self.tokens: list[CommonToken] = []
        self.index = -1
        self.fetchedEOF = False
        self.channel = Token.DEFAULT_CHANNEL

    def LT(self, k: int) -> CommonToken | None:
        if k == -1:  # the previous token: each rule's end reads it
            i = self.index - 1
            return self.tokens[i] if i >= 0 else None
        if k > 0:
            i = self.index + k - 1
            tokens = self.tokens
            return tokens[i] if i < len(tokens) else tokens[-1]
        if k == 0:
            return None
        i = self.index + k
        return self.tokens[i] if i >= 0 else None

    def LA(self, i: int) -> int:
        if i == 1:  # read before almost every token; the index never passes EOF's
            try:
                next_kind: int = self.tokens[self.index].type
                return next_kind
            except IndexError:
                pass
        if i > 0:
            j = self.index + i - 1
            tokens = self.tokens
            kind: int = tokens[j].type if j < len(tokens) else tokens[-1].type
            return kind
        token = self.LT(i)
        if token is None:  # look-behind past the first token: ANTLR's own stream fails there too
            raise IndexError(f"no token at look-ahead {i}")
        kind = token.type
        return kind

    def consume(self) -> None:
        if self.tokens[self.index].type == Token.EOF:
            raise ValueError("cannot consume EOF")
        self.index += 1

    def adjustSeekIndex(self, i: int) -> int:
        return i

    def seek(self, index: int) -> None:
        # Every prediction seeks back to where it started; the stream is always filled.
        self.index = index


Scanned = tuple[list[Span], list[tuple[int, str]]]
"""`spans(sql, comments)` and the comments it recorded."""


def token_stream(sql: str, source: object, scanned: Scanned | None = None) -> CommonTokenStream:
    """A filled token stream over `sql`'s tokens, ready for the parser (built from `scanned` when
    the caller has scanned the text already)."""
    stream = DefaultChannelStream(source)
    if scanned is None:
        stream.comments = []
        stream.tokens = tokenize(sql, stream.comments)
    else:
        stream.comments = scanned[1]
        stream.tokens = tokenize(sql, None, scanned[0])
    stream.fetchedEOF = True
    stream.index = 0
    return stream
