"""rdb insert/select throughput (SQLite provider) as ops/s and as a ratio of raw apsw measured in the
same run with the same settings (WAL, synchronous=FULL, one transaction per call).

    python bench/providers_rdb.py            # prints the table
    python bench/providers_rdb.py --quick    # a tenth of the operations

`CASES` follows bench/providers.py's case protocol (name, setup, run, ops, teardown, baseline), so
that runner can include these rows; `bench_rdb()` runs them alone and returns named results.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import apsw

from providers.rdb import open_rdb
from providers.rdb.contract import Column, ComplexCondition, Condition, DataType, Index, IndexType, Operator, Table

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

def _rdb(tmp: Path) -> Any:
    db = open_rdb(f"sqlite:///{tmp}/rdb/app.db")
    db.create_table(Table(name="t", columns=[Column("id", DataType.BIGINT, auto_increment=True),
                                             Column("name", DataType.VARCHAR), Column("n", DataType.INT)],
                          indexes=[Index("PRIMARY", IndexType.PRIMARY_KEY, ["id"])]))
    for i in range(0, ROWS, 500):
        db.insert_data("t", [{"name": f"r{j}", "n": j} for j in range(i, i + 500)])
    return db


def _rdb_insert(db: Any, n: int) -> None:
    for i in range(n):
        db.insert_data("t", [{"name": f"x{i}", "n": i}])


def _rdb_insert_batch(db: Any, n: int) -> None:
    for i in range(0, n, 100):
        db.insert_data("t", [{"name": f"x{j}", "n": j} for j in range(i, i + 100)])


def _rdb_select(db: Any, n: int) -> None:
    for i in range(n):
        db.select_data("t", where=ComplexCondition([Condition("id", Operator.EQUAL, i % ROWS + 1)]))


def _rdb_execute_sql(db: Any, n: int) -> None:
    for i in range(n):
        db.execute_sql("SELECT * FROM t WHERE id = ?", [i % ROWS + 1])


def _close(ctx: Any) -> None:
    ctx.close()


CASES: list[Case] = [
    Case("baseline.apsw.insert", _raw, _raw_insert, 1000, _close),
    Case("baseline.apsw.insert x100", _raw, _raw_insert_batch, 20000, _close),
    Case("baseline.apsw.select by id", _raw, _raw_select, 20000, _close),
    Case("rdb.insert", _rdb, _rdb_insert, 1000, _close, "baseline.apsw.insert"),
    Case("rdb.insert x100", _rdb, _rdb_insert_batch, 20000, _close, "baseline.apsw.insert x100"),
    Case("rdb.select_data by id", _rdb, _rdb_select, 5000, _close, "baseline.apsw.select by id"),
    Case("rdb.execute_sql select by id", _rdb, _rdb_execute_sql, 5000, _close, "baseline.apsw.select by id"),
]


def _measure(case: Case, scale: float, repeat: int) -> float:
    n = max(100, int(case.ops * scale))
    best = 0.0
    for _ in range(repeat):
        tmp = Path(tempfile.mkdtemp(prefix="cozelite-bench-rdb-"))
        try:
            ctx = case.setup(tmp)
            try:
                case.run(ctx, max(100, n // 10))  # warm-up: statement caches, lazy imports
                start = time.perf_counter()
                case.run(ctx, n)
                elapsed = time.perf_counter() - start
            finally:
                case.teardown(ctx)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        best = max(best, n / elapsed if elapsed > 0 else float("inf"))
    return best


def bench_rdb(*, quick: bool = False, repeat: int = 3) -> dict[str, dict[str, float | str]]:
    """{case name: {"ops_per_s", "baseline", "ratio"}} — ratio is ops/s over the baseline's ops/s."""
    scale = 0.1 if quick else 1.0
    rates = {case.name: _measure(case, scale, repeat) for case in CASES}
    out: dict[str, dict[str, float | str]] = {}
    for case in CASES:
        row: dict[str, float | str] = {"ops_per_s": round(rates[case.name], 1), "baseline": case.baseline}
        if case.baseline:
            row["ratio"] = round(rates[case.name] / rates[case.baseline], 3)
        out[case.name] = row
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the operations")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    results = bench_rdb(quick=args.quick, repeat=args.repeat)
    width = max(map(len, results))
    for name, row in results.items():
        ratio = f"{row['ratio']:.3f} x {row['baseline']}" if "ratio" in row else "(baseline)"
        print(f"{name:<{width}}  {row['ops_per_s']:>10.1f} ops/s  {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
