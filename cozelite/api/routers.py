"""Every router of the /v1 API, in one list (one line per flow), and the upload routes."""

from __future__ import annotations

import re

from fastapi import APIRouter

from cozelite.api import me

ROUTERS: list[APIRouter] = [
    me.router,
]

# Paths whose body may be as large as FlowSettings.max_upload_bytes (multipart uploads).
UPLOAD_PATHS: list[re.Pattern[str]] = [
    re.compile(r"^/v1/files/?$"),
]
