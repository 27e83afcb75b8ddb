"""MySQL 8 grammar the front end reads as MySQL does, where sqlglot reads it otherwise (issue 13 item 1).

Each form below is in MySQL 8.0's grammar (sql_yacc.yy) and reference manual:
- an empty optimizer hint `/*+ */` (the hint parser takes an empty list; MySQL ignores the comment);
- FULL as a name (a non-reserved keyword: `FROM t full`);
- `ALTER TABLE t RENAME = u` (`opt_to` is TO, =, AS or nothing);
- SELECT options in any order (`select_option_list`);
- window null treatment and NTH_VALUE's FROM FIRST / FROM LAST (`opt_null_treatment`,
  `opt_from_first_last`) on FIRST_VALUE, LAST_VALUE, NTH_VALUE, LEAD and LAG only, right before OVER;
- a reserved word right before `.name` is a name (MySQL's lexer looks no keyword up there:
  `FROM SELECT.DESC`), and a non-reserved keyword is a column name in a key part (`EXECUTE(123)`);
- a column's attributes after `DEFAULT <literal>` (`DEFAULT NULL COLLATE utf8mb4_bin`: the COLLATE
  is the column's collation, not part of the default).
Each is checked for its tree, its compat (TiDB) text, and what translation to SQLite / PostgreSQL
does with it; the SQLite output runs on a real SQLite, and a migration folder with such a column
goes through `cozelite migrate plan` and `apply`.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlglot import exp

import formatter
from sqlparser import new_parser
from sqlparser.errors import SQLSyntaxError, UnsupportedConstructError

PARSER = new_parser("mysql", portable_names=False)


def tree_of(sql: str) -> exp.Expression:
    statement = PARSER.compile(sql)
    assert statement.tree is not None, statement.unsupported
    return statement.tree


def compat(sql: str) -> str:
    return formatter.render(tree_of(sql), style="compat", dialect=PARSER.dialect, quote_names=True,
                            uppercase_keywords=True, string_charset="utf8mb4", source_sql=sql)


def find(sql: str, kind: type[exp.Expression]) -> Any:
    node = tree_of(sql).find(kind)
    assert node is not None, f"no {kind.__name__} in {sql}"
    return node


def same_tree(sql: str, canonical: str) -> bool:
    return tree_of(sql) == tree_of(canonical)


# -- accepted, with the tree of the plain spelling and TiDB's text ----------------------------------


@pytest.mark.parametrize(("sql", "canonical", "restored"), [
    ("select/*+*/1", "select 1", "SELECT 1"),
    ("SELECT /*+   */ a FROM t", "SELECT a FROM t", "SELECT `a` FROM `t`"),
    ("select * from t full, t1 `row`", "select * from t AS full, t1 AS `row`",
     "SELECT * FROM (`t` AS `full`) JOIN `t1` AS `row`"),
    ("select full.a from t full where full.a > 1", "select full.a from t AS full where full.a > 1",
     "SELECT `full`.`a` FROM `t` AS `full` WHERE `full`.`a`>1"),
    ("select * from (select 1 AS a) full", "select * from (select 1 AS a) AS full",
     "SELECT * FROM (SELECT 1 AS `a`) AS `full`"),
    ("ALTER TABLE t RENAME = t1", "ALTER TABLE t RENAME TO t1", "ALTER TABLE `t` RENAME AS `t1`"),
    ("ALTER TABLE db.t RENAME = db1.t1", "ALTER TABLE db.t RENAME AS db1.t1",
     "ALTER TABLE `db`.`t` RENAME AS `db1`.`t1`"),
    ("select SQL_CALC_FOUND_ROWS DISTINCT * from t", "select DISTINCT SQL_CALC_FOUND_ROWS * from t",
     "SELECT SQL_CALC_FOUND_ROWS DISTINCT * FROM `t`"),
    ("select SQL_SMALL_RESULT DISTINCTROW SQL_BIG_RESULT a from t",
     "select DISTINCT SQL_SMALL_RESULT SQL_BIG_RESULT a from t",
     "SELECT SQL_SMALL_RESULT SQL_BIG_RESULT DISTINCT `a` FROM `t`"),
    ("SELECT FIRST_VALUE(val) RESPECT NULLS OVER w FROM t", "SELECT FIRST_VALUE(val) OVER w FROM t",
     "SELECT FIRST_VALUE(`val`) OVER `w` FROM `t`"),
    ("SELECT NTH_VALUE(val, 2) FROM FIRST RESPECT NULLS OVER (ORDER BY id) FROM t",
     "SELECT NTH_VALUE(val, 2) OVER (ORDER BY id) FROM t", "SELECT NTH_VALUE(`val`, 2) OVER (ORDER BY `id`) FROM `t`"),
    ("SELECT LAG(val, 1, 0) RESPECT NULLS OVER w FROM t", "SELECT LAG(val, 1, 0) OVER w FROM t",
     "SELECT LAG(`val`, 1, 0) OVER `w` FROM `t`"),
    ("select COUNT from SELECT.DESC", "select COUNT from `SELECT`.DESC", "SELECT `COUNT` FROM `SELECT`.`DESC`"),
    ("select order.a from t AS `order`", "select `order`.a from t AS `order`",
     "SELECT `order`.`a` FROM `t` AS `order`"),
])
def test_accepted_as_the_plain_spelling(sql: str, canonical: str, restored: str) -> None:
    assert same_tree(sql, canonical)
    assert compat(sql) == restored


@pytest.mark.parametrize(("sql", "restored"), [
    ("SELECT FIRST_VALUE(val) IGNORE NULLS OVER w FROM t", "SELECT FIRST_VALUE(`val`) IGNORE NULLS OVER `w` FROM `t`"),
    ("SELECT NTH_VALUE(val, 233) FROM LAST OVER w FROM t", "SELECT NTH_VALUE(`val`, 233) FROM LAST OVER `w` FROM `t`"),
    ("SELECT NTH_VALUE(val, 233) FROM LAST IGNORE NULLS OVER w FROM t",
     "SELECT NTH_VALUE(`val`, 233) FROM LAST IGNORE NULLS OVER `w` FROM `t`"),
    ("SELECT lead(val) ignore nulls OVER (PARTITION BY g ORDER BY id) FROM t",
     "SELECT LEAD(`val`) IGNORE NULLS OVER (PARTITION BY `g` ORDER BY `id`) FROM `t`"),
])
def test_window_options_the_ir_keeps(sql: str, restored: str) -> None:
    assert compat(sql) == restored


def test_window_options_tree_shapes() -> None:
    window = find("SELECT FIRST_VALUE(val) IGNORE NULLS OVER w FROM t", exp.Window)
    assert isinstance(window.this, exp.IgnoreNulls) and isinstance(window.this.this, exp.FirstValue)
    nth = find("SELECT NTH_VALUE(val, 3) FROM LAST IGNORE NULLS OVER w FROM t", exp.NthValue)
    assert nth.args["from_first"] is False and nth.args["offset"] == exp.Literal.number(3)
    assert isinstance(nth.parent, exp.IgnoreNulls)
    assert not find("SELECT NTH_VALUE(val, 3) FROM FIRST OVER w FROM t", exp.NthValue).args.get("from_first")
    assert tree_of("SELECT FIRST_VALUE(val) RESPECT NULLS OVER w FROM t").find(exp.RespectNulls) is None


# -- still refused, as MySQL refuses them ---------------------------------------------------------


@pytest.mark.parametrize(("sql", "message"), [
    ("SELECT SUM(a) IGNORE NULLS OVER () FROM t", "IGNORE NULLS goes between a call of FIRST_VALUE"),
    ("SELECT FIRST_VALUE(a) RESPECT NULLS FROM t", "RESPECT NULLS goes between"),
    ("SELECT FIRST_VALUE(a RESPECT NULLS) OVER () FROM t", "RESPECT NULLS goes between"),
    ("SELECT LEAD(a) FROM LAST OVER () FROM t", "FROM LAST goes between NTH_VALUE"),
    ("SELECT NTH_VALUE(a) FROM LAST OVER () FROM t", "NTH_VALUE takes two arguments"),
    ("SELECT FIRST_VALUE(a) IGNORE NULLS RESPECT NULLS OVER () FROM t", "IGNORE NULLS goes between"),
    ("select * from t full join u", "MySQL has no FULL JOIN"),
    ("select * from t full outer join u on t.a = u.a", "MySQL has no FULL JOIN"),
    ("SELECT.a FROM t", ""),  # SELECT read as a name, as MySQL does: no statement
    ("select order .a from t", ""),  # not directly before the dot: the keyword ORDER
    ("ALTER TABLE t ADD FOREIGN KEY (select(10)) REFERENCES u (a)", ""),  # a reserved word is no column name
])
def test_refused_as_mysql_refuses(sql: str, message: str) -> None:
    with pytest.raises(SQLSyntaxError, match=message or None):
        PARSER.compile(sql)


def test_a_non_reserved_keyword_is_a_column_name_in_a_foreign_key() -> None:
    # MySQL's key_part is `ident '(' NUM ')'`: EXECUTE (non-reserved) with a prefix length, valid
    # syntax the IR has no field for (a prefix in a FOREIGN KEY), so it classifies only.
    statement = PARSER.compile("ALTER TABLE ident ADD (CONSTRAINT FOREIGN KEY ident (EXECUTE (123)) REFERENCES t (a) "
                               "MATCH SIMPLE ON DELETE CASCADE ON UPDATE SET NULL)")
    assert statement.tree is None and statement.unsupported == "prefix length in a FOREIGN KEY column list"
    fk = find("ALTER TABLE t ADD FOREIGN KEY (execute) REFERENCES u (a)", exp.ForeignKey)
    assert [e.name for e in fk.expressions] == ["execute"]


def test_keyword_uses_of_the_same_words_are_unchanged() -> None:
    fk = tree_of("CREATE TABLE a (id INT REFERENCES b (id) MATCH FULL ON DELETE NO ACTION)")
    assert "MATCH FULL" in fk.sql("mysql")
    insert = tree_of("INSERT IGNORE nulls VALUES (1)")  # IGNORE the modifier, `nulls` a table
    assert isinstance(insert, exp.Insert) and insert.args.get("ignore") and insert.this.name == "nulls"
    assert compat("select 1 full") == "SELECT 1 AS `full`"


# -- translation: the defaults translate, what the targets cannot keep is refused by name ----------


_WINDOWED = "SELECT id, {call} OVER (ORDER BY id) AS v FROM t ORDER BY id"


@pytest.mark.parametrize("call", ["FIRST_VALUE(val) RESPECT NULLS", "NTH_VALUE(val, 2) FROM FIRST",
                                  "LAG(val) RESPECT NULLS"])
def test_default_window_options_translate_and_run_on_sqlite(call: str) -> None:
    sql = _WINDOWED.format(call=call)
    plain = _WINDOWED.format(call=call.split(")")[0] + ")")
    out = new_parser("sqlite").translate(sql, read="mysql")
    assert out == new_parser("sqlite").translate(plain, read="mysql")
    db = sqlite3.connect(":memory:")
    db.executescript("CREATE TABLE t (id INTEGER, val INTEGER); INSERT INTO t VALUES (1, NULL), (2, 20), (3, 30);")
    assert db.execute(out).fetchall() == db.execute(plain).fetchall()
    assert new_parser("postgres").translate(sql, read="mysql") == new_parser("postgres").translate(plain, read="mysql")


@pytest.mark.parametrize("target", ["sqlite", "postgres"])
@pytest.mark.parametrize(("call", "named"), [("FIRST_VALUE(val) IGNORE NULLS", "IGNORE NULLS"),
                                             ("NTH_VALUE(val, 2) FROM LAST", "NTH_VALUE FROM LAST")])
def test_options_the_targets_lack_are_refused_by_name(target: str, call: str, named: str) -> None:
    with pytest.raises(UnsupportedConstructError, match=named):
        new_parser(target).translate(_WINDOWED.format(call=call), read="mysql")


# -- DEFAULT <literal> then COLLATE: the column's collation ---------------------------------------


def _attributes(column: exp.ColumnDef) -> list[tuple[str, str]]:
    return [(type(c.kind).__name__, c.kind.sql("mysql")) for c in column.args["constraints"]]


def test_collate_after_a_literal_default_is_the_columns_collation() -> None:
    tree = tree_of("CREATE TABLE t (c VARCHAR(10) DEFAULT NULL COLLATE utf8mb4_bin, "
                   "d VARCHAR(10) NOT NULL DEFAULT 'x' COLLATE `utf8mb4_general_ci` COMMENT 'dee')")
    c, d = tree.find_all(exp.ColumnDef)
    assert _attributes(c) == [("DefaultColumnConstraint", "DEFAULT NULL"),
                              ("CollateColumnConstraint", "COLLATE utf8mb4_bin")]
    assert _attributes(d) == [("NotNullColumnConstraint", "NOT NULL"), ("DefaultColumnConstraint", "DEFAULT 'x'"),
                              ("CollateColumnConstraint", "COLLATE `utf8mb4_general_ci`"),
                              ("CommentColumnConstraint", "COMMENT 'dee'")]
    # the same attributes as in the other order, which sqlglot always read right
    other = find("CREATE TABLE t (c VARCHAR(10) COLLATE utf8mb4_bin DEFAULT NULL)", exp.ColumnDef)
    assert _attributes(c) == _attributes(other)[::-1]
    assert compat("CREATE TABLE t (c VARCHAR(10) DEFAULT NULL COLLATE utf8mb4_bin)") == \
        "CREATE TABLE `t` (`c` VARCHAR(10) DEFAULT NULL COLLATE utf8mb4_bin)"


def test_collate_after_a_default_in_alter_table() -> None:
    tree = tree_of("ALTER TABLE t MODIFY c VARCHAR(3) DEFAULT _utf8mb4'a' COLLATE utf8mb4_bin NOT NULL, "
                   "ADD COLUMN d TEXT DEFAULT NULL COLLATE utf8mb4_unicode_ci FIRST")
    c, d = sorted(tree.find_all(exp.ColumnDef), key=lambda column: column.name)
    assert [kind for kind, _ in _attributes(c)] == ["DefaultColumnConstraint", "CollateColumnConstraint",
                                                   "NotNullColumnConstraint"]
    assert _attributes(d)[1] == ("CollateColumnConstraint", "COLLATE utf8mb4_unicode_ci")


@pytest.mark.parametrize("sql", [
    "CREATE TABLE t (c INT DEFAULT 1 + 1 COLLATE x)",  # not a literal: needs parentheses in MySQL too
    "ALTER TABLE t ALTER COLUMN c SET DEFAULT 'a' COLLATE x",  # SET DEFAULT takes no attributes after it
])
def test_a_default_that_is_not_a_literal_is_still_refused(sql: str) -> None:
    with pytest.raises(SQLSyntaxError, match="a DEFAULT that is not a literal needs parentheses"):
        PARSER.compile(sql)


def test_migrate_plan_and_apply_a_column_with_default_then_collate(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__t.sql").write_text(
        "CREATE TABLE t (id INT PRIMARY KEY, c VARCHAR(10) DEFAULT NULL COLLATE utf8mb4_bin, "
        "d VARCHAR(10) NOT NULL DEFAULT 'x' COLLATE utf8mb4_general_ci COMMENT 'dee');\n")
    db_file = tmp_path / "app.db"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cozelite.cli", "migrate", *args, str(folder),
                               "--db-uri", f"sqlite:///{db_file}"], capture_output=True, text=True, timeout=120,
                              check=False)

    planned = run("plan")
    assert planned.returncode == 0, planned.stderr
    assert "DEFAULT 'x' COLLATE NOCASE" in planned.stdout
    applied = run("apply")
    assert applied.returncode == 0, applied.stderr
    with sqlite3.connect(db_file) as db:
        db.execute("INSERT INTO t (id) VALUES (1)")
        assert db.execute("SELECT c, d FROM t").fetchall() == [(None, "x")]
        # utf8mb4_general_ci compares case-insensitively (NOCASE on SQLite, ASCII only), utf8mb4_bin not
        db.execute("INSERT INTO t (id, c, d) VALUES (2, 'Abc', 'Abc')")
        assert db.execute("SELECT id FROM t WHERE d = 'ABC'").fetchall() == [(2,)]
        assert db.execute("SELECT id FROM t WHERE c = 'ABC'").fetchall() == []


@pytest.mark.parametrize("sql", ["SET foreign_key_checks = ON", "SET autocommit = ON",
                                 "SET @@session.sql_safe_updates = ON", "SET a = 1, foreign_key_checks = ON"])
def test_set_a_variable_to_on(sql: str) -> None:
    # ON is MySQL's spelling of a true system-variable value (mysqldump-style files end with it).
    assert new_parser("mysql").get_sql_operation(sql) is not None


@pytest.mark.parametrize("sql", ["SELECT * FROM a JOIN b ON", "UPDATE t SET a = ON"])
def test_a_dangling_on_elsewhere_is_still_an_error(sql: str) -> None:
    with pytest.raises(SQLSyntaxError, match="ends right after ON"):
        new_parser("mysql").get_sql_operation(sql)


@pytest.mark.parametrize("sql", ["SELECT RANK() FROM t", "SELECT ROW_NUMBER() FROM t", "SELECT FIRST_VALUE(a) FROM t",
                                 "SELECT a FROM t ORDER BY LAG(a)", "SELECT NTILE(2) FROM t"])
def test_window_functions_need_over(sql: str) -> None:
    # MySQL's grammar has its non-aggregate window functions only with OVER (...).
    with pytest.raises(SQLSyntaxError, match="is a window function: it needs OVER"):
        new_parser("mysql").get_sql_operation(sql)
