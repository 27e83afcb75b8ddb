"""What the server drivers (mysql.py, postgres.py) share: the `RDBDriver` calls over a DB-API
connection pool, the catalog tables, value checks and result conversion. An engine module fills the
hooks marked "engine" below: its connections, its physical types and DDL, how it describes a
table, and how its errors map to portable codes.

Every statement is an IR tree printed by the compiler for the URI's dialect (statements.py), as in
the SQLite driver; values always travel as the driver's bound parameters. Each call is one
transaction on one pooled connection (MySQL commits DDL on its own: see docs/providers.md).
"""

from __future__ import annotations

import copy
import datetime as _dt
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlglot import exp

from providers.db import catalog
from providers.db import statements as ir
from providers.db.catalog import Change
from providers.db.entity import (
    AlterTableOperation,
    Column,
    DataType,
    Index,
    IndexType,
    ResultSet,
    SelectDataResponse,
    SortDirection,
    Table,
    TableOption,
    UpsertDataResponse,
)
from providers.db.pool import ConnectionPool
from providers.db.user_sql import Compiled
from providers.db.validation import Layout, Shape, invalid, non_negative
from providers.db.values import check_rows
from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass
from providers.registry import ProviderURL
from sqlparser import SQLParser

PING_TABLE = "_cozelite_rdb_ping"

# Query parameters every server URI takes (besides the engine's own).
COMMON_PARAMS = ("pool_size", "pool_timeout", "connect_timeout", "statement_timeout_ms")


def int_param(url: ProviderURL, key: str, default: int, *, minimum: int = 0) -> int:
    raw = url.params.get(key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise invalid(f"{key} must be an int >= {minimum} in {url.redacted!r}")
    return value


def result_value(value: Any) -> Any:
    """A value as the contract returns it: timestamps as text, as SQLite stores them."""
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value


def result_rows(names: list[str], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    return [{n: result_value(v) for n, v in zip(names, r, strict=True)} for r in rows]


class ServerDriver:
    """The engine-independent half of a server `RDBDriver`."""

    # -- engine ----------------------------------------------------------------------------------
    name: str  # "mysql", "postgres"
    dialect: str  # sqlglot dialect of the templates: "mysql", "postgres"
    # Catalog DDL, one statement each (constant text: no user input). Hand-written SQL in these
    # drivers (catalog and engine queries) uses %s, the placeholder both DB-API drivers take.
    CATALOG_DDL: tuple[str, ...] = ()

    LIKE_ESCAPE = ""  # LIKE ... ESCAPE '<this>': no escape character (see statements.Statements)

    def _broken(self, err: BaseException) -> bool:
        """Whether the error means the connection is gone (the pool then drops it)."""
        raise NotImplementedError

    def _driver_sql(self, sql: str) -> str:
        """Printed SQL -> the text the DB-API driver takes (placeholder style, escaping)."""
        raise NotImplementedError

    def classify_error(self, err: BaseException) -> ErrorClass:
        raise NotImplementedError

    def _exists(self, cur: Any, name: str) -> bool:
        raise NotImplementedError

    def _primary_key(self, cur: Any, name: str) -> list[str]:
        raise NotImplementedError

    def _describe_physical(self, cur: Any, name: str) -> tuple[list[Column], list[Index], int | None]:
        """Columns (types as declared), indexes (logical names) and the next auto-increment value."""
        raise NotImplementedError

    def _create_ddl(self, spec: Table, layout: Layout) -> list[str]:
        raise NotImplementedError

    def _alter(self, cur: Any, name: str, before: Table, spec: Table, changes: list[Change]) -> None:
        """Run the DDL of the applied changes (`before`: the table as it is, `spec`: as it will be)."""
        raise NotImplementedError

    def _upsert_updated(self, affected: int, inserted: int) -> int:
        """Rows updated by an upsert, from the driver's affected count and the rows inserted."""
        return affected - inserted

    # -- shared ----------------------------------------------------------------------------------

    def __init__(self, url: ProviderURL, parser: SQLParser, pool: ConnectionPool[Any], *, row_id: str | None,
                 upsert_style: str) -> None:
        self.url = url
        self.where = f"{self.name} server {url.host or 'localhost'}:{url.port or '-'}"
        self._parser = parser
        self._pool = pool
        self._sql = ir.Statements(self._render, row_id=row_id, upsert_style=upsert_style,
                                  like_escape=self.LIKE_ESCAPE)
        try:
            with self._tx() as cur:
                for ddl in self.CATALOG_DDL:
                    cur.execute(ddl)
        except ProviderError as err:
            self._pool.close()
            raise ProviderError(err.code, f"cannot open db {url.redacted!r} on {self.where}: {err.message}") from err
        except Exception as err:
            self._pool.close()
            code, hint = self.classify_error(err)
            raise ProviderError(code, f"cannot open db {url.redacted!r} on {self.where}: "
                                f"{hint + ': ' if hint else ''}{type(err).__name__}: {err}") from err

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url.redacted!r})"

    @property
    def parser(self) -> SQLParser:
        return self._parser

    def _render(self, tree: exp.Expression) -> str:
        return self._driver_sql(self._parser.render(tree, quote_names=True, consume=True))

    def _template(self, text: str, **nodes: exp.Expression | str) -> str:
        return self._render(ir.from_template(text, self.dialect, nodes))

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        """One transaction on a pooled connection: committed when the block ends, else rolled back."""
        with self._pool.connection(self._broken) as conn:
            cur = conn.cursor()
            try:
                yield cur
            except BaseException as err:
                if not self._broken(err):
                    try:
                        conn.rollback()
                    except Exception:  # the original error matters, not this one
                        pass
                raise
            else:
                conn.commit()
            finally:
                try:
                    cur.close()
                except Exception:
                    pass

    # -- lifecycle -------------------------------------------------------------------------------

    def ping(self) -> None:
        """A write and a read back in one transaction: the server is up and accepts writes."""
        token = f"{time.time_ns()}"
        with self._tx() as cur:
            cur.execute(self._sql_delete_ping, [])
            cur.execute(self._sql_insert_ping, [token])
            cur.execute(self._sql_select_ping, [])
            got = cur.fetchall()
        if [tuple(r) for r in got] != [(token,)]:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"{self.where}: ping read back {got!r}")

    @property
    def _sql_delete_ping(self) -> str:
        return self._render(exp.Delete(this=ir.table(PING_TABLE)))

    @property
    def _sql_insert_ping(self) -> str:
        return self._sql.insert(PING_TABLE, ("v",))

    @property
    def _sql_select_ping(self) -> str:
        return self._sql.select(PING_TABLE, ("v",), None, (), False)

    def close(self) -> None:
        self._pool.close()

    def backup(self, dest_dir: str) -> None:
        raise ProviderError(ErrorCode.UNIMPLEMENTED, f"db {self.name}: backups are the server's own tools' job "
                            f"({'mariadb-dump / mariabackup' if self.name == 'mysql' else 'pg_dump / pg_basebackup'})")

    # -- catalog ---------------------------------------------------------------------------------

    def _save_catalog(self, cur: Any, spec: Table, *, created: bool) -> None:
        now = int(time.time())
        opts = spec.options or TableOption()
        cur.execute(f"SELECT created_at FROM {self._q(catalog.TABLES)} WHERE tbl = %s", [spec.name])
        row = cur.fetchall()
        created_at = now if created or not row else row[0][0]
        self._forget_catalog(cur, spec.name)
        cur.execute(f"INSERT INTO {self._q(catalog.TABLES)} (tbl, comment, collation_name, auto_increment, "
                    "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s)",
                    [spec.name, opts.comment, opts.collate, opts.auto_increment, created_at, now])
        if spec.columns:
            cur.executemany(f"INSERT INTO {self._q(catalog.COLUMNS)} (tbl, col, data_type, length, comment) "
                            "VALUES (%s, %s, %s, %s, %s)",
                            [[spec.name, c.name, c.data_type.value,
                              c.length if c.data_type is DataType.VARCHAR else None, c.comment]
                             for c in spec.columns])

    def _forget_catalog(self, cur: Any, name: str) -> None:
        for t in (catalog.TABLES, catalog.COLUMNS):
            cur.execute(f"DELETE FROM {self._q(t)} WHERE tbl = %s", [name])

    def _q(self, name: str) -> str:
        """A catalog table's name quoted for this engine (catalog names are constants)."""
        return self._parser.render(ir.table(name), quote_names=True)

    def _logical_types(self, cur: Any, name: str) -> dict[str, DataType]:
        cur.execute(f"SELECT col, data_type FROM {self._q(catalog.COLUMNS)} WHERE tbl = %s", [name])
        return {r[0]: DataType(r[1]) for r in cur.fetchall()}

    def _describe(self, cur: Any, name: str) -> Table:
        if not self._exists(cur, name):
            raise ProviderError(ErrorCode.NOT_FOUND, f"table {name!r} does not exist")
        columns, indexes, auto_next = self._describe_physical(cur, name)
        cur.execute(f"SELECT col, data_type, length, comment FROM {self._q(catalog.COLUMNS)} WHERE tbl = %s", [name])
        known = {r[0]: r[1:] for r in cur.fetchall()}
        for col in columns:
            if col.name in known:
                kind, length, comment = known[col.name]
                col.data_type, col.comment = DataType(kind), comment
                col.length = length if col.data_type is DataType.VARCHAR else None
        indexes.sort(key=lambda i: (i.type is not IndexType.PRIMARY_KEY, i.name))
        cur.execute(f"SELECT comment, collation_name, created_at, updated_at FROM {self._q(catalog.TABLES)} "
                    "WHERE tbl = %s", [name])
        meta = cur.fetchall()
        comment, collate, created_at, updated_at = meta[0] if meta else (None, None, 0, 0)
        return Table(name=name, columns=columns, indexes=indexes,
                     options=TableOption(collate=collate, auto_increment=auto_next, comment=comment),
                     created_at=created_at or 0, updated_at=updated_at or 0)

    # -- tables ----------------------------------------------------------------------------------

    def create_table(self, spec: Table, layout: Layout) -> Table:
        opts = spec.options or TableOption()
        if opts.auto_increment is not None:
            non_negative(opts.auto_increment, "options.auto_increment")
        statements = self._create_ddl(spec, layout)
        with self._tx() as cur:
            if self._exists(cur, spec.name):
                return self._describe(cur, spec.name)  # CREATE TABLE IF NOT EXISTS, as Go
            for sql in statements:
                cur.execute(sql, [])
            self._save_catalog(cur, spec, created=True)
            return self._describe(cur, spec.name)

    def get_table(self, name: str) -> Table:
        with self._tx() as cur:
            return self._describe(cur, name)

    def drop_table(self, name: str, *, if_exists: bool) -> bool:
        sql = self._render(ir.drop_table(name, if_exists=if_exists))
        with self._tx() as cur:
            cur.execute(sql, [])
            self._forget_catalog(cur, name)
        return True

    def alter_table(self, name: str, operations: list[AlterTableOperation]) -> Table:
        with self._tx() as cur:
            before = self._describe(cur, name)
            spec = copy.deepcopy(before)
            source: dict[str, str | None] = {col.name: col.name for col in spec.columns}
            changes = [catalog.apply_alter(spec, source, op) for op in operations]
            self._alter(cur, name, before, spec, changes)
            self._save_catalog(cur, spec, created=False)
            return self._describe(cur, name)

    # -- data ------------------------------------------------------------------------------------

    def insert(self, table: str, fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> int:
        sql = self._sql.insert(table, fields)
        with self._tx() as cur:
            check_rows(self._logical_types(cur, table), fields, rows)
            cur.executemany(sql, rows)
            return int(cur.rowcount)

    def update(self, table: str, fields: tuple[str, ...], values: list[Any], where: Shape | None,
               params: list[Any], limit: int | None) -> int:
        sql = self._sql.update(table, fields, where, limit is not None)
        with self._tx() as cur:
            check_rows(self._logical_types(cur, table), fields, [values])
            cur.execute(sql, values + params + ([] if limit is None else [limit]))
            return int(cur.rowcount)

    def delete(self, table: str, where: Shape | None, params: list[Any], limit: int | None) -> int:
        sql = self._sql.delete(table, where, limit is not None)
        with self._tx() as cur:
            cur.execute(sql, params + ([] if limit is None else [limit]))
            return int(cur.rowcount)

    # The value of LIMIT ? meaning "no limit".
    NO_LIMIT: Any = None

    def select(self, table: str, fields: tuple[str, ...], where: Shape | None, params: list[Any],
               order_by: tuple[tuple[str, SortDirection], ...], limit: int | None,
               offset: int | None) -> SelectDataResponse:
        paged = limit is not None or offset is not None
        sql = self._sql.select(table, fields, where, order_by, paged)
        with self._tx() as cur:
            page = [self.NO_LIMIT if limit is None else limit, offset or 0] if paged else []
            cur.execute(sql, params + page)
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
            if paged:
                cur.execute(self._sql.count(table, where), params)
                total = int(cur.fetchall()[0][0])
            else:
                total = len(rows)
        return SelectDataResponse(result_set=ResultSet(columns=names, rows=result_rows(names, rows)), total=total)

    def upsert(self, table: str, fields: tuple[str, ...], rows: list[tuple[Any, ...]],
               keys: tuple[str, ...]) -> UpsertDataResponse:
        with self._tx() as cur:
            if not keys:
                if not self._exists(cur, table):
                    raise ProviderError(ErrorCode.NOT_FOUND, f"table {table!r} does not exist")
                keys = tuple(self._primary_key(cur, table))
                if not keys:
                    raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                        f"table {table} has no primary key, keys are required for upsert")
                missing = [k for k in keys if k not in fields]
                if missing:
                    raise invalid(f"upsert rows must carry the key column(s) {', '.join(missing)}")
            check_rows(self._logical_types(cur, table), fields, rows)
            count_sql = self._sql.count(table, None)
            cur.execute(count_sql, [])
            rows_before = int(cur.fetchall()[0][0])
            affected = 0
            for row in rows:  # one statement per row: a batch may name the same key twice
                cur.execute(self._sql.upsert(table, fields, keys), row)
                affected += int(cur.rowcount)
            cur.execute(count_sql, [])
            inserted = int(cur.fetchall()[0][0]) - rows_before
        updated = self._upsert_updated(affected, inserted)
        return UpsertDataResponse(affected_rows=inserted + updated, inserted_rows=inserted, updated_rows=updated,
                                  unchanged_rows=len(rows) - inserted - updated)

    def _user_sql(self, statement: Compiled, params: list[Any]) -> tuple[str, list[Any] | None]:
        """The text of a compiled user statement and its parameters, for the DB-API driver."""
        return self._driver_sql(statement.sql), params

    def execute(self, statement: Compiled, params: list[Any]) -> ResultSet:
        sql, bound = self._user_sql(statement, params)
        with self._tx() as cur:
            cur.execute(sql, bound)
            names = [d[0] for d in cur.description] if cur.description else []
            rows = cur.fetchall() if cur.description else []
            affected = 0 if statement.is_query else max(int(cur.rowcount), 0)
            if statement.is_ddl:
                # DDL outside the provider's API: forget what the catalog said about the tables.
                for t in statement.tables:
                    self._forget_catalog(cur, t)
        return ResultSet(columns=names, rows=result_rows(names, rows), affected_rows=affected)


def float_to_text(kind_from: DataType, kind_to: DataType) -> bool:
    """Whether a MODIFY turns floating-point values into text (engines print 1.0 as '1'; the
    contract keeps SQLite's '1.0')."""
    return kind_from in (DataType.FLOAT, DataType.DOUBLE) and kind_to in (DataType.TEXT, DataType.VARCHAR)

