"""An approximate (HNSW) index of one vector column, kept beside the table and off its write path.

The graph is faiss's `IndexHNSWFlat` over unit rows with inner product (= cosine). faiss was chosen
over the vss extension (a 100k x 384 build took 13-20 minutes inside the store call, and it serves
no filtered query) and over hnswlib (no wheels) and usearch (not available here): it builds the
graph with both cores and without the GIL, and its search takes a bitmap of allowed labels, which
is what a filtered query needs.

faiss numbers its vectors 0, 1, 2, ... (labels) in the order they are added and cannot remove
one. So the index keeps, per label, the document id and a live flag: a delete or a replaced vector
is a tombstone (the graph still routes through it; results never include it). Writes never touch
the graph: a committed write only records its vectors as *pending* (and tombstones what they
replace), which is O(rows). A worker thread (ann_worker.py) adds pending vectors to the graph in
batches; until then a query scores the pending rows exactly and merges them with the graph's
answer, so a write is searchable on return. A query never waits for the worker: while the worker
adds to the graph (it holds `gate` for writing) queries answer exactly from the in-memory matrix.

How wide a search must be depends on the data (random 384-d vectors need ten times the beam of
real embeddings). `calibrate` measures it on the data itself: leave-one-out queries of stored
vectors against their exact neighbours; the smallest beam that reaches `TARGET_RECALL` is kept. If
even that beam visits more than a quarter of the rows, the graph is not worth using and queries
stay exact (`useful`). A filtered query widens the beam by a calibrated power of 1/selectivity and, below
`min_selectivity` (measured: bench/search.py), is answered exactly from the matching rows.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from providers.search.vectors import member_mask

faiss: Any  # typed loosely: its bundled stubs lack much of what is used here
try:  # the optional `ann` extra; without it every query is exact
    import faiss
except ImportError:  # pragma: no cover - exercised on installs without the extra
    faiss = None

AVAILABLE = faiss is not None
TARGET_RECALL = 0.97  # leave-one-out recall@10 the calibrated beam must reach (margin over 0.95)
MAX_EF = 4096
# Below this share of the rows a filter keeps, the query is exact over the matching rows: at 100k
# embedding-like rows (bench/search.py) the graph's recall@10 was 0.97 at 5% but 0.92 at 1%, and
# scoring 1k gathered rows exactly costs less than the beam a 1% filter needs.
MIN_SELECTIVITY = 0.03
MAX_PENDING_SCAN = 20_000  # more pending rows than this: the query is exact (the index is behind)
BUILD_CHUNK = 2000  # rows per faiss call while building: a close stops the build within one

Ranking = list[tuple[int, float]]


def unit_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows scaled to length 1 and a mask of the rows that have a direction (zero rows never match,
    as DuckDB's cosine is NaN for them)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1)
    ok = norms > 0
    unit = np.zeros_like(vectors)
    unit[ok] = vectors[ok] / norms[ok, None]
    return unit, ok


class Gate:
    """Readers share, one writer excludes them. Readers never wait: `try_read` says no while the
    writer holds it or waits for it (the query then takes the exact path)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting = 0

    @contextlib.contextmanager
    def read(self) -> Iterator[bool]:
        with self._cond:
            ok = not self._writing and not self._waiting
            if ok:
                self._readers += 1
        try:
            yield ok
        finally:
            if ok:
                with self._cond:
                    self._readers -= 1
                    if not self._readers:
                        self._cond.notify_all()

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class AnnIndex:
    """The HNSW graph of one (table, column) and its bookkeeping; see the module docstring."""

    def __init__(self, dim: int, *, m: int, ef_construction: int, max_ef: int = MAX_EF) -> None:
        if faiss is None:
            raise RuntimeError("faiss is not installed")
        self.dim = dim
        self.m = m
        self.ef_construction = ef_construction
        self.max_ef = max(16, max_ef)
        self.graph: Any = None  # faiss.IndexHNSWFlat once built
        self.ids = np.zeros(0, dtype=np.int64)  # per label
        self.live = np.zeros(0, dtype=bool)  # per label
        self.label_of: dict[int, int] = {}
        self.pending: dict[int, np.ndarray] = {}  # id -> unit row, not yet in the graph
        self._pending_mat: tuple[np.ndarray, np.ndarray] | None = None  # stacked, for queries
        self.stale: set[int] = set()  # ids written while the graph is built (their base row is old)
        self.ready = False
        self.ef_search = 64
        self.useful = True
        self.min_selectivity = MIN_SELECTIVITY
        self.filter_alpha = 1.0  # a filtered beam is ef_search * selectivity ** -filter_alpha (calibrate)
        self.dead = 0
        self.changes = 0  # writes since the last save
        self.queries = 0  # answered from the graph (tests and bench read it)
        self.caught_up = 0  # rows a graph loaded from disk lacked (ann_store.reconcile)
        self.lock = threading.Lock()  # bookkeeping (ids, live, pending); held briefly
        self.gate = Gate()  # the graph itself: searches share it, adds exclude them

    # --- writes (after their commit; O(rows), never the graph)

    def upsert(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        unit, ok = unit_rows(vectors)
        with self.lock:
            for doc_id, row, has in zip(ids.tolist(), unit, ok.tolist(), strict=True):
                self._tombstone(doc_id)
                if has:
                    self.pending[doc_id] = row
                else:
                    self.pending.pop(doc_id, None)
            self._pending_mat = None
            self.changes += len(ids)

    def remove(self, ids: list[int]) -> None:
        with self.lock:
            for doc_id in ids:
                self._tombstone(doc_id)
                self.pending.pop(doc_id, None)
            self._pending_mat = None
            self.changes += len(ids)

    def _tombstone(self, doc_id: int) -> None:
        if not self.ready:
            self.stale.add(doc_id)
            return
        label = self.label_of.pop(doc_id, None)
        if label is not None and self.live[label]:
            self.live[label] = False
            self.dead += 1

    # --- the worker's side

    def build(self, ids: np.ndarray, vectors: np.ndarray, stop: threading.Event,
              hook: Callable[[str], None] = lambda stage: None) -> bool:
        """Build the graph from a snapshot of the table (ids, raw vectors); False if stopped.
        Writes since the snapshot's registration are in `pending`/`stale` and win over it."""
        unit, ok = unit_rows(vectors)
        ids, unit = ids[ok], unit[ok]
        graph = faiss.IndexHNSWFlat(self.dim, self.m, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = self.ef_construction
        for start in range(0, len(ids), BUILD_CHUNK):  # faiss releases the GIL; stop between chunks
            if stop.is_set():
                return False
            graph.add(np.ascontiguousarray(unit[start:start + BUILD_CHUNK]))
            hook("graph")
        self.calibrate(graph, unit)
        self._install(graph, ids)
        return True

    def adopt(self, graph: Any, ids: np.ndarray, live: np.ndarray, tuning: tuple[int, bool, float],
              missing: tuple[np.ndarray, np.ndarray]) -> None:
        """Take a graph loaded from disk (ann_store.py) whose rows were checked against the table;
        `tuning` is its calibration (ef_search, useful, filter_alpha); `missing` (ids, raw vectors)
        are the table's rows it lacks or holds differently."""
        self.ef_search, self.useful, self.filter_alpha = tuning
        self._install(graph, ids, live, missing)

    def _install(self, graph: Any, ids: np.ndarray, live: np.ndarray | None = None,
                 missing: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        ids = np.asarray(ids, dtype=np.int64).copy()
        live = np.ones(len(ids), dtype=bool) if live is None else live.copy()
        # The per-row map is made before taking the locks: commits wait for `lock` (their
        # after-commit upsert), so only the writes made during the build are settled under it.
        label_of = {doc_id: label for label, doc_id in enumerate(ids.tolist()) if live[label]}
        unit, ok = unit_rows(missing[1]) if missing is not None else (None, None)
        with self.gate.write(), self.lock:
            for doc_id in self.stale | self.pending.keys():
                label = label_of.pop(doc_id, None)
                if label is not None:
                    live[label] = False
            self.graph, self.ids, self.live, self.label_of = graph, ids, live, label_of
            self.dead = int(len(live) - np.count_nonzero(live))
            if missing is not None and unit is not None and ok is not None:
                # Rows of the snapshot the saved graph lacks; a write since then is newer.
                for doc_id, row, has in zip(missing[0].tolist(), unit, ok.tolist(), strict=True):
                    if has and doc_id not in self.stale and doc_id not in self.pending:
                        self.pending[doc_id] = row
                        self.caught_up += 1
                self._pending_mat = None
            self.stale.clear()
            self.ready = True

    def add_pending(self, batch: int = 1024) -> int:
        """Move up to `batch` pending rows into the graph; the number moved."""
        with self.lock:
            if not self.ready or not self.pending:
                return 0
            take = list(self.pending.items())[:batch]
        ids = np.array([i for i, _ in take], dtype=np.int64)
        mat = np.stack([v for _, v in take])
        with self.gate.write():
            first = self.graph.ntotal
            self.graph.add(mat)
            with self.lock:
                self.ids = np.concatenate([self.ids, ids])
                live = np.zeros(len(ids), dtype=bool)
                for j, (doc_id, row) in enumerate(take):
                    if self.pending.get(doc_id) is row:  # not deleted or replaced meanwhile
                        del self.pending[doc_id]
                        self.label_of[doc_id] = first + j
                        live[j] = True
                    else:
                        self.dead += 1
                self.live = np.concatenate([self.live, live])
                self._pending_mat = None
        return len(take)

    def calibrate(self, graph: Any, unit: np.ndarray, samples: int = 64) -> None:
        """The smallest beam with leave-one-out recall@10 >= TARGET_RECALL on this data, whether
        the graph beats a scan at it (distance computations under a quarter of the rows), and how
        much wider a filtered query's beam must be: measured again under a random 10% filter, the
        beam grows as selectivity ** -filter_alpha."""
        n = len(unit)
        if n <= 200:
            self.ef_search, self.useful = 64, False
            return
        rng = np.random.default_rng(n)
        pick = rng.choice(n, size=min(samples, n), replace=False)
        queries = np.ascontiguousarray(unit[pick])
        scores = unit @ queries.T
        scores[pick, np.arange(len(pick))] = -np.inf  # each query's own row
        ef, recall, visited = self._smallest_ef(graph, queries, scores, None)
        self.ef_search = ef
        self.useful = recall >= TARGET_RECALL and visited < n / 4
        if not self.useful:
            return
        mask = rng.random(n) < 0.1
        scores[~mask] = -np.inf
        ef10, recall10, _ = self._smallest_ef(graph, queries, scores, mask)
        self.filter_alpha = min(1.0, max(0.0, math.log(ef10 / ef) / math.log(10))) if recall10 >= TARGET_RECALL \
            else 1.0

    def _smallest_ef(self, graph: Any, queries: np.ndarray, scores: np.ndarray,
                     mask: np.ndarray | None) -> tuple[int, float, float]:
        """Double the beam from 32 until recall@10 against `scores` (rows x queries; -inf: not a
        candidate) reaches the target: (beam, its recall, distance computations per query)."""
        truth = [set(np.argpartition(-scores[:, j], 10)[:10].tolist()) for j in range(scores.shape[1])]
        n = scores.shape[0]
        bitmap = None if mask is None else np.packbits(mask, bitorder="little")
        ef = 32
        while True:
            params = faiss.SearchParametersHNSW()
            params.efSearch = ef
            if bitmap is not None:
                params.sel = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))
            stats = faiss.cvar.hnsw_stats
            stats.reset()
            _, labels = graph.search(queries, 11, params=params)
            found = 0
            for j, (row, want) in enumerate(zip(labels.tolist(), truth, strict=True)):
                found += len(want & {x for x in row if x >= 0 and scores[x, j] > -np.inf})
            recall = found / (10 * len(truth))
            visited = stats.ndis / len(truth)
            if recall >= TARGET_RECALL or ef >= self.max_ef or ef >= n:
                return ef, recall, visited
            ef = min(ef * 2, self.max_ef)

    # --- queries

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> Ranking | None:
        """(id, cosine) of the k best live rows (with `allowed`: among those ids), best first, ties
        by id; None when the exact path should answer (not ready, not useful, busy, too selective,
        too far behind)."""
        if not self.ready or not self.useful or k <= 0:
            return None
        norm = float(np.linalg.norm(query))
        if norm == 0.0:
            return []
        q = (np.asarray(query, dtype=np.float32) / np.float32(norm)).reshape(1, -1)
        with self.gate.read() as ok:
            if not ok:
                return None
            with self.lock:
                if len(self.pending) > MAX_PENDING_SCAN:
                    return None
                count = len(self.ids)
                mask = self.live.copy()
                pending = self._pending_rows()
            ef = self.ef_search
            if allowed is not None:
                mask &= member_mask(self.ids[:count], allowed)
                live = max(1, count - self.dead)
                selectivity = np.count_nonzero(mask) / live
                if selectivity < self.min_selectivity:
                    return None
                ef = min(self.max_ef, math.ceil(ef * selectivity ** -self.filter_alpha))
            params = faiss.SearchParametersHNSW()
            params.efSearch = max(ef, k)
            bitmap = None
            if allowed is not None or self.dead:
                bitmap = np.packbits(mask, bitorder="little")
                params.sel = faiss.IDSelectorBitmap(count, faiss.swig_ptr(bitmap))
            scores, labels = self.graph.search(q, k, params=params)
            self.queries += 1
        found = [(int(self.ids[lab]), float(s)) for s, lab in zip(scores[0].tolist(), labels[0].tolist(),
                                                                   strict=True) if lab >= 0]
        if pending is not None:
            pids, pmat = pending
            pscores = pmat @ q[0]
            if allowed is not None:
                keep = member_mask(pids, allowed)
                pids, pscores = pids[keep], pscores[keep]
            found += [(int(i), float(s)) for i, s in zip(pids.tolist(), pscores.tolist(), strict=True)]
        found.sort(key=lambda r: (-r[1], r[0]))
        return found[:k]

    def _pending_rows(self) -> tuple[np.ndarray, np.ndarray] | None:
        if not self.pending:
            return None
        if self._pending_mat is None:
            self._pending_mat = (np.fromiter(self.pending.keys(), dtype=np.int64, count=len(self.pending)),
                                 np.stack(list(self.pending.values())))
        return self._pending_mat

    def snapshot(self) -> tuple[Any, np.ndarray, np.ndarray] | None:
        """The graph, ids and live flags as they are now (for saving); None if not ready. Only the
        worker adds to the graph and it is the one saving, so the graph does not move meanwhile."""
        with self.lock:
            if not self.ready:
                return None
            self.changes = 0
            return self.graph, self.ids.copy(), self.live.copy()
