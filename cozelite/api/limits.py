"""Request body limits of the /v1 API, per route, answered in the API's error format.

Upload routes (`UPLOAD_PATHS` in routers.py) take up to `FlowSettings.max_upload_bytes`; every
other route the server's `max_body_bytes`. A declared Content-Length above the limit is refused
before the route runs; a body that turns out larger while it streams stops the route at the first
read beyond the limit. Either way: 413 `too_large`, naming the limit and the setting that raises it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from cozelite.api.errors import error_response
from cozelite.server.guards import declared_length, run_within_body_limit

MULTIPART_OVERHEAD = 64 * 1024


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int,
                 upload_paths: Iterable[re.Pattern[str]]) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.upload_paths = tuple(upload_paths)

    def _limit(self, path: str) -> tuple[int, str]:
        if any(p.match(path) for p in self.upload_paths):
            # The multipart framing and form fields around the file get room of their own.
            return self.max_upload_bytes + MULTIPART_OVERHEAD, "COZE_API_MAX_UPLOAD_BYTES"
        return self.max_body_bytes, "--max-body-bytes (COZE_SERVER_MAX_BODY_BYTES)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self._limit(scope.get("path", ""))
        message = f"request body larger than {limit} bytes (the limit of this endpoint; set by {setting})"
        declared = declared_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, message)
            return
        if await run_within_body_limit(self.app, scope, receive, send, limit):
            await self._refuse(scope, receive, send, message)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, message: str) -> None:
        response = error_response(413, "too_large", message)
        response.headers["connection"] = "close"  # the rest of the body is never read
        await response(scope, receive, send)
