"""Native SQLite output for a reviewed set of statements (syrupy snapshots, reviewed like code).

Update after an intended change with:  pytest tests/sqlite/test_native_snapshots.py --snapshot-update
"""

from __future__ import annotations

import apsw
import pytest

from sqlparser import new_parser

STATEMENTS = [
    "select a, b as c from t where x > ? order by a desc nulls last limit 3 offset 1",
    "SELECT DISTINCT t.*, u.[name] FROM t LEFT OUTER JOIN `u` ON t.id = u.tid WHERE u.x IS NOT NULL",
    "SELECT * FROM a NATURAL JOIN b CROSS JOIN c JOIN d USING (id), e INDEXED BY e_i",
    "WITH RECURSIVE cnt(x) AS (VALUES (1) UNION ALL SELECT x + 1 FROM cnt WHERE x < 10) SELECT x FROM cnt",
    "WITH m AS MATERIALIZED (SELECT 1 AS a), n AS NOT MATERIALIZED (SELECT 2) SELECT * FROM m, n",
    "SELECT a FROM t1 UNION SELECT a FROM t2 INTERSECT SELECT a FROM t3 EXCEPT SELECT 4 ORDER BY 1 LIMIT 5, 10",
    "SELECT CASE WHEN a IS NULL THEN 'none' WHEN a = 1 THEN 'one' ELSE CAST(a AS TEXT) END FROM t",
    "SELECT count(DISTINCT a) FILTER (WHERE a > 0) OVER (PARTITION BY b ORDER BY c "
    "ROWS BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES) FROM t",
    "SELECT sum(a) OVER w, rank() OVER (w ORDER BY b) FROM t WINDOW w AS (PARTITION BY c)",
    "SELECT group_concat(a, ',' ), group_concat(DISTINCT b), total(c), ifnull(d, 0), mod(e, 3) FROM t",
    "SELECT a FROM t WHERE a NOT IN (SELECT b FROM u) AND NOT EXISTS (SELECT 1 FROM v) AND c NOT BETWEEN 1 AND 2",
    "SELECT a LIKE 'x%' ESCAPE '!', a NOT GLOB '*y', a REGEXP 'z', a MATCH 'q', a IS DISTINCT FROM b FROM t",
    "SELECT x'00FF', 0x1F, 1_000, .5, 1e3, -a, ~b, +c, a || b, a -> '$.k', a ->> 'k' FROM t",
    "SELECT ?, ?7, :name, @name, $name FROM t",
    "SELECT a NOT IN (1) = 0, (a, b) = (1, 2), a COLLATE NOCASE = 'x' FROM t",
    "SELECT * FROM json_each('[1,2]') AS j, (SELECT 1) AS s, (t1 JOIN t2 ON t1.a = t2.a)",
    "INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL) RETURNING a, b AS bee",
    "INSERT OR IGNORE INTO main.t AS x SELECT * FROM u WHERE true ON CONFLICT (a) DO UPDATE SET b = excluded.b "
    "WHERE x.b IS NULL",
    "REPLACE INTO t DEFAULT VALUES",
    "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
    "UPDATE t SET a = a + 1, (b, c) = (SELECT 1, 2) FROM u WHERE t.id = u.id RETURNING *",
    "UPDATE t AS x NOT INDEXED SET a = 1 WHERE x.b = 2",
    "DELETE FROM t INDEXED BY t_a WHERE a < 10 RETURNING a",
    "TRUNCATE TABLE main.t",
    "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL DEFAULT 'x' "
    "COLLATE NOCASE, v NUMERIC CHECK (v > 0), w DECIMAL(10, 2) UNIQUE, u UNSIGNED BIG INT REFERENCES p (id) "
    "ON DELETE CASCADE, g AS (v * 2) STORED, CONSTRAINT pk UNIQUE (name, v), FOREIGN KEY (w) REFERENCES q (x))",
    "CREATE TEMP TABLE t2 AS SELECT * FROM t",
    "CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a DESC, lower(b)) WHERE a > 0",
    "CREATE VIEW v (x, y) AS SELECT a, b FROM t",
    "DROP TABLE IF EXISTS main.t",
    "DROP INDEX i",
    "ALTER TABLE t RENAME TO u",
    "ALTER TABLE t RENAME COLUMN a TO b",
    "ALTER TABLE t ADD COLUMN c TEXT DEFAULT 'z' NOT NULL",
    "ALTER TABLE t DROP COLUMN c",
    "SELECT a -- trailing\nFROM t /* block */ WHERE b = 1",
]


@pytest.fixture(scope="module")
def parser():
    return new_parser("sqlite", portable_names=False)


def test_native_output(parser, snapshot):
    out = {sql: parser.render(parser.parse(sql).tree) for sql in STATEMENTS}
    assert out == snapshot


def test_native_output_is_valid_sqlite(parser):
    con = apsw.Connection(":memory:")
    for sql in STATEMENTS:
        native = parser.render(parser.parse(sql).tree)
        cursor = con.cursor()
        cursor.exec_trace = lambda *_: False
        try:
            cursor.execute(native)
        except apsw.ExecTraceAbort:
            pass
        except apsw.SQLError as err:
            assert "syntax error" not in str(err) and "incomplete" not in str(err), (native, err)
