"""The tenant-rewrite generator (issue 11 Deliver): table references in every position, 0 leaks.

For every statement the generator (_tenant_gen.py) writes with a scoped table (users, orders, the
view v_orders) in one of its dialect's positions, on SQLite, PostgreSQL and MariaDB:
scope_rows(sql) on the two-tenant data must give what sql gives on the data of tenant u1 alone
(rows returned, and for writes every table afterwards, other tenants' rows untouched).

Counts: 400 statements per engine (every position at least 5 times), x10 with COZELITE_NIGHTLY=1;
seed COZELITE_SAFETY_SEED (fixed by default). The per-position tally is printed and recorded.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from sqlparser import SQLParserError, new_parser
from tests.safety._safety_engines import Engine, EngineError, as_bag, fixture_rows, normalize_rows, seed
from tests.security._tenant_engines import DIALECTS, engine_for
from tests.security._tenant_gen import CONDITIONS, TENANT, TenantGen

_SCOPED_BASE = ("users", "orders")


def _count() -> int:
    return 400 * (10 if os.environ.get("COZELITE_NIGHTLY") == "1" else 1)


@pytest.fixture(params=DIALECTS)
def engine(request: pytest.FixtureRequest) -> Engine:
    return engine_for(request, request.param)


def _is_write(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)[0].upper()
    return head in ("UPDATE", "DELETE", "INSERT") or (head == "WITH" and " RETURNING " in sql)


def _outcome(engine: Engine, db: str, sql: str, ordered: bool = False) -> Any:
    """Rows returned (a bag; in order for `ordered`) and, for a write, every table after it (rolled back)."""
    if not _is_write(sql):
        try:
            rows = engine.run(db, sql)
        except EngineError as err:
            return err
        assert isinstance(rows, list)
        return normalize_rows(rows) if ordered else as_bag(rows)
    engine.begin(db)
    try:
        rows = engine.run(db, sql)
        return as_bag(rows) if isinstance(rows, list) else rows, engine.snapshot(db)
    except EngineError as err:
        return err
    finally:
        engine.rollback(db)


def _others() -> dict[str, list[tuple[Any, ...]]]:
    return {t: as_bag(r for r in rows if r[1] != TENANT) for t, rows in fixture_rows().items() if t in _SCOPED_BASE}


def run_positions(engine: Engine, rewrite: Callable[[str], str], n: int, start: int) -> tuple[Counter, Counter,
                                                                                             list[str]]:
    """(statements compared per position, discriminating per position, failures)."""
    gen = TenantGen(start, engine.dialect)
    names = sorted(gen.positions)
    compared: Counter = Counter()
    discriminating: Counter = Counter()
    failures: list[str] = []
    others = _others()
    for i in range(n):
        # Round robin over the positions (each one covered), random within each.
        sql = gen.statement_at(names[i % len(names)])
        position = gen.last_position
        try:
            scoped = rewrite(sql)
        except SQLParserError as err:
            failures.append(f"[{position}] refused: {sql}\n  {err}")
            continue
        # A top-level ORDER BY whose key reads the scoped table shows a leak only in the order.
        ordered = position == "order-by-subquery"
        want = _outcome(engine, "restricted", sql, ordered)
        got = _outcome(engine, "full", scoped, ordered)
        if isinstance(want, EngineError) or isinstance(got, EngineError):
            if not (isinstance(want, EngineError) and isinstance(got, EngineError)):
                failures.append(f"[{position}] only one side failed\n  original: {sql}\n  scoped: {scoped}\n"
                                f"  restricted: {want}\n  full: {got}")
            else:
                failures.append(f"[{position}] the engine refused the generated statement: {sql}\n  {want}")
            continue
        if _is_write(sql):
            rows, tables = want
            want = (rows, {t: sorted(v + others.get(t, []), key=repr) for t, v in tables.items()})
        if got != want:
            failures.append(f"[{position}] mismatch (leak or lost rows)\n  original: {sql}\n  scoped: {scoped}\n"
                            f"  want {str(want)[:300]}\n  got  {str(got)[:300]}")
            continue
        compared[position] += 1
        unscoped = _outcome(engine, "full", sql, ordered)
        if not isinstance(unscoped, EngineError) and unscoped != want:
            discriminating[position] += 1
    return compared, discriminating, failures


def test_scope_rows_holds_in_every_position(engine: Engine, record_property) -> None:
    parser = new_parser(engine.dialect)
    n = _count()
    compared, discriminating, failures = run_positions(
        engine, lambda sql: parser.scope_rows(sql, CONDITIONS), n, seed() + 11)
    positions = sorted(TenantGen(0, engine.dialect).positions)
    report = (f"{engine.name}: {n} statements, {sum(compared.values())} compared, "
              f"{sum(discriminating.values())} where other tenants' rows change the result, "
              f"{len(positions)} positions, {len(failures)} failures\n  "
              + ", ".join(f"{p}={compared[p]}/{discriminating[p]}" for p in positions))
    record_property("tenant_positions", report)
    print(report)
    assert not failures, report + "\n" + "\n".join(failures[:5])
    # Every position was exercised, and in a way other tenants' rows would show up.
    assert all(compared[p] > 0 for p in positions), report
    undiscriminating = [p for p in positions if discriminating[p] == 0]
    assert not undiscriminating, f"positions that never saw another tenant's rows: {undiscriminating}\n{report}"


def test_harness_catches_an_unscoped_position(engine: Engine) -> None:
    """The oracle itself: leaving statements unscoped must show up as failures in most positions."""
    _, _, failures = run_positions(engine, lambda sql: sql, 120, seed() + 12)
    leaked_positions = {f.split("]")[0][1:] for f in failures if "mismatch" in f}
    assert len(leaked_positions) >= 0.6 * len(TenantGen(0, engine.dialect).positions), sorted(leaked_positions)
