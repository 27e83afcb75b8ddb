"""MySQL's column order (ADD / MODIFY / CHANGE COLUMN ... FIRST | AFTER) on SQLite and PostgreSQL.

An app's `SELECT *` and `INSERT INTO t VALUES (...)` without a column list depend on it. A history
with rows present before every reorder is applied to MariaDB (the truth), SQLite and PostgreSQL:
the column order read from each catalog is MariaDB's, the INSERTs without a column list in the
history itself land in the right columns, and a workload of such INSERTs and `SELECT *` gives the
same outcomes on all three. PostgreSQL's rebuild (cozelite/migrate/postgres_rebuild.py) keeps what
hangs on the table (indexes, constraints, comments, triggers, identity, other tables' foreign keys)
and refuses, by name, what it cannot carry (a view), leaving the database as before the file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cozelite.migrate import MigrationError, Result, apply, status
from cozelite.migrate.mysql import MySQLTarget
from providers.db import open_db
from providers.db.catalog import catalog_session
from sqlparser import parser_for
from tests.engines.server_uris import fresh_mysql_uri, fresh_postgres_uri
from tests.migrate import order_workload
from tests.migrate.schema import diff, order_diff, read_schema

MAP = {"app": ""}

HISTORY = {
    "V1__create.sql": """
CREATE TABLE `app`.`customers` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `email` VARCHAR(120) NOT NULL,
  `name` VARCHAR(80) NOT NULL DEFAULT '',
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`), UNIQUE KEY `uk_email` (`email`), KEY `idx_name` (`name`, `email`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='people';
CREATE TABLE `app`.`notes` (`customer_id` INT UNSIGNED NOT NULL, `seq` SMALLINT NOT NULL, `body` TEXT,
  PRIMARY KEY (`customer_id`, `seq`));
CREATE TABLE `app`.`tags` (`tag` VARCHAR(30) NOT NULL PRIMARY KEY, `weight` DECIMAL(6,2) NOT NULL DEFAULT '1.00');
CREATE TABLE `app`.`AuditTrail` (`Id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY, `What` VARCHAR(40) NOT NULL,
  KEY `idx_What` (`What`)) AUTO_INCREMENT=50;
INSERT INTO `app`.`AuditTrail` (`What`) VALUES ('made');
INSERT INTO `app`.`customers` (`email`, `name`) VALUES ('a@x.test', 'Ann'), ('b@x.test', 'Bob'), ('c@x.test', 'Cy');
INSERT INTO `app`.`notes` VALUES (1, 1, 'first'), (2, 1, 'second');
INSERT INTO `app`.`tags` VALUES ('red', 2.5), ('blue', 1);
""",
    "V2__reorder.sql": """
ALTER TABLE `app`.`customers` ADD COLUMN `tenant_id` INT UNSIGNED NOT NULL DEFAULT 1 COMMENT 'owner' AFTER `id`,
  ADD COLUMN `phone` VARCHAR(20) DEFAULT NULL AFTER `name`, ADD INDEX `idx_tenant` (`tenant_id`);
ALTER TABLE `app`.`notes` ADD COLUMN `kind` ENUM('memo','call') NOT NULL DEFAULT 'memo' FIRST;
ALTER TABLE `app`.`tags` MODIFY COLUMN `weight` DECIMAL(8,2) NOT NULL DEFAULT '1.00' FIRST,
  ADD COLUMN `color` CHAR(7) DEFAULT NULL AFTER `tag`;
ALTER TABLE `app`.`tags` ADD COLUMN `note` VARCHAR(40) DEFAULT NULL AFTER `color`;
ALTER TABLE `app`.`AuditTrail` ADD COLUMN `At` DATETIME NOT NULL DEFAULT '2024-01-01 00:00:00' FIRST;
INSERT INTO `app`.`AuditTrail` VALUES ('2024-05-05 00:00:00', 60, 'moved');
INSERT INTO `app`.`AuditTrail` (`What`) VALUES ('after');
INSERT INTO `app`.`customers` VALUES (10, 2, 'd@x.test', 'Dee', '555', '2024-01-01 00:00:00', '2024-01-01 00:00:00');
INSERT INTO `app`.`notes` VALUES ('call', 10, 1, 'dee called');
INSERT INTO `app`.`tags` VALUES (3.25, 'green', '#00ff00', 'n');
""",
    "V3__change.sql": """
ALTER TABLE `app`.`customers` CHANGE COLUMN `phone` `phone_number` VARCHAR(24) DEFAULT NULL FIRST,
  DROP COLUMN `created_at`;
ALTER TABLE `app`.`customers` MODIFY COLUMN `email` VARCHAR(150) NOT NULL AFTER `updated_at`;
ALTER TABLE `app`.`customers` ADD COLUMN `score` INT NOT NULL DEFAULT 0 AFTER `tenant_id`,
  RENAME COLUMN `name` TO `full_name`;
INSERT INTO `app`.`customers` (`email`, `full_name`) VALUES ('e@x.test', 'Eve');
INSERT INTO `app`.`customers` VALUES ('556', 20, 3, 5, 'Fay', '2024-01-02 00:00:00', 'f@x.test');
""",
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def rebuilds(result: Result) -> int:
    """The column-order rebuilds PostgreSQL ran (one call of the rebuild function each)."""
    return sum(s.sql.startswith("SELECT pg_temp.cozelite_reorder_columns(")
               for f in result.files for st in f.statements for s in st.steps)


@pytest.fixture
def uris(request: pytest.FixtureRequest, mariadb_server: Any, pg_server: Any, tmp_path: Path) -> dict[str, str]:
    return {"mysql": fresh_mysql_uri(mariadb_server, request), "sqlite": f"sqlite:///{tmp_path / 'app.db'}",
            "postgres": fresh_postgres_uri(pg_server, request)}


def test_first_after_keep_mysql_order_and_rows_on_three_engines(uris: dict[str, str], tmp_path: Path) -> None:
    folder = write(tmp_path / "m", HISTORY)
    results = {engine: apply(str(folder), uri, database_map=MAP) for engine, uri in uris.items()}
    # only the ALTERs whose order differs from appending rebuild (`note` AFTER the last column: a plain ADD)
    assert rebuilds(results["postgres"]) == 7
    _, truth = read_schema(uris["mysql"])
    assert list(truth["customers"].columns) == ["phone_number", "id", "tenant_id", "score", "full_name",
                                                "updated_at", "email"]
    for engine in ("sqlite", "postgres"):
        _, other = read_schema(uris[engine])
        problems = diff(truth, engine, other) + order_diff(truth, engine, other)
        assert problems == [], "\n".join(problems)
    # the rows from before every reorder, the history's INSERTs without a column list, and ids that
    # continued through the rebuilds (11 after the explicit 10; 21 after the explicit 20)
    for uri in uris.values():
        with open_db(uri) as rdb:
            got = rdb.execute_sql("SELECT id, tenant_id, score, full_name, phone_number, email FROM customers "
                                  "ORDER BY id").rows
            assert [tuple(r.values()) for r in got] == [
                (1, 1, 0, "Ann", None, "a@x.test"), (2, 1, 0, "Bob", None, "b@x.test"),
                (3, 1, 0, "Cy", None, "c@x.test"), (10, 2, 0, "Dee", "555", "d@x.test"),
                (11, 1, 0, "Eve", None, "e@x.test"), (20, 3, 5, "Fay", "556", "f@x.test")], uri
            assert [tuple(r.values()) for r in rdb.execute_sql('SELECT * FROM "AuditTrail" ORDER BY 2').rows] in (
                [("2024-01-01 00:00:00", 50, "made"), ("2024-05-05 00:00:00", 60, "moved"),
                 ("2024-01-01 00:00:00", 61, "after")],
                [(datetime(2024, 1, 1), 50, "made"), (datetime(2024, 5, 5), 60, "moved"),
                 (datetime(2024, 1, 1), 61, "after")]), uri
            assert rdb.execute_sql("SELECT kind, body FROM notes ORDER BY customer_id").rows == [
                {"kind": "memo", "body": "first"}, {"kind": "memo", "body": "second"},
                {"kind": "call", "body": "dee called"}]
    with open_db(uris["mysql"]) as rdb, catalog_session(rdb) as s:
        model = MySQLTarget(parser_for(uris["mysql"]), {})
        model.load(s)
    tables = [t for _, t in sorted(model.schema.items()) if order_workload.usable(t)]
    n, problems, kinds = order_workload.run(uris, tables)
    assert n == 14 and kinds == {"affected": 10, "rows": 4} and problems == [], "\n".join(problems)


def test_postgres_rebuild_keeps_what_hangs_on_the_table(pg_server: Any, request: pytest.FixtureRequest,
                                                        tmp_path: Path) -> None:
    uri = fresh_postgres_uri(pg_server, request)
    schema = uri.split("schema=", 1)[1]
    folder = write(tmp_path / "m", {k: v for k, v in HISTORY.items() if k == "V1__create.sql"})
    apply(str(folder), uri, database_map=MAP)
    with pg_server.connect(autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        # what other tools (or, later, the engine's own foreign keys) put on the table
        conn.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer_id BIGINT CONSTRAINT fk_customer "
                     "REFERENCES customers (id) ON DELETE CASCADE)")
        conn.execute("COMMENT ON CONSTRAINT fk_customer ON orders IS 'who ordered'")
        conn.execute("INSERT INTO orders VALUES (1, 2)")
        conn.execute("ALTER TABLE customers ADD CONSTRAINT name_not_blank CHECK (name <> 'x') NOT VALID")
        conn.execute("CREATE INDEX lower_email ON customers (lower(email)) WHERE id > 1")
        conn.execute("COMMENT ON INDEX lower_email IS 'partial'")
        conn.execute("CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS "
                     "$$ BEGIN NEW.name := NEW.name || '!'; RETURN NEW; END $$")
        conn.execute("CREATE TRIGGER bump_name BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION bump()")
        conn.execute("ALTER TABLE customers DISABLE TRIGGER bump_name")
        before = {q: conn.execute(q).fetchall() for q in (
            "SELECT conname, pg_get_constraintdef(oid), obj_description(oid, 'pg_constraint') FROM pg_constraint "
            "WHERE conrelid IN ('customers'::regclass, 'orders'::regclass) ORDER BY 1",
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid), "
            "obj_description(indexrelid, 'pg_class') FROM pg_index WHERE indrelid = 'customers'::regclass ORDER BY 1",
            "SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger WHERE tgrelid = 'customers'::regclass "
            "AND NOT tgisinternal ORDER BY 1",
            "SELECT obj_description('customers'::regclass, 'pg_class')",
            "SELECT pg_get_serial_sequence('customers', 'id')",
            "SELECT id, email, name FROM customers ORDER BY id")}
    write(folder, {"V2__reorder.sql": "ALTER TABLE customers ADD COLUMN tenant_id INT NOT NULL DEFAULT 1 "
                                      "COMMENT 'owner' FIRST;\n"})
    result = apply(str(folder), uri, database_map=MAP)
    assert rebuilds(result) == 1
    with pg_server.connect(autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        for q, rows in before.items():
            assert conn.execute(q).fetchall() == rows, q
        assert [r[0] for r in conn.execute("SELECT attname FROM pg_attribute WHERE attrelid = 'customers'::regclass "
                                           "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")] == [
            "tenant_id", "id", "email", "name", "created_at", "updated_at"]
        assert conn.execute("SELECT col_description('customers'::regclass, 1)").fetchall() == [("owner",)]
        conn.execute("INSERT INTO customers (email) VALUES ('g@x.test')")  # the identity continues
        assert conn.execute("SELECT id FROM customers WHERE email = 'g@x.test'").fetchall() == [(4,)]
        # ON UPDATE CURRENT_TIMESTAMP's trigger: an update that sets the column keeps it, another sets it
        conn.execute("UPDATE customers SET updated_at = '2000-01-01' WHERE id = 2")
        conn.execute("UPDATE customers SET name = 'Bo' WHERE id = 2")
        assert conn.execute("SELECT updated_at > '2001-01-01' FROM customers WHERE id = 2").fetchall() == [(True,)]
        conn.execute("DELETE FROM customers WHERE id = 2")  # the inbound foreign key, with its ON DELETE
        assert conn.execute("SELECT count(*) FROM orders").fetchall() == [(0,)]
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relname LIKE '%cozelite_reorder%'").fetchall() \
            == [(0,)]


def test_postgres_rebuild_refuses_a_view_and_rolls_back(pg_server: Any, request: pytest.FixtureRequest,
                                                        tmp_path: Path) -> None:
    uri = fresh_postgres_uri(pg_server, request)
    schema = uri.split("schema=", 1)[1]
    folder = write(tmp_path / "m", {"V1__t.sql": "CREATE TABLE t (id INT PRIMARY KEY, a INT);\n"
                                                 "INSERT INTO t VALUES (1, 2);\n"})
    apply(str(folder), uri)
    with pg_server.connect(autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        conn.execute("CREATE VIEW t_view AS SELECT id, a FROM t")
        conn.execute("CREATE TABLE keeps (id INT PRIMARY KEY, snapshot t)")  # a column of t's row type
    write(folder, {"V2__x.sql": "CREATE TABLE u (id INT PRIMARY KEY);\n"
                                "ALTER TABLE t ADD COLUMN b INT AFTER id;\n"})
    with pytest.raises(MigrationError) as info:
        apply(str(folder), uri)
    msg = str(info.value)
    assert msg.startswith("V2__x.sql:2: ALTER TABLE t ADD COLUMN b INT AFTER id")
    assert "the rebuild cannot carry over: column snapshot of table keeps; view t_view. Drop these" in msg
    assert "or add the column without FIRST/AFTER" in msg
    assert "as it was before V2__x.sql (rolled back)" in msg
    with open_db(uri) as rdb, catalog_session(rdb) as s:
        assert s.tables() == ["keeps", "t"]
        assert [c.name for c in s.describe("t").columns] == ["id", "a"]
        assert s.query("SELECT id, a FROM t_view") == [(1, 2)]
    assert [r.state for r in status(str(folder), uri)] == ["applied", "pending"]
