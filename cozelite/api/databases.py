"""/v1/databases: user databases, their tables, records and SQL."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from cozelite.api.deps import CallerDep, ServicesDep
from cozelite.flows import databases as flow
from cozelite.flows.user_sql import run_sql

router = APIRouter(prefix="/v1/databases", tags=["databases"])

FieldType = Literal["text", "integer", "number", "boolean", "datetime"]
Scalar = str | int | float | bool | None


class FieldSpec(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    type: FieldType
    required: bool = False
    description: str = Field("", max_length=1000)


class TableSpec(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    mode: Literal["per_user", "read_only"] = "per_user"
    description: str = Field("", max_length=4000)
    fields: list[FieldSpec] = Field(min_length=1, max_length=256)


class DatabaseSpec(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    description: str = Field("", max_length=4000)
    visibility: Literal["private", "public"] = "private"
    tables: list[TableSpec] = Field(default_factory=list, max_length=256)


class FieldOut(BaseModel):
    name: str
    type: str
    required: bool
    description: str


class TableOut(BaseModel):
    name: str
    mode: str
    description: str
    fields: list[FieldOut]


class DatabaseOut(BaseModel):
    id: str
    name: str
    description: str
    visibility: str
    owned: bool
    created_at: int
    tables: list[TableOut]


class DatabaseList(BaseModel):
    databases: list[DatabaseOut]


class Records(BaseModel):
    records: list[dict[str, Any]]
    total: int


class NewRecords(BaseModel):
    records: list[dict[str, Scalar]] = Field(min_length=1, max_length=10_000)


class Affected(BaseModel):
    affected_rows: int


class RecordUpdate(BaseModel):
    values: dict[str, Scalar] = Field(min_length=1)


class SQLBody(BaseModel):
    sql: str = Field(min_length=1)
    params: list[Scalar] = Field(default_factory=list, description="One value per `?`, in order.")


class SQLOut(BaseModel):
    operation: str
    columns: list[str]
    rows: list[dict[str, Any]]
    affected_rows: int
    truncated: bool = Field(description="true when the result had more rows than the server returns (max_sql_rows)")


def _out(d: flow.Database, user_id: str) -> DatabaseOut:
    return DatabaseOut(id=d.id, name=d.name, description=d.description, visibility=d.visibility,
                       owned=d.owner == user_id, created_at=d.created_at,
                       tables=[TableOut(name=t.name, mode=t.mode, description=t.description,
                                        fields=[FieldOut(name=f.name, type=f.type, required=f.required,
                                                         description=f.description) for f in t.fields])
                               for t in d.tables])


@router.post("", status_code=201, response_model=DatabaseOut, summary="Create a database (and its tables)")
def create_database(body: DatabaseSpec, caller: CallerDep, services: ServicesDep) -> DatabaseOut:
    d = flow.create_database(services, caller, name=body.name, description=body.description,
                             visibility=body.visibility, tables=[t.model_dump() for t in body.tables])
    return _out(d, caller.user_id)


@router.get("", response_model=DatabaseList, summary="The caller's databases")
def list_databases(caller: CallerDep, services: ServicesDep) -> DatabaseList:
    return DatabaseList(databases=[_out(d, caller.user_id) for d in flow.list_databases(services, caller)])


@router.get("/{database_id}", response_model=DatabaseOut, summary="One database with its tables")
def get_database(database_id: str, caller: CallerDep, services: ServicesDep) -> DatabaseOut:
    return _out(flow.get_database(services, caller, database_id), caller.user_id)


@router.delete("/{database_id}", status_code=204, summary="Delete a database, its tables and their rows")
def delete_database(database_id: str, caller: CallerDep, services: ServicesDep) -> Response:
    flow.delete_database(services, caller, database_id)
    return Response(status_code=204)


@router.post("/{database_id}/tables", status_code=201, response_model=DatabaseOut, summary="Add a table")
def add_table(database_id: str, body: TableSpec, caller: CallerDep, services: ServicesDep) -> DatabaseOut:
    flow.add_table(services, caller, database_id, body.model_dump())
    return _out(flow.get_database(services, caller, database_id), caller.user_id)


@router.get("/{database_id}/tables/{table}/records", response_model=Records,
            summary="List records (newest first), optionally filtered on one field")
def list_records(database_id: str, table: str, caller: CallerDep, services: ServicesDep,
                 limit: Annotated[int, Query(ge=0, le=1000)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
                 filter_field: str | None = None,
                 filter_op: Literal["eq", "ne", "gt", "ge", "lt", "le", "like"] = "eq",
                 filter_value: str | None = None) -> Records:
    records, total = flow.list_records(services, caller, database_id, table, limit=limit, offset=offset,
                                       filter_field=filter_field, filter_op=filter_op, filter_value=filter_value)
    return Records(records=records, total=total)


@router.post("/{database_id}/tables/{table}/records", status_code=201, response_model=Affected,
             summary="Add records (each an object of field -> value)")
def add_records(database_id: str, table: str, body: NewRecords, caller: CallerDep,
                services: ServicesDep) -> Affected:
    return Affected(affected_rows=flow.add_records(services, caller, database_id, table, body.records))


@router.patch("/{database_id}/tables/{table}/records/{record_id}", status_code=204, summary="Update a record")
def update_record(database_id: str, table: str, record_id: int, body: RecordUpdate, caller: CallerDep,
                  services: ServicesDep) -> Response:
    flow.update_record(services, caller, database_id, table, record_id, body.values)
    return Response(status_code=204)


@router.delete("/{database_id}/tables/{table}/records/{record_id}", status_code=204, summary="Delete a record")
def delete_record(database_id: str, table: str, record_id: int, caller: CallerDep,
                  services: ServicesDep) -> Response:
    flow.delete_record(services, caller, database_id, table, record_id)
    return Response(status_code=204)


@router.post("/{database_id}/sql", response_model=SQLOut,
             summary="Run one MySQL statement against the database's logical tables, scoped to the caller")
async def sql(database_id: str, body: SQLBody, caller: CallerDep, services: ServicesDep) -> SQLOut:
    result = await run_in_threadpool(run_sql, services, caller, database_id, body.sql, body.params)
    return SQLOut(operation=result.operation, columns=result.columns, rows=result.rows,
                  affected_rows=result.affected_rows, truncated=result.truncated)
