"""Scope-aware rename, case by case: what each scope shape renames to, the named ambiguity errors,
and every renamed case run against the engines (same rows on the physical schema).

The mapping is the generated differential's (tests/rename/_rename_engines.py): table-specific
physical columns (users.id -> u_id, orders.id -> o_id), uid -> c_uid in both scoped tables.
"""

from __future__ import annotations

import pytest
from _rename_engines import PHYSICAL, EngineError, RenameEngine
from _workload import as_bag

from sqlparser import SQLParserError, TableColumn, new_parser
from sqlparser.errors import AmbiguousColumnError

DIALECTS = ("sqlite", "postgres", "mysql")

# (logical SQL, expected rename, dialects it runs on)
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    # derived tables and CTEs keep exposing what their renamed select list exposes
    ("SELECT d.name FROM (SELECT name FROM users) AS d",
     "SELECT d.u_name FROM (SELECT u_name FROM t_users) AS d", DIALECTS),
    ("WITH x AS (SELECT name, id FROM users) SELECT x.name, COUNT(x.id) FROM x GROUP BY x.name",
     "WITH x AS (SELECT u_name, u_id FROM t_users) SELECT x.u_name, COUNT(x.u_id) FROM x GROUP BY x.u_name",
     DIALECTS),
    ("SELECT u.name, s.total FROM users u JOIN (SELECT user_id, SUM(total) AS total FROM orders GROUP BY user_id) s "
     "ON u.id = s.user_id",
     "SELECT u.u_name, s.total FROM t_users AS u JOIN (SELECT o_user_id, SUM(o_total) AS total FROM t_orders "
     "GROUP BY o_user_id) AS s ON u.u_id = s.o_user_id", DIALECTS),
    # stars through derived tables
    ("SELECT d.name, d.age FROM (SELECT * FROM users WHERE age > 30) d",
     "SELECT d.u_name, d.u_age FROM (SELECT * FROM t_users WHERE u_age > 30) AS d", DIALECTS),
    ("SELECT name FROM (SELECT u.* FROM users u JOIN labels l ON l.id = u.id) d",
     "SELECT u_name FROM (SELECT u.* FROM t_users AS u JOIN t_labels AS l ON l.l_id = u.u_id) AS d", DIALECTS),
    # the same alias at several levels; the inner one shadows
    ("SELECT a.name FROM users a WHERE EXISTS (SELECT 1 FROM orders a WHERE a.total > 100) AND a.age > 20",
     "SELECT a.u_name FROM t_users AS a WHERE EXISTS(SELECT 1 FROM t_orders AS a WHERE a.o_total > 100) "
     "AND a.u_age > 20", DIALECTS),
    # correlated: an unqualified name no inner source lists is the outer query's
    ("SELECT name FROM users WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = id AND age > 20)",
     "SELECT u_name FROM t_users WHERE EXISTS(SELECT 1 FROM t_orders AS o WHERE o.o_user_id = o_id AND u_age > 20)",
     DIALECTS),
    # USING / NATURAL join columns
    ("SELECT uid, name, status FROM users JOIN orders USING (uid) WHERE total > 150",
     "SELECT c_uid, u_name, o_status FROM t_users JOIN t_orders USING (c_uid) WHERE o_total > 150", DIALECTS),
    ("SELECT uid, name, status FROM (SELECT uid, name FROM users) a NATURAL JOIN (SELECT uid, status FROM orders) b",
     "SELECT c_uid, u_name, o_status FROM (SELECT c_uid, u_name FROM t_users) AS a NATURAL JOIN "
     "(SELECT c_uid, o_status FROM t_orders) AS b", DIALECTS),
    # recursive CTE: the recursive arm reads the anchor's exposed names
    ("WITH RECURSIVE r AS (SELECT id, 1 AS n FROM users WHERE id < 3 UNION ALL SELECT id, n + 1 FROM r WHERE n < 3) "
     "SELECT r.id, n FROM r",
     "WITH RECURSIVE r AS (SELECT u_id, 1 AS n FROM t_users WHERE u_id < 3 UNION ALL SELECT u_id, n + 1 FROM r "
     "WHERE n < 3) SELECT r.u_id, n FROM r", DIALECTS),
    # select-list aliases: ORDER BY reads the alias, GROUP BY too when no column has the name
    ("SELECT id AS name FROM users ORDER BY name",
     "SELECT u_id AS name FROM t_users ORDER BY name", DIALECTS),
    ("SELECT uid AS k, COUNT(*) AS n FROM orders GROUP BY k ORDER BY k, n",
     "SELECT c_uid AS k, COUNT(*) AS n FROM t_orders GROUP BY k ORDER BY k, n", DIALECTS),
    # a VALUES arm in a set operation (sqlglot's `left` refused it: an internal error before)
    ("WITH RECURSIVE c(x) AS (VALUES (1) UNION ALL SELECT x + 1 FROM c WHERE x < 3) "
     "SELECT c.x, u.name FROM c JOIN users u ON u.id = c.x",
     "WITH RECURSIVE c(x) AS (VALUES (1) UNION ALL SELECT x + 1 FROM c WHERE x < 3) "
     "SELECT c.x, u.u_name FROM c JOIN t_users AS u ON u.u_id = c.x", ("sqlite", "postgres")),
    ("SELECT v.a FROM (VALUES (1), (2) UNION SELECT id FROM users WHERE age > 20) AS v(a)",
     "SELECT v.a FROM (VALUES (1), (2) UNION SELECT u_id FROM t_users WHERE u_age > 20) AS v(a)", ("postgres",)),
    # set operations: their ORDER BY names the first arm's (renamed) output
    ("SELECT name FROM users UNION SELECT status FROM orders ORDER BY name",
     "SELECT u_name FROM t_users UNION SELECT o_status FROM t_orders ORDER BY u_name", DIALECTS),
    ("SELECT d.age FROM (SELECT age FROM users UNION ALL SELECT total FROM orders) d WHERE d.age > 100",
     "SELECT d.u_age FROM (SELECT u_age FROM t_users UNION ALL SELECT o_total FROM t_orders) AS d WHERE d.u_age > 100",
     DIALECTS),
    # window functions and named windows
    ("SELECT uid, SUM(total) OVER w AS s FROM orders WINDOW w AS (PARTITION BY uid)",
     "SELECT c_uid, SUM(o_total) OVER w AS s FROM t_orders WINDOW w AS (PARTITION BY c_uid)", DIALECTS),
    ("SELECT id, ROW_NUMBER() OVER (PARTITION BY uid ORDER BY id) AS rn FROM users",
     "SELECT u_id, ROW_NUMBER() OVER (PARTITION BY c_uid ORDER BY u_id) AS rn FROM t_users", DIALECTS),
    # derived column lists keep their names
    ("WITH x(a, b) AS (SELECT id, name FROM users) SELECT a, b FROM x WHERE a > 3",
     "WITH x(a, b) AS (SELECT u_id, u_name FROM t_users) SELECT a, b FROM x WHERE a > 3", ("sqlite", "postgres")),
    # LATERAL (PostgreSQL; MariaDB and SQLite have none)
    ("SELECT u.name, l.total FROM users u, LATERAL (SELECT total FROM orders o WHERE o.user_id = u.id) l",
     "SELECT u.u_name, l.o_total FROM t_users AS u, LATERAL (SELECT o_total FROM t_orders AS o "
     "WHERE o.o_user_id = u.u_id) AS l", ("postgres",)),
    # writes
    ("UPDATE orders SET total = total + 1 WHERE user_id IN (SELECT id FROM users WHERE age > 30)",
     "UPDATE t_orders SET o_total = o_total + 1 WHERE o_user_id IN (SELECT u_id FROM t_users WHERE u_age > 30)",
     ()),
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("sql", "expected", "runs_on"), CASES, ids=[c[0][:60] for c in CASES])
def test_rename_text(dialect: str, sql: str, expected: str, runs_on: tuple[str, ...]) -> None:
    if dialect not in runs_on and runs_on:
        pytest.skip(f"{dialect} has no such syntax")
    assert new_parser(dialect).parse_and_modify_sql(sql, PHYSICAL) == expected


def test_rename_cases_same_rows(rename_engine: RenameEngine) -> None:
    parser = new_parser(rename_engine.dialect)
    checked = 0
    for sql, _expected, runs_on in CASES:
        if rename_engine.dialect not in runs_on:
            continue
        original = rename_engine.run("logical", sql)
        renamed = rename_engine.run("physical", parser.parse_and_modify_sql(sql, PHYSICAL))
        assert as_bag(original) == as_bag(renamed), sql
        checked += 1
    assert checked >= 15


AMBIGUOUS = [
    # two mapped tables list the name
    "SELECT id FROM users, orders",
    # USING on a column the two sides map differently
    "SELECT name FROM users JOIN orders USING (id)",
    # NATURAL JOIN whose common column maps differently
    "SELECT * FROM (SELECT id, name FROM users) a NATURAL JOIN (SELECT id, status FROM orders) b",
    # GROUP BY name: the alias (age) or users.name? the engines disagree
    "SELECT age AS name, COUNT(*) FROM users GROUP BY name",
    # an unknown table in the subquery may have `age` itself
    "SELECT name FROM users WHERE EXISTS (SELECT 1 FROM audit WHERE age > 3)",
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("sql", AMBIGUOUS)
def test_ambiguity_is_a_named_error(dialect: str, sql: str) -> None:
    with pytest.raises(AmbiguousColumnError) as info:
        new_parser(dialect).parse_and_modify_sql(sql, PHYSICAL)
    assert isinstance(info.value, SQLParserError)
    assert "ambiguous column" in str(info.value)


def test_mysql_values_row_arm_is_resolved() -> None:
    # MySQL's `VALUES ROW(...)` arm lowers to a VALUES list straight in FROM (MariaDB, the test
    # engine, has no VALUES ROW, so this one is checked on text only).
    sql = ("WITH RECURSIVE c(x) AS (VALUES ROW(1) UNION ALL SELECT x + 1 FROM c WHERE x < 3) "
           "SELECT c.x, u.name FROM c JOIN users u ON u.id = c.x")
    assert new_parser("mysql").parse_and_modify_sql(sql, PHYSICAL) == (
        "WITH RECURSIVE c(x) AS (SELECT * FROM (VALUES ROW(1)) AS _values UNION ALL SELECT x + 1 FROM c "
        "WHERE x < 3) SELECT c.x, u.u_name FROM c JOIN t_users AS u ON u.u_id = c.x")


def test_cte_named_like_a_mapped_table_is_not_renamed() -> None:
    out = new_parser("sqlite").parse_and_modify_sql(
        "WITH users AS (SELECT id AS k FROM labels) SELECT k FROM users", PHYSICAL)
    assert out == "WITH users AS (SELECT l_id AS k FROM t_labels) SELECT k FROM users"


def test_unmapped_tables_keep_the_go_behaviour() -> None:
    mapping = {"users": TableColumn("new_users", {"id": "user_id"})}
    out = new_parser("mysql").parse_and_modify_sql(
        "SELECT u.id, o.order_id FROM users AS u JOIN orders AS o ON u.id = o.user_id", mapping)
    assert out == "SELECT u.user_id, o.order_id FROM new_users AS u JOIN orders AS o ON u.user_id = o.user_id"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_sqlite_outer_fallback_for_a_qualified_name(dialect: str) -> None:
    # SQLite reads c.total from the outer c when the inner c (labels) has no such column.
    sql = "SELECT c.id FROM orders c WHERE EXISTS (SELECT 1 FROM labels c WHERE c.total > 100)"
    out = new_parser(dialect).parse_and_modify_sql(sql, PHYSICAL)
    assert out == "SELECT c.o_id FROM t_orders AS c WHERE EXISTS(SELECT 1 FROM t_labels AS c WHERE c.o_total > 100)"


def test_ambiguous_statements_are_refused_not_printed(rename_engine: RenameEngine) -> None:
    # The ambiguous statements are refused before any SQL is printed; the engines would reject or
    # misread the naive renames.
    parser = new_parser(rename_engine.dialect)
    for sql in AMBIGUOUS[:3]:
        with pytest.raises(AmbiguousColumnError):
            parser.parse_and_modify_sql(sql, PHYSICAL)
        with pytest.raises(EngineError):
            rename_engine.run("physical", sql.replace("users", "t_users").replace("orders", "t_orders"))


WRITE_CASES = [
    ("mysql", "DELETE a FROM users a JOIN orders b ON a.id = b.user_id WHERE b.total > 3",
     "DELETE a FROM t_users AS a JOIN t_orders AS b ON a.u_id = b.o_user_id WHERE b.o_total > 3"),
    ("mysql", "DELETE users FROM users JOIN orders ON users.id = orders.user_id",
     "DELETE t_users FROM t_users JOIN t_orders ON t_users.u_id = t_orders.o_user_id"),
    ("mysql", "UPDATE users a JOIN orders b ON a.id = b.user_id SET a.score = b.total, name = status",
     "UPDATE t_users AS a JOIN t_orders AS b ON a.u_id = b.o_user_id SET a.u_score = b.o_total, u_name = o_status"),
    ("mysql", "INSERT INTO users (id, uid, age) VALUES (1, 'u', 3) ON DUPLICATE KEY UPDATE age = VALUES(age) + age",
     "INSERT INTO t_users (u_id, c_uid, u_age) VALUES (1, 'u', 3) ON DUPLICATE KEY UPDATE "
     "u_age = VALUES(u_age) + u_age"),
    ("postgres", "INSERT INTO users (id, uid, age) VALUES (1, 'u', 3) ON CONFLICT (id) DO UPDATE SET "
     "age = excluded.age + users.age RETURNING id",
     "INSERT INTO t_users (u_id, c_uid, u_age) VALUES (1, 'u', 3) ON CONFLICT(u_id) DO UPDATE SET "
     "u_age = excluded.u_age + t_users.u_age RETURNING u_id"),
    ("postgres", "UPDATE orders SET total = u.age FROM users u WHERE u.id = user_id",
     "UPDATE t_orders SET o_total = u.u_age FROM t_users AS u WHERE u.u_id = o_user_id"),
    ("postgres", "DELETE FROM orders USING users u WHERE u.id = orders.user_id AND age > 3",
     "DELETE FROM t_orders USING t_users AS u WHERE u.u_id = t_orders.o_user_id AND u_age > 3"),
    ("sqlite", "INSERT INTO labels (id, label) SELECT id, uid FROM users WHERE age > 3",
     "INSERT INTO t_labels (l_id, l_label) SELECT u_id, c_uid FROM t_users WHERE u_age > 3"),
]


@pytest.mark.parametrize(("dialect", "sql", "expected"), WRITE_CASES, ids=[c[1][:50] for c in WRITE_CASES])
def test_rename_writes(dialect: str, sql: str, expected: str) -> None:
    assert new_parser(dialect).parse_and_modify_sql(sql, PHYSICAL) == expected
