"""User databases over HTTP against a real server: tables, records, SQL through the compiler."""

from __future__ import annotations

from typing import Any

from tests.e2e._server import ApiClient

NOTES = {"name": "notes", "fields": [{"name": "title", "type": "text", "required": True},
                                     {"name": "n", "type": "integer"}, {"name": "score", "type": "number"},
                                     {"name": "done", "type": "boolean"}, {"name": "due", "type": "datetime"}]}


def make_db(client: ApiClient, *tables: dict[str, Any], visibility: str = "private") -> dict[str, Any]:
    r = client.post("/v1/databases", json={"name": "mine", "visibility": visibility, "tables": list(tables)})
    assert r.status_code == 201, r.text
    return r.json()


def test_create_table_records_and_sql(alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, _ = alice_bob
    db = make_db(a, NOTES)
    assert [f["name"] for f in db["tables"][0]["fields"]] == ["title", "n", "score", "done", "due"]
    path = f"/v1/databases/{db['id']}/tables/notes/records"
    r = a.post(path, json={"records": [{"title": "one", "n": 1, "score": 1.5, "done": True,
                                        "due": "2026-01-02T03:04:05"},
                                       {"title": "two", "n": 2}]})
    assert r.status_code == 201, r.text
    assert r.json() == {"affected_rows": 2}
    listed = a.get(path, params={"limit": 10}).json()
    assert listed["total"] == 2
    by_title = {rec["title"]: rec for rec in listed["records"]}
    assert by_title["one"]["n"] == 1 and by_title["one"]["done"] is True and by_title["one"]["score"] == 1.5
    assert by_title["one"]["due"].startswith("2026-01-02")

    # SQL with logical names, bound params, the hidden columns added to the INSERT.
    r = a.sql(db["id"], "INSERT INTO notes (title, n) VALUES (?, ?), ('four', 4)", ["three", 3])
    assert r.status_code == 200, r.text
    assert r.json()["affected_rows"] == 2
    r = a.sql(db["id"], "SELECT title, n FROM notes WHERE n >= ? ORDER BY n", [2])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["columns"] == ["title", "n"]
    assert [row["title"] for row in body["rows"]] == ["two", "three", "four"]
    r = a.sql(db["id"], "UPDATE notes SET n = n * 10 WHERE title = ?", ["four"])
    assert r.json()["affected_rows"] == 1, r.text
    r = a.sql(db["id"], "SELECT id, n FROM notes WHERE title = 'four'")
    rows = r.json()["rows"]
    assert rows[0]["n"] == 40
    record_id = rows[0]["id"]

    # Record update and delete by id.
    r = a.patch(f"{path}/{record_id}", json={"values": {"n": 41}})
    assert r.status_code == 204, r.text
    assert a.sql(db["id"], "SELECT n FROM notes WHERE id = ?", [record_id]).json()["rows"] == [{"n": 41}]
    assert a.delete(f"{path}/{record_id}").status_code == 204
    assert a.delete(f"{path}/{record_id}").status_code == 404
    filtered = a.get(path, params={"filter_field": "n", "filter_op": "ge", "filter_value": "2"}).json()
    assert sorted(rec["title"] for rec in filtered["records"]) == ["three", "two"]

    # Aggregates, subqueries and CTEs work against logical names.
    r = a.sql(db["id"], "WITH big AS (SELECT n FROM notes WHERE n > 1) SELECT COUNT(*) AS c FROM big")
    assert r.json()["rows"] == [{"c": 2}], r.text
    r = a.sql(db["id"], "DELETE FROM notes WHERE title IN (?, ?)", ["two", "three"])
    assert r.json()["affected_rows"] == 2, r.text


def test_sql_errors_are_clear(alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, _ = alice_bob
    db = make_db(a, NOTES)
    r = a.sql(db["id"], "SELEC title FROM notes")
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "sql_syntax_error" and err["line"] == 1 and err["column"] >= 1, err
    r = a.sql(db["id"], "DROP TABLE notes")
    assert r.status_code == 400 and r.json()["error"]["code"] == "policy_violation", r.text
    r = a.sql(db["id"], "SELECT * FROM users")
    assert r.status_code == 400 and r.json()["error"]["code"] == "policy_violation", r.text
    assert r.json()["error"]["rule"], r.text
    r = a.sql(db["id"], "SELECT LOAD_FILE('/etc/passwd')")
    assert r.status_code == 400 and r.json()["error"]["code"] == "policy_violation", r.text
    r = a.sql(db["id"], "WITH RECURSIVE r(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM r) SELECT COUNT(*) FROM r")
    assert r.status_code == 400 and "recursive-cte" in r.json()["error"]["message"], r.text
    r = a.sql(db["id"], "SELECT 1; SELECT 2")
    assert r.status_code == 400, r.text
    r = a.post(f"/v1/databases/{db['id']}/sql", json={"sql": 5})
    assert r.status_code == 422 and "body.sql" in r.json()["error"]["message"], r.text
    r = a.post(f"/v1/databases/{db['id']}/sql", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json", r.text
    r = a.post(f"/v1/databases/{db['id']}/tables/notes/records", json={"records": [{"n": "x", "title": "t"}]})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_value", r.text
    r = a.post(f"/v1/databases/{db['id']}/tables/notes/records", json={"records": [{"n": 1}]})
    assert r.status_code == 400 and "title" in r.json()["error"]["message"], r.text
    assert a.get("/v1/databases/db_nope").status_code == 404
    # Statements the compiler accepts but the engine refuses are the client's errors too (4xx).
    for sql, params in [("SELECT nosuch FROM notes", []), ("SELECT no_such_fn(title) FROM notes", []),
                        ("SELECT * FROM notes WHERE n = ?", []), ("SELECT * FROM notes WHERE n = ?", [1, 2]),
                        ("INSERT INTO notes (n) VALUES (1)", []), ("SELECT 1/0 AS x FROM notes", []),
                        ("SELECT * FROM notes WHERE title = 1", []), ("SELECT title + 1 FROM notes", []),
                        ("INSERT INTO notes (title, n) VALUES ('x', 'not a number')", []),
                        ("SELECT * FROM notes WHERE due > 'garbage'", [])]:
        r = a.sql(db["id"], sql, params)
        assert r.status_code < 500, (sql, r.status_code, r.text)
        if r.status_code >= 400:
            assert r.json()["error"]["message"], r.text


def test_read_only_tables_of_a_public_database(alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, b = alice_bob
    shared = {"name": "catalog", "mode": "read_only", "fields": [{"name": "item", "type": "text"}]}
    mine = {"name": "orders", "fields": [{"name": "item", "type": "text"}]}
    db = make_db(a, shared, mine, visibility="public")
    assert a.sql(db["id"], "INSERT INTO catalog (item) VALUES ('apple'), ('pear')").status_code == 200
    # B reads every row of the read-only table, cannot write it by SQL or by record.
    r = b.sql(db["id"], "SELECT item FROM catalog ORDER BY item")
    assert r.json()["rows"] == [{"item": "apple"}, {"item": "pear"}], r.text
    r = b.sql(db["id"], "DELETE FROM catalog")
    assert r.status_code == 403 and r.json()["error"]["code"] == "read_only_table", r.text
    r = b.post(f"/v1/databases/{db['id']}/tables/catalog/records", json={"records": [{"item": "x"}]})
    assert r.status_code == 403, r.text
    # Per-user table of the public database: each user only their own rows.
    assert a.sql(db["id"], "INSERT INTO orders (item) VALUES ('a-order')").status_code == 200
    assert b.sql(db["id"], "INSERT INTO orders (item) VALUES ('b-order')").status_code == 200
    assert b.sql(db["id"], "SELECT item FROM orders").json()["rows"] == [{"item": "b-order"}]
    assert a.sql(db["id"], "SELECT item FROM orders").json()["rows"] == [{"item": "a-order"}]
    # B cannot change A's database.
    r = b.post(f"/v1/databases/{db['id']}/tables", json=mine | {"name": "more"})
    assert r.status_code == 403, r.text
    assert b.delete(f"/v1/databases/{db['id']}").status_code == 403
