"""MySQL DDL trees (issue 13 part 1): the node shapes a migration engine relies on, the constructs
that only classify (named), positioned errors for invalid DDL, TiDB-format printing, and a real
engine check: a migration history applied as written and as printed gives the same schema on MariaDB.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlglot import exp

import formatter
from sqlparser import new_parser
from sqlparser.errors import SQLSyntaxError
from sqlparser.types import OperationType

PARSER = new_parser("mysql")


def tree_of(sql: str) -> exp.Expression:
    statement = PARSER.compile(sql)
    assert statement.tree is not None, statement.unsupported
    return statement.tree


def compat(sql: str) -> str:
    return formatter.render(tree_of(sql), style="compat", dialect=PARSER.dialect, quote_names=True,
                            uppercase_keywords=True, string_charset="utf8mb4", source_sql=sql)


# -- ALTER TABLE: one exp.Alter, every clause a faithful node ---------------------------------------


def test_multi_clause_alter_table_shapes() -> None:
    tree = tree_of(
        "ALTER TABLE app.t MODIFY COLUMN a INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'x' AFTER b, "
        "CHANGE old new VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin FIRST, ADD COLUMN c JSON, "
        "ADD INDEX idx_a USING BTREE (a(10) DESC) COMMENT 'c', ADD UNIQUE KEY uk (a), DROP PRIMARY KEY, "
        "ADD PRIMARY KEY (a, b), DROP INDEX i, DROP COLUMN z, RENAME INDEX i TO j, RENAME COLUMN e TO f, "
        "COMMENT = 'hi', ALGORITHM = INPLACE, LOCK = NONE, ADD FULLTEXT KEY ft (a)")
    assert isinstance(tree, exp.Alter) and tree.args["kind"] == "TABLE"
    assert tree.this.name == "t" and tree.this.db == "app"
    actions = tree.args["actions"]
    assert [type(a).__name__ for a in actions] == [
        "ModifyColumn", "ModifyColumn", "ColumnDef", "AddConstraint", "AddConstraint", "DropPrimaryKey",
        "AddConstraint", "Drop", "Drop", "RenameIndex", "RenameColumn", "AddConstraint"]
    modify, change = actions[0], actions[1]
    assert modify.this.kind.this == exp.DataType.Type.UINT
    assert modify.this.args["position"].args["position"] == "AFTER"
    assert modify.this.args["position"].this.name == "b"
    assert change.args["rename_from"].name == "old" and change.this.name == "new"
    assert change.this.args["position"].args["position"] == "FIRST"
    kinds = {type(c.args["kind"]).__name__ for c in change.this.args["constraints"]}
    assert kinds == {"CharacterSetColumnConstraint", "CollateColumnConstraint"}
    index = actions[3].expressions[0]
    assert isinstance(index, exp.IndexColumnConstraint) and index.name == "idx_a"
    assert index.args["index_type"] == "BTREE"
    assert actions[11].expressions[0].args["kind"] == "FULLTEXT"
    assert [d.args["kind"] for d in actions[7:9]] == ["INDEX", "COLUMN"]
    options = tree.args["options"]
    assert [type(o).__name__ for o in options] == ["SchemaCommentProperty", "AlgorithmProperty", "LockProperty"]
    # every action and option knows its clause: the written order of changes and options
    clauses = sorted([a.meta["mysql_clause"] for a in actions] + [o.meta["mysql_clause"] for o in options])
    assert clauses == list(range(15))


def test_add_column_group_is_one_clause_of_several_elements() -> None:
    tree = tree_of("ALTER TABLE t ADD (a1 INT, a2 INT UNSIGNED, PRIMARY KEY (a1), UNIQUE (a2))")
    actions = tree.args["actions"]
    assert [type(a).__name__ for a in actions] == ["ColumnDef", "ColumnDef", "AddConstraint", "AddConstraint"]
    assert {a.meta["mysql_add_group"] for a in actions} == {0}
    assert compat("ALTER TABLE t ADD (a1 INT, a2 INT UNSIGNED, PRIMARY KEY (a1), UNIQUE (a2))") == (
        "ALTER TABLE `t` ADD COLUMN (`a1` INT, `a2` INT UNSIGNED, PRIMARY KEY(`a1`), UNIQUE(`a2`))")


def test_create_table_keeps_every_column_and_table_option() -> None:
    tree = tree_of(
        "CREATE TABLE IF NOT EXISTS app.t (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'id', "
        "name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '', "
        "st ENUM('a','b') NOT NULL DEFAULT 'a', tags SET('x','y'), meta JSON, "
        "updated TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), "
        "amount DECIMAL(20,6) UNSIGNED ZEROFILL DEFAULT (1 + 1), g INT AS (id + 1) STORED, "
        "PRIMARY KEY (id), UNIQUE KEY uk (name), KEY idx (st, updated), "
        "CONSTRAINT fk FOREIGN KEY (id) REFERENCES u (id) ON DELETE CASCADE, CONSTRAINT chk CHECK (id > 0)) "
        "ENGINE=InnoDB AUTO_INCREMENT=100 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='t' "
        "MAX_ROWS 10 CHECKSUM 1")
    assert isinstance(tree, exp.Create) and tree.args["kind"] == "TABLE"
    columns = [e for e in tree.this.expressions if isinstance(e, exp.ColumnDef)]
    assert [c.name for c in columns] == ["id", "name", "st", "tags", "meta", "updated", "amount", "g"]
    by_name = {c.name: c for c in columns}
    assert by_name["id"].args["kind"].this == exp.DataType.Type.UBIGINT

    def options(column: str) -> set[str]:
        return {type(c.args["kind"]).__name__ for c in by_name[column].args["constraints"]}

    assert {"AutoIncrementColumnConstraint", "CommentColumnConstraint"} <= options("id")
    assert "OnUpdateColumnConstraint" in options("updated")
    assert "ZeroFillColumnConstraint" in options("amount")
    assert "ComputedColumnConstraint" in options("g")
    props = {type(p).__name__ if type(p) is not exp.Property else p.name
             for p in tree.args["properties"].expressions}
    assert {"EngineProperty", "AutoIncrementProperty", "CharacterSetProperty", "CollateProperty",
            "SchemaCommentProperty", "MAX_ROWS", "CHECKSUM"} <= props


def test_create_index_and_view_options_are_properties() -> None:
    index = tree_of("CREATE UNIQUE INDEX i USING BTREE ON t (a, b DESC) COMMENT 'c' INVISIBLE ALGORITHM = INPLACE")
    assert index.this.args["params"].args["using"].name == "BTREE"
    kinds = [type(p).__name__ for p in index.args["properties"].expressions]
    assert kinds == ["IndexConstraintOption", "AlgorithmProperty"]
    view = tree_of("CREATE OR REPLACE ALGORITHM = MERGE DEFINER = 'root'@'%' SQL SECURITY INVOKER VIEW v AS SELECT 1")
    assert [type(p).__name__ for p in view.args["properties"].expressions] == [
        "AlgorithmProperty", "DefinerProperty", "SqlSecurityProperty"]


@pytest.mark.parametrize(("sql", "operation"), [
    ("RENAME TABLE a TO b", OperationType.UNKNOWN),
    ("ALTER DATABASE app CHARACTER SET = utf8mb4", OperationType.UNKNOWN),
    ("DROP TABLES a, b", OperationType.DROP),
    ("TRUNCATE TABLE t", OperationType.TRUNCATE),
    ("CREATE DATABASE IF NOT EXISTS app DEFAULT CHARACTER SET utf8mb4", OperationType.UNKNOWN),
])
def test_other_ddl_has_trees(sql: str, operation: OperationType) -> None:
    statement = PARSER.compile(sql)
    assert statement.tree is not None and statement.operation is operation


def test_mysqldump_executable_comments_are_read_as_mysql_8_runs_them() -> None:
    tree = tree_of("CREATE TABLE t (id INT) ENGINE=InnoDB /*!40101 DEFAULT CHARSET=utf8mb4 */ "
                   "/*!90000 COMMENT='for a later server' */")
    kinds = [type(p).__name__ for p in tree.args["properties"].expressions]
    assert kinds == ["EngineProperty", "CharacterSetProperty"]  # the 9.0 comment is only a comment
    # a comment whose text the IR cannot hold (partitioning sqlglot does not read) stays refused
    with pytest.raises(SQLSyntaxError, match="executable comments"):
        PARSER.compile("CREATE TABLE t (id INT) /*!50100 PARTITION BY HASH (id) PARTITIONS 4 */")
    with pytest.raises(SQLSyntaxError):  # not DDL: still refused (sqlglot would keep it as a comment)
        PARSER.compile("SELECT /*!40101 1 */")


# -- valid DDL the IR cannot hold: it classifies and names the construct -----------------------------


@pytest.mark.parametrize(("sql", "construct", "operation"), [
    ("ALTER TABLE t ADD c INT, DROP PARTITION p1, p2", "ALTER TABLE DROP PARTITION", OperationType.ALTER),
    ("ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4", "ALTER TABLE CONVERT TO CHARACTER SET", OperationType.ALTER),
    ("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT ENFORCED", "CHECK ... NOT ENFORCED", OperationType.ALTER),
    ("ALTER TABLE t DISABLE KEYS", "ALTER TABLE DISABLE KEYS", OperationType.ALTER),
    ("CREATE TABLE t (a INT) PARTITION BY HASH (a) PARTITIONS 4", "CREATE TABLE ... PARTITION BY",
     OperationType.CREATE),
    ("CREATE FULLTEXT INDEX f ON t (a)", "CREATE FULLTEXT INDEX", OperationType.UNKNOWN),
    ("CREATE USER 'u'@'%' IDENTIFIED BY 'p'", "CREATE USER (account management)", OperationType.UNKNOWN),
    ("RENAME TABLE a TO b, b TO a", "RENAME TABLE of several tables", OperationType.UNKNOWN),
    ("ALTER TABLE t MODIFY COLUMN IF EXISTS a INT", "MODIFY COLUMN IF EXISTS (MariaDB)", OperationType.ALTER),
    ("ALTER TABLE t ADD INDEX IF NOT EXISTS i (a)", "ADD INDEX IF NOT EXISTS (MariaDB)", OperationType.ALTER),
])
def test_unlowerable_ddl_is_named(sql: str, construct: str, operation: OperationType) -> None:
    statement = PARSER.compile(sql)
    assert statement.tree is None
    assert statement.unsupported == construct
    assert statement.operation is operation


# -- invalid DDL: a positioned error ---------------------------------------------------------------


@pytest.mark.parametrize(("sql", "column", "fragment"), [
    ("ALTER TABLE t ADD COLUMN (a INT FIRST)", 33, "FIRST / AFTER"),
    ("ALTER TABLE t ADD a INT,", 24, "trailing comma"),
    ("ALTER TABLE t ADD a INT,, DROP b", 25, "empty ALTER TABLE clause"),
    ("CREATE TABLE t (a INT) STATS_AUTO_RECALC = 10", 44, "STATS_AUTO_RECALC"),
    ("CREATE TABLE t (a INT) MAX_ROWS = 'x'", 35, "takes a number"),
    ("CREATE TABLE t (a INT) FOLLOWERS = 3", 24, "unknown table option"),
    ("CREATE TABLE t (a INT) PARTITION BY RANGE (a) (PARTITION p VALUES IN (1))", 60, "VALUES"),
    ("CREATE TABLE t (a INT) PARTITION BY HASH (a) PARTITIONS 0", 57, "above zero"),
    ("CREATE TABLE t (a INT, b INT AS (a) DEFAULT 1)", 37, "generated column"),
    ("CREATE TABLE t (a CHAR(5) CHARACTER SET utf8 CHARACTER SET latin1)", 27, "one CHARACTER SET"),
    ("CREATE INDEX i ON t (a) ALGORITHM = FAST", 37, "ALGORITHM"),
    ("ALTER TABLE t MODIFY COLUMN IF EXISTS a VARCHAR", 39, "need a length"),
    ("ALTER TABLE t ADD INDEX (a) USING FOO", 29, "index type"),
])
def test_invalid_ddl_is_rejected_where_it_goes_wrong(sql: str, column: int, fragment: str) -> None:
    with pytest.raises(SQLSyntaxError) as caught:
        PARSER.compile(sql)
    assert caught.value.line == 1 and caught.value.column == column, str(caught.value)
    assert fragment in str(caught.value)


# -- compat (TiDB) printing -------------------------------------------------------------------------


@pytest.mark.parametrize(("sql", "printed"), [
    ("ALTER TABLE t ENGINE = '', ADD COLUMN a SMALLINT", "ALTER TABLE `t` ENGINE = '', ADD COLUMN `a` SMALLINT"),
    ("ALTER TABLE t MODIFY a INT(11) UNSIGNED ZEROFILL NOT NULL",
     "ALTER TABLE `t` MODIFY COLUMN `a` INT(11) UNSIGNED ZEROFILL NOT NULL"),
    ("RENAME TABLE a TO b", "RENAME TABLE `a` TO `b`"),
    ("ALTER SCHEMA t DEFAULT CHARSET = 'UTF8'", "ALTER DATABASE `t` CHARACTER SET = utf8"),
    ("CREATE INDEX idx ON t (a) USING HASH COMMENT 'foo'", "CREATE INDEX `idx` ON `t` (`a`) USING HASH COMMENT 'foo'"),
    ("create or replace definer = 'root' view v as select 1",
     "CREATE OR REPLACE ALGORITHM = UNDEFINED DEFINER = `root`@`%` SQL SECURITY DEFINER VIEW `v` AS SELECT 1"),
])
def test_compat_printing(sql: str, printed: str) -> None:
    assert compat(sql) == printed


# -- MariaDB: a history applied as written and as printed gives the same schema ----------------------

HISTORY = [
    "CREATE TABLE users (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, email VARCHAR(190) NOT NULL, "
    "name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '' COMMENT 'display name', "
    "status ENUM('active','banned') NOT NULL DEFAULT 'active', profile JSON, "
    "created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), "
    "updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, "
    "PRIMARY KEY (id), UNIQUE KEY uk_email (email)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='people'",
    "CREATE TABLE posts (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id BIGINT UNSIGNED NOT NULL, "
    "title VARCHAR(200) NOT NULL, body MEDIUMTEXT, score INT(11) UNSIGNED ZEROFILL DEFAULT 0, "
    "KEY idx_user (user_id), CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE)",
    "ALTER TABLE users MODIFY COLUMN name VARCHAR(128) NOT NULL DEFAULT '' COMMENT 'wider' AFTER email, "
    "ADD COLUMN nick VARCHAR(32) NULL FIRST, ADD INDEX idx_status_created (status, created_at), "
    "COMMENT = 'people, v2'",
    "ALTER TABLE posts CHANGE title headline VARCHAR(255) NOT NULL, DROP INDEX idx_user, "
    "ADD INDEX idx_user_score (user_id, score DESC), RENAME COLUMN body TO content, ALGORITHM = COPY",
    "ALTER TABLE users RENAME INDEX idx_status_created TO idx_sc, ALTER COLUMN status SET DEFAULT 'banned'",
    "ALTER TABLE posts ADD (rank_no INT NOT NULL DEFAULT 0, flag TINYINT(1) NOT NULL DEFAULT 0), "
    "DROP FOREIGN KEY fk_user",
    "ALTER TABLE posts DROP PRIMARY KEY, ADD PRIMARY KEY (id, user_id)",
    "RENAME TABLE posts TO articles",
    "CREATE UNIQUE INDEX uk_headline ON articles (headline(100), user_id)",
]


@pytest.fixture(scope="module")
def maria(mariadb_server: Any) -> Iterator[Any]:
    connection = mariadb_server.connect(database=None)
    connection.autocommit(True)
    yield connection
    with connection.cursor() as cur:
        for db in ("ddl_written", "ddl_printed"):
            cur.execute(f"DROP DATABASE IF EXISTS `{db}`")
    connection.close()


def _schema(cur: Any, db: str) -> dict[str, str]:
    cur.execute(f"USE `{db}`")
    cur.execute("SHOW TABLES")
    tables = sorted(row[0] for row in cur.fetchall())
    shown = {}
    for table in tables:
        cur.execute(f"SHOW CREATE TABLE `{table}`")
        shown[table] = cur.fetchone()[1]
    return shown


def test_history_printed_natively_builds_the_same_schema_on_mariadb(maria: Any) -> None:
    with maria.cursor() as cur:
        for db in ("ddl_written", "ddl_printed"):
            cur.execute(f"DROP DATABASE IF EXISTS `{db}`")
            cur.execute(f"CREATE DATABASE `{db}`")
        for sql in HISTORY:
            statement = PARSER.compile(sql)
            assert statement.tree is not None, (sql, statement.unsupported)
            printed = PARSER.render(statement.tree)
            cur.execute("USE `ddl_written`")
            cur.execute(sql)
            cur.execute("USE `ddl_printed`")
            cur.execute(printed)
        written, printed_schema = _schema(cur, "ddl_written"), _schema(cur, "ddl_printed")
    assert sorted(written) == ["articles", "users"]
    assert written == printed_schema
