"""PyStemmer (Snowball compiled to C) gives the pure-Python Snowball English stemmer's stems.

`snowballstemmer` hands over to PyStemmer whenever it is importable, so which one analyses a text
depends on the environment. An index built by one process and queried by another must agree, so
the two must give the same stem for every word: compared here on a large vocabulary (the words of
the repository's data and docs, the benchmark's random words, generated inflections, non-ASCII
words), and end to end (an index built with one, queried with the other). Skipped when PyStemmer
is not installed (then only the pure-Python one exists).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from providers.search import analysis

Stemmer = pytest.importorskip("Stemmer")
from snowballstemmer.english_stemmer import EnglishStemmer  # noqa: E402  (the pure-Python one, always)

ROOT = Path(__file__).resolve().parents[2]
_WORD = re.compile(r"[^\W\d_]+")
# English endings Snowball's steps look at (Porter step 1-5 suffixes, plurals, possessives).
_SUFFIXES = ("s es ies ied ing ed eed eedli eedly ly ingly edly ational tional enci anci izer bli alli entli eli "
             "ousli ization ation ator alism aliti iviti biliti logi fulness ousness iveness icate ative alize "
             "iciti ical ful ness al ance ence er ic able ible ant ement ment ent ism ate iti ous ive ize ion ou y "
             "e ss us sses 's s' ' li ogi").split()
_SPECIAL = ("skis skies sky dying lying tying idly gently ugly early only singly news howe atlas cosmos bias "
            "andes inning innings outing outings canning cannings herring herrings earring earrings proceed "
            "proceeds exceed succeed generate generic generous communism communication arsenal past gener "
            "commun arsen y yy yay ayy yelling say saying 'tis o'clock").split()
_NON_ASCII = ("café naïve straße größe résumé coöperate ﬁne ñandú señor jalapeño ελλάδα москва déjà fiancée über "
              "façade æsthetic œuvre ĳssel ǆungla crème brûlée smörgåsbord piñata zoë").split()


def _repository_words() -> set[str]:
    """The words of the repository's data (workload schemas and rows, the SQL corpus) and docs,
    folded as the analyser folds them."""
    words: set[str] = set()
    files = [*(ROOT / "tests" / "data").rglob("*"), *(ROOT / "docs").rglob("*.md"), ROOT / "README.md"]
    for path in files:
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        words.update(_WORD.findall(analysis.normalize(text)))
    return words


def _random_words(seed: int, count: int) -> set[str]:
    """Words as bench/search.py makes them (random lower-case letters), lengths 1-14."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return {"".join(rng.choice(letters) for _ in range(rng.randint(1, 14))) for _ in range(count)}


def vocabulary(random_count: int, bases: int) -> list[str]:
    words = _repository_words() | _random_words(11, random_count) | set(_SPECIAL)
    stems = sorted(w for w in words if w.isascii() and 2 <= len(w) <= 8)[:bases]
    words |= {b + s for b in stems for s in _SUFFIXES}
    non_ascii = {unicodedata.normalize("NFKC", w).casefold() for w in _NON_ASCII}
    words |= non_ascii | {w + s for w in non_ascii for s in ("s", "es", "ing", "ed", "ly", "ness")}
    return sorted(words)


def _differences(words: list[str]) -> Iterator[tuple[str, str, str]]:
    c_stems = Stemmer.Stemmer("english").stemWords(words)
    py_stems = EnglishStemmer().stemWords(words)
    for word, c, py in zip(words, c_stems, py_stems, strict=True):
        if c != py:
            yield word, c, py


def test_the_analyser_uses_pystemmer_when_installed() -> None:
    # What this file proves equal is what the analyser runs.
    assert isinstance(analysis._stemmer, Stemmer.Stemmer)


def test_same_stems_on_a_large_vocabulary() -> None:
    words = vocabulary(random_count=25_000, bases=800)
    assert len(words) > 50_000
    assert any(not w.isascii() for w in words)
    assert list(_differences(words))[:20] == []


@pytest.mark.slow
def test_same_stems_on_a_very_large_vocabulary() -> None:
    words = set(vocabulary(random_count=200_000, bases=6_000)) | _random_words(12, 100_000)
    assert list(_differences(sorted(words)))[:20] == []


def test_an_index_built_with_one_stemmer_answers_queries_analysed_with_the_other(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from providers.search import open_search
    from providers.search.contract import BulkIndexerItem, Request, new_match_query

    rng = random.Random(5)
    pool = sorted({b + s for b in ("connect", "generat", "happi", "run", "categor", "nation", "relat", "hope")
                   for s in ("", "s", "ing", "ed", "ion", "ions", "ional", "ally", "ness", "ies", "y", "ize")})
    docs = {str(i): " ".join(rng.choice(pool) for _ in range(rng.randint(3, 12))) for i in range(200)}
    queries = [" ".join(rng.choice(pool) for _ in range(rng.randint(1, 3))) for _ in range(40)]

    def use(stemmer: object) -> None:
        monkeypatch.setattr(analysis, "_stemmer", stemmer)
        analysis._stems.clear()  # the analyser's cache holds the other stemmer's stems

    def search(p: object, q: str) -> list[tuple[str, float | None]]:
        hits = p.es.search("i", Request(query=new_match_query("t", q), size=300)).hits  # type: ignore[attr-defined]
        return [(h.id, h.score) for h in hits]

    answers = {}
    for build, query in ((EnglishStemmer(), EnglishStemmer()), (EnglishStemmer(), Stemmer.Stemmer("english")),
                         (Stemmer.Stemmer("english"), EnglishStemmer())):
        use(build)
        p = open_search("duckdb:///:memory:")
        assert not p.es.bulk("i", [BulkIndexerItem("index", doc_id, {"t": text}) for doc_id, text in docs.items()])
        use(query)
        answers[(type(build).__name__, type(query).__name__)] = [search(p, q) for q in queries]
        p.close()
    analysis._stems.clear()
    first, *others = answers.values()
    assert sum(bool(a) for a in first) > 30  # the queries match documents
    for other in others:
        for got, expect in zip(other, first, strict=True):
            # Same documents, same scores up to the last bits (DuckDB's parallel SUM adds the
            # terms in any order).
            assert dict(got).keys() == dict(expect).keys()
            assert dict(got) == pytest.approx(dict(expect), rel=1e-12)
