"""FastAPI dependencies: the `Services` of the app and the `Caller` of a request (its API key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from cozelite.flows.context import Caller
from cozelite.flows.errors import Unauthorized
from cozelite.flows.services import Services
from cozelite.flows.users import authenticate

# auto_error=False: a missing or non-Bearer header gets our own 401 body, not FastAPI's.
_bearer = HTTPBearer(auto_error=False, description="An API key from `cozelite keys create USER`.")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def get_caller(request: Request,
                     credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Caller:
    if credentials is None:
        raise Unauthorized("missing API key: send `Authorization: Bearer <key>` (create one with "
                           "`cozelite keys create USER`)", code="missing_key")
    caller = await run_in_threadpool(authenticate, request.app.state.services, credentials.credentials)
    # For the request log: who made the request (never the key).
    request.scope.setdefault("state", {})["user_id"] = caller.user_id
    return caller


ServicesDep = Annotated[Services, Depends(get_services)]
CallerDep = Annotated[Caller, Depends(get_caller)]
