"""db insert/select throughput (SQLite provider) as ops/s and as a ratio of raw apsw measured in the
same run with the same settings (WAL, synchronous=FULL, one transaction per call).

    python bench/providers.py --only db           # these rows alone
    python bench/providers.py --only db --quick   # a tenth of the operations

`CASES` follows bench/providers.py's case protocol (name, setup, run, ops, teardown, baseline); that
runner picks this module up by its name and measures its rows with the others.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import apsw

from providers.db import open_db
from providers.db.contract import Column, ComplexCondition, Condition, DataType, Index, IndexType, Operator, Table

ROWS = 2000  # rows present before select cases run


@dataclass
class Case:
    name: str
    setup: Callable[[Path], Any]
    run: Callable[[Any, int], None]
    ops: int
    teardown: Callable[[Any], None] = lambda ctx: None
    baseline: str = ""


# -- baseline: raw apsw, the same pragmas the provider uses ---------------------------------------

def _raw(tmp: Path) -> apsw.Connection:
    conn = apsw.Connection(str(tmp / "raw.db"))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER)")
    with conn:
        conn.executemany("INSERT INTO t (name, n) VALUES (?, ?)", [(f"r{i}", i) for i in range(ROWS)])
    return conn


def _raw_insert(conn: apsw.Connection, n: int) -> None:
    for i in range(n):
        with conn:
            conn.execute("INSERT INTO t (name, n) VALUES (?, ?)", (f"x{i}", i))


def _raw_insert_batch(conn: apsw.Connection, n: int) -> None:
    for i in range(0, n, 100):
        with conn:
            conn.executemany("INSERT INTO t (name, n) VALUES (?, ?)", [(f"x{j}", j) for j in range(i, i + 100)])


def _raw_select(conn: apsw.Connection, n: int) -> None:
    for i in range(n):
        conn.execute("SELECT * FROM t WHERE id = ?", (i % ROWS + 1,)).fetchall()


# -- the provider ---------------------------------------------------------------------------------

def _db(tmp: Path) -> Any:
    db = open_db(f"sqlite:///{tmp}/db/app.db")
    db.create_table(Table(name="t", columns=[Column("id", DataType.BIGINT, auto_increment=True),
                                             Column("name", DataType.VARCHAR), Column("n", DataType.INT)],
                          indexes=[Index("PRIMARY", IndexType.PRIMARY_KEY, ["id"])]))
    for i in range(0, ROWS, 500):
        db.insert_data("t", [{"name": f"r{j}", "n": j} for j in range(i, i + 500)])
    return db


def _db_insert(db: Any, n: int) -> None:
    for i in range(n):
        db.insert_data("t", [{"name": f"x{i}", "n": i}])


def _db_insert_batch(db: Any, n: int) -> None:
    for i in range(0, n, 100):
        db.insert_data("t", [{"name": f"x{j}", "n": j} for j in range(i, i + 100)])


def _db_select(db: Any, n: int) -> None:
    for i in range(n):
        db.select_data("t", where=ComplexCondition([Condition("id", Operator.EQUAL, i % ROWS + 1)]))


def _db_execute_sql(db: Any, n: int) -> None:
    for i in range(n):
        db.execute_sql("SELECT * FROM t WHERE id = ?", [i % ROWS + 1])


def _close(ctx: Any) -> None:
    ctx.close()


CASES: list[Case] = [
    Case("baseline.apsw.insert", _raw, _raw_insert, 1000, _close),
    Case("baseline.apsw.insert x100", _raw, _raw_insert_batch, 20000, _close),
    Case("baseline.apsw.select by id", _raw, _raw_select, 20000, _close),
    Case("db.insert", _db, _db_insert, 1000, _close, "baseline.apsw.insert"),
    Case("db.insert x100", _db, _db_insert_batch, 20000, _close, "baseline.apsw.insert x100"),
    Case("db.select_data by id", _db, _db_select, 5000, _close, "baseline.apsw.select by id"),
    Case("db.execute_sql select by id", _db, _db_execute_sql, 5000, _close, "baseline.apsw.select by id"),
]

