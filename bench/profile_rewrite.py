"""Where the time of issue 16's case goes: cProfile of `parse_and_modify_sql` over unique
statements (8 shapes, unique literals, a rename map), top costs by own time and by cumulative time.

    python bench/profile_rewrite.py [--dialect sqlite] [--statements 2000] [--top 5] [--corpus [--passes N]]

`--corpus` profiles the corpus variant instead: every accepted DML statement of the dialect's
corpus (`parse_rewrite.corpus_dml`), each seen once per pass, the front end's caches cleared
before each pass (as `parse_rewrite.py` does), so nothing is served from the statement or shape cache.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.parse_rewrite import MAPPING, corpus_dml, unique_statements
from sqlparser import new_parser
from sqlparser.registry import dialects_by_name


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dialect", action="append")
    ap.add_argument("--statements", type=int, default=2000)
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--corpus", action="store_true", help="profile the corpus variant (statements seen once)")
    ap.add_argument("--passes", type=int, default=2, help="cold passes over the corpus (with --corpus)")
    args = ap.parse_args()
    for dialect in args.dialect or sorted(dialects_by_name()):
        p = new_parser(dialect, style="native")
        if args.corpus:
            profile_corpus(p, dialect, args.passes, args.top)
            continue
        warm, stmts = unique_statements(2, args.statements)
        for s in warm[:64]:
            p.parse_and_modify_sql(s, MAPPING)
        prof = cProfile.Profile()
        prof.enable()
        for s in stmts:
            p.parse_and_modify_sql(s, MAPPING)
        prof.disable()
        print(f"\n== {dialect}: {len(stmts)} unique statements")
        stats = pstats.Stats(prof)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top * 5)
    return 0


def profile_corpus(p: object, dialect: str, passes: int, top: int) -> None:
    """cProfile over `passes` cold passes of the corpus DML (every statement a cache miss)."""
    stmts = corpus_dml(dialect)  # also the warm-up: imports, sqlglot's caches
    # The front end module's clear_cache also forgets the per-shape verdicts (PostgreSQL's
    # round-trip check): each pass starts as cold as a first sight.
    clear = sys.modules[type(p.frontend).__module__].clear_cache  # type: ignore[attr-defined]
    prof = cProfile.Profile()
    for _ in range(passes):
        clear()
        prof.enable()
        for s in stmts:
            p.parse_and_modify_sql(s, MAPPING)  # type: ignore[attr-defined]
        prof.disable()
    print(f"\n== {dialect}: corpus DML, {len(stmts)} statements x {passes} cold passes")
    stats = pstats.Stats(prof)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top * 5)


if __name__ == "__main__":
    sys.exit(main())
