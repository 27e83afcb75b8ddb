"""Hand-written attacks on the tenant rewrites, run on the real engines.

Each append_sql_filter case is rewritten with `uid = 'u1'` and executed on the full two-tenant data:
every returned row must be tenant u1's (the first column is the row's uid) and a write may change
only u1's rows. A rewrite may instead refuse (raise SQLParserError) where a case says so: failing
closed is allowed, leaking is not. scope_rows cases must give on the full data exactly what the
original gives on u1's data alone.
"""

from __future__ import annotations

import pytest
from _safety_engines import SCOPED, TENANT, Engine, EngineError, as_bag, fixture_rows, require_dialect

from sqlparser import SQLParserError, UnsupportedConstructError, new_parser

ANY = ("mysql", "sqlite", "postgres")
ROWS, REFUSE, EITHER = "rows", "refuse", "either"

# (dialects, sql, expectation)
APPEND_CASES: list[tuple[tuple[str, ...], str, str]] = [
    (ANY, "SELECT uid, id FROM users WHERE id = 1 OR 1 = 1", ROWS),
    (ANY, "SELECT uid, id FROM users WHERE NOT id = 1 OR id > 0", ROWS),
    (ANY, "SELECT uid FROM users WHERE ((id = 1) OR (1 = 1))", ROWS),
    (ANY, "SELECT uid FROM users WHERE id IN (1, 2) OR name IS NULL OR name IS NOT NULL", ROWS),
    (ANY, "SELECT uid FROM users WHERE CASE WHEN id > 0 THEN 1 ELSE 0 END = 1 OR 1 = 1", ROWS),
    (ANY, "SELECT uid, COUNT(*) FROM users WHERE age > 0 OR 1 = 1 GROUP BY uid HAVING COUNT(*) > 0 "
          "ORDER BY uid", ROWS),
    (ANY, "SELECT uid FROM users WHERE id > 0 OR 1 = 1 ORDER BY id LIMIT 50", ROWS),
    (ANY, "SELECT uid FROM users WHERE id = 1 UNION SELECT uid FROM orders WHERE 1 = 1", ROWS),
    (ANY, "SELECT uid FROM users UNION ALL SELECT uid FROM orders UNION ALL SELECT uid FROM users", ROWS),
    (ANY, "SELECT uid FROM users INTERSECT SELECT uid FROM orders", ROWS),
    (ANY, "SELECT uid FROM users EXCEPT SELECT uid FROM orders WHERE total < 0", ROWS),
    (ANY, "SELECT uid FROM (SELECT * FROM users) AS d WHERE 1 = 1 OR id = 2", ROWS),
    (ANY, "SELECT uid, name FROM users WHERE name = 'x'' OR 1 = 1 -- ' OR 1 = 1", ROWS),
    (ANY, "SELECT uid FROM users WHERE id = 1 -- */ OR 1 = 1\n OR 1 = 1", ROWS),
    (ANY, "SELECT uid FROM users WHERE id = 1 /* ) OR (1 = 1 */ OR 2 = 2", ROWS),
    (ANY, "SELECT uid FROM users WHERE name = 'uid = ''u1''' OR 1 = 1", ROWS),
    (ANY, "UPDATE users SET score = 0 WHERE id > 0 OR 1 = 1", ROWS),
    (ANY, "DELETE FROM orders WHERE total >= 0 OR status IS NULL", ROWS),
    (ANY, "UPDATE orders SET total = total + 1 WHERE id IN (SELECT id FROM orders) OR 1 = 1", ROWS),
    # MySQL: || is OR, XOR binds between AND and OR, backslash escapes, executable comments.
    (("mysql",), "SELECT uid FROM users WHERE id = 1 || 1 = 1", ROWS),
    (("mysql",), "SELECT uid FROM users WHERE id = 1 XOR 1 = 1", ROWS),
    (("mysql",), "SELECT uid FROM users WHERE name = 'a\\' OR 1 = 1 -- ' OR 1 = 1", ROWS),
    (("mysql",), "SELECT uid FROM users WHERE name = 'a\\\\' OR 1 = 1", ROWS),
    (("mysql",), "SELECT uid FROM users WHERE name = \"a\" OR 1 = 1", ROWS),
    (("mysql",), "SELECT uid FROM users WHERE id = 1 /*! OR 1 = 1 */", EITHER),
    (("mysql",), "SELECT uid FROM users WHERE id = 1 /*!50000 OR 1 = 1 */", EITHER),
    (("mysql",), "SELECT uid FROM users WHERE id = 1 /*M! OR 1 = 1 */", EITHER),
    (("mysql",), "SELECT uid FROM users WHERE id = 1 # comment\n OR 1 = 1", ROWS),
    (("mysql",), "SELECT uid FROM users WHERE id = 1 OR 1 = 1 LIMIT 3, 100", ROWS),
    (("mysql",), "DELETE FROM orders WHERE total > 0 OR 1 = 1 ORDER BY id LIMIT 100", ROWS),
    (("mysql",), "UPDATE users SET score = 1 WHERE id > 0 OR 1 = 1 ORDER BY id LIMIT 100", ROWS),
    (("mysql",), "SELECT uid FROM users WHERE (@x := 1) OR 1 = 1", EITHER),
    # PostgreSQL: escape strings, dollar quoting, a write hidden in a CTE.
    (("postgres",), "SELECT uid FROM users WHERE name = E'a\\' OR 1 = 1 --' OR 1 = 1", ROWS),
    (("postgres",), "SELECT uid FROM users WHERE name = $$a' OR 1 = 1 --$$ OR TRUE", ROWS),
    (("postgres",), "WITH d AS (DELETE FROM orders RETURNING uid) SELECT uid FROM d", REFUSE),
    (("postgres",), "WITH d AS (UPDATE users SET score = 0 RETURNING uid) SELECT uid FROM users", REFUSE),
    (("postgres",), "SELECT uid FROM users WHERE id = 1 OR TRUE", ROWS),
    # SQLite: a backslash is an ordinary character; || is concatenation.
    (("sqlite",), "SELECT uid FROM users WHERE name = 'a\\' OR 1 = 1", ROWS),
    (("sqlite",), "SELECT uid FROM users WHERE name || 'x' = 'annx' OR 1 = 1", ROWS),
]


def _cases(table):
    # Compat style prints TiDB's MySQL: it runs on MariaDB only.
    params = []
    for dialects, sql, expect in table:
        for d in dialects:
            for style in ("native", "compat") if d == "mysql" else ("native",):
                params.append(pytest.param(d, sql, expect, style, id=f"{d}-{style}:{sql[:60]}"))
    return params


def _engine(request, dialect: str) -> Engine:
    require_dialect(dialect)
    fixture = {"mysql": "mariadb_engine_", "sqlite": "sqlite_engine", "postgres": "postgres_engine_"}[dialect]
    return request.getfixturevalue(fixture)


@pytest.mark.parametrize(("dialect", "sql", "expect", "style"), _cases(APPEND_CASES))
def test_append_filter_adversarial(request, dialect: str, sql: str, expect: str, style: str) -> None:
    engine = _engine(request, dialect)
    parser = new_parser(dialect, style=style)
    try:
        filtered = parser.append_sql_filter(sql, "AND", f"uid = '{TENANT}'")
    except SQLParserError:
        assert expect in (REFUSE, EITHER), f"refused {sql!r}"
        return
    assert expect in (ROWS, EITHER), f"expected a refusal, got {filtered!r}"
    before = {t: as_bag(r) for t, r in fixture_rows().items() if t in SCOPED}
    if sql.startswith(("UPDATE", "DELETE")):
        engine.begin("full")
        try:
            engine.run("full", filtered)
            after = engine.snapshot("full", SCOPED)
        finally:
            engine.rollback("full")
        for table in SCOPED:
            changed = set(before[table]) ^ set(after[table])
            assert all(row[1] == TENANT for row in changed), (filtered, sorted(changed)[:3])
        return
    rows = engine.run("full", filtered)
    if expect == ROWS:
        assert rows, f"the case should return rows: {filtered}"
    assert {r[0] for r in rows} <= {TENANT}, filtered


# (dialects, sql) pairs: scope_rows(sql) on the full data == sql on tenant u1's data.
SCOPE_CASES: list[tuple[tuple[str, ...], str]] = [
    (ANY, "SELECT uid, id FROM users"),
    (ANY, "SELECT u.id, o.id FROM users u JOIN orders o ON o.user_id = u.id"),
    (ANY, "SELECT u.id, o.id FROM users u LEFT JOIN orders o ON o.user_id = u.id"),
    (ANY, "SELECT u.id, o.id FROM orders o RIGHT JOIN users u ON o.user_id = u.id"),
    (ANY, "SELECT u.id, o.id FROM users u, orders o WHERE o.user_id = u.id OR o.total > 150"),
    (ANY, "SELECT u.id, o.id FROM users u JOIN orders o USING (uid) WHERE u.id < 4"),
    (ANY, "SELECT COUNT(*) FROM users u NATURAL JOIN orders o"),
    (ANY, "SELECT id FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 50)"),
    (ANY, "SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)"),
    (ANY, "SELECT id, (SELECT MAX(total) FROM orders o WHERE o.user_id = u.id) FROM users u"),
    (ANY, "SELECT id FROM users WHERE id IN (SELECT user_id FROM orders WHERE user_id IN "
          "(SELECT id FROM users WHERE age > (SELECT MIN(age) FROM users)))"),
    (ANY, "WITH big AS (SELECT * FROM orders WHERE total > 100) SELECT b.id, u.name FROM big b JOIN users u "
          "ON u.id = b.user_id"),
    (ANY, "WITH RECURSIVE chain(n) AS (SELECT MIN(id) FROM users UNION ALL SELECT n + 1 FROM chain "
          "WHERE n < (SELECT MAX(id) FROM users)) SELECT COUNT(*) FROM chain"),
    (ANY, "SELECT d.uid, d.c FROM (SELECT uid, COUNT(*) AS c FROM orders GROUP BY uid) AS d"),
    (ANY, "SELECT uid FROM users UNION SELECT uid FROM orders"),
    (ANY, "SELECT id FROM users EXCEPT SELECT user_id FROM orders"),
    (ANY, "SELECT u.id FROM (users u JOIN orders o ON o.user_id = u.id) JOIN labels l ON l.id = o.id % 7"),
    (("sqlite", "postgres"), "SELECT USERS.uid FROM USERS"),
    (ANY, "SELECT uid, id FROM users ORDER BY (SELECT COUNT(*) FROM orders WHERE orders.user_id = users.id), id"),
    (ANY, "SELECT uid, COUNT(*) FROM orders GROUP BY uid HAVING COUNT(*) > (SELECT COUNT(*) FROM users) / 10"),
    (ANY, "UPDATE users SET score = (SELECT COUNT(*) FROM orders WHERE orders.user_id = users.id)"),
    (ANY, "UPDATE orders SET status = 'x' WHERE user_id IN (SELECT id FROM users WHERE age > 30)"),
    (ANY, "DELETE FROM orders WHERE user_id NOT IN (SELECT id FROM users WHERE id IS NOT NULL)"),
    (ANY, "DELETE FROM users WHERE id > 3"),
    (ANY, "INSERT INTO labels (id, label) SELECT id + 1000, uid FROM users WHERE age > 20"),
    (("mysql",), "SELECT `uid`, `id` FROM `users` WHERE `id` > 2"),
    (("mysql",), "SELECT uid FROM users USE INDEX (PRIMARY) WHERE id > 2"),
    (("mysql",), "UPDATE users u JOIN orders o ON o.user_id = u.id SET o.status = 'j', u.score = 1"),
    (("mysql",), "UPDATE users u LEFT JOIN orders o ON o.user_id = u.id SET u.score = COALESCE(o.total, -1)"),
    (("mysql",), "DELETE o FROM orders o JOIN users u ON o.user_id = u.id WHERE u.age > 30"),
    (("mysql",), "SELECT uid FROM users WHERE id > 2 /* comment */ ORDER BY id LIMIT 2, 5"),
    (("postgres", "sqlite"), "SELECT u.id, o.id FROM users u FULL JOIN orders o ON o.user_id = u.id"),
    (("postgres", "sqlite"), "UPDATE users AS u SET score = o.total FROM orders AS o WHERE o.user_id = u.id"),
    (("postgres",), "DELETE FROM orders o USING users u WHERE o.user_id = u.id AND u.age > 30"),
    (("postgres",), "SELECT l.id, s.uid FROM labels l, LATERAL (SELECT uid FROM users u WHERE u.id = l.id) s"),
    (("postgres",), "SELECT uid FROM ONLY users"),
    (("postgres",), "WITH d AS (DELETE FROM orders WHERE total > 100 RETURNING id) SELECT COUNT(*) FROM d"),
    (("postgres",), "SELECT x.a FROM users AS x(a, b)"),
    (("sqlite",), "SELECT uid FROM main.users"),
]

SCOPE_REFUSED: list[tuple[tuple[str, ...], str]] = [
    (ANY, "WITH users AS (SELECT 1 AS id) SELECT id FROM users"),
    # Upserts (ON DUPLICATE KEY UPDATE, ON CONFLICT DO UPDATE) are scoped now, not refused:
    # tests/security/test_tenant_write_forms.py shows on the engines that they leave other tenants' rows alone.
    (("sqlite",), "INSERT OR REPLACE INTO users (id, uid, age) VALUES (1, 'u1', 1)"),
    (("sqlite",), "REPLACE INTO users (id, uid, age) VALUES (1, 'u1', 1)"),
    (("mysql",), "REPLACE INTO users (id, uid, age) VALUES (1, 'u1', 1)"),
]


def _scope_params(table):
    return [pytest.param(d, sql, id=f"{d}:{sql[:70]}") for dialects, sql in table for d in dialects]


def _run(engine: Engine, db: str, sql: str):
    if sql.startswith(("UPDATE", "DELETE", "INSERT")) or (sql.startswith("WITH") and "DELETE" in sql):
        engine.begin(db)
        try:
            rows = engine.run(db, sql)
            return as_bag(rows if isinstance(rows, list) else []), engine.snapshot(db)
        finally:
            engine.rollback(db)
    return as_bag(engine.run(db, sql)), None


@pytest.mark.parametrize(("dialect", "sql"), _scope_params(SCOPE_CASES))
def test_scope_rows_adversarial(request, dialect: str, sql: str) -> None:
    engine = _engine(request, dialect)
    parser = new_parser(dialect)
    scoped = parser.scope_rows(sql, {t: f"uid = '{TENANT}'" for t in SCOPED})
    try:
        want_rows, want_tables = _run(engine, "restricted", sql)
    except EngineError as err:
        pytest.fail(f"the case itself is invalid on {engine.name}: {err}")
    got_rows, got_tables = _run(engine, "full", scoped)
    assert got_rows == want_rows, scoped
    if want_tables is not None:
        others = {t: [r for r in rows if r[1] != TENANT] for t, rows in fixture_rows().items() if t in SCOPED}
        for table in want_tables:
            expected = sorted(want_tables[table] + as_bag(others.get(table, [])), key=repr)
            assert got_tables[table] == expected, (table, scoped)


@pytest.mark.parametrize(("dialect", "sql"), _scope_params(SCOPE_REFUSED))
def test_scope_rows_refuses(dialect: str, sql: str) -> None:
    require_dialect(dialect)
    with pytest.raises(SQLParserError) as info:
        new_parser(dialect).scope_rows(sql, {t: f"uid = '{TENANT}'" for t in SCOPED})
    assert isinstance(info.value, (UnsupportedConstructError, SQLParserError))
    assert "unsupported construct" in str(info.value) or "cannot" in str(info.value)


def test_scope_rows_qualifies_by_alias() -> None:
    out = new_parser("mysql").scope_rows("SELECT a.id FROM users AS a JOIN users AS b ON a.id = b.id",
                                         {"users": "uid = 'u1'"})
    assert "a.uid = 'u1'" in out and "b.uid = 'u1'" in out


def test_scope_rows_keeps_unmapped_tables() -> None:
    sql = "SELECT id FROM labels"
    assert new_parser("mysql").scope_rows(sql, {"users": "uid = 'u1'"}) == "SELECT id FROM labels"
