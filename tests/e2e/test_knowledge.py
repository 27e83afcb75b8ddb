"""Knowledge bases end to end: a real `cozelite serve --lite` process, real users and API keys made
with the CLI, and a real OpenAI-compatible embedding server process (tests/embedding/openai_server.py)
so vector and hybrid retrieval go through HTTP twice. Covers upload of every supported type,
progress and failure states, retrieval modes, deletion, tenant isolation, SIGTERM restart
persistence and SIGKILL during indexing (the document finishes after a restart, no duplicate chunk).
"""

from __future__ import annotations

import importlib.util
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.app.conftest import clean_env, cozelite
from tests.netutil import free_port

EMBED_SERVER = Path(__file__).parents[1] / "embedding" / "openai_server.py"
STARTUP_S = 90.0


@dataclass
class Proc:
    proc: subprocess.Popen[bytes]
    base: str
    log: Path

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)

    def text(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def embedding_server() -> Iterator[int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(EMBED_SERVER), str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def start_server(cwd: Path, *args: str, **env: str) -> Proc:
    """`cozelite serve --lite` on a free port; its output goes to a file (a pipe nobody reads would
    fill up with access-log lines and stall the server)."""
    port = free_port()
    log = cwd / f"serve-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cozelite.cli", "serve", "--lite", "--port", str(port), *args],
                                cwd=cwd, env=clean_env(**env), stdout=out, stderr=subprocess.STDOUT)
    server = Proc(proc, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + STARTUP_S
    while True:
        if proc.poll() is not None:
            pytest.fail(f"cozelite serve exited with {proc.returncode}: {server.text()[-3000:]}")
        try:
            if httpx.get(server.base + "/v1/knowledge", timeout=5).status_code == 401:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            server.stop(signal.SIGKILL)
            pytest.fail(f"cozelite serve did not start in time: {server.text()[-3000:]}")
        time.sleep(0.2)


def make_user(cwd: Path, name: str) -> str:
    for args in (("users", "add", name), ("keys", "create", name)):
        result = cozelite(*args, cwd=cwd, COZE_LITE="1")
        assert result.returncode == 0, result.stderr
    match = re.search(r"czk_[A-Za-z0-9_-]{43}", result.stdout)
    assert match, result.stdout
    return match.group(0)


@dataclass
class Client:
    base: str
    key: str
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60))

    def req(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.key}", **kw.pop("headers", {})}
        return self.http.request(method, self.base + path, headers=headers, **kw)

    def ok(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        r = self.req(method, path, **kw)
        assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def new_kb(self, name: str, description: str = "") -> str:
        kb_id: str = self.ok("POST", "/v1/knowledge", 201, json={"name": name, "description": description})["id"]
        return kb_id

    def upload(self, kb: str, name: str, data: bytes, ctype: str, **form: Any) -> dict[str, Any]:
        doc: dict[str, Any] = self.ok("POST", f"/v1/knowledge/{kb}/documents", 202, files={"file": (name, data, ctype)},
                                      data={k: str(v) for k, v in form.items()})
        return doc

    def wait(self, kb: str, doc: str, timeout: float = 120, until: tuple[str, ...] = ("ready", "failed")
             ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            info: dict[str, Any] = self.ok("GET", f"/v1/knowledge/{kb}/documents/{doc}")
            if info["status"] in until or time.monotonic() > deadline:
                return info
            time.sleep(0.1)

    def retrieve(self, query: str, kbs: list[str], **kw: Any) -> httpx.Response:
        return self.req("POST", "/v1/knowledge/retrieve", json={"query": query, "knowledge_ids": kbs, **kw})


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing `text` in Helvetica, with a correct xref table."""
    stream = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


BREAD = ("# Baking bread\n\nKnead the dough with flour, water, salt and yeast. Let the dough rise twice.\n\n"
         "Bake the loaf in a hot oven until the crust is brown.")
RIVER = "The river flows past the old mill. Trout swim upstream in autumn when the water is cold."
HTML = ("<html><head><title>Tea</title><style>p {color: red}</style></head><body><h1>Green tea</h1>"
        "<p>Steep green tea leaves at eighty degrees for two minutes.</p><script>var secret = 1;</script>"
        "</body></html>")


@pytest.fixture(scope="module")
def lite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Proc, Client, Client]]:
    cwd = tmp_path_factory.mktemp("knowledge")
    with embedding_server() as port:
        alice, bob = make_user(cwd, "alice"), make_user(cwd, "bob")
        server = start_server(cwd, EMBEDDING_URI=f"openai://127.0.0.1:{port}/v1?model=bag&dimensions=64",
                              COZE_API_MAX_UPLOAD_BYTES="200000")
        try:
            yield server, Client(server.base, alice), Client(server.base, bob)
        finally:
            server.stop()


def test_upload_every_type_index_and_retrieve_in_every_mode(lite: tuple[Proc, Client, Client]) -> None:
    _, alice, _ = lite
    kb = alice.new_kb("Kitchen", "cooking notes")
    docs = {name: alice.upload(kb, name, data, ctype)["id"] for name, data, ctype in [
        ("bread.md", BREAD.encode(), "text/markdown"), ("river.txt", RIVER.encode(), "text/plain"),
        ("tea.html", HTML.encode(), "text/html"),
        ("sourdough.pdf", tiny_pdf("Sourdough starter needs daily feeding with rye flour"), "application/pdf")]}
    for doc in docs.values():
        info = alice.wait(kb, doc)
        assert info["status"] == "ready", info
        assert info["progress_done"] == info["progress_total"] >= 1, info
    listed = alice.ok("GET", f"/v1/knowledge/{kb}/documents")["items"]
    assert {d["name"] for d in listed} == set(docs)

    for mode, query, expected in [("text", "dough rise", "bread.md"), ("vector", "trout upstream autumn", "river.txt"),
                                  ("hybrid", "green tea leaves", "tea.html"),
                                  ("text", "sourdough rye", "sourdough.pdf")]:
        r = alice.retrieve(query, [kb], mode=mode, top_k=2)
        assert r.status_code == 200, r.text
        chunks = r.json()["chunks"]
        assert chunks and chunks[0]["document_name"] == expected, (mode, query, chunks)
        assert chunks[0]["document_id"] == docs[expected] and chunks[0]["knowledge_id"] == kb
        assert all(isinstance(c["score"], float) for c in chunks)
    # The HTML's script and style never became text.
    tea = alice.retrieve("secret color red", [kb], mode="text").json()["chunks"]
    assert all("secret" not in c["text"] and "color" not in c["text"] for c in tea)

    # Deleting a document takes its chunks and its original with it.
    alice.ok("DELETE", f"/v1/knowledge/{kb}/documents/{docs['bread.md']}", 204)
    assert alice.req("GET", f"/v1/knowledge/{kb}/documents/{docs['bread.md']}").status_code == 404
    chunks = alice.retrieve("dough rise bread loaf", [kb], mode="text", top_k=10).json()["chunks"]
    assert all(c["document_id"] != docs["bread.md"] for c in chunks)
    blob_dir = Path(lite[0].log.parent) / "var" / "data" / "blob"
    assert not any(docs["bread.md"] in str(p) for p in blob_dir.rglob("*")), "the original is still in the blob store"


def test_chunking_options_and_progress(lite: tuple[Proc, Client, Client]) -> None:
    _, alice, _ = lite
    kb = alice.new_kb("Long")
    text = "\n\n".join(f"Section {i}. " + "Sentences about lighthouses and ships. " * 6 for i in range(30))
    doc = alice.upload(kb, "long.txt", text.encode(), "text/plain", chunk_size=300, chunk_overlap=40)
    assert doc["status"] == "queued" and doc["progress_total"] == 0
    info = alice.wait(kb, doc["id"])
    assert info["status"] == "ready" and info["progress_total"] >= len(text) // 300, info
    chunks = alice.retrieve("lighthouses", [kb], mode="text", top_k=50).json()["chunks"]
    assert all(len(c["text"]) <= 300 for c in chunks)
    assert len({c["index"] for c in chunks}) == len(chunks) == min(50, info["progress_total"])


def test_bad_uploads_and_requests_are_clear_4xx(lite: tuple[Proc, Client, Client]) -> None:
    _, alice, _ = lite
    kb = alice.new_kb("Bad inputs")
    small = {"file": ("a.txt", b"hello", "text/plain")}
    cases = [({"files": {"file": ("x.exe", b"MZ\x90", "application/octet-stream")}}, 400, "unsupported document type"),
             ({"files": {"file": ("empty.txt", b"", "text/plain")}}, 400, "empty"),
             ({"files": small, "data": {"chunk_size": "50"}}, 400, "chunk_size"),
             ({"files": small, "data": {"chunk_size": "nope"}}, 422, "chunk_size"),
             # Over the upload limit (200,000): refused by the flow, or, far over it, by the body limit
             # before the route reads it.
             ({"files": {"file": ("big.txt", b"x" * 210_000, "text/plain")}}, 413, "at most 200000"),
             ({"files": {"file": ("huge.txt", b"x" * 400_000, "text/plain")}}, 413, "larger than"),
             ({"data": {"chunk_size": "100"}}, 422, "file")]
    for kw, status, words in cases:
        r = alice.req("POST", f"/v1/knowledge/{kb}/documents", **kw)
        assert r.status_code == status, (kw.get("data"), r.text)
        assert words in r.json()["error"]["message"], r.text
    # Not UTF-8 and a broken PDF: accepted, then failed with the reason.
    for name, data, ctype, words in [("latin.txt", "café".encode("latin-1") * 10, "text/plain", "UTF-8"),
                                     ("broken.pdf", b"%PDF-1.4 not really", "application/pdf", "PDF")]:
        doc = alice.upload(kb, name, data, ctype)
        info = alice.wait(kb, doc["id"])
        assert info["status"] == "failed" and words in (info["error"] or ""), info
    for body, status in [({"query": "x", "knowledge_ids": [kb], "top_k": 0}, 422),
                         ({"query": "x", "knowledge_ids": [kb], "mode": "fuzzy"}, 422),
                         ({"query": "", "knowledge_ids": [kb]}, 422), ({"query": "x", "knowledge_ids": []}, 422),
                         ({"query": "x", "knowledge_ids": ["kb_nope"]}, 404)]:
        r = alice.req("POST", "/v1/knowledge/retrieve", json=body)
        assert r.status_code == status and "error" in r.json(), (body, r.text)
    r = alice.req("POST", "/v1/knowledge/retrieve", content=b"{not json", headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500
    assert alice.req("GET", "/v1/knowledge/kb_nope/documents/doc_1").status_code == 404
    assert httpx.get(alice.base + "/v1/knowledge", timeout=30).status_code == 401


def test_user_b_sees_nothing_of_user_a(lite: tuple[Proc, Client, Client]) -> None:
    _, alice, bob = lite
    kb = alice.new_kb("Alice private", "zebra migration secrets")
    doc = alice.upload(kb, "zebra.txt", b"Zebra herds migrate across the Serengeti every year.", "text/plain")["id"]
    assert alice.wait(kb, doc)["status"] == "ready"
    own = bob.new_kb("Bob's", "bob notes")
    bob_doc = bob.upload(own, "b.txt", b"Bob writes about zebra crossings in the city.", "text/plain")["id"]
    assert bob.wait(own, bob_doc)["status"] == "ready"

    assert all(k["id"] != kb for k in bob.ok("GET", "/v1/knowledge")["items"])
    for method, path in [("GET", f"/v1/knowledge/{kb}"), ("GET", f"/v1/knowledge/{kb}/documents"),
                         ("GET", f"/v1/knowledge/{kb}/documents/{doc}"),
                         ("DELETE", f"/v1/knowledge/{kb}/documents/{doc}"), ("DELETE", f"/v1/knowledge/{kb}"),
                         ("GET", f"/v1/knowledge/{own}/documents/{doc}")]:
        r = bob.req(method, path)
        assert r.status_code == 404, (method, path, r.text)
        assert "Serengeti" not in r.text and "zebra.txt" not in r.text
    r = bob.req("POST", f"/v1/knowledge/{kb}/documents", files={"file": ("x.txt", b"injected", "text/plain")})
    assert r.status_code == 404
    for kbs in ([kb], [own, kb]):
        for mode in ("text", "vector", "hybrid"):
            r = bob.retrieve("zebra Serengeti migrate", kbs, mode=mode)
            assert r.status_code == 404 and "Serengeti" not in r.text, r.text
    for mode in ("text", "vector", "hybrid"):
        chunks = bob.retrieve("zebra Serengeti migrate herds", [own], mode=mode, top_k=50).json()["chunks"]
        assert chunks and all(c["document_id"] == bob_doc for c in chunks), chunks
    # Alice's things are all still there.
    assert alice.wait(kb, doc)["status"] == "ready"
    assert alice.retrieve("Serengeti", [kb], mode="text").json()["chunks"][0]["document_id"] == doc


def test_restarts_sigterm_keeps_everything_sigkill_mid_indexing_finishes_without_duplicates(tmp_path: Path) -> None:
    alice_key = make_user(tmp_path, "alice")
    with embedding_server() as port:
        # The slow model answers after a while per batch of 32 chunks: the indexer stays mid-document
        # long enough to be killed there.
        env = {"EMBEDDING_URI": f"openai://127.0.0.1:{port}/v1?model=slow&timeout=30"}
        server = start_server(tmp_path, **env)
        alice = Client(server.base, alice_key)
        kb = alice.new_kb("Persistent", "survives restarts")
        kept = alice.upload(kb, "p.md", b"# Persistence\n\nKeepers log every storm.", "text/markdown")["id"]
        assert alice.wait(kb, kept)["status"] == "ready"

        # SIGTERM, start again: the knowledge base, the document and its chunks are all there.
        assert server.stop() == 0, server.text()[-2000:]
        server = start_server(tmp_path, **env)
        alice = Client(server.base, alice_key)
        assert [k["id"] for k in alice.ok("GET", "/v1/knowledge")["items"]] == [kb]
        assert alice.ok("GET", f"/v1/knowledge/{kb}/documents/{kept}")["status"] == "ready"
        assert [c["document_id"] for c in alice.retrieve("keepers storm", [kb], mode="text").json()["chunks"]] == [kept]

        # SIGKILL while a document is half indexed, start again: it finishes, each chunk once.
        text = "\n\n".join(f"Part {i}: the lighthouse beam sweeps the harbour at night." for i in range(45))
        doc = alice.upload(kb, "crash.txt", text.encode(), "text/plain", chunk_size=100, chunk_overlap=0)["id"]
        info = alice.wait(kb, doc, timeout=60, until=("ready", "failed", "indexing"))
        deadline = time.monotonic() + 60
        while info["status"] == "indexing" and info["progress_done"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
            info = alice.ok("GET", f"/v1/knowledge/{kb}/documents/{doc}")
        assert info["status"] == "indexing" and 0 < info["progress_done"] < info["progress_total"], info
        server.stop(signal.SIGKILL)

        server = start_server(tmp_path, **env)
        try:
            alice = Client(server.base, alice_key)
            done = alice.wait(kb, doc, timeout=120)
            assert done["status"] == "ready" and done["progress_done"] == done["progress_total"] == 45, done
            chunks = alice.retrieve("lighthouse harbour", [kb], mode="text", top_k=50).json()["chunks"]
            assert len(chunks) == 45, len(chunks)
            assert sorted(c["index"] for c in chunks) == list(range(45))
            assert len({c["chunk_id"] for c in chunks}) == 45
            assert alice.ok("GET", f"/v1/knowledge/{kb}/documents/{kept}")["status"] == "ready"
            assert "Traceback" not in server.text()
        finally:
            server.stop()


@pytest.mark.skipif(importlib.util.find_spec("all_minilm_l6_v2") is None, reason="the embed extra is not installed")
def test_lite_offline_embedder_finds_meaning_not_words(tmp_path: Path) -> None:
    """local://minilm in the server: a query sharing no word with the right document still finds it."""
    key = make_user(tmp_path, "alice")
    server = start_server(tmp_path, EMBEDDING_URI="local://minilm")
    try:
        alice = Client(server.base, key)
        kb = alice.new_kb("Semantic")
        bread = alice.upload(kb, "bread.txt", b"Knead the dough with flour and yeast, then bake the loaf.",
                             "text/plain")["id"]
        river = alice.upload(kb, "river.txt", b"Trout swim upstream in the cold mountain stream.", "text/plain")["id"]
        assert alice.wait(kb, bread)["status"] == alice.wait(kb, river)["status"] == "ready"
        for query, expected in [("how do I make bread at home", bread), ("fish in a river", river)]:
            chunks = alice.retrieve(query, [kb], mode="vector", top_k=2).json()["chunks"]
            assert len(chunks) == 2 and chunks[0]["document_id"] == expected, (query, chunks)
            assert chunks[0]["score"] > chunks[1]["score"]
        # Text mode needs shared words: "bread" appears in neither document.
        assert alice.retrieve("bread", [kb], mode="text").json()["chunks"] == []
    finally:
        server.stop()
