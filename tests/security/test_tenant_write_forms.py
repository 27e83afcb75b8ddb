"""Issue 10 item 5, security: the write forms users write (REPLACE, INSERT IGNORE, INSERT / UPDATE
OR <action>, ON DUPLICATE KEY UPDATE, ON CONFLICT, MySQL statement modifiers) neither bypass
`scope_rows` (row scope and WITH CHECK) nor `check_policy`.

- A form that deletes an existing row chosen by a key conflict rather than by the statement's
  WHERE (REPLACE, INSERT / UPDATE OR REPLACE) is refused on a scoped table; the attack is shown to
  be real on the engines: unscoped, each one deletes another tenant's row.
- The update half of an upsert (ON DUPLICATE KEY UPDATE, ON CONFLICT DO UPDATE) is scoped: shown
  on the engines to change another tenant's row unscoped, and to leave it alone scoped while the
  tenant's own rows change as the statement says; WITH CHECK holds for its SET list.
- The forms that only decide the fate of the new row (IGNORE, ABORT, FAIL, ROLLBACK, DO NOTHING)
  and the scheduling modifiers are scoped: WITH CHECK still refuses a row for another tenant, and
  what they let through changes exactly what the original changes on tenant u1's data alone.
  (A key conflict with another tenant's row still makes an IGNORE insert skip its row, as under
  PostgreSQL's row-level security: unique keys are global. The rows used here do not collide.)
- check_policy sees the tables and statement kinds of every form.
"""

from __future__ import annotations

import pytest

from sqlparser import OperationType, Policy, PolicyViolationError, UnsupportedConstructError, new_parser
from tests.safety._safety_engines import SCOPED, TENANT, Engine, as_bag, fixture_rows
from tests.security._tenant_engines import engine_for
from tests.security.test_tenant_write_check import _after, _assert_same_as_restricted, _others

CONDITIONS = {table: f"uid = '{TENANT}'" for table in SCOPED}
OTHER_ID = 1  # users.id 1 belongs to tenant u2

# (dialect, statement that deletes users row 1 of tenant u2 when unscoped)
CONFLICT_ATTACKS = [
    ("mysql", "REPLACE INTO users (id, uid, age) VALUES (1, 'u1', 5)"),
    ("mysql", "REPLACE LOW_PRIORITY INTO users SET id = 1, uid = 'u1', age = 5"),
    ("sqlite", "REPLACE INTO users (id, uid, age) VALUES (1, 'u1', 5)"),
    ("sqlite", "INSERT OR REPLACE INTO users (id, uid, age) VALUES (1, 'u1', 5)"),
    ("sqlite", "UPDATE OR REPLACE users SET id = 1 WHERE id = 2"),
]


@pytest.mark.parametrize(("dialect", "sql"), CONFLICT_ATTACKS, ids=[f"{d}: {s[:50]}" for d, s in CONFLICT_ATTACKS])
def test_conflict_forms_on_a_scoped_table_are_refused(request: pytest.FixtureRequest, dialect: str,
                                                      sql: str) -> None:
    engine: Engine = engine_for(request, dialect)
    with pytest.raises(UnsupportedConstructError):
        new_parser(dialect).scope_rows(sql, CONDITIONS)
    # The attack is real: unscoped, the statement changes or removes tenant u2's row.
    before = [r for r in as_bag(fixture_rows()["users"]) if r[0] == OTHER_ID]
    after = [r for r in _after(engine, "full", sql)["users"] if r[0] == OTHER_ID]
    assert before != after, f"{sql} left u2's row alone on {dialect}"


# (dialect, upsert that changes users row 1 of tenant u2 when unscoped; ids 2 and 4 are u1's)
UPSERTS = [
    ("mysql", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 5), (2, 'u1', 6) ON DUPLICATE KEY UPDATE age = 99"),
    ("mysql", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 5), (4, 'u1', 6) "
              "ON DUPLICATE KEY UPDATE age = VALUES(age) + age, name = 'x', uid = 'u1'"),
    ("mysql", "INSERT IGNORE INTO users (id, uid, age) VALUES (1, 'u1', 5) ON DUPLICATE KEY UPDATE name = 'x'"),
    ("mysql", "INSERT INTO users (id, uid, age) SELECT id - 100, 'u1', 7 FROM orders o WHERE o.id < 105 "
              "ON DUPLICATE KEY UPDATE score = 1"),
    ("sqlite", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 5), (2, 'u1', 6) "
               "ON CONFLICT (id) DO UPDATE SET age = 99"),
    ("sqlite", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 5), (4, 'u1', 6) "
               "ON CONFLICT (id) DO UPDATE SET age = excluded.age + users.age WHERE users.age > 0"),
    ("postgres", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 5), (2, 'u1', 6) "
                 "ON CONFLICT (id) DO UPDATE SET age = 99"),
    ("postgres", "INSERT INTO users AS x (id, uid, age) VALUES (1, 'u1', 5), (4, 'u1', 6) ON CONFLICT (id) DO UPDATE "
                 "SET age = x.age + 1, uid = 'u1' WHERE x.age > 0"),
]


@pytest.mark.parametrize(("dialect", "sql"), UPSERTS, ids=[f"{d}: {s[:50]}" for d, s in UPSERTS])
def test_upserts_change_only_rows_in_scope(request: pytest.FixtureRequest, dialect: str, sql: str) -> None:
    engine: Engine = engine_for(request, dialect)
    # The attack is real: unscoped, the upsert changes tenant u2's row 1.
    before = [r for r in as_bag(fixture_rows()["users"]) if r[0] == OTHER_ID]
    assert [r for r in _after(engine, "full", sql)["users"] if r[0] == OTHER_ID] != before
    scoped = new_parser(dialect).scope_rows(sql, CONDITIONS)
    after = _after(engine, "full", scoped)
    # Scoped, every other tenant's row stays as it was (row 1 included) ...
    for table, rows in _others().items():
        assert [r for r in after[table] if r[1] != TENANT] == rows, (scoped, table)
    # ... and u1's rows change as the statement says, except for the new row whose key another
    # tenant's row holds (unique keys are global: it is dropped, as row-level security does).
    unscoped_keys = {r[0] for r in as_bag(fixture_rows()["users"]) if r[1] != TENANT}
    want = _after(engine, "restricted", sql)["users"]
    assert [r for r in after["users"] if r[1] == TENANT] == [r for r in want if r[0] not in unscoped_keys], scoped


@pytest.mark.parametrize(("dialect", "sql"), [
    ("mysql", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 5) ON DUPLICATE KEY UPDATE uid = 'u2'"),
    ("mysql", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 5) ON DUPLICATE KEY UPDATE uid = VALUES(name)"),
    ("sqlite", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 5) ON CONFLICT (id) DO UPDATE SET uid = 'u3'"),
    ("postgres", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 5) ON CONFLICT (id) DO UPDATE "
                 "SET uid = excluded.name"),
])
def test_upserts_may_not_move_a_row_out_of_scope(dialect: str, sql: str) -> None:
    with pytest.raises(PolicyViolationError) as caught:
        new_parser(dialect).scope_rows(sql, CONDITIONS)
    assert caught.value.rule == "row-scope-check"


ALLOWED = [
    ("mysql", "INSERT IGNORE INTO users (id, uid, age) VALUES (2, 'u1', 5), (900, 'u1', 6)"),
    ("mysql", "INSERT LOW_PRIORITY IGNORE INTO orders (id, uid, total) SELECT id + 800, 'u1', 3 FROM labels"),
    ("mysql", "INSERT HIGH_PRIORITY INTO users (id, uid, age) VALUES (901, 'u1', 1)"),
    ("mysql", "UPDATE LOW_PRIORITY users SET age = age + 1 WHERE id < 12"),
    ("mysql", "UPDATE IGNORE users SET name = 'x'"),
    ("mysql", "DELETE LOW_PRIORITY QUICK FROM orders WHERE total > 100"),
    ("mysql", "DELETE IGNORE FROM users WHERE age > 40"),
    ("sqlite", "INSERT OR IGNORE INTO users (id, uid, age) VALUES (2, 'u1', 5), (900, 'u1', 6)"),
    ("sqlite", "INSERT OR ABORT INTO users (id, uid, age) VALUES (900, 'u1', 6)"),
    ("sqlite", "INSERT OR FAIL INTO orders (id, uid, total) SELECT id + 800, 'u1', 3 FROM labels"),
    ("sqlite", "UPDATE OR IGNORE users SET age = age + 1 WHERE id < 12"),
    ("sqlite", "UPDATE OR ROLLBACK orders SET total = 0 WHERE status = 'paid'"),
    ("sqlite", "INSERT INTO users (id, uid, age) VALUES (2, 'u1', 5), (900, 'u1', 6) ON CONFLICT DO NOTHING"),
    ("postgres", "INSERT INTO users (id, uid, age) VALUES (2, 'u1', 5), (900, 'u1', 6) ON CONFLICT (id) DO NOTHING"),
    ("postgres", "INSERT INTO orders (id, uid, total) SELECT id + 800, 'u1', 3 FROM labels ON CONFLICT DO NOTHING"),
]


@pytest.mark.parametrize(("dialect", "sql"), ALLOWED, ids=[f"{d}: {s[:50]}" for d, s in ALLOWED])
def test_new_row_forms_change_only_the_tenants_rows(request: pytest.FixtureRequest, dialect: str, sql: str) -> None:
    engine: Engine = engine_for(request, dialect)
    scoped = new_parser(dialect).scope_rows(sql, CONDITIONS)
    _assert_same_as_restricted(engine, sql, scoped)


WITH_CHECK = [
    ("mysql", "INSERT IGNORE INTO users (id, uid, age) VALUES (900, 'u2', 1)"),
    ("mysql", "INSERT DELAYED INTO users (id, uid, age) VALUES (900, 'u2', 1)"),
    ("mysql", "UPDATE LOW_PRIORITY IGNORE users SET uid = 'u2' WHERE id = 2"),
    ("sqlite", "INSERT OR IGNORE INTO users (id, uid, age) VALUES (900, 'u2', 1)"),
    ("sqlite", "UPDATE OR IGNORE users SET uid = 'u2' WHERE id = 2"),
    ("sqlite", "UPDATE OR ABORT users SET uid = 'u3'"),
    ("sqlite", "INSERT INTO users (id, uid, age) VALUES (900, 'u2', 1) ON CONFLICT DO NOTHING"),
    ("postgres", "INSERT INTO users (id, uid, age) VALUES (900, 'u2', 1) ON CONFLICT (id) DO NOTHING"),
]


@pytest.mark.parametrize(("dialect", "sql"), WITH_CHECK, ids=[f"{d}: {s[:50]}" for d, s in WITH_CHECK])
def test_with_check_holds_for_every_form(dialect: str, sql: str) -> None:
    with pytest.raises(PolicyViolationError) as caught:
        new_parser(dialect).scope_rows(sql, CONDITIONS)
    assert caught.value.rule == "row-scope-check"


POLICY = Policy(tables=frozenset({"users"}), operations=frozenset({OperationType.SELECT, OperationType.INSERT}))

POLICY_REFUSED = [
    ("mysql", "REPLACE INTO orders (id, uid, total) VALUES (1, 'u1', 1)"),  # table
    ("mysql", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 1) ON DUPLICATE KEY UPDATE "
              "age = (SELECT MAX(total) FROM orders)"),  # table read in the update
    ("mysql", "UPDATE LOW_PRIORITY users SET age = 1"),  # operation
    ("mysql", "DELETE QUICK FROM users"),  # operation
    ("sqlite", "UPDATE OR REPLACE users SET age = 1"),  # operation
    ("sqlite", "INSERT OR IGNORE INTO users (id, uid, age) SELECT id, uid, total FROM orders"),  # table
    ("sqlite", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 1) ON CONFLICT (id) DO UPDATE "
               "SET age = (SELECT COUNT(*) FROM labels)"),  # table
    ("postgres", "INSERT INTO users (id, uid, age) VALUES (1, 'u1', 1) ON CONFLICT (id) DO UPDATE "
                 "SET name = (SELECT label FROM labels LIMIT 1)"),  # table
]


@pytest.mark.parametrize(("dialect", "sql"), POLICY_REFUSED, ids=[f"{d}: {s[:50]}" for d, s in POLICY_REFUSED])
def test_policy_sees_every_write_form(dialect: str, sql: str) -> None:
    with pytest.raises(PolicyViolationError):
        new_parser(dialect).check_policy(sql, POLICY)


@pytest.mark.parametrize(("dialect", "sql"), [
    ("mysql", "REPLACE INTO users (id, uid, age) VALUES (1, 'u1', 1)"),
    ("mysql", "INSERT LOW_PRIORITY IGNORE INTO users (id, uid, age) VALUES (1, 'u1', 1)"),
    ("sqlite", "INSERT OR REPLACE INTO users (id, uid, age) VALUES (1, 'u1', 1)"),
])
def test_policy_allows_the_forms_it_should(dialect: str, sql: str) -> None:
    new_parser(dialect).check_policy(sql, POLICY)


@pytest.mark.parametrize("sql", [
    "DELETE FROM orders /*! WHERE total > 100 */",
    "UPDATE users SET name = 'x' /*!50000 WHERE age > 30 */",
    "SELECT uid, total FROM orders /*! WHERE total > 0 */",
])
def test_executable_comment_text_is_scoped(request: pytest.FixtureRequest, sql: str) -> None:
    """The text of /*! ... */ is part of the statement: scope_rows scopes it like any other text."""
    engine: Engine = engine_for(request, "mysql")
    scoped = new_parser("mysql").scope_rows(sql, CONDITIONS)
    assert "/*!" not in scoped
    if sql.startswith("SELECT"):
        rows = engine.run("full", scoped)
        assert rows and all(row[0] == TENANT for row in rows)
    else:
        _assert_same_as_restricted(engine, sql, scoped)
