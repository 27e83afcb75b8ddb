"""The one exception root of the compiler: every failure a caller can see is a SQLParserError."""

from __future__ import annotations


class SQLParserError(ValueError):
    """Root of all compiler errors. A ValueError, so callers that validate input can catch it as such."""


class SQLSyntaxError(SQLParserError):
    """The statement is not valid SQL for the dialect.

    Carries the 1-based line and column of the offending token and the token text, so a user
    (or an LLM) can fix the statement. The message always starts with "failed to parse SQL".
    """

    def __init__(self, reason: str, *, line: int, column: int, token: str | None, sql: str | None = None) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        self.token = token
        self.sql = sql
        near = f" near {token!r}" if token not in (None, "") else " at end of input"
        excerpt = _excerpt(sql, line, column) if sql is not None else ""
        super().__init__(f"failed to parse SQL: line {line}, column {column}{near}: {reason}{excerpt}")


class InvalidArgumentError(SQLParserError):
    """A caller-supplied argument is unusable (empty SQL, bad operator, bad mapping, oversized input)."""


class UnsupportedStatementError(SQLParserError):
    """The statement parsed, but the requested operation does not apply to its kind."""


class UnsupportedConstructError(SQLParserError):
    """The statement parsed, but contains a construct the IR or the requested transform cannot
    represent faithfully. Raised instead of silently dropping or changing meaning."""

    def __init__(self, construct: str, detail: str = "") -> None:
        self.construct = construct
        super().__init__(f"unsupported construct: {construct}" + (f" ({detail})" if detail else ""))


class AmbiguousColumnError(SQLParserError):
    """A column reference cannot be attributed to one source (two mapped tables list it, a
    USING column maps differently on each side, ...): raised instead of guessing; `column` names it."""

    def __init__(self, column: str, detail: str) -> None:
        self.column = column
        super().__init__(f"ambiguous column {column!r}: {detail}")


class PolicyViolationError(SQLParserError):
    """The statement is valid but violates the caller's policy; `rule` names the rule."""

    def __init__(self, rule: str, detail: str) -> None:
        self.rule = rule
        super().__init__(f"policy violation [{rule}]: {detail}")


def _excerpt(sql: str, line: int, column: int) -> str:
    lines = sql.splitlines() or [""]
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    start = max(0, column - 1 - 40)
    shown = text[start : start + 80]
    caret = " " * (column - 1 - start) + "^"
    return f"\n  {shown}\n  {caret}"
