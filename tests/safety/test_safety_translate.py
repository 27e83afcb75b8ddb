"""The translation workload on the real engines: MySQL on MariaDB as written, on SQLite and
PostgreSQL as `translate(sql, read="mysql")` prints it. Every statement gives MariaDB's rows there
too (writes: leaves the table as MariaDB leaves it), or raises UnsupportedConstructError naming the
construct, as the workload says."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from _safety_engines import EngineError, as_bag, normalize_rows, require_dialect
from _translation_workload import FIXTURE_DDL, FIXTURE_ROWS, WORKLOAD

from sqlparser import SQLParserError, UnsupportedConstructError, new_parser
from sqlparser.registry import dialects_by_name

TARGETS = ("sqlite", "postgres")
# Differences that come from how SQLite stores values, not from the translation: recorded so that
# they stay visible (the test fails if one starts to agree, so the list cannot go stale).
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("SELECT CONCAT(name, ':', price) FROM items ORDER BY id", "sqlite"):
        "DECIMAL is stored as REAL on SQLite: 1.20 prints as 1.2",
}


class _Conn:
    """One engine for the workload: run a statement, or run a write and read a table back, rolled back."""

    def __init__(self, name: str, conn: Any, errors: tuple[type, ...], transactional_ddl: bool) -> None:
        self.name, self.conn, self.errors, self.transactional_ddl = name, conn, errors, transactional_ddl

    def execute(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            if self.name == "sqlite":
                return list(self.conn.execute(sql))
            cur = self.conn.cursor()
            try:
                cur.execute(sql)
                return list(cur.fetchall()) if cur.description else []
            finally:
                cur.close()
        except self.errors as err:
            if self.name != "sqlite":
                self.conn.rollback()
            raise EngineError(f"{type(err).__name__}: {err}") from None

    def begin(self) -> None:
        if self.name == "sqlite":
            self.conn.execute("BEGIN")

    def rollback(self) -> None:
        if self.name == "sqlite":
            if not self.conn.getautocommit():
                self.conn.execute("ROLLBACK")
        else:
            self.conn.rollback()

    def commit(self) -> None:
        if self.name != "sqlite":
            self.conn.commit()


def _translate(target: str, sql: str) -> str:
    return new_parser(target).translate(sql, read="mysql")


@pytest.fixture(scope="module")
def engines(request) -> Iterator[dict[str, _Conn]]:
    import apsw
    import psycopg
    import pymysql

    server = request.getfixturevalue("mariadb_server")
    admin = server.connect(database=None)
    with admin.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS translate_workload")
        cur.execute("CREATE DATABASE translate_workload")
    admin.close()
    maria = server.connect(database="translate_workload")
    with maria.cursor() as cur:
        cur.execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin")
        cur.execute("SET SESSION time_zone = '+00:00'")
        cur.execute("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'")
    conns = {"mysql": _Conn("mariadb", maria, (pymysql.MySQLError,), transactional_ddl=False)}
    registered = dialects_by_name()
    if "sqlite" in registered:
        conns["sqlite"] = _Conn("sqlite", apsw.Connection(":memory:"), (apsw.Error,), transactional_ddl=True)
    if "postgres" in registered:
        pg_server = request.getfixturevalue("pg_server")
        pg = psycopg.connect(pg_server.dsn, autocommit=True)
        pg.execute("DROP SCHEMA IF EXISTS translate_workload CASCADE")
        pg.execute("CREATE SCHEMA translate_workload")
        pg.execute("SET search_path TO translate_workload")
        pg.execute("SET TIME ZONE 'UTC'")
        pg.autocommit = False
        conns["postgres"] = _Conn("postgres", pg, (psycopg.Error,), transactional_ddl=True)
    for sql in FIXTURE_DDL + FIXTURE_ROWS:
        conns["mysql"].execute(sql)
        conns["mysql"].commit()
        for target in TARGETS:
            if target in conns:
                conns[target].execute(_translate(target, sql))
                conns[target].commit()
    yield conns
    for conn in conns.values():
        conn.conn.close()


def _is_write(sql: str) -> bool:
    return sql.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _table_of(sql: str) -> str:
    match = re.search(r"(?:INTO|UPDATE|FROM)\s+`?(\w+)`?", sql, re.IGNORECASE)
    assert match, sql
    return match.group(1)


def _outcome(conn: _Conn, sql: str, ordered: bool, original: str) -> Any:
    """Run `sql` (the statement as written for this engine); `original` (the MySQL text) says
    whether it is a write and which table it changes."""
    if sql.upper().startswith("CREATE TABLE"):
        conn.execute(sql)
        conn.commit()
        name = re.search(r"CREATE TABLE\s+(\w+)", sql, re.IGNORECASE).group(1)
        conn.execute(f"DROP TABLE {name}")
        conn.commit()
        return "created"
    if _is_write(original):
        conn.begin()
        try:
            conn.execute(sql)
            return normalize_rows(conn.execute(f"SELECT * FROM {_table_of(original)} ORDER BY id"))
        finally:
            conn.rollback()
    rows = conn.execute(sql)
    return normalize_rows(rows) if ordered else as_bag(rows)


def _params() -> list[Any]:
    return [pytest.param(sql, refusals, id=f"{i:03d}:{sql[:60]}") for i, (sql, refusals) in enumerate(WORKLOAD)]


def test_workload_size() -> None:
    assert len(WORKLOAD) >= 150


@pytest.mark.parametrize(("sql", "refusals"), _params())
def test_translation_agrees(engines: dict[str, _Conn], sql: str, refusals: dict[str, str]) -> None:
    tree = new_parser("mysql").parse(sql).tree
    ordered = tree is not None and tree.args.get("order") is not None
    reference: Any = None
    for target in TARGETS:
        require_dialect(target)
        expected_refusal = refusals.get(target)
        if expected_refusal:
            with pytest.raises(UnsupportedConstructError) as info:
                _translate(target, sql)
            assert expected_refusal.lower() in str(info.value).lower(), str(info.value)
            continue
        try:
            translated = _translate(target, sql)
        except SQLParserError as err:
            pytest.fail(f"{target}: translation refused: {err}")
        if reference is None:
            reference = _outcome(engines["mysql"], sql, ordered, sql)
        try:
            got = _outcome(engines[target], translated, ordered, sql)
        except EngineError as err:
            pytest.fail(f"{target}: {translated}\n  failed: {err}")
        known = KNOWN_DIFFERENCES.get((sql, target))
        if known:
            assert got != reference, f"known difference no longer differs ({known}); remove it from the list"
            continue
        assert got == reference, f"{target}: {translated}"


@pytest.fixture(params=TARGETS)
def target_engine(request):
    require_dialect(request.param)
    fixture = {"sqlite": "sqlite_engine", "postgres": "postgres_engine_"}[request.param]
    return request.param, request.getfixturevalue(fixture)


def test_generated_queries_translate_faithfully(request, target_engine) -> None:
    """Differential: generated statements read as MySQL, run on MariaDB as written and on the
    target translated, over the same two-tenant data, give the same rows / leave the same tables."""
    from _safety_engines import seed, statement_count
    from _safety_gen import Gen

    target, engine = target_engine
    maria = request.getfixturevalue("mariadb_engine_")
    parser = new_parser(target)
    gen = Gen(seed() + 3)
    failures, compared = [], 0
    for _ in range(statement_count(2000) // 4):
        sql = gen.statement(with_inserts=True)
        translated = parser.translate(sql, read="mysql")
        write = sql.startswith(("UPDATE", "DELETE", "INSERT"))
        outcomes = []
        for eng, text in ((maria, sql), (engine, translated)):
            try:
                if write:
                    eng.begin("full")
                    try:
                        eng.run("full", text)
                        outcomes.append(eng.snapshot("full"))
                    finally:
                        eng.rollback("full")
                else:
                    outcomes.append(as_bag(eng.run("full", text)))
            except EngineError as err:
                outcomes.append(err)
        if all(isinstance(o, EngineError) for o in outcomes):
            continue
        compared += 1
        if outcomes[0] != outcomes[1] or any(isinstance(o, EngineError) for o in outcomes):
            failures.append(f"{sql}\n  -> {translated}\n  mariadb: {str(outcomes[0])[:200]}\n"
                            f"  {target}: {str(outcomes[1])[:200]}")
    print(f"{target}: {compared} generated statements compared with MariaDB, {len(failures)} differ")
    assert not failures, "\n".join(failures[:5])
    assert compared >= 0.9 * (statement_count(2000) // 4)
