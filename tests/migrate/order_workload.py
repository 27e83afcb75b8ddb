"""What the column order decides, run on each engine: `INSERT INTO t VALUES (...)` without a column
list (values in MariaDB's order) and `SELECT *` (names and values in the engine's order), after
an INSERT that leaves the AUTO_INCREMENT column to the engine (the counter must have survived the
rebuilds that FIRST / AFTER cost). Each outcome must be the same as MariaDB's.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlglot import exp

from cozelite.migrate.model import Column, Table
from cozelite.migrate.typemap import rule
from providers.errors import ProviderError
from tests.migrate.workload import Runner, norm, value


def _id(name: str) -> exp.Identifier:
    return exp.Identifier(this=name, quoted=True)


def _lit(v: Any) -> exp.Expression:
    if v is None:
        return exp.null()
    if isinstance(v, (int, float)) or type(v).__name__ == "Decimal":
        return exp.Literal.number(str(v))
    return exp.Literal.string(str(v))


def _clock(col: Column) -> bool:
    return (col.default is not None and col.default.kind == "now") or col.on_update_now


def usable(table: Table) -> bool:
    """Tables every column of which gets a deterministic value (no NOT NULL bytes)."""
    return all(not (rule(c.type.name) is not None and rule(c.type.name).family == "binary"  # type: ignore[union-attr]
                    and not c.nullable) for c in table.columns)


def statements(table: Table, seed: int) -> list[tuple[str, exp.Expression]]:
    tref = exp.Table(this=_id(table.name))
    out: list[tuple[str, exp.Expression]] = []
    ai = next((c for c in table.columns if c.auto_increment), None)
    if ai is not None:
        rest = [c for c in table.columns if c is not ai and not _clock(c)
                and not (rule(c.type.name) is not None and rule(c.type.name).family == "binary")]  # type: ignore[union-attr]
        out.append(("insert, AUTO_INCREMENT from the engine", exp.Insert(
            this=exp.Schema(this=tref.copy(), expressions=[_id(c.name) for c in rest]),
            expression=exp.Values(expressions=[exp.Tuple(expressions=[_lit(value(c, seed)) for c in rest])]))))
    for i in (seed + 1, seed + 2):
        vals = [_lit(90_000 + i if c is ai else value(c, i)) for c in table.columns]
        out.append((f"insert without a column list {i}", exp.Insert(
            this=tref.copy(), expression=exp.Values(expressions=[exp.Tuple(expressions=vals)]))))
    order = [exp.Ordered(this=exp.Column(this=_id(c))) for c in table.primary_key] or \
        [exp.Ordered(this=exp.Column(this=_id(c.name))) for c in table.columns]
    out.append(("select *", exp.Select(expressions=[exp.Star()]).from_(tref.copy()).order_by(*order)))
    return out


def outcome(runner: Runner, tree: exp.Expression, clock: set[str]) -> tuple[str, Any]:
    try:
        rs = runner.rdb.execute_sql(runner.parser.render(tree, quote_names=True))
    except ProviderError as err:
        return ("error", err.code.name)
    if rs.columns:  # the column names in order, then the rows (clock columns: set or not)
        return ("rows", [list(rs.columns)] + [
            [r[c] is not None if c.lower() in clock else norm(r[c]) for c in rs.columns] for r in rs.rows])
    return ("affected", rs.affected_rows)


def run(uris: dict[str, str], tables: list[Table], seed: int = 700, *, ids_as_present: bool = False
        ) -> tuple[int, list[str], Counter[str]]:
    """(steps, differences from MariaDB, MariaDB's outcomes by kind) of the workload on every table of
    `tables` (MariaDB's model).
    `ids_as_present`: AUTO_INCREMENT values compared as set or not (after failed INSERTs, which consume
    a value on MariaDB and PostgreSQL but not on SQLite, the ids differ by design)."""
    runners = {k: Runner(u) for k, u in uris.items()}
    n, diffs, kinds = 0, [], Counter[str]()
    try:
        for table in tables:
            clock = {c.name.lower() for c in table.columns if _clock(c) or (ids_as_present and c.auto_increment)}
            for label, tree in statements(table, seed):
                got = {k: outcome(r, tree, clock) for k, r in runners.items()}
                n += 1
                kinds[got["mysql"][0] + (":" + got["mysql"][1] if got["mysql"][0] == "error" else "")] += 1
                for k in got:
                    if k != "mysql" and got[k] != got["mysql"]:
                        diffs.append(f"{table.name} / {label}: mariadb {str(got['mysql'])[:400]} != {k} "
                                     f"{str(got[k])[:400]}")
    finally:
        for r in runners.values():
            r.close()
    return n, diffs, kinds
