"""Issue 11, Medium 4: a scoped write may not move a row to another tenant nor create one there.

Row-level security's WITH CHECK, as `scope_rows` applies it (sqlparser/passes/scope_writes.py):
an UPDATE assigning a column the scope reads is refused unless it assigns the pinned value, an
INSERT must give the pinned columns the pinned value (or, with `fill_inserts=True`, gets them
filled in). Proved on SQLite, PostgreSQL and MariaDB: the attack really moves a row when only the
WHERE is scoped, the rewrite refuses it, and every write it lets through changes exactly what the
original changes on tenant u1's data alone.
"""

from __future__ import annotations

import pytest

from sqlparser import PolicyViolationError, new_parser
from sqlparser.passes.scope_rows import scope_rows
from tests.safety._safety_engines import SCOPED, TENANT, Engine, as_bag, fixture_rows
from tests.security._tenant_engines import DIALECTS, engine_for

CONDITIONS = {table: f"uid = '{TENANT}'" for table in SCOPED}


@pytest.fixture(params=DIALECTS)
def engine(request: pytest.FixtureRequest) -> Engine:
    return engine_for(request, request.param)


def _after(engine: Engine, db: str, sql: str) -> dict[str, list[tuple]]:
    engine.begin(db)
    try:
        engine.run(db, sql)
        return engine.snapshot(db)
    finally:
        engine.rollback(db)


def _others() -> dict[str, list[tuple]]:
    return {t: as_bag(r for r in rows if r[1] != TENANT) for t, rows in fixture_rows().items() if t in SCOPED}


def _assert_same_as_restricted(engine: Engine, original: str, scoped: str) -> dict[str, list[tuple]]:
    """The scoped write on all data == the original on u1's data, plus other tenants' rows, unchanged."""
    got = _after(engine, "full", scoped)
    want = _after(engine, "restricted", original)
    for table, rows in _others().items():
        want[table] = sorted(want[table] + rows, key=repr)
    assert got == want, scoped
    for table in SCOPED:
        assert all(row[1] == TENANT for row in got[table] if row not in _others()[table]), got[table]
    return got


MOVES = [
    "UPDATE users SET uid = 'u2' WHERE id = 2",
    "UPDATE users SET uid = 'u2', name = 'x' WHERE id = 2",
    "UPDATE users SET name = 'x', uid = (SELECT max(o.uid) FROM orders o) WHERE id = 2",
    "UPDATE users SET uid = CASE WHEN id = 2 THEN 'u2' ELSE uid END",
    "UPDATE orders SET uid = 'u3', total = 0",
]


@pytest.mark.parametrize("sql", MOVES)
def test_update_moving_a_row_is_refused(engine: Engine, sql: str) -> None:
    parser = new_parser(engine.dialect)
    with pytest.raises(PolicyViolationError) as caught:
        parser.scope_rows(sql, CONDITIONS)
    assert caught.value.rule == "row-scope-check"
    # The attack is real: scoping only the rows an UPDATE selects hands u1's row to another tenant.
    table = sql.split()[1]
    where_only = parser.append_sql_filter(sql, "AND", f"{table}.uid = '{TENANT}'")
    after = _after(engine, "full", where_only)
    before = as_bag(fixture_rows()[table])
    moved = [row for row in set(after[table]) - set(before) if row[1] != TENANT]
    assert moved, f"{where_only} moved no row on {engine.name}"


def test_issue_statement_on_sqlite_mysql_style() -> None:
    """The issue's exact statement, `UPDATE t SET uid = 'u2' WHERE id = 1`, on every dialect."""
    for dialect in DIALECTS:
        with pytest.raises(PolicyViolationError, match="row-scope-check"):
            new_parser(dialect).scope_rows("UPDATE t SET uid = 'u2' WHERE id = 1", {"t": "uid = 'u1'"})


ALLOWED_WRITES = [
    "UPDATE users SET name = 'x', age = age + 1 WHERE id < 10",
    "UPDATE users SET uid = 'u1', name = 'y'",
    "UPDATE orders SET total = (SELECT count(*) FROM users u WHERE u.id = orders.user_id)",
    "INSERT INTO users (id, uid, age) VALUES (900, 'u1', 1), (901, 'u1', 2)",
    "INSERT INTO orders (id, uid, total) SELECT id + 500, 'u1', 7 FROM labels",
    "INSERT INTO orders (id, uid, total) SELECT u.id + 600, 'u1', u.age FROM users u WHERE u.age > 30",
    "DELETE FROM orders WHERE total > 100",
]


@pytest.mark.parametrize("sql", ALLOWED_WRITES)
def test_allowed_writes_change_only_the_tenants_rows(engine: Engine, sql: str) -> None:
    scoped = new_parser(engine.dialect).scope_rows(sql, CONDITIONS)
    _assert_same_as_restricted(engine, sql, scoped)


REFUSED_INSERTS = [
    "INSERT INTO users (id, uid, age) VALUES (900, 'u2', 1)",
    "INSERT INTO users (id, uid, age) VALUES (900, 'u1', 1), (901, 'u2', 1)",
    "INSERT INTO users (id, age, uid) SELECT id + 500, 1, label FROM labels",
    "INSERT INTO users (id, uid, age) SELECT id + 500, 'u1', 1 FROM labels UNION ALL SELECT 999, 'u3', 1",
    "INSERT INTO users (id, uid, age) SELECT id + 500, uid, age FROM users",
    "INSERT INTO users (id, age) VALUES (900, 1)",
    "INSERT INTO users VALUES (900, 'u1', 'x', 1, 1)",
    "INSERT INTO orders (id, uid, total) VALUES (900, lower('U2'), 1)",
]


@pytest.mark.parametrize("sql", REFUSED_INSERTS)
def test_insert_outside_the_scope_is_refused(engine: Engine, sql: str) -> None:
    with pytest.raises(PolicyViolationError) as caught:
        new_parser(engine.dialect).scope_rows(sql, CONDITIONS)
    assert caught.value.rule == "row-scope-check"


@pytest.mark.parametrize("sql", [
    "INSERT INTO users (id, age) VALUES (900, 1), (901, 2)",
    "INSERT INTO users (id, name, age) SELECT id + 500, label, 3 FROM labels",
    "INSERT INTO orders (id, total) SELECT id + 700, 1 FROM labels UNION SELECT 990, 2",
])
def test_fill_inserts_adds_the_pinned_column(engine: Engine, sql: str) -> None:
    filled = new_parser(engine.dialect).scope_rows(sql, CONDITIONS, fill_inserts=True)
    assert "'u1'" in filled
    table = sql.split()[2]
    after = _after(engine, "full", filled)
    new = set(after[table]) - set(as_bag(fixture_rows()[table]))
    assert new and all(row[1] == TENANT for row in new), (filled, new)


def test_fill_inserts_default_values_on_sqlite() -> None:
    parser = new_parser("sqlite")
    stmt = parser.compile("INSERT INTO t DEFAULT VALUES")
    assert stmt.tree is not None
    filled = scope_rows(stmt.tree, {"t": parser.parse_condition("uid = 'u1' AND org = 7")}, fill_inserts=True)
    assert parser.render(filled) == "INSERT INTO t (uid, org) VALUES ('u1', 7)"


@pytest.mark.parametrize("condition", ["uid IN ('u1', 'u2')", "uid = 'u1' OR public = 1", "uid <> 'u2'"])
def test_insert_under_a_condition_that_pins_nothing_is_refused(condition: str) -> None:
    with pytest.raises(PolicyViolationError, match="cannot be checked"):
        new_parser("postgres").scope_rows("INSERT INTO t (id, uid) VALUES (1, 'u1')", {"t": condition})
