"""Folded vs unfolded over real statements: the golden cases, the corpora's DML and the workloads.

At lowered thresholds (runs of one item, no length threshold) every contract method must answer the
same, or fail with the same error, whether the statement's literal runs are folded or not. The
default run takes a sample of the statements that have runs; the full set is `slow`.
"""

from __future__ import annotations

import pytest

from sqlparser import SQLParserError, literal_runs
from tests.golden.cases import load_cases
from tests.large._differential import DIALECTS, compare, folds, fresh_parser, lowered, outcome, statements

SAMPLE = 60


def _with_runs(dialect: str) -> list[str]:
    return [sql for sql in statements(dialect) if folds(sql, dialect)]


def _sample(items: list[str], n: int) -> list[str]:
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_sample_folds_and_agrees(dialect: str) -> None:
    sqls = _sample(_with_runs(dialect), SAMPLE)
    report = compare(dialect, sqls, translate=dialect == "mysql")
    assert not report.diffs, "\n".join(report.diffs[:10])
    # The comparison means something only if the statements did fold.
    assert report.folded >= min(len(sqls) // 3, 8), (report.folded, len(sqls))


@pytest.mark.slow
@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_statement_with_runs_agrees(dialect: str) -> None:
    report = compare(dialect, _with_runs(dialect))
    print(f"{dialect}: {report.statements} statements with runs, {report.folded} folded, {report.calls} calls")
    assert not report.diffs, "\n".join(report.diffs[:20])


@pytest.mark.parametrize("style", ["compat", "native"])
def test_golden_cases_agree(style: str) -> None:
    parser = fresh_parser("mysql", style)
    folded = 0
    for case in load_cases():
        plain = outcome(lambda case=case: case.call(parser))
        with lowered():
            got = outcome(lambda case=case: case.call(parser))
            sql = case.case.get("sql")
            if isinstance(sql, str):
                try:
                    tree = parser.compile(sql).tree
                    folded += bool(tree is not None and literal_runs.runs_in(tree))
                except SQLParserError:
                    pass
        assert got == plain, case.id
    assert folded >= 5
