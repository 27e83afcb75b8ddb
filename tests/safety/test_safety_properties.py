"""Generated-query properties of the tenant rewrites, on the real engines.

scope_rows: for every generated SELECT / UPDATE / DELETE q, `scope_rows(q)` on the full data gives
exactly what q gives on data where the scoped tables hold only tenant u1's rows (PostgreSQL
row-level security semantics); for UPDATE / DELETE, the tables end up the same, and no row of
another tenant changes.

append_sql_filter: the Go contract's weaker promise, on the top-level statement only: the filtered
statement never returns another tenant's row (every row's `a.uid` is u1) and never changes one.

Counts: COZELITE_SAFETY_N statements per engine and property (default 2000, x10 with
COZELITE_NIGHTLY=1); the seed is fixed (COZELITE_SAFETY_SEED), so a failure reproduces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from _safety_engines import (
    SCOPED,
    TENANT,
    Engine,
    EngineError,
    as_bag,
    fixture_rows,
    require_dialect,
    seed,
    statement_count,
)
from _safety_gen import Gen

from sqlparser import SQLParserError, new_parser

CONDITIONS = {table: f"uid = '{TENANT}'" for table in SCOPED}


@dataclass
class Tally:
    engine: str
    run: int = 0
    compared: int = 0
    both_failed: int = 0
    refused: int = 0
    discriminating: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.failures.append(message)

    def report(self) -> str:
        return (f"{self.engine}: {self.run} statements, {self.compared} compared, "
                f"{self.discriminating} where other tenants' rows change the result, "
                f"{self.both_failed} refused by the engine as written, {self.refused} refused by the rewrite, "
                f"{len(self.failures)} failures")


def _show(result) -> str:
    if isinstance(result, dict):
        return "; ".join(f"{t}: {len(rows)} rows" for t, rows in result.items())
    return f"{result[:5]}... ({len(result)} rows)"


def _is_write(sql: str) -> bool:
    return sql.startswith(("UPDATE", "DELETE", "INSERT"))


def _run_read(engine: Engine, db: str, sql: str):
    rows = engine.run(db, sql)
    return as_bag(rows)


def _run_write(engine: Engine, db: str, sql: str):
    engine.begin(db)
    try:
        engine.run(db, sql)
        return engine.snapshot(db)
    finally:
        engine.rollback(db)


def check_scope(engine: Engine, rewrite: Callable[[str], str], n: int, start: int,
                make: Callable[[Gen], str] | None = None) -> Tally:
    """Run `n` generated statements: original on the restricted data, `rewrite(original)` on the full data."""
    gen = Gen(start)
    tally = Tally(engine.name)
    others = {t: [r for r in rows if r[1] != TENANT] for t, rows in fixture_rows().items() if t in SCOPED}
    for _ in range(n):
        sql = make(gen) if make is not None else gen.statement(with_inserts=True)
        tally.run += 1
        try:
            scoped = rewrite(sql)
        except SQLParserError as err:
            tally.refused += 1
            tally.fail(f"rewrite refused a portable statement: {sql}\n  {err}")
            continue
        runner = _run_write if _is_write(sql) else _run_read
        try:
            want = runner(engine, "restricted", sql)
        except EngineError as err:
            want = err
        try:
            got = runner(engine, "full", scoped)
        except EngineError as err:
            got = err
        if isinstance(want, EngineError) and isinstance(got, EngineError):
            tally.both_failed += 1
            continue
        if isinstance(want, EngineError) and "1093" in str(want):
            # MariaDB refuses a multi-table write whose subquery reads a target table (error 1093);
            # the scoped statement reads a derived table there, which MariaDB accepts. There is no
            # oracle for a statement the engine refuses; nothing leaks.
            tally.both_failed += 1
            continue
        if isinstance(want, EngineError) or isinstance(got, EngineError):
            tally.fail(f"only one side failed\n  original: {sql}\n  scoped:   {scoped}\n  "
                       f"restricted: {want}\n  full: {got}")
            continue
        tally.compared += 1
        if _is_write(sql):
            # The full data after the scoped write = the restricted data after the original write,
            # plus every other tenant's rows, untouched.
            want = {t: sorted(want[t] + as_bag(others.get(t, [])), key=repr) for t in want}
        if got != want:
            tally.fail(f"mismatch\n  original: {sql}\n  scoped:   {scoped}\n  "
                       f"want {_show(want)}\n  got  {_show(got)}")
            continue
        # Would the unscoped statement have seen (or changed) other tenants' rows? Only such
        # statements can catch a leak; the test requires enough of them.
        try:
            if runner(engine, "full", sql) != want:
                tally.discriminating += 1
        except EngineError:
            pass
    return tally


def test_scope_rows_matches_restricted_data(engine: Engine, record_property) -> None:
    parser = new_parser(engine.dialect)
    tally = check_scope(engine, lambda sql: parser.scope_rows(sql, CONDITIONS), statement_count(2000), seed())
    record_property("scope_rows", tally.report())
    print(tally.report())
    assert not tally.failures, tally.report() + "\n" + "\n".join(tally.failures[:5])
    # The generator must produce statements the engines accept and that other tenants' rows
    # would change, or the property proves little.
    assert tally.compared >= 0.8 * tally.run, tally.report()
    assert tally.discriminating >= 0.3 * tally.compared, tally.report()


def test_scope_rows_mysql_multi_table_writes(request, record_property) -> None:
    """MySQL's UPDATE / DELETE over joins: every joined base table is a possible write target."""
    require_dialect("mysql")
    engine = request.getfixturevalue("mariadb_engine_")
    parser = new_parser("mysql")
    tally = check_scope(engine, lambda sql: parser.scope_rows(sql, CONDITIONS), statement_count(2000) // 4,
                        seed() + 4, make=lambda gen: gen.multi_table_write(gen.r.choice([1, 2, 3])))
    record_property("scope_rows_multi_table", tally.report())
    print(tally.report())
    assert not tally.failures, tally.report() + "\n" + "\n".join(tally.failures[:5])
    assert tally.compared >= 0.8 * tally.run, tally.report()
    assert tally.discriminating >= 0.3 * tally.compared, tally.report()


def test_property_catches_a_weak_rewrite(engine: Engine) -> None:
    """The harness itself: scoping one table and forgetting the other must show up as mismatches."""
    parser = new_parser(engine.dialect)
    weak = {"users": CONDITIONS["users"]}
    tally = check_scope(engine, lambda sql: parser.scope_rows(sql, weak), 150, seed() + 2)
    assert len(tally.failures) >= 10, tally.report()


def test_append_filter_never_touches_other_tenants(engine: Engine, record_property) -> None:
    check_append(engine, "native", record_property)


def test_append_filter_compat_style_on_mariadb(request, record_property) -> None:
    """Coze Studio's production path: MySQL, printed in TiDB's style."""
    require_dialect("mysql")
    check_append(request.getfixturevalue("mariadb_engine_"), "compat", record_property)


def check_append(engine: Engine, style: str, record_property) -> None:
    parser = new_parser(engine.dialect, style=style)
    gen = Gen(seed() + 1)
    tally = Tally(engine.name)
    before = {t: as_bag(rows) for t, rows in fixture_rows().items() if t in SCOPED}
    for _ in range(statement_count(2000) // 2):
        sql = gen.statement(append_mode=True)
        tally.run += 1
        # UPDATE / DELETE target a single unaliased table: the unqualified column is the target's.
        condition = f"uid = '{TENANT}'" if _is_write(sql) else f"a.uid = '{TENANT}'"
        filtered = parser.append_sql_filter(sql, "AND", condition)
        try:
            if _is_write(sql):
                after = _run_write(engine, "full", filtered)
                unfiltered = _run_write(engine, "full", sql)
                touches_others = any(row[1] != TENANT for t in SCOPED
                                     for row in set(before[t]) ^ set(unfiltered[t]))
            else:
                rows = _run_read(engine, "full", filtered)
                touches_others = any(row[0] != TENANT for row in _run_read(engine, "full", sql))
        except EngineError:
            tally.both_failed += 1
            continue
        tally.compared += 1
        # Without the filter, would the statement have returned or changed another tenant's rows?
        tally.discriminating += touches_others
        if _is_write(sql):
            for table in SCOPED:
                changed = set(before[table]) ^ set(after[table])
                leaked = [row for row in changed if row[1] != TENANT]
                if leaked:
                    tally.fail(f"changed another tenant's rows {leaked[:3]}\n  sql: {filtered}")
                    break
        else:
            leaked = [row for row in rows if row[0] != TENANT]
            if leaked:
                tally.fail(f"returned another tenant's rows {leaked[:3]}\n  sql: {filtered}")
    record_property(f"append_filter_{style}", tally.report())
    print(tally.report())
    assert not tally.failures, tally.report() + "\n" + "\n".join(tally.failures[:5])
    assert tally.compared >= 0.8 * tally.run, tally.report()
    assert tally.discriminating >= 0.3 * tally.compared, tally.report()


def test_generator_is_deterministic() -> None:
    first, second = Gen(7), Gen(7)
    assert [first.statement() for _ in range(50)] == [second.statement() for _ in range(50)]
