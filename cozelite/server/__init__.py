"""The application shell: one ASGI app (Starlette on uvicorn) over the open providers.

- app.py: `create_app(providers)`, the routes and the lifespan that closes the providers.
- health.py: `/healthz` and `/healthz/{area}`, real probes through each provider's `ping()`.
- metrics.py: `/metrics` in Prometheus format: which backend serves each area, probe results,
  HTTP requests, and each provider's per-operation counters (read from `stats()` at scrape time).
- blob.py: `GET /blob/{key}` for presigned blob URLs.
- lifecycle.py: `run_server`: take the data-directory lock (cozelite/datadir_lock.py), open the
  providers, serve until SIGTERM/SIGINT, close everything.
- limits.py: the server's timeouts, connection and size limits and how they are configured.
- protocol.py: uvicorn's HTTP/1.1 protocol with those limits enforced per connection.
- guards.py: the ASGI side of the limits (request body size).

`create_app` is imported on first use, so that `cozelite serve --help` (which reads limits.py for
its flags) does not load the web stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cozelite.server.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from cozelite.server.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
