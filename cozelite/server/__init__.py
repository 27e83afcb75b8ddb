"""The application shell: one ASGI app (Starlette on uvicorn) over the open providers.

- app.py: `create_app(providers)`, the routes and the lifespan that closes the providers.
- health.py: `/healthz` and `/healthz/{area}`, real probes through each provider's `ping()`.
- metrics.py: `/metrics` in Prometheus format, a `provider` label per backend.
- blob.py: `GET /blob/{key}` for presigned blob URLs.
- lifecycle.py: the data-directory lock a running server holds, and `run_server`.
"""

from cozelite.server.app import create_app

__all__ = ["create_app"]
