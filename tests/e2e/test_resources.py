"""Resource search over HTTP (lite and server mode, the harness's `e2e` server): the caller's
databases and knowledge bases by name and description, kept current by mq events, never another
user's; the index survives a restart (and is resynced from the metadata tables at start-up).
Server mode runs nightly (slow): its servers cost more than the rest of the file."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e._server import ApiClient, E2EServer, start_server


@pytest.fixture(scope="module", params=["lite", pytest.param("server", marks=pytest.mark.slow)])
def e2e(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2EServer]:
    tmp: Path = tmp_path_factory.mktemp(f"resources-{request.param}")
    server = start_server(tmp, request.param, request)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def alice_bob(e2e: E2EServer) -> tuple[ApiClient, ApiClient]:
    return e2e.user("alice"), e2e.user("bob")


def search(client: ApiClient, q: str = "", **params: Any) -> list[dict[str, Any]]:
    r = client.get("/v1/resources", params={"q": q, **params})
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def eventually(client: ApiClient, q: str, want: set[str], timeout: float = 30, **params: Any) -> list[dict[str, Any]]:
    """Events are applied asynchronously: poll until the ids found are exactly `want`."""
    deadline = time.monotonic() + timeout
    while True:
        items = search(client, q, **params)
        if {i["id"] for i in items} == want or time.monotonic() > deadline:
            return items
        time.sleep(0.1)


def test_search_finds_own_resources_by_name_and_description(e2e: E2EServer,
                                                            alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, b = alice_bob
    kb1 = a.post("/v1/knowledge", json={"name": "Astronomy notes", "description": "planets and comets"}).json()["id"]
    kb2 = a.post("/v1/knowledge", json={"name": "Gardening", "description": "tomatoes, compost"}).json()["id"]
    r = a.post("/v1/databases", json={"name": "Comet sightings", "description": "a log of observations",
                                      "visibility": "private", "tables": []})
    assert r.status_code == 201, r.text
    db = r.json()["id"]
    bkb = b.post("/v1/knowledge", json={"name": "Bob comets", "description": "comets seen by bob"}).json()["id"]

    items = eventually(a, "comets", {kb1, db})
    assert {(i["kind"], i["id"]) for i in items} == {("knowledge", kb1), ("database", db)}, items
    assert all(isinstance(i["score"], float) for i in items)
    assert {i["id"] for i in eventually(a, "compost", {kb2})} == {kb2}  # description words
    assert {i["id"] for i in eventually(a, "comets", {db}, kind="database")} == {db}
    assert {i["id"] for i in eventually(a, "", {kb1, kb2, db})} == {kb1, kb2, db}  # no query: all of mine

    # Bob finds only his own, whatever he asks.
    assert {i["id"] for i in eventually(b, "comets", {bkb})} == {bkb}
    for q in ("", "astronomy", "gardening compost", "sightings", "planets comets"):
        assert all(i["id"] == bkb for i in search(b, q)), q

    # Deleting a resource removes it from the index.
    assert a.delete(f"/v1/knowledge/{kb2}").status_code == 204
    assert a.delete(f"/v1/databases/{db}").status_code in (200, 204)
    assert {i["id"] for i in eventually(a, "", {kb1})} == {kb1}

    # After a restart the index still holds exactly the live resources.
    e2e.restart()
    assert {i["id"] for i in eventually(a, "", {kb1})} == {kb1}
    assert {i["id"] for i in eventually(b, "", {bkb})} == {bkb}


def test_bad_queries_are_4xx(alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, _ = alice_bob
    for params in ({"q": "x" * 501}, {"kind": "table"}, {"limit": 0}, {"limit": 101}):
        r = a.get("/v1/resources", params=params)
        assert r.status_code == 422 and "error" in r.json(), (params, r.text)
    r = a.http.get("/v1/resources", headers={"Authorization": "Bearer czk_" + "x" * 43})
    assert r.status_code == 401
