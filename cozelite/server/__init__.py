"""The application shell: one ASGI app (Starlette on uvicorn) over the open providers.

- app.py: `create_app(providers)`, the routes and the lifespan that closes the providers.
- health.py: `/healthz` and `/healthz/{area}`, real probes through each provider's `ping()`.
- metrics.py: `/metrics` in Prometheus format: which backend serves each area, probe results,
  HTTP requests, and each provider's per-operation counters (read from `stats()` at scrape time).
- blob.py: `GET /blob/{key}` for presigned blob URLs.
- lifecycle.py: `run_server`: take the data-directory lock (cozelite/datadir_lock.py), open the
  providers, serve until SIGTERM/SIGINT, close everything.
"""

from cozelite.server.app import create_app

__all__ = ["create_app"]
