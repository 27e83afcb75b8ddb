"""The HTTP face of the flows: FastAPI routers under /v1 (one module per flow), mounted on the
server's Starlette app (cozelite/server/app.py).

- app.py: `build_api(services, max_body_bytes)`: the FastAPI app, its error handlers and limits.
- routers.py: `ROUTERS` (every router the app includes) and `UPLOAD_PATHS`.
- deps.py: the `Services` and `Caller` dependencies.
- errors.py: the one JSON error body.
- limits.py: per-route body limits.
- docs.py: an offline /docs page over /openapi.json.
"""
