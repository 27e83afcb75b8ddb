"""The PostgreSQL dialect's native output, executed on a real PostgreSQL server.

1. Every golden input, and every golden contract call, printed in native style, runs on the server
   against a schema created here (placeholders bound with test values, both `$n` and `%s` styles).
2. A workload of rewritten SELECT / INSERT / UPDATE / DELETE statements: results are checked
   against expected rows, and rewritten statements are checked differentially (the same rows from
   the original statement on the logical schema and the rewritten one on the physical schema).
3. Round trips of PostgreSQL-specific syntax: the original text and our native print of it return
   the same rows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from sqlparser import (
    ColumnValue,
    PrimaryKeyValue,
    SQLFilterOp,
    SQLParserError,
    TableColumn,
    new_parser,
)
from tests.golden.cases import load_cases

pytestmark = pytest.mark.engine

SCHEMA = """
CREATE TABLE users (id int, name text, age int, email varchar(255), status text, last_login timestamptz,
    is_active boolean, country text, parent_consent boolean, is_verified int, pk_id bigint,
    user_id int, user_name text, user_age int, pri_id int, score int);
CREATE TABLE new_users (id int, name text, age int, user_id int, user_name text, user_age int, pk_id bigint);
CREATE TABLE orders (id int, order_id int, user_id int, total numeric, status text, priority int, customer_id int);
CREATE TABLE new_orders (id int, order_id int, user_id int, customer_id int);
CREATE TABLE products (id int, name text, price numeric, category text, category_id int, discount numeric,
    inventory int);
CREATE TABLE customers (id int, name text, is_verified int);
CREATE TABLE categories (id int, category_name text, parent_id int);
CREATE TABLE logs (created_at timestamp, severity text);
CREATE TABLE sessions (expires_at timestamptz, invalid boolean);
CREATE TABLE employees (s numeric, d int);
CREATE TABLE departments (id int, name text);
CREATE TABLE database (name text, age int);
INSERT INTO users (id, name, age, status, is_active, country, parent_consent, is_verified, score) VALUES
    (1, 'ann', 17, 'active', true, 'US', true, 1, 10),
    (2, 'bob', 30, 'active', false, 'US', false, 0, 20),
    (3, 'cid', 45, 'banned', true, 'FR', false, 1, 30),
    (4, 'dee', 22, 'active', true, 'FR', true, 1, NULL);
INSERT INTO orders (id, order_id, user_id, total, status, priority) VALUES
    (10, 100, 1, 120.50, 'completed', 1), (11, 101, 2, 20, 'shipped', 2), (12, 102, 2, 75, 'completed', 1),
    (13, 103, 4, 300, 'shipped', 3);
"""


@pytest.fixture(scope="module")
def schema(pg_server: Any) -> Any:
    with pg_server.connect(autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS golden CASCADE")
        conn.execute("CREATE SCHEMA golden")
        conn.execute("SET search_path TO golden")
        conn.execute(SCHEMA)
    return pg_server


@pytest.fixture
def conn(schema: Any) -> Any:
    connection = schema.connect()
    connection.execute("SET search_path TO golden")
    try:
        yield connection
    finally:
        connection.rollback()
        connection.close()


def _run(conn: Any, sql: str, params: list[Any] | None = None, *, raw: bool = True) -> list[tuple[Any, ...]]:
    """Execute in a savepoint-free way: `raw` sends `$n` text as is (psycopg RawCursor)."""
    import psycopg

    cursor = psycopg.RawCursor(conn) if raw else conn.cursor()
    with cursor as cur:
        cur.execute(sql, params if params else None)
        return cur.fetchall() if cur.description else []


def _param_count(sql: str) -> int:
    from pglast import parser

    return sum(1 for t in parser.scan(sql) if t.name == "PARAM")


# -- 1. golden inputs and golden calls, natively printed --------------------------------------

CASES = load_cases()
PG = new_parser("postgres", portable_names=False)
PG_PSYCOPG = new_parser("postgres", portable_names=False, placeholder="%s")


def _golden_inputs() -> list[str]:
    return list(dict.fromkeys(c.case["sql"] for c in CASES if (c.case.get("sql") or "").strip()))


# Golden inputs PostgreSQL itself must reject, whatever the schema (the contract rejects them too).
SERVER_REJECTS = {
    # `o` is not in the FROM clause.
    "SELECT u.id, u.name, o.order_id FROM (SELECT id, name FROM u) AS uu JOIN orders AS u ON uu.id = o.user_id;",
}


def _native_text(parser: Any, sql: str) -> str | None:
    """Our native print of one statement (None when it is not valid here); DDL passes through as written."""
    try:
        stmt = parser.parse(sql)
    except SQLParserError:
        return None
    if stmt.tree is None:
        return sql
    return parser.render(stmt.tree)


@pytest.mark.parametrize("sql", _golden_inputs())
def test_golden_input_runs_natively(conn: Any, sql: str) -> None:
    import psycopg

    text = _native_text(PG, sql)
    if text is None:
        # Invalid input (SELECTS ..., a table named like a keyword, ...): nothing to run.
        assert all(c.case.get("want_error") for c in CASES if c.case.get("sql") == sql)
        return
    if sql in SERVER_REJECTS:
        with pytest.raises(psycopg.Error):
            _run(conn, text, ["1"] * _param_count(text))
        return
    if PG.parse(sql).tree is None:
        # DDL passes through unchanged; run it where it makes sense: a scratch schema with a bare
        # `users` table (none for CREATE TABLE users).
        conn.execute("CREATE SCHEMA scratch")
        conn.execute("SET search_path TO scratch")
        if PG.get_sql_operation(sql).value != "CREATE":
            conn.execute("CREATE TABLE users (id int, name text, age int)")
    _run(conn, text, ["1"] * _param_count(text))
    conn.rollback()
    conn.execute("SET search_path TO golden")
    psycopg_text = _native_text(PG_PSYCOPG, sql)
    if PG.parse(sql).tree is None:
        return
    _run(conn, psycopg_text, ["1"] * psycopg_text.count("%s"), raw=False)


@pytest.mark.parametrize("case", [c for c in CASES if not c.case.get("want_error")], ids=lambda c: c.id)
def test_golden_call_runs_natively(conn: Any, case: Any) -> None:
    out = case.call(PG)
    if not isinstance(out, str) or case.suite in ("get_sql_operation", "get_table_name"):
        return
    # Contract calls that change nothing return the caller's text (MySQL style) unchanged.
    text = out if _param_count(out) or "?" not in out else _native_text(PG, out)
    _run(conn, text, ["1"] * _param_count(text))


# -- 2. a workload of rewrites, checked against expected rows ---------------------------------

def test_append_filter_select_rows(conn: Any) -> None:
    sql = PG.append_sql_filter("SELECT id FROM users WHERE age > 18 OR country = 'FR' ORDER BY id", "AND",
                               "status = 'active'")
    assert _run(conn, sql) == [(2,), (4,)]


def test_append_filter_union_every_arm(conn: Any) -> None:
    sql = PG.append_sql_filter("SELECT id FROM users WHERE age < 20 UNION SELECT user_id FROM orders", SQLFilterOp.AND,
                               "id <> 2")
    # users: ann(1); orders: user_id in {1, 2, 2, 4} with order id <> 2 (all) -> 1, 2, 4
    assert sorted(_run(conn, sql)) == [(1,), (2,), (4,)]


def test_append_filter_update_and_delete_scope(conn: Any) -> None:
    update = PG.append_sql_filter("UPDATE users SET score = score + 1 WHERE country = 'FR'", "AND", "is_active = true")
    _run(conn, update)
    assert _run(conn, "SELECT id, score FROM users ORDER BY id") == [(1, 10), (2, 20), (3, 31), (4, None)]
    delete = PG.append_sql_filter("DELETE FROM orders WHERE status = 'shipped'", "AND", "total > 100")
    _run(conn, delete)
    assert _run(conn, "SELECT id FROM orders ORDER BY id") == [(10,), (11,), (12,)]


def test_append_filter_with_placeholders_both_styles(conn: Any) -> None:
    sql = "SELECT id FROM users WHERE age > ? ORDER BY id"
    dollar = PG.append_sql_filter(sql, "AND", "country = 'US'")
    assert "$1" in dollar
    assert _run(conn, dollar, [18]) == [(2,)]
    percent = PG_PSYCOPG.append_sql_filter("SELECT id FROM users WHERE name LIKE 'd%' OR age > ?", "AND", "id > 0")
    assert "%s" in percent and "'d%%'" in percent
    assert sorted(_run(conn, percent, [40], raw=False)) == [(3,), (4,)]


def test_rename_differential(conn: Any) -> None:
    """The logical query on logical tables and the renamed one on physical tables return the same rows."""
    conn.execute("CREATE TABLE t_100 (c_1 int, c_2 text, c_3 int)")
    conn.execute("INSERT INTO t_100 SELECT id, name, age FROM users")
    logical = ("SELECT u.id, u.name FROM users AS u WHERE u.age >= 22 AND u.id IN "
               "(SELECT user_id FROM orders WHERE total > 50) ORDER BY u.id")
    physical = PG.parse_and_modify_sql(logical, {"users": TableColumn("t_100", {"id": "c_1", "name": "c_2",
                                                                              "age": "c_3"})})
    assert "t_100" in physical and "c_3" in physical
    assert _run(conn, physical) == _run(conn, logical) == [(2, "bob"), (4, "dee")]


def test_add_columns_to_insert_rows(conn: Any) -> None:
    sql, existing = PG.add_columns_to_insert_sql(
        "INSERT INTO users (id, name) VALUES (7, 'eve'), (8, 'fay')",
        [ColumnValue("status", "new"), ColumnValue("is_active", False)],
        PrimaryKeyValue("pri_id", (70, 80)))
    assert existing == {"id": True, "name": True}
    _run(conn, sql)
    assert _run(conn, "SELECT id, name, status, is_active, pri_id FROM users WHERE id >= 7 ORDER BY id") == [
        (7, "eve", "new", False, 70), (8, "fay", "new", False, 80)]


def test_add_columns_to_insert_params(conn: Any) -> None:
    sql, _ = PG.add_columns_to_insert_sql("INSERT INTO users (id, name) VALUES (?, ?), (?, ?)",
                                          [ColumnValue("status")], None, is_param=True)
    assert "$6" in sql
    _run(conn, sql, [9, "gus", "x", 10, "hal", "y"])
    assert _run(conn, "SELECT id, status FROM users WHERE id >= 9 ORDER BY id") == [(9, "x"), (10, "y")]


def test_add_select_fields_rows(conn: Any) -> None:
    sql = PG.add_select_fields_to_select_sql("SELECT name FROM users WHERE id = 1", ["age", "pk_id"])
    assert _run(conn, sql) == [("ann", 17, None)]


def test_update_from_returning(conn: Any) -> None:
    sql = PG.append_sql_filter(
        "UPDATE orders SET total = orders.total * 2 FROM users WHERE users.id = orders.user_id AND users.name = 'bob' "
        "RETURNING orders.id, orders.total", "AND", "orders.status = 'completed'")
    assert _run(conn, sql) == [(12, Decimal("150"))]


def test_delete_using_and_insert_select(conn: Any) -> None:
    _run(conn, PG.append_sql_filter("DELETE FROM orders USING users WHERE users.id = orders.user_id", "AND",
                                    "users.country = 'FR'"))
    assert _run(conn, "SELECT id FROM orders ORDER BY id") == [(10,), (11,), (12,)]
    renamed = PG.parse_and_modify_sql("INSERT INTO orders (id, user_id) SELECT id + 100, id FROM users WHERE age > 40",
                                      {"orders": TableColumn("new_orders", {"user_id": "customer_id"})})
    _run(conn, renamed)
    assert _run(conn, "SELECT id, customer_id FROM new_orders") == [(103, 3)]


# -- 3. PostgreSQL syntax: original and native print return the same rows ---------------------

ROUND_TRIPS = [
    "SELECT id FROM users WHERE id NOT IN (2, 3) AND age NOT BETWEEN 18 AND 20 ORDER BY id",
    "SELECT id FROM users WHERE NOT (id IN (2, 3)) ORDER BY id",
    "SELECT id, (age + 1) * 2 - -3 AS x, age % 7, 2 ^ 3 ^ 2 FROM users ORDER BY id",
    "SELECT id FROM users WHERE (age > 20 OR country = 'US') AND NOT is_active IS TRUE ORDER BY id",
    "SELECT name::varchar(2), CAST(age AS numeric(5, 1)), age::float8, '1 day'::interval FROM users ORDER BY 1",
    "SELECT count(*) FILTER (WHERE age > 20), string_agg(DISTINCT name, ',' ORDER BY name) FROM users",
    "SELECT id, row_number() OVER (PARTITION BY country ORDER BY age DESC NULLS LAST) FROM users ORDER BY id",
    "SELECT country, sum(age) FROM users GROUP BY ROLLUP (country) ORDER BY country NULLS FIRST",
    "WITH o AS (SELECT user_id, sum(total) AS t FROM orders GROUP BY user_id) "
    "SELECT u.name, o.t FROM users u JOIN o ON o.user_id = u.id ORDER BY u.name",
    "SELECT u.id, o.id FROM users u LEFT JOIN orders o ON o.user_id = u.id AND o.total > 50 ORDER BY 1, 2",
    "SELECT x, y FROM generate_series(1, 3) WITH ORDINALITY AS g(x, y) ORDER BY x",
    "SELECT (ARRAY[10, 20, 30])[2], (ARRAY[1, 2, 3])[2:3], ARRAY(SELECT id FROM users ORDER BY id)",
    "SELECT name FROM users WHERE name LIKE 'a%' OR name ILIKE 'B_B' OR name SIMILAR TO 'c(i|x)d' ORDER BY 1",
    "SELECT id FROM users WHERE age = ANY (ARRAY[17, 45]) AND id <> ALL (SELECT user_id FROM orders) ORDER BY 1",
    "SELECT CASE WHEN age < 18 THEN 'minor' WHEN age < 40 THEN 'adult' ELSE 'senior' END, coalesce(score, -1), "
    "nullif(age, 17), greatest(age, 30) FROM users ORDER BY id",
    "SELECT '{\"a\": 1}'::jsonb ? 'a', '{\"a\": {\"b\": 2}}'::jsonb -> 'a' ->> 'b', 'a' || 'b'",
    "SELECT extract(year FROM timestamp '2024-05-06'), timestamp '2024-01-01 12:00' AT TIME ZONE 'UTC'",
    "SELECT position('b' IN 'abc'), substring('abcdef' FROM 2 FOR 3), trim(BOTH 'x' FROM 'xaxx'), "
    "overlay('abcdef' PLACING 'zz' FROM 2)",
    "SELECT DISTINCT ON (country) country, name FROM users ORDER BY country, age DESC",
    "SELECT id FROM users ORDER BY id LIMIT 2 OFFSET 1",
    "SELECT id FROM users ORDER BY id FETCH FIRST 1 ROWS WITH TIES",
    "SELECT id FROM users EXCEPT SELECT user_id FROM orders INTERSECT SELECT 4 ORDER BY 1",
    "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(n, s) WHERE v.n IS DISTINCT FROM 2",
    "SELECT id FROM users WHERE EXISTS (SELECT 1 FROM orders WHERE orders.user_id = users.id) ORDER BY id",
    "SELECT \"Name\" FROM (SELECT name AS \"Name\", 1 AS \"select\" FROM users) s WHERE \"select\" = 1 ORDER BY 1",
    "SELECT id FROM users WHERE score IS NULL OR score IS NOT NULL AND is_active IS NOT FALSE ORDER BY id",
    "SELECT format('%s-%s', 'a', 'b'), concat(VARIADIC ARRAY['x', 'y'])",
    "SELECT U&'\\0041', E'a\\tb', $$dollar's$$, B'101'::int, X'1F'::int",
]


@pytest.mark.parametrize("sql", ROUND_TRIPS)
def test_native_print_returns_same_rows(conn: Any, sql: str) -> None:
    stmt = PG.parse(sql)
    assert stmt.tree is not None, f"not lowered: {stmt.unsupported}"
    native = PG.render(stmt.tree)
    assert _run(conn, native) == _run(conn, sql)


def test_psycopg_style_doubles_percent(conn: Any) -> None:
    sql = PG_PSYCOPG.append_sql_filter("SELECT id, age % 5 FROM users WHERE name LIKE '%n%'", "AND", "id > ?")
    assert sql.count("%s") == 1 and "%%" in sql
    assert _run(conn, sql, [0], raw=False) == _run(conn, "SELECT id, age % 5 FROM users WHERE name LIKE '%n%'")
