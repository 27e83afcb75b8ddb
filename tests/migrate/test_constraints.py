"""Foreign keys, CHECK constraints, generated columns and `--database-map NAME=OTHER` through the
migration engine: what SQLite really enforces for the app, what is refused by name, and where a
mapped qualifier puts the tables on each engine. (The three-engine differential of the same features
is tests/migrate/test_differential.py's ledger history.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import apsw
import pytest

from cozelite.migrate import MigrationError, apply, describe, plan, status
from providers.db import open_db
from providers.db.catalog import catalog_session
from providers.errors import ErrorCode, ProviderError
from tests.engines.server_uris import fresh_mysql_uri, fresh_postgres_uri

PARENT_CHILD = ("CREATE TABLE p (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, code VARCHAR(10) NOT NULL, "
                "UNIQUE KEY uk_code (code));\n"
                "CREATE TABLE c (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, p_id INT, p_code VARCHAR(10), "
                "qty INT NOT NULL DEFAULT 1 CHECK (qty > 0), twice INT AS (qty * 2) STORED, "
                "CONSTRAINT fk_c_p FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE, "
                "FOREIGN KEY (p_code) REFERENCES p (code) ON UPDATE CASCADE ON DELETE SET NULL);\n"
                "INSERT INTO p (code) VALUES ('a'), ('b');\n"
                "INSERT INTO c (p_id, p_code, qty) VALUES (1, 'a', 3), (2, 'b', 4);\n")


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def sqlite_uri(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'app.db'}"


def code_of(rdb: Any, sql: str) -> str:
    try:
        return str(rdb.execute_sql(sql).affected_rows)
    except ProviderError as err:
        return err.code.name


def test_sqlite_app_gets_foreign_keys_checks_and_generated_values(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": PARENT_CHILD})
    apply(str(folder), sqlite_uri(tmp_path))
    with open_db(sqlite_uri(tmp_path)) as rdb:  # the provider's connections run with foreign_keys=ON
        assert code_of(rdb, "INSERT INTO c (p_id, qty) VALUES (99, 1)") == ErrorCode.FAILED_PRECONDITION.name
        assert code_of(rdb, "INSERT INTO c (p_id, qty) VALUES (1, 0)") == ErrorCode.INVALID_ARGUMENT.name
        assert rdb.execute_sql("SELECT twice FROM c ORDER BY id").rows == [{"twice": 6}, {"twice": 8}]
        assert code_of(rdb, "UPDATE p SET code = 'bb' WHERE id = 2") == "1"  # ON UPDATE CASCADE
        assert code_of(rdb, "DELETE FROM p WHERE id = 1") == "1"  # ON DELETE CASCADE
        assert rdb.execute_sql("SELECT p_id, p_code FROM c ORDER BY id").rows == [{"p_id": 2, "p_code": "bb"}]
    text = describe(sqlite_uri(tmp_path))
    assert "CONSTRAINT `fk_c_p` FOREIGN KEY (`p_id`) REFERENCES `p` (`id`) ON DELETE CASCADE" in text
    assert "GENERATED ALWAYS AS (`qty` * 2) STORED" in text and "CHECK (`qty` > 0)" in text


def test_sqlite_file_that_breaks_a_foreign_key_is_rolled_back(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": PARENT_CHILD,
                                    # keys on (no parent rebuilt): the INSERT itself is refused, as in MySQL
                                    "V2__bad.sql": "ALTER TABLE c ADD COLUMN note VARCHAR(5);\n"
                                                   "INSERT INTO c (p_id, qty) VALUES (42, 1);\n"})
    with pytest.raises(MigrationError, match=r"V2__bad.sql:2: .*a foreign key does not match.*rolled back"):
        apply(str(folder), sqlite_uri(tmp_path))
    # the parent rebuilt: the file runs with foreign keys off (SQLite's procedure), so the check before
    # the commit must find the orphan
    write(folder, {"V2__bad.sql": "ALTER TABLE p ADD COLUMN pos INT NOT NULL;\n"  # NOT NULL, no default: rebuild
                                  "INSERT INTO c (p_id, qty) VALUES (42, 1);\n"})
    with pytest.raises(MigrationError, match=r"V2__bad.sql: the file breaks foreign keys: \[\('c', "):
        apply(str(folder), sqlite_uri(tmp_path))
    assert [s.state for s in status(str(folder), sqlite_uri(tmp_path))] == ["applied", "pending"]
    conn = apsw.Connection(str(tmp_path / "app.db"))
    try:
        assert conn.execute("SELECT count(*) FROM c").fetchall() == [(2,)]
        assert "note" not in [r[1] for r in conn.execute("PRAGMA table_info(c)").fetchall()]
        assert "pos" not in [r[1] for r in conn.execute("PRAGMA table_info(p)").fetchall()]
    finally:
        conn.close()


def test_sqlite_rebuilds_keep_foreign_keys_when_a_referenced_column_is_renamed(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": PARENT_CHILD, "V2__x.sql": (
        # a rebuild of the parent (CHANGE renames the referenced column): the child's REFERENCES text
        # names the old column, so the child is rebuilt too; then a new key is added by a rebuild
        "ALTER TABLE p CHANGE COLUMN code p_key VARCHAR(10) NOT NULL COMMENT 'key';\n"
        "ALTER TABLE c DROP FOREIGN KEY fk_c_p, ADD CONSTRAINT fk_c_p2 FOREIGN KEY (p_id) REFERENCES p (id);\n"
        "ALTER TABLE c ADD COLUMN half INT AS (qty DIV 2) VIRTUAL;\n")})
    apply(str(folder), sqlite_uri(tmp_path))
    conn = apsw.Connection(str(tmp_path / "app.db"))
    try:
        fks = conn.execute("SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('c') "
                           "ORDER BY \"from\"").fetchall()
        assert fks == [("p", "p_code", "p_key", "SET NULL"), ("p", "p_id", "id", "RESTRICT")]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT qty, twice, half FROM c ORDER BY id").fetchall() == [(3, 6, 1), (4, 8, 2)]
        # InnoDB makes an index for fk_c_p2 (named as the constraint) and drops the one it had made for
        # the dropped fk_c_p, which the new one replaces (MariaDB does so: the ledger differential)
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'c' "
                                            "AND sql IS NOT NULL").fetchall()}
        assert names == {"fk_c_p2", "p_code"}
    finally:
        conn.close()


@pytest.mark.parametrize(("files", "message"), [
    ("CREATE TABLE p (id INT PRIMARY KEY, k INT, KEY ik (k));\n"
     "CREATE TABLE c (id INT PRIMARY KEY, k INT, FOREIGN KEY (k) REFERENCES p (k));\n",
     "references p(k), which is not its primary key or a unique key"),
    ("CREATE TABLE c (id INT PRIMARY KEY, k INT, FOREIGN KEY (k) REFERENCES nowhere (id));\n",
     "references table 'nowhere', which does not exist"),
    ("CREATE TABLE p (id INT PRIMARY KEY);\n"
     "CREATE TABLE a (id INT PRIMARY KEY, p_id INT, CONSTRAINT fk_p FOREIGN KEY (p_id) REFERENCES p (id));\n"
     "CREATE TABLE b (id INT PRIMARY KEY, p_id INT, CONSTRAINT fk_p FOREIGN KEY (p_id) REFERENCES p (id));\n",
     "foreign key name 'fk_p' of 'b' is taken by 'a'"),
    ("CREATE TABLE t (id INT PRIMARY KEY, doc TEXT, CHECK (JSON_VALID(doc)));\n",
     "JSON_VALID"),
    ("CREATE TABLE p (id INT PRIMARY KEY);\nCREATE TABLE c (id INT PRIMARY KEY, p_id INT REFERENCES p (id));\n"
     "DROP TABLE p;\n", "cannot drop 'p': foreign key 'c_ibfk_1' of 'c' references it"),
    ("CREATE TABLE p (id INT PRIMARY KEY);\nCREATE TABLE c (id INT PRIMARY KEY, p_id INT REFERENCES p (id));\n"
     "ALTER TABLE c DROP COLUMN p_id;\n", "foreign key 'c_ibfk_1' uses it"),
    ("CREATE TABLE p (id INT PRIMARY KEY);\n"
     "CREATE TABLE c (id INT PRIMARY KEY, p_id INT REFERENCES p (id) ON DELETE SET DEFAULT);\n",
     "ON DELETE SET DEFAULT is not translated"),
    ("CREATE TABLE p (id INT PRIMARY KEY);\nCREATE TABLE c (id INT PRIMARY KEY, p_id INT REFERENCES p (id));\n"
     "ALTER TABLE p MODIFY COLUMN id BIGINT;\n", "cannot change the type of column 'id': foreign key 'c_ibfk_1' of "
     "'c' references it (MariaDB refuses it, error 1832)"),
])
def test_refused_by_name(tmp_path: Path, files: str, message: str) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": files})
    with pytest.raises(MigrationError) as info:
        plan(str(folder), sqlite_uri(tmp_path))
    assert message in str(info.value)


def test_postgres_refuses_what_its_generated_columns_cannot_do(pg_server: Any, request: pytest.FixtureRequest,
                                                              tmp_path: Path) -> None:
    nested = "CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT AS (a + 1) STORED, c INT AS (b * 2) VIRTUAL);\n"
    changed = ("CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT AS (a + 1) STORED);\n"
               "ALTER TABLE t MODIFY COLUMN b INT AS (a + 2) STORED;\n")
    pg = fresh_postgres_uri(pg_server, request)
    for text, message in ((nested, "generated column 'c' uses generated column 'b': PostgreSQL"),
                          (changed, "MODIFY/CHANGE of generated column 'b' on PostgreSQL")):
        folder = write(tmp_path / "m", {"V1__t.sql": text})
        assert plan(str(folder), sqlite_uri(tmp_path)).counts["translated"] == text.count(";")  # SQLite can
        with pytest.raises(MigrationError) as info:
            plan(str(folder), pg)
        assert message in str(info.value)


def test_database_map_on_sqlite_knows_only_main(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": "CREATE TABLE `app`.`t` (id INT PRIMARY KEY);\n"})
    with pytest.raises(MigrationError, match=r"SQLite has one database here, `main`"):
        apply(str(folder), sqlite_uri(tmp_path), database_map={"app": "other"})
    with pytest.raises(MigrationError, match=r"one history runs in one schema"):
        apply(str(folder), sqlite_uri(tmp_path), database_map={"app": "main", "crm": "other"})
    apply(str(folder), sqlite_uri(tmp_path), database_map={"app": "main"})
    assert [s.state for s in status(str(folder), sqlite_uri(tmp_path), database_map={"app": "main"})] == ["applied"]


def test_database_map_to_a_schema_and_a_database(pg_server: Any, mariadb_server: Any, request: pytest.FixtureRequest,
                                                 tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": PARENT_CHILD.replace("TABLE p", "TABLE `app`.`p`")
                                    .replace("TABLE c", "TABLE `app`.`c`").replace("INTO p", "INTO `app`.`p`")})
    other = f"cz_other_{request.node.name[-6:].lower()}_{id(folder) % 10000}"
    pg = fresh_postgres_uri(pg_server, request)
    maria = fresh_mysql_uri(mariadb_server, request)

    def cleanup() -> None:
        with pg_server.connect(autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{other}" CASCADE')
        conn = mariadb_server.connect(database=None)
        try:
            with conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{other}`")
        finally:
            conn.close()
    request.addfinalizer(cleanup)
    # plan creates nothing: PostgreSQL plans from the (missing, so empty) schema, MariaDB says apply creates it
    assert plan(str(folder), pg, database_map={"app": other}).counts["translated"] == 4
    with pg_server.connect(autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name = %s",
                            [other]).fetchall() == [(0,)]
    with pytest.raises(MigrationError, match=r"does not exist yet \(apply creates it"):
        plan(str(folder), maria, database_map={"app": other})
    for uri in (pg, maria):
        apply(str(folder), uri, database_map={"app": other})
        with open_db(uri) as rdb, catalog_session(rdb) as s:
            assert s.tables() == []  # nothing in the URI's own schema / database ...
            got = s.query("SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [other])
            assert sorted(str(r[0]) for r in got) == ["_cozelite_migrations", *(["_cozelite_schema_notes"]
                                                                                if s.engine == "postgres" else []),
                                                      "c", "p"]
            # ... and the pooled connection is back in the URI's database after the run
            if s.engine == "mysql":
                assert s.query("SELECT DATABASE()")[0][0] == uri.rsplit("/", 1)[1]
        assert [x.state for x in status(str(folder), uri, database_map={"app": other})] == ["applied"]
        again = apply(str(folder), uri, database_map={"app": other})
        assert again.files == [] and again.already_applied == ["V1__t.sql"]


def test_sqlite_file_data_cascades_unless_the_file_rebuilds_a_parent(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"V1__t.sql": PARENT_CHILD,
                                    # no parent rebuilt: the file runs with keys on, the DELETE cascades
                                    "V2__d.sql": "ALTER TABLE c ADD COLUMN note VARCHAR(5);\n"
                                                 "DELETE FROM p WHERE id = 1;\n"})
    apply(str(folder), sqlite_uri(tmp_path))
    conn = apsw.Connection(str(tmp_path / "app.db"))
    try:
        assert conn.execute("SELECT p_id FROM c").fetchall() == [(2,)]
    finally:
        conn.close()
    # a parent rebuilt (MODIFY) needs keys off for the whole file: its DELETE cannot cascade, and the
    # check before the commit says so instead of leaving an orphan
    write(folder, {"V3__x.sql": "ALTER TABLE p MODIFY COLUMN code VARCHAR(10) NOT NULL COMMENT 'c';\n"
                                "DELETE FROM p WHERE id = 2;\n"})
    with pytest.raises(MigrationError, match=r"ran with foreign keys off, as it rebuilds or drops a table a key "
                                             r"references: its data statements did not cascade"):
        apply(str(folder), sqlite_uri(tmp_path))
