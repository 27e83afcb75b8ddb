"""Issue 11, High 1: SQLite's `expr IN table` hid a table from scope_rows and check_policy.

SQLite accepts a bare table name (or a table-valued function) as the right side of IN and reads it
as `(SELECT * FROM name)`. The front end used to lower the name as a column, so no table was seen:
the attack below returned tenant u2's PIN through `scope_rows`, and `check_policy` let IN reach
tables outside the policy, `sqlite_sequence`, `pragma_*` and the db provider's own tables.

Every test runs the SQL on SQLite (apsw): the lowering must keep the meaning, and the scoped
statement on the two-tenant data must return what the original returns on tenant u1's data alone.
"""

from __future__ import annotations

from typing import Any

import apsw
import pytest

from sqlparser import Policy, PolicyViolationError, new_parser
from sqlparser.types import OperationType

PARSER = new_parser("sqlite")
SCOPE = {"pins": "uid = 'u1'"}
PINS = [("u1", 1234), ("u2", 9876), ("u1", 42), ("u3", 5555)]
ATTACK = ("WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x+1 FROM n WHERE x < 9999) "
          "SELECT x FROM n WHERE ('u2', x) IN pins")


def _db(rows: list[tuple[str, int]]) -> apsw.Connection:
    conn = apsw.Connection(":memory:")
    conn.execute("CREATE TABLE pins (uid TEXT NOT NULL, pin INTEGER NOT NULL)")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, uid TEXT, pin INTEGER)")
    conn.execute("CREATE TEMP TABLE pins (uid TEXT NOT NULL, pin INTEGER NOT NULL)")
    for uid, pin in rows:
        conn.execute("INSERT INTO main.pins VALUES (?, ?)", (uid, pin))
        conn.execute("INSERT INTO temp.pins VALUES (?, ?)", (uid, pin))
    for i, (uid, pin) in enumerate(PINS):
        conn.execute("INSERT INTO notes VALUES (?, ?, ?)", (i + 1, uid, pin))
    return conn


def _rows(conn: apsw.Connection, sql: str) -> list[tuple[Any, ...]] | str:
    try:
        return sorted(conn.execute(sql).fetchall(), key=repr)
    except apsw.Error as err:
        return f"{type(err).__name__}: {err}"


def _snapshot(conn: apsw.Connection, sql: str) -> tuple[Any, ...]:
    """Rows a statement returns plus the unscoped table after it ran (the write is rolled back after)."""
    conn.execute("SAVEPOINT s")
    try:
        result = _rows(conn, sql)
        tables = _rows(conn, "SELECT * FROM notes")
    finally:
        conn.execute("ROLLBACK TO s")
        conn.execute("RELEASE s")
    return result, tables


def test_issue_attack_returns_no_other_tenant_pin() -> None:
    scoped = PARSER.scope_rows(ATTACK, SCOPE)
    assert scoped != ATTACK
    full, own = _db(PINS), _db([r for r in PINS if r[0] == "u1"])
    assert _rows(full, ATTACK) == [(9876,)]  # the leak the issue reports, unscoped
    assert _rows(full, scoped) == [] == _rows(own, ATTACK)


# Every spelling of a table after IN, in every clause that holds an expression.
IN_TABLE_FORMS = [
    "SELECT pin FROM notes WHERE (uid, pin) IN pins",
    "SELECT pin FROM notes WHERE (uid, pin) NOT IN pins",
    "SELECT pin FROM notes WHERE (uid, pin) IN main.pins",
    "SELECT pin FROM notes WHERE (uid, pin) IN temp.pins",
    "SELECT pin FROM notes WHERE (uid, pin) IN \"pins\"",
    "SELECT pin FROM notes WHERE (uid, pin) IN [pins]",
    "SELECT pin FROM notes WHERE (uid, pin) IN `PINS`",
    "SELECT (uid, pin) IN pins FROM notes",
    "SELECT pin FROM notes GROUP BY pin HAVING (max(uid), pin) IN pins",
    "SELECT n.pin FROM notes n JOIN notes m ON (n.uid, m.pin) IN pins",
    "SELECT pin FROM notes ORDER BY (uid, pin) IN pins, pin",
    "SELECT CASE WHEN (uid, pin) IN pins THEN pin END FROM notes",
    "SELECT pin FROM notes WHERE EXISTS (SELECT 1 WHERE (notes.uid, notes.pin) IN pins)",
    "SELECT x FROM (SELECT pin AS x FROM notes WHERE (uid, pin) IN pins)",
    "WITH c AS (SELECT pin FROM notes WHERE (uid, pin) IN pins) SELECT * FROM c",
    "SELECT pin FROM notes WHERE (uid, pin) IN pins UNION SELECT 0",
    "SELECT count(*) FILTER (WHERE (uid, pin) IN pins) FROM notes",
    "SELECT sum(pin) OVER (PARTITION BY (uid, pin) IN pins) FROM notes",
    "UPDATE notes SET pin = 0 WHERE (uid, pin) IN pins",
    "UPDATE notes SET pin = ((uid, pin) IN pins)",
    "UPDATE notes SET pin = 0 FROM (SELECT 1) AS one WHERE (uid, pin) IN pins",
    "DELETE FROM notes WHERE (uid, pin) IN pins",
    "DELETE FROM notes WHERE (uid, pin) IN pins RETURNING pin",
    "UPDATE notes SET pin = 0 RETURNING (uid, pin) IN pins",
    "INSERT INTO notes (uid, pin) SELECT uid, pin FROM notes WHERE (uid, pin) IN pins",
    "INSERT INTO notes (uid, pin) VALUES ('x', (('u2', 9876) IN pins))",
]


@pytest.mark.parametrize("sql", IN_TABLE_FORMS)
def test_in_table_is_scoped_everywhere(sql: str) -> None:
    scoped = PARSER.scope_rows(sql, SCOPE)
    full, own = _db(PINS), _db([r for r in PINS if r[0] == "u1"])
    want = _snapshot(own, sql)
    assert not isinstance(want[0], str), want  # the engine accepts the original
    assert _snapshot(full, scoped) == want, scoped


# The lowering `x IN t` -> `x IN (SELECT * FROM t)` keeps SQLite's meaning: the same rows, and the
# same error where SQLite refuses (a table-valued function's column count).
EQUIVALENCE = [
    "SELECT pin FROM notes WHERE (uid, pin) IN pins",
    "SELECT pin FROM notes WHERE (uid, pin) NOT IN main.pins",
    "SELECT pin, (uid, pin) IN temp.pins FROM notes",
    "SELECT pin FROM notes WHERE pin IN pins",
    "SELECT 1 WHERE (0, 'main', '') IN pragma_database_list",
    "SELECT 1 WHERE 1 IN json_each('[1, 2]')",
    "SELECT j.atom FROM json_each('[5, 6]') AS j WHERE 1 NOT IN json_each('[]')",
    "SELECT j.atom FROM json_tree('[[5]]') AS j WHERE (j.\"key\", j.value, j.type, j.atom, j.id, j.parent, "
    "j.fullkey, j.path) IN json_tree('[[5]]')",
    "WITH p(a, b) AS (SELECT uid, pin FROM pins) SELECT pin FROM notes WHERE (uid, pin) IN p",
    "WITH pins(a, b) AS (SELECT 'u3', 5555) SELECT pin FROM notes WHERE (uid, pin) IN pins",
]


@pytest.mark.parametrize("sql", EQUIVALENCE)
def test_lowering_keeps_sqlite_meaning(sql: str) -> None:
    stmt = PARSER.compile(sql)
    assert stmt.tree is not None
    lowered = PARSER.render(stmt.tree)
    assert " IN (SELECT * FROM " in lowered, lowered
    conn = _db(PINS)
    assert _rows(conn, lowered) == _rows(conn, sql), lowered


def test_cte_named_like_the_scoped_table_is_refused() -> None:
    from sqlparser import SQLParserError

    with pytest.raises(SQLParserError, match="CTE named"):
        PARSER.scope_rows("WITH pins AS (SELECT 'u2', 9876) SELECT 1 WHERE ('u2', 9876) IN pins", SCOPE)


POLICY = Policy(tables={"pins", "notes", "_cozelite_rdb_tables"},
                operations={OperationType.SELECT, OperationType.UPDATE, OperationType.DELETE})


@pytest.mark.parametrize(("sql", "rule"), [
    ("SELECT 1 WHERE 1 IN secrets", "table-not-allowed"),
    ("SELECT 1 WHERE (1, 2) NOT IN secrets", "table-not-allowed"),
    ("SELECT 1 FROM notes WHERE pin IN sqlite_sequence", "system-table"),
    ("SELECT 1 WHERE 'x' IN sqlite_master", "system-table"),
    ("SELECT 1 WHERE 'x' IN pragma_table_list", "system-table"),
    ("SELECT 1 WHERE 'x' IN pragma_table_info('pins')", "table-function"),
    ("SELECT 1 WHERE 'x' IN _cozelite_rdb_tables", "system-table"),
    ("SELECT 1 WHERE 'x' IN _cozelite_rdb_columns", "system-table"),
    ("SELECT 1 WHERE 'x' IN main.pins", "schema-qualified"),
    ("SELECT 1 WHERE 'x' IN temp.pins", "system-schema"),
    ("UPDATE notes SET pin = 1 WHERE uid IN secrets", "table-not-allowed"),
    ("DELETE FROM notes WHERE uid IN secrets RETURNING uid IN secrets", "table-not-allowed"),
    ("SELECT 1 WHERE 1 IN fsdir('.')", "table-function"),
])
def test_check_policy_sees_in_table(sql: str, rule: str) -> None:
    with pytest.raises(PolicyViolationError) as caught:
        PARSER.check_policy(sql, POLICY)
    assert caught.value.rule == rule, caught.value


@pytest.mark.parametrize("sql", [
    "SELECT 1 WHERE (1, 2) IN pins",
    "SELECT 1 WHERE 1 IN json_each('[1]')",
    "WITH c AS (SELECT 1) SELECT 1 WHERE 1 IN c",
])
def test_check_policy_allows_in_over_allowed_sources(sql: str) -> None:
    PARSER.check_policy(sql, POLICY)
