"""The migration engine on SQLite (embedded, fast): ordering, revisions, checksums, failures that
leave the database as it was, plan without applying, qualifiers, the table rebuild and the notes."""

from __future__ import annotations

import os
from pathlib import Path

import apsw
import pytest

from cozelite.migrate import MigrationError, apply, describe, plan, status
from cozelite.migrate.files import discover, split


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def uri(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'app.db'}"


def rows(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = apsw.Connection(str(tmp_path / "app.db"))
    try:
        return [tuple(r) for r in conn.execute(sql).fetchall()]
    finally:
        conn.close()


def test_files_apply_by_version_and_down_files_are_ignored(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V10__c.sql": "", "V9__b.sql": "", "V1_1__a2.sql": "", "V1__a.sql": "",
                                    "V2__x.down.sql": "", "atlas.sum": "", "notes.txt": ""})
    assert [f.name for f in discover(str(folder))] == ["V1__a.sql", "V1_1__a2.sql", "V9__b.sql", "V10__c.sql"]
    folder = write(tmp_path / "g", {"20240102_b.up.sql": "", "20240101_a.up.sql": "", "20240101_a.down.sql": "",
                                    "0002_c.sql": "", "0001_d.sql": ""})
    assert [f.name for f in discover(str(folder))] == ["0001_d.sql", "0002_c.sql", "20240101_a.up.sql",
                                                       "20240102_b.up.sql"]


def test_split_keeps_quotes_and_lines() -> None:
    text = "-- head\nCREATE TABLE t (a VARCHAR(3) DEFAULT ';');\n\n/* c; */ INSERT INTO t VALUES ('x;y');\n# end\n"
    got = split(text, "f.sql")
    assert [(s.line, s.sql) for s in got] == [(2, "CREATE TABLE t (a VARCHAR(3) DEFAULT ';')"),
                                              (4, "INSERT INTO t VALUES ('x;y')")]
    with pytest.raises(MigrationError, match=r"f\.sql:1: unterminated"):
        split("SELECT 'oops", "f.sql")


def test_rerun_applies_nothing_and_status(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {
        "V1__t.sql": "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, name VARCHAR(20), PRIMARY KEY (id));",
        "V2__d.sql": "INSERT INTO t (name) VALUES ('a'), ('b');"})
    first = apply(str(folder), uri(tmp_path))
    assert [f.file for f in first.files] == ["V1__t.sql", "V2__d.sql"]
    again = apply(str(folder), uri(tmp_path))
    assert again.files == [] and again.already_applied == ["V1__t.sql", "V2__d.sql"]
    assert rows(tmp_path, "SELECT id, name FROM t ORDER BY id") == [(1, "a"), (2, "b")]
    revs = rows(tmp_path, "SELECT file, length(checksum), statements FROM _cozelite_migrations ORDER BY file")
    assert revs == [("V1__t.sql", 64, 1), ("V2__d.sql", 64, 1)]
    write(folder, {"V3__more.sql": "ALTER TABLE t ADD COLUMN n INT NOT NULL DEFAULT 7;"})
    assert [(s.file, s.state) for s in status(str(folder), uri(tmp_path))] == [
        ("V1__t.sql", "applied"), ("V2__d.sql", "applied"), ("V3__more.sql", "pending")]


def test_changed_applied_file_is_an_error(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": "CREATE TABLE t (id INT PRIMARY KEY);"})
    apply(str(folder), uri(tmp_path))
    write(folder, {"V1__t.sql": "CREATE TABLE t (id BIGINT PRIMARY KEY);",
                   "V2__u.sql": "CREATE TABLE u (id INT PRIMARY KEY);"})
    with pytest.raises(MigrationError, match=r"V1__t.sql was applied .* must not change"):
        apply(str(folder), uri(tmp_path))
    assert rows(tmp_path, "SELECT name FROM sqlite_master WHERE name = 'u'") == []  # nothing ran
    assert [s.state for s in status(str(folder), uri(tmp_path))] == ["changed", "pending"]


def test_failure_names_file_line_cause_and_rolls_the_file_back(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {
        "V1__t.sql": "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20));\nINSERT INTO t VALUES (1, 'abcdefghij');",
        "V2__bad.sql": ("CREATE TABLE u (id INT PRIMARY KEY);\n"
                        "ALTER TABLE t ADD COLUMN extra INT;\n"
                        "-- narrowing below the data: MySQL refuses, so must the target\n"
                        "ALTER TABLE t MODIFY COLUMN name VARCHAR(5);\n")})
    with pytest.raises(MigrationError) as info:
        apply(str(folder), uri(tmp_path))
    msg = str(info.value)
    assert msg.startswith("V2__bad.sql:4: ALTER TABLE t MODIFY COLUMN name VARCHAR(5)")
    assert "CHECK" in msg and "as it was before V2__bad.sql" in msg
    # V1 stays applied, V2 left nothing behind: no table u, no column extra, no revision
    assert rows(tmp_path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('t', 'u')") == [("t",)]
    assert [r[1] for r in rows(tmp_path, "PRAGMA table_info(t)")] == ["id", "name"]
    assert rows(tmp_path, "SELECT file FROM _cozelite_migrations") == [("V1__t.sql",)]


def test_refusal_before_running_names_the_construct(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": "CREATE TABLE t (id INT PRIMARY KEY);\n"
                                                 "ALTER TABLE t MODIFY COLUMN missing INT;"})
    with pytest.raises(MigrationError, match=r"V1__t.sql:2: .*column 'missing' does not exist in 't'"):
        apply(str(folder), uri(tmp_path))
    assert rows(tmp_path, "SELECT name FROM sqlite_master WHERE name = 't'") == []


def test_plan_prints_without_applying(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": "CREATE TABLE `app`.`t` (id INT PRIMARY KEY, a INT);",
                                    "V2__m.sql": "ALTER TABLE `app`.`t` MODIFY COLUMN a BIGINT NOT NULL DEFAULT 0;"})
    result = plan(str(folder), uri(tmp_path), database_map={"app": ""})
    sqls = [s.sql for f in result.files for st in f.statements for s in st.steps if not s.internal]
    assert sqls[0] == ('CREATE TABLE "t" ("id" INT NOT NULL CHECK ("id" BETWEEN -2147483648 AND 2147483647) '
                       'CHECK (TYPEOF("id") IN (\'integer\', \'null\')) PRIMARY KEY, "a" INTEGER '
                       'CHECK ("a" BETWEEN -2147483648 AND 2147483647) CHECK (TYPEOF("a") IN (\'integer\', \'null\')))')
    assert any(s.startswith('CREATE TABLE "_cozelite_new_t"') for s in sqls)  # the rebuild of V2
    assert rows(tmp_path, "SELECT name FROM sqlite_master WHERE name IN ('t', '_cozelite_migrations')") == []
    assert [s.state for s in status(str(folder), uri(tmp_path))] == ["pending", "pending"]


def test_qualifier_needs_a_map(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": "CREATE TABLE `app`.`t` (id INT PRIMARY KEY);"})
    with pytest.raises(MigrationError, match="--database-map app="):
        apply(str(folder), uri(tmp_path))
    # a qualifier maps to another name now (issue 13 item 4): on SQLite that name can only be main
    with pytest.raises(MigrationError, match="SQLite has one database here, `main`"):
        apply(str(folder), uri(tmp_path), database_map={"app": "other"})
    apply(str(folder), uri(tmp_path), database_map={"app": ""})
    assert rows(tmp_path, "SELECT name FROM sqlite_master WHERE name = 't'") == [("t",)]


def test_rebuild_keeps_rows_indexes_triggers_and_counter(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {
        "V1__t.sql": ("CREATE TABLE t (id INT UNSIGNED NOT NULL AUTO_INCREMENT, code VARCHAR(8) NOT NULL, "
                      "n SMALLINT, ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, "
                      "PRIMARY KEY (id), UNIQUE KEY uk_code (code), KEY idx_n (n)) COMMENT='things';\n"
                      "CREATE TABLE u (id INT PRIMARY KEY, n INT, KEY idx_n (n));\n"
                      "INSERT INTO t (code, n) VALUES ('a', 1), ('b', 2), ('c', 3);\n"
                      "DELETE FROM t WHERE code = 'c';"),
        "V2__widen.sql": ("ALTER TABLE t MODIFY COLUMN n BIGINT NOT NULL DEFAULT 0 COMMENT 'count', "
                          "CHANGE COLUMN code label VARCHAR(32) NOT NULL COLLATE utf8mb4_unicode_ci, "
                          "ADD COLUMN flag TINYINT(1) NOT NULL, RENAME INDEX idx_n TO idx_t_n;")})
    apply(str(folder), uri(tmp_path))
    assert rows(tmp_path, "SELECT id, label, n, flag FROM t ORDER BY id") == [(1, "a", 1, 0), (2, "b", 2, 0)]
    # SQLite index names are per schema: t's idx_n came first and kept its name, u's got the table prefix
    names = rows(tmp_path, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('t', 'u') "
                           "AND name NOT LIKE 'sqlite_%' ORDER BY name")
    assert names == [("idx_t_n", "t"), ("u__idx_n", "u"), ("uk_code", "t")]
    assert rows(tmp_path, "SELECT name FROM sqlite_master WHERE type = 'trigger'") == [("t__ts__on_update",)]
    assert rows(tmp_path, "SELECT seq FROM sqlite_sequence WHERE name = 't'") == [(3,)]  # MySQL keeps the counter
    conn = apsw.Connection(str(tmp_path / "app.db"))
    conn.execute("INSERT INTO t (label, flag) VALUES ('d', 1)")
    assert conn.execute("SELECT id FROM t WHERE label = 'd'").fetchall() == [(4,)]
    with pytest.raises(apsw.ConstraintError, match="UNIQUE"):  # utf8mb4_unicode_ci -> NOCASE (ASCII only)
        conn.execute("INSERT INTO t (label, flag) VALUES ('A', 1)")
    conn.close()
    # the collation SQLite holds and the comments it does not (the notes) print back
    text = describe(uri(tmp_path))
    assert "`label` VARCHAR(32) NOT NULL COLLATE utf8mb4_unicode_ci" in text
    assert "`n` BIGINT NOT NULL DEFAULT 0 COMMENT 'count'" in text and "COMMENT='things'" in text


def test_auto_increment_sqlite_cannot_hold_is_refused(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": "CREATE TABLE t (a INT NOT NULL AUTO_INCREMENT, b INT NOT NULL, "
                                                 "PRIMARY KEY (a, b));"})
    with pytest.raises(MigrationError, match=r"SQLite: AUTO_INCREMENT column 'a' of 't' must be the whole primary key"):
        apply(str(folder), uri(tmp_path))


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="not a directory"):
        plan(os.fspath(tmp_path / "nope"), uri(tmp_path))


def test_two_migrators_at_once_apply_each_file_once(tmp_path: Path) -> None:
    import threading

    folder = write(tmp_path / "m", {f"V{i}__t{i}.sql": f"CREATE TABLE t{i} (id INT PRIMARY KEY);\n"
                                                      f"INSERT INTO t{i} VALUES (1);" for i in range(1, 6)})
    errors: list[BaseException] = []

    def run() -> None:
        try:
            apply(str(folder), uri(tmp_path))
        except BaseException as err:  # collected for the assertion below
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert rows(tmp_path, "SELECT count(*) FROM _cozelite_migrations") == [(5,)]
    assert rows(tmp_path, "SELECT count(*) FROM t5") == [(1,)]


def test_plan_keep_going_reports_every_refusal(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": ("CREATE TABLE t (id INT PRIMARY KEY, a INT);\n"
                                                  "ALTER TABLE t ADD COLUMN b INT AS (a REGEXP 'x');\n"
                                                  "ALTER TABLE t MODIFY COLUMN nope INT;\n"
                                                  "ALTER TABLE t ADD COLUMN c INT;\n")})
    result = plan(str(folder), uri(tmp_path), keep_going=True)
    kinds = [(s.line, s.kind) for s in result.files[0].statements]
    assert kinds == [(1, "translated"), (2, "refused"), (3, "refused"), (4, "translated")]
    whys = [s.why for s in result.files[0].statements if s.kind == "refused"]
    assert "generated column 'b'" in whys[0] and "REGEXP_LIKE" in whys[0]
    assert "column 'nope' does not exist" in whys[1]
    assert result.counts["refused"] == 2


def test_table_collation_change_applies_to_later_columns_and_serial(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": (
        "CREATE TABLE t (id SERIAL PRIMARY KEY, name VARCHAR(10)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;\n"
        "ALTER TABLE t DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n"
        "ALTER TABLE t ADD COLUMN label VARCHAR(10), ADD UNIQUE KEY uk_label (label), ADD UNIQUE KEY uk_name (name);\n"
        "INSERT INTO t (name, label) VALUES ('a', 'x');\n")})
    apply(str(folder), uri(tmp_path))
    conn = apsw.Connection(str(tmp_path / "app.db"))
    try:
        conn.execute("INSERT INTO t (name, label) VALUES ('A', 'y')")  # name stays binary
        with pytest.raises(apsw.ConstraintError, match="UNIQUE"):
            conn.execute("INSERT INTO t (name, label) VALUES ('b', 'X')")  # label is case-insensitive
        assert conn.execute("SELECT id FROM t ORDER BY id").fetchall() == [(1,), (2,)]
    finally:
        conn.close()
    assert "COLLATE=utf8mb4_unicode_ci" in describe(uri(tmp_path))


def test_alter_auto_increment_moves_the_counter(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": (
        "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(10));\n"
        "INSERT INTO t (name) VALUES ('a');\n"
        "ALTER TABLE t AUTO_INCREMENT = 1000;\n"
        "INSERT INTO t (name) VALUES ('b');\n"
        "ALTER TABLE t MODIFY COLUMN name VARCHAR(20), AUTO_INCREMENT = 5;\n"  # below the largest id: no effect
        "INSERT INTO t (name) VALUES ('c');\n")})
    apply(str(folder), uri(tmp_path))
    assert rows(tmp_path, "SELECT id, name FROM t ORDER BY id") == [(1, "a"), (1000, "b"), (1001, "c")]
