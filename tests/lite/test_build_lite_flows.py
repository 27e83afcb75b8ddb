"""The core flows through the single-file build, as a user runs it: the file in an empty directory,
a clean environment (the system Python the build declares, no venv, no PYTHONPATH), the file's own
CLI to create a user and a key, then every core flow over HTTP through the e2e harness
(tests/e2e/_server.py, here running `./cozelite-lite.pyz` with no flag: lite is its default), a
SIGTERM and a restart, and everything is still there, stored under the directory's ./var/data/."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path
from typing import Any

import httpx

from tests.e2e._server import ApiClient, E2EServer
from tests.lite._pyz import START_TIMEOUT_S, clean_env, needs_system_python

pytestmark = needs_system_python

FILE = b"single file, many flows\n" * 64
DOC = ("# Lighthouse log\n\nThe keeper trims the wick at dusk and winds the clockwork that turns the lens.\n\n"
       "Fog horns sound every thirty seconds when the visibility drops.")


def wait_ready(client: ApiClient, kb: str, doc: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(f"/v1/knowledge/{kb}/documents/{doc}")
        assert r.status_code == 200, r.text
        info: dict[str, Any] = r.json()
        if info["status"] in ("ready", "failed"):
            return info
        assert time.monotonic() < deadline, f"the document was not indexed in {timeout} s: {info}"
        time.sleep(0.1)


def check_everything_is_there(a: ApiClient, db_id: str, file_id: str, kb: str, doc: str) -> None:
    rows = a.sql(db_id, "SELECT label, qty FROM items WHERE qty > ? ORDER BY qty", [0])
    assert rows.status_code == 200, rows.text
    assert rows.json()["rows"] == [{"label": "bolt", "qty": 3}, {"label": "nut", "qty": 5}]
    var = a.get("/v1/variables/state")
    assert var.status_code == 200 and var.json()["value"] == {"step": 2, "tags": ["a", "b"]}, var.text
    url = a.get(f"/v1/files/{file_id}/url").json()["url"]
    got = httpx.get(url, timeout=30)
    assert got.status_code == 200 and got.content == FILE
    assert a.get(f"/v1/knowledge/{kb}/documents/{doc}").json()["status"] == "ready"
    r = a.post("/v1/knowledge/retrieve", json={"query": "fog horns visibility", "knowledge_ids": [kb],
                                               "mode": "text", "top_k": 3})
    assert r.status_code == 200, r.text
    chunks = r.json()["chunks"]
    assert chunks and chunks[0]["document_id"] == doc and "Fog horns" in chunks[0]["text"], chunks


def test_core_flows_through_the_built_file_survive_a_restart(tmp_path: Path, pyz: Path, pyz_home: Path) -> None:
    work = tmp_path / "empty"
    work.mkdir()
    shutil.copy2(pyz, work / "cozelite-lite.pyz")
    server = E2EServer(work, "lite", clean_env(pyz_home), command=("./cozelite-lite.pyz",), exact_env=True,
                       config_args=(), timeout_s=START_TIMEOUT_S)
    try:
        a = server.user("dana")  # `users add dana --with-key` through the file itself, before any server
        server.start()  # the harness points the user's client at the server's port
        me = a.get("/v1/me")
        assert me.status_code == 200 and me.json()["name"] == "dana", me.text

        db = a.post("/v1/databases", json={"name": "stock", "tables": [
            {"name": "items", "fields": [{"name": "label", "type": "text"}, {"name": "qty", "type": "integer"}]}]})
        assert db.status_code == 201, db.text
        db_id = db.json()["id"]
        ins = a.sql(db_id, "INSERT INTO items (label, qty) VALUES (?, ?), ('nut', 5)", ["bolt", 3])
        assert ins.status_code == 200 and ins.json()["affected_rows"] == 2, ins.text

        assert a.put("/v1/variables/state", json={"value": {"step": 2, "tags": ["a", "b"]}}).status_code == 200

        up = a.post("/v1/files", files={"file": ("parts.txt", FILE, "text/plain")})
        assert up.status_code == 201, up.text
        assert up.json()["sha256"] == hashlib.sha256(FILE).hexdigest()
        file_id = up.json()["id"]

        kb_r = a.post("/v1/knowledge", json={"name": "Lighthouse", "description": "keeper's notes"})
        assert kb_r.status_code == 201, kb_r.text
        kb = kb_r.json()["id"]
        doc_r = a.post(f"/v1/knowledge/{kb}/documents", files={"file": ("log.md", DOC.encode(), "text/markdown")})
        assert doc_r.status_code == 202, doc_r.text
        doc = doc_r.json()["id"]
        info = wait_ready(a, kb, doc)
        assert info["status"] == "ready" and info["progress_done"] == info["progress_total"] >= 1, info

        check_everything_is_there(a, db_id, file_id, kb, doc)

        assert server.restart() == 0, server.stderr
        assert "stopped cleanly" in server.stderr and "Traceback" not in server.stderr, server.stderr
        check_everything_is_there(a, db_id, file_id, kb, doc)
        assert server.stop() == 0, server.stderr
        assert "Traceback" not in server.stderr, server.stderr
    finally:
        server.close()

    # Everything the runs stored is under ./var/data of the directory (the unpacked bundle is in $HOME).
    data = work / "var" / "data"
    assert sorted(p.name for p in work.iterdir()) == ["cozelite-lite.pyz", "var"]
    assert sorted(p.name for p in (work / "var").iterdir()) == ["data"]
    assert (data / "sqlite" / "app.db").is_file() and (data / "kv" / "data.mdb").is_file()
    assert (data / "duckdb" / "search.db").is_file()
    stored = [p for p in (data / "blob").rglob("*") if p.is_file() and p.read_bytes() == FILE]
    assert len(stored) == 1, "the uploaded file is not (once) in ./var/data/blob"
    assert not (data / "cozelite-server.lock").exists()
