"""dialects/sqlite/tokens.py must produce exactly the tokens of the ANTLR lexer generated from
grammars/SQLiteLexer.g4 (type, text, line, column), which stays the definition."""

from __future__ import annotations

import random

import pytest
from antlr4 import CommonTokenStream, InputStream

from dialects.sqlite import parsing
from dialects.sqlite._generated.SQLiteLexer import SQLiteLexer
from dialects.sqlite.tokens import _TOKENIZER, spans, tokenize
from tests.corpus._corpus import load_corpus
from tests.sqlite import fuzz

EDGE_CASES = [
    "1e", "1e+", "1e+5x", "0x", "0x1G", "0X1f", "1_", "1__2", "1_000.5e1_0", ".5.", ".e5", "1.e5", "1.x", "1e5.5",
    "x'0'", "x'00", "X'GG'", "x'ab'cd'", "'abc", "'''", "''''", '"abc', '"""', "`a", "``", "[a", "[]",
    "$a::b(c)", "$a::", "$a(b", ":", "@", "?12a", "a$b", "\u017fELECT", "SELECT\u00a0x", "/* x", "-- x\n1",
    "a\rb\nc", "\u00e91", "!", "!=", "->>>", "<<=", "||=", "\t\f\v", "\U0001f600", "a\n  'b\nc' d",
    "invalid", "INVALID <INVALID> eof EOF",
]


def test_every_keyword_and_its_neighbours() -> None:
    words = [name for name in SQLiteLexer.symbolicNames if name and name.isupper()]
    for word in words:
        for text in (word, word.lower(), word + "x", "x" + word, word + "_1"):
            assert _ours(text) == _antlr(text), text


def _antlr(sql: str) -> list[tuple]:
    lexer = SQLiteLexer(InputStream(sql))
    lexer.removeErrorListeners()
    stream = CommonTokenStream(lexer)
    stream.fill()
    return [(t.type, t.text, t.line, t.column) for t in stream.tokens if t.channel == 0]


def _ours(sql: str) -> list[tuple]:
    return [(t.type, t.text, t.line, t.column) for t in tokenize(sql)]


@pytest.mark.parametrize("sql", EDGE_CASES)
def test_edge_cases(sql: str) -> None:
    assert _ours(sql) == _antlr(sql)


@pytest.mark.parametrize("corpus", ["sqlite", "mysql", "postgres"])
def test_corpus_tokens_match(corpus: str) -> None:
    mismatched = [row["id"] for row in load_corpus(corpus) if _ours(row["sql"]) != _antlr(row["sql"])]
    assert not mismatched, mismatched[:20]


def test_fuzz_tokens_match() -> None:
    mismatched = [sql for sql in fuzz.cases(300, seed=99) if _ours(sql) != _antlr(sql)]
    assert not mismatched, mismatched[:5]


def test_parser_agrees_with_either_lexer() -> None:
    sqls = [row["sql"] for row in load_corpus("sqlite")[:400]]

    def outcomes() -> list[str]:
        out = []
        for sql in sqls:
            try:
                out.append(parsing.parse_tree(sql).toStringTree(recog=parsing.SQLiteParser))
            except parsing.SQLSyntaxError as err:
                out.append(str(err))
        return out

    fast = outcomes()
    parsing.use_antlr_lexer = True
    try:
        slow = outcomes()
    finally:
        parsing.use_antlr_lexer = False
    assert fast == slow


# -- the fast path of `tokens.spans` against the shared tokenizer it shortcuts -------------------

_SOUP = ("a", "x", "X", "_", "$", "1", "0", "9", ".", "e", "E", "'", '"', "`", "[", "]", "-", "/", "*", "+", "<",
         ">", "=", "!", "|", "&", "?", ":", "@", " ", "\n", "\t", "\u00e9", "\u00a0", "(", ")", ",", ";", "#")


def _differs(sql: str) -> bool:
    """The spans and comments of the fast path differ from the shared tokenizer's."""
    fast_comments: list = []
    shared_comments: list = []
    fast = spans(sql, fast_comments)
    shared = _TOKENIZER.tokens(sql, shared_comments)
    return (fast, fast_comments) != (shared, shared_comments)


@pytest.mark.parametrize("corpus", ["sqlite", "mysql", "postgres"])
def test_fast_spans_match_the_shared_tokenizer_on_corpora(corpus: str) -> None:
    mismatched = [row["id"] for row in load_corpus(corpus) if _differs(row["sql"])]
    assert not mismatched, mismatched[:20]


def test_fast_spans_match_the_shared_tokenizer_on_soup() -> None:
    rng = random.Random(16)
    texts = [*EDGE_CASES, "x'00' x'0 xy'a' a''b 'a''b' \"a\"\"b\" 1.5.3 1.5e3 1_0 .5 a.5 1.x --c\n/*d*/e/f-g->h->>i"]
    texts += ["".join(rng.choice(_SOUP) for _ in range(rng.randint(1, 24))) for _ in range(4000)]
    mismatched = [text for text in texts if _differs(text)]
    assert not mismatched, mismatched[:5]
