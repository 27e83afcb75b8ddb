"""Folded vs unfolded: every contract method gives the same answer (or the same error) either way.

Statements of the corpora are small, so they never fold at the real thresholds; `lowered()` drops
them (runs of one item, no length threshold), and the same call is made once without and once with
folding. Any difference is a bug of the fold (sqlparser.literal_runs).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from sqlparser import (
    ColumnValue,
    Policy,
    PrimaryKeyValue,
    SQLParser,
    SQLParserError,
    TableColumn,
    literal_runs,
    new_parser,
)
from tests.data_dir import data_dir

DIALECTS = ("mysql", "postgres", "sqlite")
DML = {"SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE"}


@contextmanager
def lowered(run_min: int = 1) -> Iterator[None]:
    old = literal_runs.RUN_MIN, literal_runs.MIN_CHARS
    literal_runs.RUN_MIN, literal_runs.MIN_CHARS = run_min, 0
    try:
        yield
    finally:
        literal_runs.RUN_MIN, literal_runs.MIN_CHARS = old


def fresh_parser(dialect: str, style: str = "native") -> SQLParser:
    """A parser without a memo of results (main's `sqlparser.result_cache`, where present): a kept
    unfolded result returned for the folded call would make the comparison vacuous."""
    parser = new_parser(dialect, style=style)
    parser.__dict__["memo"] = None
    return parser


def folds(sql: str, dialect: str) -> bool:
    """Whether `sql` has a run at the lowered thresholds (the scan only; the parse may still decline)."""
    return bool(literal_runs.find_runs(sql, dialect, run_min=1, min_chars=0))


def statements(dialect: str) -> list[str]:
    """Accepted DML of the dialect's corpus and workload, unique, in file order."""
    seen: dict[str, None] = {}
    with (data_dir() / "corpus" / f"{dialect}.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("syntax_ok") and str(row.get("kind", "")).upper() in DML:
                seen.setdefault(row["sql"], None)
    with (data_dir() / "workloads" / "workload.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("dialect") == dialect:
                seen.setdefault(row["sql"], None)
    return list(seen)


def outcome(fn: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", fn()
    except SQLParserError as err:
        return type(err).__name__, str(err)


@dataclass
class Report:
    statements: int = 0
    folded: int = 0
    calls: int = 0
    diffs: list[str] = field(default_factory=list)


def _names(parser: SQLParser, sql: str) -> tuple[list[str], list[str], int | None]:
    try:
        tree = parser.compile(sql).tree
    except SQLParserError:
        return [], [], None
    if tree is None:
        return [], [], None
    tables = list(dict.fromkeys(t.name for t in tree.find_all(exp.Table) if t.name))[:3]
    columns = list(dict.fromkeys(c.name for c in tree.find_all(exp.Column) if c.name))[:4]
    try:
        rows = parser.get_insert_data_nums(sql) if isinstance(tree, exp.Insert) else None
    except SQLParserError:
        rows = None
    return tables, columns, rows


def calls(dialect: str, sql: str, parser: SQLParser, *, translate: bool) -> dict[str, Callable[[], Any]]:
    tables, columns, rows = _names(parser, sql)
    renames = {t: TableColumn(new_table_name=f"t_{t}", column_map={c: f"c_{c}" for c in columns}) for t in tables}
    out: dict[str, Callable[[], Any]] = {
        "operation": lambda: parser.get_sql_operation(sql),
        "table": lambda: parser.get_table_name(sql),
        "rename": lambda: parser.parse_and_modify_sql(sql, renames),
        "filter": lambda: parser.append_sql_filter(sql, "AND", "uid = 'u1'"),
        "fields": lambda: parser.add_select_fields_to_select_sql(sql, ["pk_id"]),
        "rows": lambda: parser.get_insert_data_nums(sql),
        "add_cols": lambda: parser.add_columns_to_insert_sql(sql, [ColumnValue("uid", "u1"), ColumnValue("n", 7)]),
        "add_cols_param": lambda: parser.add_columns_to_insert_sql(sql, [ColumnValue("uid", "u1")], is_param=True),
        "scope": lambda: parser.scope_rows(sql, {t: "uid = 'u1'" for t in tables} or {"t": "uid = 'u1'"}),
        "scope_fill": lambda: parser.scope_rows(sql, {t: "uid = 'u1'" for t in tables} or {"t": "uid = 'u1'"},
                                                fill_inserts=True),
        "policy": lambda: parser.check_policy(sql, Policy(tables=frozenset(tables))),
    }
    if rows is not None:
        out["add_cols_pk"] = lambda: parser.add_columns_to_insert_sql(
            sql, [ColumnValue("uid", "u1")], PrimaryKeyValue("pk_id", tuple(range(rows))))
    if translate:
        for target in DIALECTS:
            if target != dialect:
                tparser = fresh_parser(target)
                out[f"translate_{target}"] = lambda tparser=tparser: tparser.translate(sql, read=dialect)
    return out


def compare(dialect: str, sqls: list[str], *, styles: tuple[str, ...] = ("native", "compat"),
            translate: bool = True) -> Report:
    report = Report()
    parsers = {style: fresh_parser(dialect, style) for style in styles}
    for sql in sqls:
        report.statements += 1
        with lowered():
            try:
                stmt = parsers[styles[0]].compile(sql)
                report.folded += bool(stmt.tree is not None and literal_runs.runs_in(stmt.tree))
            except SQLParserError:
                pass
        for style, parser in parsers.items():
            for name, fn in calls(dialect, sql, parser, translate=translate and style == styles[0]).items():
                plain = outcome(fn)
                with lowered():
                    folded = outcome(fn)
                report.calls += 1
                if plain != folded:
                    report.diffs.append(f"{dialect}/{style}/{name}: {sql[:200]!r}\n  unfolded: {plain!r:.400}"
                                        f"\n  folded:   {folded!r:.400}")
    return report
