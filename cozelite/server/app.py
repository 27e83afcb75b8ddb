"""The ASGI app: health, metrics, presigned blob downloads, and the admin backup hook."""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from cozelite.backup import BackupError, backup_providers
from cozelite.config import AREAS
from cozelite.server.blob import download
from cozelite.server.health import probe, probe_all
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


async def admin_backup(request: Request) -> Response:
    """Back up the live providers into a directory. Loopback only, and the caller must show the
    token from the server's lock file (readable by the user who started the server only)."""
    token = request.app.state.admin_token
    client = request.client.host if request.client else ""
    given = request.headers.get("x-cozelite-token", "")
    if not token or client not in _LOOPBACK or not hmac.compare_digest(given, token):
        return JSONResponse({"error": "forbidden"}, status_code=403)
    try:
        body = await request.json()
        dest = Path(body["dest"])
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": 'body must be JSON {"dest": "/absolute/dir"}'}, status_code=400)
    if not dest.is_absolute():
        return JSONResponse({"error": "dest must be an absolute path"}, status_code=400)
    try:
        manifest = await run_in_threadpool(backup_providers, request.app.state.providers, dest)
    except BackupError as err:
        return JSONResponse({"error": str(err)}, status_code=409)
    return JSONResponse(manifest)


class _CountRequests:
    """Counts every request by route template (not raw path, which would explode the label set)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}

        async def send_wrapper(message: Any) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            scope["app"].state.metrics.requests.labels(scope["method"], template, str(status["code"])).inc()


def create_app(providers: Providers, *, admin_token: str | None = None) -> Starlette:
    """The app over already-open providers; it closes them when it shuts down."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        # Shutdown: mq first, so consumers drain while the stores they write to are still open.
        await run_in_threadpool(providers.close)

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/healthz/{area}", healthz_area),
            Route("/metrics", metrics),
            Route("/blob/{key:path}", download),
            Route("/admin/backup", admin_backup, methods=["POST"]),
        ],
        middleware=[Middleware(_CountRequests)],
        lifespan=lifespan,
    )
    app.state.providers = providers
    app.state.metrics = Metrics(providers)
    app.state.admin_token = admin_token
    return app
