"""MySQL's executable comments in DDL: `/*!50100 PARTITION BY ... */` is SQL the server runs.

mysqldump writes table options and partitioning of CREATE TABLE inside such comments. A server of
version V runs `/*!NNNNN text */` when NNNNN <= V (and `/*! text */` always), and ignores the
comment otherwise. For CREATE and ALTER statements the front end reads them as MySQL 8 does: the
markers of a comment MySQL 8 runs become spaces (so `text` is read as part of the statement, every
position unchanged) and a comment for a later version becomes spaces entirely. Other statements,
and DDL that the IR then cannot hold (Unlowerable), keep the token rule that refuses them.
"""

from __future__ import annotations

import re

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

MYSQL_VERSION = 80099
"""The version the comments are read for: every MySQL 8.0 release runs a /*!800NN ... */ comment."""

_MYSQL = Dialect.get_or_raise("mysql")
_MARKER = re.compile(r"/\*!(\d{5,6})?")
_DDL = re.compile(r"(?i)\s*(create|alter)\b")


def run_executable_comments(sql: str) -> str | None:
    """`sql` with the executable comments of a CREATE / ALTER statement opened up, or None when
    there is nothing to change (not DDL, no such comment, or text the tokenizer cannot read)."""
    if "/*!" not in sql or not _DDL.match(sql):
        return None
    try:
        tokens = _MYSQL.tokenize(sql)
    except TokenError:
        return None  # the front end's own tokenizing reports it, with a position
    quoted = [(t.start, t.end) for t in tokens if t.token_type in (TokenType.STRING, TokenType.IDENTIFIER)]
    out = list(sql)
    for match in _MARKER.finditer(sql):
        at = match.start()
        if any(start <= at <= end for start, end in quoted):
            continue
        end = sql.find("*/", match.end())
        if end < 0:
            return None
        version = match.group(1)
        if version is None or int(version) <= MYSQL_VERSION:
            spans = [(at, match.end()), (end, end + 2)]
        else:
            spans = [(at, end + 2)]
        for first, last in spans:
            for k in range(first, last):
                if out[k] != "\n":
                    out[k] = " "
    return "".join(out)
