"""The ASGI app in-process (Starlette's TestClient): routes, status codes and metrics.

The real process, started as a user would, is tested in test_serve.py.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

with warnings.catch_warnings():
    # Starlette 1.x nudges towards another HTTP client package; httpx is what this project ships.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cozelite.config import load_config
from cozelite.server import create_app
from cozelite.wiring import Providers, open_providers

AREAS_IN_PROCESS = ("db", "kv", "mq", "blob")  # search has its own suite and real-server test


@pytest.fixture
def providers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Providers]:
    monkeypatch.chdir(tmp_path)
    config = load_config(env={}, lite=True)
    opened = open_providers(config, areas=AREAS_IN_PROCESS, base_url="http://testserver")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def client(providers: Providers) -> Iterator[TestClient]:
    with TestClient(create_app(providers)) as c:
        yield c


def test_each_area_probe_answers_ok_with_its_provider(client: TestClient) -> None:
    expected = {"db": "sqlite", "kv": "lmdb", "mq": "mem", "blob": "file"}
    for area, scheme in expected.items():
        r = client.get(f"/healthz/{area}")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "ok" and r.json()["provider"] == scheme


def test_an_area_that_is_not_open_is_503_and_fails_the_overall_check(client: TestClient) -> None:
    r = client.get("/healthz/search")
    assert r.status_code == 503 and r.json()["status"] == "error" and "search" in r.json()["error"]
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json()["providers"]["db"]["status"] == "ok" and r.json()["providers"]["search"]["status"] == "error"
    assert client.get("/healthz/nope").status_code == 404


def test_a_failing_probe_is_503_with_the_error(client: TestClient, providers: Providers) -> None:
    providers["db"].close()  # the provider now refuses every call
    r = client.get("/healthz/db")
    assert r.status_code == 503 and r.json()["status"] == "error" and "closed" in r.json()["error"]


def test_metrics_label_each_backend(client: TestClient) -> None:
    client.get("/healthz/db")
    text = client.get("/metrics").text
    assert 'db_provider="sqlite"' in text and 'kv_provider="lmdb"' in text and 'blob_provider="file"' in text
    assert 'cozelite_provider_up{area="db",provider="sqlite"} 1.0' in text
    assert 'cozelite_http_requests_total{method="GET",route="/healthz/{area}",status="200"}' in text


def test_presigned_blob_downloads(client: TestClient, providers: Providers) -> None:
    store = providers["blob"]
    store.put("docs/a b.txt", b"hello blob", content_type="text/plain")
    url = store.presign_get("docs/a b.txt", 60)
    parts = urlsplit(url)
    r = client.get(f"{parts.path}?{parts.query}")
    assert r.status_code == 200 and r.content == b"hello blob"
    assert r.headers["content-type"].startswith("text/plain") and r.headers["content-length"] == "10"
    tampered = parts.query.replace("sig=", "sig=0")
    assert client.get(f"{parts.path}?{tampered}").status_code == 403
    assert client.get(parts.path).status_code == 403
    expired = f"expires={int(time.time()) - 10}&sig=" + parts.query.split("sig=")[1]
    assert client.get(f"{parts.path}?{expired}").status_code == 403
    gone = store.presign_get("docs/missing.txt", 60)
    gparts = urlsplit(gone)
    assert client.get(f"{gparts.path}?{gparts.query}").status_code == 404


def test_admin_backup_needs_the_token(client: TestClient) -> None:
    assert client.post("/admin/backup", json={"dest": "/tmp/x"}).status_code == 403
