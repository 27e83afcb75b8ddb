"""Refusal messages show the statement's parameters as its dialect writes them.

sqlglot's default printer writes PostgreSQL's `$1` as `@1` and MySQL's quoted user variable
@`a b` as @"a b"; a message must quote what the user wrote.
"""

from __future__ import annotations

import pytest

from sqlparser import Policy, PolicyViolationError, new_parser
from sqlparser.passes.scope_rows import scope_rows
from sqlparser.registry import get_dialect

POLICY = Policy(tables={"t"})

# (dialect, statement, the text the message must quote, a text it must not contain)
CHECK_POLICY: list[tuple[str, str, str, str | None]] = [
    ("postgres", "SELECT pg_catalog.lower($1)", "pg_catalog.lower($1)", "@1"),
    ("postgres", "SELECT * FROM t WHERE a = $1 AND pg_catalog.lower($2) = 'a'", "pg_catalog.lower($2)", "@2"),
    ("postgres", "SELECT * FROM dblink($1, 'x') AS r(a int)", "DBLINK($1, 'x')", "@1"),
    ("postgres", "SELECT * FROM dblink(?, 'x') AS r(a int)", "DBLINK(?, 'x')", "%s"),
    ("sqlite", "SELECT * FROM pragma_table_info(?)", "PRAGMA_TABLE_INFO(?)", None),
    ("sqlite", "SELECT * FROM pragma_table_info(?1)", "PRAGMA_TABLE_INFO(?1)", None),
    ("sqlite", "SELECT * FROM pragma_table_info(:n)", "PRAGMA_TABLE_INFO(:n)", None),
    ("sqlite", "SELECT * FROM pragma_table_info(@n)", "PRAGMA_TABLE_INFO(@n)", None),
    ("sqlite", "SELECT * FROM pragma_table_info($n)", "PRAGMA_TABLE_INFO($n)", None),
    ("mysql", "SELECT * FROM JSON_TABLE(?, '$[*]' COLUMNS (a INT PATH '$')) AS j", "JSON_TABLE(?,", None),
    ("mysql", "SELECT * FROM t WHERE a = @x", "'@x'", None),
    ("mysql", "SELECT * FROM t WHERE a = @`a b`", "@`a b`", '@"a b"'),
]


@pytest.mark.parametrize(("dialect", "sql", "shown", "not_shown"), CHECK_POLICY)
def test_check_policy_message_quotes_parameters_as_written(dialect: str, sql: str, shown: str,
                                                           not_shown: str | None) -> None:
    with pytest.raises(PolicyViolationError) as caught:
        new_parser(dialect).check_policy(sql, POLICY)
    message = str(caught.value)
    assert shown in message
    if not_shown is not None:
        assert not_shown not in message


# (dialect, statement, row scope, the text the message must quote)
SCOPE_ROWS: list[tuple[str, str, str, str]] = [
    ("postgres", "UPDATE t SET uid = $2 WHERE id = $3", "uid = $1", "'uid = $1'"),
    ("postgres", "INSERT INTO t (uid) VALUES ($2)", "uid > $1", "'uid > $1'"),
    ("sqlite", "UPDATE t SET uid = ?2 WHERE id = ?3", "uid = ?1", "'uid = ?1'"),
    ("sqlite", "INSERT INTO t (uid) VALUES (:b)", "uid > @a", "'uid > @a'"),
    ("sqlite", "INSERT INTO t (uid) VALUES (:b)", "uid > $a", "'uid > $a'"),
    ("mysql", "UPDATE t SET uid = ? WHERE id = ?", "uid = ?", "'uid = ?'"),
]


@pytest.mark.parametrize(("dialect", "sql", "condition", "shown"), SCOPE_ROWS)
def test_scope_rows_message_quotes_parameters_as_written(dialect: str, sql: str, condition: str,
                                                         shown: str) -> None:
    # The pass itself, given the dialect's printer: the contract's scope_rows passes
    # `show=self.dialect.policy.show` once sqlparser/contract.py forwards it.
    parser = new_parser(dialect)
    tree = parser.compile(sql).tree
    assert tree is not None
    show = get_dialect(dialect).policy.show
    with pytest.raises(PolicyViolationError) as caught:
        scope_rows(tree, {"t": parser.parse_condition(condition)}, show=show)
    assert shown in str(caught.value)
