"""analysis.batch_term_frequencies (the bulk write path) gives term_frequencies' terms and counts
text by text, and a batch indexed through it scores as documents indexed one by one."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np

from providers.search.analysis import batch_term_frequencies, term_frequencies
from providers.search.postings import SpacePostings

_PIECES = ("Searching searches SEARCHED run runs running ran connection connected generously happiness "
           "x1 v2 42 snake_case café naïve Straße Ｆｕｌｌ 全文检索 数据库 こんにちは สวัสดี москва "
           "a I it's don't e-mail foo.bar ---").split()


def _texts(rng: random.Random, n: int) -> list[str]:
    texts = [" ".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 25))) for _ in range(n)]
    # Edge cases of the joined ASCII path: NUL (its separator) inside a text, other control
    # characters, words glued to punctuation, upper case, texts without words.
    return [*texts, "", "   ", "... !!", "ascii only words here", "全", "nul\x00inside\x00", "\x00", "tab\tnew\nline",
            "UPPER Case MiXeD", "(glued)words,here;and:there", "x\x00", "\x7f\x01ctrl"]


def test_batch_gives_the_per_text_terms_and_counts() -> None:
    rng = random.Random(4)
    texts = _texts(rng, 300)
    term_no: dict[str, int] = {"preexisting": 0}
    rows, terms, tf, lengths = batch_term_frequencies(texts, term_no)
    assert term_no["preexisting"] == 0 and sorted(term_no.values()) == list(range(len(term_no)))
    names = {v: k for k, v in term_no.items()}
    got: dict[int, Counter[str]] = {}
    for r, t, c in zip(rows.tolist(), terms.tolist(), tf.tolist(), strict=True):
        assert names[t] not in got.setdefault(r, Counter())  # one row per (text, term)
        got[r][names[t]] = c
    for i, text in enumerate(texts):
        counts, length = term_frequencies(text)
        assert got.get(i, Counter()) == counts, text
        assert lengths[i] == length
    assert list(zip(rows.tolist(), terms.tolist(), strict=True)) == sorted(zip(rows.tolist(), terms.tolist(),
                                                                               strict=True))


def test_a_batch_scores_as_documents_added_one_by_one() -> None:
    rng = random.Random(6)
    texts = _texts(rng, 200)
    one_by_one, batched = SpacePostings(), SpacePostings()
    for i, text in enumerate(texts):
        counts, length = term_frequencies(text)
        if length:
            one_by_one.add([(str(i), "f", counts, length)])
    term_no: dict[str, int] = {}
    rows, terms, tf, lengths = batch_term_frequencies(texts, term_no)
    kept = lengths > 0
    docs = [str(i) for i in np.flatnonzero(kept).tolist()]
    batched.add_batch(docs, ["f"] * len(docs), lengths[kept], (np.cumsum(kept) - 1)[rows], terms, tf,
                      list(term_no))
    for q in ("search run", "全文", "café connection", "snake case 42", "x1 missing"):
        terms_q = Counter(term_frequencies(q)[0])
        assert (one_by_one.top_k(["f"], terms_q, 1, 1.2, 0.75, 500)
                == batched.top_k(["f"], terms_q, 1, 1.2, 0.75, 500))
        assert one_by_one.top_k(["f"], terms_q, 1, 1.2, 0.75, 500)
