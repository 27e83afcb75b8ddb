"""The SQLite front end gives the same outcome as before the wave-6 speed work (grammar
restructuring, parser and lowering changes meant only for speed): every input accepted or rejected
alike, with the same error and position, the same IR (`repr`, SQL, every node's metadata,
comments) and statement fields. See tests/sqlite/ir_diff.py.

BASE_REV is the commit before that work. When the IR or an error changes on purpose later, move
BASE_REV to the commit that made the change (the test then guards the next refactoring).
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.sqlite.ir_diff import ROOT, inputs, outcomes, outcomes_at

BASE_REV = os.environ.get("COZELITE_SQLITE_IR_BASE", "6d46a03")


def _have_rev() -> bool:
    probe = subprocess.run(["git", "cat-file", "-e", f"{BASE_REV}^{{commit}}"], cwd=ROOT, capture_output=True)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not _have_rev(), reason=f"git history without {BASE_REV} (shallow clone?)")


def _compare(items: list[tuple[str, str]]) -> None:
    old = outcomes_at(BASE_REV, items)
    new = outcomes(items)
    differ = [(item, a, b) for item, a, b in zip(items, old, new, strict=True) if a != b]
    shown = "\n".join(f"{rule}: {text[:160]!r}\n  was: {a[:300]}\n  now: {b[:300]}"
                      for (rule, text), a, b in differ[:5])
    assert not differ, f"{len(differ)} of {len(items)} outcomes differ from {BASE_REV}:\n{shown}"


def test_sample_same_as_base() -> None:
    """Every 15th input (corpus, workloads, golden, conditions; no fuzzing): a few seconds."""
    _compare(inputs(fuzz=0)[::15])


@pytest.mark.slow
def test_everything_same_as_base() -> None:
    """All of it, with 3,000 fuzzer statements (about a minute)."""
    _compare(inputs(fuzz=3000))
