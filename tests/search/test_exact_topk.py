"""VectorMatrix.top_k (the in-memory exact scan) against a full sort of the same scores: ids,
scores and tie order, with dead rows, filters, duplicates (ties at the border) and sizes that are
not multiples of the k-th bound's block."""

from __future__ import annotations

import numpy as np
import pytest

from providers.search.vectors import VectorMatrix, _kth_bound


def _reference(m: VectorMatrix, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> list[tuple[int, float]]:
    n = m.size
    scores = m.unit[:n] @ (query.astype(np.float32) / np.float32(np.linalg.norm(query)))
    ok = m.live[:n] if allowed is None else m.live[:n] & np.isin(m.ids[:n], allowed)
    rows = sorted(np.flatnonzero(ok).tolist(), key=lambda r: (-scores[r], m.ids[r]))[:k]
    return [(int(m.ids[r]), float(scores[r])) for r in rows]


@pytest.mark.parametrize("n", [1, 5, 63, 64, 65, 640, 2_561, 20_003])
def test_top_k_equals_a_full_sort(n: int) -> None:
    rng = np.random.default_rng(n)
    vectors = rng.standard_normal((n, 24)).astype(np.float32)
    if n > 10:
        vectors[n // 3: n // 3 + 7] = vectors[n // 2 - 1]  # equal rows: ties at the border, ordered by id
        vectors[n // 2] = 0  # a zero vector never matches
    ids = rng.permutation(10 * n)[:n].astype(np.int64)
    m = VectorMatrix(ids, vectors)
    queries = [*rng.standard_normal((4, 24)).astype(np.float32), vectors[n // 2 - 1] * 3, -vectors[0]]
    for q in queries:
        for k in (1, 3, 10, 50):
            assert m.top_k(q, k) == _reference(m, q, k)
    m.remove(ids[: n // 4].tolist())  # tombstones (no compaction below 1024 dead)
    allowed = ids[::3]
    for q in queries:
        for k in (1, 10):
            assert m.top_k(q, k) == _reference(m, q, k)
            assert m.top_k(q, k, allowed) == _reference(m, q, k, allowed)
    assert m.top_k(queries[0], 10, np.asarray([-1], dtype=np.int64)) == []


def test_kth_bound_is_a_lower_bound_with_k_scores_above() -> None:
    rng = np.random.default_rng(3)
    for n in (100, 1_000, 64 * 50 + 17, 100_000):
        scores = rng.standard_normal(n).astype(np.float32)
        scores[rng.integers(0, n, n // 10)] = -np.inf
        for k in (1, 10, 25):
            bound = _kth_bound(scores, k)
            kth = np.sort(scores)[::-1][k - 1]
            assert bound <= kth
            assert np.count_nonzero(scores >= bound) >= k
