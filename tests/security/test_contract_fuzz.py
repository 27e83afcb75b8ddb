"""Issue 11: fuzz every contract method in every dialect; only SQLParserError may come out.

Fixed seed; CI runs COZELITE_FUZZ_N inputs per dialect (default 600, each through all 11 methods,
x10 with COZELITE_NIGHTLY=1). The tally per method is printed with -s. The generator and the
mutations are in tests/security/contract_fuzz.py.
"""

from __future__ import annotations

import os

import pytest

from tests.security.contract_fuzz import DIALECTS, METHODS, run


def _count() -> int:
    n = int(os.environ.get("COZELITE_FUZZ_N", "600"))
    return n * 10 if os.environ.get("COZELITE_NIGHTLY") == "1" else n


@pytest.mark.parametrize("dialect", DIALECTS)
def test_only_contract_errors_leave_the_contract(dialect: str) -> None:
    count = _count()
    tally = run(dialect, count, seed=int(os.environ.get("COZELITE_FUZZ_SEED", "20261206")))
    print("\n" + tally.line(dialect))
    assert all(tally.calls[method] == count for method in METHODS)
    # The fuzzer must reach past the front end, or it tests nothing but rejections.
    assert tally.calls["compile"] - tally.errors["compile"] > count // 4
    assert tally.foreign == []
