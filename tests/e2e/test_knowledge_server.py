"""The knowledge flow through the e2e harness, in lite and server mode (PostgreSQL metadata, NATS
JetStream events, S3 originals, Milvus Lite retrieval, DuckDB resource search), with a real
OpenAI-compatible embedding server process: upload, index, retrieve in every mode, tenant
isolation, delete; then SIGKILL mid-indexing and a restart that finishes the document once.

Nightly (slow): the default run covers the same flow in lite mode in test_knowledge.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e._server import MODES, ApiClient, E2EServer, start_server
from tests.e2e.test_knowledge import embedding_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=MODES)
def kserver(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2EServer]:
    tmp: Path = tmp_path_factory.mktemp(f"knowledge-{request.param}")
    with embedding_server() as port:
        # The slow model (1 s per call) keeps a document mid-indexing long enough to kill the server there.
        server = start_server(tmp, request.param, request,
                              EMBEDDING_URI=f"openai://127.0.0.1:{port}/v1?model=slow&dimensions=64&timeout=30")
        try:
            yield server
        finally:
            server.close()


def wait(c: ApiClient, kb: str, doc: str, until: tuple[str, ...] = ("ready", "failed"), timeout: float = 180
         ) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        r = c.get(f"/v1/knowledge/{kb}/documents/{doc}")
        assert r.status_code == 200, r.text
        info: dict[str, Any] = r.json()
        if info["status"] in until or time.monotonic() > deadline:
            return info
        time.sleep(0.1)


def upload(c: ApiClient, kb: str, name: str, text: str, **form: Any) -> str:
    r = c.post(f"/v1/knowledge/{kb}/documents", files={"file": (name, text.encode(), "text/plain")},
               data={k: str(v) for k, v in form.items()})
    assert r.status_code == 202, r.text
    doc_id: str = r.json()["id"]
    return doc_id


def retrieve(c: ApiClient, query: str, kbs: list[str], **kw: Any) -> list[dict[str, Any]]:
    r = c.post("/v1/knowledge/retrieve", json={"query": query, "knowledge_ids": kbs, **kw})
    assert r.status_code == 200, r.text
    chunks: list[dict[str, Any]] = r.json()["chunks"]
    return chunks


def test_index_retrieve_isolate_delete_and_survive_sigkill(kserver: E2EServer) -> None:
    a, b = kserver.user("alice"), kserver.user("bob")
    kb = a.post("/v1/knowledge", json={"name": "Harbour"}).json()["id"]
    keep = upload(a, kb, "keep.txt", "Seals rest on the harbour rocks at low tide.")
    gone = upload(a, kb, "gone.txt", "Lanterns glow along the pier during winter festivals.")
    assert wait(a, kb, keep)["status"] == "ready" and wait(a, kb, gone)["status"] == "ready"
    for mode in ("text", "vector", "hybrid"):
        chunks = retrieve(a, "seals harbour rocks", [kb], mode=mode, top_k=2)
        assert chunks and chunks[0]["document_id"] == keep, (mode, chunks)

    bkb = b.post("/v1/knowledge", json={"name": "Bob"}).json()["id"]
    assert b.post("/v1/knowledge/retrieve", json={"query": "seals", "knowledge_ids": [kb]}).status_code == 404
    assert b.get(f"/v1/knowledge/{kb}/documents/{keep}").status_code == 404
    assert retrieve(b, "seals harbour rocks lanterns pier", [bkb], mode="hybrid") == []
    assert kb not in b.get("/v1/knowledge").text

    assert a.delete(f"/v1/knowledge/{kb}/documents/{gone}").status_code == 204
    assert all(c["document_id"] != gone for c in retrieve(a, "lanterns pier winter festivals", [kb], mode="text"))

    text = "\n\n".join(f"Part {i}: the ferry leaves the quay at dawn with crates." for i in range(45))
    doc = upload(a, kb, "crash.txt", text, chunk_size=100, chunk_overlap=0)
    info = wait(a, kb, doc, until=("indexing", "ready", "failed"))
    deadline = time.monotonic() + 60
    while info["status"] == "indexing" and info["progress_done"] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
        info = a.get(f"/v1/knowledge/{kb}/documents/{doc}").json()
    assert info["status"] == "indexing" and 0 < info["progress_done"] < 45, info
    kserver.kill()
    kserver.start()
    done = wait(a, kb, doc)
    assert done["status"] == "ready" and done["progress_done"] == done["progress_total"] == 45, done
    chunks = retrieve(a, "ferry quay crates", [kb], mode="text", top_k=50)
    assert sorted(c["index"] for c in chunks if c["document_id"] == doc) == list(range(45))
    assert len({c["chunk_id"] for c in chunks}) == len(chunks)
    assert wait(a, kb, keep)["status"] == "ready"
