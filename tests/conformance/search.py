"""The document-search conformance suite (`DocumentSearch`, Coze Studio's es.Client), run against
every search implementation, plus what outlives a provider (reopen) and the opener's parameters.

An implementation joins by adding an `Implementation` to IMPLEMENTATIONS (tests/conformance/_harness.py);
`test_every_scheme_is_covered` fails when a registered implementation has none. The retrieval suite
(retrieval.py) and the shared lifecycle suite (lifecycle.py: ping, close, backup, context manager)
run over the same IMPLEMENTATIONS. BM25 scores are checked against tests/search/_reference.py, an
independent computation on the same tokens.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from providers.errors import ErrorCode, ProviderError
from providers.search import SEARCH, SearchProvider, open_search
from providers.search.contract import (
    AND,
    OR,
    BulkIndexerItem,
    Request,
    SortField,
    new_bool_query,
    new_contains_query,
    new_equal_query,
    new_in_query,
    new_match_query,
    new_multi_match_query,
    new_not_exists_query,
)
from tests.conformance._harness import Bound, Implementation, covers, impl_fixture, implementations
from tests.search import _reference as ref

IMPLEMENTATIONS = implementations(
    # A backup is the store's one file: the lifecycle suite restores it as duckdb:///<file>.
    Implementation("duckdb", uri=lambda ctx: f"duckdb:///{ctx.tmp}/search/search.db"),
)

impl = impl_fixture(IMPLEMENTATIONS)


@pytest.fixture
def provider(impl: Bound) -> Iterator[SearchProvider]:
    p = open_search(impl.uri)
    yield p
    p.close()


@pytest.fixture
def es(provider: SearchProvider):
    t = provider.es.types()
    provider.es.create_index("res", {"name": t.new_text_property(), "desc": t.new_text_property(),
                                     "space_id": t.new_long_number_property(),
                                     "res_id": t.new_unsigned_long_number_property()})
    return provider.es


def ids(resp) -> list[str]:
    return [h.id for h in resp.hits]


def search(es, query, **kw):
    return es.search("res", Request(query=query, size=kw.pop("size", 100), **kw))


def test_every_scheme_is_covered() -> None:
    covers(IMPLEMENTATIONS, SEARCH.schemes(), lambda scheme: scheme)


# --- indices and documents -------------------------------------------------------------------------

def test_index_lifecycle(provider: SearchProvider) -> None:
    es = provider.es
    assert not es.exists("a")
    es.create_index("a", {"name": {"type": "text"}, "n": "long"})
    assert es.exists("a")
    with pytest.raises(ProviderError) as err:
        es.create_index("a", {})
    assert err.value.code is ErrorCode.ALREADY_EXISTS
    es.create("a", "1", {"name": "x"})
    es.delete_index("a")
    assert not es.exists("a")
    es.delete_index("a")  # missing: not an error (IgnoreUnavailable)
    es.create_index("a", {})
    assert search_all(es, "a") == []  # documents went with the index


def search_all(es, index: str) -> list[str]:
    return ids(es.search(index, Request(size=1000)))


def test_bad_property_type_and_names(provider: SearchProvider) -> None:
    with pytest.raises(ProviderError) as err:
        provider.es.create_index("a", {"name": {"type": "geo_point"}})
    assert err.value.code is ErrorCode.INVALID_ARGUMENT
    with pytest.raises(ProviderError) as err:
        provider.es.create_index('bad"name', {})
    assert err.value.code is ErrorCode.INVALID_ARGUMENT


def test_create_replaces_update_merges_delete(es) -> None:
    es.create("res", "1", {"name": "alpha", "space_id": 1})
    es.create("res", "1", {"name": "beta", "space_id": 2})
    [hit] = search(es, None).hits
    assert hit.source == {"name": "beta", "space_id": 2}
    es.update("res", "1", {"desc": "gamma"})
    [hit] = search(es, None).hits
    assert hit.source == {"name": "beta", "space_id": 2, "desc": "gamma"}
    assert ids(search(es, new_match_query("desc", "gamma"))) == ["1"]
    assert ids(search(es, new_match_query("name", "alpha"))) == []
    with pytest.raises(ProviderError) as err:
        es.update("res", "2", {"desc": "x"})
    assert err.value.code is ErrorCode.NOT_FOUND
    es.delete("res", "1")
    assert search_all(es, "res") == []
    assert ids(search(es, new_match_query("name", "beta"))) == []
    with pytest.raises(ProviderError) as err:
        es.delete("res", "1")
    assert err.value.code is ErrorCode.NOT_FOUND


def test_missing_index(provider: SearchProvider) -> None:
    for call in (lambda: provider.es.search("nope", Request()), lambda: provider.es.delete("nope", "1"),
                 lambda: provider.es.update("nope", "1", {"a": 1})):
        with pytest.raises(ProviderError) as err:
            call()
        assert err.value.code is ErrorCode.NOT_FOUND
    provider.es.create("auto", "1", {"title": "made on first write"})  # ES creates the index
    assert provider.es.exists("auto")
    assert ids(provider.es.search("auto", Request(query=new_match_query("title", "write")))) == ["1"]


def test_typed_properties_are_checked(es) -> None:
    for doc in ({"space_id": "abc"}, {"space_id": 1.5}, {"space_id": 2**63}, {"res_id": -1}, {"res_id": 2**64}):
        with pytest.raises(ProviderError) as err:
            es.create("res", "x", doc)
        assert err.value.code is ErrorCode.INVALID_ARGUMENT, doc
    es.create("res", "1", {"space_id": "42", "res_id": 2**64 - 1})  # numeric strings are coerced, as in ES
    assert ids(search(es, new_equal_query("space_id", 42))) == ["1"]
    assert ids(search(es, new_equal_query("res_id", 2**64 - 1))) == ["1"]


def test_json_text_body(es) -> None:
    es.create("res", "1", '{"name": "from json text"}')
    assert ids(search(es, new_match_query("name", "json"))) == ["1"]
    with pytest.raises(ProviderError) as err:
        es.create("res", "2", "[1, 2]")
    assert err.value.code is ErrorCode.INVALID_ARGUMENT


# --- query kinds ---------------------------------------------------------------------------------

@pytest.fixture
def corpus(es):
    docs = {
        "1": {"name": "DuckDB full text search", "desc": "inverted index with BM25", "space_id": 1, "status": "on"},
        "2": {"name": "Vector search", "desc": "cosine similarity over embeddings", "space_id": 1, "status": None},
        "3": {"name": "Knowledge base", "desc": "retrieval for agents", "space_id": 2, "status": "off"},
        "4": {"name": "全文检索", "desc": "中文文档的检索", "space_id": 3},
        "5": {"name": "Searching searches", "desc": "stemming folds searching and searched", "space_id": 2},
    }
    for doc_id, doc in docs.items():
        es.create("res", doc_id, doc)
    return docs


def test_equal_and_in(es, corpus) -> None:
    assert sorted(ids(search(es, new_equal_query("space_id", 1)))) == ["1", "2"]
    assert ids(search(es, new_equal_query("status", "off"))) == ["3"]
    assert ids(search(es, new_equal_query("status", "OFF"))) == []  # exact, like a term query
    assert sorted(ids(search(es, new_in_query("space_id", [2, 3])))) == ["3", "4", "5"]
    assert sorted(ids(search(es, new_in_query("status", ["on", "off"])))) == ["1", "3"]
    assert ids(search(es, new_in_query("space_id", []))) == []
    assert [h.score for h in search(es, new_equal_query("space_id", 1)).hits] == [1.0, 1.0]


def test_contains_is_case_insensitive_substring(es, corpus) -> None:
    assert sorted(ids(search(es, new_contains_query("name", "SEARCH")))) == ["1", "2", "5"]
    assert ids(search(es, new_contains_query("name", "uckD"))) == ["1"]
    assert ids(search(es, new_contains_query("name", "文检"))) == ["4"]
    assert ids(search(es, new_contains_query("name", "%"))) == []  # no pattern characters


def test_not_exists(es, corpus) -> None:
    assert sorted(ids(search(es, new_not_exists_query("status")))) == ["2", "4", "5"]  # null counts as missing
    assert ids(search(es, new_not_exists_query("name"))) == []


def test_match_analyses_text(es, corpus) -> None:
    assert sorted(ids(search(es, new_match_query("name", "SEARCH")))) == ["1", "2", "5"]  # case folded, stemmed
    assert ids(search(es, new_match_query("desc", "searched"))) == ["5"]
    assert ids(search(es, new_match_query("name", "检索"))) == ["4"]  # CJK bigrams
    assert ids(search(es, new_match_query("desc", "文档"))) == ["4"]
    assert ids(search(es, new_match_query("name", "nothing-here"))) == []
    assert ids(search(es, new_match_query("name", "  "))) == []
    assert ids(search(es, new_match_query("space_id", 2))) != []  # match on a number field is a term query


def test_multi_match_best_fields_and_operator(es, corpus) -> None:
    q_or = new_multi_match_query(["name", "desc"], "vector index", "best_fields", OR)
    assert sorted(ids(search(es, q_or))) == ["1", "2"]
    q_and = new_multi_match_query(["name", "desc"], "inverted index", "best_fields", AND)
    assert ids(search(es, q_and)) == ["1"]
    # AND needs every term in one field: "duckdb" is in name, "bm25" in desc.
    assert ids(search(es, new_multi_match_query(["name", "desc"], "duckdb bm25", "best_fields", AND))) == []
    # best_fields scores with the best field, not the sum.
    docs = {k: f"{v['name']}" for k, v in corpus.items()}
    descs = {k: f"{v['desc']}" for k, v in corpus.items()}
    expect: dict[str, float] = {}
    for field_docs in (docs, descs):
        for k, s in ref.bm25_scores(field_docs, "vector index").items():
            expect[k] = max(expect.get(k, 0.0), s)
    got = {h.id: h.score for h in search(es, q_or).hits}
    assert got.keys() == expect.keys()
    for k in got:
        assert got[k] == pytest.approx(expect[k], abs=1e-6)


def test_bool_clauses(es, corpus) -> None:
    q = new_bool_query(must=[new_match_query("name", "search")], filter=[new_equal_query("space_id", 1)],
                       must_not=[new_equal_query("status", "on")])
    assert ids(search(es, q)) == ["2"]
    # should alone: at least one must match
    q = new_bool_query(should=[new_equal_query("space_id", 3), new_equal_query("status", "off")])
    assert sorted(ids(search(es, q))) == ["3", "4"]
    # with a filter, should is optional unless minimum_should_match says otherwise
    q = new_bool_query(filter=[new_in_query("space_id", [1, 2])], should=[new_match_query("name", "vector")])
    assert sorted(ids(search(es, q))) == ["1", "2", "3", "5"]
    assert ids(search(es, q))[0] == "2"  # the should clause lifts its score
    q = new_bool_query(filter=[new_in_query("space_id", [1, 2])], should=[new_match_query("name", "vector"),
                       new_match_query("desc", "cosine")], minimum_should_match=2)
    assert ids(search(es, q)) == ["2"]
    # filter does not score, must does
    only_filter = search(es, new_bool_query(filter=[new_equal_query("space_id", 2)]))
    assert {h.score for h in only_filter.hits} == {0.0}
    nested = new_bool_query(must=[new_bool_query(should=[new_equal_query("space_id", 3),
                                                         new_match_query("name", "knowledge")])],
                            must_not=[new_not_exists_query("desc")])
    assert sorted(ids(search(es, nested))) == ["3", "4"]
    assert sorted(ids(search(es, new_bool_query()))) == ["1", "2", "3", "4", "5"]  # empty bool: match_all


def test_sort_paging_total_and_search_after(es) -> None:
    for i in range(25):
        es.create("res", f"d{i:02d}", {"name": "common term", "space_id": i % 5, "rank": 100 - i})
    resp = es.search("res", Request(query=new_match_query("name", "common"), size=10,
                                    sort=[SortField("space_id", True), SortField("rank", False)]))
    assert resp.total == 25
    assert len(resp.hits) == 10
    assert all(h.score is None for h in resp.hits)
    keys = [(h.source["space_id"], -h.source["rank"]) for h in resp.hits]
    assert keys == sorted(keys)
    page2 = es.search("res", Request(query=new_match_query("name", "common"), size=10, from_=10,
                                     sort=[SortField("space_id", True), SortField("rank", False)]))
    assert page2.total == 25
    assert not {h.id for h in page2.hits} & {h.id for h in resp.hits}
    after = es.search("res", Request(query=new_match_query("name", "common"), size=10,
                                     sort=[SortField("space_id", True), SortField("rank", False)],
                                     search_after=resp.hits[-1].sort))
    assert ids(after) == ids(page2)
    everything = []
    last = None
    while True:
        r = es.search("res", Request(size=7, sort=[SortField("rank", True)], search_after=last or ()))
        if not r.hits:
            break
        everything += ids(r)
        last = r.hits[-1].sort
    assert everything == [f"d{i:02d}" for i in range(24, -1, -1)]
    assert es.search("res", Request(size=0)).total == 25
    missing_last = es.search("res", Request(size=100, sort=[SortField("nope", False)]))
    assert missing_last.total == 25


def test_min_score_and_max_score(es, corpus) -> None:
    all_hits = search(es, new_match_query("desc", "retrieval index searching"))
    assert all_hits.max_score == max(h.score for h in all_hits.hits)
    cut = sorted(h.score for h in all_hits.hits)[1]
    kept = search(es, new_match_query("desc", "retrieval index searching"), min_score=cut)
    assert {h.id for h in kept.hits} == {h.id for h in all_hits.hits if h.score >= cut}
    assert kept.total == len(kept.hits)


def test_delete_by_query(es, corpus) -> None:
    assert es.delete_by_query("res", new_equal_query("space_id", 2)) == 2
    assert sorted(search_all(es, "res")) == ["1", "2", "4"]
    assert ids(search(es, new_match_query("name", "knowledge"))) == []


def test_bulk_indexer(es) -> None:
    bi = es.new_bulk_indexer("res")
    for i in range(2500):  # more than one internal batch
        bi.add(BulkIndexerItem("index", str(i), {"name": f"bulk item {i}", "space_id": i % 3}))
    bi.add(BulkIndexerItem("update", "7", {"desc": "patched"}))
    bi.add(BulkIndexerItem("delete", "8"))
    bi.add(BulkIndexerItem("create", "9", {"name": "dup"}))            # exists: fails alone
    bi.add(BulkIndexerItem("update", "no-such", {"name": "x"}))        # missing: fails alone
    bi.add(BulkIndexerItem("index", "bad", {"space_id": "not a number"}))
    with pytest.raises(ProviderError) as err:
        bi.close()
    assert "3 bulk item(s) failed" in err.value.message
    assert es.search("res", Request(size=0)).total == 2499
    assert ids(search(es, new_match_query("desc", "patched"))) == ["7"]
    assert ids(search(es, new_equal_query("name", "dup"))) == []
    assert ids(search(es, new_match_query("name", "2499"))) == ["2499"]
    with es.new_bulk_indexer("res") as bi2:
        bi2.add(BulkIndexerItem("delete", "1"))
    assert es.search("res", Request(size=0)).total == 2498


# --- BM25 -------------------------------------------------------------------------------------------

WORDS = ("search engine index query vector cosine ranking token stem running runs ran document field "
         "score duck lake river mountain 数据 检索 向量 文档 知识 库 搜索 引擎").split()


def _random_text(rng: random.Random) -> str:
    n = rng.randint(0, 30)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def test_bm25_agrees_with_reference(es) -> None:
    rng = random.Random(7)
    docs = {str(i): _random_text(rng) for i in range(300)}
    bi = es.new_bulk_indexer("res")
    for doc_id, text in docs.items():
        bi.add(BulkIndexerItem("index", doc_id, {"name": text}))
    bi.close()
    queries = ["search", "running ranking", "检索 向量", "数据库 搜索引擎", "duck duck lake", "Mountain RIVER stem",
               "nothing", "知识库"]
    compared = 0
    for q in queries:
        expect = ref.bm25_scores(docs, q)
        got = {h.id: h.score for h in search(es, new_match_query("name", q), size=1000).hits}
        assert got.keys() == expect.keys(), q
        for k, v in got.items():
            assert v == pytest.approx(expect[k], abs=1e-6), (q, k)
            compared += 1
    assert compared > 500
    # incremental: deletes and updates change N, df and avgdl at once
    for doc_id in list(docs)[:60]:
        es.delete("res", doc_id)
        del docs[doc_id]
    for doc_id in list(docs)[:40]:
        docs[doc_id] = _random_text(rng) + " search"
        es.update("res", doc_id, {"name": docs[doc_id]})
    for q in queries:
        expect = ref.bm25_scores(docs, q)
        got = {h.id: h.score for h in search(es, new_match_query("name", q), size=1000).hits}
        assert got.keys() == expect.keys(), q
        for k, v in got.items():
            assert v == pytest.approx(expect[k], abs=1e-6), (q, k)
    top = search(es, new_match_query("name", "search"), size=5).hits
    assert [h.score for h in top] == sorted((h.score for h in top), reverse=True)


# --- what outlives a provider ---------------------------------------------------------------------
# ping, close (idempotent, FAILED_PRECONDITION after), the context manager and backup/restore are
# the shared lifecycle suite's (tests/conformance/lifecycle.py), run over IMPLEMENTATIONS.

def test_data_survives_close_and_reopen(impl: Bound) -> None:
    p = open_search(impl.uri)
    p.es.create("keep", "1", {"name": "durable text"})
    p.close()
    with open_search(impl.uri) as again:
        assert ids(again.es.search("keep", Request(query=new_match_query("name", "durable")))) == ["1"]


def test_opener_rejects_unknown_parameters(impl: Bound) -> None:
    with pytest.raises(ProviderError) as err:
        open_search(impl.uri + "?colour=blue")
    assert err.value.code is ErrorCode.INVALID_ARGUMENT
    assert "colour" in err.value.message
