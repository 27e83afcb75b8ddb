"""The approximate indexes of a store and the one thread that builds and maintains them.

Nothing here runs on a write's path: a committed write hands its vectors to `upsert`/`remove`
(O(rows), ann.py) and wakes the worker. The worker, one daemon thread per store:
- builds a graph (or loads the saved one and checks it against the table, ann_store.py) for every
  index registered with `ensure`, reading the table on its own cursor in a snapshot
  (Connection.reading) that begins after the index was registered, so every write committed after
  that snapshot reaches the index through `upsert`/`remove` (both are idempotent);
- adds pending rows to the graphs in batches;
- saves a graph once built and again after a tenth of its rows changed; `close` saves the rest.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

import numpy as np

from providers.search.ann import AVAILABLE, AnnIndex
from providers.search.ann_store import AnnFiles, reconcile

Loader = Callable[[str, str, int], tuple[np.ndarray, np.ndarray]]
"""(table, column, dim) -> (ids, raw vectors) of the table's rows, read in the caller's snapshot."""

log = logging.getLogger(__name__)


class AnnIndexes:
    """The approximate index of each (table, column) that has one, and their worker."""

    def __init__(self, db_path: str, load: Loader, read: Callable[[], AbstractContextManager[None]], *, m: int,
                 ef_construction: int, max_ef: int = 4096) -> None:
        self.available = AVAILABLE
        self.files = AnnFiles(db_path)
        self.m = m
        self.ef_construction = ef_construction
        self.max_ef = max_ef
        self._load = load
        self._read = read  # Connection.reading: the worker's snapshot on its own cursor
        self._items: dict[tuple[str, str], AnnIndex] = {}
        self._names: dict[tuple[str, str], str] = {}
        self._todo: list[tuple[str, str]] = []  # registered, not yet built or loaded
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._done = threading.Condition(self._lock)  # notified when an index becomes ready
        self._thread: threading.Thread | None = None
        self.failures: list[str] = []
        self.adding = True
        """False holds pending rows out of the graphs (tests: a state where queries merge them)."""
        self.build_hook: Callable[[str], None] | None = None
        """Called by the worker between the stages of a build (tests: prove writes do not wait)."""

    # --- registration and writes

    def ensure(self, table: str, column: str, dim: int, name: str) -> AnnIndex | None:
        """The index of the column, registered (and its build queued) if it was not."""
        if not self.available or self._stop.is_set():
            return None
        key = (table, column)
        with self._lock:
            ann = self._items.get(key)
            if ann is not None:
                return ann
            ann = self._items[key] = AnnIndex(dim, m=self.m, ef_construction=self.ef_construction,
                                              max_ef=self.max_ef)
            self._names[key] = name
            self._todo.append(key)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="cozelite-ann", daemon=True)
                self._thread.start()
        self._wake.set()  # newly registered: the worker builds or loads it
        return ann

    def get(self, table: str, column: str) -> AnnIndex | None:
        with self._lock:
            return self._items.get((table, column))

    def upsert(self, table: str, vectors: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        """After a commit: rows (ids, raw vectors) per column written to `table`."""
        touched = False
        for column, (ids, mat) in vectors.items():
            ann = self.get(table, column)
            if ann is not None:
                ann.upsert(ids, mat)
                touched = True
        if touched:
            self._wake.set()

    def remove(self, table: str, ids: list[int]) -> None:
        with self._lock:
            items = [a for (t, _), a in self._items.items() if t == table]
        for ann in items:
            ann.remove(ids)

    def drop(self, table: str) -> None:
        with self._lock:
            for key in [k for k in self._items if k[0] == table]:
                del self._items[key]
                self._names.pop(key, None)
            self._todo = [k for k in self._todo if k[0] != table]
        self.files.remove(table)

    def wait(self, table: str, column: str, timeout: float | None = None) -> bool:
        """Block until the index is ready (tests, benchmarks, an explicit build request)."""
        with self._done:
            return self._done.wait_for(lambda: self._ready_or_gone(table, column), timeout)

    def _ready_or_gone(self, table: str, column: str) -> bool:
        ann = self._items.get((table, column))
        return ann is None or ann.ready or self._stop.is_set()

    # --- the worker

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                key = self._todo.pop(0) if self._todo else None
                ann = None if key is None else self._items.get(key)
                name = None if key is None else self._names.get(key)
            if key is not None and ann is not None and name is not None:
                try:
                    self._make(key, name, ann)
                except Exception as err:  # the store keeps answering exactly
                    if self._stop.is_set():
                        return
                    log.warning("approximate index %s: build failed, queries stay exact: %s", name, err)
                    self.failures.append(f"{name}: {err}")
                    with self._lock:
                        self._items.pop(key, None)
                with self._done:
                    self._done.notify_all()
                continue
            moved = 0
            for ann in self._ready() if self.adding else []:
                moved += ann.add_pending()
            if moved:
                continue
            self._save(min_changed=0.1)
            self._wake.wait(1.0)
            self._wake.clear()

    def _ready(self) -> list[AnnIndex]:
        with self._lock:
            return [a for a in self._items.values() if a.ready]

    def _hook(self, stage: str) -> None:
        if self.build_hook is not None:
            self.build_hook(stage)

    def _make(self, key: tuple[str, str], name: str, ann: AnnIndex) -> None:
        table, column = key
        self._hook("start")
        saved = self.files.load(name, ann.dim, self.m, self.ef_construction)
        with self._read():
            ids, vectors = self._load(table, column, ann.dim)
        self._hook("loaded")
        if saved is not None:
            diff = reconcile(saved, ann.dim, ids, vectors)
            if diff is not None:
                live, changed_ids, changed = diff
                ann.adopt(saved.graph, saved.ids, live, (saved.ef_search, saved.useful, saved.filter_alpha),
                          (changed_ids, changed))
                self._hook("ready")
                return
        if not ann.build(ids, vectors, self._stop, self._hook):
            return
        self._hook("ready")
        self._save_one(key, ann)

    def _save(self, min_changed: float) -> None:
        with self._lock:
            items = list(self._items.items())
        for key, ann in items:
            if ann.ready and ann.changes and ann.changes >= min_changed * max(1, len(ann.ids)):
                self._save_one(key, ann)

    def _save_one(self, key: tuple[str, str], ann: AnnIndex) -> None:
        name = self._names.get(key)
        snap = ann.snapshot()
        if name is None or snap is None:
            return
        graph, ids, live = snap
        try:
            self.files.save(name, graph, ids, live, (ann.ef_search, ann.useful, ann.filter_alpha), self.m,
                            self.ef_construction)
        except OSError as err:  # derived data: the next start rebuilds it
            log.warning("approximate index %s: not saved: %s", name, err)

    def close(self) -> None:
        """Stop the worker (a build in progress stops at its next chunk) and save what changed."""
        self._stop.set()
        self._wake.set()
        with self._done:
            self._done.notify_all()
        if self._thread is not None:
            self._thread.join(60)
            if not self._thread.is_alive():
                self._save(min_changed=0.0)
