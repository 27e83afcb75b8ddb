"""Same-process A/B of the rename pass and the native printer on statements seen once (the corpus).

    python bench/ab_walks.py [--rev REV] [--rounds 11] [--dialect mysql] [--rewrite]

Over every accepted DML statement of the dialect's corpus (`parse_rewrite.corpus_dml`), parsed
once by the front end (caches off) into two equal sets of trees per round, old and new alternate
round by round in this process:

- rename: `rename_tables` with `parse_rewrite.MAPPING` (sqlparser/passes/rename.py + scopes.py
  loaded from git at REV next to the current ones);
- render: `render_native(tree, consume=False)` as the contract calls it, with the dialect's native
  normalizers from dialects/<d>/native.py and formatter/native.py at REV against the current ones.

`--rewrite`: the whole `parse_and_modify_sql` over the corpus instead, the front end's caches
and the result memo cleared before each side's round (every statement a miss, as in
`parse_rewrite.py`'s corpus variant); the old side is a parser whose dialect has the native
normalizers at REV, with `sqlparser.contract.rename_tables_reporting` pointed at the rename pass at REV
while it runs. Everything else (front end, other passes, sqlglot) is shared.

Both sides are first checked to give the same output (or the same error) for every statement.
The result is the median of the per-round ratios new/old (lowest..highest round) and the mean CPU
time per statement of each side.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ab_passes import _alternate, _frontend, _old_native, _old_passes  # noqa: E402
from bench.ab_rewrite import load_old  # noqa: E402
from bench.parse_rewrite import MAPPING, corpus_dml  # noqa: E402

DIALECTS = ("mysql", "postgres", "sqlite")


def _outcome(fn: Any, tree: Any) -> object:
    try:
        return fn(tree)
    except Exception as err:  # an error is an outcome to compare
        return (type(err).__name__, str(err))


def _trees(frontend: Any, stmts: list[str]) -> list[Any]:
    return [frontend.parse(s).tree for s in stmts]


def _safe(fn: Any) -> Any:
    def call(tree: Any) -> object:
        try:
            return fn(tree)
        except Exception:  # refusals cost time too; the outcomes were compared first
            return None
    return call


def ab(dialect: str, rev: str, rounds: int) -> None:
    import formatter.native as new_native
    import sqlparser.passes.rename as new_rename

    old_rename = _old_passes(rev)
    old_printer = _old_native(rev)
    # sqlglot registers a dialect class by its name: the old PostgreSQL one gets its own.
    old_norm = load_old(f"_old_{dialect}_native", rev, f"dialects/{dialect}/native.py",
                        (("class CozelitePostgres(", "class OldCozelitePostgres("),))
    p, frontend = _frontend(dialect)
    old_dialect = dataclasses.replace(p.dialect, native_normalizers=tuple(old_norm.NATIVE_NORMALIZERS))
    stmts = []
    for s in corpus_dml(dialect):
        tree = frontend.parse(s).tree
        if tree is not None:
            stmts.append(s)

    def rn_old(tree: Any) -> object:
        return old_rename.rename_tables(tree, MAPPING)

    def rn_new(tree: Any) -> object:
        return new_rename.rename_tables(tree, MAPPING)

    def pr_old(tree: Any) -> str:
        return old_printer.render_native(tree, dialect=old_dialect, quote_names=True, consume=False)  # type: ignore[no-any-return]

    def pr_new(tree: Any) -> str:
        return new_native.render_native(tree, dialect=p.dialect, quote_names=True, consume=False)

    a, b = _trees(frontend, stmts), _trees(frontend, stmts)
    for x, y in zip(a, b, strict=True):
        ox = _outcome(rn_old, x)
        oy = _outcome(rn_new, y)
        assert (ox if isinstance(ox, tuple) else repr(x)) == (oy if isinstance(oy, tuple) else repr(y))
        assert _outcome(pr_old, x) == _outcome(pr_new, y)
    print(f"{dialect}: {len(stmts)} corpus statements, same outcomes on both sides")
    batches = [(_trees(frontend, stmts), _trees(frontend, stmts)) for _ in range(rounds + 1)]
    _alternate(_safe(rn_old), _safe(rn_new), batches, f"{dialect} rename_tables")
    renamed = []
    for old_trees, new_trees in batches:
        # The printer's input: the trees the rename kept (a refused statement is never printed).
        renamed.append(([t for t in old_trees if _outcome(rn_old, t) is t],
                        [t for t in new_trees if _outcome(rn_new, t) is t]))
    _alternate(_safe(pr_old), _safe(pr_new), renamed, f"{dialect} native render (renamed trees)")


def ab_rewrite(dialect: str, rev: str, rounds: int) -> None:
    import statistics
    import time

    import sqlparser.contract
    from bench.ab_rewrite import report
    from sqlparser import new_parser, result_cache

    contract: Any = sqlparser.contract  # its `rename_tables_reporting` is swapped per side
    old_rename = _old_passes(rev)
    old_norm = load_old(f"_old_{dialect}_native", rev, f"dialects/{dialect}/native.py",
                        (("class CozelitePostgres(", "class OldCozelitePostgres("),))
    new_p = new_parser(dialect, style="native")
    old_p = new_parser(dialect, style="native")
    old_p.dialect = dataclasses.replace(old_p.dialect, native_normalizers=tuple(old_norm.NATIVE_NORMALIZERS))
    new_fn = contract.rename_tables_reporting
    old_fn = getattr(old_rename, "rename_tables_reporting", None)
    if old_fn is None:  # REV before the pass said whether it changed the tree: it always may have
        def old_fn(tree: Any, table_columns: Any, names: Any = None) -> tuple[Any, bool]:
            return old_rename.rename_tables(tree, table_columns), True
    clear_frontend = sys.modules[type(new_p.frontend).__module__].clear_cache
    stmts = corpus_dml(dialect)

    def side(p: Any, rename: Any) -> tuple[float, list[object]]:
        clear_frontend()
        result_cache.clear()
        contract.rename_tables_reporting = rename
        out: list[object] = []
        try:
            start = time.process_time()
            for s in stmts:
                try:
                    out.append(p.parse_and_modify_sql(s, MAPPING))
                except Exception as err:  # an error is an outcome too
                    out.append((type(err).__name__, str(err)))
            return time.process_time() - start, out
        finally:
            contract.rename_tables_reporting = new_fn

    assert side(old_p, old_fn)[1] == side(new_p, new_fn)[1]
    print(f"{dialect}: {len(stmts)} corpus statements, same outcomes on both sides")
    old_t: list[float] = []
    new_t: list[float] = []
    for i in range(rounds + 1):
        order = ((old_p, old_fn, old_t), (new_p, new_fn, new_t))
        for p, fn, times in (order if i % 2 == 0 else order[::-1]):
            elapsed = side(p, fn)[0]
            if i:
                times.append(elapsed)
    report(f"{dialect} parse_and_modify_sql, corpus, cold", old_t, new_t, len(stmts))
    print(f"    fastest round new/old {min(new_t) / min(old_t):.3f}; "
          f"median old {statistics.median(old_t) / len(stmts) * 1e6:.1f} us")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rev", default="ef3130e", help="the older version (a git revision)")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--dialect", choices=DIALECTS, action="append")
    ap.add_argument("--rewrite", action="store_true", help="the whole parse_and_modify_sql, old against new")
    args = ap.parse_args()
    for dialect in args.dialect or DIALECTS:
        (ab_rewrite if args.rewrite else ab)(dialect, args.rev, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
