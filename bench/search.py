"""Search benchmark: the DuckDB search provider on N synthetic documents (default 100,000).

    python bench/search.py                   # 100k docs; builds an HNSW index (minutes on 2 cores)
    python bench/search.py --docs 20000 --no-hnsw --no-fts   # a quick look

Reports, on this machine:
- bulk indexing rate (documents with text + a 384-d embedding into a retrieval collection, and
  JSON documents through the es bulk indexer);
- BM25 top-10 latency p50/p95 (our incremental inverted index: in memory, and its SQL aggregation
  as the former path), and the same queries through the
  `fts` extension's static index as the baseline, plus what a single-document write costs each
  (ours: one store call; fts: the index rebuild it needs to see the write);
- vector top-10 p50/p95, exact scan and HNSW, with HNSW recall@10 against exact;
- hybrid (BM25 + vector, RRF) p50.
Ratios are against baselines measured in the same run; absolute numbers depend on the machine and
its load.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from providers.search import open_search
from providers.search.connection import extension_path
from providers.search.contract import (
    BulkIndexerItem,
    CreateRequest,
    Document,
    Field,
    FieldType,
    RetrieveMode,
    RetrieveOptions,
)
from providers.search.duckdb import DuckDBDriver

DIM = 384
T = TypeVar("T")


def vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(size)}
    cjk = [chr(0x4E00 + rng.randrange(3000)) + chr(0x4E00 + rng.randrange(3000)) for _ in range(2000)]
    return sorted(words) + cjk


def make_corpus(n: int, seed: int) -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    weights = np.array([1.0 / (r + 1) for r in range(len(vocab))])  # Zipf-like term frequencies
    weights /= weights.sum()
    nrng = np.random.default_rng(seed)
    picks = nrng.choice(len(vocab), size=(n, 60), p=weights)
    lengths = nrng.integers(20, 60, size=n)
    texts = [" ".join(vocab[j] for j in picks[i, :lengths[i]]) for i in range(n)]
    vectors = nrng.standard_normal((n, DIM)).astype(np.float32)
    return texts, vectors, vocab, weights


def percentiles(samples: list[float]) -> tuple[float, float]:
    ms = np.array(samples) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def timed(fn: Callable[[T], object], inputs: Sequence[T]) -> list[float]:
    out = []
    for x in inputs:
        t0 = time.perf_counter()
        fn(x)
        out.append(time.perf_counter() - t0)
    return out


def hnsw_vectors(kind: str, n: int, seed: int) -> np.ndarray:
    """The HNSW section's vectors. "embedding": the low intrinsic dimension of text embeddings (a
    32-d latent mapped into 384-d plus isotropic noise); "random": i.i.d. normal, the hardest case
    for any graph (no structure: a beam near the collection's size is needed)."""
    rng = np.random.default_rng(seed)
    if kind == "random":
        return rng.standard_normal((n, DIM)).astype(np.float32)
    basis = rng.standard_normal((32, DIM)).astype(np.float32)
    return rng.standard_normal((n, 32)).astype(np.float32) @ basis + \
        0.5 * rng.standard_normal((n, DIM)).astype(np.float32)


def hnsw_section(args: argparse.Namespace, say: Callable[[str, object, str], None]) -> None:
    """HNSW (providers/search/ann.py) on its own collection of N vectors in 100 partitions: the build
    (in the background; single writes meanwhile), then top-10 latency and recall@10 against exact
    search under the same filter, unfiltered and at 50/10/5/1% selectivity (a partition filter),
    with exact search (in-memory matrix, the same filter) as the baseline in the same run."""
    n, parts = args.docs, 100
    mat = hnsw_vectors(args.hnsw_data, n, args.seed + 2)
    rng = np.random.default_rng(args.seed + 3)
    picked = mat[rng.choice(n, args.queries, replace=False)]
    scale = 0.3 * np.linalg.norm(picked, axis=1, keepdims=True) / np.sqrt(DIM)
    queries = list(picked + scale * rng.standard_normal(picked.shape).astype(np.float32))
    tmp = Path(tempfile.mkdtemp(prefix="search-bench-ann-"))
    provider = open_search(f"duckdb:///{tmp}/ann.db", query_timeout_ms=300_000)
    provider.searchstore.create(CreateRequest("ann", [Field("text_content", FieldType.TEXT, indexing=True, dim=DIM)]))
    store = provider.searchstore.get_search_store("ann")
    t0 = time.perf_counter()
    for part in range(parts):
        rows = list(range(part, n, parts))
        for start in range(0, len(rows), args.batch):
            store.store([Document(str(i), "", 0, mat[i]) for i in rows[start:start + args.batch]], partition=f"p{part}")
    load = time.perf_counter() - t0
    say("hnsw_load_docs_per_s", n / load, f"HNSW section: {n:,} {args.hnsw_data} {DIM}-d vectors stored at "
        f"{n / load:,.0f} docs/s")
    retrieval: Any = provider.driver.retrieval  # type: ignore[attr-defined]
    tbl = retrieval._coll("ann").tbl
    extra = hnsw_vectors(args.hnsw_data, 200, args.seed + 4)
    store.retrieve("", RetrieveOptions(query_vector=queries[0], top_k=10, exact=True))  # loads the matrix
    written = [0]

    starts: list[float] = []

    def write_one() -> float:
        i = written[0]
        written[0] += 1
        t = time.perf_counter()
        starts.append(t)
        store.store([Document(str(n + i), "", 0, extra[i % len(extra)])], partition="p0")
        return time.perf_counter() - t

    stages: dict[str, float] = {}  # the build's stages (ann_worker's hook), first time each is reached
    retrieval.ann.build_hook = lambda stage: stages.setdefault(stage, time.perf_counter())

    before = [write_one() for _ in range(10)]
    t0, cpu0 = time.perf_counter(), time.process_time()
    builder = threading.Thread(target=store.build_vector_index)
    builder.start()
    during = []
    while builder.is_alive():
        during.append(write_one())
        builder.join(0.5)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    ann = retrieval.ann.get(tbl, "dense_text_content")
    slowest = int(np.argmax(during)) if during else 0
    at = starts[10 + slowest] - t0 if during else 0.0
    marks = ", ".join(f"{k} {v - t0:.1f} s" for k, v in stages.items())
    print(f"  build stages (from the request): {marks}; the slowest write started at {at:.1f} s", flush=True)
    b50, _ = percentiles(before)
    d50, _ = percentiles(during or [0.0])
    say("hnsw_build_s", {"build_s": build, "process_cpu_s": build_cpu, "ef_search": ann.ef_search, "useful": ann.useful,
                         "writes_during_build": len(during), "write_p50_ms_before": b50, "write_p50_ms_during": d50,
                         "write_max_ms_during": max(during or [0.0]) * 1000},
        f"HNSW build (background; load + graph + calibration): {build:.1f} s (process CPU {build_cpu:.1f} s, "
        f"all threads, the writes' included); calibrated ef_search {ann.ef_search}, "
        f"graph used: {ann.useful}; {len(during)} single writes completed during it (p50 {d50:.1f} ms, max "
        f"{max(during or [0.0]) * 1000:.1f} ms; before the build p50 {b50:.1f} ms)")
    while ann.pending:  # the writes made during the build enter the graph
        time.sleep(0.1)
    for label, sel in (("unfiltered", None), ("50%", 50), ("10%", 10), ("5%", 5), ("1%", 1)):
        opts = {} if sel is None else {"partitions": [f"p{j}" for j in range(sel)]}
        exact = timed(lambda q, o=opts: store.retrieve("", RetrieveOptions(query_vector=q, top_k=10, exact=True, **o)),
                      queries)
        served = ann.queries
        approx = timed(lambda q, o=opts: store.retrieve("", RetrieveOptions(query_vector=q, top_k=10, **o)), queries)
        by_graph = ann.queries - served
        forced = None
        if by_graph == 0 and ann.useful:  # below min_selectivity: measure the graph's path anyway
            keep, ann.min_selectivity = ann.min_selectivity, 0.0
            forced = timed(lambda q, o=opts: store.retrieve("", RetrieveOptions(query_vector=q, top_k=10, **o)),
                           queries)
            ann.min_selectivity = keep
        hits = 0
        graph_hits = 0
        for q in queries:
            want = {d.id for d in store.retrieve("", RetrieveOptions(query_vector=q, top_k=10, exact=True, **opts))}
            hits += len(want & {d.id for d in store.retrieve("", RetrieveOptions(query_vector=q, top_k=10, **opts))})
            if forced is not None:
                keep, ann.min_selectivity = ann.min_selectivity, 0.0
                graph_hits += len(want & {d.id for d in store.retrieve("", RetrieveOptions(query_vector=q, top_k=10,
                                                                                           **opts))})
                ann.min_selectivity = keep
        e50, _ = percentiles(exact)
        a50, a95 = percentiles(approx)
        recall = hits / (10 * len(queries))
        row: dict[str, object] = {"p50_ms": a50, "p95_ms": a95, "exact_p50_ms": e50, "recall_at_10": recall,
                                  "served_by_graph": by_graph}
        text = (f"vector top-10 {label}: p50 {a50:.1f} ms (p95 {a95:.1f}), exact p50 {e50:.1f} ms "
                f"({e50 / a50:.1f}x); recall@10 {recall:.3f}; served by the graph {by_graph}/{len(queries)}")
        if forced is not None:
            f50, _ = percentiles(forced)
            row |= {"graph_p50_ms": f50, "graph_recall_at_10": graph_hits / (10 * len(queries))}
            text += f" (graph forced: p50 {f50:.1f} ms, recall@10 {graph_hits / (10 * len(queries)):.3f})"
        say(f"hnsw_top10_{label}", row, text)
    provider.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--no-hnsw", action="store_true")
    ap.add_argument("--only-hnsw", action="store_true", help="run the HNSW section alone")
    ap.add_argument("--hnsw-data", choices=("embedding", "random"), default="embedding",
                    help="vectors of the HNSW section: embedding-like (a 32-d latent + noise) or random")
    ap.add_argument("--text-docs", type=int, default=20_000, help="documents of the text-only bulk row (0: skip)")
    ap.add_argument("--no-es", action="store_true", help="skip the es bulk indexer row")
    ap.add_argument("--no-fts", action="store_true")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    n = args.docs
    results: dict[str, object] = {"docs": n, "dim": DIM}

    def say(key: str, value: object, text: str) -> None:
        results[key] = value
        print(text, flush=True)

    if args.only_hnsw:
        hnsw_section(args, say)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))
        return 0
    texts, vectors, vocab, weights = make_corpus(n, args.seed)
    qrng = np.random.default_rng(args.seed + 1)
    text_queries = [" ".join(vocab[j] for j in qrng.choice(len(vocab), size=qrng.integers(1, 4), p=weights))
                    for _ in range(args.queries)]
    vec_queries = qrng.standard_normal((args.queries, DIM)).astype(np.float32)

    tmp = Path(tempfile.mkdtemp(prefix="search-bench-"))
    # A generous time limit: the SQL-scan baseline can pass the default 10 s on a loaded machine.
    provider = open_search(f"duckdb:///{tmp}/search.db", hnsw_min_rows=0, query_timeout_ms=300_000)
    provider.searchstore.create(CreateRequest("bench", [Field("text_content", FieldType.TEXT, indexing=True,
                                                             dim=DIM)]))
    store = provider.searchstore.get_search_store("bench")

    text_n = min(n, args.text_docs)
    if text_n:
        provider.searchstore.create(CreateRequest("bench_text", [Field("text_content", FieldType.TEXT,
                                                                       indexing=True)]))
        text_store = provider.searchstore.get_search_store("bench_text")
        t0 = time.perf_counter()
        for start in range(0, text_n, args.batch):
            text_store.store([Document(str(i), texts[i], 1) for i in range(start, min(text_n, start + args.batch))])
        elapsed = time.perf_counter() - t0
        say("bulk_store_text_docs_per_s", text_n / elapsed,
            f"bulk index, text only ({text_n:,} docs, batches of {args.batch}): {text_n / elapsed:,.0f} docs/s")
        provider.searchstore.drop("bench_text")

    t0 = time.perf_counter()
    for start in range(0, n, args.batch):
        store.store([Document(str(i), texts[i], 1, vectors[i]) for i in range(start, min(n, start + args.batch))])
    elapsed = time.perf_counter() - t0
    say("bulk_store_docs_per_s", n / elapsed,
        f"bulk index (text + {DIM}-d vector, batches of {args.batch}): {n / elapsed:,.0f} docs/s ({elapsed:.1f} s)")
    # Writes no longer keep the postings in (space, field, term) order; the first document search
    # does (bm25.InvertedIndex.cluster). Timed here, so that the cost moved off the write path is
    # on the record and the SQL baselines below read a clustered table, as they did before.
    t0 = time.perf_counter()
    provider.driver.inverted.cluster()  # type: ignore[attr-defined]
    say("postings_cluster_s", time.perf_counter() - t0,
        f"postings re-clustering after the bulk load (paid by the first document search): "
        f"{time.perf_counter() - t0:.1f} s")

    if not args.no_es:
        es_n = min(n, 50_000)
        t0 = time.perf_counter()
        with provider.es.new_bulk_indexer("bench_es") as bi:
            for i in range(es_n):
                bi.add(BulkIndexerItem("index", str(i), {"name": texts[i], "space_id": i % 100}))
        elapsed = time.perf_counter() - t0
        say("es_bulk_docs_per_s", es_n / elapsed,
            f"es bulk indexer (JSON docs, {es_n:,}): {es_n / elapsed:,.0f} docs/s")

    # Baseline in the same run: BM25 by SQL aggregation over cz_postings (bm25.py), what every
    # text query ran before the in-memory postings (and still runs inside a caller's transaction).
    inverted = provider.driver.inverted  # type: ignore[attr-defined]
    postings_budget = inverted.memory.max_postings
    inverted.memory.max_postings = 0
    inverted.memory.forget()

    def bm25_query(q: str) -> list[tuple[str, float | None]]:
        return [(d.id, d.score) for d in store.retrieve(q, RetrieveOptions(mode=RetrieveMode.TEXT, top_k=10))]

    sql_answers = [bm25_query(q) for q in text_queries[:10]]
    bm25_sql = timed(bm25_query, text_queries)
    q50, q95 = percentiles(bm25_sql)
    say("bm25_sql_top10_ms", {"p50": q50, "p95": q95},
        f"BM25 top-10, SQL aggregation (the former path): p50 {q50:.1f} ms, p95 {q95:.1f} ms")
    inverted.memory.max_postings = postings_budget
    t0 = time.perf_counter()
    mem_answers = [bm25_query(q) for q in text_queries[:10]]  # the first loads the postings
    bm25_load = time.perf_counter() - t0
    agree = sum(m == s or ([i for i, _ in m] == [i for i, _ in s] and np.allclose(
        [x or 0.0 for _, x in m], [x or 0.0 for _, x in s], rtol=1e-9)) for m, s in zip(mem_answers, sql_answers,
                                                                                       strict=True))
    bm25 = timed(bm25_query, text_queries)
    p50, p95 = percentiles(bm25)
    say("bm25_top10_ms", {"p50": p50, "p95": p95, "first_queries_load_s": bm25_load, "agree_of_10": agree},
        f"BM25 top-10 (in-memory postings): p50 {p50:.1f} ms, p95 {p95:.1f} ms; SQL/memory p50 {q50 / p50:.1f}x; "
        f"first 10 queries (the first loads the postings) {bm25_load:.1f} s; same top-10 as SQL: {agree}/10")

    single = timed(lambda i: store.store([Document(str(i), "one more document about " + vocab[5], 1, vectors[0])]),
                   range(n, n + 20))
    sp50, _ = percentiles(single)
    say("single_write_ms", sp50, f"single-document write, searchable on return: p50 {sp50:.1f} ms")

    fts_path = extension_path("fts")
    if not args.no_fts and fts_path:
        driver = provider.driver
        assert isinstance(driver, DuckDBDriver)
        db = driver.db  # the baseline runs in the same database, on a copy of the texts
        db.execute(f"LOAD '{fts_path}'")
        db.execute("CREATE TABLE fts_docs AS SELECT CAST(id AS VARCHAR) AS id, text_content AS body FROM "
                   "cz_col_1")
        t0 = time.perf_counter()
        db.execute("PRAGMA create_fts_index('fts_docs', 'id', 'body', stemmer = 'english', overwrite = 1)")
        build = time.perf_counter() - t0

        def fts_query(q: str) -> None:
            db.execute("SELECT id, fts_main_fts_docs.match_bm25(id, ?) AS s FROM fts_docs WHERE s IS NOT NULL "
                       "ORDER BY s DESC LIMIT 10", [q]).fetchall()

        fts = timed(fts_query, text_queries)
        f50, f95 = percentiles(fts)
        say("fts_index_build_s", build, f"fts extension: index build {build:.1f} s (needed again after any write)")
        say("fts_bm25_top10_ms", {"p50": f50, "p95": f95},
            f"fts extension BM25 top-10: p50 {f50:.1f} ms, p95 {f95:.1f} ms; ours/fts p50 ratio {p50 / f50:.2f}; "
            f"write-to-searchable ours/fts {sp50 / 1000 / build:.4f}")

    # Baseline in the same run: the SQL scan (array_cosine_similarity over the FLOAT[dim] column),
    # which is what exact queries ran before the in-memory matrix (and still run with a filter).
    retrieval: Any = provider.driver.retrieval  # type: ignore[attr-defined]
    budget = retrieval.vectors.max_bytes
    retrieval.vectors.max_bytes = 0
    retrieval.vectors.forget()
    sql_exact = timed(lambda v: store.retrieve("", RetrieveOptions(query_vector=v, top_k=10, exact=True)),
                      list(vec_queries))
    s50, s95 = percentiles(sql_exact)
    say("vector_exact_sql_top10_ms", {"p50": s50, "p95": s95},
        f"vector top-10 exact, SQL scan (the former path): p50 {s50:.1f} ms, p95 {s95:.1f} ms")
    retrieval.vectors.max_bytes = budget
    t0 = time.perf_counter()
    store.retrieve("", RetrieveOptions(query_vector=vec_queries[0], top_k=10, exact=True))
    load = time.perf_counter() - t0
    exact = timed(lambda v: store.retrieve("", RetrieveOptions(query_vector=v, top_k=10, exact=True)),
                  list(vec_queries))
    e50, e95 = percentiles(exact)
    say("vector_exact_top10_ms", {"p50": e50, "p95": e95, "first_query_load_s": load},
        f"vector top-10 exact (in-memory float32 matrix): p50 {e50:.1f} ms, p95 {e95:.1f} ms; "
        f"SQL/memory p50 {s50 / e50:.1f}x; first query (loads the matrix) {load:.1f} s")

    if not args.no_hnsw:
        hnsw_section(args, say)

    # Concurrent retrievals: the same mixed workload (text, exact vector, hybrid) from 1 and 4
    # threads, with reads on per-thread cursors, and with every read under the store's lock (the
    # former behaviour) as the baseline, all in this run.
    def workload(i: int) -> None:
        q, v = text_queries[i % len(text_queries)], vec_queries[i % len(vec_queries)]
        mode = (RetrieveMode.TEXT, RetrieveMode.VECTOR, RetrieveMode.HYBRID)[i % 3]
        store.retrieve(q, RetrieveOptions(query_vector=v, top_k=10, mode=mode, exact=True))

    def throughput(threads: int, calls: int) -> float:
        def run(first: int) -> None:
            for i in range(first, calls, threads):
                workload(i)

        pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
        t0 = time.perf_counter()
        for th in pool:
            th.start()
        for th in pool:
            th.join()
        return calls / (time.perf_counter() - t0)

    conn = provider.driver.conn  # type: ignore[attr-defined]
    calls = max(30, args.queries)
    rates = {}
    for concurrent in (False, True):
        conn.concurrent_reads = concurrent
        for threads in (1, 4):
            rates[(concurrent, threads)] = throughput(threads, calls)
    conn.concurrent_reads = True

    # Reads while a writer stores batches: a read under the store's lock waits for the write in
    # progress; on its own cursor it does not.
    def during_writes(concurrent: bool) -> list[float]:
        conn.concurrent_reads = concurrent
        done = threading.Event()

        def writer() -> None:
            i = 0
            while not done.is_set():
                store.store([Document(str(n + 1000 + i * 200 + j), texts[j], 1, vectors[j]) for j in range(200)])
                i += 1

        th = threading.Thread(target=writer)
        th.start()
        try:
            return timed(lambda q: store.retrieve(q, RetrieveOptions(mode=RetrieveMode.TEXT, top_k=10)),
                         text_queries[:20])
        finally:
            done.set()
            th.join()
            conn.concurrent_reads = True

    w_locked, _ = percentiles(during_writes(False))
    w_cursor, _ = percentiles(during_writes(True))
    say("bm25_during_writes_ms", {"locked_p50": w_locked, "cursors_p50": w_cursor},
        f"BM25 top-10 while a writer stores 200-document batches: p50 {w_locked:.1f} ms under the store's lock, "
        f"{w_cursor:.1f} ms on per-thread cursors ({w_locked / w_cursor:.1f}x)")
    say("retrieval_concurrency_per_s", {f"{'cursors' if c else 'locked'}_{t}": r for (c, t), r in rates.items()},
        f"retrievals/s (text, exact vector, hybrid mixed; {calls} calls): locked 1 thread {rates[(False, 1)]:.1f}, "
        f"4 threads {rates[(False, 4)]:.1f}; per-thread cursors 1 thread {rates[(True, 1)]:.1f}, "
        f"4 threads {rates[(True, 4)]:.1f} ({rates[(True, 4)] / rates[(False, 4)]:.2f}x the locked 4 threads)")

    hybrid = timed(lambda tv: store.retrieve(tv[0], RetrieveOptions(query_vector=tv[1], top_k=10,
                                                                    mode=RetrieveMode.HYBRID)),
                   list(zip(text_queries, vec_queries, strict=True)))
    y50, y95 = percentiles(hybrid)
    say("hybrid_top10_ms", {"p50": y50, "p95": y95}, f"hybrid (BM25 + vector, RRF) top-10: p50 {y50:.1f} ms")
    provider.close()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
