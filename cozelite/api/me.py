"""`GET /v1/me`: who the API key belongs to."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from cozelite.api.deps import CallerDep

router = APIRouter(prefix="/v1", tags=["auth"])


class Me(BaseModel):
    user_id: str
    name: str


@router.get("/me", response_model=Me, summary="The user the API key belongs to")
def me(caller: CallerDep) -> Me:
    return Me(user_id=caller.user_id, name=caller.name)
