"""Every golden case of the Go contract, for every registered dialect, in compat style,
compared exactly as the case's `compare` mode says."""

from __future__ import annotations

import pytest

from sqlparser import SQLParserError, new_parser
from sqlparser.registry import dialects_by_name
from tests.golden.cases import GoldenCase, load_cases

CASES = load_cases()
DIALECTS = sorted(dialects_by_name())


def test_all_71_cases_present() -> None:
    assert len(CASES) == 71


def _fields(text: str) -> str:
    return " ".join(text.split()).lower()


def _check(case: GoldenCase, got: object, error: SQLParserError | None) -> None:
    want = case.case["want"]
    want_error = case.case.get("want_error", False)
    mode = case.compare
    if mode == "exact":
        assert (error is not None) == want_error, f"error={error!r}"
        if not want_error:
            assert got == want
        else:
            # The Go code returns the zero value with an error.
            assert want in ("", 0, "UNKNOWN")
    elif mode == "remove_spaces":
        assert error is None, f"unexpected error {error!r}"
        assert got.replace(" ", "") == want.replace(" ", "")
    elif mode == "lower_fields":
        if want_error:
            assert error is not None, f"expected an error, got {got!r}"
            if case.case.get("error_contains"):
                assert case.case["error_contains"] in str(error)
        else:
            assert error is None, f"unexpected error {error!r}"
            assert _fields(got) == _fields(want)
    elif mode == "equalfold_trim":
        assert (error is not None) == want_error, f"error={error!r}"
        if not want_error:
            assert got.strip().casefold() == want.strip().casefold()
    else:
        raise AssertionError(f"unknown compare mode {mode!r}")


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_golden_compat(dialect: str, case: GoldenCase) -> None:
    parser = new_parser(dialect, style="compat")
    got, error = None, None
    try:
        got = case.call(parser)
    except SQLParserError as exc:
        error = exc
    _check(case, got, error)
