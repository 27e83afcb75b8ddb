"""The compat printer's output means what the statement meant: checked on a real MariaDB server.

Each query runs twice on the same data: as written, and as parsed by the MySQL front end and
printed in compat style (names plain and back-quoted, with and without the source text). The rows
must be the same. Trees built by passes carry no parentheses; those cases compare the printed
text's rows with a hand-written equivalent.

Uses the throw-away server of tests/engines (skips without MariaDB unless
COZELITE_REQUIRE_ENGINES=1). Run: ``python -m pytest tests/formatter/test_compat_mariadb.py -q``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlglot import exp

import formatter
from sqlparser import SQLFilterOp, new_parser
from tests.engines.mariadb_server import MariaDBServer

SETUP = [
    "DROP TABLE IF EXISTS cz_t2, cz_t1",
    "CREATE TABLE cz_t1 (id INT PRIMARY KEY, a INT, b VARCHAR(20), c DATETIME, flag BOOL)",
    "CREATE TABLE cz_t2 (id INT PRIMARY KEY, t1_id INT, v DECIMAL(10,2))",
    "INSERT INTO cz_t1 VALUES (1, 10, 'x', '2024-01-01 10:00:00', 1), (2, NULL, 'it''s', '2024-02-01 00:00:00', 0),"
    " (3, -5, 'a\\\\b', NULL, 1), (4, 7, '50%_off', '2023-12-31 23:59:59', NULL), (5, 0, '', '2024-01-15 12:30:00', 0)",
    "INSERT INTO cz_t2 VALUES (1, 1, 1.50), (2, 1, 2.25), (3, 3, -4.00), (4, 9, 0.00), (5, NULL, 10.10)",
]

QUERIES = [
    "SELECT id FROM cz_t1 WHERE a > 1 OR b = 'x' AND flag = 0",
    "SELECT id FROM cz_t1 WHERE (a > 1 OR b = 'x') AND flag = 0",
    "SELECT id, a - (2 - 3), (a + 1) * 2, a / 2, a DIV 2, a % 3, -a, - -a, ~a & 255 FROM cz_t1",
    "SELECT id, a BETWEEN 0 AND 10, a NOT BETWEEN 0 AND 10, (a BETWEEN 0 AND 10) = 1 FROM cz_t1",
    "SELECT id, NOT (a > 1), NOT a > 1, a IS NULL, a IS NOT NULL, flag IS TRUE, flag IS NOT FALSE FROM cz_t1",
    "SELECT id FROM cz_t1 WHERE b LIKE '%\\_%' OR b LIKE '50!%%' ESCAPE '!' OR b NOT LIKE 'x%'",
    "SELECT id, b, CONCAT(b, '|'), LENGTH(b), UPPER(b), b = 'a\\\\b' FROM cz_t1",
    "SELECT id FROM cz_t1 WHERE a IN (10, 7) OR id NOT IN (SELECT t1_id FROM cz_t2 WHERE t1_id IS NOT NULL)",
    "SELECT id FROM cz_t1 WHERE EXISTS (SELECT 1 FROM cz_t2 WHERE cz_t2.t1_id = cz_t1.id)",
    "SELECT id FROM cz_t1 WHERE a >= ALL (SELECT a FROM cz_t1 WHERE a IS NOT NULL)",
    "SELECT cz_t1.id, cz_t2.v FROM cz_t1, cz_t2 WHERE cz_t1.id = cz_t2.t1_id",
    "SELECT x.id, y.v FROM cz_t1 AS x JOIN cz_t2 y ON x.id = y.t1_id LEFT JOIN cz_t2 z ON z.id = y.id + 1",
    "SELECT x.id, y.v FROM cz_t1 x LEFT JOIN cz_t2 y ON x.id = y.t1_id WHERE y.v IS NULL",
    "SELECT x.id FROM cz_t1 x, cz_t1 y, cz_t2 z WHERE x.id = y.id AND y.id = z.id",
    "SELECT * FROM cz_t1 JOIN cz_t2 USING (id)",
    "SELECT b, COUNT(*), SUM(a), MAX(c) FROM cz_t1 GROUP BY b HAVING COUNT(*) >= 1 ORDER BY b DESC LIMIT 3",
    "SELECT COUNT(DISTINCT flag), GROUP_CONCAT(id ORDER BY id DESC SEPARATOR ';') FROM cz_t1",
    "SELECT id, CASE WHEN a > 5 THEN 'big' WHEN a IS NULL THEN 'none' ELSE 'small' END, IF(flag, 1, 2) FROM cz_t1",
    "SELECT id, CAST(a AS CHAR(5)), CAST(v AS SIGNED), CONVERT(v, DECIMAL(10,1)) FROM cz_t2 JOIN cz_t1 USING (id)",
    "SELECT id, c + INTERVAL 1 DAY, DATE_SUB(c, INTERVAL '1:30' HOUR_MINUTE), EXTRACT(MONTH FROM c) FROM cz_t1",
    "SELECT id, DATE_FORMAT(c, '%Y-%m %W'), TIMESTAMPDIFF(DAY, '2024-01-01', c) FROM cz_t1",
    "SELECT id, ROW_NUMBER() OVER (PARTITION BY flag ORDER BY id DESC), SUM(a) OVER w FROM cz_t1"
    " WINDOW w AS (ORDER BY id)",
    "SELECT id FROM cz_t1 WHERE a > 0 UNION SELECT id FROM cz_t2 WHERE v > 0 ORDER BY id LIMIT 10",
    "SELECT id FROM cz_t1 UNION ALL SELECT id FROM cz_t2 EXCEPT SELECT id FROM cz_t2 WHERE v < 0",
    "SELECT id FROM cz_t1 INTERSECT SELECT t1_id FROM cz_t2",
    "WITH big AS (SELECT id, a FROM cz_t1 WHERE a > 0) SELECT big.id FROM big JOIN cz_t2 ON cz_t2.id = big.id",
    "SELECT d.id FROM (SELECT id, a FROM cz_t1 WHERE a IS NOT NULL) AS d WHERE d.a < 8",
    "SELECT id, (SELECT MAX(v) FROM cz_t2 WHERE cz_t2.t1_id = cz_t1.id) FROM cz_t1",
    "SELECT id, a <=> NULL, a = NULL, COALESCE(a, 0), IFNULL(b, '-'), NULLIF(a, 10) FROM cz_t1",
    "SELECT id FROM cz_t1 ORDER BY a IS NULL, a DESC LIMIT 2 OFFSET 1",
    "SELECT 1 + 2 * 3, (1 + 2) * 3, 2 - 3 - 4, 2 - (3 - 4), 8 / 2 / 2, 8 / (2 / 2)",
    # (0x10 prints as x'10', as in TiDB; MySQL reads both as a number in arithmetic, MariaDB does not)
    "SELECT id, x'41', 0x42, b'101' + 0, 1e3, .5, 01000 FROM cz_t1 WHERE id = 1",
    # everyday SQL
    "SELECT DISTINCT flag FROM cz_t1",
    "SELECT flag, COUNT(*) AS cnt FROM cz_t1 GROUP BY flag WITH ROLLUP",
    "SELECT SUBSTRING(b, 1, 2), TRIM(b), LOWER(b), REPLACE(b, 'x', 'y'), LEFT(b, 1), LPAD(b, 5, '*') FROM cz_t1",
    "SELECT ROUND(v, 1), ABS(v), FLOOR(v), CEIL(v), MOD(id, 2), POW(2, id), GREATEST(v, 0), LEAST(v, 0) FROM cz_t2",
    "SELECT CURDATE() > DATE(c), YEAR(c), MONTH(c), DAY(c), HOUR(c), DATEDIFF(c, '2024-01-01') FROM cz_t1",
    "SELECT STR_TO_DATE('2024-01-01', '%Y-%m-%d'), DATE_FORMAT('2024-01-01', '%d/%m/%Y')",
    "SELECT JSON_EXTRACT('{\"a\": 1}', '$.a'), JSON_OBJECT('k', 1), JSON_ARRAY(1, 2)",
    "SELECT CASE a WHEN 10 THEN 'ten' WHEN 7 THEN 'seven' END FROM cz_t1",
    "SELECT id FROM cz_t1 WHERE b REGEXP '^x' OR b NOT REGEXP 's$'",
    "SELECT id FROM cz_t1 WHERE (id, a) IN ((1, 10), (4, 7))",
    "SELECT id FROM cz_t1 WHERE b IS NOT NULL AND b <> '' AND NOT flag",
    "SELECT id, CHAR_LENGTH(b), LOCATE('s', b), INSTR(b, 's'), CONCAT_WS('-', id, b), SUBSTRING_INDEX(b, 's', 1)"
    " FROM cz_t1",
    "SELECT SUM(CASE WHEN flag THEN 1 ELSE 0 END), AVG(a), MIN(b), STDDEV(a), VARIANCE(a) FROM cz_t1",
    "SELECT id FROM cz_t1 t WHERE NOT EXISTS (SELECT 1 FROM cz_t2 u WHERE u.t1_id = t.id) ORDER BY id DESC",
    "SELECT CAST('2024-01-01' AS DATE), CAST(1.5 AS DECIMAL(5,2)), CAST(id AS CHAR), CAST(id AS UNSIGNED) FROM cz_t1",
    "SELECT HEX(b), UNHEX('41'), MD5(b), SHA1(b), SHA2(b, 256) FROM cz_t1",
    "SELECT TIMESTAMPADD(MINUTE, 5, c), TIME(c), LAST_DAY(c), DAYOFWEEK(c), WEEK(c), QUARTER(c) FROM cz_t1",
    "SELECT id, LAG(a) OVER (ORDER BY id), LEAD(a, 1) OVER (ORDER BY id), DENSE_RANK() OVER (ORDER BY a) FROM cz_t1",
    "SELECT id, FIRST_VALUE(a) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM cz_t1",
    "SELECT a AS `select`, b `from` FROM cz_t1 `order`",
    "SELECT id FROM cz_t1 WHERE a > 5 XOR flag",
    "SELECT a << 2, a >> 1, a | 1, a ^ 3, BIT_COUNT(a) FROM cz_t1",
    "SELECT @cz_n := 5",
]

DML = [
    ("UPDATE cz_t1 SET a = a + 1, b = CONCAT(b, '!') WHERE id IN (1, 3) OR flag IS NULL",
     "SELECT id, a, b FROM cz_t1 ORDER BY id"),
    ("DELETE FROM cz_t2 WHERE v < 0 OR t1_id IS NULL", "SELECT id FROM cz_t2 ORDER BY id"),
    ("INSERT INTO cz_t2 (id, t1_id, v) VALUES (10, 2, 1.25), (11, NULL, -0.5)", "SELECT * FROM cz_t2 ORDER BY id"),
    ("UPDATE cz_t1 x, cz_t2 y SET x.a = y.v WHERE x.id = y.t1_id AND y.v > 2", "SELECT id, a FROM cz_t1 ORDER BY id"),
    ("INSERT INTO cz_t2 (id, t1_id, v) SELECT id + 100, id, a FROM cz_t1 WHERE a IS NOT NULL",
     "SELECT * FROM cz_t2 ORDER BY id"),
    ("INSERT INTO cz_t2 (id, t1_id, v) VALUES (1, 1, 9.99) ON DUPLICATE KEY UPDATE v = VALUES(v) + 1",
     "SELECT * FROM cz_t2 ORDER BY id"),
    ("INSERT IGNORE INTO cz_t2 VALUES (1, 1, 1), (6, 6, 6)", "SELECT * FROM cz_t2 ORDER BY id"),
    ("DELETE cz_t2 FROM cz_t2 JOIN cz_t1 ON cz_t1.id = cz_t2.t1_id WHERE cz_t1.flag = 0",
     "SELECT id FROM cz_t2 ORDER BY id"),
    ("UPDATE cz_t1 SET a = a * 2 WHERE flag = 1 ORDER BY id DESC LIMIT 1", "SELECT id, a FROM cz_t1 ORDER BY id"),
    ("DELETE FROM cz_t1 WHERE id > 3 ORDER BY id LIMIT 1", "SELECT id FROM cz_t1 ORDER BY id"),
]


@pytest.fixture
def conn(mariadb_server: MariaDBServer) -> Iterator[Any]:
    connection = mariadb_server.connect()
    try:
        reset(connection)
        yield connection
    finally:
        connection.close()


def reset(connection: Any) -> None:
    with connection.cursor() as cur:
        for sql in SETUP:
            cur.execute(sql)
    connection.commit()


def rows(connection: Any, sql: str) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql)
        result = [tuple(str(v) for v in row) for row in cur.fetchall()]
    # Without ORDER BY the server may return rows in any order
    return result if " ORDER BY " in sql.upper() else sorted(result)


PARSER = new_parser("mysql", portable_names=False)


def printed(sql: str, *, quote_names: bool, with_source: bool) -> str:
    tree = PARSER.parse(sql).tree
    assert tree is not None, sql
    options: dict[str, Any] = {"source_sql": sql} if with_source else {}
    return formatter.render(tree, style="compat", dialect=PARSER.dialect, quote_names=quote_names, **options)


@pytest.mark.parametrize("sql", QUERIES)
def test_printed_query_returns_the_same_rows(conn: Any, sql: str) -> None:
    want = rows(conn, sql)
    for quote_names in (False, True):
        for with_source in (False, True):
            text = printed(sql, quote_names=quote_names, with_source=with_source)
            assert rows(conn, text) == want, text


@pytest.mark.parametrize(("sql", "check"), DML)
def test_printed_dml_changes_the_same_rows(conn: Any, sql: str, check: str) -> None:
    with conn.cursor() as cur:
        cur.execute(sql)
    want = rows(conn, check)
    for quote_names in (False, True):
        reset(conn)
        text = printed(sql, quote_names=quote_names, with_source=True)
        with conn.cursor() as cur:
            cur.execute(text)
        assert rows(conn, check) == want, text


def test_pass_built_trees_keep_their_meaning(conn: Any) -> None:
    # append_filter ANDs a condition to an OR; the tree has no Paren, the text must have one
    p = new_parser("mysql", style="compat")
    text = p.append_sql_filter("SELECT id FROM cz_t1 WHERE a > 1 OR b = 'x'", SQLFilterOp.AND, "flag = 0")
    assert rows(conn, text) == rows(conn, "SELECT id FROM cz_t1 WHERE (a > 1 OR b = 'x') AND flag = 0")
    # arithmetic nested against precedence, built directly
    a, one, two = exp.column("a"), exp.Literal.number(1), exp.Literal.number(2)
    tree = exp.select(exp.Mul(this=exp.Sub(this=a, expression=one), expression=exp.Sub(this=two, expression=a)),
                      exp.Neg(this=exp.Sub(this=a, expression=one))).from_("cz_t1")
    text = formatter.render(tree, style="compat", dialect=PARSER.dialect, quote_names=False)
    assert rows(conn, text) == rows(conn, "SELECT (a - 1) * (2 - a), -(a - 1) FROM cz_t1")
