"""One error body for every failure of the /v1 API: `{"error": {"code", "message", ...}}`.

- FlowError: its own status and code.
- Validation (pydantic): 422 `validation_error`, the message names each field path; a body that is
  not JSON at all is 400 `malformed_json`.
- SQLParserError: 400; a syntax error carries `line`, `column`, `token`; a policy violation is
  `policy_violation` with the `rule`.
- ProviderError: its portable code mapped to a status (a bad argument is the client's, 400; a
  provider that is down is 503).
- Unknown route 404, wrong method 405.
- Anything else is a bug: 500 with the request id (also in the `X-Request-ID` header), logged with
  its traceback under that id.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cozelite.flows.errors import FlowError
from providers.errors import ErrorCode, ProviderError
from sqlparser.errors import PolicyViolationError, SQLParserError, SQLSyntaxError

log = logging.getLogger("cozelite.api")

_PROVIDER_STATUS = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.ALREADY_EXISTS: 409,
    ErrorCode.INVALID_ARGUMENT: 400,
    ErrorCode.FAILED_PRECONDITION: 409,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.RESOURCE_EXHAUSTED: 507,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.UNIMPLEMENTED: 501,
    ErrorCode.INTERNAL: 500,
}


def request_id(scope: Scope) -> str:
    """The id the server gave this request (cozelite/server/app.py), or "-" outside it."""
    state = scope.get("state") or {}
    return str(state.get("request_id", "-"))


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extra), status_code=status)


def _loc(loc: Any) -> str:
    return ".".join(str(part) for part in loc)


async def _flow_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, FlowError)
    headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
    response = error_response(err.status, err.code, err.message)
    if headers:
        response.headers.update(headers)
    return response


async def _validation_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, RequestValidationError)
    errors = list(err.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        first = next(e for e in errors if e.get("type") == "json_invalid")
        where = (first.get("ctx") or {}).get("error", "")
        return error_response(400, "malformed_json", f"the request body is not valid JSON: {where}".rstrip(": "))
    fields = [{"field": _loc(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in errors[:20]]
    message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return error_response(422, "validation_error", message, fields=fields)


async def _sql_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, SQLParserError)
    if isinstance(err, PolicyViolationError):
        return error_response(400, "policy_violation", str(err), rule=err.rule)
    if isinstance(err, SQLSyntaxError):
        return error_response(400, "sql_syntax_error", str(err), line=err.line, column=err.column, token=err.token)
    return error_response(400, "sql_error", str(err))


async def _provider_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, ProviderError)
    status = _PROVIDER_STATUS.get(err.code, 500)
    if status >= 500 and status not in (501, 503):
        return _internal(request.scope, err)
    return error_response(status, err.code.value.lower(), err.message)


async def _http_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(err.status_code, "http_error")
    message = err.detail if isinstance(err.detail, str) else json.dumps(err.detail)
    if err.status_code == 404 and message == "Not Found":
        message = f"no endpoint {request.url.path}; see /openapi.json"
    response = error_response(err.status_code, code, message)
    if err.headers:
        response.headers.update(err.headers)
    return response


def _internal(scope: Scope, err: BaseException) -> JSONResponse:
    rid = request_id(scope)
    log.error("request %s failed: %s %s", rid, scope.get("method"), scope.get("path"), exc_info=err)
    return error_response(500, "internal_error", f"internal error; report request id {rid}", request_id=rid)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(FlowError, _flow_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(SQLParserError, _sql_error)
    app.add_exception_handler(ProviderError, _provider_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


class CatchAll:
    """Outermost on the API app: an exception no handler took becomes a logged 500 with the request
    id (instead of Starlette's plain-text page and a re-raise into the server)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as err:
            if type(err).__name__ in ("_BodyTooLarge", "ClientDisconnect"):
                raise  # the server's body limit and a client gone: handled outside
            if started:
                log.error("request %s failed after its response started", request_id(scope), exc_info=err)
                return
            await _internal(scope, err)(scope, receive, send)
