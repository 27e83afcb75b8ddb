"""Rename of writes, checked on the engines: each write runs on the logical schema and its rename
on the physical schema (tests/rename/_write_engines.py) on SQLite, PostgreSQL and MariaDB, and the
tables must hold the same rows afterwards (each write is rolled back before the next).

Writes come from WriteGen (tests/rename/_write_gen.py: plain writes and each dialect's conflict
forms; the own workload's writes are checked in test_own_workload.py). A write the engine rejects
as written is skipped (counted); a named refusal of the rename must stay under 1%; the renamed write being rejected,
or different table contents, is a failure.

Count: COZELITE_WRITES_N generated writes per engine (default DEFAULT_N), x10 under
COZELITE_NIGHTLY=1; seed COZELITE_SAFETY_SEED (fixed by default).
"""

from __future__ import annotations

import os

import pytest
from _rename_engines import PHYSICAL
from _safety_engines import seed
from _write_engines import EngineError, WriteEngine
from _write_gen import WriteGen

from sqlparser import SQLParserError, new_parser

DEFAULT_N = 1000


def writes_count() -> int:
    n = int(os.environ.get("COZELITE_WRITES_N", DEFAULT_N))
    return n * 10 if os.environ.get("COZELITE_NIGHTLY") == "1" else n


def _compare(engine: WriteEngine, sql: str, parser) -> tuple[str, str]:
    """('skipped' | 'refused' | 'same' | 'rejected' | 'different', detail)."""
    try:
        before = engine.write("logical", sql)
    except EngineError as err:
        return "skipped", str(err)
    try:
        renamed = parser.parse_and_modify_sql(sql, PHYSICAL)
    except SQLParserError as err:
        return "refused", str(err)
    try:
        after = engine.write("physical", renamed)
    except EngineError as err:
        return "rejected", f"renamed: {renamed}\n  {err}"
    if before != after:
        changed = [t for t in before if before[t] != after[t]]
        return "different", f"renamed: {renamed}\n  tables differ: {changed}"
    return "same", ""


def test_generated_writes_rename_same_rows(write_engine: WriteEngine) -> None:
    _differential(write_engine, writes_count(), seed())


@pytest.mark.slow
def test_generated_writes_rename_same_rows_10x(write_engine: WriteEngine) -> None:
    """The nightly run: ten times the CI count, on writes the CI run does not draw (next seed)."""
    _differential(write_engine, 10 * writes_count(), seed() + 1)


def _differential(write_engine: WriteEngine, n: int, start: int) -> None:
    parser = new_parser(write_engine.dialect)
    gen = WriteGen(start)
    tally: dict[str, int] = {}
    failures: list[str] = []
    refused: list[str] = []
    for _ in range(n):
        sql = gen.write(write_engine.dialect)
        outcome, detail = _compare(write_engine, sql, parser)
        tally[outcome] = tally.get(outcome, 0) + 1
        if outcome in ("rejected", "different"):
            failures.append(f"{outcome}: {sql}\n  {detail}")
        elif outcome == "refused":
            refused.append(f"{sql}\n  -> {detail}")
    report = f"{write_engine.dialect}: {n} generated writes: {tally}"
    print(report)
    assert not failures, report + "\n" + "\n".join(failures[:10])
    assert tally.get("same", 0) >= 0.6 * n, report + "\n" + "\n".join(refused[:10])
    assert len(refused) <= 0.01 * n, report + "\n" + "\n".join(refused[:10])
