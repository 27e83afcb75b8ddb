"""/v1/variables: the caller's key/value variables (kv provider)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from cozelite.api.deps import CallerDep, ServicesDep
from cozelite.flows import variables as flow
from cozelite.flows.variables import MAX_TTL_SECONDS

router = APIRouter(prefix="/v1/variables", tags=["variables"])


class VariableIn(BaseModel):
    value: Any = Field(description="Any JSON value.")
    ttl_seconds: int | None = Field(None, ge=1, le=MAX_TTL_SECONDS, description="Seconds until it expires; "
                                                                                 "null: never.")


class VariableOut(BaseModel):
    name: str
    value: Any
    expires_at: int | None = Field(description="When it expires, ms since the epoch; null: never.")


class VariableList(BaseModel):
    variables: list[VariableOut]


def _out(v: flow.Variable) -> VariableOut:
    return VariableOut(name=v.name, value=v.value, expires_at=v.expires_at)


@router.get("", response_model=VariableList, summary="The caller's variables whose name starts with prefix")
def list_variables(caller: CallerDep, services: ServicesDep,
                   prefix: Annotated[str, Query(max_length=256)] = "") -> VariableList:
    return VariableList(variables=[_out(v) for v in flow.list_variables(services, caller, prefix)])


@router.get("/{name:path}", response_model=VariableOut, summary="One variable")
def get_variable(name: str, caller: CallerDep, services: ServicesDep) -> VariableOut:
    return _out(flow.get_variable(services, caller, name))


@router.put("/{name:path}", response_model=VariableOut, summary="Set a variable (optionally with a TTL)")
def set_variable(name: str, body: VariableIn, caller: CallerDep, services: ServicesDep) -> VariableOut:
    return _out(flow.set_variable(services, caller, name, body.value, body.ttl_seconds))


@router.delete("/{name:path}", status_code=204, summary="Delete a variable")
def delete_variable(name: str, caller: CallerDep, services: ServicesDep) -> Response:
    flow.delete_variable(services, caller, name)
    return Response(status_code=204)
