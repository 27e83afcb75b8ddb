"""Issue 11, Medium 3: names from callers are quoted whenever they are not plain, in every style.

A physical name `t --` once turned `SELECT v FROM users WHERE uid = 'u1'` into
`SELECT v FROM t -- WHERE uid = 'u1'` (the filter became a comment). Here every contract method
that prints a caller's name (rename maps, added INSERT columns and primary key, select fields) gets
odd names, and the output must run on the real engine with the caller's meaning: the scoped row
only, in the physical table and columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sqlparser import ColumnValue, PrimaryKeyValue, TableColumn, new_parser

# Physical names a caller may use. Each one is odd in some way: comment starts, spaces, quotes of
# every dialect, reserved words, number look-alikes, dots, non-ASCII.
ODD_NAMES = ("t --", "My Table", 'x"y', "x`y", "select", "order", "1e5", "0x1f", "a.b", "sp;ace",
             "ünï code", "offset", "[br]", "$d", "1abc", "é")
COLUMN = "my col --"
ADDED = "owner id"
KEY = "p k"


def _quote(dialect: str, name: str) -> str:
    # The test's own quoting for its DDL: written independently of the compiler's.
    if dialect == "mysql":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


class _Engine:
    """One connection; `run` returns rows for queries and nothing for other statements."""

    def __init__(self, dialect: str, execute: Callable[[str], list[tuple[Any, ...]]],
                 rollback: Callable[[], None]) -> None:
        self.dialect = dialect
        self.execute = execute
        self.rollback = rollback


@pytest.fixture(scope="module")
def sqlite_engine() -> Iterator[_Engine]:
    import apsw

    conn = apsw.Connection(":memory:")
    yield _Engine("sqlite", lambda sql: list(conn.execute(sql)), lambda: None)
    conn.close()


@pytest.fixture(scope="module")
def postgres_engine(pg_server: Any) -> Iterator[_Engine]:
    conn = pg_server.connect(autocommit=True)

    def execute(sql: str) -> list[tuple[Any, ...]]:
        cur = conn.execute(sql)
        return list(cur.fetchall()) if cur.description else []

    yield _Engine("postgres", execute, lambda: None)
    conn.close()


@pytest.fixture(scope="module")
def mariadb_engine(mariadb_server: Any) -> Iterator[_Engine]:
    conn = mariadb_server.connect()
    conn.autocommit(True)

    def execute(sql: str) -> list[tuple[Any, ...]]:
        with conn.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall()) if cur.description else []

    yield _Engine("mysql", execute, lambda: None)
    conn.close()


@pytest.fixture(params=("sqlite", "postgres", "mysql"))
def engine(request: pytest.FixtureRequest) -> _Engine:
    fixture = {"sqlite": "sqlite_engine", "postgres": "postgres_engine", "mysql": "mariadb_engine"}[request.param]
    engine: _Engine = request.getfixturevalue(fixture)
    return engine


def _create(engine: _Engine, table: str) -> bool:
    """The physical table, by the test's own DDL; False when the engine refuses the name itself."""
    q = lambda name: _quote(engine.dialect, name)  # noqa: E731
    try:
        engine.execute(f"DROP TABLE IF EXISTS {q(table)}")
        engine.execute(f"CREATE TABLE {q(table)} ({q(COLUMN)} VARCHAR(20), uid VARCHAR(8), "
                       f"{q(ADDED)} VARCHAR(8), {q(KEY)} INT)")
    except Exception as err:  # the engine's own rule (MariaDB: no trailing dots in file names, ...)
        if table in ("t --", "My Table"):
            raise
        pytest.skip(f"{engine.dialect} refuses the table name {table!r} itself: {err}")
    return True


@pytest.mark.parametrize("style", ("native", "compat"))
@pytest.mark.parametrize("table", ODD_NAMES)
def test_caller_names_run_on_the_engine(engine: _Engine, style: str, table: str) -> None:
    if style == "compat" and engine.dialect == "postgres":
        pytest.skip("compat output is TiDB's MySQL text (back-quoted names): not PostgreSQL input")
    _create(engine, table)
    parser = new_parser(engine.dialect, style=style)
    mapping = {"users": TableColumn(table, {"v": COLUMN, "uid": "uid"})}

    insert = parser.parse_and_modify_sql("INSERT INTO users (v, uid) VALUES ('mine', 'u1'), ('theirs', 'u2')",
                                         mapping)
    insert, _ = parser.add_columns_to_insert_sql(insert, [ColumnValue(ADDED, "o1")], PrimaryKeyValue(KEY, [1, 2]))
    engine.execute(insert)

    select = parser.parse_and_modify_sql("SELECT v FROM users WHERE uid = 'u1'", mapping)
    assert engine.execute(select) == [("mine",)], select

    fields = parser.add_select_fields_to_select_sql(select, [ADDED, KEY])
    assert engine.execute(fields) == [("mine", "o1", 1)], fields

    filtered = parser.append_sql_filter(parser.parse_and_modify_sql("SELECT v FROM users", mapping), "AND",
                                        "uid = 'u2'")
    assert engine.execute(filtered) == [("theirs",)], filtered


@pytest.mark.parametrize("dialect", ("sqlite", "mysql", "postgres"))
def test_comment_in_a_physical_name_cannot_drop_the_filter(dialect: str) -> None:
    # The attack run's exact case, in every dialect and style.
    for style in ("native", "compat"):
        out = new_parser(dialect, style=style).parse_and_modify_sql(
            "SELECT v FROM users WHERE uid = 'u1'", {"users": TableColumn("t --", {})})
        assert "-- WHERE" not in out.replace("t --`", "").replace('t --"', ""), out
        assert re.search(r"""[`"]t --[`"] WHERE uid ?= ?'u1'""", out), out


@pytest.mark.parametrize("dialect", ("sqlite", "mysql"))
def test_compat_keeps_plain_names_plain(dialect: str) -> None:
    # Go's output for plain names is byte-for-byte unchanged; only odd names gain back-quotes.
    parser = new_parser(dialect, style="compat")
    plain = parser.parse_and_modify_sql("SELECT v FROM users WHERE uid = 'u1'",
                                        {"users": TableColumn("t_users_1", {"v": "c_v"})})
    assert plain == "SELECT c_v FROM t_users_1 WHERE uid='u1'"
    odd = parser.parse_and_modify_sql("SELECT v FROM users WHERE uid = 'u1'",
                                      {"users": TableColumn("My Table", {"v": "c v"})})
    assert odd == "SELECT `c v` FROM `My Table` WHERE uid='u1'"


@pytest.mark.parametrize("dialect", ("sqlite", "mysql", "postgres"))
def test_native_keeps_plain_names_plain(dialect: str) -> None:
    parser = new_parser(dialect)
    out = parser.parse_and_modify_sql("SELECT v, key_1 FROM users WHERE uid = 'u1'",
                                      {"users": TableColumn("t_users_1", {"v": "c_v"})})
    assert out == "SELECT c_v, key_1 FROM t_users_1 WHERE uid = 'u1'"


_SYNTAX = re.compile(r"syntax error|incomplete input|unrecognized token")
_POSITIONS = ("SELECT {} FROM (SELECT 1)", "SELECT t.{} FROM t", "SELECT {}.a FROM t", "SELECT 1 AS {}",
              "SELECT * FROM t AS {}", "CREATE TABLE {}(x)", "CREATE TABLE tt(a {})", "CREATE INDEX {} ON t(a)",
              "UPDATE t SET {} = 1", "INSERT INTO t({}) VALUES (1)", "DROP TABLE {}", "SELECT * FROM {}",
              "SELECT a FROM t WHERE {} = 1", "SELECT * FROM t JOIN {} ON 1", "SELECT * FROM t {}",
              "SELECT 1 {}", "DELETE FROM {}")


def test_sqlite_reserved_words_are_exactly_the_ones_sqlite_refuses_bare() -> None:
    import apsw

    from dialects.sqlite.native import RESERVED_WORDS

    conn = apsw.Connection(":memory:")

    def accepted(sql: str) -> bool:
        cursor = conn.cursor()
        cursor.exec_trace = lambda *_: False
        try:
            cursor.execute(sql)
        except apsw.ExecTraceAbort:
            return True
        except apsw.SQLError as err:
            return not _SYNTAX.search(str(err))
        return True

    refused = {word for word in apsw.keywords if not all(accepted(p.format(word)) for p in _POSITIONS)}
    assert refused == set(RESERVED_WORDS)


def test_mariadb_reserved_words_are_quoted(mariadb_server: Any) -> None:
    # Every keyword the running MariaDB knows, as a physical table and column name: the native and
    # compat MySQL printers' output must parse (the tables do not exist: "no such table" is fine,
    # a syntax error is not).
    conn = mariadb_server.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT WORD FROM information_schema.KEYWORDS")
            words = sorted({row[0] for row in cur.fetchall() if re.fullmatch(r"\w+", row[0])})
            assert len(words) > 500
            failures = []
            for style in ("native", "compat"):
                parser = new_parser("mysql", style=style)
                for word in words:
                    sql = parser.parse_and_modify_sql("SELECT v AS x FROM users",
                                                      {"users": TableColumn(word, {"v": word})})
                    try:
                        cur.execute(sql)
                    except Exception as err:  # collected: the assertion names every word that failed
                        if err.args[0] != 1146:  # ER_NO_SUCH_TABLE
                            failures.append((word, sql, str(err)))
            assert failures == []
    finally:
        conn.close()


def test_compat_and_native_share_the_mariadb_reserved_words() -> None:
    from dialects.mysql.names import MARIADB_RESERVED_WORDS as NATIVE
    from formatter.compat.base import MARIADB_RESERVED_WORDS as COMPAT

    assert NATIVE == COMPAT
