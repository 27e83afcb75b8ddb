"""BM25 from memory: the postings of a space as numpy arrays, scored without SQL aggregation.

The SQL path (bm25.py) joins and aggregates every posting of the query's terms on each query: for a
common term at 100k documents that is tens of thousands of rows through DuckDB's hash aggregation,
hundreds of milliseconds. Here each (field, term) holds two int32 arrays (dense document numbers,
term frequencies) and each field one array of document lengths, so a query is a few vectorised
passes over the terms' postings and a partial sort.

The arrays are loaded from `cz_postings`/`cz_doclen` on a space's first query and then kept in step
with the store's writes: bm25.py hands each write to `apply_*` only once its transaction has
committed (Connection.after_commit), so a rolled-back write never reaches memory, and a query
inside a caller's transaction (which may see its own uncommitted writes) uses the SQL path.
Deleted documents are tombstones (a live mask) until a quarter of them is dead, then compacted.
Scores are the SQL path's formula term for term, in float64 (tests/search/test_postings.py).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np

Indexed = tuple[str, str, Counter[str], int]
"""(doc, field, term -> tf, length) of one document's field, length > 0."""

class _Postings:
    """The postings of one (field, term): dense doc numbers and tfs, with spare capacity."""

    __slots__ = ("docs", "size", "tf")

    def __init__(self, docs: np.ndarray, tf: np.ndarray) -> None:
        self.docs = docs.astype(np.int32)
        self.tf = tf.astype(np.int32)
        self.size = len(docs)

    def append(self, docs: Sequence[int] | np.ndarray, tf: Sequence[int] | np.ndarray) -> None:
        n = len(docs)
        if self.size + n > len(self.docs):
            cap = max(self.size + n, 2 * len(self.docs), 4)
            for name in ("docs", "tf"):
                old = getattr(self, name)
                new = np.zeros(cap, dtype=np.int32)
                new[: self.size] = old[: self.size]
                setattr(self, name, new)
        self.docs[self.size: self.size + n] = docs
        self.tf[self.size: self.size + n] = tf
        self.size += n


class SpacePostings:
    """Every posting of one space (`e:<index>` or `c:<collection>`) in memory."""

    def __init__(self) -> None:
        self.doc_num: dict[str, int] = {}  # live documents only
        self.doc_names: list[str] = []  # dense number -> doc (dead ones included until compaction)
        self.ids = np.zeros(16, dtype=np.int64)  # int(doc) where the doc is a decimal integer, else -1
        self.live = np.zeros(16, dtype=bool)
        self.size = 0
        self.dead = 0
        self.dl: dict[str, np.ndarray] = {}  # field -> length per dense doc (0: no terms in the field)
        self.n: dict[str, int] = {}  # field -> documents with terms in it (BM25's N)
        self.total: dict[str, int] = {}  # field -> sum of their lengths
        self.terms: dict[tuple[str, str], _Postings] = {}

    @property
    def count(self) -> int:
        """Postings held (dead ones included): what the memory budget counts."""
        return sum(p.size for p in self.terms.values())

    # --- building

    def _doc(self, doc: str) -> int:
        num = self.doc_num.get(doc)
        if num is not None:
            return num
        num = self.size
        if num == len(self.live):
            self._grow(2 * num)
        self.size += 1
        self.doc_num[doc] = num
        self.doc_names.append(doc)
        self.ids[num] = _int_id(doc)
        self.live[num] = True
        return num

    def _grow(self, cap: int) -> None:
        def grown(old: np.ndarray) -> np.ndarray:
            new = np.zeros(cap, dtype=old.dtype)
            new[: self.size] = old[: self.size]
            return new
        self.ids = grown(self.ids)
        self.live = grown(self.live)
        self.dl = {f: grown(a) for f, a in self.dl.items()}

    def _field_lengths(self, field: str) -> np.ndarray:
        arr = self.dl.get(field)
        if arr is None or len(arr) < len(self.live):
            arr = self.dl[field] = np.zeros(len(self.live), dtype=np.int32) if arr is None else \
                np.concatenate([arr, np.zeros(len(self.live) - len(arr), dtype=np.int32)])
        return arr

    def add(self, items: Sequence[Indexed]) -> None:
        """Index fields of documents given as term counts (see add_batch)."""
        names: dict[str, int] = {}
        rows: list[int] = []
        terms: list[int] = []
        tfs: list[int] = []
        for row, (_, _, counts, _) in enumerate(items):
            rows.extend([row] * len(counts))
            terms.extend([names.setdefault(term, len(names)) for term in counts])
            tfs.extend(counts.values())
        self.add_batch([doc for doc, _, _, _ in items], [field for _, field, _, _ in items],
                       np.asarray([length for _, _, _, length in items], dtype=np.int64),
                       np.asarray(rows, dtype=np.int64), np.asarray(terms, dtype=np.int64),
                       np.asarray(tfs, dtype=np.int64), list(names))

    def add_batch(self, docs: Sequence[str], fields: Sequence[str], lengths: np.ndarray, rows: np.ndarray,
                  terms: np.ndarray, tf: np.ndarray, names: Sequence[str]) -> None:
        """Index fields of documents (all the indexed fields of each): row i is (docs[i],
        fields[i]) with lengths[i] > 0 terms; its postings are (rows, terms, tf) with term numbers
        into `names`. A document already held is replaced, so applying a write twice changes
        nothing. The postings are grouped by (field, term) with numpy, then appended per group."""
        self.delete({doc for doc in docs if doc in self.doc_num})
        field_ids: dict[str, int] = {}
        nums = np.empty(len(docs), dtype=np.int64)
        row_field = np.empty(len(docs), dtype=np.int64)
        for row, (doc, field, length) in enumerate(zip(docs, fields, lengths.tolist(), strict=True)):
            num = nums[row] = self._doc(doc)
            row_field[row] = field_ids.setdefault(field, len(field_ids))
            self._field_lengths(field)[num] = length
            self.n[field] = self.n.get(field, 0) + 1
            self.total[field] = self.total.get(field, 0) + length
        if not len(rows):
            return
        field_of = list(field_ids)
        width = max(len(names), 1)
        keys = row_field[rows] * width + terms
        order = np.argsort(keys, kind="stable")  # within a (field, term): in row order
        keys, post_docs, post_tf = keys[order], nums[rows][order], tf[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        ends = np.r_[starts[1:], len(keys)]
        for lo, hi, key in zip(starts.tolist(), ends.tolist(), keys[starts].tolist(), strict=True):
            entry = (field_of[key // width], names[key % width])
            postings = self.terms.get(entry)
            if postings is None:
                self.terms[entry] = _Postings(post_docs[lo:hi], post_tf[lo:hi])
            else:
                postings.append(post_docs[lo:hi], post_tf[lo:hi])

    def delete(self, docs: Iterable[str]) -> None:
        for doc in docs:
            num = self.doc_num.pop(doc, None)
            if num is None:
                continue
            self.live[num] = False
            self.dead += 1
            for field, lengths in self.dl.items():
                length = int(lengths[num])
                if length:
                    self.n[field] -= 1
                    self.total[field] -= length
                    lengths[num] = 0
        if self.dead > max(1024, self.size // 4):
            self._compact()

    def _compact(self) -> None:
        keep = np.flatnonzero(self.live[: self.size])
        renum = np.full(self.size, -1, dtype=np.int32)
        renum[keep] = np.arange(len(keep), dtype=np.int32)
        for key in list(self.terms):
            p = self.terms[key]
            docs, tf = p.docs[: p.size], p.tf[: p.size]
            alive = self.live[docs]
            if not alive.any():
                del self.terms[key]
                continue
            self.terms[key] = _Postings(renum[docs[alive]], tf[alive])
        n = len(keep)
        cap = max(16, n + n // 4)
        self.doc_names = [self.doc_names[i] for i in keep.tolist()]
        self.doc_num = {doc: i for i, doc in enumerate(self.doc_names)}
        for name in ("ids", "live"):
            old = getattr(self, name)
            new = np.zeros(cap, dtype=old.dtype)
            new[:n] = old[keep]
            setattr(self, name, new)
        self.dl = {f: np.concatenate([a[keep], np.zeros(cap - n, dtype=np.int32)]) for f, a in self.dl.items()}
        self.size = n
        self.dead = 0

    @classmethod
    def from_tables(cls, docs: list[str], doc_num: np.ndarray, field_of: list[str], doc_field: np.ndarray,
                    lengths: np.ndarray, keys: list[tuple[str, str]], key_num: np.ndarray, post_doc: np.ndarray,
                    post_tf: np.ndarray) -> SpacePostings:
        """Build from what the tables hold: `docs` sorted and distinct; doclen rows as (doc number,
        field number into `field_of`, length); postings as (key number into `keys`, doc number, tf)
        sorted by key number."""
        space = cls()
        n = len(docs)
        cap = max(16, n + n // 4)
        space.doc_names = list(docs)
        space.doc_num = {doc: i for i, doc in enumerate(docs)}
        space.size = n
        space.ids = np.full(cap, -1, dtype=np.int64)
        space.ids[:n] = [_int_id(d) for d in docs]
        space.live = np.zeros(cap, dtype=bool)
        space.live[:n] = True
        for f, field in enumerate(field_of):
            rows = doc_field == f
            arr = np.zeros(cap, dtype=np.int32)
            arr[doc_num[rows]] = lengths[rows]
            space.dl[field] = arr
            space.n[field] = int(rows.sum())
            space.total[field] = int(lengths[rows].astype(np.int64).sum())
        bounds = np.searchsorted(key_num, np.arange(len(keys) + 1))
        for j, key in enumerate(keys):
            lo, hi = int(bounds[j]), int(bounds[j + 1])
            if hi > lo:
                space.terms[key] = _Postings(post_doc[lo:hi], post_tf[lo:hi])
        return space

    # --- scoring

    def scores(self, fields: Sequence[str], terms: Counter[str], need: int, k1: float,
               b: float) -> tuple[np.ndarray, np.ndarray]:
        """(dense doc numbers, BM25 scores) of the documents matching: per field, the sum over
        the query's terms present in it (each term weighted by its count in the query), at least
        `need` of them matched in that field; a document's score is its best field's."""
        best = np.full(self.size, -np.inf)
        for field in dict.fromkeys(fields):
            n = self.n.get(field, 0)
            if n == 0:
                continue
            avgdl = self.total[field] / n
            lengths = self.dl[field]
            acc = np.zeros(self.size)
            hits = np.zeros(self.size, dtype=np.int32)
            for term, qtf in terms.items():
                p = self.terms.get((field, term))
                if p is None:
                    continue
                docs, tf = p.docs[: p.size], p.tf[: p.size]
                alive = self.live[docs]
                if not alive.all():
                    docs, tf = docs[alive], tf[alive]
                df = len(docs)
                if df == 0:
                    continue
                weight = qtf * math.log(1 + (n - df + 0.5) / (df + 0.5))
                tf64 = tf.astype(np.float64)
                dl = lengths[docs].astype(np.float64)
                # The SQL path's expression, operation for operation (bm25.py).
                acc[docs] += weight * tf64 * (k1 + 1) / (tf64 + k1 * (1 - b + b * dl / avgdl))
                hits[docs] += 1
            matched = hits >= max(need, 1)
            np.maximum(best, np.where(matched, acc, -np.inf), out=best)
        nums = np.flatnonzero(best > -np.inf)
        return nums, best[nums]

    def top_k(self, fields: Sequence[str], terms: Counter[str], need: int, k1: float, b: float, k: int,
              allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(id, score) of the k best documents, best first, ties by id ascending (the retrieval
        SQL's order); documents must have integer ids (a collection's space). With `allowed`, only
        ids in it."""
        nums, scores = self.scores(fields, terms, need, k1, b)
        ids = self.ids[nums]
        if allowed is not None:
            keep = np.isin(ids, allowed)
            ids, scores = ids[keep], scores[keep]
        k = min(k, len(ids))
        if k <= 0:
            return []
        if k < len(ids):
            # Every document at least as good as the k-th, so ties at the border are ordered by id.
            kth = np.partition(scores, len(scores) - k)[len(scores) - k]
            cand = np.flatnonzero(scores >= kth)
            ids, scores = ids[cand], scores[cand]
        order = np.lexsort((ids, -scores))[:k]
        return [(int(i), float(s)) for i, s in zip(ids[order].tolist(), scores[order].tolist(), strict=True)]


def _int_id(doc: str) -> int:
    """A collection's doc is str(id) of a BIGINT id; anything else (an es document id) is -1."""
    if len(doc) > 20:
        return -1
    try:
        value = int(doc)
    except ValueError:
        return -1
    return value if str(value) == doc and -(1 << 63) <= value < (1 << 63) else -1


Loader = Callable[[], SpacePostings | None]


class PostingsCache:
    """SpacePostings by space within a budget of postings; thread-safe."""

    def __init__(self, max_postings: int = 50_000_000) -> None:
        self.max_postings = max_postings
        self._items: dict[str, SpacePostings] = {}
        self._lock = threading.Lock()

    def get(self, space: str, load: Loader, keep: Callable[[Callable[[], None]], bool]) -> SpacePostings | None:
        """The space's postings, loaded on first use; None when they would not fit the budget.
        `keep` decides whether a load is kept (Connection.keep_if_current); either way this
        call's answer comes from it."""
        with self._lock:
            found = self._items.get(space)
        if found is not None:
            return found
        loaded = load()
        if loaded is None:
            return None
        with self._lock:
            used = sum(p.count for p in self._items.values())
        if used + loaded.count > self.max_postings:
            return None

        def put() -> None:
            with self._lock:
                self._items.setdefault(space, loaded)
        keep(put)
        return loaded

    @property
    def lock(self) -> threading.Lock:
        """Held by writes to the postings; a reader holds it while it scores them."""
        return self._lock

    def loaded(self, space: str) -> SpacePostings | None:
        with self._lock:
            return self._items.get(space)

    def apply(self, space: str, change: Callable[[SpacePostings], None]) -> None:
        """Apply a committed write to the space if it is loaded; a failure drops the space (it
        reloads from the tables) rather than leaving it out of step or failing the write."""
        with self._lock:
            found = self._items.get(space)
            if found is None:
                return
            try:
                change(found)
            except Exception:
                # The write itself committed: dropping the copy (reloaded by the next query) is
                # the whole remedy, and the writer's call must not fail for it.
                del self._items[space]

    def forget(self, space: str | None = None) -> None:
        with self._lock:
            for key in [s for s in self._items if space is None or s == space]:
                del self._items[key]
