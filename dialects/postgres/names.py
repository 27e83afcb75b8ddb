"""PostgreSQL names: which need double quotes, and which were written with them."""

from __future__ import annotations

import functools
import re

from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS, UNRESERVED_KEYWORDS
from sqlglot import exp

SAFE_NAME = re.compile(r"[a-z_][a-z0-9_$]*\Z")
"""A name PostgreSQL reads back unchanged without quotes (unless it is a keyword)."""

_KEYWORDS = frozenset(RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS | COL_NAME_KEYWORDS | UNRESERVED_KEYWORDS)


@functools.lru_cache(maxsize=4096)
def needs_quotes(name: str) -> bool:
    """True when PostgreSQL would misread `name` unquoted (case folding, keywords, odd characters).
    (Cached: the lowering and the printer ask it for every name, and names repeat.)"""
    return not SAFE_NAME.match(name) or (name in _KEYWORDS and name not in UNRESERVED_KEYWORDS)


def ident(name: str) -> exp.Identifier:
    return exp.Identifier(this=name, quoted=needs_quotes(name))


def quoted_parts(text: str | None, location: int | None, count: int) -> list[bool] | None:
    """Which of the `count` dotted name parts starting at `location` were written in double quotes."""
    if text is None or location is None or location < 0:
        return None
    out: list[bool] = []
    i, n = location, len(text)
    for k in range(count):
        if i >= n:
            return None
        if text[i] == '"':
            out.append(True)
            j = i + 1
            while j < n:
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
        else:
            out.append(False)
            while i < n and (text[i].isalnum() or text[i] in "_$" or ord(text[i]) >= 0x80):
                i += 1
        if k < count - 1:
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != ".":
                return None
            i += 1
            while i < n and text[i].isspace():
                i += 1
    return out
