"""Independent references the search tests compare the provider with: BM25 computed in plain Python
on the analyser's tokens, and brute-force cosine top-k in numpy. Nothing here touches DuckDB."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from providers.search.analysis import analyze


def bm25_scores(docs: Mapping[str, str], query: str, *, k1: float = 1.2, b: float = 0.75) -> dict[str, float]:
    """Robertson BM25 with Lucene's non-negative idf, over documents with at least one token."""
    tokens = {doc_id: analyze(text) for doc_id, text in docs.items()}
    tokens = {doc_id: toks for doc_id, toks in tokens.items() if toks}
    n = len(tokens)
    if n == 0:
        return {}
    avgdl = sum(len(t) for t in tokens.values()) / n
    tfs = {doc_id: Counter(toks) for doc_id, toks in tokens.items()}
    scores: dict[str, float] = {}
    for term in analyze(query):  # one clause per query token, as Lucene's match query
        df = sum(1 for c in tfs.values() if term in c)
        if df == 0:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for doc_id, counts in tfs.items():
            tf = counts.get(term, 0)
            if tf:
                dl = len(tokens[doc_id])
                scores[doc_id] = scores.get(doc_id, 0.0) + idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
    return scores


def cosine_top_k(matrix: np.ndarray, ids: Sequence[int], query: np.ndarray, k: int) -> list[tuple[int, float]]:
    m = matrix.astype(np.float64)
    q = query.astype(np.float64)
    sims = (m @ q) / (np.linalg.norm(m, axis=1) * np.linalg.norm(q))
    order = np.argsort(-sims, kind="stable")[:k]
    return [(int(ids[i]), float(sims[i])) for i in order]
