"""Running one statement on an apsw connection for the SQLite driver (sqlite.py): its result
columns and rows, one statement per call, and user SQL under sqlite_guard's authorizer."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import apsw

from providers.db import sqlite_guard as guard
from providers.db.user_sql import Compiled
from providers.db.validation import invalid
from providers.errors import ErrorCode, ProviderError


def query(c: apsw.Connection, sql: str, params: Sequence[Any], *, single: bool = False, is_query: bool = True,
          cache: bool = True) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a statement; its result column names and rows (for a query, names even with no rows).
    User statements pass `cache=False`: a statement prepared earlier without the authorizer (the
    provider's own) must not be reused for them."""
    cur = c.cursor()
    if single:
        cur.exec_trace = _one_statement()
    try:
        cur.execute(sql, params, can_cache=cache)
    except apsw.ExecTraceAbort:
        raise invalid("exactly one SQL statement is allowed") from None
    try:
        # Read from the running statement: exact even when a schema change re-prepared it.
        description = cur.description
    except apsw.ExecutionCompleteError:
        description = None
    rows = cur.fetchall()
    if description is None and is_query:
        description = _description_only(c, sql, params)
    return [d[0] for d in description or ()], rows


# One read of the connection state user SQL must not change (see SQLiteDriver._check_returned).
STATE_SQL = ("SELECT (SELECT query_only FROM pragma_query_only), (SELECT foreign_keys FROM pragma_foreign_keys), "
              "(SELECT count(*) FROM pragma_database_list)")
CLEAN_STATE = [(0, 1, 1)]


# How many SQLite virtual-machine steps run between two looks at the clock: small enough that a
# timed-out statement stops within a millisecond or so, large enough to cost nothing measurable.
_PROGRESS_STEPS = 10_000


def user_query(c: apsw.Connection, statement: Compiled, params: Sequence[Any], *, timeout_ms: int = 0
                ) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a user statement under sqlite_guard's authorizer; PERMISSION_DENIED naming the first
    action it refused. With `timeout_ms`, a statement still running after that long is interrupted
    (SQLite has no statement timeout of its own: a cross join of two big tables would otherwise hold
    the connection, and its thread, for as long as it runs): UNAVAILABLE naming the setting."""
    refusal = guard.Refusal()
    c.authorizer = guard.authorizer(ddl=guard.is_ddl(statement.sql), refusal=refusal)
    if timeout_ms:
        deadline = time.monotonic() + timeout_ms / 1000
        c.set_progress_handler(lambda: time.monotonic() > deadline, _PROGRESS_STEPS)
    try:
        return query(c, statement.sql, params, single=True, is_query=statement.is_query, cache=False)
    except apsw.AuthError as err:
        raise ProviderError(ErrorCode.PERMISSION_DENIED, refusal.reason or str(err)) from err
    except apsw.InterruptError as err:
        raise ProviderError(ErrorCode.UNAVAILABLE,
                            f"statement timeout: the statement ran longer than statement_timeout_ms={timeout_ms}; "
                            "make it cheaper (a WHERE on an indexed column, a LIMIT) or raise the setting "
                            "in db.uri") from err
    except apsw.SQLError as err:
        if refusal.reason is not None:
            raise ProviderError(ErrorCode.PERMISSION_DENIED, refusal.reason) from err
        raise
    finally:
        c.authorizer = None
        if timeout_ms:
            c.set_progress_handler(None)


def _one_statement() -> Callable[..., bool]:
    """An apsw exec trace refusing a second statement in the same string (stacked queries)."""
    seen = [0]

    def trace(cursor: apsw.Cursor, sql: str, bindings: Any) -> bool:
        seen[0] += 1
        return seen[0] == 1

    return trace


def _description_only(c: apsw.Connection, sql: str, params: Sequence[Any]) -> Any:
    """Result columns of a statement that returned no rows: prepare it afresh (a cached statement
    may predate a schema change) and stop before it runs."""
    got: list[Any] = []

    def trace(cursor: apsw.Cursor, sql: str, bindings: Any) -> bool:
        try:
            got.append(cursor.description)
        except apsw.ExecutionCompleteError:
            got.append(())
        return False

    cur = c.cursor()
    cur.exec_trace = trace
    try:
        cur.execute(sql, params, can_cache=False)
    except apsw.ExecTraceAbort:
        pass
    return got[0] if got else ()
