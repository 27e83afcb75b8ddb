"""Differential test on a real MariaDB server: the MySQL front end plus the native printer keep
each corpus statement's meaning.

For every valid row of shared/corpus/mysql.jsonl that the front end accepts with a tree, the
statement runs twice on MariaDB, as written and as printed in native style
(`new_parser("mysql", portable_names=False).render(tree)`), and the outcomes must match:

- SELECT: the same rows (in order when the statement has a top-level ORDER BY, else as a multiset);
- CREATE TABLE / CREATE INDEX / ALTER TABLE: the same `SHOW CREATE TABLE` of every table, run in a scratch
  database holding copies of the fixture tables the statement names;
- INSERT / UPDATE / DELETE: the same affected-row count and table contents, in a transaction that
  is rolled back;
- an error on one side only, or different error codes, is a difference too.

Statements MariaDB rejects in both forms (MySQL 8 syntax MariaDB lacks, unknown tables or columns)
are skipped and counted. The fixture schema is derived from the corpus itself: every table a
statement names gets the columns the statement uses with it (unqualified columns go to the
statement's first table), all INT, with a few rows. sqllogictest rows (tab0..tab4) get their
own tables with SLT-like columns (pk, col0..col5).

Two smaller checks run on the same server: hand-picked statements, one per meaning change fixed in
the front end or the printer (MEANING_CASES, each must run and agree), and every function name
sqlglot's MySQL parser maps, called with a set of argument lists (CALL_ARGUMENTS).

A difference is a finding: fix the front end or the printer, or make the front end refuse the
construct. The ones left are listed with their reason in mariadb_known_differences.json; the test
fails on an unlisted difference and on a listed row that now agrees.

Runs on the throw-away server of tests/engines (skips without MariaDB unless
COZELITE_REQUIRE_ENGINES=1), on one connection. Counts are printed with -s:
``python -m pytest tests/mysql/test_mariadb_roundtrip.py -q -s``.
Regenerate the list after an intentional change (review the diff):
``COZELITE_UPDATE_DIFFERENCES=1 python -m pytest tests/mysql/test_mariadb_roundtrip.py -q``.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlglot import exp

from sqlparser import SQLParser, SQLParserError, new_parser
from tests.corpus._corpus import load_corpus

DIFFERENCES_FILE = Path(__file__).with_name("mariadb_known_differences.json")
FIXTURE_DB = "cz_roundtrip"
SCRATCH_DB = "cz_roundtrip_scratch"
SLT_SOURCE = "sqllogictest-onlyif-mysql"
ROWS_PER_TABLE = 4

NONDETERMINISTIC = re.compile(
    r"(?i)\b(rand|uuid|uuid_short|now|sysdate|curtime|curdate|current_date|current_time|current_timestamp|localtime|"
    r"localtimestamp|utc_date|utc_time|utc_timestamp|unix_timestamp|connection_id|last_insert_id|row_count|"
    r"found_rows|sleep|benchmark|get_lock|release_lock|is_free_lock|is_used_lock|master_pos_wait|"
    r"release_all_locks|random_bytes|statement_digest)\b")
"""Calls whose value differs between two runs: such statements are not compared."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


# -- the statements ---------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    sql: str
    printed: str
    kind: str
    tree: exp.Expression


def _cases(source: str) -> tuple[list[Case], Counter]:
    parser = new_parser("mysql", portable_names=False)
    cases: list[Case] = []
    counts: Counter = Counter()
    for row in load_corpus("mysql"):
        if not row["syntax_ok"] or (row["label_source"] == SLT_SOURCE) != (source == SLT_SOURCE):
            continue
        if row["kind"] not in ("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER"):
            continue
        try:
            stmt = parser.parse(row["sql"])
        except SQLParserError:
            counts["front end rejects"] += 1
            continue
        if stmt.tree is None:
            counts["no tree (unsupported construct)"] += 1
            continue
        try:
            printed = parser.render(stmt.tree)
        except SQLParserError:
            counts["printer refuses"] += 1
            continue
        if row["kind"] in ("CREATE", "ALTER") and not _is_table_ddl(stmt.tree):
            counts["not table DDL"] += 1
            continue
        if row["kind"] not in ("CREATE", "ALTER") and NONDETERMINISTIC.search(row["sql"]):
            # (a table definition naming CURRENT_TIMESTAMP is still the same definition each time)
            counts["nondeterministic"] += 1
            continue
        cases.append(Case(row["id"], row["sql"], printed, row["kind"], stmt.tree))
    return cases, counts


def _is_table_ddl(tree: exp.Expression) -> bool:
    if isinstance(tree, exp.Create):
        # CREATE INDEX is compared through SHOW CREATE TABLE of its table.
        return str(tree.args.get("kind") or "").upper() in ("TABLE", "INDEX")
    return isinstance(tree, exp.Alter) and str(tree.args.get("kind") or "").upper() == "TABLE"


# -- the fixture schema -------------------------------------------------------------------------------


def _schema(cases: list[Case]) -> dict[str, list[str]]:
    """Table -> columns, from the names the statements use (see the module docstring)."""
    tables: dict[str, dict[str, None]] = {}
    for case in cases:
        ctes = {cte.alias_or_name.lower() for cte in case.tree.find_all(exp.CTE)}
        aliases: dict[str, str] = {}
        first: str | None = None
        for table in case.tree.find_all(exp.Table):
            name = table.name
            if not _NAME.fullmatch(name) or name.lower() in ctes or name.lower() == "dual" or table.args.get("db"):
                continue
            tables.setdefault(name, {})
            first = first or name
            aliases[(table.alias or name).lower()] = name
        if first is None:
            continue
        for column in case.tree.find_all(exp.Column):
            if not _NAME.fullmatch(column.name):
                continue
            owner = aliases.get(column.table.lower(), None) if column.table else first
            if owner is not None:
                tables[owner].setdefault(column.name, None)
        target = case.tree.this if isinstance(case.tree, exp.Insert) else None
        if isinstance(target, exp.Schema) and isinstance(target.this, exp.Table):
            owner = aliases.get(target.this.name.lower())
            for ident in target.expressions:
                if owner is not None and isinstance(ident, exp.Identifier) and _NAME.fullmatch(ident.name):
                    tables[owner].setdefault(ident.name, None)
        for column_def in case.tree.find_all(exp.ColumnDef):
            # ALTER TABLE ... CHANGE / MODIFY / DROP name columns the fixture table must have.
            if isinstance(case.tree, exp.Alter) and _NAME.fullmatch(column_def.name):
                tables[first].setdefault(column_def.name, None)
    schema: dict[str, list[str]] = {}
    for name, columns in tables.items():
        # MariaDB folds table names to lower case on some systems: keep one table per folded name.
        if any(existing.lower() == name.lower() for existing in schema):
            continue
        unique: dict[str, None] = {}
        for col in columns:
            if col.lower() not in {u.lower() for u in unique}:
                unique[col] = None
        schema[name] = list(unique) or ["id"]
    return schema


def _table_ddl(name: str, columns: list[str], database: str) -> list[str]:
    cols = ", ".join(f"`{c}` INT NULL" for c in columns)
    statements = [f"DROP TABLE IF EXISTS `{database}`.`{name}`",
                  f"CREATE TABLE `{database}`.`{name}` ({cols}) ENGINE=InnoDB"]
    rows = []
    for r in range(ROWS_PER_TABLE):
        values = ["NULL" if (r + i) % 4 == 3 else str((r * (i + 2)) % 7 - 1) for i in range(len(columns))]
        rows.append(f"({', '.join(values)})")
    statements.append(f"INSERT INTO `{database}`.`{name}` VALUES {', '.join(rows)}")
    return statements


SLT_TABLES = {f"tab{i}": None for i in range(5)}
SLT_COLUMNS = "pk INT PRIMARY KEY, col0 INT, col1 INT, col2 INT, col3 INT, col4 DOUBLE, col5 VARCHAR(20)"


def _slt_ddl(database: str) -> list[str]:
    statements = []
    for t, name in enumerate(SLT_TABLES):
        statements.append(f"DROP TABLE IF EXISTS `{database}`.`{name}`")
        statements.append(f"CREATE TABLE `{database}`.`{name}` ({SLT_COLUMNS}) ENGINE=InnoDB")
        rows = []
        for r in range(6):
            v = [(r * 37 + t * 11 + k * 13) % 100 - 10 for k in range(5)]
            if r == 5:
                rows.append(f"({r}, NULL, {v[1]}, NULL, {v[3]}, NULL, NULL)")
            else:
                rows.append(f"({r}, {v[0]}, {v[1]}, {v[2]}, {v[3]}, {v[4] / 4}, 'w{v[0]}')")
        statements.append(f"INSERT INTO `{database}`.`{name}` VALUES {', '.join(rows)}")
    return statements


# -- running --------------------------------------------------------------------------------------------


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    differences: dict[str, dict[str, str]] = field(default_factory=dict)


def _value(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 9)
    if isinstance(v, Decimal):
        return str(v)
    return v


def _execute(cur, sql: str) -> tuple[str, Any]:
    try:
        cur.execute(sql)
        rows = cur.fetchall() if cur.description else ()
    except Exception as err:  # any driver error is an outcome to compare
        code = err.args[0] if err.args and isinstance(err.args[0], int) else type(err).__name__
        return "error", code
    return "ok", (cur.rowcount, [tuple(_value(v) for v in row) for row in rows])


def _reprinted(parser: SQLParser, sql: str) -> str:
    """`sql` parsed and printed back by `parser` (which must keep a tree for it)."""
    tree = parser.parse(sql).tree
    assert tree is not None, sql
    return parser.render(tree)


def _has_order(tree: exp.Expression) -> bool:
    return isinstance(tree, exp.Query) and tree.args.get("order") is not None


def _select_outcome(cur, sql: str, ordered: bool) -> tuple[str, Any]:
    status, result = _execute(cur, sql)
    if status == "ok":
        _, rows = result
        return status, (rows if ordered else sorted(rows, key=repr))
    return status, result


def _table_names(tree: exp.Expression, known: dict[str, Any]) -> list[str]:
    folded = {k.lower(): k for k in known}
    names = []
    for table in tree.find_all(exp.Table):
        name = folded.get(table.name.lower())
        if name is not None and name not in names and not table.args.get("db"):
            names.append(name)
    return names


def _dml_outcome(conn, sql: str, tables: list[str]) -> tuple[str, Any]:
    cur = conn.cursor()
    conn.begin()
    try:
        status, result = _execute(cur, sql)
        if status != "ok":
            return status, result
        contents = {}
        for name in tables:
            cur.execute(f"SELECT * FROM `{name}`")
            contents[name] = sorted((tuple(_value(v) for v in row) for row in cur.fetchall()), key=repr)
        return status, (result[0], contents)
    finally:
        conn.rollback()


def _ddl_outcome(cur, sql: str, copies: list[str], target: str | None) -> tuple[str, Any]:
    cur.execute(f"DROP DATABASE IF EXISTS `{SCRATCH_DB}`")
    cur.execute(f"CREATE DATABASE `{SCRATCH_DB}`")
    cur.execute(f"USE `{SCRATCH_DB}`")
    try:
        for name in copies:
            cur.execute(f"CREATE TABLE `{name}` LIKE `{FIXTURE_DB}`.`{name}`")
            cur.execute(f"INSERT INTO `{name}` SELECT * FROM `{FIXTURE_DB}`.`{name}`")
        status, result = _execute(cur, sql)
        if status != "ok":
            return status, result
        cur.execute("SHOW TABLES")
        names = sorted(row[0] for row in cur.fetchall())
        if target and target not in names:
            names.append(target)  # a TEMPORARY table is not listed
        shapes = {}
        for name in names:
            shapes[name] = _execute(cur, f"SHOW CREATE TABLE `{name}`")
        return status, shapes
    finally:
        if target:
            cur.execute(f"DROP TEMPORARY TABLE IF EXISTS `{target}`")
        cur.execute(f"USE `{FIXTURE_DB}`")


def _ddl_target(tree: exp.Expression) -> exp.Table | None:
    target = tree.this
    if isinstance(target, exp.Schema):
        target = target.this
    return target if isinstance(target, exp.Table) else None


def _run(conn, cases: list[Case], schema: dict[str, list[str]], tally: Tally) -> None:
    cur = conn.cursor()
    for case in cases:
        if case.printed == case.sql:
            tally.counts["identical text"] += 1
            continue
        if case.kind == "SELECT":
            ordered = _has_order(case.tree)
            before = _select_outcome(cur, case.sql, ordered)
            after = _select_outcome(cur, case.printed, ordered)
        elif case.kind in ("INSERT", "UPDATE", "DELETE"):
            tables = _table_names(case.tree, schema)
            before = _dml_outcome(conn, case.sql, tables)
            after = _dml_outcome(conn, case.printed, tables)
        else:
            target = _ddl_target(case.tree)
            target_name = target.name if target is not None and not target.args.get("db") else None
            copies = [n for n in _table_names(case.tree, schema)
                      if isinstance(case.tree, exp.Alter) or n.lower() != (target_name or "").lower()]
            before = _ddl_outcome(cur, case.sql, copies, target_name)
            after = _ddl_outcome(cur, case.printed, copies, target_name)
        tally.counts["run"] += 1
        if before[0] == "error" and after[0] == "error":
            # MySQL 8 syntax MariaDB lacks, or names the fixture does not have: nothing to compare.
            tally.counts["skipped: MariaDB rejects both"] += 1
            if before[1] != after[1]:
                tally.counts["  of which with different error codes"] += 1
        elif before == after:
            tally.counts["equal"] += 1
        else:
            tally.counts["different"] += 1
            tally.differences[case.id] = {"sql": case.sql, "printed": case.printed,
                                          "original": _short(before), "printed_outcome": _short(after)}


def _short(outcome: tuple[str, Any]) -> str:
    text = repr(outcome)
    return text if len(text) <= 300 else text[:300] + "..."


@pytest.fixture(scope="module")
def conn(mariadb_server) -> Iterator[Any]:
    connection = mariadb_server.connect(database=None)
    connection.autocommit(True)
    with connection.cursor() as cur:
        for db in (FIXTURE_DB, SCRATCH_DB):
            cur.execute(f"DROP DATABASE IF EXISTS `{db}`")
        cur.execute(f"CREATE DATABASE `{FIXTURE_DB}`")
        cur.execute(f"USE `{FIXTURE_DB}`")
        # A statement that runs away must not hold the suite up (seconds).
        cur.execute("SET SESSION max_statement_time = 5")
    yield connection
    with connection.cursor() as cur:
        for db in (FIXTURE_DB, SCRATCH_DB):
            cur.execute(f"DROP DATABASE IF EXISTS `{db}`")
    connection.close()


def _known() -> dict[str, dict[str, str]]:
    return json.loads(DIFFERENCES_FILE.read_text(encoding="utf-8"))["differences"]


def _check(source: str, tally: Tally, skipped: Counter) -> None:
    counts = {**skipped, **tally.counts}
    print(f"\nMariaDB round trip ({source}): " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    known = _known()
    mine = {k: v for k, v in known.items() if (v.get("source") == SLT_SOURCE) == (source == SLT_SOURCE)}
    if os.environ.get("COZELITE_UPDATE_DIFFERENCES") == "1":
        _update(source, tally, known)
        return
    new = {k: v for k, v in tally.differences.items() if k not in mine}
    assert not new, "statements whose printed form means something else on MariaDB:\n" + "\n".join(
        f"{k}: {v['sql']!r}\n   printed {v['printed']!r}\n   {v['original']}\n   {v['printed_outcome']}"
        for k, v in new.items())
    agree = [k for k in mine if k not in tally.differences]
    assert not agree, f"listed differences that now agree; remove them from {DIFFERENCES_FILE.name}: {agree}"


_REASONS = [  # (sql regex, reason): the first match explains a difference when the list is regenerated
    (r"(?i)cast\(.* as real\)", "MariaDB has no CAST(... AS REAL); MySQL 8 reads it as DOUBLE (REAL_AS_FLOAT off), "
                                 "which is what the printed form says"),
    (r"(?i)json_(array|object)agg\(.*\ball\b", "MariaDB does not take ALL before JSON_ARRAYAGG / JSON_OBJECTAGG "
                                               "arguments; in MySQL 8 it is a no-op there, as printed"),
    (r"->", "MariaDB has no -> operator; MySQL 8 defines a->'$.p' as JSON_EXTRACT(a, '$.p'), as printed"),
    (r"(?i)force auto_increment", "MariaDB needs a comma between FORCE and a table option; MySQL 8 reads the "
                                  "space-separated list as the printed comma-separated one"),
    (r"(?i)over \(\w+\)", "MariaDB has no parenthesized window reference OVER (w); in MySQL 8 OVER (w) without "
                          "other clauses is OVER w, as printed"),
    (r"(?i)\bfor share$", "MariaDB has no FOR SHARE; MySQL 8 reads it as LOCK IN SHARE MODE, which the native "
                          "printer emits because both servers read it"),
    (r"(?i)(^|\(|\s)table \w+", "MariaDB has no TABLE statement; MySQL 8 defines TABLE t as SELECT * FROM t, "
                                 "as printed"),
]


def _update(source: str, tally: Tally, known: dict[str, dict[str, str]]) -> None:
    kept = {k: v for k, v in known.items() if (v.get("source") == SLT_SOURCE) != (source == SLT_SOURCE)}
    for k, v in tally.differences.items():
        reason = next((r for pattern, r in _REASONS if re.search(pattern, v["sql"])), "TODO: explain")
        kept[k] = {"source": source, "sql": v["sql"], "printed": v["printed"], "reason": reason,
                   "outcome_as_written": v["original"], "outcome_printed": v["printed_outcome"]}
    data = json.loads(DIFFERENCES_FILE.read_text(encoding="utf-8"))
    data["differences"] = dict(sorted(kept.items()))
    DIFFERENCES_FILE.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_known_differences_are_explained():
    for key, entry in _known().items():
        assert entry["reason"].strip() and not entry["reason"].startswith("TODO"), key


def test_tidb_rows_mean_the_same_on_mariadb(conn):
    cases, skipped = _cases("tidb-parser-test")
    schema = _schema(cases)
    with conn.cursor() as cur:
        for name, columns in schema.items():
            for statement in _table_ddl(name, columns, FIXTURE_DB):
                cur.execute(statement)
    tally = Tally()
    _run(conn, cases, schema, tally)
    assert tally.counts["run"] >= 400, tally.counts
    assert tally.counts["equal"] >= 600, tally.counts
    _check("tidb-parser-test", tally, skipped)


def test_sqllogictest_rows_mean_the_same_on_mariadb(conn):
    cases, skipped = _cases(SLT_SOURCE)
    with conn.cursor() as cur:
        for statement in _slt_ddl(FIXTURE_DB):
            cur.execute(statement)
    tally = Tally()
    _run(conn, cases, {name: [] for name in SLT_TABLES}, tally)
    assert tally.counts["run"] >= 500, tally.counts
    assert tally.counts["equal"] >= tally.counts["run"] // 2, tally.counts
    _check(SLT_SOURCE, tally, skipped)


MEANING_CASES = [
    # (kind, sql): each once read by sqlglot into something else; both forms must run and agree.
    ("SELECT", "SELECT ++1, -+1, - + - 1, 2 - +(-3)"),
    ("SELECT", "SELECT {ts {abc '2024-01-01 10:00:00.25'}} + 0, {ts ('2024-01-01 10:00:00')} + 0, "
               "{D '2024-01-01'} + 0"),
    ("SELECT", "SELECT TIME '10:00:00.5', {t '10:00:00.25'}, TIMESTAMP '2024-01-01 10:00:00.5', DATE '2024-01-01'"),
    ("SELECT", "SELECT DATE_ADD('2008-01-02', INTERVAL INTERVAL(1, 0, 1) DAY), INTERVAL(5, 1, 10)"),
    ("SELECT", "SELECT 1 FROM dual WHERE 1 = 1"),
    ("SELECT", "SELECT LOG10(1000), LOG2(10), UTC_DATE = UTC_DATE(), UTC_TIMESTAMP <= UTC_TIMESTAMP()"),
    ("SELECT", "SELECT CHR(65), CHR(-1), TO_CHAR('2020-01-02 10:11:12.5')"),
    ("SELECT", "SELECT c1, c1 < c2 = c1, (c1 <=> c2) < 1, c1 <=> (c2 < 1), c1 = c2 << 1 FROM t1"),
    ("SELECT", "SELECT DATE_ADD('2024-01-01', INTERVAL 1.5 DAY), '2024-01-01' - INTERVAL -2.5 DAY, 0x41 + 0, X'41'"),
    ("SELECT", "SELECT c1 FROM t1 WHERE c1 > 0 LOCK IN SHARE MODE"),
    ("SELECT", "SELECT t1.c1, t3.c1 FROM t1 JOIN t2 LEFT JOIN t3 ON t1.c1 = t3.c1 ORDER BY 1, 2"),
    ("SELECT", "SELECT CHARSET(CAST(c1 AS NCHAR(3))), c1 FROM t1"),
    ("UPDATE", "UPDATE t1 SET c1 = DEFAULT WHERE c1 > 0"),
    ("CREATE", "CREATE TABLE m1 (a LONG, b LONG VARBINARY, c REAL, d INT8, e NCHAR(3), f NVARCHAR(4))"),
    # (MariaDB takes neither NOT NULL nor COLLATE after a generated column's expression: those are
    # checked in test_meaning.py; here the spelled-out form must create the same columns.)
    ("CREATE", "CREATE TABLE m2 (a INT, b BIGINT AS (a + 1), c INT AS (a * 2) STORED COMMENT 'x', "
               "d INT AS ((a) IS NULL) VIRTUAL)"),
    ("ALTER", "ALTER TABLE t1 ADD COLUMN g BIGINT AS (c1 + 1) STORED, ADD COLUMN h INT AS (c2)"),
    ("ALTER", "ALTER TABLE t1 RENAME AS t1_renamed"),
]


@pytest.mark.parametrize(("kind", "sql"), MEANING_CASES)
def test_meaning_cases_on_mariadb(conn, kind, sql):
    parser = new_parser("mysql", portable_names=False)
    tree = parser.parse(sql).tree
    assert tree is not None
    printed = parser.render(tree)
    schema = {"t1": ["c1", "c2"], "t2": ["c1"], "t3": ["c1"]}
    with conn.cursor() as cur:
        for name, columns in schema.items():
            for statement in _table_ddl(name, columns, FIXTURE_DB):
                cur.execute(statement)
        if kind == "SELECT":
            ordered = _has_order(tree)
            before, after = _select_outcome(cur, sql, ordered), _select_outcome(cur, printed, ordered)
        elif kind == "UPDATE":
            before, after = _dml_outcome(conn, sql, ["t1"]), _dml_outcome(conn, printed, ["t1"])
        else:
            target = _ddl_target(tree)
            copies = ["t1"] if kind == "ALTER" else []
            before = _ddl_outcome(cur, sql, copies, target.name if target is not None else None)
            after = _ddl_outcome(cur, printed, copies, target.name if target is not None else None)
    assert before[0] == "ok", (sql, before)
    assert before == after, (printed, before, after)


CALL_ARGUMENTS = [
    "", "5", "-2.5", "'2020-01-02 10:11:12.5'", "'abc'", "NULL", "5, 2", "'abc', 'b'", "'2020-01-02', '2020-01-01'",
    "'2020-01-02', 3", "5, 2, 1", "'abc', 1, 2", "'abc', 'b', 'x'", "'{\"a\": [1, 2]}', '$.a'",
    "'2020-01-02 10:00', '+00:00', '+01:00'", "1, 'a', 'b'",
    # typed columns of cz_typed
    "i", "d", "f", "s", "dt", "dd", "tm", "j", "i, 2", "s, 2", "dt, dd", "dt, 2", "s, i", "d, 1", "f, 2", "dt, s",
    "j, '$.a'", "s, 1, 2", "dt, '+00:00', '+01:00'",
]
"""Argument lists tried on every function sqlglot's MySQL parser knows (MariaDB decides which run)."""

TYPED_TABLE = [
    "DROP TABLE IF EXISTS cz_typed",
    "CREATE TABLE cz_typed (i INT, d DECIMAL(10,3), f DOUBLE, s VARCHAR(20), dt DATETIME(3), dd DATE, tm TIME(3), "
    "j JSON)",
    "INSERT INTO cz_typed VALUES (7, -2.125, 1.5e10, 'Hello World', '2020-02-29 23:59:59.999', '2020-02-29', "
    "'-01:02:03.5', '{\"a\": [1, {\"b\": 2}]}'), (NULL, 0, -0.5, '', '1999-12-31 00:00:00', '1999-12-31', '838:59:59', "
    "'[]')",
]


def test_builtin_calls_mean_the_same_on_mariadb(conn):
    """Every function name sqlglot's MySQL parser maps, with each argument list MariaDB runs: the
    native printing (which may spell the call differently) gives the same values."""
    from sqlglot.dialects.dialect import Dialect as SqlglotDialect

    parser = new_parser("mysql", portable_names=False)
    names = sorted(n for n in SqlglotDialect.get_or_raise("mysql").parser_class.FUNCTIONS
                   if re.fullmatch(r"[A-Z][A-Z0-9_]*", n) and not NONDETERMINISTIC.fullmatch(n))
    counts: Counter = Counter()
    different = []
    with conn.cursor() as cur:
        for statement in TYPED_TABLE:
            cur.execute(statement)
        for name in names:
            for args in CALL_ARGUMENTS:
                sql = f"SELECT {name}({args}) FROM cz_typed"
                before = _execute(cur, sql)
                if before[0] != "ok":
                    continue
                counts["runs on MariaDB"] += 1
                try:
                    printed = _reprinted(parser, sql)
                except SQLParserError:
                    counts["refused by the front end"] += 1
                    continue
                if printed == sql:
                    counts["printed as written"] += 1
                    continue
                counts["printed differently"] += 1
                after = _execute(cur, printed)
                if after != before:
                    different.append(f"{sql} -> {printed}: {_short(before)} vs {_short(after)}")
    print(f"\nbuilt-in calls on MariaDB: {dict(counts)}")
    assert counts["printed differently"] >= 100, counts
    assert not different, "calls whose printed form means something else:\n" + "\n".join(different)


BINARY_OPERATORS = ["+", "-", "*", "/", "DIV", "%", "MOD", "=", "<=>", "<>", "!=", "<", "<=", ">", ">=", "AND", "OR",
                    "XOR", "&&", "||", "&", "|", "^", "<<", ">>", "LIKE", "REGEXP", "NOT LIKE", "SOUNDS LIKE"]
UNARY_OPERATORS = ["-", "~", "!", "NOT ", "BINARY ", "+"]


def _operator_expressions() -> Iterator[str]:
    for first in BINARY_OPERATORS:
        for second in BINARY_OPERATORS:
            yield f"a {first} b {second} c"
    for unary in UNARY_OPERATORS:
        for op in BINARY_OPERATORS:
            yield f"{unary}a {op} b"
            yield f"a {op} {unary}b"
        for other in UNARY_OPERATORS:
            yield f"{unary}{other}a"
    for op in BINARY_OPERATORS:
        yield f"a {op} b IS NULL"
        yield f"NOT a {op} b"
        yield f"a {op} b BETWEEN 0 AND 1"
        yield f"a BETWEEN b {op} c AND 5"
        yield f"a IN (b, c) {op} b"


def test_operator_precedence_survives_printing_on_mariadb(conn):
    """Every pair of operators (and unary / postfix forms) over three columns: the printed form,
    with the parentheses the printer chose, gives the same values. A chain the front end refuses
    is fine; REGEXP printed as REGEXP_LIKE() (the same in MySQL 8) cannot run on MariaDB."""
    parser = new_parser("mysql", portable_names=False)
    counts: Counter = Counter()
    different = []
    with conn.cursor() as cur:
        for statement in ["DROP TABLE IF EXISTS cz_ops", "CREATE TABLE cz_ops (a INT, b INT, c INT)",
                          "INSERT INTO cz_ops VALUES (1, 2, 3), (0, NULL, -1), (5, 5, 0), (-3, 7, 2)"]:
            cur.execute(statement)
        for expression in _operator_expressions():
            sql = f"SELECT {expression} FROM cz_ops"
            before = _execute(cur, sql)
            if before[0] != "ok":
                continue
            try:
                printed = _reprinted(parser, sql)
            except SQLParserError:
                counts["refused"] += 1
                continue
            if "REGEXP_LIKE" in printed:
                counts["REGEXP_LIKE (not on MariaDB)"] += 1
                continue
            counts["compared"] += 1
            after = _execute(cur, printed)
            if after != before:
                different.append(f"{sql} -> {printed}: {_short(before)} vs {_short(after)}")
    print(f"\noperators on MariaDB: {dict(counts)}")
    assert counts["compared"] >= 1000, counts
    assert not different, "expressions whose printed form means something else:\n" + "\n".join(different)
