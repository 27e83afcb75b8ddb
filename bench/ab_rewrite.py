"""Same-process A/B of one piece of the rewrite: an older version of the code against this tree.

    python bench/ab_rewrite.py rename [--rev 31fd300]   # rename_tables alone (passes/rename.py + scopes.py)
    python bench/ab_rewrite.py hit [--rev 31fd300]      # the statement cache's hit (sqlparser/frontend.py)
    python bench/ab_rewrite.py sqlite-parse             # SQLite front end: ANTLR's parser methods vs ours
    python bench/ab_rewrite.py shape                    # front end, statement-shape cache off vs on

The older version is loaded from git (`git show REV:path`) as a second module next to the current
one, so both run in this process, alternating round by round over the same unique statements
(`bench/parse_rewrite.py`'s 8 shapes). Each A/B first asserts that both sides give the same result.
The output is the median of the per-round ratios new/old (lowest..highest round) and the mean
CPU time per statement of each side.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.parse_rewrite import MAPPING, UNIQUE_SHAPES, unique_statements  # noqa: E402
from sqlparser import new_parser  # noqa: E402

DIALECTS = ("mysql", "postgres", "sqlite")


def load_old(name: str, rev: str, path: str, replace: tuple[tuple[str, str], ...] = ()) -> types.ModuleType:
    source = subprocess.check_output(["git", "show", f"{rev}:{path}"], text=True, cwd=ROOT)
    for old, new in replace:
        source = source.replace(old, new)
    module = types.ModuleType(name)
    module.__file__ = f"<{rev}:{path}>"
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # our own file, as it was at REV
    return module


def report(label: str, old: list[float], new: list[float], per_round: int) -> None:
    ratios = [n / o for o, n in zip(old, new, strict=True)]
    old_us, new_us = statistics.mean(old) / per_round * 1e6, statistics.mean(new) / per_round * 1e6
    print(f"{label}: old {old_us:.1f} us, new {new_us:.1f} us per statement; "
          f"new/old median {statistics.median(ratios):.3f} "
          f"({min(ratios):.2f}..{max(ratios):.2f}, {len(ratios)} rounds)")


def timed(fn: Callable[[Any], object], items: list[Any]) -> float:
    """CPU time of `fn` over `items`."""
    start = time.process_time()
    for item in items:
        fn(item)
    return time.process_time() - start


def ab_rename(rev: str, rounds: int) -> None:
    import sqlparser.passes.rename as new_rename

    load_old("_old_scopes", rev, "sqlparser/passes/scopes.py")
    old_rename = load_old("_old_rename", rev, "sqlparser/passes/rename.py",
                          (("from sqlparser.passes.scopes import", "from _old_scopes import"),))
    for dialect in DIALECTS:
        p = new_parser(dialect, style="native")
        frontend: Any = p.dialect.frontend(portable_names=p.portable_names, cache=False)
        old_t: list[float] = []
        new_t: list[float] = []
        for i, stmts in enumerate(unique_statements(rounds + 1, 200)):
            trees_old = [frontend.parse(s).tree for s in stmts]
            trees_new = [frontend.parse(s).tree for s in stmts]
            a = timed(lambda tree: old_rename.rename_tables(tree, MAPPING), trees_old)
            b = timed(lambda tree: new_rename.rename_tables(tree, MAPPING), trees_new)
            assert [t.sql() for t in trees_old] == [t.sql() for t in trees_new]
            if i:  # the first round warms both up
                old_t.append(a)
                new_t.append(b)
        report(f"{dialect} rename_tables", old_t, new_t, 200)


def ab_hit(rev: str, rounds: int) -> None:
    import sqlparser.frontend as new_frontend

    old_frontend = load_old("_old_frontend", rev, "sqlparser/frontend.py")
    for dialect in DIALECTS:
        p = new_parser(dialect, style="native")
        frontend: Any = p.dialect.frontend(portable_names=p.portable_names, cache=False)
        stmts = [shape.format(n=7) for shape in UNIQUE_SHAPES]
        old_cache, new_cache = old_frontend.StatementCache(100), new_frontend.StatementCache(100)
        for cache in (old_cache, new_cache):
            for s in stmts * 2:  # the second sight keeps the tree
                cache.parse(s, frontend._parse_checked)
        for s in stmts:
            a, b = old_cache.parse(s, frontend._parse_checked).tree, new_cache.parse(s, frontend._parse_checked).tree
            assert a == b and a.sql() == b.sql()
            extras = [[(n._meta or None, n.comments) for n in tree.walk()] for tree in (a, b)]
            assert extras[0] == extras[1]
        old_t: list[float] = []
        new_t: list[float] = []
        parse = frontend._parse_checked
        for _ in range(rounds):
            old_t.append(timed(partial(old_cache.parse, parse=parse), stmts * 60))
            new_t.append(timed(partial(new_cache.parse, parse=parse), stmts * 60))
        report(f"{dialect} cache hit", old_t, new_t, 60 * len(stmts))


def ab_shape(rounds: int) -> None:
    """The front end (statement cache on, every text new) with the shape cache off ("old") and on
    ("new"), alternating; first, every statement built from a template equals a full parse."""
    from sqlparser import shapes

    for dialect in DIALECTS:
        p = new_parser(dialect, style="native")
        frontend: Any = p.frontend
        full: Any = p.dialect.frontend(portable_names=p.portable_names, cache=False)
        type(frontend).clear_cache()
        batches = unique_statements(rounds + 1, 200)
        for s in batches[0]:
            assert shapes.same_tree(frontend.parse(s).tree, full.parse(s).tree), s
        old_t: list[float] = []
        new_t: list[float] = []
        for i, stmts in enumerate(batches[1:]):
            halves = {False: stmts[:100], True: stmts[100:]}
            for on in ((False, True) if i % 2 else (True, False)):
                shapes.enabled = on
                (new_t if on else old_t).append(timed(frontend.parse, halves[on]))
        shapes.enabled = True
        report(f"{dialect} front end, shape cache off -> on", old_t, new_t, 100)
        print(f"  {frontend._shapes.stats}")


def ab_sqlite_parse(rounds: int) -> None:
    import dialects.sqlite.parsing as parsing
    from dialects.sqlite._generated.SQLiteParser import SQLiteParser

    p = new_parser("sqlite", style="native")
    frontend = p.dialect.frontend(portable_names=p.portable_names, cache=False)

    def use(cls: type[SQLiteParser]) -> None:
        parsing._PARSER = cls
        parsing._local.parser = None

    batches = unique_statements(rounds + 1, 160)
    for s in batches[0]:
        use(SQLiteParser)
        a = frontend.parse(s).tree
        use(parsing._Parser)
        b = frontend.parse(s).tree
        assert a == b and a is not None and b is not None and a.sql() == b.sql()
    old_t: list[float] = []
    new_t: list[float] = []
    for i, stmts in enumerate(batches[1:]):
        for cls in ((SQLiteParser, parsing._Parser) if i % 2 else (parsing._Parser, SQLiteParser)):
            use(cls)
            frontend.parse(stmts[0])
            (old_t if cls is SQLiteParser else new_t).append(timed(frontend.parse, stmts))
    use(parsing._Parser)
    report("sqlite front end (cache off), generated parser class vs _Parser", old_t, new_t, 160)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("rename", "hit", "sqlite-parse", "shape"))
    ap.add_argument("--rev", default="31fd300", help="the older version (a git revision)")
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    if args.what == "rename":
        ab_rename(args.rev, args.rounds)
    elif args.what == "hit":
        ab_hit(args.rev, args.rounds)
    elif args.what == "shape":
        ab_shape(args.rounds)
    else:
        ab_sqlite_parse(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
