"""ASGI middleware for the per-request limits (the connection-level ones are in protocol.py).

- A request line plus headers above `max_header_bytes` gets 431 before the application runs:
  h11 bounds only a head that arrives in pieces; one that arrives in a single read (up to 256 KiB)
  passes it whole.
- An HTTP version other than 1.0/1.1 gets 505.
- A declared Content-Length above `max_body_bytes` gets 413 before the application runs; a body
  that turns out larger while it streams (chunked, or a lying length) makes the application's
  next `receive()` fail, and the client gets 413 if no response has started.
Every refusal says `connection: close`, so the rest of the request is never read. A client that
disconnects (or is disconnected by the body deadline) mid-body ends the request quietly instead
of logging a traceback per slow client.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class _BodyTooLarge(Exception):
    pass


async def _refuse(send: Send, status: int, error: str) -> None:
    body = json.dumps({"error": error}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _head_size(scope: Scope) -> int:
    """About the bytes of the request line and headers as sent (the separators counted too)."""
    size = len(scope.get("method", "")) + len(scope.get("raw_path", b"")) + len(scope.get("query_string", b"")) + 12
    return size + sum(len(name) + len(value) + 4 for name, value in scope.get("headers", ()))


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length, or None when it has none."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # h11 refuses a malformed length before the app is reached
    return None


async def run_within_body_limit(app: ASGIApp, scope: Scope, receive: Receive, send: Send, limit: int) -> bool:
    """Run `app` with a `receive` that counts the body's bytes as they stream (chunked, or a lying
    Content-Length) and fails the app's next read past `limit`. True when that happened before any
    response started: the caller answers 413; a response already under way ends as it can."""
    seen = 0
    started = False

    async def limited_receive() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _BodyTooLarge
        return message

    async def tracking_send(message: Any) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await app(scope, limited_receive, tracking_send)
    except _BodyTooLarge:
        return not started
    return False


class RequestLimits:
    def __init__(self, app: ASGIApp, max_body_bytes: int, max_header_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("http_version") not in ("1.0", "1.1"):
            await _refuse(send, 505, "only HTTP/1.0 and HTTP/1.1 are served")
            return
        if _head_size(scope) > self.max_header_bytes:
            await _refuse(send, 431, f"request line and headers larger than {self.max_header_bytes} bytes")
            return
        limit = self.max_body_bytes
        declared = declared_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, 413, f"request body larger than {limit} bytes")
            return
        try:
            if await run_within_body_limit(self.app, scope, receive, send, limit):
                await _refuse(send, 413, f"request body larger than {limit} bytes")
        except ClientDisconnect:
            pass  # nobody is left to answer
