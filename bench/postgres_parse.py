"""Per-statement cost of the PostgreSQL front end, as ratios of sqlglot's `read="postgres"` measured
in the same run on the same statements (the corpus's valid SELECT/INSERT/UPDATE/DELETE that both
parse).

    python bench/postgres_parse.py [--repeat 3] [--limit 400] [--json out.json]

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

Ratios, not absolute times, are the result: the machine is shared and noisy. The best of
`--repeat` runs is taken for every row.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

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


def best_of(fn: Callable[[str], object], sqls: list[str], repeat: int, *, cold: bool = True) -> float:
    best = float("inf")
    for _ in range(repeat):
        if cold:
            clear_cache()
        start = time.perf_counter()
        for sql in sqls:
            fn(sql)
        best = min(best, time.perf_counter() - start)
    return best / len(sqls)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
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

    baseline = best_of(lambda s: sqlglot.parse_one(s, read="postgres"), sqls, args.repeat)
    rows = {
        "pglast.parse_sql": best_of(pglast.parse_sql, sqls, args.repeat),
        "libpg_query JSON": best_of(lambda s: json.loads(pglast.parser.parse_sql_json(s)), sqls, args.repeat),
        "front end, unchecked": best_of(lower_only, sqls, args.repeat),
        "front end (parse)": best_of(parser.parse, sqls, args.repeat),
        "parse + native print": best_of(parse_and_print, sqls, args.repeat),
        "parse, cached text": best_of(parser.parse, sqls, args.repeat, cold=False),
        "sqlglot parse + generate": best_of(lambda s: sqlglot.parse_one(s, read="postgres").sql("postgres"),
                                            sqls, args.repeat),
    }
    print(f"{len(sqls)} statements; baseline sqlglot parse_one(read='postgres') = {baseline * 1e6:.1f} us/stmt")
    print(f"{'row':28} {'ratio':>7}")
    result = {"statements": len(sqls), "baseline_us": baseline * 1e6, "ratios": {}}
    for name, cost in rows.items():
        ratio = cost / baseline
        result["ratios"][name] = round(ratio, 3)
        print(f"{name:28} {ratio:7.2f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
