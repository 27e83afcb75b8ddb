"""What user SQL (`RDB.execute_sql`) may do on an embedded SQLite connection: an allow-list, enforced
by SQLite's authorizer while the statement is prepared, whatever the caller's policy.

Why the authorizer and not the compiler's view of the statement: the authorizer sees what SQLite
will really run, including what the front end cannot see (`x IN t` reads `t`, a view reads its
tables, `VACUUM` attaches a database, a table-valued `pragma_*` function runs a PRAGMA). Every
action not listed here is refused, so a new SQLite feature is refused until someone allows it.

Refused, with why:
- ATTACH / DETACH (and VACUUM, VACUUM INTO, which attach): they open or create files at any path.
- BEGIN / COMMIT / ROLLBACK / SAVEPOINT: a statement runs in the provider's own transaction; a
  user's COMMIT would end it and leave the pooled connection in another state.
- PRAGMA, except the read-only ones in `READ_ONLY_PRAGMAS`: the others change the connection
  (`query_only`, `foreign_keys`, `journal_mode`, `writable_schema`, ...) or the file.
- TEMP tables, views, indexes and triggers: they live on one pooled connection, so the next caller
  on that thread would see them.
- Triggers and virtual tables: a trigger's body runs later inside the provider's own statements,
  outside this check; a virtual table module may read files.
- Functions outside `FUNCTIONS` (`load_extension`, `fts3_tokenizer`, `sqlite_log`, ...): the
  allow-list holds SQLite's pure scalar, aggregate, window, date, JSON and math functions.
- The provider's own tables and SQLite's (`_cozelite*`, `sqlite_*`), read or written, except the
  schema bookkeeping SQLite itself does while a CREATE/DROP/ALTER runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import apsw

from providers.db.validation import is_reserved

# PRAGMAs that only read: the schema of the named table, or a check of the file's integrity (as
# statements or as pragma_* functions). None of them changes the connection or writes.
READ_ONLY_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "foreign_key_check", "integrity_check", "quick_check",
})

FUNCTIONS = frozenset("""
    -> ->> abs acos acosh asin asinh atan atan2 atanh avg ceil ceiling changes char coalesce concat
    concat_ws cos cosh count cume_dist current_date current_time current_timestamp date datetime
    degrees dense_rank exp first_value floor format glob group_concat hex if ifnull iif instr json
    json_array json_array_insert json_array_length json_error_position json_extract json_group_array
    json_group_object json_insert json_object json_patch json_pretty json_quote json_remove json_replace
    json_set json_type json_valid jsonb jsonb_array jsonb_array_insert jsonb_extract jsonb_group_array
    jsonb_group_object jsonb_insert jsonb_object jsonb_patch jsonb_remove jsonb_replace jsonb_set
    julianday lag last_insert_rowid last_value lead length like likelihood likely ln log log10 log2 lower
    ltrim max median min mod nth_value ntile nullif octet_length percent_rank percentile percentile_cont
    percentile_disc pi pow power printf quote radians random randomblob rank replace round row_number
    rtrim sign sin sinh sqlite_version sqrt strftime string_agg substr substring subtype sum tan tanh time
    timediff total total_changes trim trunc typeof unhex unicode unistr unistr_quote unixepoch unlikely
    upper zeroblob
""".split())

# Table-valued functions a query may read from: JSON walkers and the read-only pragmas.
TABLE_FUNCTIONS = frozenset({"json_each", "json_tree", "jsonb_each", "jsonb_tree"} |
                            {f"pragma_{p}" for p in READ_ONLY_PRAGMAS})

# SQLite's own catalog, written by SQLite itself while a CREATE/DROP/ALTER statement runs.
_SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_schema", "sqlite_sequence"})

_A = apsw
_ROW_ACTIONS = frozenset({_A.SQLITE_READ, _A.SQLITE_INSERT, _A.SQLITE_UPDATE, _A.SQLITE_DELETE})
_DDL_ACTIONS = frozenset({
    _A.SQLITE_CREATE_TABLE, _A.SQLITE_CREATE_INDEX, _A.SQLITE_CREATE_VIEW,
    _A.SQLITE_DROP_TABLE, _A.SQLITE_DROP_INDEX, _A.SQLITE_DROP_VIEW, _A.SQLITE_ALTER_TABLE,
    _A.SQLITE_REINDEX,
})
_ON_TABLE_ARG2 = frozenset({_A.SQLITE_CREATE_INDEX, _A.SQLITE_DROP_INDEX, _A.SQLITE_ALTER_TABLE})


class Refusal:
    """The first refused action of a statement, in words (the authorizer itself can only say no)."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def deny(self, reason: str) -> int:
        if self.reason is None:
            self.reason = reason
        return int(apsw.SQLITE_DENY)


_DDL_START = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*(?:CREATE|DROP|ALTER|REINDEX)\b", re.I | re.S)


def is_ddl(sql: str) -> bool:
    """Whether a statement is schema DDL (by its first keyword; the compiler classifies some DDL,
    such as CREATE INDEX or CREATE VIEW, as UNKNOWN)."""
    return _DDL_START.match(sql) is not None


def authorizer(*, ddl: bool, refusal: Refusal) -> Callable[[int, str | None, str | None, str | None, str | None], int]:
    """An apsw authorizer for one user statement; `ddl` when it is CREATE/DROP/ALTER/REINDEX
    (`is_ddl`; only then may SQLite's catalog tables be touched, by SQLite itself)."""
    ok = int(apsw.SQLITE_OK)

    def check(action: int, arg1: str | None, arg2: str | None, db: str | None, _trigger: str | None) -> int:
        if action in (apsw.SQLITE_SELECT, apsw.SQLITE_RECURSIVE):
            return ok
        if db not in (None, "main"):
            return refusal.deny(f"schema {db!r} is not the database's own ('main')")
        if action in _ROW_ACTIONS:
            table = (arg1 or "").lower()
            if table in TABLE_FUNCTIONS:
                return ok if action == apsw.SQLITE_READ else refusal.deny(f"{table} is read-only")
            if table.startswith("pragma_"):
                return refusal.deny(f"table-valued function {table} is not allowed (read-only pragmas: "
                                    f"{', '.join(sorted(READ_ONLY_PRAGMAS))})")
            if is_reserved(table):
                # SQLite keeps its catalog while a CREATE/DROP/ALTER runs; a user cannot write it
                # directly (DEFENSIVE mode), and reads of it are limited to DDL statements.
                if ddl and table in _SCHEMA_TABLES and (action != apsw.SQLITE_READ or table != "sqlite_sequence"):
                    return ok
                return refusal.deny(f"table {arg1!r} is internal to the db provider or to SQLite")
            return ok
        if action in _DDL_ACTIONS:
            # The table touched: arg2 for index statements and ALTER (arg1 is the index, or the
            # schema), arg1 otherwise. SQLite's own automatic index names start with sqlite_.
            name = arg2 if action in _ON_TABLE_ARG2 else arg1
            if action == apsw.SQLITE_REINDEX and name and name.lower().startswith("sqlite_autoindex_"):
                return ok
            if name and is_reserved(name) and name.lower() not in _SCHEMA_TABLES:
                return refusal.deny(f"table {name!r} is internal to the db provider or to SQLite")
            return ok
        if action == apsw.SQLITE_FUNCTION:
            name = (arg2 or "").lower()
            return ok if name in FUNCTIONS else refusal.deny(f"function {arg2}() is not allowed in user SQL")
        if action == apsw.SQLITE_PRAGMA:
            name = (arg1 or "").lower()
            if name not in READ_ONLY_PRAGMAS:
                return refusal.deny(f"PRAGMA {arg1} is not allowed in user SQL (read-only pragmas: "
                                    f"{', '.join(sorted(READ_ONLY_PRAGMAS))})")
            if arg2 and is_reserved(arg2):
                return refusal.deny(f"table {arg2!r} is internal to the db provider or to SQLite")
            return ok
        what = apsw.mapping_authorizer_function.get(action, str(action))
        return refusal.deny(f"{_WHY.get(action, 'this kind of statement is not allowed in user SQL')} ({what})")

    return check


_WHY = {
    _A.SQLITE_ATTACH: "ATTACH, VACUUM and VACUUM INTO open files and are not allowed in user SQL",
    _A.SQLITE_DETACH: "DETACH is not allowed in user SQL",
    _A.SQLITE_TRANSACTION: "transaction control is not allowed in user SQL: each call is one transaction",
    _A.SQLITE_SAVEPOINT: "savepoints are not allowed in user SQL: each call is one transaction",
    _A.SQLITE_CREATE_TRIGGER: "triggers are not allowed in user SQL",
    _A.SQLITE_DROP_TRIGGER: "triggers are not allowed in user SQL",
    _A.SQLITE_CREATE_VTABLE: "virtual tables are not allowed in user SQL",
    _A.SQLITE_DROP_VTABLE: "virtual tables are not allowed in user SQL",
    _A.SQLITE_ANALYZE: "ANALYZE is not allowed in user SQL",
}
for _code in (_A.SQLITE_CREATE_TEMP_TABLE, _A.SQLITE_CREATE_TEMP_INDEX, _A.SQLITE_CREATE_TEMP_VIEW,
              _A.SQLITE_CREATE_TEMP_TRIGGER, _A.SQLITE_DROP_TEMP_TABLE, _A.SQLITE_DROP_TEMP_INDEX,
              _A.SQLITE_DROP_TEMP_VIEW, _A.SQLITE_DROP_TEMP_TRIGGER):
    _WHY[_code] = "TEMP objects are not allowed in user SQL: they would stay on a pooled connection"
