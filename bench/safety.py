"""Cost of the tenant-safety passes per statement, as a ratio of the plain rewrite
(`parse_and_modify_sql`) of the same statements measured in the same run, per dialect.

    python bench/safety.py [--repeat N] [--dialect mysql] [--json out.json]

Rows: scope_rows, check_policy, append_sql_filter, and translate (MySQL -> the dialect). Each ratio
is fastest case round / fastest baseline round, rounds alternating, so load from other processes
on the shared machine hits both. Ratios, not absolute times, are the result.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlparser import Policy, TableColumn, new_parser
from sqlparser.registry import dialects_by_name

MAPPING = {"users": TableColumn("t_users_1", {"name": "c_name"}), "orders": TableColumn("t_orders_1", {})}
CONDITIONS = {"users": "uid = 'u1'", "orders": "uid = 'u1'"}
POLICY = Policy(tables={"users", "orders"})

# Portable statements: every dialect's front end reads them.
STATEMENTS = [
    "SELECT id, name FROM users WHERE age > 18 ORDER BY name",
    "SELECT u.id, u.name, o.total FROM users AS u JOIN orders AS o ON u.id = o.user_id WHERE o.total > 100",
    "SELECT u.id FROM users AS u LEFT JOIN orders AS o ON o.user_id = u.id WHERE o.id IS NULL OR u.age < 20",
    "SELECT id FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > (SELECT AVG(total) FROM orders))",
    "WITH big AS (SELECT * FROM orders WHERE total > 100) SELECT b.id, u.name FROM big AS b JOIN users AS u "
    "ON u.id = b.user_id",
    "SELECT uid FROM users UNION SELECT uid FROM orders",
    "UPDATE users SET age = age + 1 WHERE id IN (SELECT user_id FROM orders WHERE total > 10)",
    "DELETE FROM orders WHERE total < 5 OR status = 'void'",
]

# MySQL as users write it, for the translate row.
MYSQL_STATEMENTS = [
    "SELECT `name`, IFNULL(age, 0) FROM users WHERE created > DATE_SUB(NOW(), INTERVAL 7 DAY) LIMIT 10, 20",
    "SELECT CONCAT(name, ':', age) FROM users WHERE active = TRUE AND name LIKE 'a%'",
    "UPDATE users SET seen = NOW() WHERE id = 3",
]


def rounds_ratio(case: Callable[[str], object], base: Callable[[str], object], statements: list[str],
                 base_statements: list[str], repeat: int) -> tuple[float, float, float]:
    """(ratio of the fastest rounds, fastest case us/statement, fastest baseline us/statement).

    The fastest round of each is the one least disturbed by other load; rounds alternate, so a
    slow phase of the machine hits both.
    """
    for s in statements:
        case(s)
    for s in base_statements:
        base(s)
    case_us, base_us = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        for s in base_statements:
            base(s)
        b = (time.perf_counter() - start) / len(base_statements)
        start = time.perf_counter()
        for s in statements:
            case(s)
        c = (time.perf_counter() - start) / len(statements)
        case_us.append(c * 1e6)
        base_us.append(b * 1e6)
    return min(case_us) / min(base_us), min(case_us), min(base_us)


def run(dialect: str, repeat: int) -> list[dict[str, object]]:
    p = new_parser(dialect)
    p.memo = None  # the passes' cost: the result memo would answer every repeated statement
    base = lambda s: p.parse_and_modify_sql(s, MAPPING)  # noqa: E731
    cases: dict[str, tuple[Callable[[str], object], list[str]]] = {
        "scope_rows": (lambda s: p.scope_rows(s, CONDITIONS), STATEMENTS),
        "check_policy": (lambda s: p.check_policy(s, POLICY), STATEMENTS),
        "append_sql_filter": (lambda s: p.append_sql_filter(s, "AND", "uid = 'u1'"), STATEMENTS),
        "translate_from_mysql": (lambda s: p.translate(s, read="mysql"), MYSQL_STATEMENTS),
    }
    rows = []
    for name, (fn, statements) in cases.items():
        ratio, case_us, base_us = rounds_ratio(fn, base, statements, STATEMENTS, repeat)
        rows.append({"dialect": dialect, "case": name, "ratio_vs_parse_and_modify_sql": round(ratio, 2),
                     "case_us": round(case_us, 1), "baseline_us": round(base_us, 1)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--dialect", action="append", help="default: every registered dialect")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    dialects = args.dialect or sorted(d for d in dialects_by_name() if d in ("mysql", "sqlite", "postgres"))
    rows = [row for d in dialects for row in run(d, args.repeat)]
    print(f"{'dialect':<10} {'case':<22} {'ratio':>7} {'case us':>10} {'base us':>10}")
    for row in rows:
        print(f"{row['dialect']:<10} {row['case']:<22} {row['ratio_vs_parse_and_modify_sql']:>7.2f} "
              f"{row['case_us']:>10.1f} {row['baseline_us']:>10.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
