"""Folded large statements, rewritten by each dialect, run on the real engines (SQLite, PostgreSQL,
MariaDB) and return the rows of the unrewritten statement with the rewrite's filter applied by hand.

A 2,000-row INSERT gets its tenant column through `add_columns_to_insert_sql` (two tenants), then a
120,000-item IN list and a 20,000-term OR chain (SQLite: 990 terms, its parser refuses an
expression tree deeper than 1,000 for the unrewritten chain too) go through `append_sql_filter`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from sqlparser import ColumnValue, literal_runs, new_parser

ROWS = 2000
DIALECT_OF = {"sqlite": "sqlite", "postgres": "postgres", "mariadb": "mysql"}


def _insert(first: int) -> str:
    return "INSERT INTO t (a, b, c) VALUES " + ", ".join(
        f"({i}, 'name {i}', {i}.5)" for i in range(first, first + ROWS))


def _in_list(n: int, strings: bool = True) -> str:
    # Items 7 apart: a few hit rows (both tenants'), most miss. With `strings`, every third item is
    # a string ('8', '15', ...: the engines compare them as numbers).
    return "SELECT a, b, c FROM t WHERE a IN (" + ",".join(
        f"'{(i // 3) * 7 + 1}'" if strings and i % 3 == 0 else str((i // 3) * 7) for i in range(n)) + ")"


def _or_chain(n: int, digits: int = 0) -> str:
    # `digits` zeros after the point make a short chain long enough to fold (16 KB).
    fraction = "." + "0" * digits if digits else ""
    return "SELECT a, b, c FROM t WHERE c = -1 OR " + " OR ".join(f"a = {i * 3}{fraction}" for i in range(n))


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def engine(request) -> Iterator[tuple[str, Callable[[str], list[tuple[Any, ...]]]]]:
    name = request.param
    if name == "sqlite":
        conn: Any = sqlite3.connect(":memory:")

        def run(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in conn.execute(sql).fetchall()]

        run("CREATE TABLE t (a INTEGER, b VARCHAR(40), c DECIMAL(10, 1), uid VARCHAR(10))")
        yield name, run
        conn.close()
        return
    if name == "postgres":
        server = request.getfixturevalue("pg_server")
        conn = server.connect(autocommit=True)
        conn.execute("DROP TABLE IF EXISTS t")
    else:
        server = request.getfixturevalue("mariadb_server")
        conn = server.connect(max_allowed_packet=64 * 1024 * 1024)
        conn.autocommit(True)

    def run(sql: str) -> list[tuple[Any, ...]]:
        with conn.cursor() as cur:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []

    run("DROP TABLE IF EXISTS t")
    run("CREATE TABLE t (a INTEGER, b VARCHAR(40), c DECIMAL(10, 1), uid VARCHAR(10))")
    try:
        yield name, run
    finally:
        run("DROP TABLE IF EXISTS t")
        conn.close()


def _norm(rows: list[tuple[Any, ...]]) -> list[tuple[int, str, Decimal]]:
    return sorted((int(a), str(b), Decimal(str(c)).quantize(Decimal("0.1"))) for a, b, c in rows)


def test_large_statements_on_the_engine(engine) -> None:
    _check(engine, or_terms=4000 if engine[0] == "mariadb" else 20_000)


@pytest.mark.slow
def test_large_statements_on_the_engine_full_size(engine) -> None:
    _check(engine, or_terms=20_000)


def _check(engine, *, or_terms: int) -> None:
    # MariaDB's range optimizer takes most of 20 s over a 20,000-term OR chain (its own cost, the
    # same for the unrewritten chain): the default run gives it 4,000 terms, `slow` the full chain.
    name, run = engine
    parser = new_parser(DIALECT_OF[name])
    for first, tenant in ((0, "u1"), (ROWS, "u2")):
        sql = _insert(first)
        assert literal_runs.fold_stats(parser.compile(sql).tree)["rows"] == 1
        rewritten, _ = parser.add_columns_to_insert_sql(sql, [ColumnValue("uid", tenant)])
        run(rewritten)
    assert run("SELECT uid, COUNT(*) FROM t GROUP BY uid ORDER BY uid") == [("u1", ROWS), ("u2", ROWS)]
    mine = {int(r[0]) for r in run("SELECT a FROM t WHERE uid = 'u1'")}
    assert mine == set(range(ROWS))

    or_chain = _or_chain(990, 12) if name == "sqlite" else _or_chain(or_terms)
    # MariaDB compares a mixed list item by item (no binary search): 3 s a run at 120,000 items.
    in_list = _in_list(120_000, strings=name != "mariadb" or or_terms == 20_000)
    for sql in (in_list, or_chain):
        assert literal_runs.fold_stats(parser.compile(sql).tree)["runs"] == 1
        rewritten = parser.append_sql_filter(sql, "AND", "uid = 'u1'")
        got = _norm(run(rewritten))
        # By hand: the unrewritten statement's rows, kept where uid = 'u1'.
        everything = run(sql)
        expected = _norm([r for r in everything if int(r[0]) in mine])
        assert got == expected
        assert 0 < len(got) < len(_norm(everything))
