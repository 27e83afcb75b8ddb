"""Tenant isolation through every endpoint, and >= 100 adversarial SQL bodies sent by user B that
must leak nothing of user A's: A's marker values never appear in any response."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.e2e._server import ApiClient, E2EServer

FIELDS = [{"name": "title", "type": "text"}, {"name": "n", "type": "integer"}]


@pytest.fixture(scope="session")
def world(e2e: E2EServer, alice_bob: tuple[ApiClient, ApiClient]) -> dict[str, Any]:
    """A's private database, a public database both use, A's variables and file, each holding A's marker."""
    a, b = alice_bob
    marker = "AMARK" + secrets.token_hex(6)
    private = a.post("/v1/databases", json={"name": "a-private", "tables": [
        {"name": "notes", "fields": FIELDS}, {"name": "secrets", "fields": FIELDS}]}).json()
    public = a.post("/v1/databases", json={"name": "shared", "visibility": "public",
                                           "tables": [{"name": "notes", "fields": FIELDS}]}).json()
    b_db = b.post("/v1/databases", json={"name": "b-own", "tables": [
        {"name": "notes", "fields": FIELDS}, {"name": "secrets", "fields": FIELDS}]}).json()
    for db in (private, public):
        for table in [t["name"] for t in db["tables"]]:
            r = a.sql(db["id"], f"INSERT INTO {table} (title, n) VALUES (?, 1), (?, 2)", [marker, marker + "x"])
            assert r.status_code == 200, r.text
    b_empty = b.post("/v1/databases", json={"name": "b-empty"}).json()
    for db in (public, b_db):
        assert b.sql(db["id"], "INSERT INTO notes (title, n) VALUES ('bee', 7)").status_code == 200
    assert a.put("/v1/variables/a.secret", json={"value": marker}).status_code == 200
    assert a.put("/v1/variables/common", json={"value": marker}).status_code == 200
    file = a.post("/v1/files", files={"file": (f"{marker}.txt", marker.encode(), "text/plain")}).json()
    return {"marker": marker, "private": private, "public": public, "b_db": b_db, "b_empty": b_empty, "file": file,
            "physical": _physical_names(e2e)}


def _physical_names(e2e: E2EServer) -> list[str]:
    """The physical tables behind every logical one, read from the metadata on the server's db."""
    from providers.db import open_db

    uri = e2e.env.get("DB_URI") or f"sqlite:///{e2e.cwd}/var/data/sqlite/app.db"
    db = open_db(uri)
    try:
        return sorted(r["physical_name"] for r in db.select_data("database_tables").result_set.rows)
    finally:
        db.close()


def test_b_sees_nothing_of_a_through_any_endpoint(world: dict[str, Any],
                                                  alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, b = alice_bob
    marker = world["marker"]
    private_id, file_id = world["private"]["id"], world["file"]["id"]
    responses = [
        b.get("/v1/databases"), b.get(f"/v1/databases/{private_id}"),
        b.sql(private_id, "SELECT * FROM notes"),
        b.get(f"/v1/databases/{private_id}/tables/notes/records"),
        b.post(f"/v1/databases/{private_id}/tables/notes/records", json={"records": [{"title": "x"}]}),
        b.patch(f"/v1/databases/{private_id}/tables/notes/records/1", json={"values": {"title": "x"}}),
        b.delete(f"/v1/databases/{private_id}/tables/notes/records/1"),
        b.post(f"/v1/databases/{private_id}/tables", json={"name": "t2", "fields": FIELDS}),
        b.delete(f"/v1/databases/{private_id}"),
        b.get(f"/v1/databases/{world['public']['id']}/tables/notes/records"),
        b.get("/v1/variables"), b.get("/v1/variables/a.secret"), b.get("/v1/variables/common"),
        b.delete("/v1/variables/a.secret"),
        b.get("/v1/files"), b.get(f"/v1/files/{file_id}"), b.get(f"/v1/files/{file_id}/url"),
        b.delete(f"/v1/files/{file_id}"),
    ]
    for r in responses:
        assert marker not in r.text, (r.request.method, r.request.url, r.text)
        assert r.status_code < 500, (r.request.url, r.text)
    assert [r.status_code for r in responses[1:9]] == [404] * 8
    assert {d["id"] for d in responses[0].json()["databases"]} == {world["b_db"]["id"], world["b_empty"]["id"]}
    assert [rec["title"] for rec in responses[9].json()["records"]] == ["bee"]
    assert responses[10].json()["variables"] == []
    assert [r.status_code for r in responses[11:14]] == [404, 404, 404]
    assert responses[14].json()["files"] == []
    assert [r.status_code for r in responses[15:18]] == [404, 404, 404]
    # A still has everything.
    assert a.get(f"/v1/files/{file_id}").status_code == 200
    assert a.get("/v1/variables/a.secret").json()["value"] == marker


def adversarial_bodies(a_uid: str, b_uid: str, physical: list[str]) -> list[tuple[str, list[Any]]]:
    """Statements user B sends, aimed at user A's rows: comments, CTEs, subqueries, UNION,
    functions, others' physical and system tables, stacked statements, writes."""
    phys = physical[0]
    bodies = [
        "SELECT * FROM notes", "SELECT * FROM notes WHERE 1=1 OR 1=1", f"SELECT * FROM notes WHERE uuid = '{a_uid}'",
        "SELECT * FROM notes WHERE uuid <> 'nobody'", f"SELECT * FROM notes WHERE bstudio_uid = '{a_uid}'",
        "SELECT * FROM notes /* c */ WHERE 1", "SELECT * FROM notes -- c\n WHERE 1", "SELECT * FROM notes #\n",
        "SELECT /*!50000 title */ FROM notes", "SELECT * FROM notes UNION SELECT * FROM notes",
        "SELECT title FROM notes UNION ALL SELECT title FROM notes",
        "SELECT title FROM notes UNION SELECT name FROM users", "SELECT (SELECT title FROM notes LIMIT 1) AS t",
        "SELECT * FROM (SELECT * FROM notes) AS x", "WITH x AS (SELECT * FROM notes) SELECT * FROM x",
        f"WITH notes AS (SELECT * FROM {phys}) SELECT * FROM notes",
        "WITH RECURSIVE r(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM r WHERE k < 3) SELECT * FROM notes, r",
        "SELECT * FROM notes a JOIN notes b ON 1=1", "SELECT * FROM notes a LEFT JOIN notes b ON a.id <> b.id",
        "SELECT * FROM notes a RIGHT JOIN notes b ON a.id = b.id", "SELECT * FROM notes NATURAL JOIN notes x",
        "SELECT * FROM notes WHERE EXISTS (SELECT 1 FROM notes)",
        "SELECT * FROM notes WHERE id IN (SELECT id FROM notes)", "SELECT COUNT(*), GROUP_CONCAT(title) FROM notes",
        "SELECT MAX(title), MIN(title) FROM notes", f"SELECT * FROM {phys}", f"SELECT * FROM `{phys}`",
        f"SELECT * FROM app.{phys}", f"SELECT * FROM main.{phys}", f"SELECT * FROM notes UNION SELECT * FROM {phys}",
        f"SELECT * FROM notes WHERE title IN (SELECT f_1 FROM {phys})",
        f"SELECT * FROM notes WHERE EXISTS (SELECT 1 FROM {phys} WHERE f_1 LIKE 'AMARK%')",
        "SELECT * FROM users", "SELECT * FROM api_keys", "SELECT * FROM database_tables", "SELECT * FROM files",
        "SELECT * FROM _cozelite_migrations", "SELECT * FROM user_databases", "SELECT * FROM database_fields",
        "SELECT * FROM sqlite_master", "SELECT * FROM sqlite_schema", "SELECT * FROM information_schema.tables",
        "SELECT * FROM information_schema.columns", "SELECT * FROM pg_catalog.pg_tables", "SELECT * FROM mysql.user",
        "SELECT * FROM performance_schema.threads", "SELECT LOAD_FILE('/etc/passwd')",
        "SELECT * FROM notes INTO OUTFILE '/tmp/cz-out'", "SELECT pg_read_file('/etc/passwd')",
        "SELECT readfile('/etc/passwd')", "SELECT SLEEP(1)", "SELECT BENCHMARK(1000, MD5(1))",
        f"SELECT 1; SELECT * FROM {phys}", "SELECT * FROM notes; DROP TABLE notes", "SELECT 1;; SELECT 2",
        "UPDATE notes SET title = 'pwn'", f"UPDATE notes SET uuid = '{b_uid}'",
        f"UPDATE notes SET bstudio_uid = '{b_uid}' WHERE 1=1", f"UPDATE notes SET uuid = '{a_uid}' WHERE 1=1",
        "UPDATE notes a JOIN notes b ON 1=1 SET a.title = b.title", "DELETE FROM notes WHERE 1=0",
        f"DELETE FROM notes WHERE uuid = '{a_uid}'", f"INSERT INTO notes (title, uuid) VALUES ('x', '{a_uid}')",
        f"INSERT INTO notes (title) SELECT f_1 FROM {phys}", "INSERT INTO notes (title) SELECT title FROM notes",
        "INSERT INTO notes (title) VALUES ((SELECT name FROM users LIMIT 1))",
        "REPLACE INTO notes (title) VALUES ('x')",
        "INSERT INTO notes (title) VALUES ('x') ON DUPLICATE KEY UPDATE title = 'y'",
        "INSERT INTO notes (id, title) VALUES (1, 'x')", "SELECT * FROM notes LIMIT 1 OFFSET 0",
        f"SELECT * FROM notes ORDER BY (SELECT COUNT(*) FROM {phys})", "SELECT CAST(title AS CHAR) FROM notes",
        "SELECT * FROM notes AS users", "SELECT * FROM notes WHERE title LIKE 'AMARK%'",
        "(SELECT * FROM notes) UNION (SELECT * FROM notes)", "SELECT * FROM notes FOR UPDATE",
        "SELECT database()", "SELECT user()", "SELECT current_user()", "SELECT version()", "SELECT @@version",
        "SHOW TABLES", "DESCRIBE notes", "SET @a = 1", "CALL p()", "LOCK TABLES notes READ",
        "GRANT ALL ON *.* TO x", "CREATE TABLE x (a INT)", "ALTER TABLE notes ADD c INT", "TRUNCATE TABLE notes",
        f"DROP TABLE {phys}", "ATTACH DATABASE 'x' AS y", "PRAGMA table_info(notes)", "COPY notes TO '/tmp/x'",
        "HANDLER notes OPEN", "LOAD DATA INFILE '/etc/passwd' INTO TABLE notes", "EXPLAIN SELECT * FROM notes",
        "DO SLEEP(1)", "SELECT * FROM notes WHERE id = 1 UNION SELECT * FROM notes WHERE 1",
        "SELECT * FROM secrets", "SELECT t.* FROM notes t, notes u",
        "SELECT * FROM notes CROSS JOIN (SELECT * FROM notes) x",
        f"SELECT * FROM notes WHERE title = (SELECT title FROM notes WHERE uuid = '{a_uid}')",
        "SELECT JSON_ARRAYAGG(title) FROM notes", "SELECT * FROM notes USE INDEX (PRIMARY)",
        "SELECT * FROM notes PARTITION (p0)", "TABLE notes", "VALUES ROW(1)",
        "SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (a INT PATH '$')) j",
        "SELECT * FROM notes WHERE title = 'x' OR title LIKE '%'", "SELECT * FROM notes HAVING 1",
        "SELECT title, COUNT(*) FROM notes GROUP BY title WITH ROLLUP",
        "SELECT * FROM notes WHERE n BETWEEN 0 AND 100", "SELECT * FROM NOTES", "SELECT * FROM `notes`",
        "select * from notes where uuid is not null", "SELECT * FROM notes n1 WHERE n1.n IN (1, 2)",
    ]
    out: list[tuple[str, list[Any]]] = [(sql, []) for sql in bodies]
    out += [("SELECT * FROM notes WHERE title = ? OR 1=1", ["x"]), ("SELECT * FROM notes WHERE uuid = ?", [a_uid]),
            ("SELECT * FROM notes WHERE bstudio_uid = ?", [a_uid]), ("UPDATE notes SET uuid = ?", [a_uid])]
    out += [(f"SELECT * FROM {p}", []) for p in physical[1:]]
    return out


def test_adversarial_sql_leaks_nothing(world: dict[str, Any], alice_bob: tuple[ApiClient, ApiClient]) -> None:
    a, b = alice_bob
    marker = world["marker"]
    bodies = adversarial_bodies(a.user_id, b.user_id, world["physical"])
    assert len(bodies) >= 100
    # B's own database, A's public one, A's private one, and B's database with no table at all
    # (an empty table list must not mean "any table").
    targets = [world["b_db"]["id"], world["public"]["id"], world["private"]["id"], world["b_empty"]["id"]]
    statuses: dict[int, int] = {}
    for database_id in targets:
        for sql, params in bodies:
            r = b.sql(database_id, sql, params)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            assert marker not in r.text, (database_id, sql, r.text)
            if a.user_id not in sql and a.user_id not in params:  # an echo of B's own text is no leak
                assert a.user_id not in r.text, (database_id, sql, r.text)
            assert r.status_code in (200, 400, 403, 404), (sql, r.status_code, r.text)
    # Not vacuous: many statements ran, many were refused.
    assert statuses.get(200, 0) >= 60 and statuses.get(400, 0) >= 60, statuses
    assert statuses.get(404) == len(bodies), statuses  # A's private database: never reachable by B
    # A's rows are all still there and unchanged.
    for db in (world["private"], world["public"]):
        rows = a.sql(db["id"], "SELECT title, n FROM notes ORDER BY n").json()["rows"]
        assert rows == [{"title": marker, "n": 1}, {"title": marker + "x", "n": 2}], rows
