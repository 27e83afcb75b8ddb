"""Large statements through `append_sql_filter` (an INSERT through `add_columns_to_insert_sql`):
time as a ratio of sqlglot's parse+generate of the same text (same process), growth (time per
unit at half and full size), and peak memory of the call (tracemalloc) as a multiple of the input
size, beside sqlglot's own. Issue 16, deliverable 3.

    python bench/large_inputs.py [--dialect sqlite] [--case in_list] [--json out.json]

Cases: a 120,000-item IN list (about 730 KB), a 24,000-item one, a 20,000-term and a 12,000-term
OR chain on one column, and a 2,000-row INSERT. Long runs of plain literals are folded
(`sqlparser.literal_runs`): the tokens inside them do not count against
sqlparser.limits.MAX_TOKENS, so all of these are accepted ("folded" is the number of literals the
statement's folded runs hold). Each accepted case is also run at half size: "growth" is the time
per unit at full size over that at half size (1.0 = linear).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import sqlglot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlparser import ColumnValue, SQLParserError, literal_runs, new_parser
from sqlparser.registry import dialects_by_name


def in_list(n: int) -> str:
    return "SELECT a FROM t WHERE a IN (" + ",".join(str(i) for i in range(n)) + ")"


def or_chain(n: int) -> str:
    return "SELECT a FROM t WHERE " + " OR ".join(f"a = {i}" for i in range(n))


def insert_rows(n: int) -> str:
    return "INSERT INTO t (a, b, c) VALUES " + ", ".join(f"({i}, 'name {i}', {i}.5)" for i in range(n))


CASES: dict[str, tuple[Callable[[int], str], int]] = {
    "in_list_120k": (in_list, 120_000),
    "in_list_24k": (in_list, 24_000),
    "or_chain_20k": (or_chain, 20_000),
    "or_chain_12k": (or_chain, 12_000),
    "insert_2000": (insert_rows, 2_000),
}


def seconds(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def peak_bytes(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(dialect: str, case: str, repeat: int) -> dict[str, object]:
    make, n = CASES[case]
    parser = new_parser(dialect)
    read = dialects_by_name()[dialect].sqlglot_dialect
    parser.append_sql_filter("SELECT a FROM t", "AND", "uid = 'u1'")

    def ours(sql: str) -> Callable[[], object]:
        def call() -> object:
            try:
                if sql.startswith("INSERT"):
                    return parser.add_columns_to_insert_sql(sql, [ColumnValue("uid", "u1")])
                return parser.append_sql_filter(sql, "AND", "uid = 'u1'")
            except SQLParserError as err:
                return err
        return call

    def theirs(sql: str) -> Callable[[], object]:
        return lambda: sqlglot.parse_one(sql, read=read).sql(dialect=read)

    sql = make(n)
    outcome = ours(sql)()
    refused = isinstance(outcome, SQLParserError)
    row: dict[str, object] = {"units": n, "bytes": len(sql),
                              "outcome": f"{type(outcome).__name__}: {str(outcome)[:90]}" if refused else "ok"}
    if not refused:
        tree = parser.compile(sql).tree
        row["folded"] = literal_runs.fold_stats(tree)["items"] if tree is not None else 0
    t_ours = seconds(ours(sql), repeat)
    row["cozelite_s"] = t_ours
    row["peak_x_input"] = peak_bytes(ours(sql)) / len(sql)
    if not refused:
        t_base = seconds(theirs(sql), repeat)
        row["sqlglot_s"] = t_base
        row["sqlglot_peak_x_input"] = peak_bytes(theirs(sql)) / len(sql)
        row["ratio"] = t_ours / t_base
        half = make(n // 2)
        t_half = seconds(ours(half), repeat)
        row["growth"] = (t_ours / n) / (t_half / (n // 2))
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dialect", action="append")
    ap.add_argument("--case", action="append", choices=sorted(CASES))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    results: dict[str, dict[str, object]] = {}
    print(f"{'dialect':<10}{'case':<14}{'KB':>7}{'ours s':>9}{'sqlglot s':>11}{'ratio':>7}{'growth':>8}"
          f"{'peak/input':>12}{'sqlglot':>9}{'folded':>9}  outcome")
    for dialect in args.dialect or sorted(dialects_by_name()):
        for case in args.case or list(CASES):
            r = run(dialect, case, args.repeat)
            results[f"{dialect}/{case}"] = r
            print(f"{dialect:<10}{case:<14}{int(r['bytes']) / 1024:>7.0f}{r['cozelite_s']:>9.3f}"  # type: ignore[call-overload]
                  f"{r.get('sqlglot_s', float('nan')):>11.3f}{r.get('ratio', float('nan')):>7.2f}"
                  f"{r.get('growth', float('nan')):>8.2f}{r['peak_x_input']:>12.1f}"
                  f"{r.get('sqlglot_peak_x_input', float('nan')):>9.1f}{r.get('folded', 0):>9}  {r['outcome']}",
                  flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
