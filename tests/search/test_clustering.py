"""The postings' (space, field, term) order is made by document search, not by writes
(bm25.InvertedIndex.cluster): writes append, the first SQL search after them re-clusters, and a
re-clustering inside a caller's transaction that rolls back is undone and made again later."""

from __future__ import annotations

import random

import pytest

from providers.search import SearchProvider, open_search
from providers.search.contract import (
    BulkIndexerItem,
    CreateRequest,
    Document,
    Field,
    FieldType,
    Request,
    RetrieveMode,
    RetrieveOptions,
    new_match_query,
)
from providers.search.duckdb import DuckDBDriver

WORDS = "north south east west up down left right".split()


def _store_clustering_early() -> tuple[SearchProvider, DuckDBDriver]:
    """An in-memory store that re-clusters once 10 postings are out of order (not 50,000)."""
    p = open_search("duckdb:///:memory:")
    driver = p.driver
    assert isinstance(driver, DuckDBDriver)
    driver.cluster_min_rows = 10
    return p, driver


def _physical_order_is_clustered(driver: DuckDBDriver) -> bool:
    rows = driver.db.execute("SELECT space, field, term FROM cz_postings").fetchall()
    return rows == sorted(rows)


def test_search_clusters_what_writes_appended_and_a_rollback_undoes_it() -> None:
    rng = random.Random(8)
    p, driver = _store_clustering_early()
    items = [BulkIndexerItem("index", str(i), {"t": " ".join(rng.choice(WORDS) for _ in range(6))})
             for i in range(60)]
    assert not p.es.bulk("i", items[:30])
    assert not p.es.bulk("j", items[30:])

    def hits(index: str, q: str) -> dict[str, float | None]:
        return {h.id: h.score for h in p.es.search(index, Request(query=new_match_query("t", q), size=100)).hits}

    assert p.get_meta("postings_clustered") is None
    assert not _physical_order_is_clustered(driver)  # terms in write order

    class Undo(Exception):
        pass

    with pytest.raises(Undo), p.transaction():
        inside = hits("i", "north east")
        assert p.get_meta("postings_clustered") is not None  # clustered in the caller's transaction
        raise Undo
    assert p.get_meta("postings_clustered") is None  # rolled back with it

    before = hits("i", "north east")  # clusters again, for good this time
    assert before == inside and before
    clustered = int(p.get_meta("postings_clustered") or 0)
    assert clustered == driver.db.execute("SELECT count(*) FROM cz_postings").fetchone()[0]  # type: ignore[index]
    assert _physical_order_is_clustered(driver)

    # Writes after it append unordered and leave the mark alone until a search needs the order.
    assert not p.es.bulk("i", [BulkIndexerItem("index", str(100 + i), {"t": f"{WORDS[i % 8]} zzz{i}"})
                               for i in range(200)])
    assert int(p.get_meta("postings_clustered") or 0) == clustered
    after = hits("i", "north east")
    assert int(p.get_meta("postings_clustered") or 0) > clustered
    assert {k: v for k, v in after.items() if int(k) < 100}.keys() == before.keys()
    p.close()


def test_writes_cluster_when_the_postings_exceed_the_memory_budget() -> None:
    # Then ranked retrieval scores in SQL (possibly on a reader's snapshot, which cannot write),
    # so the writes keep the order as they used to.
    p, driver = _store_clustering_early()
    driver.inverted.memory.max_postings = 40
    for start in range(0, 60, 10):
        assert not p.es.bulk("i", [BulkIndexerItem("index", str(i), {"t": f"w{i % 7} w{i % 5} common"})
                                   for i in range(start, start + 10)])
    assert int(p.get_meta("postings_clustered") or 0) > 40
    p.close()


def test_retrieval_in_a_transaction_clusters_and_ranks_as_outside() -> None:
    # Inside a caller's transaction ranked retrieval scores BM25 in SQL: it clusters the postings
    # first (as document search does), and its results are those the memory path gives outside.
    rng = random.Random(11)
    p, driver = _store_clustering_early()
    p.searchstore.create(CreateRequest("c", [Field("text_content", FieldType.TEXT, indexing=True)]))
    store = p.searchstore.get_search_store("c")
    for start in range(0, 120, 20):  # many small writes: the postings append unordered
        store.store([Document(str(i), " ".join(rng.choice(WORDS) for _ in range(6)), 1)
                     for i in range(start, start + 20)])
    assert p.get_meta("postings_clustered") is None
    assert not _physical_order_is_clustered(driver)

    queries = ("north east", "up", "left right down", "west west south")

    def ranked(q: str) -> list[tuple[str, float]]:
        # Every match (top_k above the collection's size): a cut-off inside a tie would be arbitrary.
        docs = store.retrieve(q, RetrieveOptions(mode=RetrieveMode.TEXT, top_k=500))
        return [(d.id, d.score or 0.0) for d in docs]

    def canonical(hits: list[tuple[str, float]]) -> list[tuple[float, int]]:
        # The two paths add a document's term scores in different orders: equal scores may differ
        # in the last bit and swap places, so ties are ordered by id on rounded scores.
        return sorted((-round(s, 9), int(i)) for i, s in hits)

    outside = {q: ranked(q) for q in queries}
    assert all(outside.values())
    assert p.get_meta("postings_clustered") is None  # the memory answered; nothing rewritten

    with p.transaction():
        inside = {q: ranked(q) for q in queries}
        assert p.get_meta("postings_clustered") is not None  # clustered in the caller's transaction
    assert _physical_order_is_clustered(driver)
    for q in queries:
        assert canonical(inside[q]) == canonical(outside[q])
        assert dict(inside[q]) == pytest.approx(dict(outside[q]), rel=1e-9)
    assert driver.inverted._checked == driver.inverted._writes  # the check counted once committed
    p.close()
