"""The MySQL front end's strictness rules, as tables: (sql, line, column, token, message part)
for statements MySQL rejects, and statements MySQL accepts that must keep parsing."""

from __future__ import annotations

import pytest

from sqlparser import OperationType, SQLSyntaxError, TableColumn, UnsupportedConstructError, new_parser

REJECTED = [
    # reserved words used as names, with the position of the word
    ("INSERT INTO database (name, age) VALUES ('Nick', 25);", 1, 13, "database", "reserved word"),
    ("SELECT a FROM t\nWHERE order = 1", 2, 7, "order", "quote it as `order`"),
    ("SELECT a AS select FROM t", 1, 13, "select", "quote it as `select`"),
    ("SELECT t.a FROM t AS key", 1, 22, "key", "reserved word"),
    ("UPDATE t SET interval = 1", 1, 14, "interval", "reserved word"),
    ("select * from ROW", 1, 15, "ROW", "reserved word"),
    # alias on *
    ("SELECT * users WHERE name = 'Alice'", 1, 10, "users", "'*' cannot have an alias"),
    ("SELECT t.* x FROM t", 1, 12, "x", "'*' cannot have an alias"),
    # statements that are not statements
    ("SELECTS id, name FROM users", 1, 1, "SELECTS", "unrecognized statement"),
    ("SELECTZ * FRON users", 1, 1, "SELECTZ", "unrecognized statement"),
    ("SELECT", 1, 1, "SELECT", "at least one expression"),
    ("LOCK TABLES t READ", 1, 1, "LOCK TABLES", "unsupported statement"),
    # token-level rules
    ("INSERT INTO foo (a,) VALUES (42)", 1, 19, ",", "trailing comma"),
    ("SELECT 1 - NOT 0", 1, 12, "NOT", "NOT cannot follow"),
    ("SELECT a FROM t WHERE a = NOT b", 1, 27, "NOT", "NOT cannot follow"),
    ("select 1 union with cte as (select 1) select * from cte", 1, 16, "with", "WITH cannot start"),
    ("select date 19890910", 1, 13, "19890910", "quoted string"),
    ("select 0X11", 1, 8, "0X11", "lower-case"),
    ("select x'abc'", 1, 8, "x'abc'", "even number"),
    ("SELECT '{}'->'$.a' FROM t", 1, 12, "->", "must follow a column"),
    ("SELECT a->3 FROM t", 1, 11, "3", "quoted JSON path"),
    ("select current_timestamp(1.0)", 1, 26, "1.0", "fractional-seconds"),
    ("select now(7)", 1, 12, "7", "fractional-seconds"),
    ("SELECT CURDATE(1)", 1, 16, "1", "takes no arguments"),
    ("SELECT TIMESTAMPDIFF(YEAR_MONTH, a, b) FROM t", 1, 22, "YEAR_MONTH", "not a unit"),
    ("TABLE t1, t2", 1, 9, ",", "exactly one table"),
    ("select * from t lock in share mode nowait", 1, 36, "nowait", "LOCK IN SHARE MODE"),
    ("select * from tbl tablesample system(50)", 1, 19, "tablesample", "TABLESAMPLE"),
    ("ALTER TABLE t1 ,", 1, 16, ",", "trailing comma"),
    # tree-level rules
    ("SELECT * FROM t1 LEFT JOIN t2", 1, 28, "t2", "needs an ON or USING"),
    ("select * from t1 natural cross join t2", 1, 37, "t2", "NATURAL CROSS JOIN"),
    ("SELECT a.b.c.d FROM t", 1, 8, "a", "at most three parts"),
    ("select bit_and(distinct c1) from t", 1, 25, "c1", "does not take DISTINCT"),
    ("select count(distinct *) from t", 1, 23, "*", "name the columns"),
    ("select max(c1, c2) from t", 1, 8, "max", "exactly one argument"),
    ("select json_arrayagg(c1, c2) from t", 1, 8, "json_arrayagg", "exactly one argument"),
    ("select row(1)", 1, 8, "row", "at least two values"),
    ("select 'a' like 'b' escape '||'", 1, 28, "'||'", "single character"),
    ("select a + interval 1 sql_tsi_microsecond from t", 1, 23, "sql_tsi_microsecond", "not an INTERVAL unit"),
    ("INSERT INTO t (a) SET a=1", 1, 13, "t", "column list"),
    ("DELETE t1, t2 FROM t1 JOIN t2 ON t1.a = t2.a LIMIT 10", 1, 52, "10", "multiple-table DELETE"),
    ("UPDATE a, b SET a.x = b.x ORDER BY a.id", 1, 36, "a", "multiple-table UPDATE"),
    ("select * from t as \"a\"", 1, 20, '"a"', "quoted string"),
    ("select cast(1 as float(54))", 1, 24, "54", "FLOAT precision"),
    ("CREATE SEQUENCE s START WITH 1", 1, 17, "s", "no sequences"),
    ("CREATE TABLE foo ()", 1, 14, "foo", "at least one column"),
    ("create table t (c1 enum)", 1, 17, "c1", "list of values"),
    # other dialects' syntax that sqlglot would quietly rewrite into something else
    ("SELECT a::int FROM t", 1, 9, "::", "no :: casts"),
    ("SELECT * FROM t WHERE a = :x", 1, 27, ":", "use ? placeholders"),
    ("SELECT a[1] FROM t", 1, 9, "[", "subscripts"),
    ("SELECT a FROM t WHERE a SIMILAR TO 'x'", 1, 25, "SIMILAR TO", "REGEXP"),
    ("SELECT * FROM t FETCH FIRST 5 ROWS ONLY", 1, 17, "FETCH", "use LIMIT"),
    ("SELECT * FROM t WHERE a ILIKE 'x'", 1, 25, "ILIKE", "no ILIKE"),
    ("DELETE FROM t RETURNING a", 1, 25, "a", "no RETURNING"),
    ("SELECT * FROM t OFFSET 5", 1, 24, "5", "OFFSET needs a LIMIT"),
    ("SELECT DISTINCT ON (a) a, b FROM t", 1, 21, "a", "no DISTINCT ON"),
    ("INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING", 1, 33, "CONFLICT", "ON DUPLICATE KEY UPDATE"),
    ("SELECT * FROM t1 FULL OUTER JOIN t2 ON t1.a = t2.a", 1, 34, "t2", "no FULL JOIN"),
    ("SELECT a IS DISTINCT FROM b FROM t", 1, 13, "DISTINCT", "<=>"),
    ("INSERT OR REPLACE INTO t VALUES (1)", 1, 24, "t", "INSERT OR"),
    ("SELECT a FROM t WHERE a = 1 QUALIFY b = 1", 1, 37, "b", "no QUALIFY"),
    ("SELECT CAST(a AS INT) FROM t", 1, 18, "INT", "CAST to INT"),
    ("SELECT CAST(a AS VARCHAR(10)) FROM t", 1, 18, "VARCHAR", "CAST to VARCHAR"),
    ("SELECT * FROM t AS x(a, b)", 1, 20, "x", "derived table"),
    ("UPDATE t SET a = 1 FROM u WHERE t.id = u.id", 1, 25, "u", "UPDATE has no FROM"),
    # /*! ... */ text is read as part of the statement (issue 10 item 5); a version the servers
    # disagree on is refused.
    ("SELECT a FROM t WHERE id = 1 /*!90000 OR 1 = 1 */", 1, 30, "/*!", "runs only on servers"),
    ("SELECT a FROM t ORDER BY a NULLS LAST", 1, 28, "NULLS", "NULLS FIRST / NULLS LAST"),
    ("SELECT timestamp without time zone '1999-12-01'", 1, 18, "without", "TIME ZONE"),
    ("SELECT a + interval '1 month' FROM t", 1, 21, "'1 month'", "needs a unit"),
    ("SELECT * FROM generate_series(1, 3)", 1, 15, "generate_series", "table functions"),
    ("SELECT * FROM (VALUES (1, 2)) AS v(a, b)", 1, 24, "1", "ROW(...)"),
    ("SELECT count(*) FILTER (WHERE a > 1) FROM t", 1, 17, "FILTER", "FILTER"),
    ("SELECT a FROM t GROUP BY CUBE(a)", 1, 26, "CUBE", "CUBE"),
    ("SELECT a FROM t GROUP BY ROLLUP(a)", 1, 26, "ROLLUP", "WITH ROLLUP"),
    ("SELECT * FROM t FOR NO KEY UPDATE", 1, 1, "SELECT", "FOR NO KEY UPDATE"),
    ("SELECT ('x', E'y')", 1, 15, "'y'", "only allowed on a select-list item"),
    ("WITH c(x) AS (VALUES(1) UNION ALL SELECT x + 1 FROM c) SELECT x FROM c", 1, 22, "1", "must be a query"),
    ("SELECT name FROM t WHERE name GLOB 'x*'", 1, 31, "GLOB", "no GLOB"),
    ("SELECT * FROM t WHERE b ~* 'x'", 1, 25, "~*", "REGEXP"),
    ("SELECT (d1).r FROM t", 1, 9, "d1", "field access"),
    ("DELETE FROM t1 USE INDEX (i) WHERE id = 1", 1, 13, "t1", "single-table DELETE"),
    ("SELECT float8 'NaN'", 1, 8, "float8", "not a MySQL literal"),
    ("SELECT DATETIME '2020-01-01'", 1, 8, "DATETIME", "not a MySQL literal"),
    ("SELECT 1 IS NOT DISTINCT FROM 2", 1, 17, "DISTINCT", "<=>"),
    ("SELECT a INTO x FROM t", 1, 15, "x", "@variables"),
    ("SELECT a FROM t WHERE a = ANY('{1}')", 1, 31, "'{1}'", "needs a subquery"),
    ("SELECT EXTRACT(DECADE FROM d) FROM t", 1, 16, "DECADE", "not a unit EXTRACT accepts"),
    ("SELECT array_agg(x ORDER BY y) FROM t", 1, 20, "ORDER", "only allowed in GROUP_CONCAT"),
    ("SELECT * FROM rank() OVER (ORDER BY a)", 1, 15, "rank", "table functions"),
    ("SELECT JSON_TABLE('[]', '$')", 1, 19, "'[]'", "JSON_TABLE is a table"),
    ("SELECT f(x, silent => true)", 1, 20, "=>", "named arguments"),
    ("SELECT interval '1' minute to second", 1, 28, "to", "INTERVAL ... TO"),
    ("select .78.123", 1, 8, ".", "malformed number"),
    # DDL details
    ("ALTER TABLE t ADD INDEX ()", 1, 19, "INDEX", "at least one key part"),
    ("ALTER TABLE t ADD UNIQUE KEY ()", 1, 19, "UNIQUE", "at least one key part"),
    ("ALTER TABLE t RENAME COLUMN t.a TO t.b", 1, 29, "t", "plain column names"),
    ("ALTER TABLE t ALTER COLUMN a SET DEFAULT NOW()", 1, 42, "NOW", "needs parentheses"),
    ("CREATE TABLE t (a TIMESTAMP DEFAULT now)", 1, 37, "now", "needs parentheses"),
    ("CREATE TABLE a (a INT, KEY (a + 1))", 1, 29, "a", "its own parentheses"),
    # incomplete statements sqlglot tolerates
    ("INSERT INTO t (a)", 1, 13, "t", "needs VALUES, SET or SELECT"),
    ("SELECT a FROM t GROUP BY", 1, 17, "GROUP BY", "incomplete"),
    ("SELECT a FROM t JOIN u ON", 1, 24, "ON", "incomplete"),
    ("SELECT a FROM t JOIN u ON WHERE a = 1", 1, 24, "ON", "join condition"),
    ("SELECT a, FROM t", 1, 9, ",", "trailing comma before FROM"),
    ("SELECT a FROM t WHERE a IN ()", 1, 23, "a", "at least one value"),
    ("SELECT COUNT() FROM t", 1, 8, "COUNT", "exactly one argument"),
    ("UPDATE t", 1, 8, "t", "needs SET"),
    # rewrites keep checking what they rewrite
    ("DELETE FROM t1.*", None, None, None, ""),
    ("SELECT a FROM t INTO OUTFILE", None, None, None, "quoted file name"),
    ("select {d '2024-01-01'", None, None, None, "unmatched"),
    ("REPLACE INTO foo (a,) VALUES (1)", 1, 20, ",", "trailing comma"),
]


@pytest.fixture(scope="module")
def parser():
    return new_parser("mysql", portable_names=False)


@pytest.mark.parametrize(("sql", "line", "column", "token", "message"), REJECTED)
def test_mysql_rejects(parser, sql, line, column, token, message):
    with pytest.raises(SQLSyntaxError) as info:
        parser.get_sql_operation(sql)
    err = info.value
    assert message in str(err)
    assert str(err).startswith("failed to parse SQL")
    if line is not None:
        assert (err.line, err.column, err.token) == (line, column, token), str(err)


ACCEPTED = [
    ("SELECT `order`, t.key, db.t.desc FROM t", OperationType.SELECT),
    ("SELECT a FROM `select` AS `from`", OperationType.SELECT),
    ("select 1 from dual", OperationType.SELECT),
    ("select utc_timestamp, current_date, current_timestamp(3), now(), curdate()", OperationType.SELECT),
    ("UPDATE t SET a = DEFAULT WHERE id = 1", OperationType.UPDATE),
    ("VALUES ROW(1, DEFAULT), ROW(2, 3)", OperationType.SELECT),
    ("select * from t use index (primary)", OperationType.SELECT),
    ("SELECT a FROM t WHERE NOT a = 1 AND (NOT b) AND c = !d", OperationType.SELECT),
    ("SELECT a->'$.x', a->>'$.y' FROM t", OperationType.SELECT),
    ("SELECT COUNT(DISTINCT a, b), GROUP_CONCAT(DISTINCT a) FROM t", OperationType.SELECT),
    ("SELECT * FROM t1 NATURAL LEFT JOIN t2", OperationType.SELECT),
    ("SELECT * FROM t1 LEFT JOIN t2 USING (id)", OperationType.SELECT),
    ("(SELECT 1) UNION (WITH c AS (SELECT 2) SELECT * FROM c)", OperationType.SELECT),
    ("SELECT DATE '2024-01-01', TIMESTAMPADD(SQL_TSI_DAY, 1, a) FROM t", OperationType.SELECT),
    ("SELECT ABS(1, 2), POW(2)", OperationType.SELECT),
    ("INSERT INTO t VALUES (1, DEFAULT)", OperationType.INSERT),
    ("INSERT IGNORE INTO t (a) VALUES (1)", OperationType.INSERT),
    ("INSERT INTO t SET a = 1, b = 2", OperationType.INSERT),
    ("DELETE t1.*, t2 FROM t1 JOIN t2 ON t1.a = t2.a", OperationType.DELETE),
    ("select * from t where a > {ts '1989-09-10 11:11:11'} and b = {fn 1}", OperationType.SELECT),
    ("SELECT 1;", OperationType.SELECT),
    ("SELECT INTERVAL(1, 0, 1, 2), a + INTERVAL (1 + 1) DAY, a - INTERVAL '1' MONTH FROM t", OperationType.SELECT),
    ("SELECT * FROM (VALUES ROW(1, 2)) AS v(a, b) ORDER BY a IS NULL, a", OperationType.SELECT),
    ("SELECT jt.x FROM JSON_TABLE('[1]', '$[*]' COLUMNS (x INT PATH '$')) AS jt", OperationType.SELECT),
    ("SELECT a, COUNT(*) FROM t GROUP BY a WITH ROLLUP", OperationType.SELECT),
    ("SELECT a AS x, b y, c AS 'z' FROM t", OperationType.SELECT),
    ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) SELECT x FROM c",
     OperationType.SELECT),
    ("DELETE t1 FROM t1 USE INDEX (i) WHERE t1.id = 1", OperationType.DELETE),
    ("SELECT db.f(1) FROM t", OperationType.SELECT),
    ("SELECT JSON_OBJECTAGG(ALL a, ALL b), SUM(ALL c), COUNT(ALL d) FROM t GROUP BY e", OperationType.SELECT),
    ("SELECT DATE '2020-01-01', TIME '10:00', TIMESTAMP '2020-01-01 00:00', BINARY 'a', _utf8mb4'x', N'y'",
     OperationType.SELECT),
    ("SELECT a INTO @x FROM t WHERE b > ALL (SELECT 1) AND c = ANY (SELECT 2)", OperationType.SELECT),
    ("CREATE TABLE t (a INT DEFAULT '1' COMMENT 'x', b VARCHAR(3) CHARACTER SET 'utf8mb4')", OperationType.CREATE),
    ("CREATE TABLE t (a TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, b INT DEFAULT (1 + 1), "
     "c INT DEFAULT -1, d DATETIME(3) DEFAULT NOW(3), e DATETIME DEFAULT LOCALTIME, KEY k ((b + 1)), "
     "KEY k2 (a, c DESC), UNIQUE (c), PRIMARY KEY (b))", OperationType.CREATE),
    ("ALTER TABLE t ALTER COLUMN a SET DEFAULT (NOW()), RENAME COLUMN b TO c, ADD INDEX i (a, b)",
     OperationType.ALTER),
    ("SELECT CAST(a AS SIGNED INTEGER), CAST(b AS CHAR(3)), CAST(c AS DECIMAL(5, 2)), CAST(d AS CHARACTER) FROM t",
     OperationType.SELECT),
    ("SELECT * FROM (SELECT 1, 2) AS x(a, b) LIMIT 5 OFFSET 2", OperationType.SELECT),
    ("INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a)", OperationType.INSERT),
    ("SELECT a FROM t WHERE a IS NOT NULL AND a <=> b", OperationType.SELECT),
    ("SELECT a FROM t -- trailing comment", OperationType.SELECT),
    ("SELECT '/*! not a comment */' FROM t /* plain comment */", OperationType.SELECT),
]


@pytest.mark.parametrize(("sql", "operation"), ACCEPTED)
def test_mysql_accepts(parser, sql, operation):
    assert parser.get_sql_operation(sql) is operation


@pytest.mark.parametrize(
    ("sql", "table", "construct"),
    [
        # REPLACE and the statement modifiers have trees now (issue 10 item 5): tests/rename/test_write_forms.py
        ("SELECT a FROM t INTO OUTFILE '/tmp/x' FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n'", "t",
         "SELECT ... INTO OUTFILE"),
    ],
)
def test_valid_mysql_the_ir_cannot_hold_classifies_but_refuses_transforms(parser, sql, table, construct):
    assert parser.get_table_name(sql) == table
    with pytest.raises(UnsupportedConstructError) as info:
        parser.parse_and_modify_sql(sql, {"t": TableColumn(new_table_name="u")})
    assert info.value.construct == construct


def test_replace_counts_as_insert(parser):
    assert parser.get_sql_operation("REPLACE INTO foo VALUES (1)") is OperationType.INSERT


def test_runtime_arity_call_prints_as_written():
    out = new_parser("mysql", style="native").parse_and_modify_sql(
        "SELECT ABS(a, 2) FROM t", {"t": TableColumn(new_table_name="u")})
    assert "ABS(a, 2)" in out and "u" in out


def test_odbc_escape_reads_as_a_literal(parser):
    stmt = parser.parse("SELECT {d '2024-01-02'}")
    assert stmt.tree is not None and "2024-01-02" in stmt.tree.sql("mysql")


def test_filter_condition_is_as_strict_as_a_statement(parser):
    with pytest.raises(SQLSyntaxError, match=r"parse filter condition failed: .*reserved word") as info:
        parser.append_sql_filter("SELECT a FROM t", "AND", "key = 1")
    assert (info.value.line, info.value.column, info.value.token) == (1, 1, "key")
    with pytest.raises(SQLSyntaxError, match="NOT cannot follow") as info:
        parser.append_sql_filter("SELECT a FROM t", "AND", "a = 1 AND\n b = NOT c")
    assert (info.value.line, info.value.column) == (2, 6)


VALID_MYSQL = [
    "SELECT a, SUM(b) OVER w FROM t WINDOW w AS (PARTITION BY a ORDER BY b ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)",
    "WITH c (x, y) AS (SELECT 1, 2) SELECT x, y FROM c",
    "SELECT * FROM t, LATERAL (SELECT t.a + 1 AS b) AS l",
    "SELECT jt.* FROM t, JSON_TABLE(t.doc, '$[*]' COLUMNS (id INT PATH '$.id')) AS jt",
    "SELECT * FROM t WHERE MATCH (a, b) AGAINST ('x' IN NATURAL LANGUAGE MODE)",
    "SELECT GROUP_CONCAT(DISTINCT a ORDER BY a DESC SEPARATOR ';') FROM t",
    "INSERT INTO t (a, b) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE b = new.b",
    "INSERT INTO t (a) SELECT a FROM u ON DUPLICATE KEY UPDATE a = VALUES(a)",
    "UPDATE t JOIN u ON t.id = u.id SET t.a = u.a WHERE u.b > 1",
    "DELETE FROM t WHERE a = 1 ORDER BY id LIMIT 10",
    "UPDATE t SET a = a + 1 ORDER BY id DESC LIMIT 5",
    "SELECT * FROM t WHERE id = 1 FOR UPDATE OF t NOWAIT",
    "SELECT * FROM t WHERE id = 1 LOCK IN SHARE MODE",
    "SELECT STRAIGHT_JOIN t.a FROM t JOIN u ON t.id = u.id",
    "SELECT a FROM t PARTITION (p0) FORCE INDEX (idx_a) WHERE a > 1",
    "SELECT CASE WHEN a > 1 THEN 'x' ELSE 'y' END, IF(a, 1, 2), COALESCE(a, b), IFNULL(a, 0) FROM t",
    "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id) AND (a, b) = (1, 2)",
    "SELECT @x := 1, @y",
    "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d'), DATE_ADD(d, INTERVAL 1 DAY), TIMESTAMPDIFF(SECOND, a, b) FROM t",
    "SELECT SUBSTRING(a FROM 2 FOR 3), TRIM(LEADING 'x' FROM a), CONVERT(a, CHAR), CONVERT(a USING utf8mb4) FROM t",
    "SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 3",
    "(SELECT a FROM t ORDER BY a LIMIT 1) UNION (SELECT b FROM u)",
    "SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b), LAG(a, 1) OVER w FROM t WINDOW w AS (ORDER BY a)",
    "SELECT * FROM t1 NATURAL JOIN t2 LEFT JOIN t3 USING (id) RIGHT OUTER JOIN t4 ON t4.id = t3.id CROSS JOIN t5",
    "SELECT 1 + 2 * 3 DIV 4 MOD 5 % 6, 1 << 2, 8 >> 1, 5 & 3, 5 | 3, 5 ^ 3, ~5, -a, !a FROM t",
    "SELECT 'it''s', \"double\", 'a' 'b', X'0A', 0x0A, b'01', 0b01, 1e3, .5, -1.5e-3",
    "SELECT a FROM t WHERE a > ANY (SELECT b FROM u) AND a <> ALL (SELECT c FROM v) AND b IS NOT UNKNOWN",
    "DELETE FROM t1, t2 USING t1 INNER JOIN t2 ON t1.id = t2.id",
    "SELECT a FROM t FOR SHARE SKIP LOCKED",
    "SELECT POSITION('a' IN b), EXTRACT(YEAR_MONTH FROM d), CHAR(65, 66 USING utf8mb4) FROM t",
    "SELECT a FROM t WHERE a SOUNDS LIKE 'x' GROUP BY a WITH ROLLUP HAVING a > 1",
    "SELECT LEFT(a, 1), RIGHT(a, 1), INSERT(a, 1, 2, 'x'), REPLACE(a, 'x', 'y'), MOD(5, 2), REPEAT('a', 3) FROM t",
    "SELECT DATABASE(), SCHEMA(), USER(), VERSION(), VALUES(a) FROM t",
]


@pytest.mark.parametrize("sql", VALID_MYSQL)
def test_common_mysql_statements_parse(parser, sql):
    parser.get_sql_operation(sql)
