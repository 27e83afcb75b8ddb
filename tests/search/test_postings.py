"""BM25 from memory (providers/search/postings.py): the same ranking and scores as the SQL path
(bm25.py) and the plain-Python reference, through writes, updates, deletes, compaction, filters and
rolled-back transactions."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from providers.search import open_search
from providers.search.analysis import analyze, term_frequencies
from providers.search.contract import (
    CreateRequest,
    Document,
    Field,
    FieldType,
    MultiMatch,
    RetrieveMode,
    RetrieveOptions,
)
from providers.search.duckdb import DuckDBDriver
from providers.search.postings import SpacePostings
from tests.search import _reference as ref

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa 检索 数据 running runs".split()


def text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))


def ranked(scores: dict[str, float], k: int) -> list[tuple[int, float]]:
    return sorted(((int(i), s) for i, s in scores.items()), key=lambda p: (-p[1], p[0]))[:k]


def same(got: list[tuple[int, float]], expect: list[tuple[int, float]]) -> None:
    assert [i for i, _ in got] == [i for i, _ in expect]
    assert [s for _, s in got] == pytest.approx([s for _, s in expect], rel=1e-9, abs=1e-12)


QUERIES = ("alpha", "gamma theta", "检索数据", "zeta zeta beta", "run", "nothing", "kappa iota eta alpha")


def test_memory_matches_sql_and_reference_through_writes(tmp_path: Path) -> None:
    p = open_search(f"duckdb:///{tmp_path}/s.db")
    driver = p.driver
    assert isinstance(driver, DuckDBDriver)
    p.searchstore.create(CreateRequest("c", [Field("text_content", FieldType.TEXT, indexing=True)]))
    store = p.searchstore.get_search_store("c")
    rng = random.Random(5)
    docs: dict[str, str] = {}
    for start in range(0, 300, 50):
        batch = {str(i): text(rng) for i in range(start, start + 50)}
        store.store([Document(i, t, 1) for i, t in batch.items()])
        docs.update(batch)
    inverted = driver.inverted
    sql_only = inverted.memory.max_postings

    def both(q: str, **kw: object) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        opts = RetrieveOptions(mode=RetrieveMode.TEXT, top_k=40, **kw)  # type: ignore[arg-type]
        memory = [(int(d.id), d.score or 0.0) for d in store.retrieve(q, opts)]
        assert inverted.memory.loaded(space) is not None or not analyze(q)
        inverted.memory.max_postings, budget = 0, inverted.memory.max_postings
        inverted.memory.forget()
        sql = [(int(d.id), d.score or 0.0) for d in store.retrieve(q, opts)]
        inverted.memory.max_postings = budget
        return memory, sql

    def check() -> None:
        for q in QUERIES:
            memory, sql = both(q)
            same(memory, sql)
            same(memory, ranked(ref.bm25_scores(docs, q), 40))
        # Keep the memory loaded across the following writes: they must reach it.
        store.retrieve("alpha", RetrieveOptions(mode=RetrieveMode.TEXT))
        assert inverted.memory.loaded(space) is not None

    space = driver.retrieval._coll("c").space
    check()
    # Updates (new text for existing ids), new documents and deletes follow the loaded memory.
    for i in rng.sample(sorted(docs), 40):
        docs[i] = text(rng)
        store.store([Document(i, docs[i], 1)])
    fresh = {str(i): text(rng) for i in range(300, 320)}
    store.store([Document(i, t, 1) for i, t in fresh.items()])
    docs.update(fresh)
    victims = rng.sample(sorted(docs), 60)
    store.delete(victims)
    for v in victims:
        docs.pop(v)
    assert sql_only == inverted.memory.max_postings
    check()
    # A rolled-back write never reaches memory.
    with pytest.raises(RuntimeError), driver.transaction():
        store.store([Document("5000", "alpha alpha alpha", 1)])
        raise RuntimeError("roll back")
    check()
    # Filters: the memory path scores, the table says which ids pass.
    store.store([Document("7000", "alpha beta", 1)], partition="other")
    docs["7000"] = "alpha beta"
    memory, sql = both("alpha beta", partitions=["other"])
    same(memory, sql)
    assert [i for i, _ in memory] == [7000]
    p.close()


def test_space_postings_compaction_and_and_operator() -> None:
    rng = random.Random(9)
    docs = {str(i): text(rng) for i in range(400)}
    space = SpacePostings()

    def index(items: dict[str, str]) -> None:
        rows = []
        for d, t in items.items():
            counts, length = term_frequencies(t)
            if length:
                rows.append((d, "f", counts, length))
        space.add(rows)

    index(docs)
    gone = rng.sample(sorted(docs), 150)
    space.delete(gone)
    for g in gone:
        docs.pop(g)
    space._compact()
    assert space.dead == 0 and space.size == len(docs)
    index({"900": "alpha gamma", "901": "gamma"})
    docs.update({"900": "alpha gamma", "901": "gamma"})
    for q in QUERIES:
        terms = Counter(analyze(q))
        got = space.top_k(["f"], terms, 1, 1.2, 0.75, 1000)
        same(got, ranked(ref.bm25_scores(docs, q), 1000))
        if len(terms) > 1:  # AND: only documents holding every term
            every = {d for d, t in docs.items() if set(terms) <= set(analyze(t))}
            expect = {d: s for d, s in ref.bm25_scores(docs, q).items() if d in every}
            same(space.top_k(["f"], terms, len(terms), 1.2, 0.75, 1000), ranked(expect, 1000))


def test_multi_match_best_field() -> None:
    p = open_search("duckdb:///:memory:")
    p.searchstore.create(CreateRequest("m", [Field("text_content", FieldType.TEXT, indexing=True),
                                             Field("title", FieldType.TEXT, indexing=True)]))
    store = p.searchstore.get_search_store("m")
    rng = random.Random(4)
    rows = [(str(i), text(rng), text(rng)) for i in range(80)]
    store.store([Document(i, body, 1, external={"title": title}) for i, body, title in rows])
    driver = p.driver
    assert isinstance(driver, DuckDBDriver)
    opts = RetrieveOptions(mode=RetrieveMode.TEXT, top_k=30,
                           multi_match=MultiMatch(("text_content", "title"), "alpha theta"))
    memory = [(int(d.id), d.score or 0.0) for d in store.retrieve("", opts)]
    driver.inverted.memory.max_postings = 0
    driver.inverted.memory.forget()
    sql = [(int(d.id), d.score or 0.0) for d in store.retrieve("", opts)]
    body = ref.bm25_scores({i: b for i, b, _ in rows}, "alpha theta")
    title = ref.bm25_scores({i: t for i, _, t in rows}, "alpha theta")
    best = {d: max(body.get(d, float("-inf")), title.get(d, float("-inf"))) for d in {*body, *title}}
    same(memory, sql)
    same(memory, ranked(best, 30))
    p.close()


@pytest.mark.parametrize("extra", ["", "\x1f", "\x1f\x1e\x1d\x1c", "\x1f\x1e\x1d\x1c\x00"])
def test_texts_holding_the_packing_separators_round_trip(extra: str) -> None:
    # Strings enter DuckDB packed into one parameter (connection.packed) unless every separator
    # occurs in them; either way the stored text, the terms and the scores are the same.
    p = open_search("duckdb:///:memory:")
    p.searchstore.create(CreateRequest("s", [Field("text_content", FieldType.TEXT, indexing=True)]))
    store = p.searchstore.get_search_store("s")
    docs = {"1": f"alpha{extra}beta", "2": "beta gamma", "3": f"{extra}", "4": "数据 alpha"}
    store.store([Document(i, t, 1) for i, t in docs.items()])
    got = {d.id: d for d in store.retrieve("alpha beta", RetrieveOptions(mode=RetrieveMode.TEXT, top_k=10))}
    expect = ref.bm25_scores(docs, "alpha beta")
    assert {i: d.score for i, d in got.items()} == pytest.approx(expect, rel=1e-9)
    assert {i: d.content for i, d in got.items()} == {i: docs[i] for i in expect}
    p.close()
