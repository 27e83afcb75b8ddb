"""Text analysis shared by indexing and querying: the same function turns both into terms.

- Unicode NFKC normalisation and case folding (so "Ｆｕｌｌ" and "full", "Straße" and "STRASSE" meet).
- Words of spaced scripts are runs of letters and digits; words of Latin letters are stemmed with
  the Snowball English stemmer (a pure-Python PyPI package; no data is downloaded).
- Runs of scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) become overlapping
  character bigrams: a run "全文检索" gives 全文, 文检, 检索; a lone character stays a unigram. The
  same on both sides means any two-character substring of the query must occur in the document,
  which is how CJK search works without a dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

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
