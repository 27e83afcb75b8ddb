"""`cozelite backup` (offline and through a running server) and `cozelite restore` (offline only):
a backup restored elsewhere holds exactly the data that was backed up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cozelite.backup import BackupError, restore
from cozelite.config import load_config
from cozelite.datadir_lock import DataDirLock
from cozelite.wiring import open_providers
from providers.db.contract import Column, DataType, Index, IndexType, Table
from providers.search.contract import Request

AREAS = ("db", "kv", "search", "blob")  # every area with local data (mq is in memory)


def write_data(root: Path, tag: str, areas: tuple[str, ...] = AREAS) -> None:
    config = load_config(config_file=None, env={"DB_URI": f"sqlite:///{root}/var/data/sqlite/app.db",
                                                 "KV_URI": f"lmdb:///{root}/var/data/kv",
                                                 "BLOB_URI": f"file:///{root}/var/data/blob",
                                                 "SEARCH_URI": f"duckdb:///{root}/var/data/duckdb/search.db"},
                         lite=True)
    providers = open_providers(config, areas=areas)
    try:
        db = providers["db"]
        db.create_table(Table(name="notes", columns=[Column("id", DataType.INT), Column("body", DataType.TEXT)],
                              indexes=[Index("PRIMARY", IndexType.PRIMARY_KEY, ["id"])]))
        start = len(db.select_data("notes").result_set.rows)
        db.insert_data("notes", [{"id": start + i, "body": f"{tag}-{i}"} for i in range(50)])
        providers["kv"].set("greeting", tag.encode())
        providers["blob"].put("files/hello.txt", f"blob {tag}".encode(), content_type="text/plain")
        if "search" in areas:
            providers["search"].es.create("docs", tag, {"title": f"hello {tag}"})
    finally:
        providers.close()


def read_data(root: Path, areas: tuple[str, ...] = AREAS) -> dict[str, object]:
    config = load_config(env={"DB_URI": f"sqlite:///{root}/var/data/sqlite/app.db",
                              "KV_URI": f"lmdb:///{root}/var/data/kv",
                              "BLOB_URI": f"file:///{root}/var/data/blob",
                              "SEARCH_URI": f"duckdb:///{root}/var/data/duckdb/search.db"}, lite=True)
    providers = open_providers(config, areas=areas)
    try:
        rows = providers["db"].select_data("notes", fields=["id", "body"]).result_set.rows
        data: dict[str, object] = {"rows": sorted((r["id"], r["body"]) for r in rows),
                                   "kv": providers["kv"].get("greeting"),
                                   "blob": providers["blob"].get("files/hello.txt")}
        if "search" in areas:
            hits = providers["search"].es.search("docs", Request(size=100)).hits
            data["search"] = sorted((h.id, h.source["title"]) for h in hits)
        return data
    finally:
        providers.close()


def test_offline_backup_then_restore_after_changes(tmp_path: Path, run_cli: Any) -> None:
    write_data(tmp_path, "v1")
    before = read_data(tmp_path)
    result = run_cli("backup", str(tmp_path / "bk2"), "--lite", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "bk2" / "manifest.json").read_text())
    assert {"db", "kv", "blob"} <= set(manifest["areas"])
    write_data(tmp_path, "v2")
    assert read_data(tmp_path) != before
    result = run_cli("restore", str(tmp_path / "bk2"), "--lite", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert read_data(tmp_path) == before


def test_backup_while_the_server_runs_restores_elsewhere_identically(tmp_path: Path, run_cli: Any, serve: Any) -> None:
    live = tmp_path / "live"
    live.mkdir()
    write_data(live, "cold")  # search can only be written before: the server holds DuckDB's lock
    no_search = ("db", "kv", "blob")
    with serve(live, "--lite") as server:
        write_data(live, "hot", no_search)  # a second process writing next to the server
        result = run_cli("backup", str(tmp_path / "bk"), "--lite", cwd=live)
        assert result.returncode == 0, result.stderr
        expected = read_data(live, no_search)
        write_data(live, "after", no_search)  # not in the backup
        assert server.stop() == 0, server.stderr
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    result = run_cli("restore", str(tmp_path / "bk"), "--lite", cwd=fresh)
    assert result.returncode == 0, result.stderr
    assert read_data(fresh) == {**expected, "search": [("cold", "hello cold")]}
    assert len(expected["rows"]) == 100  # type: ignore[arg-type]


def test_restore_refuses_while_a_server_holds_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_data(tmp_path, "v1")
    config = load_config(env={}, lite=True)
    bk = tmp_path / "bk"
    bk.mkdir()
    (bk / "manifest.json").write_text(json.dumps({"format": 1, "areas": {}}))
    lock = DataDirLock(config.data_path)
    lock.acquire(host="127.0.0.1", port=1234)
    try:
        with pytest.raises(BackupError, match="stop it first"):
            restore(config, bk)
    finally:
        lock.release()
    assert restore(config, bk) == []


def test_restore_refuses_an_incomplete_backup_and_backup_refuses_a_used_directory(tmp_path: Path, run_cli: Any) -> None:
    (tmp_path / "partial" / "db").mkdir(parents=True)
    result = run_cli("restore", str(tmp_path / "partial"), "--lite", cwd=tmp_path)
    assert result.returncode == 1 and "manifest.json" in result.stderr
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    result = run_cli("backup", str(tmp_path / "used"), "--lite", cwd=tmp_path)
    assert result.returncode == 1 and "not an empty directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_backup_with_nothing_local_fails_and_writes_nothing(tmp_path: Path, run_cli: Any) -> None:
    result = run_cli("backup", str(tmp_path / "bk"), "--lite", "--db-uri", "mysql://u@127.0.0.1:1/x",
                     "--kv-uri", "redis://127.0.0.1:1/0", "--search-uri", "es://127.0.0.1:1",
                     "--blob-uri", "s3://bucket", cwd=tmp_path)
    assert result.returncode != 0 and "nothing to back up" in result.stderr
    assert "backup written" not in result.stdout and not (tmp_path / "bk").exists()


@pytest.mark.parametrize("damage", ["flip", "extra"])
def test_restore_verifies_every_checksum_before_replacing_anything(tmp_path: Path, run_cli: Any,
                                                                   damage: str) -> None:
    write_data(tmp_path, "v1")
    assert run_cli("backup", str(tmp_path / "bk"), "--lite", cwd=tmp_path).returncode == 0
    write_data(tmp_path, "v2")
    current = read_data(tmp_path)
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["format"] == 2
    kv_file = tmp_path / "bk" / "kv" / "data.mdb"
    assert manifest["areas"]["kv"]["checksums"]["data.mdb"]["size"] == kv_file.stat().st_size
    # The kv area is restored after db in the manifest's order: a late damaged area must not let
    # the earlier ones be replaced.
    if damage == "flip":
        raw = bytearray(kv_file.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        kv_file.write_bytes(bytes(raw))
    else:
        (tmp_path / "bk" / "blob" / "planted").write_text("x")
    result = run_cli("restore", str(tmp_path / "bk"), "--lite", cwd=tmp_path)
    assert result.returncode == 1 and "damaged" in result.stderr and "untouched" in result.stderr
    assert "Traceback" not in result.stderr
    assert read_data(tmp_path) == current
    assert not list((tmp_path / "var" / "data").rglob("*.restoring"))
