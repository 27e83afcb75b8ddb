"""Per-statement cost of the PostgreSQL front end, as ratios of sqlglot's `read="postgres"` measured
in the same run on the same statements (the corpus's valid SELECT/INSERT/UPDATE/DELETE that both
parse).

    python bench/postgres_parse.py [--repeat 5] [--limit 400] [--json out.json]

Rows (each a ratio to sqlglot `parse_one(sql, read="postgres")`):
    pglast.parse_sql        libpg_query and pglast's Python objects (for reference: the front end
                            no longer builds them)
    libpg_query JSON        libpg_query alone (what decides validity), its tree read as JSON
                            (`parse_sql_json` + `json.loads`): what the lowering reads
    front end, unchecked    the JSON parse + lowering to the IR
    front end (parse)       what `SQLParser.parse` does on a new text: pglast + lowering + the
                            round-trip check (native print, re-parse, tree compare); cache cleared
    parse + native print    front end + `render` (what a rewrite costs, minus the pass); cold
    parse, cached text      the same texts again: the statement cache hands out a copy of the tree
and, for reference, sqlglot parse + generate(postgres) as a ratio of sqlglot parse.

Ratios, not absolute times, are the result: the machine is shared and noisy. Times are CPU time
(time.process_time); each of `--repeat` rounds times the baseline and every row once, and a row's
ratio is the median of its per-round ratios to the baseline of the same round.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pglast
import sqlglot

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dialects.postgres.frontend import clear_cache, parse_pg  # noqa: E402
from dialects.postgres.lower import Lowerer  # noqa: E402
from sqlparser import new_parser  # noqa: E402
from sqlparser.ir import Unlowerable as Unsupported  # noqa: E402


def statements(limit: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from tests.corpus._corpus import load_corpus

    parser = new_parser("postgres", portable_names=False)
    out = []
    for row in load_corpus("postgres"):
        if not row["syntax_ok"] or row["kind"] not in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            continue
        try:
            sqlglot.parse_one(row["sql"], read="postgres")
            if parser.parse(row["sql"]).tree is None:
                continue
        except Exception:  # only statements both sides handle are compared
            continue
        out.append(row["sql"])
        if len(out) >= limit:
            break
    return out


def timed(fn: Callable[[str], object], sqls: list[str], *, cold: bool = True) -> float:
    """CPU seconds per statement of one pass (waiting for a core on a shared machine does not count).
    `cold`: the caches are cleared first; else every text is seen twice first, so that the
    statement cache holds its tree (a text's first repeat is what stores it)."""
    if cold:
        clear_cache()
    else:
        for _ in range(2):
            for sql in sqls:
                fn(sql)
    start = time.process_time()
    for sql in sqls:
        fn(sql)
    return (time.process_time() - start) / len(sqls)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--limit", type=int, default=400)  # below the cache size, for the cached row
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    sqls = statements(args.limit)
    parser = new_parser("postgres", portable_names=False)

    def lower_only(sql: str) -> object:
        node, _compat = parse_pg(sql)
        try:
            return Lowerer(text=sql).statement(node)
        except Unsupported:
            return None

    def parse_and_print(sql: str) -> str:
        return parser.render(parser.parse(sql).tree)

    def baseline(s: str) -> object:
        return sqlglot.parse_one(s, read="postgres")

    rows: dict[str, tuple[Callable[[str], object], bool]] = {
        "pglast.parse_sql": (pglast.parse_sql, True),
        "libpg_query JSON": (lambda s: json.loads(pglast.parser.parse_sql_json(s)), True),
        "front end, unchecked": (lower_only, True),
        "front end (parse)": (parser.parse, True),
        "parse + native print": (parse_and_print, True),
        "parse, cached text": (parser.parse, False),
        "sqlglot parse + generate": (lambda s: sqlglot.parse_one(s, read="postgres").sql("postgres"), True),
    }
    # Every round times the baseline and each row once, in turn, so that a change of load on the
    # machine moves both sides of a ratio; the median of the per-round ratios is the result.
    ratios: dict[str, list[float]] = {name: [] for name in rows}
    base_times = []
    for _ in range(args.repeat):
        base = timed(baseline, sqls)
        base_times.append(base)
        for name, (fn, cold) in rows.items():
            ratios[name].append(timed(fn, sqls, cold=cold) / base)
    base_us = statistics.median(base_times) * 1e6
    print(f"{len(sqls)} statements; baseline sqlglot parse_one(read='postgres') = {base_us:.1f} us/stmt (CPU)")
    print(f"{'row':28} {'ratio':>7}  (min..max of {args.repeat} rounds)")
    result: dict[str, Any] = {"statements": len(sqls), "baseline_us": base_us, "ratios": {}}
    for name, values in ratios.items():
        ratio = statistics.median(values)
        result["ratios"][name] = round(ratio, 3)
        print(f"{name:28} {ratio:7.2f}  ({min(values):.2f}..{max(values):.2f})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
