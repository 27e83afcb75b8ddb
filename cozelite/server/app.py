"""The ASGI app: health, metrics, presigned blob downloads, the admin backup hook, and the /v1 API
(cozelite/api, FastAPI) mounted after them.

Every request gets an id (`X-Request-ID`: the client's when it is a short token, else a new one),
is counted and timed per route template (cozelite/server/metrics.py) and logged on the
`cozelite.access` logger (one line: id, method, route, status, milliseconds, user)."""

from __future__ import annotations

import contextlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from cozelite.api.app import build_api
from cozelite.api.routers import STARTUP_HOOKS
from cozelite.backup import BackupError, backup_providers
from cozelite.config import AREAS
from cozelite.flows.metadata import ensure_schema
from cozelite.flows.services import FlowSettings, Services
from cozelite.server.blob import download
from cozelite.server.guards import RequestLimits
from cozelite.server.health import probe, probe_all
from cozelite.server.limits import ServerLimits
from cozelite.server.metrics import Metrics
from cozelite.wiring import Providers

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


async def healthz(request: Request) -> Response:
    report = await probe_all(request.app.state.providers, request.app.state.metrics.observe_probe)
    return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)


async def healthz_area(request: Request) -> Response:
    area = request.path_params["area"]
    if area not in AREAS:
        return JSONResponse({"error": f"unknown area {area!r}; known: {', '.join(AREAS)}"}, status_code=404)
    report = await probe(request.app.state.providers, area, request.app.state.metrics.observe_probe)
    return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)


async def metrics(request: Request) -> Response:
    m: Metrics = request.app.state.metrics
    return Response(m.render(), media_type=m.content_type)


def _token_matches(given: str, token: str) -> bool:
    """Constant-time comparison of the header with the token. Header values arrive decoded as
    latin-1 and may hold any byte; comparing bytes keeps a non-ASCII header a plain mismatch
    (compare_digest refuses non-ASCII str)."""
    return hmac.compare_digest(given.encode("latin-1", "replace"), token.encode("ascii"))


def _backup_dest(body: object) -> Path | str:
    """The backup directory from the JSON body, or the reason it is refused."""
    dest = body.get("dest") if isinstance(body, dict) else None
    if not isinstance(dest, str) or not dest:
        return 'body must be JSON {"dest": "/absolute/dir"}'
    # The OS cannot represent these in a path; refusing here keeps them from reaching a syscall.
    if "\0" in dest or any(0xD800 <= ord(ch) <= 0xDFFF for ch in dest):
        return "dest must not contain NUL bytes or unpaired surrogates"
    path = Path(dest)
    if not path.is_absolute():
        return "dest must be an absolute path"
    return path


async def admin_backup(request: Request) -> Response:
    """Back up the live providers into a directory. Loopback only, and the caller must show the
    token from the server's lock file (readable by the user who started the server only)."""
    token = request.app.state.admin_token
    client = request.client.host if request.client else ""
    given = request.headers.get("x-cozelite-token", "")
    if not token or client not in _LOOPBACK or not _token_matches(given, token):
        return JSONResponse({"error": "forbidden"}, status_code=403)
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse({"error": 'body must be JSON {"dest": "/absolute/dir"}'}, status_code=400)
    dest = _backup_dest(body)
    if isinstance(dest, str):
        return JSONResponse({"error": dest}, status_code=400)
    try:
        manifest = await run_in_threadpool(backup_providers, request.app.state.providers, dest)
    except BackupError as err:
        return JSONResponse({"error": str(err)}, status_code=409)
    except OSError as err:  # the destination cannot be created or written: the caller's to fix
        return JSONResponse({"error": f"cannot write the backup to {str(dest)!r}: {err.strerror}"}, status_code=400)
    return JSONResponse(manifest)


# Label values come from closed sets: a client choosing a method or path must not be able to add a
# series (each one costs memory and scrape time for as long as the process runs).
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"})


# Routes of the mounted API that FastAPI does not record in the scope (it records its APIRoutes).
_PLAIN_API_PATHS = frozenset({"/openapi.json"})


def _route_label(scope: Scope) -> str:
    """The template of the route that matched (also on a 405), else "unmatched"."""
    route = scope.get("route")
    if isinstance(route, Mount):  # the API matched nothing of its own, or a plain route of it
        path = scope.get("path")
        return path if path in _PLAIN_API_PATHS else "unmatched"
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def _status_label(code: object) -> str:
    return str(code) if isinstance(code, int) and 100 <= code <= 599 else "other"


access_log = logging.getLogger("cozelite.access")
# A client's X-Request-ID is kept when it is a short token (so it can be logged and echoed safely).
_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._-]{1,64}$")


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id" and _REQUEST_ID.match(value):
            return value.decode("ascii")
    return secrets.token_hex(8)


class _CountRequests:
    """Gives every request an id (state `request_id`, header `X-Request-ID`), counts and times it by
    method, route template and status, each from a closed set, and logs it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Read now: a mounted app (the API) replaces scope["app"] with itself.
        metrics: Metrics = scope["app"].state.metrics
        rid = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        status = {"code": 500}
        start = time.perf_counter()

        async def send_wrapper(message: Any) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            seconds = time.perf_counter() - start
            method = scope["method"] if scope["method"] in _METHODS else "other"
            route = _route_label(scope)
            code = _status_label(status["code"])
            metrics.requests.labels(method, route, code).inc()
            metrics.latency.labels(method, route).observe(seconds)
            if access_log.isEnabledFor(logging.INFO):
                user = (scope.get("state") or {}).get("user_id", "-")
                access_log.info("%s %s %s %s %.1fms user=%s", rid, method, route, code, seconds * 1000, user)


class _LimitsByPath:
    """The server's request limits; under /v1 without the body limit, which the API applies itself
    per route (cozelite/api/limits.py: uploads take more) and answers in its own error format."""

    def __init__(self, app: ASGIApp, *, limits: ServerLimits) -> None:
        self.default = RequestLimits(app, max_body_bytes=limits.max_body_bytes,
                                     max_header_bytes=limits.max_header_bytes)
        self.api = RequestLimits(app, max_body_bytes=2**62, max_header_bytes=limits.max_header_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        guard = self.api if path.startswith("/v1/") else self.default
        await guard(scope, receive, send)


def create_app(providers: Providers, *, admin_token: str | None = None,
               limits: ServerLimits | None = None, settings: FlowSettings | None = None) -> Starlette:
    """The app over already-open providers; it closes them when it shuts down. `limits` gives the
    per-request limits (the connection limits are the protocol's: cozelite/server/protocol.py),
    `settings` the API's (default: FlowSettings.from_env()). At start-up the app's metadata tables
    are created on db.uri when missing (cozelite/flows/metadata)."""
    limits = limits or ServerLimits()
    services = Services(providers, settings or FlowSettings.from_env())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if providers.get("db") is not None:
            await run_in_threadpool(ensure_schema, services)
        for hook in STARTUP_HOOKS:
            await run_in_threadpool(hook, services)
        yield
        # Shutdown: the flows' closers, then the providers, mq first, so consumers drain while the
        # stores they write to are still open.
        await run_in_threadpool(services.close)

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/healthz/{area}", healthz_area),
            Route("/metrics", metrics),
            Route("/blob/{key:path}", download),
            Route("/admin/backup", admin_backup, methods=["POST"]),
            # Last: everything the routes above do not take (/v1, /openapi.json, /docs).
            Mount("/", app=build_api(services, max_body_bytes=limits.max_body_bytes)),
        ],
        # Counting outermost, so a request refused for its size is counted with its 413.
        middleware=[Middleware(_CountRequests),
                    Middleware(_LimitsByPath, limits=limits)],
        lifespan=lifespan,
    )
    app.state.providers = providers
    app.state.metrics = Metrics(providers)
    app.state.admin_token = admin_token
    app.state.services = services
    return app
