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

# Run once at server start-up, after the metadata schema exists (background consumers of a flow).
STARTERS: list[Callable[[Services], object]] = [
    routes_knowledge.start,
]

# Paths whose body may be as large as FlowSettings.max_upload_bytes (multipart uploads).
UPLOAD_PATHS: list[re.Pattern[str]] = [
    re.compile(r"^/v1/files/?$"),
    re.compile(r"^/v1/knowledge/[^/]+/documents/?$"),
]
