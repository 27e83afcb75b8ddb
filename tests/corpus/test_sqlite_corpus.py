"""The SQLite front end against real SQLite on shared/corpus/sqlite.jsonl.

Labels come from SQLite 3.54.1 itself (the one apsw bundles), see the corpus README. Checked:

- accept/reject agreement with the labels (parser built with portable_names=False), at least
  99.5% overall, and every disagreement listed with its reason in sqlite_known_gaps.json (a new
  disagreement fails, and so does a listed row that now agrees);
- every accepted statement the IR holds prints natively as SQL that SQLite accepts (prepared on a
  scratch database with apsw; "no such table/column" and other non-syntax errors are not syntax
  errors, classified with the corpus README's own patterns);
- parse -> print -> parse -> print gives the same text (the printed form is a fixed point).

Runs in about 30 s (ANTLR's Python runtime is the cost); nothing here is timed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import apsw
import pytest

from sqlparser import SQLParserError, new_parser
from tests.corpus._corpus import load_corpus

GAPS_FILE = Path(__file__).with_name("sqlite_known_gaps.json")
AGREEMENT_TARGET = 0.995

# The corpus README's list of messages that make SQLite's rejection a syntax error.
SYNTAX_ERROR = re.compile(
    r"syntax error|incomplete input|unrecognized token|parser stack overflow|clause should come after|"
    r"unknown join type|unknown table option|not allowed on .* statements within triggers|"
    r"unsupported frame specification|variable number must be between")


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return load_corpus("sqlite")


@pytest.fixture(scope="module")
def gaps() -> dict[str, str]:
    return json.loads(GAPS_FILE.read_text(encoding="utf-8"))["gaps"]


@pytest.fixture(scope="module")
def parser():
    return new_parser("sqlite", portable_names=False)


@pytest.fixture(scope="module")
def parsed(rows, parser) -> dict[str, object]:
    """id -> Statement, or the SQLParserError message. Any other exception is a crash: it fails here."""
    out: dict[str, object] = {}
    for row in rows:
        try:
            out[row["id"]] = parser.parse(row["sql"])
        except SQLParserError as err:
            out[row["id"]] = str(err).splitlines()[0]
    return out


def _accepted(result: object) -> bool:
    return not isinstance(result, str)


def test_agreement_rate(rows, parsed):
    agree = sum(1 for r in rows if _accepted(parsed[r["id"]]) == r["syntax_ok"])
    assert agree / len(rows) >= AGREEMENT_TARGET, f"agreement {agree}/{len(rows)}"


def test_no_new_disagreements(rows, parsed, gaps):
    new = [f"{r['id']} label={r['syntax_ok']} {r['sql'][:120]!r} -> {parsed[r['id']]!s:.160}"
           for r in rows if _accepted(parsed[r["id"]]) != r["syntax_ok"] and r["id"] not in gaps]
    assert not new, "new disagreements with SQLite:\n" + "\n".join(new)


def test_listed_gaps_still_disagree(rows, parsed, gaps):
    by_id = {r["id"]: r for r in rows}
    unknown = [gid for gid in gaps if gid not in by_id]
    assert not unknown, f"gap list names rows missing from the corpus: {unknown}"
    fixed = [gid for gid in gaps if _accepted(parsed[gid]) == by_id[gid]["syntax_ok"]]
    assert not fixed, "these listed gaps now agree; remove them from sqlite_known_gaps.json:\n" + "\n".join(fixed)


def test_rejections_carry_position(rows, parsed):
    # Every rejection message names a line and column (SQLSyntaxError's format).
    bad = [r["id"] for r in rows if not r["syntax_ok"] and not _accepted(parsed[r["id"]])
           and not re.search(r"line \d+, column \d+", parsed[r["id"]])]
    assert not bad, bad[:10]


class _Scratch:
    """Prepares (never runs) statements on an in-memory database, as the corpus was labelled."""

    def __init__(self) -> None:
        self.con = apsw.Connection(":memory:")

    def error(self, sql: str) -> str | None:
        cursor = self.con.cursor()
        cursor.exec_trace = lambda *_: False  # abort after prepare: nothing executes
        try:
            cursor.execute(sql)
        except apsw.ExecTraceAbort:
            return None
        except apsw.Error as err:
            return str(err)
        return None


@pytest.fixture(scope="module")
def native(rows, parsed, parser) -> dict[str, str]:
    out = {}
    for row in rows:
        stmt = parsed[row["id"]]
        if _accepted(stmt) and stmt.tree is not None:
            out[row["id"]] = parser.render(stmt.tree.copy())
    return out


def test_native_output_is_accepted_by_sqlite(native):
    scratch = _Scratch()
    rejected = []
    for rid, sql in native.items():
        err = scratch.error(sql)
        if err is not None and SYNTAX_ERROR.search(err):
            rejected.append(f"{rid}: {sql[:160]!r} -> {err}")
    assert len(native) > 4000
    assert not rejected, "SQLite rejects our native output:\n" + "\n".join(rejected)


def test_native_round_trip_is_stable(native, parser):
    unstable = []
    for rid, sql in native.items():
        again = parser.parse(sql)
        printed = parser.render(again.tree)
        if printed != sql:
            unstable.append(f"{rid}: {sql[:120]!r} -> {printed[:120]!r}")
    assert not unstable, "\n".join(unstable)


def test_unsupported_statements_are_classified(rows, parsed):
    # Statements the IR cannot hold still parse, and name what they are.
    unsupported = [parsed[r["id"]] for r in rows if _accepted(parsed[r["id"]]) and parsed[r["id"]].tree is None]
    assert all(stmt.unsupported for stmt in unsupported)
    kinds = {stmt.unsupported for stmt in unsupported}
    assert "CREATE TRIGGER" in kinds and "CREATE VIRTUAL TABLE" in kinds


def _results_db() -> apsw.Connection:
    """The tables sqllogictest's queries use (tab0..tab4), with a few rows, NULLs included.

    Double-quoted strings are off (SQLITE_DBCONFIG_DQS_DML=0), as on cozelite's SQLite provider:
    otherwise SQLite reads an unknown "name" as a string, and `name` (an error) would differ from
    our "name" (a string)."""
    con = apsw.Connection(":memory:")
    con.config(apsw.SQLITE_DBCONFIG_DQS_DML, 0)
    con.config(apsw.SQLITE_DBCONFIG_DQS_DDL, 0)
    for table in ("tab0", "tab1", "tab2", "tab3", "tab4"):
        con.execute(f"CREATE TABLE {table}(pk INTEGER PRIMARY KEY, col0 INTEGER, col1 FLOAT, col2 TEXT, "
                    "col3 INTEGER, col4 FLOAT, col5 TEXT)")
        for i in range(6):
            con.execute(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (i, None if i == 3 else (i * 37) % 11 - 3, i * 1.5, f"v{i}", (i * 7) % 5,
                         None if i % 2 else i / 3, f"t{i}"))
    return con


def _rows(con: apsw.Connection, sql: str) -> object:
    steps = [0]

    def progress() -> bool:  # a runaway recursive CTE stops after about a million VM steps
        steps[0] += 1
        return steps[0] > 1000

    con.set_progress_handler(progress, 1000)
    try:
        rows: object = sorted((tuple(r) for r in con.execute(sql)), key=repr)
    except apsw.Error as err:
        rows = f"error {type(err).__name__}"
    finally:
        con.set_progress_handler(None)
    return rows


def test_native_output_returns_the_same_rows(rows, native):
    # Meaning, not just syntax: every accepted SELECT and its native print return the same rows
    # (as multisets: order is only defined under ORDER BY) on the same data.
    con = _results_db()
    queries = {r["id"] for r in rows if r["kind"] == "SELECT"} & set(native)
    differ, returned_rows = [], 0
    for row in rows:
        if row["id"] not in queries or re.search(r"random|changes\(|last_insert_rowid", row["sql"], re.I):
            continue
        before, after = _rows(con, row["sql"]), _rows(con, native[row["id"]])
        returned_rows += isinstance(before, list)
        if before != after:
            differ.append(f"{row['id']}: {row['sql'][:120]!r} -> {native[row['id']][:120]!r}: "
                          f"{str(before)[:80]} vs {str(after)[:80]}")
    assert returned_rows > 1000
    assert not differ, "\n".join(differ)


@pytest.mark.parametrize("corpus", ["mysql", "postgres"])
def test_other_corpora_agree_with_live_sqlite(corpus, parser):
    # The MySQL and PostgreSQL corpora (8,000+ statements, mostly invalid for SQLite) judged by the
    # SQLite in apsw right here, on an empty database. A non-syntax error there (no such table...)
    # that we reject as a syntax error is inconclusive: SQLite may stop before a later syntax error.
    scratch = _Scratch()
    wrong = []
    for row in load_corpus(corpus):
        sql = row["sql"]
        if sql.lstrip().upper().startswith("TRUNCATE TABLE"):
            continue  # our documented extension
        error = scratch.error(sql)
        sqlite_ok = error is None
        sqlite_syntax = error is not None and SYNTAX_ERROR.search(error) is not None
        try:
            parser.parse(sql)
            ours = True
        except SQLParserError:
            ours = False
        if (sqlite_ok and not ours) or (sqlite_syntax and ours):
            wrong.append(f"{row['id']}: {sql[:140]!r} sqlite={error or 'ok'}")
    assert not wrong, "\n".join(wrong)


def test_valid_statements_stay_on_the_fast_path(rows):
    # Every statement SQLite accepts must parse in ANTLR's SLL mode alone: a grammar change that
    # sends valid input through the slow LL stage shows up here, not only in bench/.
    from dialects.sqlite import parsing

    parsing.ll_fallback = False
    try:
        slow = []
        for row in rows:
            if not row["syntax_ok"]:
                continue
            try:
                parsing.parse_tree(row["sql"])
            except SQLParserError as err:
                if "SLL" in str(err):
                    slow.append(f"{row['id']}: {row['sql'][:120]!r}")
    finally:
        parsing.ll_fallback = True
    assert not slow, "\n".join(slow)
