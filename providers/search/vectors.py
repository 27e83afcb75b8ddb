"""Exact vector search from memory: one float32 matrix of unit rows per vector column.

DuckDB's `array_cosine_similarity` over a FLOAT[dim] column recomputes every stored vector's norm
and reads the column through its buffer manager on each query (about 200 ms at 100k x 384 on two
cores). A top-k by cosine is one matrix-vector product over rows normalized once: 100k x 384 is
about 40M multiply-adds, a few milliseconds in numpy.

The matrix is loaded from the table on the first query, then kept in step with the writes the
store itself makes (`upsert`, `remove`), so a write never reloads it. Anything that could make it
disagree with the table drops it instead (`forget`): a write inside a caller's transaction (it may
roll back), dropping the collection, a failed write. Rows are appended into spare capacity and
deleted by a tombstone mask, compacted when a quarter is dead, so a one-document write costs
O(dim), not a copy of the matrix. A filtered query reads only the matching ids from the table (no
vectors) and scores those rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

Loader = Callable[[], tuple[np.ndarray, np.ndarray]]
"""Returns (ids int64 [n], vectors float32 [n, dim]) of every row with a vector, read from the table."""


def member_mask(values: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """np.isin(values, allowed); by a lookup table when the ids span a small range (ids are
    usually dense), several times faster than isin's sort on a filter's tens of thousands of ids."""
    if len(values) and len(allowed):
        lo = min(int(values.min()), int(allowed.min()))
        hi = max(int(values.max()), int(allowed.max()))
        if hi - lo <= 4 * (len(values) + len(allowed)):
            return np.isin(values, allowed, kind="table")
    return np.isin(values, allowed)


class VectorMatrix:
    """The vectors of one column: ids, unit rows and a live mask, with spare capacity."""

    def __init__(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        n, dim = vectors.shape
        cap = max(16, n + n // 4)
        self.dim = dim
        self.size = n
        self.dead = 0
        self.ids = np.zeros(cap, dtype=np.int64)
        self.unit = np.zeros((cap, dim), dtype=np.float32)
        self.live = np.zeros(cap, dtype=bool)
        self.row_of: dict[int, int] = {}
        self._put(np.arange(n), ids, vectors)

    @property
    def nbytes(self) -> int:
        return int(self.unit.nbytes + self.ids.nbytes + self.live.nbytes)

    def _put(self, rows: np.ndarray, ids: np.ndarray, vectors: np.ndarray) -> None:
        norms = np.linalg.norm(vectors, axis=1)
        # A zero vector has no direction: DuckDB's cosine is NaN for it; such rows never match.
        ok = norms > 0
        unit = np.zeros_like(vectors, dtype=np.float32)
        unit[ok] = vectors[ok] / norms[ok, None]
        self.ids[rows] = ids
        self.unit[rows] = unit
        self.live[rows] = ok
        self.dead += int((~ok).sum())
        for row, doc_id in zip(rows.tolist(), ids.tolist(), strict=True):
            self.row_of[doc_id] = row

    def remove(self, ids: list[int]) -> None:
        for doc_id in ids:
            row = self.row_of.pop(doc_id, None)
            if row is not None and self.live[row]:
                self.live[row] = False
                self.dead += 1
        if self.dead > max(1024, self.size // 4):
            self._compact()

    def upsert(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        self.remove(ids.tolist())
        n = len(ids)
        if self.size + n > len(self.ids):
            self._grow(self.size + n)
        rows = np.arange(self.size, self.size + n)
        self.size += n
        self._put(rows, ids, vectors)

    def _grow(self, need: int) -> None:
        cap = max(need, len(self.ids) * 2)
        for name in ("ids", "unit", "live"):
            old = getattr(self, name)
            new = np.zeros((cap, *old.shape[1:]), dtype=old.dtype)
            new[: self.size] = old[: self.size]
            setattr(self, name, new)

    def _compact(self) -> None:
        keep = np.flatnonzero(self.live[: self.size])
        n = len(keep)
        self.ids[:n] = self.ids[keep]
        self.unit[:n] = self.unit[keep]
        self.live[:n] = True
        self.live[n:] = False
        self.size = n
        self.dead = 0
        self.row_of = {doc_id: row for row, doc_id in enumerate(self.ids[:n].tolist())}

    def top_k(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(id, cosine) of the k best rows, best first, ties by id ascending (as the SQL path);
        with `allowed`, only rows whose id is in it (a filter's matches, read from the table).

        The matrix-vector product (one float32 pass over the matrix, BLAS with its own threads)
        is the whole cost at 100k x 384; the rest avoids extra passes: no eligibility mask when
        every row is live and unfiltered, and the k-th best found among block maxima."""
        n = self.size
        norm = float(np.linalg.norm(query))
        if n == 0 or k <= 0 or norm == 0.0:
            return []
        q = query.astype(np.float32, copy=False) / np.float32(norm)  # a fresh float32 unit vector
        if allowed is not None and len(allowed) * 8 < n:
            return self._top_k_of(q, k, allowed)
        scores = self.unit[:n] @ q
        live = self.live[:n]
        alive = int(np.count_nonzero(live))
        if allowed is not None or alive < n:
            eligible = live if allowed is None else live & member_mask(self.ids[:n], allowed)
            scores[~eligible] = -np.inf
            alive = int(np.count_nonzero(eligible))
        k = min(k, alive)
        if k == 0:
            return []
        if k < n:
            # Everything at least as good as the k-th score, so that ties at the border are all
            # considered before ordering by id.
            kth = _kth_bound(scores, k)
            cand = np.flatnonzero(scores >= kth) if kth > -np.inf else np.flatnonzero(scores > -np.inf)
        else:
            cand = np.flatnonzero(scores > -np.inf)
        order = np.lexsort((self.ids[cand], -scores[cand]))[:k]
        rows = cand[order]
        return [(int(i), float(s)) for i, s in zip(self.ids[rows].tolist(), scores[rows].tolist(), strict=True)]

    def _top_k_of(self, q: np.ndarray, k: int, allowed: np.ndarray) -> list[tuple[int, float]]:
        """top_k among few allowed ids: score only their rows (a selective filter's matches), not
        the whole matrix."""
        rows = [r for r in map(self.row_of.get, allowed.tolist()) if r is not None]
        rows_arr = np.unique(np.asarray(rows, dtype=np.int64))
        rows_arr = rows_arr[self.live[rows_arr]]
        if not len(rows_arr):
            return []
        scores = self.unit[rows_arr] @ q
        order = np.lexsort((self.ids[rows_arr], -scores))[:k]
        return [(int(i), float(s)) for i, s in zip(self.ids[rows_arr[order]].tolist(), scores[order].tolist(),
                                                   strict=True)]


_BLOCK = 64


def _kth_bound(scores: np.ndarray, k: int) -> float:
    """A value t <= the k-th largest score with at least k scores >= t: the k-th largest of the
    maxima of blocks of 64 scores (k blocks have a score >= t, and so does each of the k best).
    One vectorised max pass and a partition of n/64 values instead of a partition of n: the k best
    are then found among the few scores >= t."""
    n = len(scores)
    full = n - n % _BLOCK
    if full // _BLOCK < 4 * k:
        return float(np.partition(scores, n - k)[n - k])
    maxima = scores[:full].reshape(-1, _BLOCK).max(axis=1)
    if full < n:
        maxima = np.append(maxima, scores[full:].max())
    m = len(maxima)
    return float(np.partition(maxima, m - k)[m - k])


class VectorCache:
    """Matrices by (table, column), within a memory budget; thread-safe."""

    def __init__(self, max_bytes: int = 1 << 30) -> None:
        self.max_bytes = max_bytes
        self._items: dict[tuple[str, str], VectorMatrix] = {}
        self._lock = threading.Lock()

    @property
    def lock(self) -> threading.Lock:
        """Held by writes to the matrices; a reader holds it while it scores one (reads run
        concurrently with writes, Connection.reading)."""
        return self._lock

    def get(self, table: str, column: str, load: Loader,
            keep: Callable[[Callable[[], None]], bool] | None = None) -> VectorMatrix | None:
        """The column's matrix, loaded on first use; None when it would not fit the budget.
        `keep` decides whether a load is kept (Connection.keep_if_current)."""
        key = (table, column)
        with self._lock:
            matrix = self._items.get(key)
        if matrix is not None:
            return matrix
        ids, vectors = load()
        if vectors.nbytes * 1.25 + self._used() > self.max_bytes:
            return None
        loaded = VectorMatrix(ids, vectors)

        def put() -> None:
            with self._lock:
                self._items.setdefault(key, loaded)
        if keep is None:
            put()
        else:
            keep(put)
        return loaded

    def _used(self) -> int:
        with self._lock:
            return sum(m.nbytes for m in self._items.values())

    def upsert(self, table: str, column: str, ids: np.ndarray, vectors: np.ndarray) -> None:
        with self._lock:
            matrix = self._items.get((table, column))
            if matrix is not None:
                matrix.upsert(ids, vectors)

    def remove(self, table: str, ids: list[int]) -> None:
        with self._lock:
            for (tbl, _), matrix in self._items.items():
                if tbl == table:
                    matrix.remove(ids)

    def forget(self, table: str | None = None) -> None:
        with self._lock:
            for key in [k for k in self._items if table is None or k[0] == table]:
                del self._items[key]
