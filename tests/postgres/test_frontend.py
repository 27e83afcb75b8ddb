"""The PostgreSQL front end: validity, errors, classification, IR shapes, native printing."""

from __future__ import annotations

import pglast
import pytest
import sqlglot
from sqlglot import exp

from dialects.postgres.rules import first_difference
from sqlparser import (
    InvalidArgumentError,
    OperationType,
    SQLParserError,
    SQLSyntaxError,
    TableColumn,
    UnsupportedConstructError,
    new_parser,
    parser_for,
)
from sqlparser.registry import get_dialect

PG = new_parser("postgres", portable_names=False)


def native(sql: str, **options: object) -> str:
    parser = new_parser("postgres", portable_names=False, **options)
    return parser.render(parser.parse(sql).tree)


def same_tree(a: str, b: str) -> bool:
    return first_difference(pglast.parse_sql(a)[0].stmt, pglast.parse_sql(b)[0].stmt) is None


# -- registration -----------------------------------------------------------------------------

@pytest.mark.parametrize("uri", ["postgres://h/db", "postgresql://u@h/db", "postgresql+psycopg://u:p@h/db",
                                 "postgresql+psycopg2://h/db", "postgresql+asyncpg://h/db"])
def test_schemes(uri: str) -> None:
    assert parser_for(uri).dialect.name == "postgres"


def test_unknown_native_option() -> None:
    with pytest.raises(InvalidArgumentError, match="placeholder"):
        new_parser("postgres", portable_names=False, quoting="x").render(exp.select("1"))


def test_unknown_placeholder_style() -> None:
    with pytest.raises(InvalidArgumentError, match="placeholder style"):
        native("SELECT ?", placeholder=":1")


# -- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("sql", "line", "column", "token"), [
    ("SELECTS id FROM t", 1, 1, "SELECTS"),
    ("SELECT a\nFROM t WHERE x = = 1", 2, 18, "="),
    ("SELECT a FROM t WHERE", 1, 22, None),
    ("SELECT a FROM t WHERE x = ? AND y = = 1", 1, 37, "="),  # position in the caller's text
    ("SELECT `a FROM t", 1, 8, "`"),
    ("SELECT 1; SELECT 2", 1, 11, "SELECT"),
    ("SELECT 'abc", 1, 8, "'abc"),
])
def test_syntax_errors_carry_position_and_token(sql: str, line: int, column: int, token: str | None) -> None:
    with pytest.raises(SQLSyntaxError) as err:
        PG.parse(sql)
    assert (err.value.line, err.value.column, err.value.token) == (line, column, token)
    assert str(err.value).startswith("failed to parse SQL")


def test_condition_errors_point_into_the_condition() -> None:
    with pytest.raises(SQLSyntaxError) as err:
        PG.append_sql_filter("SELECT * FROM t", "AND", "id ==")
    assert "parse filter condition failed" in str(err.value)
    assert err.value.column >= 1


def test_condition_must_be_a_condition() -> None:
    with pytest.raises(SQLSyntaxError):
        PG.append_sql_filter("SELECT * FROM t", "AND", "1 ORDER BY a")
    with pytest.raises(SQLSyntaxError):
        PG.append_sql_filter("SELECT * FROM t", "AND", "1; DROP TABLE t")


# -- classification -----------------------------------------------------------------------------

@pytest.mark.parametrize(("sql", "op", "table"), [
    ("CREATE TABLE users (id int)", OperationType.CREATE, "users"),
    ("CREATE TABLE t2 AS SELECT 1", OperationType.CREATE, "t2"),
    ("CREATE INDEX i ON t (a)", OperationType.UNKNOWN, None),
    ("ALTER TABLE users ADD COLUMN email text", OperationType.ALTER, "users"),
    ("DROP TABLE users", OperationType.DROP, None),
    ("DROP VIEW v", OperationType.UNKNOWN, None),
    ("TRUNCATE TABLE users", OperationType.TRUNCATE, "users"),
    ("SELECT 1 FROM a JOIN b ON true", OperationType.SELECT, "a"),
    ("DELETE FROM uctest WHERE CURRENT OF c1", OperationType.DELETE, "uctest"),
])
def test_classification(sql: str, op: OperationType, table: str | None) -> None:
    stmt = PG.parse(sql)
    assert (stmt.operation, stmt.table) == (op, table)


def test_unlowered_statement_names_the_construct() -> None:
    stmt = PG.parse("UPDATE uctest SET f1 = 8 WHERE CURRENT OF c1")
    assert stmt.tree is None and stmt.unsupported == "CurrentOfExpr"
    assert PG.get_table_name("UPDATE uctest SET f1 = 8 WHERE CURRENT OF c1") == "uctest"
    with pytest.raises(UnsupportedConstructError, match="CurrentOfExpr"):
        PG.append_sql_filter("UPDATE uctest SET f1 = 8 WHERE CURRENT OF c1", "AND", "a = 1")


# -- IR shapes: what sqlglot's own parsers build ----------------------------------------------

@pytest.mark.parametrize("sql", [
    "SELECT id, name FROM users WHERE age > 18",
    "SELECT u.id, u.name, o.order_id FROM users AS u JOIN orders AS o ON u.id = o.user_id",
    "INSERT INTO users (id, name, age) VALUES (1, 'John', ?)",
    "UPDATE users SET name = 'John', age = 25 WHERE id = 1",
    "UPDATE employees SET s = s * 1.15 WHERE d = (SELECT id FROM departments WHERE name = 't')",
    "DELETE FROM sessions WHERE expires_at < NOW()",
    "SELECT * FROM orders WHERE `status` = 'shipped'",
    "SELECT COUNT(*) FROM users",
    "SELECT AVG(age), MAX(score) FROM users",
    "SELECT * FROM users WHERE (age > 18 OR parent_consent = true) AND country = 'US'",
    "UPDATE users SET last_login = NOW() WHERE id = 42",
])
def test_shapes_match_sqlglot_mysql_for_golden_style_input(sql: str) -> None:
    assert PG.parse(sql).tree == sqlglot.parse_one(sql, read="mysql")


@pytest.mark.parametrize("sql", [
    "SELECT a FROM t WHERE x NOT IN (1, 2) AND y NOT BETWEEN 1 AND 2 AND z NOT LIKE 'a%' AND w IS NOT NULL",
    "SELECT a FROM t WHERE x = ANY (ARRAY[1, 2]) AND EXISTS (SELECT 1)",
    "SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1 ORDER BY a DESC LIMIT 5 OFFSET 1",
    "INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a RETURNING a",
    "WITH x AS (SELECT 1 AS a) SELECT a FROM x UNION ALL SELECT 2",
])
def test_shapes_match_sqlglot_postgres(sql: str) -> None:
    assert PG.parse(sql).tree == sqlglot.parse_one(sql, read="postgres")


def test_quoted_names_keep_their_quoting() -> None:
    tree = PG.parse('SELECT "Mixed".x, "select" FROM s."T" AS "Mixed"').tree
    names = {i.name: i.quoted for i in tree.find_all(exp.Identifier)}
    assert names == {"Mixed": True, "x": False, "select": True, "s": False, "T": True}


# -- native printing --------------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "SELECT a * (b + c), (a - b) - c, a - (b - c), -(-a), 2 ^ (3 ^ 2), (2 ^ 3) ^ 2 FROM t",
    "SELECT a FROM t WHERE NOT (a AND b) OR (c OR d) AND e",
    "SELECT a FROM t WHERE (a = b) = c AND (a < b) IS TRUE",
    "SELECT a FROM t WHERE a NOT IN (1) AND NOT (a IN (1)) AND a NOT SIMILAR TO 'x' AND NOT (a BETWEEN 1 AND 2)",
    "SELECT (a).b, (f(x)).*, a[1][2], (a[1])[2], a[1:2], $1[1] FROM t",
    "SELECT a COLLATE \"C\", a::int4, CAST(a AS varchar(3)[]), a::pg_catalog.int8, 'x'::\"char\" FROM t",
    "SELECT f(VARIADIC ARRAY[1]), g(a => 1), string_agg(DISTINCT a, ',' ORDER BY a) FROM t",
    "SELECT a FROM t ORDER BY a NULLS LAST, b DESC, c DESC NULLS FIRST",
    "SELECT * FROM a JOIN (b JOIN c USING (x)) ON true LEFT JOIN d ON d.x = a.x, e",
    "UPDATE t SET (a, b) = (SELECT 1, 2), c[1] = 3, d.f = 4",
    "SELECT a INTO TEMPORARY t2 FROM t",
    "SELECT * FROM t TABLESAMPLE SYSTEM (10) REPEATABLE (1)",
])
def test_native_output_parses_to_the_same_tree(sql: str) -> None:
    assert same_tree(sql, native(sql))


def test_names_are_quoted_where_postgres_needs_it() -> None:
    out = PG.parse_and_modify_sql("SELECT id FROM users", {"users": TableColumn("User Table", {"id": "order"})})
    assert out == 'SELECT "order" FROM "User Table"'


def test_placeholders_dollar_style_in_text_order() -> None:
    parser = new_parser("postgres", portable_names=False)
    out = parser.append_sql_filter("SELECT a FROM t WHERE b = ? LIMIT ?", "AND", "c = ?")
    assert out == "SELECT a FROM t WHERE b = $1 AND c = $2 LIMIT $3"


def test_placeholders_psycopg_style() -> None:
    parser = new_parser("postgres", portable_names=False, placeholder="%s")
    out = parser.append_sql_filter("SELECT a % 2 FROM t WHERE b LIKE 'x%' AND c = ?", "AND", "d = 1")
    assert out == "SELECT a %% 2 FROM t WHERE b LIKE 'x%%' AND c = %s AND d = 1"
    # Without placeholders psycopg does no % processing: nothing is doubled.
    assert parser.append_sql_filter("SELECT a FROM t WHERE b LIKE 'x%'", "AND", "d = 1") == \
        "SELECT a FROM t WHERE b LIKE 'x%' AND d = 1"


def test_explicit_parameters_to_psycopg_only_in_order() -> None:
    parser = new_parser("postgres", portable_names=False, placeholder="%s")
    assert parser.append_sql_filter("SELECT a FROM t WHERE b = $1", "AND", "c = $2") == \
        "SELECT a FROM t WHERE b = %s AND c = %s"
    with pytest.raises(InvalidArgumentError, match="out of order"):
        parser.append_sql_filter("SELECT a FROM t WHERE b = $2", "AND", "c = $1")


def test_mixing_placeholder_styles_in_one_text_is_refused() -> None:
    with pytest.raises(SQLSyntaxError, match="mixes"):
        PG.parse("SELECT a FROM t WHERE b = $1 AND c = ?")


def test_placeholders_added_to_explicit_parameters_continue_the_numbering() -> None:
    from sqlparser import ColumnValue

    assert PG.append_sql_filter("SELECT a FROM t WHERE b = $2 AND d = $1", "AND", "c = ?") == \
        "SELECT a FROM t WHERE b = $2 AND d = $1 AND c = $3"
    out, _ = PG.add_columns_to_insert_sql("INSERT INTO t (a) VALUES ($1), ($2)", [ColumnValue("b")], is_param=True)
    assert out == "INSERT INTO t (a, b) VALUES ($1, $3), ($2, $4)"
    psycopg = new_parser("postgres", portable_names=False, placeholder="%s")
    with pytest.raises(InvalidArgumentError, match="out of order"):
        psycopg.add_columns_to_insert_sql("INSERT INTO t (a) VALUES ($1), ($2)", [ColumnValue("b")], is_param=True)


def test_insert_params_added_by_a_pass_are_numbered() -> None:
    from sqlparser import ColumnValue

    out, _ = PG.add_columns_to_insert_sql("INSERT INTO t (a) VALUES (?), (?)", [ColumnValue("b")], is_param=True)
    assert out == "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"


def test_portable_names_rule_applies() -> None:
    strict = new_parser("postgres")
    with pytest.raises(SQLParserError):
        strict.get_table_name("INSERT INTO database (name) VALUES ('x')")
    assert PG.get_table_name("INSERT INTO database (name) VALUES ('x')") == "database"


def test_dialect_record() -> None:
    dialect = get_dialect("postgres")
    assert dialect.native_options == {"placeholder": "$n"}


def test_cached_statements_are_handed_out_as_copies() -> None:
    sql = "SELECT a FROM cache_probe WHERE b = 1"
    first = PG.parse(sql)
    first.tree.set("where", None)  # a pass mutating its tree must not touch the cache
    second = PG.parse(sql)
    assert second.tree is not first.tree
    assert PG.render(second.tree) == "SELECT a FROM cache_probe WHERE b = 1"


@pytest.mark.parametrize("sql", [
    "SELECT string_agg(name, ',') FROM users",
    "SELECT my_agg(DISTINCT a) FROM users",
    "SELECT f(a) FILTER (WHERE a > 1) FROM users",
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a) FROM users",
])
def test_aggregates_are_recognised_by_the_select_fields_pass(sql: str) -> None:
    assert PG.add_select_fields_to_select_sql(sql, ["pk_id"]) == sql



# -- the round-trip check, run once per statement shape --------------------------------------------


def _key(sql: str, anonymous: bool = False) -> bytes | None:
    from dialects.postgres.frontend import shape_key

    return shape_key(sql, anonymous)


def test_shape_key_ignores_only_plain_literal_values() -> None:
    same = ["SELECT a FROM t WHERE b = 'abc' AND c > 5 AND d < 1.25",
            "SELECT a FROM t WHERE b = 'x y:z' AND c > 70 AND d < 0.5"]
    assert _key(same[0]) == _key(same[1])
    base = "SELECT a FROM t WHERE b = 'abc' AND c > 5"
    for other in ("SELECT a FROM t WHERE b = 'a''c' AND c > 5",     # a quote inside
                  "SELECT a FROM t WHERE b = E'a\\nc' AND c > 5",   # escape string
                  "SELECT a FROM t WHERE b = 'é' AND c > 5",        # non-ASCII
                  "SELECT a FROM t WHERE b = 'abc' AND c > -5",     # a sign
                  "SELECT a FROM t WHERE b = 'abc' AND c > 0x5",    # another integer form
                  "SELECT a FROM t WHERE b = 'abc' AND c > 1e5",    # exponent
                  "SELECT a FROM t WHERE b = 'abc' AND c > 05",     # leading zero
                  'SELECT "a" FROM t WHERE b = \'abc\' AND c > 5',  # quoting of a name
                  "SELECT a FROM t WHERE b = 'abc' AND c >= 5"):
        assert _key(other) != _key(base), other
    assert _key(base, anonymous=True) != _key(base)
    assert _key("SELECT '" + "x" * 20_000 + "'") is None


def test_the_scan_shortcuts_give_the_keys_a_full_scan_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shape keys skip the scan of a text without a digit or a quote and keep only the literal
    tokens of a scan: both give what scanning everything gives (`_LITERAL_START` matching always)."""
    import re

    from dialects.postgres import frontend

    texts = ["SELECT a FROM t WHERE b = c", "SELECT \"x\" FROM t -- note", "SELECT $$abc$$ FROM t",
             "SELECT a FROM t WHERE b = 'abc' AND c > 5 AND d < 1.25", "SELECT 'a''b', 0x1F, 1e3, 007 FROM t",
             "SELECT `a` FROM t", "SELECT a FROM t WHERE x = $1", "SELECT E'x' FROM t /* y */"]
    fe = frontend.PostgresFrontend()
    fast = [(frontend.shape_key(t, False), fe._shape(t), frontend.shape_key(t, True)) for t in texts]
    monkeypatch.setattr(frontend, "_LITERAL_START", re.compile(""))
    slow = [(frontend.shape_key(t, False), fe._shape(t), frontend.shape_key(t, True)) for t in texts]
    assert fast == slow
    assert fast[0][0] is not None and fast[0][1] is None and fast[3][1] is not None
    tokens = pglast.parser.scan(texts[4])
    assert frontend._literal_tokens(tokens) == [t for t in tokens if t.name in ("ICONST", "FCONST", "SCONST")]


def test_the_parse_tree_json_reads_as_json_reads_it() -> None:
    """`load_tree_json` (orjson when installed) gives what `json.loads` gives, for libpg_query's JSON
    of odd texts and for JSON orjson refuses (which goes to `json.loads`)."""
    import json

    from dialects.postgres.frontend import load_tree_json

    for sql in ("SELECT 'é\u2603\U0001F600', E'\\n\\t\\\\', 'a\"b', U&'\\0041' FROM \"t\"\"x\"",
                "SELECT 99999999999999999999999999, 1.5e308, -2147483648, 2147483647 FROM t",
                "SELECT $q$x\ty$q$, 'line\nbreak', '\x01\x1f' FROM t"):
        raw = pglast.parser.parse_sql_json(sql)
        assert load_tree_json(raw) == json.loads(raw), sql
    for raw in ('{"i": 9223372036854775807, "j": -9223372036854775808, "u": 18446744073709551615}',
                '{"s": "\\ud800"}', '{"f": NaN}'):  # C's integer extremes; then what orjson refuses
        assert repr(load_tree_json(raw)) == repr(json.loads(raw)), raw


def test_round_trip_check_runs_once_per_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    from dialects.postgres import frontend, rules

    frontend.clear_cache()
    calls: list[str] = []
    real = rules.round_trip

    def counting(tree: exp.Expression, node: object, text: str,
                 parsed_json: str | None = None) -> tuple[str | None, str | None]:
        calls.append(text)
        return real(tree, node, text, parsed_json)

    monkeypatch.setattr(rules, "round_trip", counting)
    for i in range(5):
        assert PG.parse_and_modify_sql(f"SELECT a FROM shape_probe WHERE b = 'v{i}' AND c > {i}", {}) \
            == f"SELECT a FROM shape_probe WHERE b = 'v{i}' AND c > {i}"
    assert len(calls) == 1
    PG.get_sql_operation("SELECT a FROM shape_probe WHERE b = 'it''s' AND c > 1")
    PG.get_sql_operation("SELECT a FROM shape_probe WHERE b = 'v' AND c > -1")
    assert len(calls) == 3
    monkeypatch.setattr(frontend, "shape_cache", False)
    PG.get_sql_operation("SELECT a FROM shape_probe WHERE b = 'w' AND c > 99")
    assert len(calls) == 4


def test_a_failed_round_trip_is_kept_for_the_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    from dialects.postgres import frontend, rules

    frontend.clear_cache()
    monkeypatch.setattr(rules, "round_trip", lambda tree, node, text, parsed_json=None: ("round-trip: Probe", None))
    first = PG.compile("SELECT a FROM refused_probe WHERE b = 1")
    monkeypatch.undo()
    again = PG.compile("SELECT a FROM refused_probe WHERE b = 2")
    other = PG.compile("SELECT a FROM refused_probe WHERE b = -2")
    assert (first.tree, first.unsupported) == (None, "round-trip: Probe")
    assert (again.tree, again.unsupported) == (None, "round-trip: Probe")
    assert other.tree is not None and other.unsupported is None
    frontend.clear_cache()


def test_round_trip_printer_reuses_its_generator_without_carrying_state() -> None:
    """`rules.render_check` keeps one generator per thread: after an interrupted print and between
    statements it prints exactly what a new generator prints."""
    from sqlglot.errors import ErrorLevel

    from dialects.postgres import rules
    from dialects.postgres.frontend import PostgresFrontend

    fresh = rules._check_dialect()
    broken = sqlglot.parse_one("SELECT a FROM t WHERE b = :name", read="postgres")
    with pytest.raises(InvalidArgumentError):
        rules.render_check(broken)  # a named placeholder has no PostgreSQL form: the print stops midway
    for sql in ("SELECT a, b AS c FROM t WHERE b = $1 AND c IN (1, 2) ORDER BY a NULLS FIRST",
                "SELECT x FROM (SELECT a AS x FROM t) AS s WHERE x NOT IN (SELECT 1)",
                "INSERT INTO t (a, b) VALUES (1, 'x') ON CONFLICT (a) DO UPDATE SET b = excluded.b",
                "UPDATE t SET a = a + 1 WHERE b LIKE 'x%' RETURNING a",
                "SELECT \"Select\", \"a b\" FROM \"T\" WHERE \"Select\" ~ 'x'"):
        tree = PostgresFrontend(cache=False).parse(sql).tree
        assert tree is not None, sql
        expected = fresh.generate(tree, copy=True, unsupported_level=ErrorLevel.RAISE)
        assert rules.render_check(tree) == expected
        assert rules.render_check(tree) == expected  # and again, from the kept generator


def test_location_stripping_matches_the_single_pattern() -> None:
    """`rules.without_locations` (fast patterns for `location`, the full one only for other keys)
    removes exactly what the single full pattern removes, comma for comma."""
    from dialects.postgres import rules
    from tests.postgres.test_json_lowering import EDGE_CASES

    texts = [*EDGE_CASES,
             "SELECT 1;", "SELECT a FROM t WHERE a IN (1, 2) AND b = ANY (ARRAY[1]);",
             "SELECT a FROM t WHERE (a, b) IN ((1, 2)) AND c NOT IN (SELECT 1)",
             "UPDATE t SET (a, b) = (1, 2) WHERE c IN (3)", "NOTIFY ch, 'x'",
             "CREATE SUBSCRIPTION s CONNECTION 'c' PUBLICATION p"]
    jsons = []
    for sql in texts:
        try:
            jsons.append(pglast.parser.parse_sql_json(sql))
        except (pglast.parser.ParseError, UnicodeEncodeError):
            continue
    jsons += ['{"location":1}', '{"location":1,"stmt_len":2}', '{"stmt_len":2,"location":1}',
              '{"a":1,"location":2,"list_start":3,"list_end":4,"b":[{"location":5},{"x":"location\\":6"}]}',
              '{"list_start":3,"location":-1,"rexpr_list_end":9,"c":{"location":0,"name_location":4}}']
    assert len(jsons) > 60
    for text in jsons:
        assert rules.without_locations(text) == rules._LOCATION_JSON.sub("", text), text
