"""Issue 11, High 2 (and Medium 8's provider part): what `RDB.execute_sql` refuses on the embedded
SQLite provider whatever the caller's policy, and that a pooled connection stays as handed out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from providers.db import open_db
from providers.db.contract import RDB, SQLType
from providers.db.user_sql import UserSQL
from providers.errors import ErrorCode, ProviderError


@pytest.fixture
def db(tmp_path: Path) -> Iterator[RDB]:
    store = open_db(f"sqlite:///{tmp_path}/db/app.db")
    try:
        store.execute_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, v TEXT)")
        yield store
    finally:
        store.close()


def refused(db: RDB, sql: str) -> ProviderError:
    with pytest.raises(ProviderError) as info:
        db.execute_sql(sql, sql_type=SQLType.RAW)
    return info.value


def test_attach_cannot_write_a_file_anywhere(db: RDB, tmp_path: Path) -> None:
    # The attack: ATTACH a new file, then CREATE/INSERT into it.
    target = tmp_path / "outside" / "evil.db"
    target.parent.mkdir()
    err = refused(db, f"ATTACH DATABASE '{target}' AS x")
    assert err.code is ErrorCode.PERMISSION_DENIED and "ATTACH" in err.message
    with pytest.raises(ProviderError):
        db.execute_sql("CREATE TABLE x.pwn (a TEXT)")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


@pytest.mark.parametrize("sql", [
    "VACUUM INTO '{out}'",
    "VACUUM",
    "DETACH x",
    "PRAGMA query_only = 1",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA writable_schema = 1",
    "PRAGMA main.synchronous = OFF",
    "SELECT * FROM pragma_table_list",
    "SELECT load_extension('{out}')",
    "SELECT fts3_tokenizer('simple')",
    "BEGIN",
    "COMMIT",
    "SAVEPOINT s",
    "CREATE TEMP TABLE t (a INTEGER)",
    "CREATE TEMP VIEW tv AS SELECT 1",
    "CREATE TRIGGER tr AFTER INSERT ON notes BEGIN DELETE FROM notes; END",
    "SELECT 1 WHERE 1 IN _cozelite_rdb_ping",
    "SELECT 1 WHERE (1, 'x') IN _cozelite_rdb_ping",
    "SELECT * FROM notes WHERE id IN (SELECT rowid FROM _cozelite_rdb_tables)",
])
def test_statements_that_change_the_connection_or_touch_files_are_refused(db: RDB, tmp_path: Path,
                                                                            sql: str) -> None:
    out = tmp_path / "copy.db"
    err = refused(db, sql.format(out=out))
    assert err.code in (ErrorCode.PERMISSION_DENIED, ErrorCode.INVALID_ARGUMENT), err
    assert not out.exists()
    # The connection this thread uses is still writable, with foreign keys on, in no transaction.
    db.execute_sql("INSERT INTO notes (v) VALUES ('after')")
    assert db.execute_sql("PRAGMA foreign_key_list(notes)").rows == []
    rows = db.execute_sql("SELECT count(*) AS n FROM notes").rows
    assert rows == [{"n": 1}]


def test_read_only_pragmas_and_ordinary_sql_still_work(db: RDB) -> None:
    db.execute_sql("INSERT INTO notes (v) VALUES (?)", ["a"])
    assert [r["name"] for r in db.execute_sql("PRAGMA table_info(notes)").rows] == ["id", "v"]
    assert [r["name"] for r in db.execute_sql("SELECT name FROM pragma_table_info('notes')").rows] == ["id", "v"]
    assert db.execute_sql("PRAGMA integrity_check").rows == [{"integrity_check": "ok"}]
    got = db.execute_sql("SELECT upper(v) AS u, json_array(1, 2) AS j, abs(-3) AS a FROM notes").rows
    assert got == [{"u": "A", "j": "[1,2]", "a": 3}]
    db.execute_sql("CREATE INDEX notes_v ON notes (v)")
    db.execute_sql("CREATE VIEW nv AS SELECT v FROM notes")
    assert db.execute_sql("SELECT v FROM nv").rows == [{"v": "a"}]
    db.execute_sql("DROP VIEW nv")
    db.execute_sql("ALTER TABLE notes ADD COLUMN w TEXT")
    db.execute_sql("DROP TABLE notes")


def test_pragma_on_an_internal_table_is_refused(db: RDB) -> None:
    assert refused(db, "PRAGMA table_info(_cozelite_rdb_tables)").code is ErrorCode.PERMISSION_DENIED


def test_a_view_over_internal_tables_reads_nothing(db: RDB) -> None:
    # The view's text names no internal table the compiler sees (IN-table), and reading it is
    # checked when SQLite expands it.
    try:
        db.execute_sql("CREATE VIEW leak AS SELECT 1 AS x WHERE 1 IN _cozelite_rdb_ping")
    except ProviderError as err:
        assert err.code is ErrorCode.PERMISSION_DENIED
        return
    assert refused(db, "SELECT * FROM leak").code is ErrorCode.PERMISSION_DENIED


def test_a_poisoned_pooled_connection_is_discarded(db: RDB) -> None:
    # query_only set behind the guard's back (as the PRAGMA did): the connection is not
    # handed out again after the next user statement, so later writes on this thread work.
    driver = db.driver
    conn = driver._conn()  # type: ignore[attr-defined]
    conn.execute("PRAGMA query_only = 1")
    db.execute_sql("SELECT 1 AS one")
    assert driver._conn() is not conn  # type: ignore[attr-defined]
    db.execute_sql("INSERT INTO notes (v) VALUES ('w')")


def test_query_only_poisoning_does_not_reach_other_calls_on_the_thread(db: RDB) -> None:
    # The repro: PRAGMA query_only = 1 through execute_sql, then a write on the same thread.
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with pytest.raises(ProviderError):
                db.execute_sql("PRAGMA query_only = 1")
            db.insert_data("notes", [{"v": "x"}])
        except BaseException as err:  # reported to the main thread
            errors.append(err)

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert errors == []
    assert db.execute_sql("SELECT v FROM notes").rows == [{"v": "x"}]


def test_compile_cache_is_bounded_by_bytes(db: RDB) -> None:
    # Medium 8: distinct large statements do not pile up: the cache keeps at most its byte budget.
    cache = UserSQL(db.driver.parser, max_bytes=50_000)
    big = "SELECT " + ", ".join(["id"] * 500) + " FROM notes WHERE id = {}"
    for i in range(20):
        cache.compile(big.format(i))
        assert cache.cached_bytes <= 50_000
    assert cache.cached_bytes > 0
    # A statement larger than the whole budget is compiled but not kept.
    small = UserSQL(db.driver.parser, max_bytes=1000)
    small.compile(big.format(0))
    assert small.cached_bytes == 0
