"""Cost of each contract method per dialect, as a ratio of sqlglot's own parse+generate of the
same statements measured in the same run, plus scaling rows (nesting, IN lists, INSERT rows).

    python bench/parse_rewrite.py [--repeat N] [--dialect mysql] [--json out.json]

Ratios, not absolute times, are the result: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sqlglot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlparser import ColumnValue, PrimaryKeyValue, TableColumn, new_parser
from sqlparser.registry import dialects_by_name

MAPPING = {"users": TableColumn("t_users_1", {"id": "c_id", "name": "c_name", "age": "c_age"}),
           "orders": TableColumn("t_orders_1", {"user_id": "c_user_id", "total": "c_total"})}

WORKLOAD: dict[str, list[str]] = {
    "rewrite": [
        "SELECT id, name FROM users WHERE age > 18 ORDER BY name LIMIT 10",
        "SELECT u.id, u.name, o.total FROM users AS u JOIN orders AS o ON u.id = o.user_id WHERE o.total > 100",
        "UPDATE users SET name = 'John', age = 25 WHERE id = 1",
        "DELETE FROM orders WHERE user_id IN (SELECT id FROM users WHERE age < 18)",
        "INSERT INTO users (id, name, age) VALUES (1, 'a', 20), (2, 'b', 30)",
    ],
    "filter": [
        "SELECT * FROM users WHERE age > 18 OR name = 'x'",
        "UPDATE users SET age = age + 1 WHERE id = 3",
        "DELETE FROM orders WHERE total < 5",
    ],
    "insert_cols": [
        "INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')",
    ],
    "select_fields": [
        "SELECT name, age FROM users WHERE age > 30",
        "SELECT u.name FROM users AS u JOIN orders AS o ON u.id = o.user_id",
    ],
    "op": ["SELECT id FROM users WHERE id = 1", "INSERT INTO users (id) VALUES (1)"],
    "table": ["SELECT id FROM users WHERE id = 1", "UPDATE users SET age = 1"],
}


def calls(dialect: str, *, cache: bool = True) -> dict[str, Callable[[str], object]]:
    """The contract methods of a native parser; `cache=False` parses every statement afresh."""
    p = new_parser(dialect, style="native")
    if not cache:
        p.frontend = p.dialect.frontend(portable_names=p.portable_names, cache=False)
    return {
        "rewrite": lambda s: p.parse_and_modify_sql(s, MAPPING),
        "filter": lambda s: p.append_sql_filter(s, "AND", "uid = 'u1'"),
        "insert_cols": lambda s: p.add_columns_to_insert_sql(s, [ColumnValue("uid", "u1")],
                                                             PrimaryKeyValue("pk", (1, 2, 3))),
        "select_fields": lambda s: p.add_select_fields_to_select_sql(s, ["pk_id"]),
        "op": p.get_sql_operation,
        "table": p.get_table_name,
    }


def per_call_us(fn: Callable[[str], object], statements: list[str], repeat: int) -> float:
    """Median over `repeat` rounds of the mean time per statement, in microseconds."""
    for s in statements:  # warm-up (imports, caches, DFA)
        fn(s)
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for s in statements:
            fn(s)
        rounds.append((time.perf_counter() - start) / len(statements))
    return statistics.median(rounds) * 1e6


def baseline(dialect: str) -> Callable[[str], object]:
    read = dialects_by_name()[dialect].sqlglot_dialect
    return lambda s: sqlglot.parse_one(s, read=read).sql(dialect=read)


def scaling_statements() -> dict[str, tuple[int, str]]:
    """name -> (units, statement); time per unit should stay flat as units grow (linear cost)."""
    def nested(depth: int) -> str:
        return "SELECT id FROM users WHERE " + "(" * depth + "age > 1" + ")" * depth

    def in_list(n: int) -> str:
        return "SELECT id FROM users WHERE id IN (" + ", ".join(str(i) for i in range(n)) + ")"

    def insert(n: int) -> str:
        return "INSERT INTO users (id, name) VALUES " + ", ".join(f"({i}, 'n{i}')" for i in range(n))

    return {"nesting 10": (10, nested(10)), "nesting 50": (50, nested(50)), "nesting 200": (200, nested(200)),
            "IN list 10": (10, in_list(10)), "IN list 1000": (1000, in_list(1000)),
            "INSERT 10 rows": (10, insert(10)), "INSERT 1000 rows": (1000, insert(1000))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--dialect", action="append", help="limit to these dialects (repeatable)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON")
    args = ap.parse_args()
    dialects = args.dialect or sorted(dialects_by_name())
    results: dict[str, dict] = {}
    for dialect in dialects:
        base_fn = baseline(dialect)
        rows = {}
        print(f"\n== {dialect}: µs per statement; ratio = cozelite / sqlglot parse+generate of the same statements")
        print("   cold: every statement parsed afresh; cached: the statement cache on (apps repeat their SQL)")
        print(f"{'method':<16}{'sqlglot µs':>12}{'cold µs':>10}{'ratio':>7}{'cached µs':>11}{'ratio':>7}")
        cold_calls = calls(dialect, cache=False)
        for method, fn in calls(dialect).items():
            stmts = WORKLOAD[method]
            base = per_call_us(base_fn, stmts, args.repeat)
            cold = per_call_us(cold_calls[method], stmts, args.repeat)
            warm = per_call_us(fn, stmts, args.repeat)
            rows[method] = {"baseline_us": base, "cold_us": cold, "cold_ratio": cold / base,
                            "cached_us": warm, "cached_ratio": warm / base}
            print(f"{method:<16}{base:>12.1f}{cold:>10.1f}{cold / base:>7.2f}{warm:>11.1f}{warm / base:>7.2f}")
        print(f"{'scaling (rewrite, cold)':<24}{'cozelite ms':>12}{'per unit µs':>13}")
        rewrite = cold_calls["rewrite"]
        scale = {}
        for name, (units, stmt) in scaling_statements().items():
            ms = per_call_us(rewrite, [stmt], max(3, args.repeat // 10)) / 1000
            scale[name] = {"ms": ms, "us_per_unit": ms * 1000 / units}
            print(f"{name:<24}{ms:>12.2f}{ms * 1000 / units:>13.1f}")
        results[dialect] = {"methods": rows, "scaling": scale}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
