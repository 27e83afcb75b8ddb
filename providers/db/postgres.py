"""`postgresql://user:password@host:5432/dbname` -> user tables on a PostgreSQL server, through psycopg 3.

Schemes: ``postgresql``, ``postgres``, ``postgresql+psycopg`` (one implementation, "postgres").
The database must exist; the provider keeps its tables and its catalog (`_cozelite_rdb_*`) in
one schema.

Query parameters:
- ``schema`` (default ``public``): the schema the tables live in; created when missing.
- ``pool_size`` (default 8), ``pool_timeout`` (seconds, default 10): connections kept open, and
  how long a call waits for a free one before UNAVAILABLE.
- ``connect_timeout`` (seconds, default 5): connecting longer than this fails (UNAVAILABLE).
- ``statement_timeout_ms`` (default 30000, 0 = none): the server cancels a longer statement
  (UNAVAILABLE). TCP keepalives end a call on a server that vanished from the network.

Values are bound server-side by psycopg (the statements are printed by the compiler's PostgreSQL
dialect with psycopg's %s placeholders). Sessions run in UTC.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import psycopg
from psycopg import sql as pgsql
from sqlglot import exp

from providers.db import DB, catalog
from providers.db import statements as ir
from providers.db.catalog import Change
from providers.db.contract import RDB
from providers.db.entity import AlterTableAction, Column, DataType, Index, IndexType, Table, TableOption
from providers.db.pool import ConnectionPool
from providers.db.server import COMMON_PARAMS, ServerDriver, float_to_text, int_param
from providers.db.user_sql import Compiled
from providers.db.validation import Layout, invalid, varchar_length
from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass
from providers.registry import ProviderURL
from sqlparser import parser_for
from sqlparser.errors import SQLParserError
from sqlparser.types import OperationType

_PHYSICAL = {
    DataType.INT: "INTEGER", DataType.BIGINT: "BIGINT", DataType.BOOLEAN: "SMALLINT", DataType.TEXT: "TEXT",
    DataType.JSON: "TEXT", DataType.TIMESTAMP: "TIMESTAMP(6)", DataType.FLOAT: "DOUBLE PRECISION",
    DataType.DOUBLE: "DOUBLE PRECISION",
}
_CHECKS = {
    DataType.BOOLEAN: "__c__ IN (0, 1)",
    DataType.TEXT: "OCTET_LENGTH(__c__) <= 65535",
    DataType.JSON: "__c__ IS NULL OR CAST(__c__ AS JSON) IS NOT NULL",  # a cast that fails is the error
}
# PostgreSQL's declared types -> logical ones (tables made by raw SQL have no catalog entry).
_DECLARED = {
    "integer": DataType.INT, "smallint": DataType.INT, "bigint": DataType.BIGINT, "boolean": DataType.BOOLEAN,
    "character varying": DataType.VARCHAR, "character": DataType.VARCHAR, "text": DataType.TEXT,
    "json": DataType.JSON, "jsonb": DataType.JSON, "real": DataType.FLOAT, "double precision": DataType.DOUBLE,
    "timestamp without time zone": DataType.TIMESTAMP, "timestamp with time zone": DataType.TIMESTAMP,
}
_MAX_NAME_BYTES = 63  # PostgreSQL cuts longer names silently (NAMEDATALEN - 1)
_SCHEMA = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_CAST_SUFFIX = re.compile(r"^(.*?)::[a-z ]+(\(\d+\))?$", re.S)

_VALUE = ErrorClass(ErrorCode.INVALID_ARGUMENT, "a value does not fit its column's type or size")
_LOST = ErrorClass(ErrorCode.UNAVAILABLE, "the connection to the server was lost; retry")
_SQLSTATE: dict[str, ErrorClass] = {
    "23505": ErrorClass(ErrorCode.ALREADY_EXISTS, "duplicate key"), "42P07": ErrorClass(ErrorCode.ALREADY_EXISTS),
    "42701": ErrorClass(ErrorCode.ALREADY_EXISTS), "42710": ErrorClass(ErrorCode.ALREADY_EXISTS),
    "42P01": ErrorClass(ErrorCode.NOT_FOUND), "3D000": ErrorClass(ErrorCode.NOT_FOUND, "the database does not exist"),
    "3F000": ErrorClass(ErrorCode.NOT_FOUND, "the schema does not exist"),
    "23503": ErrorClass(ErrorCode.FAILED_PRECONDITION, "a foreign key does not match"),
    "23502": ErrorClass(ErrorCode.INVALID_ARGUMENT, "NULL in a NOT NULL column"), "23514": _VALUE,
    "57014": ErrorClass(ErrorCode.UNAVAILABLE, "statement timeout (statement_timeout_ms)"),
    "40001": ErrorClass(ErrorCode.UNAVAILABLE, "serialization failure; retry"),
    "40P01": ErrorClass(ErrorCode.UNAVAILABLE, "deadlock; retry"),
    "42501": ErrorClass(ErrorCode.PERMISSION_DENIED),
}


def classify_error(err: BaseException) -> ErrorClass:
    if isinstance(err, ProviderError):
        return ErrorClass(err.code)
    state = getattr(err, "sqlstate", None) or ""
    known = _SQLSTATE.get(state)
    if known is not None:
        return known
    if state.startswith("22"):
        return _VALUE
    if state.startswith(("08", "57P")):
        return _LOST
    if state.startswith("28"):
        return ErrorClass(ErrorCode.PERMISSION_DENIED)
    if state.startswith("53"):
        return ErrorClass(ErrorCode.RESOURCE_EXHAUSTED)
    if state.startswith(("42", "23", "0A")):
        return ErrorClass(ErrorCode.INVALID_ARGUMENT)
    if isinstance(err, (psycopg.OperationalError, psycopg.InterfaceError)):
        if str(err).startswith("connection failed"):  # psycopg's words for a connect that did not happen
            return ErrorClass(ErrorCode.UNAVAILABLE, "cannot reach the server")
        return _LOST if not state else ErrorClass(ErrorCode.UNAVAILABLE)
    if isinstance(err, (psycopg.ProgrammingError, psycopg.DataError, SQLParserError, TypeError, ValueError)):
        return ErrorClass(ErrorCode.INVALID_ARGUMENT)
    return ErrorClass(ErrorCode.INTERNAL)


def _short(name: str, kind: str) -> str:
    if len(name.encode()) > _MAX_NAME_BYTES:
        raise invalid(f"{kind} name {name[:20]!r}... is longer than PostgreSQL's {_MAX_NAME_BYTES} bytes")
    return name


class PostgresDriver(ServerDriver):
    """The psycopg 3 driver of `RDB` (see the module docstring for the URI)."""

    name = "postgres"
    dialect = "postgres"
    NO_LIMIT = None  # LIMIT NULL: no limit
    CATALOG_DDL = (
        'CREATE TABLE IF NOT EXISTS "_cozelite_rdb_tables" (tbl TEXT PRIMARY KEY, comment TEXT, '
        "collation_name TEXT, auto_increment BIGINT, created_at BIGINT, updated_at BIGINT)",
        'CREATE TABLE IF NOT EXISTS "_cozelite_rdb_columns" (tbl TEXT, col TEXT, data_type TEXT, length INTEGER, '
        "comment TEXT, PRIMARY KEY (tbl, col))",
        'CREATE TABLE IF NOT EXISTS "_cozelite_rdb_ping" (v TEXT)',
    )

    def __init__(self, url: ProviderURL, database: str, *, schema: str, pool_size: int, pool_timeout: float,
                 connect_timeout: int, statement_timeout_ms: int) -> None:
        self.schema = schema
        options = "-c TimeZone=UTC" + (f" -c statement_timeout={statement_timeout_ms}" if statement_timeout_ms else "")
        self._conninfo = psycopg.conninfo.make_conninfo(
            host=url.host or "localhost", port=url.port or 5432, user=url.username or None,
            password=url.password or None, dbname=database, connect_timeout=connect_timeout, options=options,
            keepalives=1, keepalives_idle=10, keepalives_interval=3, keepalives_count=3,
            application_name="cozelite")
        where = f"postgres {url.host or 'localhost'}:{url.port or 5432}/{database}"
        self._schema_made = False
        pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            self._connect, lambda c: c.close(), size=pool_size, timeout=pool_timeout, what=where)
        super().__init__(url, parser_for(url.raw, placeholder="%s"), pool, row_id="ctid", upsert_style="on_conflict")

    def _connect(self) -> psycopg.Connection[Any]:
        # No automatic server-side prepare: a prepared SELECT * breaks ("cached plan must not change
        # result type") once the table is altered.
        conn = psycopg.connect(self._conninfo, autocommit=True, prepare_threshold=None)
        try:
            if not self._schema_made:
                conn.execute(pgsql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(pgsql.Identifier(self.schema)))
                self._schema_made = True
            conn.execute(pgsql.SQL("SET search_path TO {}").format(pgsql.Identifier(self.schema)))
            conn.autocommit = False
        except BaseException:
            conn.close()
            raise
        return conn

    def classify_error(self, err: BaseException) -> ErrorClass:
        return classify_error(err)

    def _broken(self, err: BaseException) -> bool:
        if not isinstance(err, (psycopg.OperationalError, psycopg.InterfaceError)):
            return False
        state = getattr(err, "sqlstate", None) or ""
        return not state or state.startswith(("08", "57P"))

    def _driver_sql(self, sql: str) -> str:
        return sql  # the compiler printed psycopg's %s placeholders (and doubled every other %)

    def _user_sql(self, statement: Compiled, params: list[Any]) -> tuple[str, list[Any] | None]:
        if statement.operation in (OperationType.SELECT, OperationType.INSERT, OperationType.UPDATE,
                                   OperationType.DELETE):
            return statement.sql, params
        # DDL and other utility statements run as written (the compiler classifies them; PostgreSQL
        # binds no parameters in them).
        if params:
            raise invalid(f"PostgreSQL binds no parameters in a {statement.operation.value} statement")
        return statement.sql, None

    # -- schema ----------------------------------------------------------------------------------

    def _physical(self, col: Column) -> exp.DataType:
        text = f"VARCHAR({varchar_length(col)})" if col.data_type is DataType.VARCHAR else _PHYSICAL[col.data_type]
        return exp.DataType.build(text, dialect="postgres")

    def _check(self, col: Column) -> exp.Expression | None:
        if col.data_type not in _CHECKS:
            return None
        return ir.condition_template(_CHECKS[col.data_type], "postgres", col.name)

    def _column_def(self, col: Column, *, in_pk: bool = False, start: int | None = None) -> exp.ColumnDef:
        _short(col.name, "column")
        definition = ir.column_def(col, self._physical(col), check=self._check(col), not_null=in_pk,
                                   check_named=False)
        if col.auto_increment:
            identity = exp.GeneratedAsIdentityColumnConstraint(
                this=False, start=exp.Literal.number(start) if start is not None else None)
            definition.append("constraints", exp.ColumnConstraint(kind=identity))
        return definition

    def _index_ddl(self, table: str, idx: Index) -> list[str]:
        """CREATE INDEX, named `<table>__<index>` (index names are per schema in PostgreSQL, per table
        in the contract); a name too long for that is hashed and the index's name kept as its comment."""
        physical = f"{table}__{idx.name}"
        out = []
        if len(physical.encode()) > _MAX_NAME_BYTES:
            physical = "cz_" + hashlib.sha1(f"{table}\0{idx.name}".encode()).hexdigest()[:24]
            out.append(self._render(exp.Comment(this=ir.table(physical), kind="INDEX",
                                                expression=exp.Literal.string(idx.name))))
        return [self._render(ir.create_index(physical, table, idx)), *out]

    def _create_ddl(self, spec: Table, layout: Layout) -> list[str]:
        _short(spec.name, "table")
        auto = [c for c in spec.columns if c.auto_increment]
        if auto and (len(auto) > 1 or auto[0].data_type not in (DataType.INT, DataType.BIGINT)):
            raise invalid("AUTO_INCREMENT needs one INT/BIGINT column")
        start = (spec.options or TableOption()).auto_increment
        defs = [self._column_def(c, in_pk=c.name in layout.primary_key, start=start) for c in spec.columns]
        out = [self._render(ir.create_table(spec.name, defs, layout.primary_key, if_not_exists=True))]
        for idx in layout.indexes:
            out += self._index_ddl(spec.name, idx)
        return out

    def _exists(self, cur: Any, name: str) -> bool:
        cur.execute("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = %s",
                    [name])
        return bool(cur.fetchall())

    def _indexes(self, cur: Any, name: str) -> list[tuple[str, bool, bool, list[str], str | None]]:
        cur.execute(
            "SELECT ic.relname, x.indisprimary, x.indisunique, "
            "ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a "
            "ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n), obj_description(ic.oid, 'pg_class') "
            "FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "JOIN pg_namespace ns ON ns.oid = t.relnamespace WHERE ns.nspname = current_schema() AND t.relname = %s",
            [name])
        return [(r[0], r[1], r[2], list(r[3]), r[4]) for r in cur.fetchall()]

    def _primary_key(self, cur: Any, name: str) -> list[str]:
        return next((cols for _, primary, _, cols, _ in self._indexes(cur, name) if primary), [])

    def _describe_physical(self, cur: Any, name: str) -> tuple[list[Column], list[Index], int | None]:
        cur.execute("SELECT column_name, data_type, character_maximum_length, is_nullable, column_default, "
                    "is_identity FROM information_schema.columns WHERE table_schema = current_schema() "
                    "AND table_name = %s ORDER BY ordinal_position", [name])
        columns = []
        for col, declared, length, nullable, default, identity in cur.fetchall():
            kind = _DECLARED.get(declared, DataType.TEXT)
            if default is not None:
                bare = _CAST_SUFFIX.match(default)
                default = catalog.default_text(bare.group(1) if bare else default)
            columns.append(Column(name=col, data_type=kind, length=length if kind is DataType.VARCHAR else None,
                                  not_null=nullable == "NO", default_value=default,
                                  auto_increment=identity == "YES"))
        indexes = []
        prefix = f"{name}__"
        for physical, primary, unique, cols, comment in self._indexes(cur, name):
            if primary:
                indexes.append(Index(name="PRIMARY", type=IndexType.PRIMARY_KEY, columns=cols))
                continue
            logical = comment or (physical[len(prefix):] if physical.startswith(prefix) else physical)
            indexes.append(Index(name=logical, type=IndexType.UNIQUE_KEY if unique else IndexType.NORMAL_KEY,
                                 columns=cols))
        auto_next = None
        auto = next((c.name for c in columns if c.auto_increment), None)
        if auto is not None:
            cur.execute("SELECT s.seqstart, pg_sequence_last_value(s.seqrelid) FROM pg_sequence s "
                        "WHERE s.seqrelid = pg_get_serial_sequence(quote_ident(%s), %s)::regclass", [name, auto])
            got = cur.fetchall()
            if got:
                start, last = got[0]
                auto_next = int(last) + 1 if last is not None else int(start)
        return columns, indexes, auto_next

    def _alter(self, cur: Any, name: str, before: Table, spec: Table, changes: list[Change]) -> None:
        """The changes, one statement each, in the call's transaction (PostgreSQL's DDL is
        transactional: all of them or none)."""
        pk = next((i.columns for i in spec.indexes if i.type is IndexType.PRIMARY_KEY), [])
        for change in changes:
            col = change.column
            if change.action is AlterTableAction.ADD_COLUMN:
                assert col is not None
                cur.execute(self._render(ir.add_column(name, self._column_def(col))), [])
            elif change.action is AlterTableAction.DROP_COLUMN:
                assert col is not None
                cur.execute(self._template("ALTER TABLE __t__ DROP COLUMN __c__", t=name, c=col.name), [])
            elif change.action is AlterTableAction.MODIFY_COLUMN:
                assert col is not None
                old = before.column(col.name)
                self._modify(cur, name, col, old.data_type if old is not None else col.data_type, col.name in pk)
            elif change.action is AlterTableAction.RENAME_COLUMN:
                assert col is not None and change.old_name is not None
                _short(col.name, "column")
                cur.execute(self._render(ir.rename_column(name, change.old_name, col.name)), [])
            else:
                idx = change.index
                assert idx is not None
                if idx.type is IndexType.PRIMARY_KEY:
                    tree = ir.from_template("ALTER TABLE __t__ ADD PRIMARY KEY (k)", "postgres", {"t": name})
                    tree.find(exp.PrimaryKey).set("expressions", [ir.ident(c) for c in idx.columns])  # type: ignore[union-attr]
                    cur.execute(self._render(tree), [])
                else:
                    for sql in self._index_ddl(name, idx):
                        cur.execute(sql, [])

    def _modify(self, cur: Any, table: str, col: Column, old_kind: DataType, in_pk: bool) -> None:
        """MODIFY COLUMN: the old CHECK and default go, the type changes with the values converted
        (an impossible conversion is the error), then the new default, NOT NULL and CHECK."""
        cur.execute("SELECT c.conname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
                    "AND a.attnum = ANY(c.conkey) WHERE c.conrelid = quote_ident(%s)::regclass AND c.contype = 'c' "
                    "AND a.attname = %s AND array_length(c.conkey, 1) = 1", [table, col.name])
        for (constraint,) in cur.fetchall():
            cur.execute(self._template("ALTER TABLE __t__ DROP CONSTRAINT __k__", t=table, k=constraint), [])
        cur.execute(self._template("ALTER TABLE __t__ ALTER COLUMN __c__ DROP DEFAULT", t=table, c=col.name), [])
        physical = self._physical(col)
        if float_to_text(old_kind, col.data_type):
            # PostgreSQL prints 1.0 as '1'; the contract keeps SQLite's '1.0'.
            using = ir.condition_template(
                "CASE WHEN __c__ = TRUNC(__c__) AND ABS(__c__) < 1e15 THEN "
                "CAST(CAST(__c__ AS BIGINT) AS TEXT) || '.0' ELSE CAST(__c__ AS TEXT) END", "postgres", col.name)
        else:
            using = exp.Cast(this=ir.column(col.name), to=physical.copy())
        cur.execute(self._render(exp.Alter(this=ir.table(table), kind="TABLE", actions=[
            exp.AlterColumn(this=ir.ident(col.name), dtype=physical, using=using)])), [])
        if col.default_value is not None:
            cur.execute(self._render(exp.Alter(this=ir.table(table), kind="TABLE", actions=[
                exp.AlterColumn(this=ir.ident(col.name), default=ir.default_literal(col))])), [])
        # sqlglot's AlterColumn: allow_null set and drop unset prints SET NOT NULL, drop set DROP NOT NULL.
        not_null = col.not_null or in_pk
        cur.execute(self._render(exp.Alter(this=ir.table(table), kind="TABLE", actions=[
            exp.AlterColumn(this=ir.ident(col.name), allow_null=True, drop=not not_null)])), [])
        check = self._check(col)
        if check is not None:
            constraint = "ck_" + hashlib.sha1(f"{table}\0{col.name}".encode()).hexdigest()[:24]
            tree = ir.from_template("ALTER TABLE __t__ ADD CONSTRAINT __k__ CHECK (x)", "postgres",
                                    {"t": table, "k": constraint})
            tree.find(exp.CheckColumnConstraint).set("this", check)  # type: ignore[union-attr]
            cur.execute(self._render(tree), [])


@DB.register("postgresql", "postgres", "postgresql+psycopg", name="postgres")
def open_postgres(url: ProviderURL) -> RDB:
    url.reject_unknown_params((*COMMON_PARAMS, "schema"))
    database = url.path.removeprefix("/")
    if not database or "/" in database:
        raise invalid(f"postgres URI needs a database name: {url.redacted!r}, for example "
                      "postgresql://user:password@127.0.0.1:5432/app")
    schema = url.params.get("schema", "public")
    if not _SCHEMA.match(schema):
        raise invalid(f"schema must be a plain name (letters, digits, _) in {url.redacted!r}")
    driver = PostgresDriver(url, database, schema=schema, pool_size=int_param(url, "pool_size", 8, minimum=1),
                            pool_timeout=int_param(url, "pool_timeout", 10, minimum=1),
                            connect_timeout=int_param(url, "connect_timeout", 5, minimum=1),
                            statement_timeout_ms=int_param(url, "statement_timeout_ms", 30000))
    return RDB(driver, name="postgres")
