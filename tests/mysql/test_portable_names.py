"""The shared portable-names rule (sqlparser.portable_names): MySQL 8 reserved words used as
names must be quoted, in every dialect built with portable_names=True."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from sqlparser import SQLSyntaxError, new_parser
from sqlparser.mysql8_reserved import MYSQL8_RESERVED_WORDS, is_mysql8_reserved
from sqlparser.portable_names import check_portable_names
from sqlparser.registry import dialects_by_name

GOLDEN = "INSERT INTO database (name, age) VALUES ('Nick', 25);"


def _parse_one(sql: str, read: str) -> exp.Expression:
    tree = sqlglot.parse_one(sql, read=read)
    assert isinstance(tree, exp.Expression)  # every sqlglot node class is one (Expr is the abstract base)
    return tree


def test_reserved_list_is_the_mysql8_one():
    # Spot checks against the manual's (R) entries, including 8.0-specific changes.
    for word in ("SELECT", "DATABASE", "KEY", "RANK", "LATERAL", "INTERSECT", "EMPTY", "JSON_TABLE", "_FILENAME"):
        assert word in MYSQL8_RESERVED_WORDS
    for word in ("ADMIN", "ARRAY", "PERSIST", "PERSIST_ONLY", "NAME", "STATUS", "USER", "COMMENT", "ACTION"):
        assert word not in MYSQL8_RESERVED_WORDS
    assert is_mysql8_reserved("order") and not is_mysql8_reserved("orders")
    assert all(w == w.upper() for w in MYSQL8_RESERVED_WORDS)


@pytest.mark.parametrize("read", ["mysql", "sqlite", "postgres"])
def test_golden_case_fails_with_position_and_fix(read):
    sql = GOLDEN if read == "mysql" else GOLDEN.replace(";", "")
    with pytest.raises(SQLSyntaxError) as info:
        check_portable_names(_parse_one(sql, read), sql)
    err = info.value
    assert (err.line, err.column, err.token) == (1, 13, "database")
    assert "reserved word in MySQL 8" in err.reason and "`database`" in err.reason


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        ("INSERT INTO `database` (name, age) VALUES ('Nick', 25)", "mysql"),
        ('INSERT INTO "database" (name, age) VALUES (1, 2)', "sqlite"),
        ('SELECT "order" FROM "group"', "postgres"),
        ("SELECT t.order, db.t.key FROM db.t", "mysql"),
        ("SELECT name, status, user_id FROM users WHERE age > 18", "sqlite"),
        ("SELECT COUNT(*), LEFT(name, 1), IF(a, 1, 2) FROM t", "mysql"),
        # reserved words MySQL reads as keywords where sqlglot lowers them into names
        ("UPDATE t SET a = DEFAULT WHERE id = 1", "postgres"),
        ("UPDATE t SET a = DEFAULT WHERE id = 1", "sqlite"),
        ("SELECT 1 FROM dual", "mysql"),
        ("SELECT utc_timestamp, current_user FROM t USE INDEX (PRIMARY)", "mysql"),
    ],
)
def test_quoted_dotted_and_ordinary_names_pass(sql, read):
    check_portable_names(_parse_one(sql, read), sql)


@pytest.mark.parametrize(
    ("sql", "read", "word", "line", "column"),
    [
        ("SELECT a FROM t\nWHERE rank > 1", "postgres", "rank", 2, 7),
        ("SELECT a AS interval FROM t", "sqlite", "interval", 1, 13),
        ("UPDATE t SET usage = 1", "sqlite", "usage", 1, 14),
        ("SELECT t.a FROM t AS key", "sqlite", "key", 1, 22),
    ],
)
def test_reserved_names_fail_in_other_dialects(sql, read, word, line, column):
    with pytest.raises(SQLSyntaxError) as info:
        check_portable_names(_parse_one(sql, read), sql)
    assert (info.value.token, info.value.line, info.value.column) == (word, line, column)


def test_position_without_parser_metadata_is_found_in_the_text():
    # A tree lowered from another AST (pglast) carries no token positions.
    tree = exp.select(exp.column("a")).from_("t").where(exp.column("range").eq(1))
    sql = "select a from t where range = 1"
    with pytest.raises(SQLSyntaxError) as info:
        check_portable_names(tree, sql)
    assert (info.value.line, info.value.column, info.value.token) == (1, 23, "range")


@pytest.mark.parametrize("dialect", sorted(dialects_by_name()))
def test_golden_case_fails_in_every_registered_dialect(dialect):
    with pytest.raises(SQLSyntaxError, match="database"):
        new_parser(dialect).parse_and_modify_sql(GOLDEN, {})


def test_mysql_rejects_reserved_names_even_without_portable_names():
    with pytest.raises(SQLSyntaxError, match="reserved word"):
        new_parser("mysql", portable_names=False).get_sql_operation(GOLDEN)
