"""Same-process A/B of the rewrite after the front end: passes, tree rules, native printer, contract.

    python bench/ab_passes.py rename [--rev 7206215]      # rename_tables alone (passes/rename.py + scopes.py)
    python bench/ab_passes.py render [--rev 7206215]      # the native printer alone (formatter/native.py)
    python bench/ab_passes.py tree-rules [--rev 7206215]  # MySQL's check_tree alone (dialects/mysql/tree_rules.py)
    python bench/ab_passes.py rewrite [--rev 7206215]     # the whole parse_and_modify_sql, all of the above
                                                           # plus sqlparser/contract.py, old against new

The older files are loaded from git (`git show REV:path`) as modules of their own next to the
current ones (`bench/ab_rewrite.py` does the same for the front end's pieces), so both sides run in
this process, alternating round by round over unique statements (`bench/parse_rewrite.py`'s 8
shapes, unique literals). Each A/B first asserts that both sides give the same output. The result
is the median of the per-round ratios new/old (lowest..highest round) and the mean CPU time per
statement of each side.
"""

from __future__ import annotations

import argparse
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ab_rewrite import load_old, report, timed  # noqa: E402
from bench.parse_rewrite import MAPPING, unique_statements  # noqa: E402
from sqlparser import new_parser  # noqa: E402

DIALECTS = ("mysql", "postgres", "sqlite")
_SCOPES = (("from sqlparser.passes.scopes import", "from _old_scopes import"),)


def _frontend(dialect: str) -> Any:
    p = new_parser(dialect, style="native")
    return p, p.dialect.frontend(portable_names=p.portable_names, cache=False)


def _alternate(old: Callable[[Any], object], new: Callable[[Any], object], batches: list[tuple[list[Any], list[Any]]],
               label: str) -> None:
    """Round i: old over its items, new over its own (equal) items; the side that goes first alternates."""
    old_t: list[float] = []
    new_t: list[float] = []
    for i, (old_items, new_items) in enumerate(batches):
        if i % 2:
            b = timed(new, new_items)
            a = timed(old, old_items)
        else:
            a = timed(old, old_items)
            b = timed(new, new_items)
        if i:  # the first round warms both up
            old_t.append(a)
            new_t.append(b)
    report(label, old_t, new_t, len(batches[0][0]))
    # On a shared machine the fastest round of each side is the one least disturbed by the others.
    print(f"    fastest round: old {min(old_t) / len(batches[0][0]) * 1e6:.1f} us, "
          f"new {min(new_t) / len(batches[0][0]) * 1e6:.1f} us; new/old {min(new_t) / min(old_t):.3f}")


def _old_passes(rev: str) -> types.ModuleType:
    load_old("_old_scopes", rev, "sqlparser/passes/scopes.py")
    return load_old("_old_rename", rev, "sqlparser/passes/rename.py", _SCOPES)


def _old_native(rev: str) -> types.ModuleType:
    # The old printer is not registered as a style (the name is taken by the current one).
    return load_old("_old_native", rev, "formatter/native.py", (('@register_style("native")', ""),))


def ab_rename(rev: str, rounds: int, per_round: int) -> None:
    import sqlparser.passes.rename as new_rename

    old_rename = _old_passes(rev)
    for dialect in DIALECTS:
        _, frontend = _frontend(dialect)
        batches = []
        for stmts in unique_statements(rounds + 1, per_round):
            a = [frontend.parse(s).tree for s in stmts]
            b = [frontend.parse(s).tree for s in stmts]
            batches.append((a, b))
        for x, y in zip(*batches[0], strict=True):
            old_sql = old_rename.rename_tables(x.copy(), MAPPING).sql()
            assert old_sql == new_rename.rename_tables(y.copy(), MAPPING).sql()
        _alternate(lambda tree: old_rename.rename_tables(tree, MAPPING),
                   lambda tree: new_rename.rename_tables(tree, MAPPING), batches, f"{dialect} rename_tables")


def ab_render(rev: str, rounds: int, per_round: int) -> None:
    import formatter.native as new_native
    from sqlparser.passes.rename import rename_tables

    old_native = _old_native(rev)
    for dialect in DIALECTS:
        p, frontend = _frontend(dialect)
        batches = []
        for stmts in unique_statements(rounds + 1, per_round):
            a = [rename_tables(frontend.parse(s).tree, MAPPING) for s in stmts]
            b = [rename_tables(frontend.parse(s).tree, MAPPING) for s in stmts]
            batches.append((a, b))

        def old(tree: Any, d: Any = p.dialect) -> str:
            return old_native.render_native(tree, dialect=d, quote_names=False, consume=True)  # type: ignore[no-any-return]

        def new(tree: Any, d: Any = p.dialect) -> str:
            return new_native.render_native(tree, dialect=d, quote_names=False, consume=True)

        for x, y in zip(*batches[0], strict=True):
            assert old(x.copy()) == new(y.copy())
        _alternate(old, new, batches, f"{dialect} native render")


def ab_tree_rules(rev: str, rounds: int, per_round: int) -> None:
    import dialects.mysql.tree_rules as new_rules

    old_rules = load_old("_old_tree_rules", rev, "dialects/mysql/tree_rules.py")
    _, frontend = _frontend("mysql")
    batches = []
    for stmts in unique_statements(rounds + 1, per_round):
        batches.append(([(frontend.parse(s).tree, s) for s in stmts], [(frontend.parse(s).tree, s) for s in stmts]))
    _alternate(lambda item: old_rules.check_tree(*item), lambda item: new_rules.check_tree(*item), batches,
               "mysql check_tree")


def ab_rewrite(rev: str, rounds: int, per_round: int) -> None:
    import dialects.mysql.frontend as mysql_frontend
    import formatter
    import sqlparser.contract as new_contract

    _old_passes(rev)
    old_native = _old_native(rev)
    old_rules = load_old("_old_tree_rules", rev, "dialects/mysql/tree_rules.py")
    new_check_tree = getattr(mysql_frontend, "check_tree")  # noqa: B009 (the name the front end calls)

    def old_render(tree: Any, *, style: str, **kwargs: Any) -> str:
        if style == "native":
            kwargs.pop("source_sql", None)
            return old_native.render_native(tree, **kwargs)  # type: ignore[no-any-return]
        return formatter.render(tree, style=style, **kwargs)

    sys.modules["_old_formatter"] = types.SimpleNamespace(  # type: ignore[assignment]
        render=old_render, check_style=formatter.check_style)
    old_contract = load_old("_old_contract", rev, "sqlparser/contract.py", (
        ("import formatter\n", "import _old_formatter as formatter\n"),
        ("from sqlparser.passes.rename import", "from _old_rename import")))
    for dialect in DIALECTS:
        old_p = old_contract.new_parser(dialect, style="native")
        new_p = new_contract.new_parser(dialect, style="native")

        def old(sql: str, p: Any = old_p) -> str:
            mysql_frontend.check_tree = old_rules.check_tree  # type: ignore[attr-defined]
            try:
                return p.parse_and_modify_sql(sql, MAPPING)  # type: ignore[no-any-return]
            finally:
                mysql_frontend.check_tree = new_check_tree  # type: ignore[attr-defined]

        def new(sql: str, p: Any = new_p) -> str:
            return p.parse_and_modify_sql(sql, MAPPING)

        # Each side gets its own unique statements: the statement cache would turn the second
        # side's parse of a text the first side parsed into a (cheaper) second sight.
        pairs = list(zip(*[iter(unique_statements(2 * (rounds + 1), per_round))] * 2, strict=True))
        for s in pairs[0][0][:64]:
            assert old(s) == new(s)
        for old_s, new_s in pairs[:1]:  # both sides see their texts once first (imports, DFA, caches)
            for s in old_s:
                old(s)
            for s in new_s:
                new(s)
        _alternate(old, new, pairs[1:], f"{dialect} parse_and_modify_sql")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("rename", "render", "tree-rules", "rewrite"))
    ap.add_argument("--rev", default="7206215", help="the older version (a git revision)")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--per-round", type=int, default=200)
    args = ap.parse_args()
    run = {"rename": ab_rename, "render": ab_render, "tree-rules": ab_tree_rules, "rewrite": ab_rewrite}[args.what]
    run(args.rev, args.rounds, args.per_round)
    return 0


if __name__ == "__main__":
    sys.exit(main())
