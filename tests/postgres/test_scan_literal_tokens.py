"""`frontend.scan_literal_tokens` calls libpg_query's scanner directly for the statement-shape keys:
it must give what `_literal_tokens(pglast.parser.scan(text))` gives (None where that raises)."""

from __future__ import annotations

import pglast
import pytest

from dialects.postgres import frontend

TEXTS = [
    "", " ", "SELECT 1", "SELECT a1, t2.b3 FROM t4 WHERE c = 5 AND d = 6.75 AND e = 'x y' LIMIT 8",
    "SELECT 'a''b', E'x\\'y', U&'d\\0061', B'101', X'1F', N'x', $$a 1$$, $q$ 'x' $q$",
    "SELECT 1e5, .5, 1., 0x1F, 0o17, 0b101, 1_000, 12.3e-4, 99999999999999999999, 0.0, 00, 007",
    "SELECT 1\x002", "/* 1 'x' */ SELECT -- 2\n 3", "SELECT \"a1\", a$1, $1, :1, ?1", "SELECT 1..2",
    "SELECT 1 ''", "SELECT '' 'x'\n'y'", "SELECT 1::int, 2.0::float8, 'a'::text", "SELECT 1/*x*/2",
    "'abc", "/* unterminated", "\"unterminated", "SELECT 1a",
    "SELECT 'é', 2", "é 1",  # not ASCII: through pglast's scan
]


def _expected(text: str) -> list[object] | None:
    try:
        return frontend._literal_tokens(pglast.parser.scan(text))
    except pglast.parser.ParseError:
        return None


def test_the_direct_call_is_in_use_exactly_with_pglast_8_8() -> None:
    """The direct call with pglast 8.8, whose parser.pyx `_ScanTokensResult` was read from; `scan`
    itself with any other version (the pins allow them): read it again before moving it on."""
    assert (frontend._c_scanner() is not None) is (pglast.__version__ == "v8.8")


@pytest.mark.parametrize("text", TEXTS)
def test_literal_tokens_are_the_scanners(text: str) -> None:
    assert frontend.scan_literal_tokens(text) == _expected(text)
