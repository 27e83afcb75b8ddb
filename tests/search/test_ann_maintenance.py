"""The approximate index off the write path: writes complete while a build is in progress (held
at a hook, not timed), the index takes them in afterwards, deletes never come back, and a restart
reuses the saved graph (checked against the table) or rebuilds it."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from providers.search import SearchProvider, SearchStore, open_search
from providers.search.ann import AnnIndex
from providers.search.ann_store import AnnFiles
from providers.search.contract import CreateRequest, Document, Field, FieldType, RetrieveOptions
from providers.search.duckdb import DuckDBDriver

DIM = 16
TBL, COL = "cz_col_1", "dense_text_content"


def open_store(tmp_path: Path) -> tuple[SearchProvider, SearchStore, DuckDBDriver]:
    provider = open_search(f"duckdb:///{tmp_path}/search.db")
    provider.searchstore.create(CreateRequest("vecs", [Field("text_content", FieldType.TEXT, indexing=True,
                                                             dim=DIM)]))  # a no-op once it exists
    driver = provider.driver
    assert isinstance(driver, DuckDBDriver)
    return provider, provider.searchstore.get_search_store("vecs"), driver


def vectors(n: int, seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)


def top(store: SearchStore, q: np.ndarray, k: int = 5, exact: bool = False) -> list[str]:
    return [d.id for d in store.retrieve("", RetrieveOptions(query_vector=q, top_k=k, exact=exact))]


def graph_of(driver: DuckDBDriver) -> AnnIndex:
    ann = driver.retrieval.ann.get(TBL, COL)
    assert ann is not None
    return ann


def test_writes_complete_while_the_build_is_held_and_reach_the_index(tmp_path: Path) -> None:
    provider, store, driver = open_store(tmp_path)
    mat = vectors(5000)
    store.store([Document(str(i), "", 0, mat[i]) for i in range(5000)])
    reached, release = threading.Event(), threading.Event()
    stages: list[str] = []

    def hook(stage: str) -> None:
        stages.append(stage)
        if stage == "graph" and not release.is_set():
            reached.set()
            release.wait(120)

    driver.retrieval.ann.build_hook = hook
    driver.retrieval.ann.adding = False  # keep the writes pending: queries merge them with the graph
    builder = threading.Thread(target=store.build_vector_index)
    builder.start()
    assert reached.wait(120), "the build never reached its first chunk"
    # The worker is inside the build now, held by the hook: these writes must not wait for it.
    new = vectors(3, seed=9) * 10
    store.store([Document(f"{9000 + j}", "", 0, new[j]) for j in range(3)])
    store.delete(["0", "1", "2"])
    store.store([Document("3", "", 0, new[0])])  # replaced: its old vector must not answer for it
    assert not release.is_set() and builder.is_alive() and not graph_of(driver).ready
    assert top(store, new[1], 1) == ["9001"]  # exact meanwhile, and the write is visible
    release.set()
    builder.join(120)
    assert not builder.is_alive()
    ann = graph_of(driver)
    assert ann.ready
    ann.useful = True  # 5k rows of 16-d: a scan may be cheaper; the graph's path is under test
    for j in range(3):
        got = top(store, new[j], 2)
        assert f"{9000 + j}" in got, (j, got)
    before = ann.queries
    for i in range(3):
        assert not {"0", "1", "2"} & set(top(store, mat[i], 10))
    assert "3" not in top(store, mat[3], 3)
    assert ann.queries == before + 4
    assert len(ann.pending) == 4
    # The worker moves the pending rows into the graph; the answers stay the same.
    driver.retrieval.ann.adding = True
    driver.retrieval.ann._wake.set()
    for _ in range(200):
        if not ann.pending:
            break
        threading.Event().wait(0.05)
    assert not ann.pending
    before = ann.queries
    assert f"{9001}" in top(store, new[1], 2)
    assert "3" not in top(store, mat[3], 3)
    assert ann.queries == before + 2
    assert "graph" in stages and "ready" in stages
    provider.close()


def test_deletes_never_come_back(tmp_path: Path) -> None:
    provider, store, driver = open_store(tmp_path)
    mat = vectors(3000)
    store.store([Document(str(i), "", 0, mat[i]) for i in range(3000)])
    store.build_vector_index()
    ann = graph_of(driver)
    ann.useful = True
    q = vectors(1, seed=11)[0]
    gone: set[str] = set()
    for _ in range(5):
        first = top(store, q, 10)
        assert not gone & set(first)
        assert first == top(store, q, 10, exact=True)[:10] or len(set(first) & set(top(store, q, 10, exact=True))) >= 8
        store.delete(first[:4])
        gone |= set(first[:4])
    more = vectors(50, seed=12)
    store.store([Document(str(5000 + i), "", 0, more[i]) for i in range(50)])  # pending rows
    store.delete([str(5000 + i) for i in range(0, 50, 2)])
    gone |= {str(5000 + i) for i in range(0, 50, 2)}
    for i in range(50):
        assert not gone & set(top(store, more[i], 10))
    assert ann.queries > 0
    provider.close()


def test_restart_reuses_the_saved_graph_and_catches_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    provider, store, driver = open_store(tmp_path)
    mat = vectors(3000)
    store.store([Document(str(i), "", 0, mat[i]) for i in range(3000)])
    store.build_vector_index()
    provider.close()  # saved when built
    assert sorted(p.suffix for p in Path(f"{tmp_path}/search.db.ann").iterdir()) == [".faiss", ".npz"]

    provider, store, driver = open_store(tmp_path)
    stages: list[str] = []
    driver.retrieval.ann.build_hook = stages.append
    assert store.has_vector_index()  # registers the index: the worker loads the saved graph
    assert driver.retrieval.ann.wait(TBL, COL, 120)
    assert graph_of(driver).ready and "graph" not in stages, stages  # reused, not rebuilt
    # Writes after the save that never reach the files (a crash): the next start must see them.
    new = vectors(5, seed=21) * 10
    store.store([Document(str(8000 + j), "", 0, new[j]) for j in range(5)])
    store.delete(["10", "11"])
    monkeypatch.setattr(AnnFiles, "save", lambda *a, **k: None)
    provider.close()
    monkeypatch.undo()

    provider, store, driver = open_store(tmp_path)
    stages.clear()
    driver.retrieval.ann.build_hook = stages.append
    store.has_vector_index()
    assert driver.retrieval.ann.wait(TBL, COL, 120)
    ann = graph_of(driver)
    assert "graph" not in stages and ann.caught_up == 5  # reused; the 5 rows it lacked became pending
    ann.useful = True
    for j in range(5):
        assert top(store, new[j], 1) == [str(8000 + j)]
    assert "10" not in top(store, mat[10], 5) and "11" not in top(store, mat[11], 5)
    provider.close()

    # A damaged file is not trusted: the graph is rebuilt.
    faiss_file = next(Path(f"{tmp_path}/search.db.ann").glob("*.faiss"))
    faiss_file.write_bytes(faiss_file.read_bytes()[:1000])
    provider, store, driver = open_store(tmp_path)
    stages = []
    driver.retrieval.ann.build_hook = stages.append
    store.has_vector_index()
    assert driver.retrieval.ann.wait(TBL, COL, 120)
    assert "graph" in stages
    graph_of(driver).useful = True
    assert top(store, new[2], 1) == ["8002"]
    provider.searchstore.drop("vecs")
    assert not list(Path(f"{tmp_path}/search.db.ann").iterdir())
    provider.close()


def test_without_faiss_queries_are_exact_and_a_build_says_what_to_install(tmp_path: Path) -> None:
    from providers.errors import ErrorCode, ProviderError

    provider, store, driver = open_store(tmp_path)
    driver.retrieval.ann.available = False
    mat = vectors(50)
    store.store([Document(str(i), "", 0, mat[i]) for i in range(50)])
    with pytest.raises(ProviderError) as info:
        store.build_vector_index()
    assert info.value.code is ErrorCode.UNIMPLEMENTED and "cozelite[ann]" in info.value.message
    assert not store.has_vector_index()
    assert top(store, mat[4], 1) == ["4"]
    provider.close()


def test_an_earlier_stores_vss_index_becomes_a_request_for_the_new_one(tmp_path: Path) -> None:
    provider, store, driver = open_store(tmp_path)
    if not driver.vss:
        pytest.skip("the vss extension did not load")
    mat = vectors(300)
    store.store([Document(str(i), "", 0, mat[i]) for i in range(300)])
    driver.db.execute(f"CREATE INDEX {TBL}_hnsw_0 ON {TBL} USING HNSW ({COL}) WITH (metric = 'cosine')")
    provider.close()
    provider, store, driver = open_store(tmp_path)
    assert driver.db.execute("SELECT count(*) FROM duckdb_indexes() WHERE table_name = ?", [TBL]).fetchone() == (0,)
    assert store.has_vector_index()
    assert driver.retrieval.ann.wait(TBL, COL, 120) and graph_of(driver).ready
    assert top(store, mat[9], 1) == ["9"]
    provider.close()
