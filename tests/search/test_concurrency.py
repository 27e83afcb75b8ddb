"""Retrievals run concurrently with each other and with writes (Connection.reading): each on its
own cursor in a snapshot, without the store's lock; the in-memory indexes stay in step."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import numpy as np
import pytest

from providers.search import open_search
from providers.search.contract import CreateRequest, Document, Field, FieldType, RetrieveMode, RetrieveOptions
from providers.search.duckdb import DuckDBDriver
from tests.search import _reference as ref

WORDS = "alpha beta gamma delta epsilon zeta eta theta".split()
DIM = 8


def test_a_retrieval_does_not_wait_for_a_transaction_of_another_thread(tmp_path: Path) -> None:
    p = open_search(f"duckdb:///{tmp_path}/s.db")
    driver = p.driver
    assert isinstance(driver, DuckDBDriver)
    p.searchstore.create(CreateRequest("c", [Field("text_content", FieldType.TEXT, indexing=True)]))
    store = p.searchstore.get_search_store("c")
    store.store([Document("1", "alpha beta", 1)])
    inside, release = threading.Event(), threading.Event()

    def writer() -> None:
        with driver.transaction():  # holds the store's lock until released
            store.store([Document("2", "alpha alpha", 1)])
            inside.set()
            release.wait(60)

    t = threading.Thread(target=writer)
    t.start()
    assert inside.wait(60)
    got: list[list[str]] = []
    reader = threading.Thread(target=lambda: got.append(
        [d.id for d in store.retrieve("alpha", RetrieveOptions(mode=RetrieveMode.TEXT))]))
    reader.start()
    reader.join(60)
    finished = not reader.is_alive()
    release.set()
    t.join(60)
    reader.join(60)
    assert finished, "the retrieval waited for another thread's transaction"
    assert got == [["1"]]  # the uncommitted write is not seen
    assert [d.id for d in store.retrieve("alpha", RetrieveOptions(mode=RetrieveMode.TEXT))] == ["2", "1"]
    # Inside its own transaction a thread reads under the lock and sees its own writes.
    with driver.transaction():
        store.store([Document("3", "alpha alpha alpha", 1)])
        assert [d.id for d in store.retrieve("alpha", RetrieveOptions(mode=RetrieveMode.TEXT))] == ["3", "2", "1"]
    p.close()


def test_memory_indexes_stay_in_step_under_concurrent_reads_and_writes(tmp_path: Path) -> None:
    p = open_search(f"duckdb:///{tmp_path}/s.db")
    driver = p.driver
    assert isinstance(driver, DuckDBDriver)
    p.searchstore.create(CreateRequest("c", [Field("text_content", FieldType.TEXT, indexing=True, dim=DIM)]))
    store = p.searchstore.get_search_store("c")
    rng = random.Random(7)
    vrng = np.random.default_rng(7)
    texts: dict[str, str] = {}
    vecs: dict[str, np.ndarray] = {}

    def batch(start: int, n: int) -> list[Document]:
        docs = []
        for i in range(start, start + n):
            texts[str(i)] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8)))
            vecs[str(i)] = vrng.standard_normal(DIM).astype(np.float32)
            docs.append(Document(str(i), texts[str(i)], 1, vecs[str(i)]))
        return docs

    store.store(batch(0, 100))
    errors: list[BaseException] = []
    stop = threading.Event()
    q = vrng.standard_normal(DIM).astype(np.float32)

    def reader(n: int) -> None:
        try:
            while not stop.is_set():
                if n == 0:  # keep dropping the memory so that loads race with the writes
                    driver.inverted.memory.forget()
                    driver.retrieval.vectors.forget()
                store.retrieve("alpha gamma", RetrieveOptions(mode=RetrieveMode.TEXT, top_k=5))
                store.retrieve("", RetrieveOptions(query_vector=q, top_k=5, exact=True))
        except BaseException as err:
            errors.append(err)

    def writer() -> None:
        try:
            for start in range(100, 400, 20):
                store.store(batch(start, 20))
                store.delete([str(start - 50)])
                texts.pop(str(start - 50))
                vecs.pop(str(start - 50))
        except BaseException as err:
            errors.append(err)
        finally:
            stop.set()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(3)] + [threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors
    # Whatever the memory holds now must be what the tables hold.
    got = [(int(d.id), d.score) for d in store.retrieve("alpha gamma", RetrieveOptions(mode=RetrieveMode.TEXT,
                                                                                       top_k=50))]
    expect = sorted(((int(i), s) for i, s in ref.bm25_scores(texts, "alpha gamma").items()),
                    key=lambda r: (-r[1], r[0]))[:50]
    assert [i for i, _ in got] == [i for i, _ in expect]
    assert [s for _, s in got] == pytest.approx([s for _, s in expect], rel=1e-9)
    ids = sorted(vecs, key=int)
    best = ref.cosine_top_k(np.stack([vecs[i] for i in ids]), [int(i) for i in ids], q, 5)
    got_v = [(int(d.id), d.score) for d in store.retrieve("", RetrieveOptions(query_vector=q, top_k=5, exact=True))]
    assert [i for i, _ in got_v] == [i for i, _ in best]
    p.close()


def test_a_retrieval_past_the_time_limit_is_cancelled_on_its_cursor(tmp_path: Path) -> None:
    from providers.errors import ErrorCode, ProviderError

    p = open_search(f"duckdb:///{tmp_path}/s.db?query_timeout_ms=1")
    p.searchstore.create(CreateRequest("c", [Field("text_content", FieldType.TEXT, indexing=True)]))
    store = p.searchstore.get_search_store("c")
    store.store([Document(str(i), " ".join(WORDS[: 1 + i % 8]) + f" w{i}", 1) for i in range(3000)])
    with pytest.raises(ProviderError) as info:  # the first query also loads the postings
        store.retrieve("alpha", RetrieveOptions(mode=RetrieveMode.TEXT, top_k=5))
    assert info.value.code is ErrorCode.RESOURCE_EXHAUSTED and "time limit" in info.value.message
    p.close()
    p = open_search(f"duckdb:///{tmp_path}/s.db")
    assert len(p.searchstore.get_search_store("c").retrieve("alpha", RetrieveOptions(mode=RetrieveMode.TEXT,
                                                                                       top_k=5))) == 5
    p.close()
