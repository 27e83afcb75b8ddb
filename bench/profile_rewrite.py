"""Where the time of issue 16's case goes: cProfile of `parse_and_modify_sql` over unique
statements (8 shapes, unique literals, a rename map), top costs by own time and by cumulative time.

    python bench/profile_rewrite.py [--dialect sqlite] [--statements 2000] [--top 5] [--corpus [--passes N]]
    python bench/profile_rewrite.py --dialect postgres --ab REV [--rounds 11] [--ab-unique]

`--corpus` profiles the corpus variant instead: every accepted DML statement of the dialect's
corpus (`parse_rewrite.corpus_dml`), each seen once per pass, the front end's caches cleared
before each pass (as `parse_rewrite.py` does), so nothing is served from the statement or shape cache.

`--ab REV` is the same-process A/B of a change to the front ends: the `dialects` package as it
was at REV (`git archive`, imported as `dialects_rev`) against this tree's, both front ends
parsing the corpus DML cold (caches cleared), alternating round by round. It first checks that
both give the same outcome for every statement (operation, unsupported construct, table, the IR's
repr, or the error), then prints the median of the per-round ratios new/old. Both sides share
everything outside `dialects` (sqlparser, sqlglot; for PostgreSQL, sqlglot's registered
"cozelitepostgres" class stays this tree's, and REV's modules use it too). `--ab-unique`: over
the unique statements instead (8 shapes, 400 new texts a round, caches warm from 400 others: the
shape cache's case).
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import importlib
import io
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.parse_rewrite import MAPPING, corpus_dml, unique_statements
from sqlparser import new_parser, result_cache
from sqlparser.registry import dialects_by_name


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dialect", action="append")
    ap.add_argument("--statements", type=int, default=2000)
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--corpus", action="store_true", help="profile the corpus variant (statements seen once)")
    ap.add_argument("--passes", type=int, default=2, help="cold passes over the corpus (with --corpus)")
    ap.add_argument("--ab", metavar="REV", help="A/B of the front end: the dialects package at REV vs this tree")
    ap.add_argument("--rounds", type=int, default=11, help="rounds of the A/B (with --ab)")
    ap.add_argument("--ab-unique", action="store_true", help="the A/B over unique statements, not the corpus")
    args = ap.parse_args()
    for dialect in args.dialect or sorted(dialects_by_name()):
        if args.ab:
            ab_frontend(dialect, args.ab, args.rounds, args.ab_unique)
            continue
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
    # round-trip check), and the result memo is emptied: each pass starts as cold as a first
    # sight (without it, a later pass would key and keep every result, or be served by the memo).
    clear_frontend = sys.modules[type(p.frontend).__module__].clear_cache  # type: ignore[attr-defined]
    prof = cProfile.Profile()
    for _ in range(passes):
        clear_frontend()
        result_cache.clear()
        prof.enable()
        for s in stmts:
            p.parse_and_modify_sql(s, MAPPING)  # type: ignore[attr-defined]
        prof.disable()
    print(f"\n== {dialect}: corpus DML, {len(stmts)} statements x {passes} cold passes")
    stats = pstats.Stats(prof)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top * 5)


_IMPORT = re.compile(r"^(\s*)(from|import) dialects(?=[. ])", re.M)


def _frontend_at(rev: str, dialect: str) -> tuple[Any, Callable[[], None]]:
    """(the front end class, its module's clear_cache) of `dialect` as the dialects package was at `rev`."""
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.check_output(["git", "archive", rev, "dialects"], cwd=root)
    target = Path(tempfile.mkdtemp(prefix="dialects_rev_"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    package = target / "dialects_rev"
    (target / "dialects").rename(package)
    for path in package.rglob("*.py"):
        path.write_text(_IMPORT.sub(r"\1\2 dialects_rev", path.read_text(encoding="utf-8")), encoding="utf-8")
    sys.path.insert(0, str(target))
    from sqlglot.dialects.dialect import Dialect as SqlglotDialect

    registered = dict(SqlglotDialect._classes)  # type: ignore[attr-defined]
    module = importlib.import_module(f"dialects_rev.{dialect}.frontend")
    old_class = importlib.import_module(f"dialects_rev.{dialect}").DIALECT.frontend
    # REV's import registered its own copies of this tree's sqlglot dialect classes under the same
    # names; sqlglot's registry keeps this tree's, so REV's modules are pointed at those too (an
    # `isinstance(get_or_raise(name), TheirClass)` would otherwise fail on every statement).
    replaced = {SqlglotDialect._classes[name]: cls for name, cls in registered.items()  # type: ignore[attr-defined]
                if SqlglotDialect._classes.get(name, cls) is not cls}  # type: ignore[attr-defined]
    SqlglotDialect._classes.update(registered)  # type: ignore[attr-defined]
    for name, loaded in list(sys.modules.items()):
        if name.startswith("dialects_rev.") and loaded is not None:
            for attr, value in list(vars(loaded).items()):
                if isinstance(value, type) and value in replaced:
                    setattr(loaded, attr, replaced[value])
    return old_class, module.clear_cache


def ab_frontend(dialect: str, rev: str, rounds: int, unique: bool = False) -> None:
    """Same-process A/B of `dialect`'s front end over the corpus DML (or unique statements): REV's
    against this tree's."""
    if unique:  # warm-up texts, texts whose outcomes are compared, then new texts for each round
        warm, stmts, *per_round = unique_statements(rounds + 2, 400)
    else:
        warm, stmts, per_round = [], corpus_dml(dialect), [corpus_dml(dialect)] * rounds
    new_class = dialects_by_name()[dialect].frontend
    new_clear = sys.modules[new_class.__module__].clear_cache  # type: ignore[attr-defined]
    old_class, old_clear = _frontend_at(rev, dialect)
    sides = {"old": (old_class(portable_names=True), old_clear), "new": (new_class(portable_names=True), new_clear)}

    def outcome(frontend: Any, sql: str) -> tuple[Any, ...]:
        try:
            st = frontend.parse(sql)
        except Exception as err:  # compared, not raised: the error is part of the outcome
            return (type(err).__name__, str(err))
        return (str(st.operation), st.unsupported, st.table, repr(st.tree))

    for frontend, clear in sides.values():
        clear()
        for s in warm:
            frontend.parse(s)
    differ = sum(outcome(sides["old"][0], s) != outcome(sides["new"][0], s) for s in stmts)
    times: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(rounds):
        for label in ("old", "new") if r % 2 == 0 else ("new", "old"):
            frontend, clear = sides[label]
            if not unique:
                clear()
            start = time.process_time()
            for s in per_round[r]:
                frontend.parse(s)
            times[label].append(time.process_time() - start)
    ratios = [n / o for o, n in zip(times["old"], times["new"], strict=True)]
    per = {label: statistics.median(t) / len(stmts) * 1e6 for label, t in times.items()}
    what = "unique statements (new texts of known shapes)" if unique else "corpus DML statements, cold"
    print(f"== {dialect}: front end over {len(stmts)} {what}; {rev} vs this tree: "
          f"{differ} different outcomes")
    print(f"old {per['old']:.1f} µs, new {per['new']:.1f} µs per statement; new/old median "
          f"{statistics.median(ratios):.3f} ({min(ratios):.2f}..{max(ratios):.2f}, {rounds} rounds)")


if __name__ == "__main__":
    sys.exit(main())
