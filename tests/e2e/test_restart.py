"""Restart persistence: SIGTERM, start again on the same data: users, keys, databases, rows,
variables and files are all there."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.e2e._server import start_server


@pytest.mark.parametrize("mode", ["lite", pytest.param("server", marks=pytest.mark.slow),
                                  pytest.param("server-mariadb", marks=pytest.mark.slow)])
def test_everything_survives_a_restart(mode: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    server = start_server(tmp_path, mode, request)
    try:
        a = server.user("carol")
        db = a.post("/v1/databases", json={"name": "keep", "tables": [
            {"name": "items", "fields": [{"name": "label", "type": "text"}, {"name": "qty", "type": "integer"}]}]})
        assert db.status_code == 201, db.text
        db_id = db.json()["id"]
        assert a.sql(db_id, "INSERT INTO items (label, qty) VALUES ('bolt', 3), ('nut', 5)").status_code == 200
        assert a.put("/v1/variables/state", json={"value": {"step": 2}}).status_code == 200
        file = a.post("/v1/files", files={"file": ("f.bin", b"\x00\x01persist", "application/octet-stream")}).json()

        assert server.restart() == 0, server.stderr
        assert "Traceback" not in server.stderr, server.stderr

        assert a.get("/v1/me").json()["name"] == "carol"
        rows = a.sql(db_id, "SELECT label, qty FROM items ORDER BY qty").json()["rows"]
        assert rows == [{"label": "bolt", "qty": 3}, {"label": "nut", "qty": 5}]
        assert a.get("/v1/variables/state").json()["value"] == {"step": 2}
        url = a.get(f"/v1/files/{file['id']}/url").json()["url"]
        assert httpx.get(url, timeout=30).content == b"\x00\x01persist"
        # A key revoked while the server runs is refused at once.
        key_id = server.cli("keys", "list", "carol").stdout.split()[0]
        server.cli("keys", "revoke", key_id)
        r = a.get("/v1/me")
        assert r.status_code == 401 and r.json()["error"]["code"] == "revoked_key", r.text
    finally:
        server.close()
