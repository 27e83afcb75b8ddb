"""The duckdb opener and store behaviour beyond the contract: URI forms, parameters, directory
creation, the cross-process lock message, thread safety, BM25 parameters."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from providers.errors import ErrorCode, ProviderError
from providers.search import open_search
from providers.search.contract import Request, new_match_query
from providers.search.duckdb import DuckDBDriver


def test_relative_uri_creates_directories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open_search("duckdb:///var/data/duckdb/search.db") as p:
        p.ping()
    assert (tmp_path / "var/data/duckdb/search.db").exists()


def test_unusable_directory_names_the_path(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(ProviderError) as err:
        open_search(f"duckdb:///{tmp_path}/file/sub/search.db")
    assert err.value.code is ErrorCode.UNAVAILABLE
    assert str(tmp_path / "file") in err.value.message


@pytest.mark.parametrize(("uri", "fragment"), [
    ("duckdb://host/x.db", "not a host"),
    ("duckdb:///x.db?bm25_k1=abc", "not a number"),
    ("duckdb:///x.db?bm25_b=2", "bm25_b"),
    ("duckdb:///x.db?unknown=1", "unknown"),
])
def test_bad_uris(uri: str, fragment: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProviderError) as err:
        open_search(uri)
    assert err.value.code is ErrorCode.INVALID_ARGUMENT
    assert fragment in err.value.message


def test_unknown_keyword_option() -> None:
    with pytest.raises(ProviderError) as err:
        open_search("duckdb:///:memory:", colour="blue")
    assert err.value.code is ErrorCode.INVALID_ARGUMENT


def test_second_process_gets_a_clear_error(tmp_path: Path) -> None:
    uri = f"duckdb:///{tmp_path}/search.db"
    with open_search(uri):
        code = ("from providers.search import open_search\n"
                "from providers.errors import ProviderError\n"
                f"try:\n    open_search({uri!r})\nexcept ProviderError as e:\n    print(e.code.value, e.message)\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                             cwd=Path(__file__).parents[2])
    assert out.stdout.startswith("UNAVAILABLE"), out.stderr
    assert "in use by another process" in out.stdout
    assert "Traceback" not in out.stderr


def test_bm25_parameters_change_scores() -> None:
    scores = []
    for k1 in ("1.2", "2.0"):
        with open_search(f"duckdb:///:memory:?bm25_k1={k1}&bm25_b=0.5") as p:
            p.es.create("i", "1", {"t": "alpha beta beta"})
            p.es.create("i", "2", {"t": "alpha"})
            scores.append(p.es.search("i", Request(query=new_match_query("t", "beta"))).hits[0].score)
    assert scores[0] != scores[1]


def test_concurrent_writers_and_readers() -> None:
    p = open_search("duckdb:///:memory:")
    p.es.create_index("c", {})
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            for i in range(40):
                p.es.create("c", f"{w}-{i}", {"t": f"word{w} shared"})
        except BaseException as err:
            errors.append(err)

    def reader() -> None:
        try:
            for _ in range(40):
                p.es.search("c", Request(query=new_match_query("t", "shared")))
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(3)] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert p.es.search("c", Request(query=new_match_query("t", "shared"), size=0)).total == 120
    p.close()


def test_bm25_is_unchanged_by_postings_clustering() -> None:
    import random

    from tests.search import _reference as ref

    p = open_search("duckdb:///:memory:")
    driver = p.driver
    assert isinstance(driver, DuckDBDriver)
    driver.cluster_min_rows = 50  # re-cluster after every few writes
    rng = random.Random(3)
    words = "alpha beta gamma delta epsilon zeta eta theta 检索 数据".split()
    docs: dict[str, str] = {}

    def check(queries: tuple[str, ...]) -> None:
        for q in queries:
            expect = ref.bm25_scores(docs, q)
            got = {h.id: h.score for h in p.es.search("i", Request(query=new_match_query("t", q), size=500)).hits}
            assert got.keys() == expect.keys()
            for k, v in got.items():
                assert v == pytest.approx(expect[k], abs=1e-6)

    clusterings = []
    for i in range(120):
        docs[str(i)] = " ".join(rng.choice(words) for _ in range(rng.randint(1, 15)))
        p.es.create("i", str(i), {"t": docs[str(i)]})
        if i % 7 == 0 and i:
            victim = str(rng.randrange(i))
            if victim in docs:
                p.es.delete("i", victim)
                del docs[victim]
        if i == 49:
            # Writes leave the postings in write order: the clustering is the first document
            # search's, not the writers' (bm25.InvertedIndex.cluster).
            assert p.get_meta("postings_clustered") is None
        if i >= 49 and i % 10 == 9:
            check(("alpha", "gamma theta"))
            clusterings.append(int(p.get_meta("postings_clustered") or 0))
    # The first search clustered, and a later one again once the unordered tail had grown as
    # large as the ordered part.
    assert clusterings[0] > 0 and len(set(clusterings)) >= 2
    check(("alpha", "gamma theta", "检索数据", "zeta zeta beta"))
    p.close()
