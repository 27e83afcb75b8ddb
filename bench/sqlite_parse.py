"""Per-statement cost of the SQLite front end (our ANTLR grammar), as ratios of sqlglot's
`read="sqlite"` parse + generate measured in the same run on the same statements (the corpus's
valid SELECT/INSERT/UPDATE/DELETE that both parse).

    python bench/sqlite_parse.py [--repeat 3] [--limit 1000] [--json out.json]

Rows (each a ratio to sqlglot `parse_one(sql, read="sqlite").sql("sqlite")`, and absolute ms per
statement for reference):
    cold                 first pass in a "fresh process": ANTLR's prediction DFA emptied
    warm                 the same statements again, statement cache off (DFA built)
    cached               texts seen before, statement cache on (hands out a copy of the tree);
                         a working set of CACHE_SIZE statements, scaled to the same count
    warm, parse tree     ANTLR alone (tokens + parse tree, no IR): what validity costs
    warm, LL only        ablation: no SLL first stage
    warm, ANTLR lexer    ablation: ANTLR's generated lexer instead of dialects/sqlite/tokens.py
    warm, GC on          ablation: Python's cyclic GC left running during the parse
    warm-up cost         what `dialects.sqlite.frontend.warm_up()` takes, and the first real
                         statement's cost with and without it
Then linear growth: nesting depth and INSERT row count through the contract (get_sql_operation),
time per level / per row should stay flat.

    python bench/sqlite_parse.py --profile 5

instead profiles issue 16's corpus variant: `parse_and_modify_sql` (rename map) over every
accepted DML statement of the corpus that sqlglot also takes, statement and shape caches cleared
first (each statement seen once; ANTLR's prediction DFA warm, as in a running app); prints the
top N by own time and the share of the front end's stages.

Ratios, not absolute times, are the result: the machine is shared and noisy. CPU time
(time.process_time) of the best of `--repeat` runs is taken for every row.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sqlglot

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dialects.sqlite import frontend as sqlite_frontend  # noqa: E402
from dialects.sqlite import parsing  # noqa: E402
from dialects.sqlite.frontend import SQLiteFrontend, clear_cache, warm_up  # noqa: E402
from sqlparser import new_parser  # noqa: E402


def statements(limit: int) -> list[str]:
    from tests.corpus._corpus import load_corpus

    frontend = SQLiteFrontend(portable_names=False, cache=False)
    out = []
    for row in load_corpus("sqlite"):
        if not row["syntax_ok"] or row["kind"] not in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            continue
        try:
            tree = sqlglot.parse_one(row["sql"], read="sqlite")
            if isinstance(tree, sqlglot.exp.Command) or frontend.parse(row["sql"]).tree is None:
                continue
        except Exception:  # only statements both sides handle are compared
            continue
        out.append(row["sql"])
        if len(out) >= limit:
            break
    return out


def cpu(fn: Callable[[], object], repeat: int, before: Callable[[], object] | None = None) -> float:
    best = float("inf")
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--repeat", type=int, default=3)
    args.add_argument("--limit", type=int, default=1000)
    args.add_argument("--json", type=Path)
    args.add_argument("--profile", type=int, metavar="N", help="profile the corpus rewrite instead; top N")
    opts = args.parse_args()
    if opts.profile:
        profile_corpus(opts.profile)
        return

    sqls = statements(opts.limit)
    n = len(sqls)
    uncached = SQLiteFrontend(portable_names=False, cache=False)
    cached = SQLiteFrontend(portable_names=False, cache=True)

    def ours(frontend: SQLiteFrontend = uncached) -> None:
        for sql in sqls:
            frontend.parse(sql)

    def trees() -> None:
        for sql in sqls:
            parsing.parse_tree(sql)

    def glot() -> None:
        for sql in sqls:
            sqlglot.parse_one(sql, read="sqlite").sql("sqlite")

    rows: dict[str, float] = {}
    rows["sqlglot parse+generate"] = cpu(glot, opts.repeat)
    rows["cold"] = cpu(ours, opts.repeat, before=parsing.reset_prediction_cache)
    ours()
    rows["warm"] = cpu(ours, opts.repeat)
    # The cache holds CACHE_SIZE statements: time a working set that fits (a copy of each tree).
    fits = sqls[:sqlite_frontend.CACHE_SIZE]
    clear_cache()
    for sql in fits:
        cached.parse(sql)
    rows["cached"] = cpu(lambda: [cached.parse(sql) for sql in fits], opts.repeat) * n / len(fits)
    rows["warm, parse tree"] = cpu(trees, opts.repeat)
    parsing.sll_first = False
    try:
        ours()
        rows["warm, LL only"] = cpu(ours, opts.repeat)
    finally:
        parsing.sll_first = True
    parsing.use_antlr_lexer = True
    try:
        rows["warm, ANTLR lexer"] = cpu(ours, opts.repeat)
    finally:
        parsing.use_antlr_lexer = False
    sqlite_frontend.pause_gc = False
    try:
        rows["warm, GC on during parse"] = cpu(ours, opts.repeat)
    finally:
        sqlite_frontend.pause_gc = True

    base = rows["sqlglot parse+generate"]
    report: dict[str, object] = {"statements": n, "rows": {}}
    print(f"{n} statements (corpus SELECT/INSERT/UPDATE/DELETE both parse), best of {opts.repeat}, CPU time")
    print(f"{'':28s} {'ms/stmt':>9s} {'x sqlglot':>10s}")
    for name, seconds in rows.items():
        print(f"{name:28s} {1000 * seconds / n:9.3f} {seconds / base:10.2f}")
        report["rows"][name] = {"ms_per_statement": 1000 * seconds / n, "ratio_to_sqlglot": seconds / base}

    # Warm-up: the first statement of a fresh process, with and without warm_up().
    first = sqls[0]
    parsing.reset_prediction_cache()
    cold_first = cpu(lambda: uncached.parse(first), 1)
    parsing.reset_prediction_cache()
    warm_up_cost = cpu(warm_up, 1)
    after_first = cpu(lambda: uncached.parse(sqls[1]), 1)
    parsing.reset_prediction_cache()
    cold_second = cpu(lambda: uncached.parse(sqls[1]), 1)
    print(f"\nwarm_up() {1000 * warm_up_cost:.1f} ms; a new statement right after it "
          f"{1000 * after_first:.2f} ms, without it {1000 * cold_second:.2f} ms "
          f"(first statement of a fresh process {1000 * cold_first:.2f} ms)")
    report["warm_up"] = {"cost_ms": 1000 * warm_up_cost, "next_statement_ms": 1000 * after_first,
                         "next_statement_without_ms": 1000 * cold_second}

    # Linear growth through the contract (the depth guard runs deep statements on a big stack).
    parser = new_parser("sqlite", portable_names=False)
    parser.memo = None  # the result memo would answer the repeats without parsing
    print("\ngrowth (through SQLParser.get_sql_operation, statement cache cleared each time):")
    growth: dict[str, list] = {"depth": [], "rows": []}
    for depth in (25, 50, 100, 200, 400):
        sql = "SELECT " + "(" * depth + "1" + ")" * depth + " FROM t"
        seconds = cpu(lambda sql=sql: parser.get_sql_operation(sql), opts.repeat, before=clear_cache)
        growth["depth"].append((depth, seconds))
        print(f"  nesting depth {depth:5d}: {1000 * seconds:8.2f} ms  ({1e6 * seconds / depth:7.1f} us/level)")
    for count in (125, 250, 500, 1000):
        sql = "INSERT INTO t (a, b, c) VALUES " + ", ".join(f"({i}, 'v{i}', NULL)" for i in range(count))
        seconds = cpu(lambda sql=sql: parser.get_sql_operation(sql), opts.repeat, before=clear_cache)
        glot_seconds = cpu(lambda sql=sql: sqlglot.parse_one(sql, read="sqlite"), opts.repeat)
        growth["rows"].append((count, seconds, glot_seconds))
        print(f"  INSERT rows  {count:5d}: {1000 * seconds:8.2f} ms  ({1e6 * seconds / count:7.1f} us/row, "
              f"{seconds / glot_seconds:.2f} x sqlglot parse)")
    report["growth"] = growth
    if opts.json:
        opts.json.write_text(json.dumps(report, indent=2))


def profile_corpus(top: int) -> None:
    import cProfile
    import pstats

    from bench.parse_rewrite import MAPPING, corpus_dml

    parser = new_parser("sqlite", style="native")
    sqls = corpus_dml("sqlite")
    for sql in sqls:  # warm: imports, sqlglot's caches, ANTLR's prediction DFA
        parser.parse_and_modify_sql(sql, MAPPING)
    clear_cache()
    prof = cProfile.Profile()
    prof.enable()
    for sql in sqls:
        parser.parse_and_modify_sql(sql, MAPPING)
    prof.disable()
    stats = pstats.Stats(prof)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_cc, _nc, _tt, ct, _callers) in raw.values())
    stages = {
        "front end (cache miss)": ("sqlparser/frontend.py", "_parse_shaped"),
        "  ANTLR parse tree (incl. tokens)": ("dialects/sqlite/parsing.py", "parse_tree"),
        "  shape key (scan)": ("dialects/sqlite/frontend.py", "_shape"),
        "  lowering": ("dialects/sqlite/lower.py", "statement"),
        "  validation": ("dialects/sqlite/rules.py", "validate"),
        "rename pass": ("sqlparser/passes/rename.py", "rename_tables"),
        "render": ("sqlparser/contract.py", "_render"),
    }
    print(f"{len(sqls)} corpus DML statements through parse_and_modify_sql, each seen once (caches cleared), "
          f"cProfile (inflates Python calls)")
    for label, (path, func) in stages.items():
        cum = sum(ct for (file, _line, name), (_cc, _nc, _tt, ct, _c) in raw.items()
                  if file.endswith(path) and name == func)
        print(f"  {label:36s} {100 * cum / total:5.1f}%")
    stats.sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main()
