"""Variables (kv) and files (blob) over HTTP against a real server."""

from __future__ import annotations

import hashlib
import time

import httpx

from tests.e2e._server import ApiClient, E2EServer


def test_variables(alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, _ = alice_bob
    assert a.put("/v1/variables/app.color", json={"value": "blue"}).status_code == 200
    assert a.put("/v1/variables/app.size", json={"value": {"w": 3, "h": [1, 2]}}).status_code == 200
    assert a.put("/v1/variables/other", json={"value": 7}).status_code == 200
    r = a.get("/v1/variables/app.size")
    assert r.status_code == 200 and r.json()["value"] == {"w": 3, "h": [1, 2]} and r.json()["expires_at"] is None
    names = [v["name"] for v in a.get("/v1/variables", params={"prefix": "app."}).json()["variables"]]
    assert names == ["app.color", "app.size"]
    assert a.put("/v1/variables/app.color", json={"value": "red"}).json()["value"] == "red"
    assert a.delete("/v1/variables/app.color").status_code == 204
    assert a.get("/v1/variables/app.color").status_code == 404
    assert a.delete("/v1/variables/app.color").status_code == 404
    names = [v["name"] for v in a.get("/v1/variables", params={"prefix": "app."}).json()["variables"]]
    assert names == ["app.size"]


def test_variable_ttl_expires(alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, _ = alice_bob
    r = a.put("/v1/variables/short", json={"value": 1, "ttl_seconds": 1})
    assert r.status_code == 200 and r.json()["expires_at"] is not None
    assert a.get("/v1/variables/short").status_code == 200
    deadline = time.monotonic() + 10
    while a.get("/v1/variables/short").status_code == 200:  # bounded wait, no timing assertion
        assert time.monotonic() < deadline, "a 1 s variable was still there after 10 s"
        time.sleep(0.2)
    assert "short" not in [v["name"] for v in a.get("/v1/variables").json()["variables"]]


def test_variable_bounds(alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, _ = alice_bob
    assert a.put("/v1/variables/" + "x" * 300, json={"value": 1}).status_code == 400
    assert a.put("/v1/variables/bad%20name", json={"value": 1}).status_code == 400
    r = a.put("/v1/variables/big", json={"value": "x" * (70 * 1024)})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large", r.text
    assert a.put("/v1/variables/t", json={"value": 1, "ttl_seconds": 0}).status_code == 422


def test_files(e2e: E2EServer, alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, _ = alice_bob
    data = b"hello, file\n" * 1000
    r = a.post("/v1/files", files={"file": ("notes.txt", data, "text/plain")})
    assert r.status_code == 201, r.text
    meta = r.json()
    assert meta["size"] == len(data) and meta["sha256"] == hashlib.sha256(data).hexdigest()
    assert meta["content_type"] == "text/plain" and meta["name"] == "notes.txt"
    assert a.get(f"/v1/files/{meta['id']}").json() == meta
    assert meta["id"] in [f["id"] for f in a.get("/v1/files").json()["files"]]
    url = a.get(f"/v1/files/{meta['id']}/url").json()["url"]
    got = httpx.get(url, timeout=30)
    assert got.status_code == 200 and got.content == data
    short = a.get(f"/v1/files/{meta['id']}/url", params={"expires_in": 1}).json()["url"]
    if e2e.mode == "lite":
        # An expired URL is refused (the server signs and checks these itself).
        deadline = time.monotonic() + 15
        while httpx.get(short, timeout=30).status_code == 200:
            assert time.monotonic() < deadline, "a 1 s URL still worked after 15 s"
            time.sleep(0.5)
        assert httpx.get(short, timeout=30).status_code == 403
        # A tampered signature is refused.
        assert httpx.get(url.replace("sig=", "sig=0"), timeout=30).status_code == 403
    else:
        # S3 signs the expiry into the URL; the test server (moto) does not enforce it, real S3 does.
        assert "X-Amz-Expires=1" in short, short
    assert a.delete(f"/v1/files/{meta['id']}").status_code == 204
    assert a.get(f"/v1/files/{meta['id']}").status_code == 404
    assert httpx.get(url, timeout=30).status_code in (403, 404)


def test_upload_limit(alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, _ = alice_bob
    # The module's server runs with COZE_API_MAX_UPLOAD_BYTES unset: 10 MiB. 11 MiB is refused.
    big = b"\0" * (11 * 1024 * 1024)
    r = a.post("/v1/files", files={"file": ("big.bin", big, "application/octet-stream")})
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "too_large"
    assert "big.bin" not in [f["name"] for f in a.get("/v1/files").json()["files"]]
