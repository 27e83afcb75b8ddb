"""The API's surface: OpenAPI and an offline /docs, auth errors, one JSON error body for every
4xx, request ids, per-route metrics; and a 500 carrying the request id (in-process: nothing a
client sends may cause one)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from tests.e2e._server import ApiClient, E2EServer


def test_openapi_and_offline_docs(e2e: E2EServer) -> None:
    spec = httpx.get(e2e.base + "/openapi.json", timeout=30).json()
    for path in ("/v1/me", "/v1/databases", "/v1/databases/{database_id}/sql", "/v1/variables/{name}",
                 "/v1/files", "/v1/files/{file_id}/url"):
        assert path in spec["paths"], sorted(spec["paths"])
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    page = httpx.get(e2e.base + "/docs", timeout=30)
    assert page.status_code == 200 and "/openapi.json" in page.text
    # Nothing loaded from elsewhere: no src/href to another origin.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)


def test_auth_errors(e2e: E2EServer, alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, _ = alice_bob
    for headers, code in [({}, "missing_key"), ({"Authorization": "Bearer nope"}, "invalid_key"),
                          ({"Authorization": "Bearer czk_" + "A" * 43}, "invalid_key"),
                          ({"Authorization": "Basic dXNlcjpwYXNz"}, "missing_key")]:
        r = httpx.get(e2e.base + "/v1/databases", headers=headers, timeout=30)
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == code and r.headers["www-authenticate"] == "Bearer"
    assert a.get("/v1/me").json() == {"user_id": a.user_id, "name": "alice"}


def test_errors_have_one_shape(alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, _ = alice_bob
    cases = [(a.get("/v1/nowhere"), 404), (a.put("/v1/databases"), 405),
             (a.post("/v1/databases", json={"name": ""}), 422),
             (a.post("/v1/databases", json={"name": "x", "tables": [{"name": "t", "fields": [
                 {"name": "f", "type": "blob"}]}]}), 422),
             (a.post("/v1/databases", json={"name": "x", "tables": [{"name": "id", "fields": [
                 {"name": "f", "type": "text"}]}]}), 400),
             (a.post("/v1/databases", content=b"[1,", headers={"content-type": "application/json"}), 400),
             (a.get("/v1/databases/x/tables/t/records", params={"limit": -1}), 422),
             (a.post("/v1/databases", content=b"x" * (2 * 1024 * 1024), headers={"content-type": "application/json"}),
              413)]
    for r, status in cases:
        assert r.status_code == status, (r.request.url, r.status_code, r.text)
        err = r.json()["error"]
        assert set(err) >= {"code", "message"} and err["message"], err
        assert r.headers.get("x-request-id")
    assert cases[3][0].json()["error"]["fields"][0]["field"].startswith("body.tables.0.fields.0.type")


def test_request_ids_and_per_route_metrics(e2e: E2EServer, alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, _ = alice_bob
    r = a.get("/v1/me", headers={"X-Request-ID": "trace-123"})
    assert r.headers["x-request-id"] == "trace-123"
    assert a.get("/v1/me", headers={"X-Request-ID": "bad id\x7f"}).headers["x-request-id"] != "bad id"
    a.get("/v1/databases/nope")
    text = httpx.get(e2e.base + "/metrics", timeout=30).text
    assert 'cozelite_http_requests_total{method="GET",route="/v1/me",status="200"}' in text
    assert 'cozelite_http_requests_total{method="GET",route="/v1/databases/{database_id}",status="404"}' in text
    assert 'cozelite_http_request_seconds_bucket{le="0.005",method="GET",route="/v1/me"}' in text \
        or re.search(r'cozelite_http_request_seconds_bucket\{[^}]*route="/v1/me"', text)


def test_a_bug_is_a_500_with_the_request_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cozelite.config import load_config, prepare_data_dirs
    from cozelite.server.app import create_app
    from cozelite.wiring import open_providers

    monkeypatch.chdir(tmp_path)
    config = load_config(env={}, lite=True)
    prepare_data_dirs(config)
    app = create_app(open_providers(config, areas=("db",)))
    api = app.routes[-1].app  # the mounted /v1 API

    @api.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/v1/boom")
    assert r.status_code == 500
    body = r.json()["error"]
    assert body["code"] == "internal_error" and body["request_id"] == r.headers["x-request-id"]
    assert "a bug" not in r.text  # the details go to the log, not to the client
