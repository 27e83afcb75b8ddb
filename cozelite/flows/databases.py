"""User databases (Coze Studio's "database" memory): databases of typed tables, and their records.

A database belongs to its creator. `visibility` "private": only the owner sees it (others get 404);
"public": every user may use it, and each table's `mode` decides whose rows a caller sees:
"per_user" (Coze's single-user mode: every caller reads and writes only their own rows) or
"read_only" (every caller reads every row; only the owner writes).

Each logical table is a physical table `table_<n>` created through the db provider (which builds
its DDL with the compiler for db.uri's engine and quotes every name): the fields become `f_1..f_n`
and three hidden system columns are added: `bstudio_id` (row id, primary key), `bstudio_uid` (the
user who owns the row) and `bstudio_create_time`. Logical names reach physical ones only through
the compiler (`user_sql.py`) or through the db contract's structured calls (records here), never
through SQL text built from names or values.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from cozelite.flows.context import Caller
from cozelite.flows.errors import BadRequest, Conflict, Forbidden, NotFound
from cozelite.flows.metadata import eq, new_id, now_ms
from cozelite.flows.resources import DATABASE, publish_resource_event
from providers.db.contract import (
    Column,
    ComplexCondition,
    Condition,
    DataType,
    Index,
    IndexType,
    Operator,
    OrderBy,
    SortDirection,
    Table,
)
from providers.errors import ErrorCode, ProviderError

ROW_ID = "bstudio_id"
OWNER = "bstudio_uid"
CREATED = "bstudio_create_time"
SYSTEM_COLUMNS = (ROW_ID, OWNER, CREATED)
# How the hidden columns are called in logical SQL and in results (Coze's names).
LOGICAL_SYSTEM = {"id": ROW_ID, "uuid": OWNER, CREATED: CREATED}

FIELD_TYPES: dict[str, DataType] = {
    "text": DataType.TEXT,
    "integer": DataType.BIGINT,
    "number": DataType.DOUBLE,
    "boolean": DataType.BOOLEAN,
    "datetime": DataType.TIMESTAMP,
}
VISIBILITIES = ("private", "public")
MODES = ("per_user", "read_only")

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# Names a logical table or field may not take: the hidden columns, their logical spellings, and the
# physical naming schemes (a logical `table_12` or `f_3` would read as a physical name).
_RESERVED = re.compile(r"^(bstudio_.*|id|uuid|table_\d+|f_\d+)$", re.I)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False
    description: str = ""
    physical_name: str = ""


@dataclass(frozen=True)
class UserTable:
    id: str
    database_id: str
    owner: str
    name: str
    physical_name: str
    mode: str
    description: str
    created_at: int
    fields: tuple[Field, ...] = ()

    def column_map(self) -> dict[str, str]:
        """Logical column name -> physical, hidden columns included."""
        return {**{f.name: f.physical_name for f in self.fields}, **LOGICAL_SYSTEM}

    def field_named(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        known = ", ".join(f.name for f in self.fields)
        raise BadRequest(f"table {self.name!r} has no field {name!r}; its fields: {known}", code="unknown_field")


@dataclass(frozen=True)
class Database:
    id: str
    owner: str
    name: str
    description: str
    visibility: str
    created_at: int
    tables: tuple[UserTable, ...] = field(default=())

    def table_named(self, name: str) -> UserTable:
        for t in self.tables:
            if t.name == name:
                return t
        raise NotFound(f"database {self.id} has no table {name!r}", code="table_not_found")


# -- validation ------------------------------------------------------------------------------------

def check_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise BadRequest(f"{what} {name!r} must be 1-64 letters, digits or _, not starting with a digit")
    if _RESERVED.match(name):
        raise BadRequest(f"{what} {name!r} is reserved (id, uuid, bstudio_*, table_<n>, f_<n> are system names)")
    return name


def _check_text(value: object, what: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise BadRequest(f"{what} must be text of at most {limit} characters")
    return value


def check_fields(specs: list[dict[str, Any]], max_fields: int) -> list[Field]:
    if not specs:
        raise BadRequest("a table needs at least one field")
    if len(specs) > max_fields:
        raise BadRequest(f"a table has at most {max_fields} fields (COZE_API_MAX_FIELDS)")
    seen: set[str] = set()
    out = []
    for i, spec in enumerate(specs, start=1):
        name = check_name(spec.get("name"), f"field {i} name")
        if name.lower() in seen:
            raise BadRequest(f"field name {name!r} is given twice (names are case-insensitive)")
        seen.add(name.lower())
        kind = spec.get("type")
        if kind not in FIELD_TYPES:
            raise BadRequest(f"field {name!r} has type {kind!r}; use one of {', '.join(FIELD_TYPES)}")
        out.append(Field(name=name, type=kind, required=bool(spec.get("required", False)),
                         description=_check_text(spec.get("description"), f"field {name!r} description", 1000),
                         physical_name=f"f_{i}"))
    return out


def convert_value(f: Field, value: Any) -> Any:
    """A JSON value checked against the field's type, as the db contract binds it."""
    if value is None:
        if f.required:
            raise BadRequest(f"field {f.name!r} is required", code="invalid_value")
        return None
    ok: bool
    if f.type == "text":
        ok = isinstance(value, str)
    elif f.type == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
    elif f.type == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif f.type == "boolean":
        ok = isinstance(value, bool)
    else:
        if isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                ok = False
            else:
                if parsed.tzinfo is not None:
                    parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
                return parsed
        ok = False
    if not ok:
        raise BadRequest(f"field {f.name!r} takes a {f.type}" + (" (ISO 8601 text)" if f.type == "datetime" else "")
                         + f", got {value!r:.60}", code="invalid_value")
    return value


# -- reading the metadata --------------------------------------------------------------------------

def _table_from(row: dict[str, Any], fields: list[dict[str, Any]]) -> UserTable:
    ordered = sorted(fields, key=lambda r: int(r["ordinal"]))
    return UserTable(id=row["id"], database_id=row["database_id"], owner=row["owner"], name=row["name"],
                     physical_name=row["physical_name"], mode=row["mode"], description=row.get("description") or "",
                     created_at=int(row["created_at"]),
                     fields=tuple(Field(name=r["name"], type=r["type"], required=bool(r["required"]),
                                        description=r.get("description") or "", physical_name=r["physical_name"])
                                  for r in ordered))


def _load(services: Any, row: dict[str, Any]) -> Database:
    db = services.db
    tables = db.select_data("database_tables", where=eq(database_id=row["id"])).result_set.rows
    loaded = []
    for t in sorted(tables, key=lambda r: (int(r["created_at"]), r["name"])):
        fields = db.select_data("database_fields", where=eq(table_id=t["id"])).result_set.rows
        loaded.append(_table_from(t, fields))
    return Database(id=row["id"], owner=row["owner"], name=row["name"], description=row.get("description") or "",
                    visibility=row["visibility"], created_at=int(row["created_at"]), tables=tuple(loaded))


def get_database(services: Any, caller: Caller, database_id: str, *, manage: bool = False) -> Database:
    """The database if the caller may see it (404 otherwise, so others' ids reveal nothing);
    `manage=True`: the caller must own it (403 for a public database of someone else)."""
    rows = services.db.select_data("user_databases", where=eq(id=database_id), limit=1).result_set.rows
    if not rows or (rows[0]["owner"] != caller.user_id and rows[0]["visibility"] != "public"):
        raise NotFound(f"no database {database_id!r}", code="database_not_found")
    if manage and rows[0]["owner"] != caller.user_id:
        raise Forbidden(f"database {database_id!r} belongs to another user; only its owner can change it")
    return _load(services, rows[0])


def list_databases(services: Any, caller: Caller) -> list[Database]:
    rows = services.db.select_data("user_databases", where=eq(owner=caller.user_id)).result_set.rows
    return [_load(services, r) for r in sorted(rows, key=lambda r: (int(r["created_at"]), r["id"]))]


# -- changing the structure ------------------------------------------------------------------------

def create_database(services: Any, caller: Caller, *, name: str, description: str = "",
                    visibility: str = "private", tables: list[dict[str, Any]] | None = None) -> Database:
    if not isinstance(name, str) or not name.strip() or len(name) > 128:
        raise BadRequest("database name must be 1-128 characters")
    if visibility not in VISIBILITIES:
        raise BadRequest(f"visibility must be one of {', '.join(VISIBILITIES)}, got {visibility!r}")
    description = _check_text(description, "description", 4000)
    specs = list(tables or [])
    if len(specs) > services.settings.max_tables_per_database:
        raise BadRequest(f"a database has at most {services.settings.max_tables_per_database} tables")
    database_id = new_id("db")
    services.db.insert_data("user_databases", [{"id": database_id, "owner": caller.user_id, "name": name,
                                                "description": description, "visibility": visibility,
                                                "created_at": now_ms()}])
    for spec in specs:
        add_table(services, caller, database_id, spec)
    publish_resource_event(services, "upsert", DATABASE, database_id, caller.user_id, name, description)
    return get_database(services, caller, database_id)


def add_table(services: Any, caller: Caller, database_id: str, spec: dict[str, Any]) -> UserTable:
    database = get_database(services, caller, database_id, manage=True)
    name = check_name(spec.get("name"), "table name")
    if any(t.name.lower() == name.lower() for t in database.tables):
        raise Conflict(f"database {database_id} already has a table {name!r}")
    if len(database.tables) >= services.settings.max_tables_per_database:
        raise BadRequest(f"a database has at most {services.settings.max_tables_per_database} tables")
    mode = spec.get("mode", "per_user")
    if mode not in MODES:
        raise BadRequest(f"table mode must be one of {', '.join(MODES)}, got {mode!r}")
    fields = check_fields(list(spec.get("fields") or []), services.settings.max_fields)
    description = _check_text(spec.get("description"), "table description", 4000)
    columns = [Column(ROW_ID, DataType.BIGINT, not_null=True, auto_increment=True),
               Column(OWNER, DataType.VARCHAR, length=64, not_null=True),
               Column(CREATED, DataType.TIMESTAMP, not_null=True, default_value="CURRENT_TIMESTAMP")]
    columns += [Column(f.physical_name, FIELD_TYPES[f.type], not_null=f.required, comment=f.description or None)
                for f in fields]
    # An empty name: the provider generates a unique `table_<n>`.
    physical = services.db.create_table(Table(name="", columns=columns, indexes=[
        Index("PRIMARY", IndexType.PRIMARY_KEY, [ROW_ID]),
        Index("idx_owner", IndexType.NORMAL_KEY, [OWNER, CREATED]),
    ])).name
    table_id = new_id("tbl")
    created = now_ms()
    try:
        services.db.insert_data("database_tables", [{
            "id": table_id, "database_id": database_id, "owner": caller.user_id, "name": name,
            "physical_name": physical, "mode": mode, "description": description, "created_at": created}])
    except ProviderError as err:
        services.db.drop_table(physical, if_exists=True)
        if err.code is ErrorCode.ALREADY_EXISTS:
            raise Conflict(f"database {database_id} already has a table {name!r}") from None
        raise
    services.db.insert_data("database_fields", [
        {"id": new_id("fld"), "table_id": table_id, "name": f.name, "physical_name": f.physical_name,
         "type": f.type, "required": f.required, "description": f.description, "ordinal": i}
        for i, f in enumerate(fields, start=1)])
    return get_database(services, caller, database_id).table_named(name)


def delete_database(services: Any, caller: Caller, database_id: str) -> None:
    database = get_database(services, caller, database_id, manage=True)
    for t in database.tables:
        services.db.drop_table(t.physical_name, if_exists=True)
        services.db.delete_data("database_fields", where=eq(table_id=t.id))
        services.db.delete_data("database_tables", where=eq(id=t.id))
    services.db.delete_data("user_databases", where=eq(id=database_id))
    publish_resource_event(services, "delete", DATABASE, database_id, caller.user_id)


# -- records ---------------------------------------------------------------------------------------

_FILTER_OPS = {"eq": Operator.EQUAL, "ne": Operator.NOT_EQUAL, "gt": Operator.GREATER, "ge": Operator.GREATER_EQUAL,
               "lt": Operator.LESS, "le": Operator.LESS_EQUAL, "like": Operator.LIKE}


def row_scope(database: Database, table: UserTable, caller: Caller) -> str:
    """Whose rows the caller sees in `table`: their own (per_user), or the owner's (read_only: only
    the owner ever writes there, so the owner's rows are all of them)."""
    return caller.user_id if table.mode == "per_user" else database.owner


def check_write(database: Database, table: UserTable, caller: Caller) -> None:
    if table.mode == "read_only" and caller.user_id != database.owner:
        raise Forbidden(f"table {table.name!r} is read-only: only the database's owner writes to it",
                        code="read_only_table")


def record_out(table: UserTable, row: dict[str, Any]) -> dict[str, Any]:
    physical = {f.physical_name: f.name for f in table.fields}
    out: dict[str, Any] = {"id": row.get(ROW_ID), CREATED: jsonable(row.get(CREATED))}
    for col, value in row.items():
        if col in physical:
            f = table.field_named(physical[col])
            out[f.name] = bool(value) if f.type == "boolean" and value is not None else jsonable(value)
    return out


def jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # Decimal and anything else a driver returns: exact text


def _owned(uid: str, extra: ComplexCondition | None = None) -> ComplexCondition:
    # The user filter is nested (parenthesised) under the owner condition: `uid = ? AND (filter)`,
    # never `filter AND uid = ?` flattened (Coze's nested-condition leak, COZE_FLOWS.md 8).
    return ComplexCondition(conditions=[Condition(OWNER, Operator.EQUAL, uid)],
                            nested_conditions=[extra] if extra else [])


def list_records(services: Any, caller: Caller, database_id: str, table_name: str, *, limit: int = 50,
                 offset: int = 0, filter_field: str | None = None, filter_op: str = "eq",
                 filter_value: Any = None) -> tuple[list[dict[str, Any]], int]:
    database = get_database(services, caller, database_id)
    table = database.table_named(table_name)
    limit = max(0, min(limit, services.settings.max_sql_rows))
    extra = None
    if filter_field is not None:
        if filter_op not in _FILTER_OPS:
            raise BadRequest(f"filter_op must be one of {', '.join(_FILTER_OPS)}, got {filter_op!r}")
        f = table.field_named(filter_field)
        value = filter_value
        if f.type in ("integer", "number") and isinstance(value, str):
            try:
                value = int(value) if f.type == "integer" else float(value)
            except ValueError:
                raise BadRequest(f"filter_value {value!r} is not a {f.type}", code="invalid_value") from None
        elif f.type == "boolean" and isinstance(value, str):
            value = value.lower() in ("1", "true", "yes")
        if filter_op != "like" or f.type == "text":
            value = convert_value(Field(f.name, f.type), value) if value is not None else None
        extra = ComplexCondition(conditions=[Condition(f.physical_name, _FILTER_OPS[filter_op], value)])
    result = services.db.select_data(
        table.physical_name, where=_owned(row_scope(database, table, caller), extra),
        order_by=[OrderBy(CREATED, SortDirection.DESC), OrderBy(ROW_ID, SortDirection.DESC)],
        limit=limit, offset=max(0, offset))
    return [record_out(table, r) for r in result.result_set.rows], result.total


def _row_values(table: UserTable, values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    if not isinstance(values, dict) or (not values and partial):
        raise BadRequest("give the record as an object of field -> value")
    out = {}
    for name, value in values.items():
        out[table.field_named(name).physical_name] = convert_value(table.field_named(name), value)
    if not partial:
        missing = [f.name for f in table.fields if f.required and f.physical_name not in out]
        if missing:
            raise BadRequest(f"required field(s) missing: {', '.join(missing)}", code="invalid_value")
    return out


def add_records(services: Any, caller: Caller, database_id: str, table_name: str,
                rows: list[dict[str, Any]]) -> int:
    database = get_database(services, caller, database_id)
    table = database.table_named(table_name)
    check_write(database, table, caller)
    if not rows:
        raise BadRequest("give at least one record")
    if len(rows) > services.settings.max_sql_rows:
        raise BadRequest(f"at most {services.settings.max_sql_rows} records per request")
    # Every row of a batch must carry the same columns: absent fields become NULL.
    converted = [_row_values(table, r, partial=False) for r in rows]
    columns = sorted({c for r in converted for c in r})
    data = [{OWNER: caller.user_id, **{c: r.get(c) for c in columns}} for r in converted]
    return int(services.db.insert_data(table.physical_name, data))


def _one(record_id: int) -> ComplexCondition:
    return ComplexCondition(conditions=[Condition(ROW_ID, Operator.EQUAL, record_id)])


def update_record(services: Any, caller: Caller, database_id: str, table_name: str, record_id: int,
                  values: dict[str, Any]) -> None:
    database = get_database(services, caller, database_id)
    table = database.table_named(table_name)
    check_write(database, table, caller)
    where = _owned(row_scope(database, table, caller), _one(record_id))
    new_values = _row_values(table, values, partial=True)
    # Looked up first: MySQL counts only rows whose values change, so an update to the same values
    # would look like a missing record.
    if not services.db.select_data(table.physical_name, fields=[ROW_ID], where=where, limit=1).result_set.rows:
        raise NotFound(f"no record {record_id} in table {table_name!r}", code="record_not_found")
    services.db.update_data(table.physical_name, new_values, where=where)


def delete_record(services: Any, caller: Caller, database_id: str, table_name: str, record_id: int) -> None:
    database = get_database(services, caller, database_id)
    table = database.table_named(table_name)
    check_write(database, table, caller)
    deleted = services.db.delete_data(table.physical_name,
                                      where=_owned(row_scope(database, table, caller), _one(record_id)))
    if not deleted:
        raise NotFound(f"no record {record_id} in table {table_name!r}", code="record_not_found")
