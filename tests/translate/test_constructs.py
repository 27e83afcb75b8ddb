"""The constructs issue 10 names, in every direction they apply to, on the real engines: each case
runs on its source engine as written and on each target as translated (with the fixture's schema),
over the same rows, and must give the same rows (a write: leave the table the same), or be refused
with a named UnsupportedConstructError whose text the case gives.

The fixture has NULLs (NULL ordering, || and CONCAT), a TEXT column holding numbers (implicit
conversions), ISO dates stored as text, short names (negative SUBSTR) and a table whose names need
quotes in mixed case (identifier case).
"""

from __future__ import annotations

import datetime as _dt
import decimal
from collections.abc import Iterator
from typing import Any

import pytest

from sqlparser import UnsupportedConstructError, new_parser

DIALECTS = ("mysql", "sqlite", "postgres")

_DDL = {
    "mysql": ["CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), qty INT, price DOUBLE, code VARCHAR(10), "
              "day VARCHAR(10)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
              "CREATE TABLE `MixedCase` (`aCL IgA` INT, `Val` VARCHAR(5)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"],
    "sqlite": ["CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL, code TEXT, day TEXT)",
               'CREATE TABLE "MixedCase" ("aCL IgA" INTEGER, "Val" TEXT)'],
    "postgres": ["CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price DOUBLE PRECISION, code TEXT, "
                 "day TEXT)", 'CREATE TABLE "MixedCase" ("aCL IgA" INTEGER, "Val" TEXT)'],
}
_ROWS = [(1, "apple", 10, 1.5, "2003", "2024-01-31"), (2, "fig", 0, 4.25, "2004", "2023-12-31"),
         (3, None, 7, 2.0, "17", "2022-02-28"), (4, "kiwi", 9, 0.5, None, None),
         (5, "ab", 3, 3.75, "2003", "2024-03-15"), (6, "Zed", None, None, "9", "2021-07-04")]
_MIXED = [(1, "x"), (2, None)]

SCHEMA = {
    "mysql": {"t": {"id": "INT PRIMARY KEY", "name": "VARCHAR(20)", "qty": "INT", "price": "DOUBLE",
                    "code": "VARCHAR(10)", "day": "VARCHAR(10)"}, "MixedCase": {"aCL IgA": "INT", "Val": "VARCHAR(5)"}},
    "sqlite": {"t": {"id": "INTEGER PRIMARY KEY", "name": "TEXT", "qty": "INTEGER", "price": "REAL", "code": "TEXT",
                     "day": "TEXT"}, "MixedCase": {"aCL IgA": "INTEGER", "Val": "TEXT"}},
    "postgres": {"t": {"id": "integer PRIMARY KEY", "name": "text", "qty": "integer", "price": "double precision",
                       "code": "text", "day": "text"}, "MixedCase": {"aCL IgA": "integer", "Val": "text"}},
}

M, S, P = "mysql", "sqlite", "postgres"

# (source, sql, {target: refusal text}); targets not named must give the source's rows.
CASES: list[tuple[str, str, dict[str, str]]] = [
    # UPDATE / DELETE with ORDER BY / LIMIT
    (M, "UPDATE t SET qty = qty + 1 WHERE id = 3 LIMIT 1", {}),
    (M, "DELETE FROM t ORDER BY id LIMIT 2", {}),
    (M, "UPDATE t SET qty = 0 ORDER BY price DESC, id LIMIT 2", {}),
    (M, "DELETE FROM t WHERE qty > 0 ORDER BY qty, id DESC LIMIT 1", {}),
    (M, "DELETE FROM t ORDER BY qty LIMIT 2",
     {S: "not determined by the ORDER BY", P: "not determined by the ORDER BY"}),
    (M, "UPDATE t SET qty = 1 LIMIT 1", {S: "UPDATE ... LIMIT", P: "UPDATE ... LIMIT"}),
    # select-list aliases in HAVING / ORDER BY expressions (PostgreSQL sees neither)
    (M, "SELECT code, SUM(qty) AS total FROM t GROUP BY code HAVING total > 5", {}),
    (S, "SELECT code, SUM(qty) AS total FROM t GROUP BY code HAVING total > 5", {}),
    (S, "SELECT code, COUNT(*) AS n FROM t GROUP BY code ORDER BY n + 0 DESC, code", {}),
    # MySQL's implicit string <-> number conversions
    (M, "SELECT id FROM t WHERE qty > '5' ORDER BY id", {}),
    (M, "SELECT id FROM t WHERE code = 2003", {S: "compares a text column with a number",
                                                P: "compares a text column with a number"}),
    (M, "SELECT id FROM t WHERE DATE_FORMAT(day, '%Y') - DATE_FORMAT('2006-01-01', '%Y') < '18' ORDER BY id", {}),
    (M, "SELECT AVG(code) FROM t", {P: "AVG of text"}),
    # SQLite's type affinity and "double-quoted strings"
    (S, "SELECT id FROM t WHERE code = 2003 ORDER BY id", {}),
    (S, "SELECT id FROM t WHERE qty = '10'", {}),
    (S, 'SELECT id FROM t WHERE name = "apple"', {}),
    (S, "SELECT id FROM t WHERE code > qty", {M: "compares text with a number", P: "compares text with a number"}),
    (S, "SELECT a.id, b.id FROM t a JOIN t b ON a.code = b.qty WHERE a.qty = b.code", {}),
    (S, "SELECT a.id FROM t a WHERE NOT (a.code = a.qty)", {M: "compares text with a number",
                                                            P: "compares text with a number"}),
    (S, "SELECT strftime('%Y', day) - 2000, strftime('%Y-%m', day) FROM t ORDER BY id", {}),
    (S, "SELECT id FROM t WHERE strftime('%Y', day) = 2024", {M: "comparison", P: "comparison"}),
    (S, "SELECT AVG(code), AVG(name) FROM t", {}),
    (S, "SELECT SUM(code) FROM t", {P: "SUM of text"}),
    # permissive GROUP BY
    (M, "SELECT code, name, COUNT(*) FROM t GROUP BY code", {S: "not in GROUP BY", P: "not in GROUP BY"}),
    (S, "SELECT code, name, COUNT(*) FROM t GROUP BY code", {M: "not in GROUP BY", P: "not in GROUP BY"}),
    (S, "SELECT name, MAX(qty) FROM t", {M: "not in GROUP BY", P: "not in GROUP BY"}),
    (S, "SELECT id, name, COUNT(*) FROM t GROUP BY id", {}),
    (M, "SELECT t1.id, t1.name, COUNT(*) FROM t t1 JOIN t t2 ON t2.qty >= t1.qty GROUP BY t1.id", {}),
    # constant negative SUBSTR
    (M, "SELECT id, SUBSTRING(name, -2), SUBSTRING(name, -3, 2) FROM t ORDER BY id", {}),
    (S, "SELECT id, substr(name, -2) FROM t ORDER BY id", {}),
    (S, "SELECT substr(name, 0, 2) FROM t", {M: "non-positive position", P: "non-positive position"}),
    # identifier case: a quoted name keeps its case
    (M, "SELECT `aCL IgA`, `Val` FROM `MixedCase` ORDER BY `aCL IgA`", {}),
    (S, 'SELECT "aCL IgA", "Val" FROM "MixedCase" ORDER BY 1', {}),
    (P, 'SELECT "aCL IgA", "Val" FROM "MixedCase" ORDER BY 1', {}),
    # booleans
    (M, "SELECT id, qty > 5, TRUE, NOT qty FROM t ORDER BY id", {}),
    (P, "SELECT id, qty > 5, TRUE FROM t ORDER BY id", {}),
    (S, "SELECT SUM(qty > 5) FROM t", {}),
    # integer division
    (S, "SELECT id, qty / 4, qty / 4.0, -qty / 4 FROM t ORDER BY id", {}),
    (P, "SELECT id, qty / 4, qty / 4.0, -qty / 4 FROM t ORDER BY id", {}),
    (M, "SELECT id, qty DIV 4 FROM t ORDER BY id", {}),
    (S, "SELECT price / qty FROM t", {}),
    (S, "SELECT code / 2 FROM t", {M: "division", P: "division"}),
    # string concatenation (NULL makes NULL everywhere)
    (S, "SELECT id, name || '-' || qty FROM t ORDER BY id", {}),
    (P, "SELECT id, name || '-' || qty FROM t ORDER BY id", {}),
    (M, "SELECT id, CONCAT(name, '-', qty) FROM t ORDER BY id", {}),
    (S, "SELECT name || price FROM t", {M: "print differently", P: "print differently"}),
    # NULL ordering: MySQL and SQLite put NULLs first ascending, PostgreSQL last
    (M, "SELECT name FROM t ORDER BY name", {}),
    (S, "SELECT name FROM t ORDER BY name DESC", {}),
    (P, "SELECT name FROM t ORDER BY name", {}),
    (P, "SELECT name FROM t ORDER BY name NULLS FIRST", {}),
    # LIMIT / OFFSET forms
    (M, "SELECT id FROM t ORDER BY id LIMIT 1, 2", {}),
    (S, "SELECT id FROM t ORDER BY id LIMIT 2 OFFSET 1", {}),
    (S, "SELECT id FROM t ORDER BY id LIMIT 1, 2", {}),
    (P, "SELECT id FROM t ORDER BY id LIMIT 2 OFFSET 1", {}),
    # LIKE: SQLite ignores ASCII case, PostgreSQL's ILIKE too
    (S, "SELECT id FROM t WHERE name LIKE 'A%' ORDER BY id", {}),
    (P, "SELECT id FROM t WHERE name ILIKE 'A%' ORDER BY id", {}),
    (P, "SELECT id FROM t WHERE name LIKE 'a%' ORDER BY id", {}),
    # letter case: SQLite and PostgreSQL (C locale) change ASCII letters only
    (S, "SELECT id, upper(name) FROM t ORDER BY id", {M: "ASCII letters only"}),
    (P, "SELECT id, lower(name) FROM t ORDER BY id", {M: "ASCII letters only"}),
    # date arithmetic
    (M, "SELECT id, DATE_ADD(day, INTERVAL 1 MONTH) FROM t ORDER BY id", {P: "date arithmetic on a text column"}),
    (M, "SELECT id, DATE_ADD(CAST(day AS DATE), INTERVAL 1 MONTH) FROM t ORDER BY id", {}),
    (S, "SELECT date(day, '+1 day') FROM t", {M: "no faithful translation", P: "no faithful translation"}),
    # GROUP_CONCAT / string_agg
    (M, "SELECT code, GROUP_CONCAT(name ORDER BY id SEPARATOR ';') FROM t GROUP BY code", {}),
    (S, "SELECT group_concat(name) FROM t", {M: "unspecified", P: "unspecified"}),
    (P, "SELECT code, string_agg(name, ';' ORDER BY id DESC) FROM t GROUP BY code", {}),
    (P, "SELECT string_agg(name, ';') FROM t", {M: "without ORDER BY", S: "without ORDER BY"}),
    # JSON extraction
    (M, "SELECT JSON_EXTRACT('{\"a\": 1}', '$.a')", {S: "JSON", P: "JSON"}),
]


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (decimal.Decimal, float)):
        f = float(value)
        return int(f) if f.is_integer() else round(f, 4)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10] if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime) \
            else value.isoformat(sep=" ")
    return value


def _rows(rows: Any, ordered: bool) -> list[tuple[Any, ...]]:
    out = [tuple(_norm(v) for v in row) for row in rows]
    return out if ordered else sorted(out, key=repr)


class _Engine:
    def __init__(self, dialect: str, conn: Any, errors: tuple[type, ...]) -> None:
        self.dialect, self.conn, self.errors = dialect, conn, errors

    def run(self, sql: str, *, write_table: str | None = None) -> list[tuple[Any, ...]]:
        """Rows of `sql`; for a write, the table afterwards (the change rolled back)."""
        if self.dialect == "sqlite":
            self.conn.execute("BEGIN")
            try:
                rows = list(self.conn.execute(sql))
                if write_table:
                    rows = list(self.conn.execute(f"SELECT * FROM {write_table} ORDER BY id"))
                return rows
            finally:
                self.conn.execute("ROLLBACK")
        cur = self.conn.cursor()
        try:
            cur.execute(sql.replace("%", "%%") if self.dialect == "postgres" else sql)
            rows = list(cur.fetchall()) if cur.description else []
            if write_table:
                cur.execute(f"SELECT * FROM {write_table} ORDER BY id")
                rows = list(cur.fetchall())
            return rows
        finally:
            cur.close()
            self.conn.rollback()


@pytest.fixture(scope="module")
def engines(request) -> Iterator[dict[str, _Engine]]:
    import apsw
    import psycopg
    import pymysql

    lite = apsw.Connection(":memory:")
    for stmt in _DDL["sqlite"]:
        lite.execute(stmt)
    lite.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", _ROWS)
    lite.executemany('INSERT INTO "MixedCase" VALUES (?, ?)', _MIXED)

    pg_server = request.getfixturevalue("pg_server")
    pg = psycopg.connect(pg_server.dsn, autocommit=True)
    pg.execute("DROP SCHEMA IF EXISTS translate_constructs CASCADE")
    pg.execute("CREATE SCHEMA translate_constructs")
    pg.execute("SET search_path TO translate_constructs")
    for stmt in _DDL["postgres"]:
        pg.execute(stmt)
    with pg.cursor() as cur:
        cur.executemany("INSERT INTO t VALUES (%s, %s, %s, %s, %s, %s)", _ROWS)
        cur.executemany('INSERT INTO "MixedCase" VALUES (%s, %s)', _MIXED)
    pg.autocommit = False

    maria_server = request.getfixturevalue("mariadb_server")
    admin = maria_server.connect(database=None)
    with admin.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS translate_constructs")
        cur.execute("CREATE DATABASE translate_constructs CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    admin.close()
    maria = maria_server.connect(database="translate_constructs")
    with maria.cursor() as cur:
        cur.execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin")
        cur.execute("SET SESSION time_zone = '+00:00'")
        for stmt in _DDL["mysql"]:
            cur.execute(stmt)
        cur.executemany("INSERT INTO t VALUES (%s, %s, %s, %s, %s, %s)", _ROWS)
        cur.executemany("INSERT INTO `MixedCase` VALUES (%s, %s)", _MIXED)
    maria.commit()
    yield {"sqlite": _Engine("sqlite", lite, (apsw.Error,)), "postgres": _Engine("postgres", pg, (psycopg.Error,)),
           "mysql": _Engine("mysql", maria, (pymysql.MySQLError,))}
    lite.close()
    pg.close()
    maria.close()


def _params() -> list[Any]:
    return [pytest.param(source, sql, refusals, id=f"{i:02d}:{source}:{sql[:50]}")
            for i, (source, sql, refusals) in enumerate(CASES)]


@pytest.mark.parametrize(("source", "sql", "refusals"), _params())
def test_construct(engines: dict[str, _Engine], source: str, sql: str, refusals: dict[str, str]) -> None:
    tree = new_parser(source).parse(sql).tree
    ordered = tree is not None and tree.args.get("order") is not None
    write_table = "t" if sql.split(None, 1)[0].upper() in ("UPDATE", "DELETE") else None
    expected = _rows(engines[source].run(sql, write_table=write_table), ordered or write_table is not None)
    for target in DIALECTS:
        if target == source:
            continue
        if target in refusals:
            with pytest.raises(UnsupportedConstructError) as info:
                new_parser(target).translate(sql, read=source, schema=SCHEMA[source])
            assert refusals[target].lower() in str(info.value).lower(), f"{target}: {info.value}"
            continue
        translated = new_parser(target).translate(sql, read=source, schema=SCHEMA[source])
        try:
            got = engines[target].run(translated, write_table=write_table)
        except engines[target].errors as err:
            pytest.fail(f"{source}->{target}: {translated}\n  rejected: {err}")
        assert _rows(got, ordered or write_table is not None) == expected, f"{source}->{target}: {translated}"


def test_type_dependent_constructs_need_a_schema() -> None:
    # Without a schema a construct whose meaning depends on an unseen type is a named error.
    with pytest.raises(UnsupportedConstructError, match="schema="):
        new_parser("mysql").translate("SELECT a / b FROM t", read="sqlite")
    with pytest.raises(UnsupportedConstructError, match="schema="):
        new_parser("postgres").translate("UPDATE t SET a = 1 ORDER BY id LIMIT 1", read="mysql")
    with pytest.raises(UnsupportedConstructError, match="schema="):
        new_parser("postgres").translate('SELECT a FROM t WHERE b = "x"', read="sqlite")
    # ... while literals and functions with known result types need none.
    out = new_parser("mysql").translate("SELECT 7 / 2, 'a' || 'b'", read="sqlite")
    assert out == "SELECT 7 DIV 2, CONCAT('a', 'b')"


@pytest.mark.parametrize("target", ["sqlite", "postgres"])
def test_mysql_window_null_treatment_and_from_last_are_refused(target: str) -> None:
    # MySQL 8's grammar has them; neither target does, and dropping them would pick another row.
    # (MariaDB, the test engine, lacks them too, so no engine run: the refusal is the behaviour.)
    parser = new_parser(target)
    with pytest.raises(UnsupportedConstructError, match="FROM LAST"):
        parser.translate("SELECT NTH_VALUE(a, 2) FROM LAST OVER (ORDER BY b) FROM t", read="mysql")
    with pytest.raises(UnsupportedConstructError, match="IGNORE NULLS"):
        parser.translate("SELECT LAG(a) IGNORE NULLS OVER (ORDER BY b) FROM t", read="mysql")
    # The defaults (FROM FIRST, RESPECT NULLS) are the targets' only behaviour: kept.
    out = parser.translate("SELECT NTH_VALUE(a, 2) FROM FIRST RESPECT NULLS OVER (ORDER BY b) FROM t", read="mysql")
    assert "NTH_VALUE(a, 2) OVER" in out


@pytest.mark.parametrize("target", ["sqlite", "postgres"])
def test_a_call_without_its_required_arguments_is_refused_by_name(target: str) -> None:
    # MySQL's grammar takes `WEEK()`; the engine refuses the call at run time (wrong parameter
    # count). The translation used to fail inside the WEEK rewrite with an internal error.
    with pytest.raises(UnsupportedConstructError, match=r"WEEK\(\) without its required arguments"):
        new_parser(target).translate("SELECT WEEK()", read="mysql")


def test_a_refusal_logs_no_sqlglot_warnings(caplog: pytest.LogCaptureFixture) -> None:
    # Naming the refused function prints it the MySQL way; an array argument made sqlglot log
    # "Arrays are not supported by MySQL" through the root logger (stderr in a plain app).
    with caplog.at_level("WARNING"), pytest.raises(UnsupportedConstructError):
        new_parser("mysql").translate("SELECT array_length(ARRAY[1, 2], 1)", read="postgres")
    assert not [r for r in caplog.records if r.name.startswith("sqlglot")]
