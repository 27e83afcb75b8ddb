"""`cozelite backup` with server providers says what it does: server areas are the servers' own job
(listed as not backed up), and a configuration with no local area writes nothing and fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.engines.s3_server import S3Server


def test_backup_in_server_mode_copies_the_local_search_and_names_the_server_areas(tmp_path: Path,
                                                                                  run_cli: Any) -> None:
    # No --lite: db, kv and blob on their servers (the defaults), mq in memory, and document search
    # on DuckDB (the server-mode default too): only the search file is local, so only it is copied.
    result = run_cli("backup", str(tmp_path / "bk"), "--mq-uri", "mem://", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    for area, scheme in (("db", "mysql"), ("kv", "redis"), ("blob", "s3")):
        assert f"{area}: not backed up: kept by the {scheme} server" in output, output
    assert "mq: not backed up: in memory" in output and "Traceback" not in output
    assert sorted(p.name for p in (tmp_path / "bk").iterdir()) == ["manifest.json", "search"]


def test_backup_copies_local_areas_and_names_the_server_ones(tmp_path: Path, run_cli: Any,
                                                             s3_server: S3Server) -> None:
    blob_uri = s3_server.uri("bk")
    result = run_cli("backup", str(tmp_path / "bk"), "--lite", cwd=tmp_path, BLOB_URI=blob_uri,
                     RETRIEVAL_URI="milvus://127.0.0.1:19530")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "blob: not backed up: kept by the s3 server" in out and "test:***@" in out and ":test@" not in out
    assert "search.retrieval: not backed up: kept by the milvus server" in out
    assert "mq: not backed up: in memory" in out
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert sorted(manifest["areas"]) == ["db", "kv", "search"]
    assert set(manifest["skipped"]) == {"mq", "blob", "search.retrieval"}
    assert not (tmp_path / "bk" / "blob").exists()


def test_backfill_names_its_providers_and_refuses_es_naming_duckdb(tmp_path: Path, run_cli: Any) -> None:
    result = run_cli("search", "backfill", "--table", "t", "--index", "i", "--lite", cwd=tmp_path,
                     SEARCH_URI="es://127.0.0.1:9200")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "search.uri 'es://127.0.0.1:9200'" in result.stderr and "duckdb:///" in result.stderr
    result = run_cli("search", "backfill", "--table", "t", "--index", "i", "--lite", cwd=tmp_path)
    first = result.stderr.splitlines()[0]
    assert first.startswith("backfill: rows of t from the db provider sqlite:///var/data/sqlite/app.db"), first
    assert "document search provider duckdb:///var/data/duckdb/search.db" in first
