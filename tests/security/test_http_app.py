"""Issue 11, in process (Starlette's TestClient): the admin endpoint's clean 4xx answers (Low),
served blob objects' headers (Low) and the metrics' closed label sets (Medium 6)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from prometheus_client.parser import text_string_to_metric_families

with warnings.catch_warnings():
    # Starlette 1.x nudges towards another HTTP client package; httpx is what this project ships.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cozelite.config import load_config
from cozelite.server import create_app
from cozelite.server.blob import object_headers
from cozelite.wiring import Providers, open_providers

TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def providers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Providers]:
    monkeypatch.chdir(tmp_path)
    opened = open_providers(load_config(env={}, lite=True), areas=("db", "kv", "blob"), base_url="http://testserver")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def client(providers: Providers) -> Iterator[TestClient]:
    # The admin endpoint answers loopback clients only; TestClient's default client is "testclient".
    with TestClient(create_app(providers, admin_token=TOKEN), client=("127.0.0.1", 50000)) as c:
        yield c


# --- admin endpoint --------------------------------------------------------------------------------

@pytest.mark.parametrize("header", ["t\u00e9st", "\u00ff" * 32, TOKEN[:-1] + "\u00e9", "\x7f", ""])
def test_a_non_ascii_or_wrong_token_is_403_not_500(client: TestClient, header: str) -> None:
    r = client.post("/admin/backup", json={"dest": "/tmp/x"},
                    headers={"x-cozelite-token": header.encode("latin-1")})  # type: ignore[dict-item]
    assert r.status_code == 403, r.text


@pytest.mark.parametrize("body", [
    {"dest": "/tmp/a\u0000b"}, {"dest": "/tmp/\ud800"}, {"dest": "relative/dir"}, {"dest": ""}, {"dest": 7},
    {"dest": ["/tmp"]}, {"dest": None}, {}, [], "x", 3,
])
def test_a_bad_dest_is_400_not_500(client: TestClient, body: object) -> None:
    # json.dumps escapes a lone surrogate as \\ud800, as a client in another language would send it.
    r = client.post("/admin/backup", content=json.dumps(body).encode(),
                    headers={"x-cozelite-token": TOKEN, "content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert "error" in r.json()


def test_a_body_that_is_not_json_is_400(client: TestClient) -> None:
    r = client.post("/admin/backup", content=b"\xff\xfe{", headers={"x-cozelite-token": TOKEN})
    assert r.status_code == 400


def test_an_unwritable_dest_is_a_clean_4xx(client: TestClient, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = client.post("/admin/backup", json={"dest": str(blocker / "sub")}, headers={"x-cozelite-token": TOKEN})
    assert 400 <= r.status_code < 500, r.text


def test_the_right_token_still_backs_up(client: TestClient, tmp_path: Path) -> None:
    r = client.post("/admin/backup", json={"dest": str(tmp_path / "bk")}, headers={"x-cozelite-token": TOKEN})
    assert r.status_code == 200, r.text
    assert (tmp_path / "bk" / "manifest.json").is_file()


# --- served blob objects ---------------------------------------------------------------------------

ACTIVE = ["text/html", "text/html; charset=utf-8", "image/svg+xml", "application/xhtml+xml", "text/xml",
          "application/xml", "application/atom+xml", "text/javascript", "application/javascript",
          "application/x-javascript", "TEXT/HTML"]
PASSIVE = ["text/plain", "text/csv", "image/png", "application/json", "application/octet-stream"]


@pytest.mark.parametrize("content_type", ACTIVE + PASSIVE)
def test_served_objects_are_nosniff_and_active_types_are_attachments(
        client: TestClient, providers: Providers, content_type: str) -> None:
    store = providers["blob"]
    store.put("up/evil page.html", b"<script>alert(1)</script>", content_type=content_type)
    parts = urlsplit(store.presign_get("up/evil page.html", 60))
    r = client.get(f"{parts.path}?{parts.query}")
    assert r.status_code == 200 and r.content == b"<script>alert(1)</script>"
    assert r.headers["x-content-type-options"] == "nosniff"
    disposition = r.headers.get("content-disposition", "")
    if content_type in ACTIVE:
        assert disposition == "attachment; filename*=UTF-8''evil%20page.html"
    else:
        assert disposition == "" and r.headers["content-type"].startswith(content_type)


@pytest.mark.parametrize("stored", ["", "nonsense", "text/html\r\nSet-Cookie: a=b", "text/plain\x00", "a/b/c"])
def test_a_malformed_stored_content_type_is_served_as_octet_stream(stored: str) -> None:
    media, headers = object_headers("k", stored)
    assert media == "application/octet-stream" and headers == {"X-Content-Type-Options": "nosniff"}


def test_an_attachment_name_cannot_inject_header_text() -> None:
    _, headers = object_headers('dir/a";\r\nSet-Cookie: x=1.svg', "image/svg+xml")
    assert "\r" not in headers["Content-Disposition"] and '"' not in headers["Content-Disposition"]


# --- metrics label sets ----------------------------------------------------------------------------

def _request_series(client: TestClient) -> set[tuple[tuple[str, str], ...]]:
    text = client.get("/metrics").text
    return {tuple(sorted(s.labels.items())) for family in text_string_to_metric_families(text)
            for s in family.samples if s.name == "cozelite_http_requests_total"}


def test_made_up_methods_and_paths_add_no_series(client: TestClient) -> None:
    client.get("/healthz/db")
    client.request("BREW", "/healthz/db")
    client.get("/nothing/here")
    client.request("BREW", "/nothing/here")
    _request_series(client)  # the scrape itself is a series too
    before = _request_series(client)
    for i in range(1000):
        client.request(f"M{i}X", f"/made/up/{i}")
        client.request(f"Q{i}", "/healthz/db")
        client.get(f"/no/{i}?q={i}")
    after = _request_series(client)
    assert after == before, sorted(after - before)[:5]
    methods = {dict(labels)["method"] for labels in after}
    routes = {dict(labels)["route"] for labels in after}
    assert "other" in methods and methods <= {"GET", "POST", "HEAD", "other"}
    assert routes <= {"/healthz/{area}", "/metrics", "unmatched"} and "unmatched" in routes
