"""The same MySQL history on MariaDB (the truth), SQLite and PostgreSQL: the schemas read back from
each engine's catalog agree through the documented mapping (0 differences), and a generated DML
workload gives the same rows, counts and error classes on all three.

The CI variant applies tests/data/migrations/shopdesk (12 files, 53 tables, 228 ALTER clauses);
the slow one adds a file of bulk rows before the widenings.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cozelite.migrate import MigrationError, apply, status
from cozelite.migrate.mysql import MySQLTarget
from providers.db import open_db
from providers.db.catalog import catalog_session
from sqlparser import parser_for
from tests.engines.server_uris import fresh_mysql_uri, fresh_postgres_uri
from tests.migrate import order_workload
from tests.migrate.schema import diff, order_diff, read_schema
from tests.migrate.workload import Runner, scenario, steps

HISTORY = Path(__file__).resolve().parents[1] / "data" / "migrations" / "shopdesk"
LEDGER = Path(__file__).resolve().parents[1] / "data" / "migrations" / "ledger"
MAP = {"app": ""}

# The ledger's own DML (after the generated workload): CHECKs refused and kept, generated columns read
# back, a cascade through two levels. MySQL text, printed for each engine by its printer.
LEDGER_SCENARIO = [
    "INSERT INTO tenants (slug, seats) VALUES ('hooli', 0)",  # ck_tenants_seats
    "INSERT INTO tenants (slug, seats) VALUES ('hooli', 500)",
    "INSERT INTO accounts (tenant_id, acct_code, name, kind, credit_limit) VALUES (1, '9', 'X', 'asset', NULL)",
    "INSERT INTO accounts (tenant_id, acct_code, name, kind, credit_limit) VALUES (1, '9100', 'X', 'asset', -1)",
    "INSERT INTO accounts (tenant_id, acct_code, name, kind, credit_limit) VALUES (1, '9100', 'X', 'asset', 0)",
    "INSERT INTO entries (journal_id, account_id, debit, credit) VALUES (1, 2, -5, 0)",
    "INSERT INTO entries (journal_id, account_id, debit, credit) VALUES (1, 2, 5, 5)",
    "INSERT INTO entries (journal_id, account_id, debit, credit, note) VALUES (2, 3, 0, 7.25, 'late')",
    "SELECT journal_id, account_id, amount, is_debit, abs_amount, note FROM entries ORDER BY journal_id, account_id,"
    " amount",
    "UPDATE entries SET debit = 9.99 WHERE note = 'late'",
    "UPDATE entries SET credit = 0 WHERE note = 'late'",
    "SELECT amount, is_debit, abs_amount FROM entries WHERE note = 'late'",
    "SELECT account_id, year, amount, monthly FROM budgets ORDER BY account_id, year",
    "INSERT INTO budgets (account_id, year, amount) VALUES (2, 1999, 1)",
    "INSERT INTO budgets (account_id, year, amount) VALUES (2, 2030, 100)",
    "SELECT monthly FROM budgets WHERE year = 2030",
    "DELETE FROM accounts WHERE id = 2",  # entries RESTRICT it
    "DELETE FROM entries WHERE account_id = 2",
    "DELETE FROM accounts WHERE id = 2",  # budgets cascade
    "SELECT account_id, year FROM budgets ORDER BY account_id, year",
    "UPDATE accounts SET id = 300 WHERE id = 3",  # budgets and entries follow (ON UPDATE CASCADE)
    "SELECT account_id, debit, credit FROM entries ORDER BY account_id, debit, credit",
    "SELECT account_id, year FROM budgets ORDER BY account_id, year",
    "DELETE FROM journal_headers WHERE id = 1",  # entries cascade
    "SELECT COUNT(*) FROM entries",
    "DELETE FROM tenants WHERE slug = 'initech'",  # accounts cascade, their budgets too
    "SELECT tenant_id, acct_code FROM accounts ORDER BY tenant_id, acct_code",
    "SELECT account_id FROM budgets ORDER BY account_id",
    "INSERT INTO tenants (slug, quota) VALUES ('q1', -1)",  # the column's CHECK
    "INSERT INTO tenants (slug, max_users) VALUES ('q2', -1)",  # its CHECK was dropped
    "SELECT slug, slug_upper, quota, max_users FROM tenants WHERE slug IN ('q1', 'q2')",
]


@pytest.fixture
def uris(request: pytest.FixtureRequest, mariadb_server: Any, pg_server: Any, tmp_path: Path) -> dict[str, str]:
    return {"mysql": fresh_mysql_uri(mariadb_server, request), "sqlite": f"sqlite:///{tmp_path / 'app.db'}",
            "postgres": fresh_postgres_uri(pg_server, request)}


def migrate_all(folder: Path, uris: dict[str, str]) -> dict[str, Any]:
    out = {}
    for engine, uri in uris.items():
        started = time.perf_counter()
        result = apply(str(folder), uri, database_map=MAP)
        out[engine] = (result, time.perf_counter() - started)
        c = result.counts
        print(f"{folder.name} on {engine}: {c['statements']} statements, {c['translated']} translated, "
              f"{c['skipped']} skipped, {c['target_statements']} target statements, "
              f"{c['ignored_parts']} ignored parts, {out[engine][1]:.2f}s")
    return out


def workload(uris: dict[str, str], scenario_sql: list[str] | None = None) -> tuple[int, list[str], Counter[str]]:
    with open_db(uris["mysql"]) as rdb, catalog_session(rdb) as s:
        model = MySQLTarget(parser_for(uris["mysql"]), {})
        model.load(s)
    runners = {k: Runner(u) for k, u in uris.items()}
    n, diffs, kinds = 0, [], Counter()
    plan = [(name, label, tree) for name, table in sorted(model.schema.items()) for label, tree in steps(table)]
    plan += [("scenario", label, tree) for label, tree in scenario(scenario_sql or [])]
    try:
        for name, label, tree in plan:
            got = {k: r.run(tree) for k, r in runners.items()}
            if "unordered" in label:
                got = {k: (v[0], sorted(v[1], key=repr)) if v[0] == "rows" else v for k, v in got.items()}
            n += 1
            truth = got["mysql"]
            kinds[truth[0] + (":" + truth[1] if truth[0] == "error" else "")] += 1
            for k in ("sqlite", "postgres"):
                if got[k] != truth:
                    diffs.append(f"{name} / {label}: mariadb {str(truth)[:300]} != {k} {str(got[k])[:300]}")
    finally:
        for r in runners.values():
            r.close()
    print(f"DML workload: {n} steps on 3 engines, outcomes {dict(kinds)}, {len(diffs)} differences")
    return n, diffs, kinds


def check_values_without_column_list(uris: dict[str, str]) -> None:
    """INSERT without a column list and SELECT * on every table: the column order decides them."""
    with open_db(uris["mysql"]) as rdb, catalog_session(rdb) as s:
        model = MySQLTarget(parser_for(uris["mysql"]), {})
        model.load(s)
    tables = [t for _, t in sorted(model.schema.items()) if order_workload.usable(t)]
    n, problems, kinds = order_workload.run(uris, tables, seed=5, ids_as_present=True)
    print(f"INSERT without a column list / SELECT *: {n} steps on {len(tables)} tables, outcomes {dict(kinds)}, "
          f"{len(problems)} differences")
    assert n > 150 and kinds["affected"] > 100 and problems == [], "\n".join(problems[:20])


def check_history(folder: Path, uris: dict[str, str], *, min_tables: int = 50, min_steps: int = 500,
                  scenario_sql: list[str] | None = None, values_check: bool = True) -> Counter[str]:
    results = migrate_all(folder, uris)
    counts = {e: r.counts for e, (r, _) in results.items()}
    assert counts["mysql"]["statements"] == counts["sqlite"]["statements"] == counts["postgres"]["statements"]
    for c in counts.values():
        assert c["translated"] + c["skipped"] == c["statements"]  # nothing refused
    _, truth = read_schema(uris["mysql"])
    assert len(truth) >= min_tables
    for engine in ("sqlite", "postgres"):
        eng, other = read_schema(uris[engine])
        assert eng == engine
        problems = diff(truth, engine, other) + order_diff(truth, engine, other)
        assert problems == [], "\n".join(problems[:30])
    n, problems, kinds = workload(uris, scenario_sql)
    assert n > min_steps
    assert problems == [], "\n".join(problems[:20])
    if values_check:
        check_values_without_column_list(uris)
    for uri in uris.values():  # a re-run applies nothing
        again = apply(str(folder), uri, database_map=MAP)
        assert again.files == [] and len(again.already_applied) == len(results["mysql"][0].files)
    return kinds


def test_shopdesk_on_three_engines(uris: dict[str, str]) -> None:
    kinds = check_history(HISTORY, uris)
    assert kinds["error:ALREADY_EXISTS"] > 20 and kinds["error:INVALID_ARGUMENT"] > 100


def test_ledger_foreign_keys_checks_generated_on_three_engines(uris: dict[str, str]) -> None:
    """Foreign keys (violations: FAILED_PRECONDITION; cascades, SET NULL, RESTRICT: the same rows), CHECKs
    (violations: INVALID_ARGUMENT) and generated columns (the same values) on the three engines."""
    kinds = check_history(LEDGER, uris, min_tables=5, min_steps=60, scenario_sql=LEDGER_SCENARIO,
                          values_check=False)  # its column order is covered by the shopdesk history
    assert kinds["error:FAILED_PRECONDITION"] >= 8 and kinds["error:INVALID_ARGUMENT"] >= 10


@pytest.mark.slow
def test_shopdesk_with_bulk_rows_on_three_engines(uris: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "history"
    shutil.copytree(HISTORY, folder)
    lines = []
    for i in range(400):  # rows every later MODIFY / CHANGE / rebuild has to carry
        lines.append(f"INSERT INTO `app`.`users` (`tenant_id`, `email`, `full_name`, `password_hash`) VALUES "
                     f"({i % 3 + 1}, 'user{i}@bulk.test', 'User {i}', '{'h' * 60}');")
        lines.append(f"INSERT INTO `app`.`products` (`tenant_id`, `category_id`, `sku`, `title`, `price`) VALUES "
                     f"({i % 3 + 1}, 2, 'BULK-{i}', 'Bulk item {i}', {i}.{i % 100:02d});")
        lines.append(f"INSERT INTO `app`.`audit_log` (`tenant_id`, `actor_id`, `action`, `detail`) VALUES "
                     f"(1, {i}, 'bulk.{i % 7}', 'row {i}');")
    (folder / "V3_5__bulk.sql").write_text("\n".join(lines) + "\n", encoding="utf-8")
    kinds = check_history(folder, uris)
    assert kinds["error:ALREADY_EXISTS"] > 20 and kinds["error:INVALID_ARGUMENT"] > 100


def test_failing_file_on_postgres_is_rolled_back(pg_server: Any, request: pytest.FixtureRequest,
                                                 tmp_path: Path) -> None:
    uri = fresh_postgres_uri(pg_server, request)
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__t.sql").write_text("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20));\n"
                                      "INSERT INTO t VALUES (1, 'abcdefghij');\n")
    (folder / "V2__bad.sql").write_text("CREATE TABLE u (id INT PRIMARY KEY);\n"
                                        "ALTER TABLE t ADD COLUMN extra INT COMMENT 'x';\n"
                                        "ALTER TABLE t MODIFY COLUMN name VARCHAR(5);\n")
    with pytest.raises(MigrationError) as info:
        apply(str(folder), uri)
    msg = str(info.value)
    assert msg.startswith("V2__bad.sql:3: ALTER TABLE t MODIFY COLUMN name VARCHAR(5)")
    assert "too long" in msg and "as it was before V2__bad.sql (rolled back)" in msg
    with open_db(uri) as rdb, catalog_session(rdb) as s:
        assert s.tables() == ["t"]
        assert [c.name for c in s.describe("t").columns] == ["id", "name"]
    assert [r.state for r in status(str(folder), uri)] == ["applied", "pending"]


def test_failing_file_on_mariadb_says_what_stays_applied(mariadb_server: Any, request: pytest.FixtureRequest,
                                                         tmp_path: Path) -> None:
    uri = fresh_mysql_uri(mariadb_server, request)
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__bad.sql").write_text("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20));\n"
                                        "INSERT INTO t VALUES (1, 'abcdefghij');\n"
                                        "ALTER TABLE t MODIFY COLUMN name VARCHAR(5);\n")
    with pytest.raises(MigrationError) as info:
        apply(str(folder), uri)
    msg = str(info.value)
    assert msg.startswith("V1__bad.sql:3: ALTER TABLE t MODIFY COLUMN name VARCHAR(5)")
    assert "mysql commits each DDL statement on its own: the statements at line 1, line 2 of V1__bad.sql " \
           "were applied and stay" in msg
    assert [r.state for r in status(str(folder), uri)] == ["pending"]


def test_postgres_keeps_comments_collations_on_update_and_identity(pg_server: Any, mariadb_server: Any,
                                                                   request: pytest.FixtureRequest,
                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__t.sql").write_text(
        "CREATE TABLE t (id INT UNSIGNED NOT NULL AUTO_INCREMENT, name VARCHAR(20) NOT NULL COMMENT 'display', "
        "code VARCHAR(10) COLLATE utf8mb4_bin, n INT NOT NULL DEFAULT 0, "
        "ts DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00' ON UPDATE CURRENT_TIMESTAMP, PRIMARY KEY (id), "
        "UNIQUE KEY uk_name (name), UNIQUE KEY uk_code (code)) DEFAULT CHARSET=utf8mb4 "
        "COLLATE=utf8mb4_unicode_ci AUTO_INCREMENT=100 COMMENT='things';\n"
        "INSERT INTO t (id, name, code) VALUES (200, 'Zoë', 'AB');\n")
    for uri in (fresh_postgres_uri(pg_server, request), fresh_mysql_uri(mariadb_server, request)):
        apply(str(folder), uri)
        with open_db(uri) as rdb:
            def outcome(sql: str) -> str:
                try:
                    return str(rdb.execute_sql(sql).affected_rows)
                except Exception as err:  # the portable code is the outcome
                    return getattr(getattr(err, "code", None), "name", repr(err))
            # *_ci: case and accents do not make a new key; _bin: case does
            assert outcome("INSERT INTO t (name) VALUES ('ZOE')") == "ALREADY_EXISTS"
            assert outcome("INSERT INTO t (name, code) VALUES ('x', 'ab')") == "1"
            # the identity continues after the explicit id 200, as AUTO_INCREMENT does (201 went to
            # the failed insert above, on both)
            assert rdb.execute_sql("SELECT id FROM t WHERE name = 'x'").rows == [{"id": 202}]
            # ON UPDATE CURRENT_TIMESTAMP: set by an update that does not set the column itself
            rdb.execute_sql("UPDATE t SET n = 1 WHERE id = 200")
            got = rdb.execute_sql("SELECT ts FROM t WHERE id = 200").rows[0]["ts"]
            assert not str(got).startswith("2000-01-01")
            rdb.execute_sql("UPDATE t SET n = 2, ts = '2001-01-01 00:00:00' WHERE id = 200")
            assert str(rdb.execute_sql("SELECT ts FROM t WHERE id = 200").rows[0]["ts"]).startswith("2001-01-01")
            assert outcome("INSERT INTO t (name, n) VALUES ('neg', -1)") == "1"
            assert outcome("INSERT INTO t (id, name) VALUES (-3, 'neg2')") == "INVALID_ARGUMENT"  # UNSIGNED
        if uri.startswith("postgresql"):
            with open_db(uri) as rdb, catalog_session(rdb) as s:
                assert s.query("SELECT obj_description('t'::regclass, 'pg_class'), "
                               "col_description('t'::regclass, 2)") == [("things", "display")]
