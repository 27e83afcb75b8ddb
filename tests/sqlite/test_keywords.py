"""Keyword fallback: every SQLite keyword, in the name positions SQLite distinguishes, is accepted
exactly when SQLite itself (the apsw build) accepts it."""

from __future__ import annotations

import re

import apsw
import pytest

from dialects.sqlite.frontend import SQLiteFrontend
from sqlparser import SQLSyntaxError

POSITIONS = (
    "SELECT {} FROM (SELECT 1)",  # bare column reference
    "SELECT t.{} FROM t",  # column after a dot
    "SELECT {}.a FROM t",  # qualifier
    "SELECT {}(1)",  # function name
    "SELECT 1 {}",  # column alias without AS
    "SELECT 1 AS {}",  # column alias with AS
    "SELECT * FROM (SELECT 1 AS a) {}",  # table alias without AS
    "SELECT * FROM t AS {}",  # table alias with AS
    "CREATE TABLE {}(x)",  # table name
    "CREATE TABLE tt(a {})",  # column name + type name
    "CREATE INDEX {} ON t(a)",  # index name
    "UPDATE t SET {} = 1",  # column in SET
    "INSERT INTO t({}) VALUES (1)",  # column list
    "DROP TABLE {}",  # table name after DROP
)
_SYNTAX = re.compile(r"syntax error|incomplete input|unrecognized token")


def _sqlite_accepts(con: apsw.Connection, sql: str) -> bool:
    cursor = con.cursor()
    cursor.exec_trace = lambda *_: False
    try:
        cursor.execute(sql)
    except apsw.ExecTraceAbort:
        return True
    except apsw.SQLError as err:
        return not _SYNTAX.search(str(err))
    return True


@pytest.fixture(scope="module")
def frontend() -> SQLiteFrontend:
    return SQLiteFrontend(portable_names=False, cache=False)


@pytest.mark.parametrize("position", POSITIONS)
def test_keyword_as_name_agrees_with_sqlite(position: str, frontend: SQLiteFrontend) -> None:
    con = apsw.Connection(":memory:")
    con.execute("CREATE TABLE t(a)")
    mismatches = []
    for word in sorted(apsw.keywords):
        sql = position.format(word)
        try:
            frontend.parse(sql)
            ours = True
        except SQLSyntaxError:
            ours = False
        if ours != _sqlite_accepts(con, sql):
            mismatches.append(f"{sql!r}: SQLite {'accepts' if not ours else 'rejects'}, we do not")
    assert not mismatches, "\n".join(mismatches)


def test_truncate_is_still_a_name(frontend: SQLiteFrontend) -> None:
    # TRUNCATE is our extension's keyword; SQLite has no such keyword, so it must stay a plain name.
    for sql in ("SELECT truncate FROM t", "CREATE TABLE truncate(x)", "SELECT 1 truncate", "SELECT truncate(1)"):
        frontend.parse(sql)
