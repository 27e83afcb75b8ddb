"""Where the time of issue 16's case goes: cProfile of `parse_and_modify_sql` over unique
statements (8 shapes, unique literals, a rename map), top costs by own time and by cumulative time.

    python bench/profile_rewrite.py [--dialect sqlite] [--statements 2000] [--top 5]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.parse_rewrite import MAPPING, unique_statements
from sqlparser import new_parser
from sqlparser.registry import dialects_by_name


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dialect", action="append")
    ap.add_argument("--statements", type=int, default=2000)
    ap.add_argument("--top", type=int, default=5)
    args = ap.parse_args()
    for dialect in args.dialect or sorted(dialects_by_name()):
        p = new_parser(dialect, style="native")
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


if __name__ == "__main__":
    sys.exit(main())
