"""Grammar-driven fuzzing against real SQLite (see tests/sqlite/fuzz.py). Seeded, so reproducible.

The default run judges a few hundred statements; `pytest -m slow tests/sqlite/test_fuzz.py` runs
the long version. Any disagreement fails with the statement and both verdicts."""

from __future__ import annotations

import pytest

from tests.sqlite import fuzz


def _report(disagreements: list[fuzz.Case]) -> str:
    return "\n".join(f"{'SQLite accepts' if c.sqlite_ok else 'SQLite rejects'}: {c.sql}\n"
                     f"    sqlite: {c.sqlite_error or 'ok'}\n    ours:   {c.our_error or 'ok'}"
                     for c in disagreements)


def test_fuzz_agrees_with_sqlite() -> None:
    disagreements, judged, _ = fuzz.run(count=400, seed=20261128)
    assert judged > 300
    assert not disagreements, _report(disagreements)


def test_fuzz_near_misses_agree_with_sqlite() -> None:
    # Every statement mutated, shallow: mostly invalid SQL that is almost valid.
    disagreements, judged, _ = fuzz.run(count=400, seed=41, mutate_share=1.0, depth=6)
    assert judged > 300
    assert not disagreements, _report(disagreements)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_fuzz_agrees_with_sqlite_long(seed: int) -> None:
    disagreements, _, _ = fuzz.run(count=3000, seed=seed)
    assert not disagreements, _report(disagreements)


def test_generator_is_deterministic() -> None:
    assert list(fuzz.cases(20, seed=5)) == list(fuzz.cases(20, seed=5))


def test_generator_reaches_every_statement_kind() -> None:
    firsts = {sql.lstrip("; ").split()[0].upper() for sql in fuzz.cases(600, seed=11, mutate_share=0) if sql.strip()}
    for word in ("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "WITH", "PRAGMA", "VACUUM"):
        assert word in firsts


def _report_native(problems: list[fuzz.OutputCase]) -> str:
    return "\n".join(f"{p.sql}\n    native: {p.native}\n    {p.problem}" for p in problems)


def test_fuzz_native_output_accepted_and_stable() -> None:
    problems, checked = fuzz.check_native(count=800, seed=20261128)
    assert checked > 80
    assert not problems, _report_native(problems)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzz_native_output_long(seed: int) -> None:
    problems, _ = fuzz.check_native(count=3000, seed=seed)
    assert not problems, _report_native(problems)
