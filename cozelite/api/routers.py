"""Every router of the /v1 API, in one list (one line per flow), and the upload routes."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import APIRouter

from cozelite.api import databases, files, me, routes_knowledge, routes_resources, variables
from cozelite.flows.services import Services

ROUTERS: list[APIRouter] = [
    me.router,
    databases.router,
    variables.router,
    files.router,
    routes_knowledge.router,
    routes_resources.router,
]

# Paths whose body may be as large as FlowSettings.max_upload_bytes (multipart uploads).
UPLOAD_PATHS: list[re.Pattern[str]] = [
    re.compile(r"^/v1/files/?$"),
    re.compile(r"^/v1/knowledge/[^/]+/documents/?$"),
]

# Run once at start-up, in order, after the metadata schema exists and before the first request
# (e.g. start an mq consumer and register its stop with `services.add_closer`). A hook that raises
# stops the server from starting.
STARTUP_HOOKS: list[Callable[[Services], object]] = [
    routes_knowledge.start,
]
