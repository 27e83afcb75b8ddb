"""Server mode configuration: es:// and nsq:// refused naming what to use instead, every misconfigured
area reported in one run, retrieval on its own provider beside document search, and `config show`
naming the provider that serves each area."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cozelite.cli import cli
from cozelite.config import ConfigError, load_config
from cozelite.wiring import check_schemes, open_providers
from providers.search.contract import CreateRequest, Document, Field, FieldType, RetrieveOptions


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_es_is_refused_naming_duckdb_and_milvus() -> None:
    config = load_config(env={"SEARCH_URI": "es://elastic:pw@127.0.0.1:9200"}, lite=True)
    with pytest.raises(ConfigError) as info:
        check_schemes(config)
    message = str(info.value)
    assert "search.uri 'es://elastic:***@127.0.0.1:9200'" in message and "pw" not in message
    assert "duckdb:///" in message and "RETRIEVAL_URI=milvus://" in message


def test_nsq_is_refused_naming_nats() -> None:
    config = load_config(env={"MQ_URI": "nsq://127.0.0.1:4150"}, lite=True)
    with pytest.raises(ConfigError, match=r"nsq.*nats://"):
        check_schemes(config)


def test_every_misconfigured_area_is_reported_in_one_run(tmp_path: Path, run_cli: Any) -> None:
    result = run_cli("serve", "--port", "1", "--kv-uri", "lmdb:///var/data/kv", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    # kv is fine, and so is search (DuckDB, the default for documents in server mode too); the db, mq
    # and blob servers of the defaults are not running here: each is one line of the same error.
    for needle in ("cannot open db provider 'mysql://", "cannot open mq provider 'nats://",
                   "cannot open blob provider 's3://"):
        assert needle in result.stderr, result.stderr
    assert "kv.uri" not in result.stderr and "search" not in result.stderr
    assert "provider settings cannot start" in result.stderr


def test_every_area_that_cannot_open_is_reported_and_the_rest_closed(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    config = load_config(env={"KV_URI": f"lmdb:///{blocker}/kv", "BLOB_URI": f"file:///{blocker}/blob",
                              "SEARCH_URI": "duckdb:///:memory:"}, lite=True)
    with pytest.raises(ConfigError) as info:
        open_providers(config, areas=("db", "kv", "search", "blob"))
    message = str(info.value)
    assert "cannot open kv provider" in message and "cannot open blob provider" in message
    assert "2 provider settings cannot start" in message
    # The db opened before the failures and was closed again: its file can be reopened at once.
    with open_providers(load_config(env={}, lite=True), areas=("db",)).opened["db"]:
        pass


def test_retrieval_on_its_own_provider_beside_document_search(tmp_path: Path) -> None:
    config = load_config(env={"SEARCH_URI": f"duckdb:///{tmp_path}/docs.db",
                              "RETRIEVAL_URI": f"duckdb:///{tmp_path}/vectors.db"}, lite=True)
    assert config.retrieval is not None and config.retrieval.source == "env"
    providers = open_providers(config, areas=("search",))
    try:
        search = providers["search"]
        assert providers.scheme("search") == "duckdb+duckdb" and search.implementation == "duckdb+duckdb"
        search.ping()
        search.es.create("docs", "1", {"title": "hello"})
        search.searchstore.create(CreateRequest("kb", [Field("id", FieldType.INT64, is_primary=True),
                                                       Field("text_content", FieldType.TEXT, indexing=True, dim=2)]))
        search.searchstore.get_search_store("kb").store([Document(id="1", content="hi", dense_vector=[1.0, 0.0])])
        got = search.searchstore.get_search_store("kb").retrieve("", RetrieveOptions(query_vector=[1.0, 0.0]))
        assert [d.id for d in got] == ["1"]
    finally:
        assert providers.close() == []
    # Each half went to its own store.
    from providers.search import open_search

    with open_search(f"duckdb:///{tmp_path}/docs.db") as docs:
        assert docs.es.exists("docs") and docs.searchstore.list_collections() == []
    with open_search(f"duckdb:///{tmp_path}/vectors.db") as vectors:
        assert vectors.searchstore.list_collections() == ["kb"] and not vectors.es.exists("docs")


def test_a_bad_retrieval_uri_is_reported_with_the_other_problems() -> None:
    config = load_config(env={"MQ_URI": "nsq://h:4150"}, lite=True, retrieval="vespa://h:8080")
    with pytest.raises(ConfigError) as info:
        check_schemes(config)
    assert "search.retrieval_uri 'vespa://h:8080' (from flag)" in str(info.value)
    assert "mq.uri 'nsq://h:4150'" in str(info.value)


def test_config_show_names_the_provider_of_each_area(tmp_path: Path) -> None:
    (tmp_path / "cozelite.toml").write_text('[search]\nuri = "duckdb:///d.db"\nretrieval_uri = "milvus://m:19530"\n')
    result = CliRunner().invoke(cli, ["config", "show", "--lite"], env={"COZE_LITE": None, "RETRIEVAL_URI": None})
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if not line.startswith("#")}
    assert "milvus://m:19530" in lines["search.retrieval_uri"] and "[file (cozelite.toml)]" in lines[
        "search.retrieval_uri"]
    served = {line.split()[1]: line.split()[2] for line in result.output.splitlines()
              if line.startswith("# ") and len(line.split()) >= 3}
    assert served["search.documents"] == "duckdb" and served["search.retrieval"] == "milvus"
    assert served["db"] == "sqlite" and served["blob"] == "file"
    refused = CliRunner().invoke(cli, ["config", "show"], env={"COZE_LITE": None, "SEARCH_URI": "es://h:9200"})
    assert "search.documents  es  (not available" in refused.output


def test_bad_retrieval_keys_in_the_file(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text('[search]\nretrieval_uri = 3\n')
    with pytest.raises(ConfigError, match=r"search\.retrieval_uri must be a string"):
        load_config(config_file=tmp_path / "c.toml", env={})
    (tmp_path / "c.toml").write_text('[kv]\nretrieval_uri = "milvus://h"\n')
    with pytest.raises(ConfigError, match=r"kv\.retrieval_uri"):
        load_config(config_file=tmp_path / "c.toml", env={})
