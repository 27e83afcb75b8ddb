"""The server-backed blob and retrieval providers next to their embedded siblings: blob on S3 (a moto
server on loopback) against the file store, retrieval on Milvus Lite against DuckDB, on the same
operations (blob put/get of 1 KiB; retrieval insert of one document and vector top-10).

    python bench/providers.py --only blob,retrieval   # these rows join the table: ops/s, ratio
    python bench/providers_blob_search.py             # per-operation latency: p50/p99 of both, and ops/s
    python bench/providers_blob_search.py --quick     # a tenth of the operations

The S3 server is a throw-away moto server (tests/engines/s3_server.py) started here: moto keeps
objects in memory, so an S3 put here costs HTTP + SigV4 + moto's Python, not a disk write; the file
store fsyncs every put. Milvus Lite (``milvus:///file.db``, milvus-lite 3.x) runs its gRPC server in
this process on a thread, so a retrieval call still crosses gRPC on loopback. A ratio is "server
ops/s / embedded ops/s": what moving the area to a server costs one client thread.
"""

from __future__ import annotations

import argparse
import atexit
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from providers.blob import open_blob
from providers.search import open_retrieval
from providers.search.contract import CreateRequest, Document, Field, FieldType, RetrieveOptions
from tests.engines.s3_server import S3Server

KIB = 1024
DIM = 64
PRELOAD = 2000  # documents in the collection before top-10 queries run
_servers: dict[str, S3Server] = {}


def _s3() -> S3Server:
    if "s3" not in _servers:
        _servers["s3"] = S3Server().start()
        atexit.register(_servers["s3"].stop)
    return _servers["s3"]


# -- blob
def _s3_store(tmp: Path) -> Any:
    return open_blob(_s3().uri())


def _file_store(tmp: Path) -> Any:
    return open_blob(f"file:///{tmp}/blob")


def _blob_put(store: Any, n: int, data: bytes = os.urandom(KIB)) -> None:
    for i in range(n):
        store.put(f"bench/{i % 100}", data)


def _with_objects(open_store: Callable[[Path], Any]) -> Callable[[Path], Any]:
    def setup(tmp: Path) -> Any:
        store = open_store(tmp)
        data = os.urandom(KIB)
        for i in range(20):
            store.put(f"read/{i}", data)
        return store
    return setup


def _blob_get(store: Any, n: int) -> None:
    for i in range(n):
        store.get(f"read/{i % 20}")


# -- retrieval
def _fields() -> list[Field]:
    return [Field("id", FieldType.INT64, is_primary=True), Field("creator_id", FieldType.INT64),
            Field("text_content", FieldType.TEXT, indexing=True, dim=DIM)]


def _doc(i: int, rng: np.random.Generator) -> Document:
    return Document(id=str(i), content=f"document number {i} about topic {i % 50}", creator_id=i % 4,
                    dense_vector=rng.random(DIM, dtype=np.float32).tolist())


class _Retrieval:
    """One provider, one collection, a counter for fresh ids, and a source of query vectors."""

    def __init__(self, uri: str, preload: int = 0) -> None:
        self.provider = open_retrieval(uri)
        self.provider.searchstore.create(CreateRequest("bench", _fields()))
        self.store = self.provider.searchstore.get_search_store("bench")
        self.rng = np.random.default_rng(7)
        self.next_id = 1
        docs = [_doc(i, self.rng) for i in range(1, preload + 1)]
        for start in range(0, len(docs), 500):
            self.store.store(docs[start:start + 500])
        self.next_id = preload + 1

    def insert(self) -> None:
        self.store.store([_doc(self.next_id, self.rng)])
        self.next_id += 1

    def top10(self) -> None:
        q = self.rng.random(DIM, dtype=np.float32).tolist()
        if len(self.store.retrieve("", RetrieveOptions(query_vector=q, top_k=10))) != 10:
            raise RuntimeError("retrieval bench: a top-10 query returned fewer than 10 documents")

    def close(self) -> None:
        self.provider.close()


def _duckdb_uri(tmp: Path) -> str:
    tmp.mkdir(parents=True, exist_ok=True)
    return f"duckdb:///{tmp}/search/search.db"


def _milvus_uri(tmp: Path) -> str:
    tmp.mkdir(parents=True, exist_ok=True)  # Milvus Lite refuses a file in a missing directory
    return f"milvus:///{tmp}/retrieval.db"


def _insert(ctx: _Retrieval, n: int) -> None:
    for _ in range(n):
        ctx.insert()


def _top10(ctx: _Retrieval, n: int) -> None:
    for _ in range(n):
        ctx.top10()


def _close(ctx: Any) -> None:
    ctx.close()


CASES = [
    SimpleNamespace(name="blob.s3.put 1KiB", setup=_s3_store, run=_blob_put, ops=1000, teardown=_close,
                    baseline="blob.put 1KiB"),
    SimpleNamespace(name="blob.s3.get 1KiB", setup=_with_objects(_s3_store), run=_blob_get, ops=2000,
                    teardown=_close, baseline="blob.get 1KiB"),
    SimpleNamespace(name="retrieval.duckdb.insert", setup=lambda t: _Retrieval(_duckdb_uri(t)), run=_insert,
                    ops=500, teardown=_close, baseline=""),
    SimpleNamespace(name="retrieval.duckdb.top10", setup=lambda t: _Retrieval(_duckdb_uri(t), PRELOAD), run=_top10,
                    ops=500, teardown=_close, baseline=""),
    SimpleNamespace(name="retrieval.milvus.insert", setup=lambda t: _Retrieval(_milvus_uri(t)), run=_insert,
                    ops=500, teardown=_close, baseline="retrieval.duckdb.insert"),
    SimpleNamespace(name="retrieval.milvus.top10", setup=lambda t: _Retrieval(_milvus_uri(t), PRELOAD), run=_top10,
                    ops=500, teardown=_close, baseline="retrieval.duckdb.top10"),
]


# -- latency: each operation timed on its own
def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    """ops/s (one thread), p50 and p99 in microseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return len(samples) / sum(samples), statistics.median(ordered) * 1e6, p99 * 1e6


def _timed(call: Callable[[int], Any], n: int) -> list[float]:
    for i in range(max(1, n // 10)):  # warm-up: connections, lazy imports, page cache
        call(i)
    samples = []
    for i in range(n):
        start = time.perf_counter()
        call(i)
        samples.append(time.perf_counter() - start)
    return samples


def _blob_latency(store: Any, op: str, n: int) -> list[float]:
    data = os.urandom(KIB)
    try:
        for i in range(20):
            store.put(f"read/{i}", data)
        call: Callable[[int], Any] = {"put": lambda i: store.put(f"bench/{i % 100}", data),
                                      "get": lambda i: store.get(f"read/{i % 20}")}[op]
        return _timed(call, n)
    finally:
        store.close()


def _retrieval_latency(uri: str, op: str, n: int) -> list[float]:
    ctx = _Retrieval(uri, PRELOAD if op == "top10" else 0)
    try:
        return _timed(lambda i: ctx.insert() if op == "insert" else ctx.top10(), n)
    finally:
        ctx.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the operations")
    args = parser.parse_args(argv)
    scale = 0.1 if args.quick else 1.0
    tmp = Path(tempfile.mkdtemp(prefix="cozelite-bench-"))
    print(f"{'operation':<24} {'provider':<8} {'ops/s':>9} {'p50 us':>9} {'p99 us':>9} {'ratio':>7}")
    rows: list[tuple[str, str, list[float], str, list[float]]] = []
    for op, n in (("put", 1000), ("get", 2000)):
        count = max(10, int(n * scale))
        rows.append((f"blob.{op} 1KiB", "file", _blob_latency(open_blob(f"file:///{tmp}/blob-{op}"), op, count),
                     "s3", _blob_latency(open_blob(_s3().uri()), op, count)))
    for op, n in (("insert", 500), ("top10", 500)):
        count = max(10, int(n * scale))
        rows.append((f"retrieval.{op}", "duckdb", _retrieval_latency(_duckdb_uri(tmp / f"d-{op}"), op, count),
                     "milvus", _retrieval_latency(_milvus_uri(tmp / f"m-{op}"), op, count)))
    for name, embedded, e_samples, server, s_samples in rows:
        e_ops, e50, e99 = _percentiles(e_samples)
        s_ops, s50, s99 = _percentiles(s_samples)
        print(f"{name:<24} {embedded:<8} {e_ops:>9,.0f} {e50:>9,.0f} {e99:>9,.0f}")
        print(f"{'':<24} {server:<8} {s_ops:>9,.0f} {s50:>9,.0f} {s99:>9,.0f} {s_ops / e_ops:>7.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
