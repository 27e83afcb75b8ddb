"""Trees for the write statements users write (issue 10 item 5), on the text: every contract method
works on REPLACE, INSERT IGNORE, INSERT / UPDATE OR <action>, ON DUPLICATE KEY UPDATE (VALUES(col),
the `AS new` row alias), ON CONFLICT and MySQL's statement modifiers; and their translation, or a
named refusal. Engines: test_writes_engines.py (rename), test_write_translation.py (translation),
tests/security/test_tenant_write_forms.py (scope_rows / check_policy).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import formatter
from sqlparser import (
    ColumnValue,
    OperationType,
    Policy,
    PolicyViolationError,
    SQLParserError,
    TableColumn,
    UnsupportedConstructError,
    new_parser,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "sqlite.jsonl"

# The seven valid SQLite corpus statements rename refused before (no tree for UPDATE OR ...).
SQLITE_UPDATE_OR = {
    "sqlite-test-suite/conflict-1.sql:141": "UPDATE OR IGNORE p_t5 SET c_a = c_a + 1 WHERE c_a = 1",
    "sqlite-test-suite/conflict-1.sql:143": "UPDATE OR REPLACE p_t5 SET c_a = c_a + 1 WHERE c_a = 1",
    "sqlite-test-suite/fts3conf-1.sql:29": "UPDATE OR REPLACE p_t3 SET c_docid = 2 WHERE c_docid = 1",
    "sqlite-test-suite/fts3conf-1.sql:38":
        "UPDATE OR REPLACE p_t3 SET c_docid = 5, c_content = 'three four' WHERE c_docid = 4",
    "sqlite-test-suite/insert-1.sql:70": "UPDATE OR REPLACE p_t1 SET c_a = 2 WHERE c_b = 4",
    "sqlite-test-suite/sidedelete-1.sql:14":
        "UPDATE OR REPLACE p_t1 SET c_a = (SELECT c_b FROM p_chng WHERE c_a = p_t1.c_a)",
    "sqlite-test-suite/sidedelete-1.sql:21": "UPDATE OR REPLACE p_t1 SET c_a = c_a + 1",
}
CORPUS_MAP = {t: TableColumn(f"p_{t}", {c: f"c_{c}" for c in ("a", "b", "docid", "content")})
              for t in ("t5", "t3", "t1", "chng")}


def test_the_seven_sqlite_update_or_corpus_statements_rename() -> None:
    rows = {}
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] in SQLITE_UPDATE_OR:
            rows[row["id"]] = row
    assert set(rows) == set(SQLITE_UPDATE_OR)
    parser = new_parser("sqlite")
    for row_id, expected in SQLITE_UPDATE_OR.items():
        assert row_id and rows[row_id]["syntax_ok"]
        assert parser.parse_and_modify_sql(rows[row_id]["sql"], CORPUS_MAP) == expected


T = {"t": TableColumn("p_t", {"a": "c_a", "b": "c_b"}), "u": TableColumn("p_u", {"a": "c_a", "b": "c_b"})}

RENAMES = [
    ("mysql", "REPLACE INTO t (a, b) VALUES (1, 2)", "REPLACE INTO p_t (c_a, c_b) VALUES (1, 2)"),
    ("mysql", "REPLACE LOW_PRIORITY INTO t SET a = 1", "REPLACE LOW_PRIORITY INTO p_t (c_a) VALUES (1)"),
    ("mysql", "REPLACE INTO t (a) SELECT a FROM u WHERE b > 1",
     "REPLACE INTO p_t (c_a) SELECT c_a FROM p_u WHERE c_b > 1"),
    ("mysql", "INSERT LOW_PRIORITY IGNORE INTO t (a) VALUES (1)",
     "INSERT LOW_PRIORITY IGNORE INTO p_t (c_a) VALUES (1)"),
    ("mysql", "INSERT DELAYED INTO t (a) VALUES (1)", "INSERT DELAYED INTO p_t (c_a) VALUES (1)"),
    ("mysql", "INSERT IGNORE t SET a = 1", "INSERT IGNORE INTO p_t (c_a) VALUES (1)"),
    ("mysql", "INSERT INTO t (a, b) VALUES (1, 2) ON DUPLICATE KEY UPDATE b = VALUES(b) + b",
     "INSERT INTO p_t (c_a, c_b) VALUES (1, 2) ON DUPLICATE KEY UPDATE c_b = VALUES(c_b) + c_b"),
    ("mysql", "INSERT INTO t (a, b) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE b = new.b + t.b",
     "INSERT INTO p_t (c_a, c_b) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE c_b = new.c_b + p_t.c_b"),
    ("mysql", "INSERT INTO t (a, b) VALUES (1, 2) AS new(x, y) ON DUPLICATE KEY UPDATE b = y + new.x",
     "INSERT INTO p_t (c_a, c_b) VALUES (1, 2) AS new(x, y) ON DUPLICATE KEY UPDATE c_b = y + new.x"),
    ("mysql", "UPDATE LOW_PRIORITY IGNORE t SET a = a + 1 WHERE b = 2",
     "UPDATE LOW_PRIORITY IGNORE p_t SET c_a = c_a + 1 WHERE c_b = 2"),
    ("mysql", "DELETE LOW_PRIORITY QUICK IGNORE FROM t WHERE a = 1",
     "DELETE LOW_PRIORITY QUICK IGNORE FROM p_t WHERE c_a = 1"),
    ("sqlite", "REPLACE INTO t (a, b) VALUES (1, 2)", "INSERT OR REPLACE INTO p_t (c_a, c_b) VALUES (1, 2)"),
    ("sqlite", "INSERT OR ROLLBACK INTO t (a) SELECT a FROM u",
     "INSERT OR ROLLBACK INTO p_t (c_a) SELECT c_a FROM p_u"),
    ("sqlite", "UPDATE OR FAIL t SET a = 1 WHERE b IN (SELECT b FROM u)",
     "UPDATE OR FAIL p_t SET c_a = 1 WHERE c_b IN (SELECT c_b FROM p_u)"),
    ("sqlite", "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = excluded.b + t.b WHERE t.b < 5",
     "INSERT INTO p_t (c_a, c_b) VALUES (1, 2) ON CONFLICT(c_a) DO UPDATE SET c_b = excluded.c_b + p_t.c_b "
     "WHERE p_t.c_b < 5"),
    ("postgres", "INSERT INTO t AS x (a, b) VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = x.b + EXCLUDED.b",
     "INSERT INTO p_t AS x (c_a, c_b) VALUES (1, 2) ON CONFLICT(c_a) DO UPDATE SET c_b = x.c_b + excluded.c_b"),
]


@pytest.mark.parametrize(("dialect", "sql", "expected"), RENAMES, ids=[f"{d}: {s[:50]}" for d, s, _ in RENAMES])
def test_rename_write_forms(dialect: str, sql: str, expected: str) -> None:
    parser = new_parser(dialect)
    stmt = parser.compile(sql)
    assert stmt.tree is not None, stmt.unsupported
    assert parser.get_table_name(sql) == "t"
    assert parser.get_sql_operation(sql) in (OperationType.INSERT, OperationType.UPDATE, OperationType.DELETE)
    assert parser.parse_and_modify_sql(sql, T) == expected


@pytest.mark.parametrize(("sql", "restored"), [
    # TiDB's Restore of the same statements (tests/data/corpus/mysql.jsonl's `restored` form)
    ("REPLACE INTO foo (a,b) VALUES (42,314)", "REPLACE INTO `foo` (`a`,`b`) VALUES (42,314)"),
    ("DELETE low_priority quick ignore from t1", "DELETE LOW_PRIORITY QUICK IGNORE FROM `t1`"),
    ("UPDATE LOW_PRIORITY IGNORE t SET a = 1", "UPDATE LOW_PRIORITY IGNORE `t` SET `a`=1"),
    ("INSERT HIGH_PRIORITY IGNORE INTO t VALUES (1)", "INSERT HIGH_PRIORITY IGNORE INTO `t` VALUES (1)"),
])
def test_compat_prints_write_forms_as_tidb(sql: str, restored: str) -> None:
    parser = new_parser("mysql", style="compat")
    tree = parser.compile(sql).tree
    assert tree is not None
    assert formatter.render(tree, style="compat", dialect=parser.dialect, quote_names=True,
                            uppercase_keywords=True) == restored


@pytest.mark.parametrize(("dialect", "sql", "expected"), [
    ("mysql", "REPLACE INTO t (a) VALUES (1)", "REPLACE INTO t (a, tenant) VALUES (1, 'u1')"),
    ("mysql", "INSERT LOW_PRIORITY IGNORE INTO t (a) VALUES (1)",
     "INSERT LOW_PRIORITY IGNORE INTO t (a, tenant) VALUES (1, 'u1')"),
    ("mysql", "INSERT INTO t (a, b) VALUES (1, 2) AS new(x, y) ON DUPLICATE KEY UPDATE b = y",
     "INSERT INTO t (a, b, tenant) VALUES (1, 2, 'u1') AS new(x, y, tenant) ON DUPLICATE KEY UPDATE b = y"),
    ("sqlite", "INSERT OR IGNORE INTO t (a) VALUES (1)", "INSERT OR IGNORE INTO t (a, tenant) VALUES (1, 'u1')"),
    ("postgres", "INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING",
     "INSERT INTO t (a, tenant) VALUES (1, 'u1') ON CONFLICT DO NOTHING"),
])
def test_add_columns_to_write_forms(dialect: str, sql: str, expected: str) -> None:
    out, existing = new_parser(dialect).add_columns_to_insert_sql(sql, [ColumnValue("tenant", "u1")])
    assert out == expected
    assert "a" in existing


@pytest.mark.parametrize(("dialect", "sql", "expected"), [
    ("mysql", "UPDATE LOW_PRIORITY IGNORE t SET a = 1 WHERE b = 2",
     "UPDATE LOW_PRIORITY IGNORE t SET a = 1 WHERE b = 2 AND tenant = 1"),
    ("mysql", "DELETE QUICK FROM t", "DELETE QUICK FROM t WHERE tenant = 1"),
    ("sqlite", "UPDATE OR IGNORE t SET a = 1 WHERE b = 2 OR b = 3",
     "UPDATE OR IGNORE t SET a = 1 WHERE (b = 2 OR b = 3) AND tenant = 1"),
])
def test_append_filter_to_write_forms(dialect: str, sql: str, expected: str) -> None:
    assert new_parser(dialect).append_sql_filter(sql, "AND", "tenant = 1") == expected


KEYS = {"t": {"unique": [["a"]], "columns": ["a", "b", "c"]}}

TRANSLATIONS = [
    ("mysql", "sqlite", "REPLACE INTO t (a, b) VALUES (1, 2)", None, "INSERT OR REPLACE INTO t (a, b) VALUES (1, 2)"),
    ("mysql", "postgres", "REPLACE INTO t (a, b) VALUES (1, 2)", KEYS,
     "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT(a) DO UPDATE SET b = excluded.b, c = excluded.c"),
    ("mysql", "sqlite", "INSERT IGNORE INTO t (a, b) SELECT a, b FROM u", None,
     "INSERT INTO t (a, b) SELECT a, b FROM u WHERE TRUE ON CONFLICT DO NOTHING"),
    ("mysql", "postgres", "INSERT IGNORE INTO t (a, b) VALUES (1, 2)", None,
     "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT DO NOTHING"),
    ("mysql", "sqlite", "INSERT INTO t (a, b) VALUES (1, 2) ON DUPLICATE KEY UPDATE b = VALUES(b) + b", None,
     "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT DO UPDATE SET b = excluded.b + t.b"),
    ("mysql", "postgres", "INSERT INTO t (a, b) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE b = new.b", KEYS,
     "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT(a) DO UPDATE SET b = excluded.b"),
    ("mysql", "postgres", "INSERT INTO t (a, b) VALUES (1, 2) AS n(x, y) ON DUPLICATE KEY UPDATE b = y * 2", KEYS,
     "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT(a) DO UPDATE SET b = excluded.b * 2"),
    ("mysql", "sqlite", "DELETE LOW_PRIORITY QUICK FROM t WHERE a = 1", None, "DELETE FROM t WHERE a = 1"),
    ("mysql", "postgres", "UPDATE LOW_PRIORITY t SET a = 1", None, "UPDATE t SET a = 1"),
]


@pytest.mark.parametrize(("source", "target", "sql", "keys", "expected"), TRANSLATIONS,
                         ids=[f"{s}-{t}: {q[:40]}" for s, t, q, _, _ in TRANSLATIONS])
def test_translate_write_forms(source: str, target: str, sql: str, keys, expected: str) -> None:
    assert new_parser(target).translate(sql, read=source, write_schema=keys) == expected


REFUSALS = [
    ("mysql", "postgres", "REPLACE INTO t (a, b) VALUES (1, 2)", None, "unique keys"),
    ("mysql", "postgres", "REPLACE INTO t (a, b) VALUES (1, 2)", {"t": {"unique": [["a"]]}}, "every column"),
    ("mysql", "postgres", "INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = 2",
     {"t": {"unique": [["a"], ["b"]]}}, "2 unique keys"),
    ("mysql", "sqlite", "INSERT INTO t (a, b) VALUES (1, 2) ON DUPLICATE KEY UPDATE a = a + 1, b = a", None,
     "left to right"),
    ("mysql", "postgres", "UPDATE t SET a = a + 1, b = a", None, "left to right"),
    ("mysql", "sqlite", "UPDATE IGNORE t SET a = 1", None, "UPDATE IGNORE"),
    ("mysql", "postgres", "DELETE IGNORE FROM t", None, "DELETE IGNORE"),
    ("mysql", "sqlite", "UPDATE t, u SET t.a = u.a WHERE t.b = u.b", None, "multiple-table UPDATE"),
    ("mysql", "postgres", "INSERT IGNORE INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = 2", KEYS,
     "conflict clauses together"),
]


@pytest.mark.parametrize(("source", "target", "sql", "keys", "match"), REFUSALS,
                         ids=[f"{s}-{t}: {q[:40]}" for s, t, q, _, _ in REFUSALS])
def test_translate_refuses_unfaithful_write_forms(source: str, target: str, sql: str, keys, match: str) -> None:
    with pytest.raises(UnsupportedConstructError, match=match):
        new_parser(target).translate(sql, read=source, write_schema=keys)


@pytest.mark.parametrize("bad", [
    "t", {"t": ["a"]}, {"t": {"unique": "a"}}, {"t": {"unique": [[]]}}, {"t": {"keys": [["a"]]}},
    {"t": {"columns": "abc"}},
])
def test_write_schema_is_checked(bad) -> None:
    with pytest.raises(SQLParserError, match="write schema"):
        new_parser("postgres").translate("INSERT IGNORE INTO t (a) VALUES (1)", read="mysql", write_schema=bad)


@pytest.mark.parametrize(("sql", "expected"), [
    ("INSERT /*!IGNORE*/ INTO t (a) VALUES (1)", "INSERT IGNORE INTO p_t (c_a) VALUES (1)"),
    ("SELECT /*!40001 SQL_NO_CACHE */ a FROM t", "SELECT SQL_NO_CACHE c_a FROM p_t"),
    ("DELETE FROM t /*!80000 WHERE a = 1 */", "DELETE FROM p_t WHERE c_a = 1"),
    ("SELECT '/*!x*/', `/*!y*/` FROM t", "SELECT '/*!x*/', `/*!y*/` FROM p_t"),
])
def test_executable_comment_text_is_part_of_the_statement(sql: str, expected: str) -> None:
    # MySQL (and MariaDB) run the text of /*! ... */: the tree holds it, every pass sees it.
    assert new_parser("mysql").parse_and_modify_sql(sql, T) == expected


@pytest.mark.parametrize(("sql", "match"), [
    ("SELECT a FROM t WHERE a = 1 /*!90000 OR 1 = 1 */", "runs only on servers"),
    ("SELECT a FROM t WHERE a = 1 /*M!100100 OR 1 = 1 */", "MariaDB only"),
    ("SELECT a FROM t /*! WHERE a = 1", "unclosed"),
])
def test_executable_comments_with_a_server_dependent_meaning_are_refused(sql: str, match: str) -> None:
    with pytest.raises(SQLParserError, match=match):
        new_parser("mysql").parse_and_modify_sql(sql, T)


def test_into_outfile_is_a_named_refusal() -> None:
    # No tree (the IR has no node for the file clause): transforms name it, policy denies it.
    parser = new_parser("mysql")
    sql = "SELECT a FROM t INTO OUTFILE '/tmp/x'"
    assert parser.get_table_name(sql) == "t"
    with pytest.raises(UnsupportedConstructError, match="INTO OUTFILE"):
        parser.parse_and_modify_sql(sql, T)
    with pytest.raises(PolicyViolationError) as caught:
        parser.check_policy(sql, Policy(tables=frozenset({"t"})))
    assert caught.value.rule == "into-outfile"
