"""The translation matrix on the real-world workload, six directions: 0 wrong results, 0 outputs
the target rejects; named refusals counted (<= 2% for mysql->sqlite and mysql->postgres).

CI runs every 4th statement of each source (fixed, reproducible); the slow (nightly) run all of them.
"""

from __future__ import annotations

import pytest
from _matrix import DIRECTIONS, queries_of, run_direction

# Refusal ceilings per direction (fraction of the statements checked). The issue fixes 2% for the
# MySQL sources; the others are what the tables reach today (full run: sqlite->mysql 2.8%,
# sqlite->postgres 2.8%, postgres->* 0%), with a little room for the CI subset, kept from growing.
MAX_REFUSED = {("mysql", "sqlite"): 0.02, ("mysql", "postgres"): 0.02, ("sqlite", "mysql"): 0.04,
               ("sqlite", "postgres"): 0.05, ("postgres", "mysql"): 0.01, ("postgres", "sqlite"): 0.01}


def _check(matrix_engines, source: str, target: str, every: int) -> None:
    src, tgt = matrix_engines(source), matrix_engines(target)
    tally = run_direction(src, tgt, queries_of(source, every))
    print(tally.report())
    assert not tally.wrong, "wrong rows:\n" + "\n".join(f"{k}: {v}" for k, v in list(tally.wrong.items())[:10])
    assert not tally.rejected, "rejected:\n" + "\n".join(f"{k}: {v}" for k, v in list(tally.rejected.items())[:10])
    assert tally.checked > 0.8 * tally.statements, tally.report()
    limit = MAX_REFUSED[(source, target)]
    assert len(tally.refused) <= limit * tally.checked, tally.report()


@pytest.mark.parametrize(("source", "target"), DIRECTIONS, ids=[f"{s}->{t}" for s, t in DIRECTIONS])
def test_workload_ci(matrix_engines, source: str, target: str) -> None:
    _check(matrix_engines, source, target, every=4)


@pytest.mark.slow
@pytest.mark.parametrize(("source", "target"), DIRECTIONS, ids=[f"{s}->{t}" for s, t in DIRECTIONS])
def test_workload_full(matrix_engines, source: str, target: str) -> None:
    _check(matrix_engines, source, target, every=1)
