"""HNSW (vss extension) on collection vectors: recall against exact search, automatic build at the
threshold, incremental maintenance, persistence.

The 100k-vector recall check is slow (minutes to build the index on two cores): run it with
`python -m pytest tests/search/test_hnsw.py -m slow -q`. The default run checks the same on 10k.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from providers.search import SearchProvider, SearchStore, open_search
from providers.search.contract import CreateRequest, Document, Field, FieldType, RetrieveOptions
from providers.search.duckdb import DuckDBDriver

DIM = 384


def duckdb_driver(provider: SearchProvider) -> DuckDBDriver:
    driver = provider.driver
    assert isinstance(driver, DuckDBDriver)
    return driver


def needs_vss(provider: SearchProvider) -> None:
    if not duckdb_driver(provider).vss:
        pytest.fail("the vss extension did not load: pip install duckdb-extension-vss matching the duckdb version")


def fill(tmp_path: Path, n: int, dim: int, **opts: int) -> tuple[SearchProvider, SearchStore, np.ndarray]:
    provider = open_search(f"duckdb:///{tmp_path}/search.db", **opts)
    provider.searchstore.create(CreateRequest("vecs", [Field("text_content", FieldType.TEXT, indexing=True, dim=dim)]))
    store = provider.searchstore.get_search_store("vecs")
    mat = np.random.default_rng(42).standard_normal((n, dim)).astype(np.float32)
    for start in range(0, n, 5000):
        store.store([Document(str(i), "", 0, mat[i]) for i in range(start, min(n, start + 5000))])
    return provider, store, mat


def recall_at_10(store: SearchStore, mat: np.ndarray, queries: int = 50) -> float:
    rng = np.random.default_rng(7)
    unit = mat / np.linalg.norm(mat, axis=1, keepdims=True)
    found = 0
    for _ in range(queries):
        q = np.asarray(rng.standard_normal(mat.shape[1]), dtype=np.float32)
        exact = set(np.argsort(-(unit @ (q / np.linalg.norm(q))))[:10].tolist())
        approx = {int(d.id) for d in store.retrieve("", RetrieveOptions(query_vector=q, top_k=10))}
        found += len(exact & approx)
    return found / (10 * queries)


def check_recall(tmp_path: Path, n: int) -> float:
    provider, store, mat = fill(tmp_path, n, DIM, hnsw_min_rows=0)  # the default search beam
    needs_vss(provider)
    assert not store.has_vector_index()
    store.build_vector_index()
    assert store.has_vector_index()
    recall = recall_at_10(store, mat)
    ef_search = duckdb_driver(provider).hnsw_ef_search
    print(f"HNSW recall@10 on {n} random {DIM}-d vectors (ef_search {ef_search}): {recall:.4f}")
    provider.close()
    return recall


def test_hnsw_recall_10k(tmp_path: Path) -> None:
    assert check_recall(tmp_path, 10_000) >= 0.95


@pytest.mark.slow
def test_hnsw_recall_100k(tmp_path: Path) -> None:
    assert check_recall(tmp_path, 100_000) >= 0.95


def test_index_is_used_built_at_threshold_maintained_and_persisted(tmp_path: Path) -> None:
    provider, store, mat = fill(tmp_path, 300, 16, hnsw_min_rows=400)
    needs_vss(provider)
    assert not store.has_vector_index()
    extra = np.random.default_rng(1).standard_normal((200, 16)).astype(np.float32)
    store.store([Document(str(1000 + i), "", 0, extra[i]) for i in range(200)])  # crosses 400
    assert store.has_vector_index()
    plan = "\n".join(r[1] for r in duckdb_driver(provider).db.execute(  # the query shape the store sends
        f"EXPLAIN SELECT id, array_cosine_distance(dense_text_content, {list(map(float, mat[0]))}::FLOAT[16]) AS d "
        "FROM cz_col_1 ORDER BY d LIMIT 10").fetchall())
    assert "HNSW_INDEX_SCAN" in plan
    # writes after the build are searchable through the index at once
    new = np.ones(16, dtype=np.float32)
    store.store([Document("5000", "", 0, new)])
    assert store.retrieve("", RetrieveOptions(query_vector=new, top_k=1))[0].id == "5000"
    store.delete(["5000"])
    assert store.retrieve("", RetrieveOptions(query_vector=new, top_k=1))[0].id != "5000"
    near = store.retrieve("", RetrieveOptions(query_vector=mat[5], top_k=3))
    assert near[0].id == "5" and near[0].score == pytest.approx(1.0, abs=1e-5)
    provider.close()
    again = open_search(f"duckdb:///{tmp_path}/search.db")
    store2 = again.searchstore.get_search_store("vecs")
    assert store2.has_vector_index()
    assert store2.retrieve("", RetrieveOptions(query_vector=mat[7], top_k=1))[0].id == "7"
    again.close()
