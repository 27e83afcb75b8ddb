"""The analyser: case folding, stemming, CJK bigrams — the same on the index and the query side."""

from __future__ import annotations

import pytest

from providers.search.analysis import analyze, term_frequencies


@pytest.mark.parametrize(("text", "terms"), [
    ("Searching SEARCHES searched", ["search", "search", "search"]),
    ("Ｆｕｌｌ-Text", ["full", "text"]),                       # NFKC: full-width letters
    ("STRASSE Straße", ["strass", "strass"]),                   # case folding, not just lower()
    ("全文检索", ["全文", "文检", "检索"]),                      # overlapping bigrams
    ("中", ["中"]),                                             # a lone character stays
    ("SQL数据库 v2", ["sql", "数据", "据库", "v2"]),             # script change splits words
    ("こんにちは", ["こん", "んに", "にち", "ちは"]),
    ("สวัสดีครับ", ["สว", "วั", "ัส", "สด", "ดี", "ีค", "คร", "รั", "ับ"]),  # Thai: unspaced too
    ("snake_case and 42", ["snake", "case", "and", "42"]),
    ("", []),
    ("  ... !!", []),
])
def test_analyze(text: str, terms: list[str]) -> None:
    assert analyze(text) == terms


def test_term_frequencies() -> None:
    counts, length = term_frequencies("run runs running ran 检索检索")
    assert length == 7
    assert counts["run"] == 3
    assert counts["ran"] == 1
    assert counts["检索"] == 2
    assert counts["索检"] == 1


def test_ascii_fast_path_gives_the_general_paths_terms() -> None:
    # analyze() takes a shortcut for ASCII text; appending a non-ASCII space (which NFKC turns
    # into a plain space) sends the same text through the general path.
    import random

    rng = random.Random(1)
    alphabet = "abcXYZ019_ -.,'\t\n!Running jumped ÿ"[:-1]  # ASCII only
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert analyze(text) == analyze(text + "\u00a0")
