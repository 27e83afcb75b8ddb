"""Unit tests of the compat (TiDB `Restore`) printer: tricky nodes, options, refusals.

Expected strings follow TiDB's conventions (see formatter/compat.py); where the tree comes from a
pass rather than the parser, the printer must add the parentheses MySQL's precedence needs.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlglot
from sqlglot import exp

import formatter
from formatter.compat.base import printer
from sqlparser import SQLFilterOp, TableColumn, new_parser
from sqlparser.errors import InvalidArgumentError, UnsupportedConstructError
from sqlparser.registry import get_dialect

MYSQL = get_dialect("mysql")


def render(tree: exp.Expr, *, quote_names: bool = False, **options: Any) -> str:
    assert isinstance(tree, exp.Expression)  # sqlglot's parse_one is typed to return the base class
    return formatter.render(tree, style="compat", dialect=MYSQL, quote_names=quote_names, **options)


def parsed(sql: str, **options: Any) -> str:
    """Parse with sqlglot's MySQL reader and print in compat style."""
    return render(sqlglot.parse_one(sql, read="mysql"), **options)


def col(name: str) -> exp.Column:
    return exp.column(name)


# -- precedence: trees built by passes carry no Paren nodes -------------------------------------

@pytest.mark.parametrize(
    ("tree", "want"),
    [
        (exp.And(this=exp.Or(this=col("a"), expression=col("b")), expression=col("c")), "(a OR b) AND c"),
        (exp.Or(this=col("a"), expression=exp.And(this=col("b"), expression=col("c"))), "a OR b AND c"),
        (exp.And(this=col("a"), expression=exp.And(this=col("b"), expression=col("c"))), "a AND b AND c"),
        (exp.Xor(this=exp.Or(this=col("a"), expression=col("b")), expression=col("c")), "(a OR b) XOR c"),
        (exp.Mul(this=exp.Add(this=col("a"), expression=col("b")), expression=col("c")), "(a+b)*c"),
        (exp.Add(this=col("a"), expression=exp.Mul(this=col("b"), expression=col("c"))), "a+b*c"),
        (exp.Sub(this=col("a"), expression=exp.Sub(this=col("b"), expression=col("c"))), "a-(b-c)"),
        (exp.Sub(this=exp.Sub(this=col("a"), expression=col("b")), expression=col("c")), "a-b-c"),
        (exp.Div(this=col("a"), expression=exp.Mul(this=col("b"), expression=col("c"))), "a/(b*c)"),
        (exp.EQ(this=exp.EQ(this=col("a"), expression=col("b")), expression=col("c")), "a=b=c"),
        (exp.EQ(this=col("a"), expression=exp.EQ(this=col("b"), expression=col("c"))), "a=(b=c)"),
        (exp.Not(this=exp.Or(this=col("a"), expression=col("b"))), "not (a OR b)"),
        (exp.Not(this=exp.EQ(this=col("a"), expression=col("b"))), "not a=b"),
        (exp.Neg(this=exp.Add(this=col("a"), expression=col("b"))), "-(a+b)"),
        (exp.Neg(this=exp.Neg(this=exp.Literal.number(1))), "--1"),
        (exp.EQ(this=exp.Between(this=col("a"), low=exp.Literal.number(1), high=exp.Literal.number(2)),
                expression=col("x")), "(a BETWEEN 1 AND 2)=x"),
        (exp.Not(this=exp.In(this=col("a"), expressions=[exp.Literal.number(1), exp.Literal.number(2)])),
         "a NOT IN (1,2)"),
        (exp.Not(this=exp.Is(this=col("a"), expression=exp.Null())), "a IS NOT NULL"),
        (exp.Paren(this=col("a")), "(a)"),
        (exp.BitwiseAnd(this=exp.BitwiseOr(this=col("a"), expression=col("b")), expression=col("c")), "(a|b)&c"),
    ],
)
def test_parentheses_follow_mysql_precedence(tree: exp.Expression, want: str) -> None:
    assert render(tree) == want


def test_parentheses_from_the_source_are_kept() -> None:
    assert parsed("SELECT (a + b) * c, ((a)) FROM t") == "SELECT (a+b)*c,((a)) FROM t"


def test_appended_filter_keeps_or_grouped_under_and() -> None:
    p = new_parser("mysql", style="compat")
    got = p.append_sql_filter("SELECT * FROM t WHERE a = 1 OR b = 2", SQLFilterOp.AND, "uid = 'u'")
    assert got == "SELECT * FROM `t` WHERE (`a`=1 OR `b`=2) AND `uid`='u'"


def test_set_operation_grouping() -> None:
    u = exp.union(exp.select("a").from_("t"), exp.select("b").from_("u"), distinct=True)
    tree = exp.Intersect(this=u, expression=exp.select("c").from_("v"), distinct=True)
    assert render(tree) == "(SELECT a FROM t UNION SELECT b FROM u) INTERSECT SELECT c FROM v"
    assert parsed("SELECT 1 UNION ALL SELECT 2 EXCEPT SELECT 3") == "SELECT 1 UNION ALL SELECT 2 EXCEPT SELECT 3"


# -- names, strings, numbers -------------------------------------------------------------------

def test_names_plain_unless_asked_or_needed() -> None:
    assert parsed("SELECT `a`, b FROM `t`") == "SELECT a,b FROM t"
    assert parsed("SELECT a FROM t", quote_names=True) == "SELECT `a` FROM `t`"
    # A reserved word or an odd character cannot be written plain: the output must mean the same.
    assert parsed("SELECT `order`, `my col`, `1` FROM `select`") == "SELECT `order`,`my col`,`1` FROM `select`"
    assert parsed("SELECT `a``b` FROM t", quote_names=True) == "SELECT `a``b` FROM `t`"


def test_strings() -> None:
    assert parsed("SELECT 'it''s'") == "SELECT 'it''s'"
    assert parsed("SELECT 'x'", string_charset="utf8mb4", uppercase_keywords=True) == "SELECT _UTF8MB4'x'"
    assert parsed("SELECT 'x'", string_charset="utf8mb4") == "SELECT _utf8mb4'x'"
    # a backslash that MySQL would read as an escape is doubled; before % and _ MySQL keeps it
    assert render(exp.Literal.string("a\\b")) == "'a\\\\b'"
    assert render(exp.Literal.string("a\\_b")) == "'a\\_b'"
    assert render(exp.Literal.string("nul\x00")) == "'nul\\0'"
    # LIKE's default escape character stays implicit; ESCAPE '' (no escape) must not be dropped
    assert parsed("SELECT a LIKE 'x' ESCAPE '\\\\'") == "SELECT a LIKE 'x'"
    assert parsed("SELECT a LIKE 'x' ESCAPE ''") == "SELECT a LIKE 'x' ESCAPE ''"


@pytest.mark.parametrize(
    ("sql", "want"),
    [("01000", "1000"), (".5", "0.5"), ("10.10", "10.10"), ("1e3", "1e+03"), ("1.5E-7", "1.5e-07"),
     ("0x1F", "x'1f'"), ("0b0011", "b'11'"), ("TRUE", "TRUE"), ("NULL", "NULL"), ("?", "?")],
)
def test_literals(sql: str, want: str) -> None:
    assert parsed("SELECT " + sql) == "SELECT " + want


# -- statements --------------------------------------------------------------------------------

def test_dml_spacing() -> None:
    assert (parsed("INSERT INTO t (a, b) VALUES (1, 'x'), (2, ?) ON DUPLICATE KEY UPDATE a = VALUES(a)")
            == "INSERT INTO t (a,b) VALUES (1,'x'),(2,?) ON DUPLICATE KEY UPDATE a=VALUES(a)")
    assert parsed("UPDATE t SET a = 1, b = b + 1 WHERE c > 2 ORDER BY c DESC LIMIT 3") == (
        "UPDATE t SET a=1, b=b+1 WHERE c>2 ORDER BY c DESC LIMIT 3")
    assert parsed("DELETE FROM t WHERE a IS NULL LIMIT 1") == "DELETE FROM t WHERE a IS NULL LIMIT 1"
    assert parsed("SELECT a FROM t LIMIT 5 OFFSET 10") == "SELECT a FROM t LIMIT 10,5"
    assert parsed("SELECT 1 FROM dual WHERE 1 = 1") == "SELECT 1 FROM DUAL WHERE 1=1"
    # TiDB writes the lock clause with lower-case keywords unless asked for upper case
    assert parsed("SELECT a FROM t FOR UPDATE") == "SELECT a FROM t for update"
    assert parsed("SELECT a FROM t FOR UPDATE", uppercase_keywords=True) == "SELECT a FROM t FOR UPDATE"


def test_join_trees() -> None:
    # TiDB keeps FROM as a binary tree: a comma list starts with a one-table join
    assert parsed("SELECT * FROM a, b, c") == "SELECT * FROM ((a) JOIN b) JOIN c"
    sql = "SELECT * FROM a JOIN b LEFT JOIN c ON b.x = c.x"
    assert parsed(sql, source_sql=sql) == "SELECT * FROM (a JOIN b) LEFT JOIN c ON b.x=c.x"
    sql = "SELECT * FROM a AS x STRAIGHT_JOIN b USING (id)"
    assert parsed(sql) == "SELECT * FROM a AS x STRAIGHT_JOIN b USING (id)"
    with pytest.raises(UnsupportedConstructError, match="FULL"):
        parsed("SELECT * FROM a FULL OUTER JOIN b ON a.x = b.x")


def test_functions() -> None:
    assert parsed("SELECT COUNT(*), count(DISTINCT a, b)") == "SELECT COUNT(1),COUNT(DISTINCT a, b)"
    sql = "SELECT count(a), Now(), substr(s, 2)"
    # without the source, names come out canonical; with it, as typed (TiDB keeps the typed name)
    assert parsed(sql) == "SELECT COUNT(a),Now(),SUBSTRING(s, 2)"
    assert parsed(sql, source_sql=sql) == "SELECT count(a),Now(),substr(s, 2)"
    assert parsed(sql, source_sql=sql, uppercase_keywords=True) == "SELECT COUNT(a),NOW(),SUBSTR(s, 2)"
    assert parsed("SELECT d + INTERVAL 1 DAY") == "SELECT DATE_ADD(d, INTERVAL 1 DAY)"
    assert parsed("SELECT CAST(a AS CHAR(10)), CAST(b AS SIGNED)") == "SELECT CAST(a AS CHAR(10)),CAST(b AS SIGNED)"
    assert parsed("SELECT GROUP_CONCAT(a ORDER BY b DESC)") == "SELECT GROUP_CONCAT(a ORDER BY b DESC SEPARATOR ',')"
    assert parsed("SELECT CASE WHEN a THEN 1 ELSE 2 END") == "SELECT CASE WHEN a THEN 1 ELSE 2 END"
    sql = "SELECT MATCH (a, b) AGAINST ('x' IN BOOLEAN MODE)"
    assert parsed(sql) == "SELECT MATCH (a,b) AGAINST ('x' IN BOOLEAN MODE)"
    assert parsed("SELECT a NOT LIKE 'x%', NOT (a NOT LIKE 'y')") == "SELECT a NOT LIKE 'x%',not (a NOT LIKE 'y')"


def test_function_synonym_with_other_arguments_is_not_used() -> None:
    # sqlglot reads LOG2(x) as LOG(2, x); printing LOG2(2, x) would change the meaning
    sql = "SELECT LOG2(8)"
    assert parsed(sql, source_sql=sql) == "SELECT LOG(2, 8)"


def test_windows() -> None:
    sql = ("SELECT SUM(a) OVER (PARTITION BY b ORDER BY c ROWS UNBOUNDED PRECEDING), RANK() OVER w "
           "FROM t WINDOW w AS (ORDER BY a)")
    assert parsed(sql, source_sql=sql) == (
        "SELECT SUM(a) OVER (PARTITION BY b ORDER BY c ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),"
        "RANK() OVER w FROM t WINDOW w AS (ORDER BY a)")


# -- refusals and options ----------------------------------------------------------------------

def test_unknown_node_type_is_refused_by_name() -> None:
    # a lambda has no MySQL form and no compat printer
    with pytest.raises(UnsupportedConstructError) as info:
        render(exp.select(exp.Lambda(this=col("x"), expressions=[exp.to_identifier("x")])))
    assert info.value.construct == "Lambda"


def test_node_part_without_form_is_refused() -> None:
    tree = sqlglot.parse_one("SELECT a FROM t", read="mysql")
    tree.set("qualify", exp.Qualify(this=col("a")))
    with pytest.raises(UnsupportedConstructError, match=r"Select\.qualify"):
        render(tree)


def test_named_placeholder_is_refused() -> None:
    with pytest.raises(UnsupportedConstructError, match="placeholder"):
        render(exp.select(exp.Placeholder(this="x")))


def test_options_are_checked() -> None:
    with pytest.raises(InvalidArgumentError, match="unknown compat option"):
        render(exp.select(col("a")), upper=True)
    with pytest.raises(InvalidArgumentError, match="string_charset"):
        render(exp.select(col("a")), string_charset="utf8'; DROP")


def test_printer_registered_twice_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="registered twice"):
        printer(exp.Select)(lambda r, node: "")


# -- through the contract ----------------------------------------------------------------------

def test_contract_examples() -> None:
    p = new_parser("mysql", style="compat")
    mapping = {"users": TableColumn("new_users", {"id": "user_id", "name": "user_name", "age": "user_age"})}
    assert (p.parse_and_modify_sql("SELECT id, name FROM users WHERE age > 18", mapping)
            == "SELECT user_id,user_name FROM new_users WHERE user_age>18")
    assert (p.parse_and_modify_sql("UPDATE users SET name = 'John', age = 25 WHERE id = 1", mapping)
            == "UPDATE new_users SET user_name='John', user_age=25 WHERE user_id=1")
    assert (p.add_select_fields_to_select_sql("SELECT u.name FROM users u", ["pk_id"])
            == "SELECT `u`.`name`,`pk_id` FROM `users` AS `u`")


# -- DDL ---------------------------------------------------------------------------------------

def test_create_table() -> None:
    sql = ("CREATE TABLE IF NOT EXISTS t (id BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'k', "
           "name VARCHAR(32) DEFAULT 'x', ok BOOL, ts TIMESTAMP DEFAULT NOW() ON UPDATE NOW(), "
           "PRIMARY KEY (id), UNIQUE KEY uk (name), KEY idx (ok)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='tbl'")
    assert parsed(sql, quote_names=True) == (
        "CREATE TABLE IF NOT EXISTS `t` (`id` BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'k',"
        "`name` VARCHAR(32) DEFAULT 'x',`ok` TINYINT(1),`ts` TIMESTAMP DEFAULT CURRENT_TIMESTAMP() "
        "ON UPDATE CURRENT_TIMESTAMP(),PRIMARY KEY(`id`),UNIQUE `uk`(`name`),INDEX `idx`(`ok`)) "
        "ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COMMENT = 'tbl'")
    # a DEFAULT string takes the charset introducer, a COMMENT does not (as in TiDB)
    assert parsed("CREATE TABLE t (a CHAR(1) DEFAULT 'x' COMMENT 'c')", string_charset="utf8mb4",
                  uppercase_keywords=True) == "CREATE TABLE t (a CHAR(1) DEFAULT _UTF8MB4'x' COMMENT 'c')"


def test_other_ddl() -> None:
    assert parsed("DROP TABLE IF EXISTS a, b CASCADE") == "DROP TABLE IF EXISTS a, b"
    assert parsed("TRUNCATE t") == "TRUNCATE TABLE t"
    assert parsed("CREATE INDEX i ON t (a, b)") == "CREATE INDEX i ON t (a, b)"
    assert parsed("ALTER TABLE t ADD COLUMN c INT NOT NULL AFTER b, DROP COLUMN d, RENAME COLUMN e TO f") == (
        "ALTER TABLE t ADD COLUMN c INT NOT NULL AFTER b, DROP COLUMN d, RENAME COLUMN e TO f")
    assert parsed("ALTER TABLE t ENGINE = ''") == "ALTER TABLE t ENGINE = ''"
    with pytest.raises(UnsupportedConstructError):
        parsed("CREATE TABLE t (a INT) PARTITION BY HASH (a) PARTITIONS 4")


def test_string_concatenation_from_other_dialects_is_not_or() -> None:
    # `||` concatenates in PostgreSQL and SQLite (sqlglot's DPipe) but means OR in MySQL
    tree = sqlglot.parse_one("SELECT a || 'x' FROM t", read="postgres")
    assert render(tree) == "SELECT CONCAT(a, 'x') FROM t"
    assert parsed("SELECT a || b FROM t") == "SELECT a OR b FROM t"
