"""`run_sql`: a user's SQL against a database's logical tables, through the compiler, in this order:

1. Bounds: text size, parameter count and types.
2. `check_policy` (MySQL, the dialect users write, as in Coze Studio): DML only, only this
   database's logical tables, none of the dialect's denials (system schemas, file-reading and
   sleeping functions, INTO OUTFILE, ...). A write that names a read-only table is refused for
   everyone but the owner.
3. `parse_and_modify_sql`: logical table and field names -> physical (`table_<n>`, `f_<i>`,
   `id` -> `bstudio_id`, `uuid` -> `bstudio_uid`).
4. `scope_rows`: every reference of every table, at any depth (joins, subqueries, CTEs, UNION arms,
   INSERT ... SELECT), sees only the rows of the caller (per_user) or of the owner (read_only);
   UPDATE / DELETE change only those rows; INSERT rows get the caller's uid (fill_inserts) and may
   not set another. The uid is one the server generated (`usr_<hex>`), never client text.
5. A SELECT is capped at `max_sql_rows` (+1, to tell the client the result was cut).
6. `translate` from MySQL to the engine of db.uri, then the db provider runs it with the
   parameters bound.
7. Physical column names in the result -> logical ones.

Steps 2-6 give a plan that depends only on the text, the database's schema and the caller; plans
are kept (`_PlanCache`), so a repeated statement costs one metadata read and the run.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from cozelite.flows.context import Caller
from cozelite.flows.databases import (
    CREATED,
    LOGICAL_SYSTEM,
    OWNER,
    ROW_ID,
    Database,
    UserTable,
    get_database,
    jsonable,
    row_scope,
)
from cozelite.flows.errors import BadRequest, Forbidden, TooLarge
from sqlparser import OperationType, Policy, TableColumn

_DML = frozenset({OperationType.SELECT, OperationType.INSERT, OperationType.UPDATE, OperationType.DELETE})
_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class SQLResult:
    operation: str
    columns: list[str]
    rows: list[dict[str, Any]]
    affected_rows: int
    truncated: bool


@dataclass(frozen=True)
class _Plan:
    """What steps 2-6 derive from a statement, for one database schema and one caller."""

    operation: OperationType
    used: tuple[str, ...]  # the logical tables the statement names
    engine_sql: str


class _PlanCache:
    """Compiled plans, least recently used out. Applications send the same parameterized
    statements over and over, and compiling one (seven passes over the tree) costs far more than
    running it. The key holds everything a plan depends on: the statement text, the database's
    schema (tables, physical names, modes, fields, owner) and the caller."""

    MAX_ENTRIES = 4096
    MAX_SQL_CHARS = 8192  # bigger statements are compiled every time, not kept

    def __init__(self) -> None:
        self._plans: OrderedDict[tuple[Any, ...], _Plan] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> _Plan | None:
        with self._lock:
            plan = self._plans.get(key)
            if plan is not None:
                self._plans.move_to_end(key)
            return plan

    def put(self, key: tuple[Any, ...], plan: _Plan) -> None:
        if len(key[0]) > self.MAX_SQL_CHARS:
            return
        with self._lock:
            self._plans[key] = plan
            while len(self._plans) > self.MAX_ENTRIES:
                self._plans.popitem(last=False)


def _schema_key(database: Database) -> tuple[Any, ...]:
    return (database.id, database.owner,
            tuple((t.name, t.physical_name, t.mode, tuple((f.name, f.physical_name) for f in t.fields))
                  for t in database.tables))


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _referenced(tree: exp.Expression | None) -> set[str]:
    return {t.name.lower() for t in tree.find_all(exp.Table)} if tree is not None else set()


def _check_system_writes(services: Any, renamed: str) -> None:
    """Refuse a write that sets the row id or the creation time: the server assigns them (an id
    chosen by the client would also tell it, by a duplicate-key error, which ids other users'
    rows have)."""
    tree = services.mysql.compile(renamed).tree
    if tree is None:
        return
    for node in tree.find_all(exp.Insert, exp.Update):
        if isinstance(node, exp.Insert):
            target = node.this
            written = [c.name for c in target.expressions] if isinstance(target, exp.Schema) else []
        else:
            written = [a.this.name for a in node.expressions
                       if isinstance(a, exp.EQ) and isinstance(a.this, exp.Column)]
        for name in written:
            if name.lower() in (ROW_ID, CREATED):
                logical = "id" if name.lower() == ROW_ID else CREATED
                raise BadRequest(f"column {logical!r} is assigned by the server; leave it out of INSERT and SET",
                                 code="policy_violation")


def _cap(services: Any, sql: str, rows: int) -> str:
    """The SELECT with LIMIT `rows` unless it already has a smaller literal limit."""
    tree = services.mysql.compile(sql).tree
    if not isinstance(tree, (exp.Select, exp.SetOperation)):
        return sql
    current = tree.args.get("limit")
    if isinstance(current, exp.Limit):
        expr = current.expression
        if not (isinstance(expr, exp.Literal) and expr.is_int):
            return sql  # LIMIT ?: the provider's rows are cut after the run
        if int(expr.this) <= rows:
            return sql
        current.set("expression", exp.Literal.number(rows))
    elif current is not None:
        return sql
    else:
        tree.set("limit", exp.Limit(expression=exp.Literal.number(rows)))
    return str(services.mysql.render(tree, consume=True))


def _result_names(tables: list[UserTable]) -> dict[str, str]:
    """Physical result column -> logical name, where every table the statement names agrees."""
    names: dict[str, str] = {ROW_ID: "id", OWNER: "uuid", CREATED: CREATED}
    seen: dict[str, set[str]] = {}
    for t in tables:
        for f in t.fields:
            seen.setdefault(f.physical_name, set()).add(f.name)
    names.update({phys: next(iter(logical)) for phys, logical in seen.items() if len(logical) == 1})
    return names


def run_sql(services: Any, caller: Caller, database_id: str, sql: str, params: list[Any] | None = None) -> SQLResult:
    settings = services.settings
    if not isinstance(sql, str) or not sql.strip():
        raise BadRequest("sql must be a non-empty statement")
    if len(sql) > settings.max_sql_chars:
        raise TooLarge(f"sql is {len(sql)} characters; at most {settings.max_sql_chars} (COZE_API_MAX_SQL_CHARS)")
    params = list(params or [])
    if len(params) > settings.max_sql_params:
        raise TooLarge(f"{len(params)} params; at most {settings.max_sql_params} (COZE_API_MAX_SQL_PARAMS)")
    for i, p in enumerate(params):
        # No list parameters (Go's `IN ?` expansion): the statement is checked and scoped as
        # written, so it must be valid SQL with one `?` per value (`IN (?, ?)`).
        if not isinstance(p, _SCALARS):
            raise BadRequest(f"params[{i}] must be a string, number, boolean or null; write `IN (?, ?)` for lists")
    database: Database = get_database(services, caller, database_id)
    cache: _PlanCache = services.caches.setdefault("user_sql", _PlanCache())
    key = (sql, _schema_key(database), caller.user_id)
    plan = cache.get(key)
    if plan is None:
        plan = _compile(services, caller, database, sql)
        cache.put(key, plan)
    by_name = {t.name.lower(): t for t in database.tables}
    used = [by_name[n] for n in plan.used]
    if plan.operation is not OperationType.SELECT and caller.user_id != database.owner:
        read_only = [t.name for t in used if t.mode == "read_only"]
        if read_only:
            raise Forbidden(f"table {read_only[0]!r} is read-only: only the database's owner may run writes that "
                            "name it", code="read_only_table")
    result = services.db.execute_sql(plan.engine_sql, params)

    names = _result_names(used)
    columns = [names.get(c, c) for c in result.columns]
    rows = [{names.get(k, k): jsonable(v) for k, v in row.items()} for row in result.rows]
    truncated = len(rows) > settings.max_sql_rows
    return SQLResult(operation=plan.operation.value, columns=columns, rows=rows[:settings.max_sql_rows],
                     affected_rows=int(result.affected_rows), truncated=truncated)


def _compile(services: Any, caller: Caller, database: Database, sql: str) -> _Plan:
    """Steps 2-6: the statement checked, renamed, scoped, capped and translated for the engine."""
    mysql = services.mysql
    operation = mysql.get_sql_operation(sql)
    if operation not in _DML:
        raise BadRequest(f"only SELECT, INSERT, UPDATE and DELETE run here, not {operation.value}",
                         code="policy_violation")
    by_name = {t.name.lower(): t for t in database.tables}
    mysql.check_policy(sql, Policy(tables=frozenset(by_name), operations=_DML))
    tree = mysql.compile(sql).tree
    if tree is not None and any(w.args.get("recursive") for w in tree.find_all(exp.With)):
        # A recursive CTE can run until the engine's statement timeout (30 s by default on every
        # db), holding a worker all that time: a user's query has no need for one.
        raise BadRequest("policy violation [recursive-cte]: WITH RECURSIVE is not allowed here",
                         code="policy_violation")
    used = [by_name[n] for n in sorted(_referenced(tree)) if n in by_name]
    mapping = {t.name: TableColumn(new_table_name=t.physical_name,
                                   column_map={**{f.name: f.physical_name for f in t.fields}, **LOGICAL_SYSTEM})
               for t in database.tables}
    renamed = mysql.parse_and_modify_sql(sql, mapping)
    if operation in (OperationType.INSERT, OperationType.UPDATE):
        _check_system_writes(services, renamed)
    conditions = {t.physical_name: f"{OWNER} = {_quote(row_scope(database, t, caller))}" for t in database.tables}
    scoped = mysql.scope_rows(renamed, conditions, fill_inserts=True)
    if operation is OperationType.SELECT:
        scoped = _cap(services, scoped, services.settings.max_sql_rows + 1)
    engine_sql = services.parser.translate(scoped, read="mysql")
    return _Plan(operation=operation, used=tuple(t.name.lower() for t in used), engine_sql=engine_sql)
