"""check_policy on the tree: denied statements name their rule; literals that merely contain a
forbidden word are allowed (where Coze Studio's string matching rejects them)."""

from __future__ import annotations

import pytest
from _safety_engines import require_dialect

from sqlparser import (
    InvalidArgumentError,
    OperationType,
    Policy,
    PolicyViolationError,
    SQLParserError,
    SQLSyntaxError,
    new_parser,
)

POLICY = Policy(tables={"users", "orders"})
READ_ONLY = Policy(tables={"users", "orders"}, operations={OperationType.SELECT})
ANY = ("mysql", "sqlite", "postgres")

ALLOWED: list[tuple[tuple[str, ...], str]] = [
    (ANY, "SELECT * FROM users WHERE name = 'UNION SELECT sleep(1) FROM mysql.user'"),
    (ANY, "SELECT * FROM users WHERE name = 'pg_read_file information_schema JOIN ATTACH'"),
    (ANY, "SELECT u.id, o.total FROM users u JOIN orders o ON o.user_id = u.id"),
    (ANY, "SELECT id FROM users UNION SELECT user_id FROM orders"),
    (ANY, "WITH recent AS (SELECT * FROM orders WHERE total > 10) SELECT COUNT(*) FROM recent"),
    (ANY, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n"),
    (ANY, "UPDATE users SET name = 'drop table users; --' WHERE id = 1"),
    (ANY, "DELETE FROM orders WHERE status = 'sleep'"),
    (ANY, "INSERT INTO orders (id, uid, total) VALUES (1, 'u1', 2)"),
    (ANY, "SELECT COALESCE(name, 'x'), UPPER(name), COUNT(*) FROM users GROUP BY name"),
    (("mysql",), "SELECT * FROM users WHERE name = '/*! OR 1=1 */'"),
    (("mysql",), "SELECT `id` FROM `users` WHERE `name` = \"sys.user\""),
    (("sqlite",), "SELECT value FROM users, json_each('[1, 2]')"),
    (("postgres",), "SELECT * FROM users WHERE name = $$pg_sleep(10)$$"),
    (("postgres",), "SELECT g FROM generate_series(1, 3) AS g"),
]

DENIED: list[tuple[tuple[str, ...], str, str]] = [
    (ANY, "SELECT * FROM secrets", "table-not-allowed"),
    (ANY, "SELECT u.id FROM users u JOIN secrets s ON s.id = u.id", "table-not-allowed"),
    (ANY, "SELECT id FROM users WHERE id IN (SELECT id FROM secrets)", "table-not-allowed"),
    (ANY, "SELECT id FROM users UNION SELECT id FROM secrets", "table-not-allowed"),
    (ANY, "WITH users AS (SELECT * FROM secrets) SELECT * FROM users", "table-not-allowed"),
    (ANY, "WITH s AS (SELECT * FROM s) SELECT * FROM s", "table-not-allowed"),
    (ANY, "SELECT * FROM information_schema.tables", "system-schema"),
    (ANY, "SELECT table_name FROM information_schema.columns WHERE 1 = 1", "system-schema"),
    (ANY, "INSERT INTO secrets (id) SELECT id FROM users", "table-not-allowed"),
    (ANY, "CREATE TABLE x (id INT)", "statement-kind"),
    (ANY, "DROP TABLE users", "statement-kind"),
    (("mysql",), "SELECT * FROM mysql.user", "system-schema"),
    (("mysql",), "SELECT * FROM performance_schema.threads", "system-schema"),
    (("mysql",), "SELECT * FROM sys.version", "system-schema"),
    (("mysql",), "SELECT * FROM otherdb.users", "schema-qualified"),
    (("mysql",), "SELECT SLEEP(5) FROM users", "denied-function"),
    (("mysql",), "SELECT BENCHMARK(1000000, MD5('a')) FROM users", "denied-function"),
    (("mysql",), "SELECT LOAD_FILE('/etc/passwd') FROM users", "denied-function"),
    (("mysql",), "SELECT id FROM users WHERE name = USER()", "denied-function"),
    (("mysql",), "SELECT VERSION()", "denied-function"),
    (("mysql",), "SELECT @@datadir", "system-variable"),
    (("mysql",), "SELECT * FROM users INTO OUTFILE '/tmp/x'", "into-outfile"),
    (("mysql",), "SELECT * FROM users INTO DUMPFILE '/tmp/x'", "into-outfile"),
    (("mysql",), "SELECT * FROM users WHERE id = 1 /*! OR 1 = 1 */", "executable-comment"),
    (("mysql",), "SELECT * FROM users /*!50000 , mysql.user */", "executable-comment"),
    (("mysql",), "SELECT * FROM users WHERE id = 1 /*M! OR 1 = 1 */", "executable-comment"),
    (("mysql",), "SET @a = 1", "set"),
    (("sqlite",), "ATTACH DATABASE '/tmp/x.db' AS other", "attach"),
    (("sqlite",), "PRAGMA table_info(users)", "pragma"),
    (("sqlite",), "SELECT load_extension('/tmp/evil')", "denied-function"),
    (("sqlite",), "SELECT * FROM sqlite_master", "system-table"),
    (("sqlite",), "SELECT * FROM sqlite_schema", "system-table"),
    (("sqlite",), "SELECT * FROM pragma_table_info('users')", "table-function"),
    (("sqlite",), "SELECT * FROM temp.users", "system-schema"),
    (("sqlite",), "SELECT * FROM main.users", "schema-qualified"),
    (("sqlite",), "VACUUM INTO '/tmp/copy.db'", "vacuum"),
    (("sqlite",), "SELECT readfile('/etc/passwd')", "denied-function"),
    (("postgres",), "COPY users TO '/tmp/x'", "copy"),
    (("postgres",), "SELECT pg_read_file('/etc/passwd')", "denied-function"),
    (("postgres",), "SELECT pg_catalog.pg_read_file('/etc/passwd')", "schema-qualified"),
    (("postgres",), "SELECT pg_sleep(10)", "denied-function"),
    (("postgres",), "SELECT * FROM pg_catalog.pg_tables", "system-schema"),
    (("postgres",), "SELECT * FROM pg_shadow", "system-table"),
    (("postgres",), "SELECT * FROM dblink('host=x', 'SELECT 1') AS t(a int)", "table-function"),
    (("postgres",), "SELECT dblink_exec('host=x', 'DROP TABLE users')", "denied-function"),
    (("postgres",), "SELECT current_setting('data_directory')", "denied-function"),
    (("postgres",), "SELECT query_to_xml('SELECT * FROM secrets', true, true, '')", "denied-function"),
    (("postgres",), "SELECT lo_import('/etc/passwd')", "denied-function"),
    (("postgres",), "DO $$ BEGIN PERFORM pg_sleep(1); END $$", "do-block"),
    (("postgres",), "SELECT * FROM public.users", "schema-qualified"),
    (("postgres",), "SELECT 'secrets'::regclass", "system-type"),
    (("postgres",), "SELECT id FROM users WHERE CAST('secrets' AS regclass) IS NOT NULL", "system-type"),
    (("mysql",), "SELECT id INTO @a FROM users", "select-into"),
    (("mysql",), "SELECT id FROM users UNION SELECT user FROM mysql.user", "system-schema"),
    (("postgres",), "SELECT id FROM users WHERE id = (SELECT COUNT(*) FROM pg_stat_activity)", "system-table"),
    (("sqlite",), "SELECT u.id FROM users u, sqlite_master m", "system-table"),
]

READ_ONLY_DENIED: list[tuple[tuple[str, ...], str]] = [
    (ANY, "DELETE FROM users"),
    (ANY, "UPDATE users SET name = 'x'"),
    (ANY, "INSERT INTO users (id) VALUES (1)"),
    (("postgres",), "WITH d AS (DELETE FROM users RETURNING *) SELECT * FROM d"),
]


def _params(table):
    out = []
    for row in table:
        dialects, rest = row[0], row[1:]
        for d in dialects:
            out.append(pytest.param(d, *rest, id=f"{d}:{rest[0][:60]}"))
    return out


@pytest.mark.parametrize(("dialect", "sql"), _params(ALLOWED))
def test_allowed(dialect: str, sql: str) -> None:
    require_dialect(dialect)
    assert new_parser(dialect).check_policy(sql, POLICY) is None


@pytest.mark.parametrize(("dialect", "sql", "rule"), _params(DENIED))
def test_denied_names_the_rule(dialect: str, sql: str, rule: str) -> None:
    require_dialect(dialect)
    with pytest.raises(SQLParserError) as info:
        new_parser(dialect).check_policy(sql, POLICY)
    if rule == "executable-comment" and isinstance(info.value, SQLSyntaxError):
        # The MySQL front end may refuse executable comments itself, before any policy runs.
        assert "executable comment" in str(info.value)
        return
    assert isinstance(info.value, PolicyViolationError), str(info.value)
    assert info.value.rule == rule, str(info.value)
    assert f"[{rule}]" in str(info.value)


@pytest.mark.parametrize(("dialect", "sql"), _params(READ_ONLY_DENIED))
def test_statement_kinds(dialect: str, sql: str) -> None:
    require_dialect(dialect)
    with pytest.raises(PolicyViolationError) as info:
        new_parser(dialect).check_policy(sql, READ_ONLY)
    assert info.value.rule == "statement-kind"


def test_policy_value_checks() -> None:
    assert Policy(tables={"Users": object()}).tables == frozenset({"users"})
    with pytest.raises(InvalidArgumentError):
        Policy(tables="users")
    with pytest.raises(InvalidArgumentError):
        Policy(tables={"users"}, operations={"SELEKT"})
    with pytest.raises(InvalidArgumentError):
        new_parser("mysql").check_policy("SELECT 1", {"tables": ["users"]})  # type: ignore[arg-type]
