"""The retrieval conformance suite (`RetrievalManager` / `SearchStore`, Coze Studio's searchstore),
run against every search implementation.

Vector results are compared with a numpy brute force and text scores with an independent BM25
(tests/search/_reference.py); hybrid results with reciprocal rank fusion of the two rankings.
It runs over the search implementations the document-search suite declares (search.py) and the
retrieval-only ones declared here (Milvus Lite: the same pymilvus client API as a Milvus server).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from providers.errors import ErrorCode, ProviderError
from providers.search import RETRIEVAL, SEARCH, SearchProvider, open_retrieval
from providers.search.contract import (
    DSL,
    CreateRequest,
    Document,
    Field,
    FieldType,
    MultiMatch,
    Op,
    RetrieveMode,
    RetrieveOptions,
    SearchStore,
)
from tests.conformance._harness import Bound, Implementation, covers, impl_fixture, implementations, require
from tests.conformance.search import IMPLEMENTATIONS as SEARCH_IMPLEMENTATIONS
from tests.netutil import free_port
from tests.search import _reference as ref

DIM = 32

IMPLEMENTATIONS = implementations(
    *SEARCH_IMPLEMENTATIONS.values(),
    Implementation(
        "milvus",
        # Milvus Lite in a fresh file per test; milvus://host:port reaches a server with the same client.
        uri=lambda ctx: f"milvus:///{ctx.tmp}/retrieval.db",
        unsupported={
            "reference_bm25": "text retrieval is Milvus's own BM25 over its standard analyzer (no stemming, no CJK "
                              "bigrams, its own idf): the matches and scores are Milvus's, not the contract's "
                              "reference BM25 (vector and hybrid fusion are checked)",
        },
    ),
)

impl = impl_fixture(IMPLEMENTATIONS)


@pytest.fixture
def provider(impl: Bound) -> Iterator[SearchProvider]:
    p = open_retrieval(impl.uri)
    yield p
    p.close()


def score(doc: Document) -> float:
    assert doc.score is not None, doc
    return doc.score


def fields() -> list[Field]:
    return [Field("id", FieldType.INT64, is_primary=True),
            Field("creator_id", FieldType.INT64),
            Field("text_content", FieldType.TEXT, indexing=True, dim=DIM),
            Field("title", FieldType.TEXT, indexing=True, nullable=True),
            Field("document_id", FieldType.INT64, nullable=True),
            Field("tag", FieldType.TEXT, nullable=True)]


@pytest.fixture
def store(provider: SearchProvider) -> SearchStore:
    provider.searchstore.create(CreateRequest("kb", fields()))
    return provider.searchstore.get_search_store("kb")


WORDS = "agent plugin workflow knowledge prompt model token vector search 知识 检索 插件 工作流".split()


def make_docs(n: int, seed: int = 1) -> tuple[list[Document], np.ndarray]:
    rng = random.Random(seed)
    mat = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    docs = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
        docs.append(Document(id=str(1000 + i), content=text, creator_id=i % 4, dense_vector=mat[i],
                             external={"document_id": i % 10, "tag": rng.choice(["a", "b", "c"]),
                                       "title": f"title {rng.choice(WORDS)}"}))
    return docs, mat


def test_every_scheme_is_covered() -> None:
    covers(IMPLEMENTATIONS, SEARCH)
    covers(IMPLEMENTATIONS, RETRIEVAL)


def test_collection_lifecycle(provider: SearchProvider) -> None:
    m = provider.searchstore
    with pytest.raises(ProviderError) as err:
        m.get_search_store("kb")
    assert err.value.code is ErrorCode.NOT_FOUND
    m.create(CreateRequest("kb", fields()))
    m.create(CreateRequest("kb", fields()))  # same fields: no-op
    with pytest.raises(ProviderError) as err:
        m.create(CreateRequest("kb", fields()[:3]))
    assert err.value.code is ErrorCode.ALREADY_EXISTS
    st = m.get_search_store("kb")
    st.store(make_docs(3)[0])
    m.drop("kb")
    m.drop("kb")  # missing: not an error
    with pytest.raises(ProviderError) as err:
        m.get_search_store("kb")
    assert err.value.code is ErrorCode.NOT_FOUND
    m.create(CreateRequest("kb", fields()))
    assert m.get_search_store("kb").retrieve("agent", RetrieveOptions(mode=RetrieveMode.TEXT)) == []
    assert m.get_type().value in ("vector", "text")


def test_bad_fields(provider: SearchProvider) -> None:
    for bad in ([Field("v", FieldType.DENSE_VECTOR)],                       # no dim
                [Field("bad name", FieldType.TEXT)],
                [Field("a", FieldType.TEXT), Field("a", FieldType.INT64)]):
        with pytest.raises(ProviderError) as err:
            provider.searchstore.create(CreateRequest("x", bad))
        assert err.value.code is ErrorCode.INVALID_ARGUMENT, bad
    with pytest.raises(ProviderError) as err:
        provider.searchstore.create(CreateRequest("x", [Field("s", FieldType.SPARSE_VECTOR)]))
    assert err.value.code is ErrorCode.UNIMPLEMENTED


def test_store_validates(store: SearchStore) -> None:
    good = make_docs(1)[0][0]
    cases = [Document(id="x", content="a", dense_vector=good.dense_vector),                 # id not int64
             Document(id="1", content="a", dense_vector=[0.0] * (DIM - 1)),                 # wrong dim
             Document(id="1", content="a"),                                                 # no vector
             Document(id="1", content="a", dense_vector=good.dense_vector, external={"nope": 1}),
             Document(id="1", content="a", dense_vector=good.dense_vector, external={"document_id": "x"}),
             Document(id="1", content="a", dense_vector=[float("nan")] * DIM)]
    for doc in cases:
        with pytest.raises(ProviderError) as err:
            store.store([doc])
        assert err.value.code is ErrorCode.INVALID_ARGUMENT, doc
    assert store.retrieve("a", RetrieveOptions(mode=RetrieveMode.TEXT)) == []  # nothing half-written


def test_vector_top_k_equals_brute_force(store: SearchStore) -> None:
    docs, mat = make_docs(1500)
    assert store.store(docs[:700]) == [d.id for d in docs[:700]]
    store.store(docs[700:])
    ids = [int(d.id) for d in docs]
    rng = np.random.default_rng(5)
    for _ in range(20):
        q = rng.standard_normal(DIM).astype(np.float32)
        expect = ref.cosine_top_k(mat, ids, q, 10)
        got = store.retrieve("", RetrieveOptions(query_vector=q, top_k=10, exact=True))
        assert len(got) == 10
        for (eid, escore), doc in zip(expect, got, strict=True):
            assert doc.score == pytest.approx(escore, abs=1e-5)
            if int(doc.id) != eid:  # only a float32 near-tie may swap neighbours
                assert abs(escore - score(doc)) < 1e-5
        assert {int(d.id) for d in got} == {e for e, _ in expect} or \
            abs(expect[-1][1] - ref.cosine_top_k(mat, ids, q, 11)[-1][1]) < 1e-5
    # the document round-trips
    one = store.retrieve("", RetrieveOptions(query_vector=mat[3], top_k=1))[0]
    assert one.id == docs[3].id
    assert one.content == docs[3].content
    assert one.creator_id == docs[3].creator_id
    assert one.external["document_id"] == docs[3].external["document_id"]
    assert one.external["tag"] == docs[3].external["tag"]


def test_partitions_and_dsl_filters(store: SearchStore) -> None:
    docs, mat = make_docs(300)
    store.store(docs[:100], partition="p1")
    store.store(docs[100:200], partition="p2")
    store.store(docs[200:])
    q = mat[150]
    got = store.retrieve("", RetrieveOptions(query_vector=q, top_k=500, partitions=["p1"]))
    assert {d.id for d in got} == {d.id for d in docs[:100]}
    got = store.retrieve("", RetrieveOptions(query_vector=q, top_k=500, partitions=["p1", "p2"]))
    assert len(got) == 200
    assert got[0].id == docs[150].id
    by = {d.id: d for d in docs}

    def check(dsl: DSL, pred: Callable[[Document], bool], mode: RetrieveMode = RetrieveMode.VECTOR) -> None:
        res = store.retrieve("agent plugin", RetrieveOptions(query_vector=q, top_k=1000, dsl=dsl, mode=mode))
        assert res
        assert all(pred(by[d.id]) for d in res)
        if mode is RetrieveMode.VECTOR:
            assert len(res) == sum(1 for d in docs if pred(d))

    check(DSL(Op.EQ, "creator_id", 2), lambda d: d.creator_id == 2)
    check(DSL(Op.NE, "tag", "a"), lambda d: d.external["tag"] != "a")
    check(DSL(Op.IN, "document_id", [1, 3, 5]), lambda d: d.external["document_id"] in (1, 3, 5))
    check(DSL(Op.LIKE, "title", "title a%"), lambda d: d.external["title"].startswith("title a"))
    check(DSL(Op.AND, value=[DSL(Op.EQ, "creator_id", 1), DSL(Op.EQ, "tag", "b")]),
          lambda d: d.creator_id == 1 and d.external["tag"] == "b")
    check(DSL(Op.OR, value=[DSL(Op.EQ, "creator_id", 1), DSL(Op.EQ, "tag", "b")]),
          lambda d: d.creator_id == 1 or d.external["tag"] == "b", RetrieveMode.TEXT)
    with pytest.raises(ProviderError) as err:
        store.retrieve("", RetrieveOptions(query_vector=q, dsl=DSL(Op.EQ, "no_such_field", 1)))
    assert err.value.code is ErrorCode.INVALID_ARGUMENT


def test_text_retrieval_is_bm25(impl: Bound, store: SearchStore) -> None:
    require(impl, "reference_bm25")
    docs, _ = make_docs(400, seed=3)
    store.store(docs)
    texts = {d.id: d.content for d in docs}
    for q in ["agent", "knowledge vector search", "知识检索", "插件 工作流 plugin", "Workflows"]:
        expect = ref.bm25_scores(texts, q)
        got = store.retrieve(q, RetrieveOptions(mode=RetrieveMode.TEXT, top_k=1000))
        assert {d.id for d in got} == set(expect), q
        for d in got:
            assert d.score == pytest.approx(expect[d.id], abs=1e-6)
        assert [d.score for d in got] == sorted((score(d) for d in got), reverse=True)
    titles = {d.id: d.external["title"] for d in docs}
    got = store.retrieve("", RetrieveOptions(mode=RetrieveMode.TEXT, top_k=1000,
                                             multi_match=MultiMatch(("title",), "prompt")))
    expect = ref.bm25_scores(titles, "prompt")
    assert {d.id: pytest.approx(d.score, abs=1e-6) for d in got} == expect


def test_hybrid_is_reciprocal_rank_fusion(store: SearchStore) -> None:
    docs, mat = make_docs(300, seed=4)
    store.store(docs)
    q = mat[7] + 0.5 * mat[8]
    k = 20
    by_vec = store.retrieve("", RetrieveOptions(query_vector=q, top_k=k))
    by_text = store.retrieve("agent workflow", RetrieveOptions(mode=RetrieveMode.TEXT, top_k=k))
    fused: dict[str, float] = {}
    for ranking in (by_vec, by_text):
        for rank, d in enumerate(ranking, start=1):
            fused[d.id] = fused.get(d.id, 0.0) + 1 / (60 + rank)
    expect = sorted(fused.items(), key=lambda kv: (-kv[1], int(kv[0])))[:k]
    got = store.retrieve("agent workflow", RetrieveOptions(query_vector=q, top_k=k, mode=RetrieveMode.HYBRID))
    assert [(d.id, pytest.approx(d.score, abs=1e-12)) for d in got] == expect
    with pytest.raises(ProviderError) as err:
        store.retrieve("agent", RetrieveOptions(mode=RetrieveMode.HYBRID))  # no query vector
    assert err.value.code is ErrorCode.INVALID_ARGUMENT


def test_upsert_delete_and_threshold(store: SearchStore) -> None:
    docs, mat = make_docs(50)
    store.store(docs)
    changed = Document(id=docs[0].id, content="completely different words", creator_id=9,
                       dense_vector=mat[1], external={"tag": "z"})
    store.store([changed])
    got = store.retrieve("different", RetrieveOptions(mode=RetrieveMode.TEXT))
    assert [d.id for d in got] == [docs[0].id]
    assert got[0].creator_id == 9
    assert got[0].external["document_id"] is None  # an upsert replaces the whole row
    assert store.retrieve(docs[0].content, RetrieveOptions(mode=RetrieveMode.TEXT, top_k=100,
                          dsl=DSL(Op.EQ, "creator_id", 0)))  # others still there
    store.delete([docs[0].id, docs[1].id, "999999"])  # unknown ids are ignored
    left = store.retrieve("", RetrieveOptions(query_vector=mat[1], top_k=100))
    assert len(left) == 48
    assert docs[1].id not in {d.id for d in left}
    assert store.retrieve("different", RetrieveOptions(mode=RetrieveMode.TEXT)) == []
    high = store.retrieve("", RetrieveOptions(query_vector=mat[5], top_k=100, score_threshold=0.5))
    assert high and all(score(d) >= 0.5 for d in high)
    assert high[0].id == docs[5].id


def test_collections_are_isolated(provider: SearchProvider) -> None:
    provider.searchstore.create(CreateRequest("a", fields()))
    provider.searchstore.create(CreateRequest("b", fields()))
    a = provider.searchstore.get_search_store("a")
    b = provider.searchstore.get_search_store("b")
    docs, mat = make_docs(20)
    a.store(docs[:10])
    b.store(docs[10:])
    assert {d.id for d in a.retrieve("", RetrieveOptions(query_vector=mat[15], top_k=100))} == \
        {d.id for d in docs[:10]}
    text_b = b.retrieve(" ".join(WORDS), RetrieveOptions(mode=RetrieveMode.TEXT, top_k=100))
    assert {d.id for d in text_b} <= {d.id for d in docs[10:]}
    provider.searchstore.drop("a")
    assert len(b.retrieve("", RetrieveOptions(query_vector=mat[15], top_k=100))) == 10


def test_text_retrieval_finds_exactly_the_documents_with_the_word(store: SearchStore) -> None:
    # What every BM25 keeps, whatever its analyzer: a plain lower-case ASCII word matches the
    # documents that contain it, and only those, best first.
    docs, _ = make_docs(200, seed=6)
    store.store(docs)
    for word in ("plugin", "vector"):
        expect = {d.id for d in docs if word in d.content.split()}
        got = store.retrieve(word, RetrieveOptions(mode=RetrieveMode.TEXT, top_k=1000))
        assert {d.id for d in got} == expect, word
        assert [d.score for d in got] == sorted((score(d) for d in got), reverse=True)
        assert all(score(d) > 0 for d in got)


def test_an_unreachable_retrieval_server_fails_open_clearly(impl: Bound) -> None:
    if impl.name != "milvus":
        pytest.skip(f"{impl.name} opens a local file: there is no server to be unreachable")
    port = free_port()
    with pytest.raises(ProviderError) as err:
        open_retrieval(f"milvus://root:secret@127.0.0.1:{port}?timeout=1")
    assert err.value.code is ErrorCode.UNAVAILABLE
    message = str(err.value)
    assert f"127.0.0.1:{port}" in message and "root:***@" in message and "secret" not in message
