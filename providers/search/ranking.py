"""The ranking rules every search implementation shares (their definitions are in contract.py's
docstring) that run outside the engine: reciprocal rank fusion for hybrid retrieval and the
`search_after` order. (BM25 itself runs where the postings are: bm25.py.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from providers.search.model import SortField


def reciprocal_rank_fusion(rankings: Sequence[Sequence[tuple[int, float]]], k: int,
                           top_k: int) -> list[tuple[int, float]]:
    """Fuse (id, score) rankings: each contributes 1 / (k + rank); ties by ascending id."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (doc_id, _) in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]


def comes_after(sort: Sequence[SortField], values: Sequence[Any], after: Sequence[Any]) -> bool:
    """Whether a hit's sort values come strictly after `after` in the sort order (missing last)."""
    for sf, v, a in zip(sort, values, after, strict=False):
        if v == a:
            continue
        if v is None:
            return True
        if a is None:
            return False
        try:
            greater = v > a
        except TypeError:
            greater = str(v) > str(a)
        return bool(greater) if sf.asc else not greater
    return False
