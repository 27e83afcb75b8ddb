"""`GET /v1/resources`: search your databases and knowledge bases by name and description."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from cozelite.api.deps import CallerDep, ServicesDep
from cozelite.api.routes_knowledge import knowledge_of
from cozelite.flows.resources import MAX_QUERY_CHARS, MAX_RESULTS

router = APIRouter(prefix="/v1", tags=["resources"])


class ResourceOut(BaseModel):
    kind: Literal["database", "knowledge"]
    id: str
    name: str
    description: str
    score: float | None


class ResourceList(BaseModel):
    items: list[ResourceOut]


@router.get("/resources", response_model=ResourceList,
            summary="Your databases and knowledge bases matching a query (all of them without one)")
def search_resources(
    caller: CallerDep, services: ServicesDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="Words to find in names and descriptions")] = "",
    kind: Annotated[Literal["database", "knowledge"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 20,
) -> ResourceList:
    found = knowledge_of(services).resources.search(caller, q, kind=kind, limit=limit)
    return ResourceList(items=[ResourceOut(kind=r.kind, id=r.id, name=r.name, description=r.description,  # type: ignore[arg-type]
                                           score=r.score) for r in found])
