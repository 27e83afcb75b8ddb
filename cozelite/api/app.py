"""`build_api(services, max_body_bytes)`: the FastAPI app of the /v1 API.

It is mounted at `/` on the server's Starlette app after the server's own routes (health, metrics,
blob downloads, admin), so those keep working unchanged; `/openapi.json` and `/docs` are its own."""

from __future__ import annotations

from fastapi import FastAPI

from cozelite import __version__
from cozelite.api import docs
from cozelite.api.errors import CatchAll, install_error_handlers
from cozelite.api.limits import BodyLimit
from cozelite.api.routers import ROUTERS, UPLOAD_PATHS
from cozelite.flows.services import Services


def build_api(services: Services, *, max_body_bytes: int) -> FastAPI:
    api = FastAPI(title="cozelite", version=__version__, openapi_url="/openapi.json", docs_url=None,
                  redoc_url=None,
                  description="Coze Studio's core flows over HTTP: user databases, variables, files "
                              "(and knowledge bases). Authenticate with `Authorization: Bearer <key>`.")
    api.state.services = services
    install_error_handlers(api)
    # Added innermost first: CatchAll ends up outside BodyLimit, both inside FastAPI's own
    # ServerErrorMiddleware and outside its exception handlers, so they see what routes raise.
    api.add_middleware(BodyLimit, max_body_bytes=max_body_bytes, max_upload_bytes=services.settings.max_upload_bytes,
                       upload_paths=UPLOAD_PATHS)
    api.add_middleware(CatchAll)
    api.include_router(docs.router)
    for router in ROUTERS:
        api.include_router(router)
    return api
