"""MySQL / MariaDB names: which must be back-quoted to be read back as the same name.

Names a caller hands the compiler (physical table and column names, added columns, select fields)
reach the printer as unquoted identifiers; printed bare, `t --` would start a comment and
`My Table` would not parse. The native printer back-quotes every unquoted name this module says
needs it; names the front end read bare never do, so user SQL keeps its spelling.
"""

from __future__ import annotations

import functools
import re

from sqlparser.mysql8_reserved import MYSQL8_RESERVED_WORDS

MARIADB_RESERVED_WORDS: frozenset[str] = frozenset(
    """
    CURRENT_ROLE DELETE_DOMAIN_ID DO_DOMAIN_IDS IGNORE_DOMAIN_IDS MASTER_DEMOTE_TO_REPLICA
    MASTER_DEMOTE_TO_SLAVE OFFSET PAGE_CHECKSUM PARSE_VCOL_EXPR PORTION REF_SYSTEM_ID RETURNING
    SQL_BUFFER_RESULT SQL_CACHE SQL_NO_CACHE STATS_AUTO_RECALC STATS_PERSISTENT STATS_SAMPLE_PAGES
    """.split()
)
"""Words MariaDB 10.11 rejects as a bare name in some name position (table, column, alias) that
MySQL 8 reserves not: found by trying each word of MariaDB's information_schema.KEYWORDS in
`CREATE TABLE w (w INT)`, `SELECT w FROM w`, `SELECT 1 AS w`. The mysql dialect serves both
engines (mariadb:// URIs), so a name must be safe on both."""

_RESERVED = MYSQL8_RESERVED_WORDS | MARIADB_RESERVED_WORDS

# MySQL reads an unquoted name made of these characters (U+0080..U+FFFF included) as a name...
_BARE = re.compile(r"[A-Za-z0-9_$\u0080-\uffff]+")
# ...unless it is a number: all digits, 1e5 / 1e (a float exponent), 0x1f / 0b01 (hex / bit values).
_NUMBER = re.compile(r"\d+|\d+[eE]\d*|0[xX][0-9A-Fa-f]*|0[bB][01]*")


@functools.lru_cache(maxsize=4096)
def needs_quotes(name: str) -> bool:
    """True when `name` printed bare would not read back as the same name on MySQL 8 or MariaDB."""
    if not _BARE.fullmatch(name) or _NUMBER.fullmatch(name):
        return True
    # A leading `$` is deprecated in MySQL 8.0.32 (a warning today, an error later).
    return name.startswith("$") or name.upper() in _RESERVED

