"""Exact vector search from memory (providers/search/vectors.py): the same answers as a brute force
over what the table holds, through writes, deletes, compaction and rolled-back transactions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from providers.search import open_search
from providers.search.contract import CreateRequest, Document, Field, FieldType, RetrieveOptions
from providers.search.duckdb import DuckDBDriver
from providers.search.vectors import VectorMatrix

DIM = 16


def brute(ids: list[int], mat: np.ndarray, q: np.ndarray, k: int) -> list[tuple[int, float]]:
    norms = np.linalg.norm(mat, axis=1)
    scores = [(float(mat[i] @ q / (norms[i] * np.linalg.norm(q))), ids[i]) for i in range(len(ids)) if norms[i] > 0]
    scores.sort(key=lambda p: (-p[0], p[1]))
    return [(i, s) for s, i in scores[:k]]


def same(got: list[tuple[int, float]], expect: list[tuple[int, float]]) -> None:
    assert [i for i, _ in got] == [i for i, _ in expect]
    assert [s for _, s in got] == pytest.approx([s for _, s in expect], abs=1e-5)


def test_matrix_top_k_through_upserts_deletes_and_compaction() -> None:
    rng = np.random.default_rng(1)
    live: dict[int, np.ndarray] = {i: rng.standard_normal(DIM).astype(np.float32) for i in range(300)}
    live[7] = np.zeros(DIM, dtype=np.float32)  # no direction: never matches, as in DuckDB (NaN)
    ids = sorted(live)
    m = VectorMatrix(np.asarray(ids, dtype=np.int64), np.stack([live[i] for i in ids]))
    for _ in range(40):
        new = rng.integers(0, 600, size=25)
        new = np.unique(new)
        vecs = rng.standard_normal((len(new), DIM)).astype(np.float32)
        m.upsert(new.astype(np.int64), vecs)
        live.update({int(i): v for i, v in zip(new, vecs, strict=True)})
        gone = [int(i) for i in rng.choice(sorted(live), size=20, replace=False)]
        m.remove(gone)
        for i in gone:
            del live[i]
        q = rng.standard_normal(DIM).astype(np.float32)
        ids = sorted(live)
        same(m.top_k(q, 10), brute(ids, np.stack([live[i] for i in ids]), q, 10))
    assert m.size < 300 + 40 * 25  # compaction ran


def test_ties_are_ordered_by_id() -> None:
    v = np.ones(DIM, dtype=np.float32)
    m = VectorMatrix(np.asarray([9, 3, 5, 1], dtype=np.int64), np.stack([v, v, v * 2, -v]))
    assert [i for i, _ in m.top_k(v, 2)] == [3, 5]
    assert [i for i, _ in m.top_k(v, 10)] == [3, 5, 9, 1]


def test_provider_exact_search_follows_writes_and_rollbacks(tmp_path: Path) -> None:
    provider = open_search(f"duckdb:///{tmp_path}/s.db")
    provider.searchstore.create(CreateRequest("v", [Field("text_content", FieldType.TEXT, indexing=True, dim=DIM)]))
    store = provider.searchstore.get_search_store("v")
    rng = np.random.default_rng(2)
    mat = rng.standard_normal((200, DIM)).astype(np.float32)
    store.store([Document(str(i), f"doc {i}", 1, mat[i]) for i in range(200)])
    q = rng.standard_normal(DIM).astype(np.float32)

    def top() -> list[tuple[int, float]]:
        return [(int(d.id), d.score or 0.0) for d in store.retrieve("", RetrieveOptions(query_vector=q, top_k=5,
                                                                                        exact=True))]

    ids = list(range(200))
    same(top(), brute(ids, mat, q, 5))  # loads the matrix
    best = top()[0][0]
    mat[best] = -q  # an update: the former best is now the worst
    store.store([Document(str(best), "moved", 1, mat[best])])
    same(top(), brute(ids, mat, q, 5))
    second = top()[0][0]
    store.delete([str(second)])
    keep = [i for i in ids if i != second]
    same(top(), brute(keep, mat[keep], q, 5))
    driver = provider.driver
    assert isinstance(driver, DuckDBDriver)
    with pytest.raises(RuntimeError), driver.transaction():  # a write that rolls back
        store.store([Document("999", "x", 1, q)])
        raise RuntimeError("roll back")
    same(top(), brute(keep, mat[keep], q, 5))
    provider.close()


def test_provider_filtered_exact_search_scores_only_the_matching_rows(tmp_path: Path) -> None:
    from providers.search.model import DSL, Op

    provider = open_search(f"duckdb:///{tmp_path}/s.db")
    provider.searchstore.create(CreateRequest("v", [Field("text_content", FieldType.TEXT, indexing=True, dim=DIM)]))
    store = provider.searchstore.get_search_store("v")
    rng = np.random.default_rng(3)
    mat = rng.standard_normal((300, DIM)).astype(np.float32)
    store.store([Document(str(i), f"doc {i}", i % 3, mat[i]) for i in range(150)], partition="a")
    store.store([Document(str(i), f"doc {i}", i % 3, mat[i]) for i in range(150, 300)], partition="b")
    q = rng.standard_normal(DIM).astype(np.float32)
    cases = [(RetrieveOptions(query_vector=q, top_k=7, exact=True, partitions=["b"]), range(150, 300)),
             (RetrieveOptions(query_vector=q, top_k=7, exact=True, dsl=DSL(Op.EQ, "creator_id", 1)),
              range(1, 300, 3)),
             (RetrieveOptions(query_vector=q, top_k=7, exact=True, partitions=["a"],
                              dsl=DSL(Op.IN, "creator_id", [0, 2])), [i for i in range(150) if i % 3 != 1])]
    for opts, ids in cases:
        ids = list(ids)
        got = [(int(d.id), d.score or 0.0) for d in store.retrieve("", opts)]
        same(got, brute(ids, mat[ids], q, 7))
    driver = provider.driver
    assert isinstance(driver, DuckDBDriver)
    assert driver.retrieval.vectors._items  # answered from memory
    provider.close()
