"""The flows' errors: what went wrong in terms a client can act on, with the HTTP status it maps to.

Flows are HTTP-independent, but every failure a client can cause has exactly one status, so the
status lives with the error (the HTTP layer, cozelite/api/errors.py, only renders it)."""

from __future__ import annotations


class FlowError(Exception):
    """A failure the caller can act on. `code` is a stable machine-readable word, `message` says
    what, where and how to fix it."""

    status: int = 400
    default_code: str = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code


class BadRequest(FlowError):
    status = 400
    default_code = "bad_request"


class Unauthorized(FlowError):
    status = 401
    default_code = "unauthorized"


class Forbidden(FlowError):
    status = 403
    default_code = "forbidden"


class NotFound(FlowError):
    status = 404
    default_code = "not_found"


class Conflict(FlowError):
    status = 409
    default_code = "conflict"


class TooLarge(FlowError):
    status = 413
    default_code = "too_large"


class Unavailable(FlowError):
    """A provider the flow needs is down or not configured (the client may retry later)."""

    status = 503
    default_code = "unavailable"
