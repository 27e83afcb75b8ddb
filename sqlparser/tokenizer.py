"""One SQL tokenizer, parameterised by a dialect's lexical rules.

SQL dialects agree on the shape of a lexer (names, numbers, quoted strings and names, comments,
placeholders, operators) and differ in small, declarable ways: which quotes exist and how a quote
is escaped inside them, whether block comments nest, whether `$tag$` dollar quoting exists, what a
placeholder looks like, whether operators are a fixed list or any run of operator characters.
`LexicalRules` declares those differences; `Tokenizer` reads text with them.

The tokenizer never fails: text it cannot read becomes a MALFORMED token (an unterminated quote, a
number running into letters, a quoted literal whose body is invalid) or an UNKNOWN one-character
token, and the dialect decides what to report. Spaces and comments are skipped, not emitted.

Dialects use it in two ways: `Tokenizer.tokens` returns every token as (kind, start, end), and the
lower-level `skip` / `scan` pair lets a hot loop (the SQLite front end builds ANTLR tokens) avoid
building the intermediate list.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass


class Kind(enum.IntEnum):
    """What a token is, as far as lexing can tell (keywords are words: the dialect knows them)."""

    WORD = 0
    NUMBER = 1
    STRING = 2
    QUOTED_NAME = 3
    PARAMETER = 4
    OPERATOR = 5
    MALFORMED = 6
    UNKNOWN = 7


# Module-level aliases: the scanner returns a kind per token, and a global is cheaper to read than
# an enum member (bench/sqlite_parse.py).
_WORD, _NUMBER, _STRING, _QUOTED_NAME = Kind.WORD, Kind.NUMBER, Kind.STRING, Kind.QUOTED_NAME
_PARAMETER, _OPERATOR, _MALFORMED, _UNKNOWN = Kind.PARAMETER, Kind.OPERATOR, Kind.MALFORMED, Kind.UNKNOWN


@dataclass(frozen=True)
class Quote:
    """A quoted token: `prefix` (matched case-insensitively, may be empty), then `open`, a body,
    then `close`.

    `doubled`: a doubled close quote inside stands for one. `backslash`: a backslash escapes the
    next character. `body`: a pattern the whole body must match, else the token is MALFORMED
    (SQLite's x'...' holds hex digit pairs). A quote without its close runs to the end of the text
    and is MALFORMED.
    """

    open: str
    close: str
    prefix: str = ""
    doubled: bool = True
    backslash: bool = False
    body: str | None = None


@dataclass(frozen=True)
class LexicalRules:
    """The lexical differences between dialects; the defaults are standard SQL."""

    strings: tuple[Quote, ...] = (Quote("'", "'"),)
    names: tuple[Quote, ...] = (Quote('"', '"'),)
    line_comment: str = "--"
    nested_comments: bool = False
    """Block comments nest (PostgreSQL); otherwise the first `*/` ends one (SQLite, MySQL)."""
    dollar_quoting: bool = False
    """`$tag$ ... $tag$` strings (PostgreSQL)."""
    placeholders: str = r"\?"
    """A regular expression for a placeholder / bind parameter token."""
    placeholder_starts: str = "?"
    """The characters a placeholder can start with (where `placeholders` is tried)."""
    operators: tuple[str, ...] = ()
    """Fixed operator and punctuation spellings; the longest one that matches is taken."""
    operator_chars: str = ""
    """Characters any run of which is one operator (PostgreSQL); a run stops before a comment."""
    whitespace: str = r"[ \t\r\n\f\v]"
    """A regular expression for one whitespace character."""
    digit_separators: bool = True
    """`1_000` is one number."""
    number_junk: str = r"[A-Za-z_0-9$\u0080-\U0010FFFF]+"
    """What, written right after a number, makes number and junk one malformed token (SQLite: any
    name characters; PostgreSQL: a name, which cannot start with a digit or `$`)."""


WORD_START = r"A-Za-z_\u0080-\U0010FFFF"
WORD_CHAR = r"A-Za-z_0-9$\u0080-\U0010FFFF"
"""Name characters shared by SQLite and PostgreSQL: any non-ASCII character is a letter."""


class Tokenizer:
    """Reads SQL text with one dialect's `LexicalRules`. Build it once (`tokenizer_for`); it holds
    only compiled patterns and is thread-safe."""

    def __init__(self, rules: LexicalRules) -> None:
        self.rules = rules
        digits = r"[0-9]+(?:_[0-9]+)*" if rules.digit_separators else r"[0-9]+"
        hex_digits = r"[0-9A-Fa-f]+(?:_[0-9A-Fa-f]+)*" if rules.digit_separators else r"[0-9A-Fa-f]+"
        body = rf"(?:{digits}(?:\.(?:{digits})?)?|\.{digits})"
        self._number = re.compile(rf"{body}(?:[Ee][-+]?{digits})?")
        self._hex = re.compile(rf"0[Xx]{hex_digits}")
        # A number running into name characters, and an exponent without digits, are one
        # malformed token (SQLite's and PostgreSQL's lexers both refuse them as a whole).
        self._bad_numbers = (
            re.compile(rf"{body}(?:[Ee][-+]?{digits})?(?:{rules.number_junk})"),
            re.compile(rf"{digits}(?:\.(?:{digits})?)?[Ee][-+]?"),
        )
        self._word = re.compile(rf"[{WORD_START}][{WORD_CHAR}]*")
        space = rules.whitespace
        comment = re.escape(rules.line_comment) + r"[^\r\n]*"
        if rules.nested_comments:
            self._skip = re.compile(rf"(?:{space}+|{comment})+")
        else:
            self._skip = re.compile(rf"(?:{space}+|{comment}|/\*(?:.|\n)*?(?:\*/|\Z))+")
        self._comment = re.compile(rf"{comment}|/\*(?:.|\n)*?(?:\*/|\Z)")
        self._comment_lead = rules.line_comment[0]
        self._placeholder = re.compile(rules.placeholders)
        self._placeholder_starts = frozenset(rules.placeholder_starts)
        fixed = sorted(rules.operators, key=len, reverse=True)
        self._operator = re.compile("|".join(re.escape(op) for op in fixed)) if fixed else None
        self._operator_chars = frozenset(rules.operator_chars)
        self._dollar = re.compile(rf"\$(?:[{WORD_START}][A-Za-z_0-9\u0080-\U0010FFFF]*)?\$")
        # Quotes by the first character of their prefix (or of the quote itself), both cases;
        # prefixed ones first, so that x'..' is tried before the name x.
        quotes: dict[str, list[_QuoteReader]] = {}
        for quote, kind in [(q, Kind.STRING) for q in rules.strings] + [(q, Kind.QUOTED_NAME) for q in rules.names]:
            reader = _QuoteReader(quote, kind)
            first = (quote.prefix or quote.open)[0]
            for ch in {first.lower(), first.upper()}:
                quotes.setdefault(ch, []).append(reader)
        self._quotes = {ch: tuple(sorted(readers, key=lambda r: not r.quote.prefix))
                        for ch, readers in quotes.items()}

    def tokens(self, sql: str, comments: list[tuple[int, str]] | None = None) -> list[tuple[Kind, int, int]]:
        """Every token of `sql` as (kind, start, end). When `comments` is a list, each comment is
        appended to it as (offset, text between the delimiters)."""
        out: list[tuple[Kind, int, int]] = []
        pos = self.skip(sql, 0, comments)
        n = len(sql)
        while pos < n:
            kind, end = self.scan(sql, pos)
            out.append((kind, pos, end))
            pos = self.skip(sql, end, comments)
        return out

    def skip(self, sql: str, pos: int, comments: list[tuple[int, str]] | None = None) -> int:
        """The offset of the first token at or after `pos`: spaces and comments skipped."""
        while True:
            skipped = self._skip.match(sql, pos)
            if skipped is not None:
                end = skipped.end()
                text = skipped.group()
                if comments is not None and (self._comment_lead in text or "/" in text):
                    self._record_comments(sql, pos, end, comments)
                pos = end
            if not (self.rules.nested_comments and sql.startswith("/*", pos)):
                return pos
            end = _nested_comment_end(sql, pos)
            if comments is not None:
                comments.append((pos, self._comment_body(sql[pos:end])))
            pos = end

    def _record_comments(self, sql: str, start: int, end: int, comments: list[tuple[int, str]]) -> None:
        for found in self._comment.finditer(sql, start, end):
            comments.append((found.start(), self._comment_body(found.group())))

    def _comment_body(self, text: str) -> str:
        """A comment's text without its delimiters, as sqlglot records comments."""
        if text.startswith("/*"):
            return text[2:-2] if text.endswith("*/") and len(text) > 3 else text[2:]
        return text[len(self.rules.line_comment):]

    def scan(self, sql: str, pos: int) -> tuple[Kind, int]:
        """The token starting at `pos` (not a space or comment): its kind and end offset."""
        ch = sql[pos]
        readers = self._quotes.get(ch)
        if readers is not None:
            for reader in readers:
                found = reader.read(sql, pos)
                if found is not None:
                    return found
        if "0" <= ch <= "9" or (ch == "." and "0" <= sql[pos + 1:pos + 2] <= "9" and sql[pos + 1:pos + 2]):
            return self._scan_number(sql, pos)
        word = self._word.match(sql, pos)
        if word is not None:
            return _WORD, word.end()
        if ch == "$" and self.rules.dollar_quoting:
            tag = self._dollar.match(sql, pos)
            if tag is not None:
                close = sql.find(tag.group(), tag.end())
                if close < 0:
                    return _MALFORMED, len(sql)
                return _STRING, close + len(tag.group())
        if ch in self._placeholder_starts:
            param = self._placeholder.match(sql, pos)
            if param is not None and param.end() > pos:
                return _PARAMETER, param.end()
        if ch in self._operator_chars:
            end = pos + 1
            n = len(sql)
            chars = self._operator_chars
            while end < n and sql[end] in chars and not sql.startswith(("--", "/*"), end):
                end += 1
            return _OPERATOR, end
        if self._operator is not None:
            operator = self._operator.match(sql, pos)
            if operator is not None:
                return _OPERATOR, operator.end()
        return _UNKNOWN, pos + 1

    def _scan_number(self, sql: str, pos: int) -> tuple[Kind, int]:
        number = self._number.match(sql, pos)
        end = number.end() if number is not None else pos
        hex_number = self._hex.match(sql, pos)
        if hex_number is not None:
            end = max(end, hex_number.end())
        bad = max((m.end() for m in (r.match(sql, pos) for r in self._bad_numbers) if m is not None), default=0)
        if bad > end:
            return _MALFORMED, bad
        return _NUMBER, end


class _QuoteReader:
    """One `Quote`, compiled."""

    def __init__(self, quote: Quote, kind: Kind) -> None:
        self.quote = quote
        self.kind = kind
        self.lead = quote.prefix.lower() + quote.open
        close = re.escape(quote.close)
        escapes = [f"{close}{close}"] if quote.doubled else []
        if quote.backslash:
            escapes.append(r"\\.")
        plain = f"[^{close}\\\\]" if quote.backslash else f"[^{close}]"
        self._body = re.compile("(?:" + "|".join([plain, *escapes]) + ")*", re.S)
        self._valid = re.compile(quote.body + r"\Z", re.S) if quote.body is not None else None

    def read(self, sql: str, pos: int) -> tuple[Kind, int] | None:
        lead = self.lead
        if self.quote.prefix:
            if sql[pos:pos + len(lead)].lower() != lead:
                return None
        elif not sql.startswith(lead, pos):
            return None
        start = pos + len(lead)
        body = self._body.match(sql, start)
        end = body.end() if body is not None else start
        if not sql.startswith(self.quote.close, end):
            return _MALFORMED, end  # unterminated: the rest of the text
        if self._valid is not None and self._valid.match(sql, start, end) is None:
            return _MALFORMED, end + len(self.quote.close)
        return self.kind, end + len(self.quote.close)


def _nested_comment_end(sql: str, pos: int) -> int:
    """The end of the (nesting) block comment starting at `pos`; the end of the text if unclosed."""
    depth = 0
    n = len(sql)
    i = pos
    while i < n:
        if sql.startswith("/*", i):
            depth += 1
            i += 2
        elif sql.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


@functools.cache
def tokenizer_for(rules: LexicalRules) -> Tokenizer:
    """The tokenizer of `rules`, built once per process."""
    return Tokenizer(rules)
