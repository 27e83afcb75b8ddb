"""A cheaper Select handler for sqlglot's generators: its transforms run only when they can act.

Shared by the native printers (formatter/native.py) and the PostgreSQL front end's round-trip check.

sqlglot prints a SELECT of MySQL, PostgreSQL and SQLite through `transforms.preprocess([...])`, a
chain of tree rewrites for constructs the dialect lacks (DISTINCT ON, SEMI / ANTI joins, QUALIFY,
FULL OUTER JOIN, UNNEST of a date array), run on every SELECT printed. All but the last return the
SELECT unchanged unless it has the construct, which its own arguments show: a test of them replaces
five Python calls per SELECT (about a quarter of printing a short MySQL statement). The date-array
rewrite looks at the whole subtree, so it still runs every time. When a test says a rewrite may
act, the original chain runs, so the output is sqlglot's in every case.

Only chains made of the rewrites known here are replaced; any other chain (a newer sqlglot, another
dialect) keeps sqlglot's handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp, transforms
from sqlglot.errors import UnsupportedError
from sqlglot.generator import Generator

Handler = Callable[[Any, exp.Expr], str]


def _distinct_on(select: exp.Expr) -> bool:
    distinct = select.args.get("distinct")
    return distinct is not None and bool(distinct) and isinstance(distinct.args.get("on"), exp.Tuple)


def _semi_anti_join(select: exp.Expr) -> bool:
    return any(join.args.get("on") and join.kind in ("SEMI", "ANTI") for join in select.args.get("joins") or [])


def _qualify(select: exp.Expr) -> bool:
    return bool(select.args.get("qualify"))


def _full_outer_join(select: exp.Expr) -> bool:
    return any(join.side == "FULL" for join in select.args.get("joins") or [])


# A rewrite -> a test on the SELECT that is False only when the rewrite returns it unchanged (read
# off each rewrite's own condition in sqlglot/transforms.py).
_MAY_ACT: dict[Callable[[exp.Expr], exp.Expr], Callable[[exp.Expr], bool]] = {
    transforms.eliminate_distinct_on: _distinct_on,
    transforms.eliminate_semi_and_anti_joins: _semi_anti_join,
    transforms.eliminate_qualify: _qualify,
    transforms.eliminate_full_outer_join: _full_outer_join,
}
# Rewrites that always run (their condition is not on the SELECT's own arguments).
_ALWAYS = frozenset({transforms.unnest_generate_date_array_using_recursive_cte})


def gated_select_handler(generator: Generator, *, date_arrays: bool = True) -> Handler | None:
    """A Select handler equivalent to the generator's own, or None when its chain is not known here.

    `date_arrays=False`: for trees known to hold no `exp.Unnest` at all (`name_walk.Names.unnest`),
    where the date-array rewrite, which looks for one under the whole SELECT, cannot act."""
    original = generator._dispatch.get(exp.Select)
    chain = _chain(original)
    if original is None or chain is None:
        return None
    tests = tuple(_MAY_ACT[step] for step in chain if step in _MAY_ACT)
    always = tuple(step for step in chain if step in _ALWAYS) if date_arrays else ()
    select_sql = type(generator).select_sql

    def handler(gen: Any, select: exp.Expr) -> str:
        for may_act in tests:
            if may_act(select):
                return original(gen, select)
        # The gated rewrites would return `select` unchanged: only the always-run ones are left,
        # with sqlglot's handling of their refusals (`_to_sql` in sqlglot/transforms.py).
        try:
            for step in always:
                select = step(select)
        except UnsupportedError as err:
            gen.unsupported(str(err))
        if type(select) is not exp.Select:
            return original(gen, select)  # (no known rewrite does this)
        return select_sql(gen, select)

    return handler


def _chain(handler: object) -> tuple[Callable[[exp.Expr], exp.Expr], ...] | None:
    """The rewrites of a `transforms.preprocess(...)` handler that prints with `select_sql`, if all are known."""
    code = getattr(handler, "__code__", None)
    cells = getattr(handler, "__closure__", None)
    if code is None or cells is None or code is not _PREPROCESS_CODE:
        return None
    free = dict(zip(code.co_freevars, (cell.cell_contents for cell in cells), strict=True))
    steps = free.get("transforms")
    if free.get("generator") is not None or not isinstance(steps, list) or not steps:
        return None
    if not all(step in _MAY_ACT or step in _ALWAYS for step in steps):
        return None
    return tuple(steps)


_PREPROCESS_CODE = transforms.preprocess([transforms.eliminate_qualify]).__code__
"""The code object of preprocess's handler: how a handler made by it is recognized."""
