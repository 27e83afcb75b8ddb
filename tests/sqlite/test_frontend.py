"""The SQLite front end: errors, IR shapes, classification, validation, cache, depth."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from dialects.sqlite.frontend import SQLiteFrontend, clear_cache
from sqlparser import (
    InvalidArgumentError,
    OperationType,
    SQLSyntaxError,
    TableColumn,
    UnsupportedConstructError,
    new_parser,
)


@pytest.fixture(scope="module")
def fe() -> SQLiteFrontend:
    return SQLiteFrontend(portable_names=False, cache=False)


@pytest.fixture(scope="module")
def parser():
    return new_parser("sqlite", portable_names=False)


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sql", "line", "column", "token"), [
    ("SELECTS * FROM t", 1, 1, "SELECTS"),
    ("SELECT * FROM t WHERE", 1, 22, None),
    ("SELECT a,\n  b FROM t\n WHERE a = = 1", 3, 12, "="),
    ("SELECT 'abc FROM t", 1, 8, "'abc FROM t"),
    ("SELECT 1a FROM t", 1, 8, "1a"),
    ("SELECT * FROM t ORDER BY a UNION SELECT 1", 1, 28, "UNION"),
    ("SELECT * FROM t LEFT INNER JOIN u", 1, 17, "LEFT"),
    ("SELECT ?0", 1, 8, "?0"),
    ("SELECT sum(a) OVER (ROWS 1 FOLLOWING) FROM t", 1, 21, "ROWS"),
    ("CREATE TABLE t (a) WITHOUT foo", 1, 28, "foo"),
    ("CREATE TRIGGER r AFTER INSERT ON t BEGIN DELETE FROM main.u; END", 1, 54, "main"),
    ("SELECT 1; SELECT 2", 1, 11, "SELECT"),
    ("SELECT # FROM t", 1, 8, "#"),
])
def test_syntax_errors_carry_line_column_token(fe, sql, line, column, token):
    with pytest.raises(SQLSyntaxError) as info:
        fe.parse(sql)
    err = info.value
    assert (err.line, err.column, err.token) == (line, column, token)
    assert str(err).startswith("failed to parse SQL")


def test_no_console_output_on_errors(fe, capfd):
    for sql in ("SELECT * FROM", "SELECT (((", "INSERT INTO t VALUES (1,", "x'zz'", "SELECT 1 +"):
        with pytest.raises(SQLSyntaxError):
            fe.parse(sql)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_expected_tokens_in_message(fe):
    with pytest.raises(SQLSyntaxError) as info:
        fe.parse("DELETE t WHERE a = 1")
    assert "FROM" in info.value.reason


# -- IR -----------------------------------------------------------------------------------------


SAME_AS_SQLGLOT = [
    "SELECT a, b AS c FROM t AS x LEFT JOIN u ON x.a = u.b WHERE a > ? GROUP BY a HAVING COUNT(*) > 1 "
    "ORDER BY 1 DESC LIMIT 5 OFFSET 2",
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) SELECT x FROM c",
    "INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL) ON CONFLICT(a) DO UPDATE SET b = excluded.b RETURNING *",
    "UPDATE t SET a = 1, b = b || 'x' FROM u WHERE t.id = u.id",
    "DELETE FROM t WHERE a BETWEEN 1 AND 2 AND NOT b IN (SELECT c FROM u)",
    "SELECT CASE WHEN a IS NULL THEN 0 ELSE a END, a IS NOT b, a NOT LIKE 'x%', CAST(a AS TEXT) FROM t",
    "SELECT COUNT(DISTINCT a) FILTER (WHERE a > 1) OVER (PARTITION BY b ORDER BY c "
    "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t",
    "SELECT * FROM a CROSS JOIN b NATURAL JOIN c JOIN d USING (x)",
    "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL DEFAULT 'x', v REAL UNIQUE)",
    "CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a DESC, b) WHERE a > 1",
    "DROP TABLE IF EXISTS main.t",
    "ALTER TABLE t ADD COLUMN c INTEGER",
    "ALTER TABLE t RENAME COLUMN a TO b",
    "SELECT x'00ff', -a, ~b, a || b, a / 2, a % 2 FROM t",
]


@pytest.mark.parametrize("sql", SAME_AS_SQLGLOT)
def test_ir_matches_sqlglot_shapes(fe, sql):
    mine = fe.parse(sql).tree
    theirs = sqlglot.parse_one(sql, read="sqlite")
    assert mine == theirs, f"\nmine:   {mine!r}\ntheirs: {theirs!r}"
    assert mine.sql("sqlite") == theirs.sql("sqlite")


def test_quoted_identifiers_are_quoted_in_the_ir(fe):
    tree = fe.parse('SELECT "a b", `c`, [d], e FROM "t"').tree
    idents = {i.name: i.quoted for i in tree.find_all(exp.Identifier)}
    assert idents == {"a b": True, "c": True, "d": True, "e": False, "t": True}


def test_identifiers_carry_position(fe):
    tree = fe.parse("SELECT a,\n  bb FROM t").tree
    bb = next(i for i in tree.find_all(exp.Identifier) if i.name == "bb")
    assert (bb.meta["line"], bb.meta["col"]) == (2, 3)


def test_sqlite_specific_spellings_survive(parser):
    cases = {
        "SELECT ?3, $x, :y, @z": "SELECT ?3, $x, :y, @z",
        "SELECT 0x1F, 1_000": "SELECT 0x1F, 1_000",
        "CREATE TABLE t (a NUMERIC, b DECIMAL(10, 2), c UNSIGNED BIG INT)":
            "CREATE TABLE t (a NUMERIC, b DECIMAL(10, 2), c UNSIGNED BIG INT)",
        "SELECT mod(a, 2) FROM t": "SELECT MOD(a, 2) FROM t",
        "SELECT a FROM t INDEXED BY i": "SELECT a FROM t INDEXED BY i",
        # JSON paths stay the literal the user wrote (sqlglot would rewrite 'x' as '$.x').
        "SELECT a -> 'x', a ->> '$.y[#-1]' FROM t": "SELECT a -> 'x', a ->> '$.y[#-1]' FROM t",
    }
    for sql, want in cases.items():
        assert parser.render(parser.parse(sql).tree) == want


def test_between_and_binds_like_sqlite(fe):
    tree = fe.parse("SELECT * FROM t WHERE a BETWEEN 1 AND 2 AND b").tree
    where = tree.args["where"].this
    assert isinstance(where, exp.And) and isinstance(where.this, exp.Between)


def test_not_binds_looser_than_comparison(fe):
    where = fe.parse("SELECT * FROM t WHERE NOT a = 1 AND b").tree.args["where"].this
    assert isinstance(where, exp.And) and isinstance(where.this, exp.Not) and isinstance(where.this.this, exp.EQ)


# -- classification -------------------------------------------------------------------------------


@pytest.mark.parametrize(("sql", "operation", "unsupported", "table"), [
    ("CREATE TRIGGER r AFTER INSERT ON t BEGIN SELECT 1; END", OperationType.UNKNOWN, "CREATE TRIGGER", None),
    ("CREATE VIRTUAL TABLE v USING fts5(a, b)", OperationType.UNKNOWN, "CREATE VIRTUAL TABLE", None),
    ("CREATE TABLE t (a) WITHOUT ROWID", OperationType.CREATE, "table option WITHOUT ROWID", None),
    ("PRAGMA foreign_keys = ON", OperationType.UNKNOWN, "PRAGMA", None),
    ("EXPLAIN QUERY PLAN SELECT 1", OperationType.UNKNOWN, "EXPLAIN", None),
    ("ALTER TABLE t DROP CONSTRAINT c", OperationType.ALTER, "ALTER TABLE DROP CONSTRAINT", None),
])
def test_statements_outside_the_ir_still_classify(fe, sql, operation, unsupported, table):
    stmt = fe.parse(sql)
    assert stmt.tree is None
    assert (stmt.operation, stmt.unsupported, stmt.table) == (operation, unsupported, table)


def test_unsupported_statement_refuses_transforms(parser):
    with pytest.raises(UnsupportedConstructError, match="CREATE TRIGGER"):
        parser.parse_and_modify_sql("CREATE TRIGGER r AFTER INSERT ON t BEGIN SELECT 1; END",
                                    {"t": TableColumn(new_table_name="u")})
    assert parser.get_table_name("UPDATE OR IGNORE t SET a = 1") == "t"


def test_truncate_extension(parser):
    assert parser.get_sql_operation("TRUNCATE TABLE users") == OperationType.TRUNCATE
    assert parser.render(parser.parse("TRUNCATE TABLE main.users").tree) == "DELETE FROM main.users"
    with pytest.raises(SQLSyntaxError):
        parser.parse("TRUNCATE users")  # only the MySQL spelling with TABLE is an extension


def test_portable_names_flag():
    strict = new_parser("sqlite", portable_names=True)
    loose = new_parser("sqlite", portable_names=False)
    with pytest.raises(SQLSyntaxError, match="reserved word"):
        strict.get_sql_operation("INSERT INTO database (name) VALUES ('x')")
    assert loose.get_sql_operation("INSERT INTO database (name) VALUES ('x')") == OperationType.INSERT
    assert strict.get_sql_operation('INSERT INTO "database" (name) VALUES (1)') == OperationType.INSERT


# -- cache ----------------------------------------------------------------------------------------


def test_cache_hands_out_copies():
    clear_cache()
    fe = SQLiteFrontend(portable_names=False)
    first = fe.parse("SELECT a FROM t")
    first.tree.set("where", exp.Where(this=exp.column("x")))
    second = fe.parse("SELECT a FROM t")
    assert second.tree.sql("sqlite") == "SELECT a FROM t"
    assert second.tree is not first.tree


def _extras(tree):
    return [(type(n).__name__, n.meta if n._meta else None, n.comments or None) for n in tree.walk()]


def test_cache_hits_are_equal_to_a_fresh_parse_with_metadata_and_comments():
    clear_cache()
    sql = "SELECT a /* one */, b FROM t -- two\nWHERE c = 'x' /* three */"
    fresh = SQLiteFrontend(portable_names=False, cache=False).parse(sql).tree
    fe = SQLiteFrontend(portable_names=False)
    seen = [fe.parse(sql) for _ in range(4)]  # a miss, the second sight (kept), two plain hits
    for stmt in seen:
        assert stmt.tree == fresh
        assert _extras(stmt.tree) == _extras(fresh)
        assert stmt.tree.sql("sqlite", comments=True) == fresh.sql("sqlite", comments=True)
    assert len({id(stmt.tree) for stmt in seen}) == len(seen)
    assert any(n._meta for n in fresh.walk()) and any(n.comments for n in fresh.walk())


def test_cache_hits_do_not_share_metadata_or_comments():
    clear_cache()
    fe = SQLiteFrontend(portable_names=False)
    sql = "SELECT a /* c */ FROM t WHERE b = 1"
    fe.parse(sql)
    first = fe.parse(sql).tree
    for node in first.walk():
        if node._meta:
            node.meta["start"] = -1
            node.meta["added"] = True
        if node.comments:
            node.comments.append("leaked")
    second = fe.parse(sql).tree
    assert all(n.meta.get("start") != -1 and "added" not in n.meta for n in second.walk() if n._meta)
    assert all("leaked" not in (n.comments or []) for n in second.walk())


def test_cache_is_bounded():
    from dialects.sqlite import frontend as module

    clear_cache()
    fe = SQLiteFrontend(portable_names=False)
    for i in range(module.CACHE_SIZE + 50):
        fe.parse(f"SELECT {i}")
    assert len(SQLiteFrontend._caches[False]._items) == module.CACHE_SIZE


# -- size and depth (no timing here: bench/sqlite_parse.py measures speed) ----------------------


def test_deep_nesting_through_the_contract(parser):
    depth = 200
    sql = "SELECT " + "(" * depth + "1" + ")" * depth + " FROM t"
    assert parser.get_sql_operation(sql) == OperationType.SELECT
    assert parser.append_sql_filter(sql, "AND", "a = 1").endswith("WHERE a = 1")


def test_thousand_row_insert(parser):
    sql = "INSERT INTO t (a, b) VALUES " + ", ".join(f"({i}, 'v{i}')" for i in range(1000))
    assert parser.get_insert_data_nums(sql) == 1000


# -- filter conditions ----------------------------------------------------------------------------


@pytest.mark.parametrize("condition", [
    "a = 1 ORDER BY b", "a = 1 LIMIT 1", "1 GROUP BY a", "a = 1 UNION SELECT 1", "a = 1; DROP TABLE t",
    "a = 1 WINDOW w AS ()", "a LIKE b = c ESCAPE d", "a =", "",
])
def test_condition_must_be_exactly_one_expression(parser, condition):
    # Anything after the expression is an error, never silently dropped from the rewrite.
    with pytest.raises((SQLSyntaxError, InvalidArgumentError)):
        parser.append_sql_filter("SELECT * FROM t", "AND", condition)


def test_condition_positions_are_relative_to_the_condition(parser):
    with pytest.raises(SQLSyntaxError) as info:
        parser.append_sql_filter("SELECT * FROM t", "AND", "a = 1 AND\n  b = = 2")
    assert (info.value.line, info.value.column, info.value.token) == (2, 7, "=")


def test_condition_with_subquery_and_placeholder(parser):
    out = parser.append_sql_filter("SELECT * FROM t WHERE x > 1 OR y", "AND", "a IN (SELECT b FROM u) AND c = ?")
    assert out == "SELECT * FROM t WHERE (x > 1 OR y) AND a IN (SELECT b FROM u) AND c = ?"


def test_comments_are_kept(parser):
    sql = "-- lead\nSELECT a /* c1 */, b FROM t -- c2 */ tail"
    out = parser.render(parser.parse(sql).tree)
    assert out == "/* lead */ SELECT a /* c1 */, b FROM t /* c2 * / tail */"
    assert parser.render(parser.parse(out).tree) == out


def test_parallel_parses_agree_with_serial(parser):
    # One ANTLR parser per thread, one prediction DFA shared by all: results must not depend on
    # what the other threads are parsing.
    from concurrent.futures import ThreadPoolExecutor

    from tests.corpus._corpus import load_corpus

    fe = SQLiteFrontend(portable_names=False, cache=False)

    def outcome(sql: str) -> str:
        try:
            tree = fe.parse(sql).tree
            return tree.sql("sqlite") if tree is not None else "unsupported"
        except SQLSyntaxError as err:
            return f"error {err.line}:{err.column}"

    sqls = [row["sql"] for row in load_corpus("sqlite")[:600]]
    serial = [outcome(sql) for sql in sqls]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(outcome, sqls))
    assert parallel == serial
