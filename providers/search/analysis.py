"""Text analysis shared by indexing and querying: the same function turns both into terms.

- Unicode NFKC normalisation and case folding (so "Ｆｕｌｌ" and "full", "Straße" and "STRASSE" meet).
- Words of spaced scripts are runs of letters and digits; words of Latin letters are stemmed with
  the Snowball English stemmer: `snowballstemmer` (pure Python), which hands over to PyStemmer (the
  same Snowball algorithm compiled to C, ~50x faster per word) when that is installed. Their stems
  are equal (tests/search/test_stemmer.py compares them on a large vocabulary), so an index built
  with one answers queries analysed with the other. No data is downloaded.
- Runs of scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) become overlapping
  character bigrams: a run "全文检索" gives 全文, 文检, 检索; a lone character stays a unigram. The
  same on both sides means any two-character substring of the query must occur in the document,
  which is how CJK search works without a dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from itertools import chain

import numpy as np
import snowballstemmer

_UNSPACED = (
    "\u0e00-\u0eff"            # Thai, Lao
    "\u1000-\u109f"            # Myanmar
    "\u1780-\u17ff"            # Khmer
    "\u3040-\u30ff"            # Hiragana, Katakana
    "\u31f0-\u31ff"            # Katakana phonetic extensions
    "\u3400-\u4dbf"            # CJK extension A
    "\u4e00-\u9fff"            # CJK unified ideographs
    "\uf900-\ufaff"            # CJK compatibility ideographs
    "\U00020000-\U0003134f"    # CJK extensions B-G
)
# A run of unspaced-script characters, or a run of other letters/digits (word characters minus
# "_" and the unspaced scripts).
_TOKEN_RE = re.compile(f"(?P<cjk>[{_UNSPACED}]+)|(?P<word>[^\\W_{_UNSPACED}]+)")
_LATIN_RE = re.compile(r"[a-z]+")

_stemmer = snowballstemmer.stemmer("english")
if hasattr(_stemmer, "maxCacheSize"):
    # PyStemmer keeps an LRU cache of its own, which costs more per new word than the stemming;
    # the dict below is the cache.
    _stemmer.maxCacheSize = 0


_STEM_CACHE_MAX = 200_000
_stems: dict[str, str] = {}
# ASCII text: NFKC leaves it unchanged and casefold is lower(); its words are runs of [a-z0-9].
_ASCII_WORD_RE = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    # A plain dict in front of the stemmer (most words of a corpus repeat): cheaper per word than
    # functools.lru_cache's wrapper, and bounded by clearing when full.
    stem = _stems.get(word)
    if stem is None:
        stem = _stemmer.stemWord(word) if _LATIN_RE.fullmatch(word) else word
        if len(_stems) >= _STEM_CACHE_MAX:
            _stems.clear()
        _stems[word] = stem
    return stem


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def analyze(text: str) -> list[str]:
    """The terms of `text`, in order, with repetitions (term frequency and length come from it)."""
    if text.isascii():
        # The common case without the per-match Python work of the general path; the same terms.
        get = _stems.get
        return [get(w) or _stem(w) for w in _ASCII_WORD_RE.findall(text.lower())]
    terms: list[str] = []
    get = _stems.get
    # findall gives (cjk, word) pairs, one of them empty: cheaper than a Match object per token.
    for run, word in _TOKEN_RE.findall(normalize(text)):
        if word:
            terms.append(get(word) or _stem(word))
        elif len(run) == 1:
            terms.append(run)
        else:
            terms.extend([run[i:i + 2] for i in range(len(run) - 1)])
    return terms


def term_frequencies(text: str) -> tuple[Counter[str], int]:
    """(term -> count, document length in terms)."""
    terms = analyze(text)
    return Counter(terms), len(terms)


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


# Each text's own words, runs of unspaced scripts apart (the two alternatives of _TOKEN_RE: the
# same maximal runs, found separately; a term's count does not depend on the order).
_WORD_RE = re.compile(f"[^\\W_{_UNSPACED}]+")
_RUN_RE = re.compile(f"[{_UNSPACED}]+")
# ASCII text to its words in one C pass: letters lower-cased, digits kept, every other character
# a space, except NUL, kept as the separator between the texts of a batch (split() keeps it).
_ASCII_WORDS = bytes(c if c == 0 or chr(c).isalnum() else 32 for c in range(128)).lower() + b" " * 128
_SEP = "\x00"


def batch_term_frequencies(texts: Sequence[str], term_no: dict[str, int]
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """term_frequencies of many texts at once, as numbers: (text index, term number, count) per
    distinct term of each text, sorted by text then term number, and each text's length in terms.
    Terms are numbered in `term_no` (new ones get the next numbers). The same terms and counts as
    term_frequencies text by text (tests/search/test_batch_analysis.py).

    The per-word Python work of a bulk load is what this saves: the batch's ASCII texts are split
    into words together (one translate and split over their concatenation, NUL between texts),
    each distinct word of the batch is mapped to its term once, the words become numbers through
    a C-level map, and numpy counts the (text, term) pairs."""
    joined: list[str] = []  # ASCII texts without NUL
    joined_rows: list[int] = []
    words: list[str] = []  # the other texts' words (not yet stemmed)
    word_rows: list[int] = []
    runs: list[str] = []  # the other texts' runs of unspaced scripts
    run_rows: list[int] = []
    for i, text in enumerate(texts):
        if text.isascii() and _SEP not in text:
            joined.append(text)
            joined_rows.append(i)
            continue
        norm = normalize(text)
        found = _WORD_RE.findall(norm)
        words.extend(found)
        word_rows.extend([i] * len(found))
        found = _RUN_RE.findall(norm)
        runs.extend(found)
        run_rows.extend([i] * len(found))
    flat = f" {_SEP} ".join(joined).encode("ascii").translate(_ASCII_WORDS).decode("ascii").split() if joined else []
    get = _stems.get
    # A word's number is its term's (stemming maps many words to one term); dict.fromkeys keeps
    # the numbering in order of first appearance.
    word_no = {w: term_no.setdefault(get(w) or _stem(w), len(term_no)) for w in dict.fromkeys(chain(flat, words))
               if w != _SEP}
    word_no[_SEP] = -1
    ids = np.fromiter(map(word_no.__getitem__, flat), dtype=np.int64, count=len(flat))
    sep = ids < 0
    # Separators: text k of `joined` owns the words after k separators.
    nth = np.cumsum(sep)[~sep]
    ids = ids[~sep]
    run_terms = {run: [term_no.setdefault(b, len(term_no)) for b in _bigrams(run)] for run in dict.fromkeys(runs)}
    per_run = np.fromiter(map(len, map(run_terms.__getitem__, runs)), dtype=np.int64, count=len(runs))
    rows = np.concatenate([np.asarray(joined_rows, dtype=np.int64)[nth], np.asarray(word_rows, dtype=np.int64),
                           np.repeat(np.asarray(run_rows, dtype=np.int64), per_run)])
    terms = np.concatenate([ids, np.fromiter(map(word_no.__getitem__, words), dtype=np.int64, count=len(words)),
                            np.fromiter(chain.from_iterable(map(run_terms.__getitem__, runs)), dtype=np.int64,
                                        count=int(per_run.sum()))])
    lengths = np.bincount(rows, minlength=len(texts))
    width = max(len(term_no), 1)
    pairs, counts = np.unique(rows * width + terms, return_counts=True)
    return pairs // width, pairs % width, counts, lengths
