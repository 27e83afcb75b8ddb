"""Saving an HNSW graph (ann.py) next to the DuckDB file, and checking a saved one before reuse.

The graph is derived data: `<store>.ann/<table>_v<j>.faiss` (faiss's own format) and beside it
`.npz` with the label -> id map, the live flags, the calibrated beam, the build parameters and the
SHA-256 of the `.faiss` file. The `.npz` is written last (both through a rename), so a pair whose
checksum does not match was not written completely and is ignored. A graph that loads is not
trusted as is either: `reconcile` compares its rows with the table's (a restore, a crash before the
save, a write after it) and returns what differs, which the index then takes as pending writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from providers.search.ann import faiss, unit_rows

_SLICE = 8 << 20


@dataclass
class Saved:
    graph: Any
    ids: np.ndarray
    live: np.ndarray
    ef_search: int
    useful: bool
    filter_alpha: float


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class AnnFiles:
    """Where the graphs of one store live (None for an in-memory store: nothing is saved)."""

    def __init__(self, db_path: str) -> None:
        self.dir = None if db_path == ":memory:" else Path(db_path + ".ann")

    def _paths(self, name: str) -> tuple[Path, Path]:
        assert self.dir is not None
        return self.dir / f"{name}.faiss", self.dir / f"{name}.npz"

    def save(self, name: str, graph: Any, ids: np.ndarray, live: np.ndarray, tuning: tuple[int, bool, float],
             m: int, ef_construction: int) -> None:
        if self.dir is None:
            return
        self.dir.mkdir(mode=0o700, exist_ok=True)
        index_path, meta_path = self._paths(name)
        tmp = index_path.with_suffix(".faiss.tmp")
        data = faiss.serialize_index(graph)
        h = hashlib.sha256()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            # In slices, each synced: one 150 MB burst of dirty pages stalls the store's own commits
            # (their fsync waits behind it) for seconds on a busy disk.
            for start in range(0, len(data), _SLICE):
                piece = data[start:start + _SLICE]
                f.write(piece.tobytes())
                h.update(piece)
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, index_path)
        digest = h.hexdigest()
        tmp_meta = meta_path.with_suffix(".tmp.npz")
        with tmp_meta.open("wb") as f:
            np.savez(f, ids=ids, live=live, ef_search=tuning[0], useful=tuning[1], filter_alpha=tuning[2], m=m,
                     ef_construction=ef_construction, dim=graph.d, sha256=digest)
        os.chmod(tmp_meta, 0o600)
        os.replace(tmp_meta, meta_path)

    def load(self, name: str, dim: int, m: int, ef_construction: int) -> Saved | None:
        """The saved graph if it is complete and was built with these parameters."""
        if self.dir is None:
            return None
        index_path, meta_path = self._paths(name)
        try:
            with np.load(meta_path) as meta:
                if (int(meta["dim"]), int(meta["m"]), int(meta["ef_construction"])) != (dim, m, ef_construction):
                    return None
                if str(meta["sha256"]) != _sha256(index_path):
                    return None
                ids, live = meta["ids"].astype(np.int64), meta["live"].astype(bool)
                ef_search, useful = int(meta["ef_search"]), bool(meta["useful"])
                filter_alpha = float(meta["filter_alpha"])
            graph = faiss.read_index(str(index_path))
        except (OSError, ValueError, KeyError, RuntimeError):
            return None  # absent, truncated or of another format: rebuilt
        if graph.ntotal != len(ids) or len(live) != len(ids) or graph.d != dim:
            return None
        return Saved(graph, ids, live, ef_search, useful, filter_alpha)

    def remove(self, prefix: str) -> None:
        if self.dir is None or not self.dir.is_dir():
            return
        for path in self.dir.glob(f"{prefix}_v*"):
            with contextlib.suppress(OSError):
                path.unlink()


def reconcile(saved: Saved, dim: int, ids: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                     np.ndarray] | None:
    """Compare a saved graph with the table's rows (ids, raw vectors): the live flags to keep, and
    the rows (ids, raw vectors) the graph lacks or holds differently. None when more than half
    differ (a rebuild is then cheaper than catching up)."""
    codes = faiss.vector_to_array(faiss.downcast_index(saved.graph.storage).codes)
    rows = codes.view(np.float32).reshape(-1, dim)
    label_of = {int(i): lab for lab, i in enumerate(saved.ids.tolist()) if saved.live[lab]}
    unit, _ = unit_rows(vectors)
    labels = np.array([label_of.get(i, -1) for i in ids.tolist()], dtype=np.int64)
    has = labels >= 0
    same = np.zeros(len(ids), dtype=bool)
    if has.any():
        same[has] = np.all(np.abs(rows[labels[has]] - unit[has]) <= 1e-6, axis=1)
    live = np.zeros(len(saved.ids), dtype=bool)
    live[labels[same]] = True
    changed = ~same
    if np.count_nonzero(changed) > max(1000, len(ids) // 2):
        return None
    return live, ids[changed], vectors[changed]
