"""`sqlite:///path/app.db` -> user tables in an embedded SQLite database, through apsw.

URI forms (paths follow SQLAlchemy: three slashes relative to the working directory, four absolute):

    sqlite:///var/data/sqlite/app.db
    sqlite:////srv/cozelite/app.db?busy_timeout_ms=10000&synchronous=full

Query parameters:
- ``busy_timeout_ms`` (default 5000): how long a writer waits for another writer's lock before
  failing with UNAVAILABLE.
- ``synchronous`` (``full`` by default, or ``normal``): ``full`` fsyncs the WAL on every commit, so a
  committed transaction survives power loss; ``normal`` survives a process crash only.

Every connection runs in WAL mode (readers never block the writer), with ``foreign_keys=ON``.
Each thread gets its own connection, so one provider object may be shared by threads.

All SQL is built as an IR tree (sqlglot expressions) and printed by the compiler's native printer
for the SQLite dialect; ``execute_sql`` parses user SQL with the compiler's SQLite front end
(`sqlparser.parser_for(uri)`), which accepts exactly one statement, and runs the native rendering.
Logical column types (MySQL's INT, VARCHAR(n), JSON, ...) are enforced with named CHECK constraints
and remembered in a small catalog table, so `get_table` returns what `create_table` was given.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import functools
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import apsw
import sqlglot
from sqlglot import exp

import formatter
from providers.errors import ErrorCode, ProviderError
from providers.rdb import RDBS
from providers.rdb.contract import (
    RDB,
    AlterTableAction,
    AlterTableOperation,
    Column,
    ComplexCondition,
    Condition,
    DataType,
    Index,
    IndexType,
    LogicalOperator,
    Operator,
    OrderBy,
    ResultSet,
    SelectDataResponse,
    SortDirection,
    SQLType,
    Table,
    TableOption,
    UpsertDataResponse,
)
from providers.registry import ProviderURL
from sqlparser.errors import SQLParserError
from sqlparser.registry import Dialect

log = logging.getLogger("providers.rdb.sqlite")

_CATALOG_TABLES = "_cozelite_rdb_tables"
_CATALOG_COLUMNS = "_cozelite_rdb_columns"
_PING_TABLE = "_cozelite_rdb_ping"
_RESERVED_PREFIXES = ("sqlite_", "_cozelite")
_MAX_NAME = 64  # MySQL's identifier limit, so a schema that works here works there
_MAX_TEXT_BYTES = 65535  # MySQL TEXT
_DEFAULT_VARCHAR = 255
_MAX_NESTING = 32

# Physical SQLite types: the declared type decides the column's affinity.
_PHYSICAL = {
    DataType.INT: "INTEGER", DataType.BIGINT: "INTEGER", DataType.BOOLEAN: "INTEGER",
    DataType.VARCHAR: "TEXT", DataType.TEXT: "TEXT", DataType.JSON: "TEXT", DataType.TIMESTAMP: "TEXT",
    DataType.FLOAT: "REAL", DataType.DOUBLE: "REAL",
}

# What a value must look like after SQLite applied the column affinity (so '12' in an INT column
# passes as 12, 'abc' does not). `__c__` stands for the column; it is replaced in the IR, not in text.
_CHECKS = {
    DataType.INT: "typeof(__c__) = 'integer' AND __c__ BETWEEN -2147483648 AND 2147483647",
    DataType.BIGINT: "typeof(__c__) = 'integer'",
    DataType.BOOLEAN: "typeof(__c__) = 'integer' AND __c__ IN (0, 1)",
    DataType.VARCHAR: "typeof(__c__) = 'text' AND length(__c__) <= {length}",
    DataType.TEXT: f"typeof(__c__) = 'text' AND length(CAST(__c__ AS BLOB)) <= {_MAX_TEXT_BYTES}",
    DataType.JSON: "typeof(__c__) = 'text' AND json_valid(__c__)",
    DataType.TIMESTAMP: "typeof(__c__) = 'text' AND datetime(__c__) IS NOT NULL",
    DataType.FLOAT: "typeof(__c__) = 'real'",
    DataType.DOUBLE: "typeof(__c__) = 'real'",
}

_SQLITE_FALLBACK_DIALECT = Dialect(name="sqlite", schemes=(), frontend=None,  # type: ignore[arg-type]
                                   sqlglot_dialect="sqlite")


def _sqlite_dialect() -> tuple[Dialect, bool]:
    """The registered SQLite dialect, or a printer-only stand-in while its front end is missing."""
    from sqlparser.registry import get_dialect

    try:
        return get_dialect("sqlite"), True
    except SQLParserError:
        return _SQLITE_FALLBACK_DIALECT, False


# -- IR helpers ------------------------------------------------------------------------------------

def _ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _col(name: str) -> exp.Column:
    return exp.Column(this=_ident(name))


def _tbl(name: str) -> exp.Table:
    return exp.Table(this=_ident(name))


@functools.lru_cache(maxsize=64)
def _check_template(text: str) -> exp.Expression:
    return sqlglot.parse_one(text, read="sqlite")


def _check_for(column: Column) -> exp.Expression:
    body = _CHECKS[column.data_type].format(length=_varchar_length(column))
    cond = _check_template(f"__c__ IS NULL OR ({body})").copy()
    return cond.transform(lambda n: _col(column.name) if isinstance(n, exp.Column) and n.name == "__c__" else n)


def _varchar_length(column: Column) -> int:
    return column.length if column.length is not None else _DEFAULT_VARCHAR


def _column_def(col: Column, *, in_pk: bool = False, inline_pk: bool = False) -> exp.ColumnDef:
    constraints: list[exp.Expression] = []
    if inline_pk:
        constraints += [exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint()),
                        exp.ColumnConstraint(kind=exp.AutoIncrementColumnConstraint())]
    if col.not_null or in_pk:
        constraints.append(exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
    if col.default_value is not None:
        constraints.append(exp.ColumnConstraint(kind=exp.DefaultColumnConstraint(this=_default_literal(col))))
    label = col.data_type.value + (f"({_varchar_length(col)})" if col.data_type is DataType.VARCHAR else "")
    # A named CHECK, so a violation reports the column and its logical type.
    constraints.append(exp.ColumnConstraint(this=_ident(f"{col.name} {label}"),
                                            kind=exp.CheckColumnConstraint(this=_check_for(col))))
    return exp.ColumnDef(this=_ident(col.name), kind=exp.DataType.build(_PHYSICAL[col.data_type]),
                         constraints=constraints)


# -- validation ------------------------------------------------------------------------------------

def _invalid(message: str) -> ProviderError:
    return ProviderError(ErrorCode.INVALID_ARGUMENT, message)


def _check_name(kind: str, name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise _invalid(f"{kind} name must be a non-empty string, got {name!r}")
    if len(name) > _MAX_NAME:
        raise _invalid(f"{kind} name {name[:20]!r}... is longer than {_MAX_NAME} characters")
    if "\x00" in name:
        raise _invalid(f"{kind} name {name!r} contains a NUL character")
    if name.lower().startswith(_RESERVED_PREFIXES):
        raise _invalid(f"{kind} name {name!r} uses a reserved prefix ({', '.join(_RESERVED_PREFIXES)})")
    return name


def _enum(enum_type: type, value: Any, what: str) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        known = ", ".join(repr(m.value) for m in enum_type)
        raise _invalid(f"unknown {what} {value!r}; expected one of {known}") from None


def _non_negative(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _invalid(f"{what} must be a non-negative int, got {value!r}")
    return value


def _bind(value: Any) -> Any:
    """A Python value as an SQLite binding. dict/list become JSON text, datetimes ISO text."""
    if value is None or isinstance(value, (str, bytes, float)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise _invalid(f"integer {value} does not fit in 64 bits")
        return value
    if isinstance(value, (dict, list)):
        try:
            return json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as err:
            raise _invalid(f"value is not JSON-serialisable: {err}") from err
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise _invalid(f"unsupported value type {type(value).__name__}; use str, int, float, bool, bytes, "
                   "None, datetime, dict or list")


def _default_literal(column: Column) -> exp.Expression:
    raw = column.default_value
    assert raw is not None
    if not isinstance(raw, str):
        raise _invalid(f"default value of column {column.name!r} must be a string, got {raw!r}")
    kind = column.data_type
    if kind is DataType.TIMESTAMP and raw.strip().upper() in ("CURRENT_TIMESTAMP", "NOW()", "CURRENT_TIMESTAMP()"):
        return exp.CurrentTimestamp()
    try:
        if kind in (DataType.INT, DataType.BIGINT):
            return exp.Literal.number(int(raw))
        if kind is DataType.BOOLEAN:
            flag = {"0": 0, "1": 1, "false": 0, "true": 1}[raw.strip().lower()]
            return exp.Literal.number(flag)
        if kind in (DataType.FLOAT, DataType.DOUBLE):
            return exp.Literal.number(repr(float(raw)))
        if kind is DataType.JSON:
            json.loads(raw)
    except (ValueError, KeyError) as err:
        raise _invalid(f"default value {raw!r} of column {column.name!r} is not a valid {kind.value}") from err
    return exp.Literal.string(raw)


def _logical_type(declared: str) -> tuple[DataType, int | None]:
    """Best guess of the logical type of a column created by raw SQL (no catalog entry)."""
    upper = declared.upper()
    base = upper.split("(", 1)[0].strip()
    length = None
    if "(" in upper:
        try:
            length = int(upper.split("(", 1)[1].split(")", 1)[0].split(",")[0])
        except ValueError:
            length = None
    table = {"INT": DataType.INT, "INTEGER": DataType.BIGINT, "BIGINT": DataType.BIGINT,
             "TINYINT": DataType.INT, "SMALLINT": DataType.INT, "BOOL": DataType.BOOLEAN,
             "BOOLEAN": DataType.BOOLEAN, "VARCHAR": DataType.VARCHAR, "CHAR": DataType.VARCHAR,
             "JSON": DataType.JSON, "TIMESTAMP": DataType.TIMESTAMP, "DATETIME": DataType.TIMESTAMP,
             "FLOAT": DataType.FLOAT, "REAL": DataType.DOUBLE, "DOUBLE": DataType.DOUBLE}
    kind = table.get(base, DataType.TEXT)
    return kind, length if kind is DataType.VARCHAR else None


# -- errors ----------------------------------------------------------------------------------------

def _map_error(err: BaseException, what: str) -> ProviderError:
    msg = str(err)
    if isinstance(err, ProviderError):
        return err
    if isinstance(err, apsw.ConstraintError):
        if "UNIQUE" in msg or "PRIMARY KEY" in msg:
            return ProviderError(ErrorCode.ALREADY_EXISTS, f"{what}: duplicate key ({msg})")
        if "FOREIGN KEY" in msg:
            return ProviderError(ErrorCode.FAILED_PRECONDITION, f"{what}: {msg}")
        if "CHECK" in msg:
            return _invalid(f"{what}: a value does not fit its column's type or size ({msg})")
        return _invalid(f"{what}: {msg}")
    if isinstance(err, apsw.MismatchError):
        return _invalid(f"{what}: value does not fit an integer primary key ({msg})")
    if isinstance(err, (apsw.BusyError, apsw.LockedError)):
        return ProviderError(ErrorCode.UNAVAILABLE, f"{what}: database is locked by another writer; retry ({msg})")
    if isinstance(err, apsw.FullError):
        return ProviderError(ErrorCode.RESOURCE_EXHAUSTED, f"{what}: disk full ({msg})")
    if isinstance(err, apsw.TooBigError):
        return _invalid(f"{what}: value too large ({msg})")
    if isinstance(err, (apsw.CantOpenError, apsw.IOError, apsw.ReadOnlyError, apsw.CorruptError,
                        apsw.ConnectionClosedError, apsw.NotADBError)):
        return ProviderError(ErrorCode.UNAVAILABLE, f"{what}: {type(err).__name__}: {msg}")
    if isinstance(err, apsw.SQLError):
        if "no such table" in msg:
            return ProviderError(ErrorCode.NOT_FOUND, f"{what}: {msg}")
        if "already exists" in msg:
            return ProviderError(ErrorCode.ALREADY_EXISTS, f"{what}: {msg}")
        return _invalid(f"{what}: {msg}")
    if isinstance(err, apsw.ExecTraceAbort):
        return _invalid(f"{what}: exactly one SQL statement is allowed")
    if isinstance(err, (apsw.BindingsError, TypeError, OverflowError, ValueError)):
        return _invalid(f"{what}: bad parameter: {msg}")
    if isinstance(err, SQLParserError):
        return _invalid(f"{what}: {msg}")
    if isinstance(err, apsw.Error):
        return ProviderError(ErrorCode.INTERNAL, f"{what}: {type(err).__name__}: {msg}")
    return ProviderError(ErrorCode.INTERNAL, f"{what}: {type(err).__name__}: {msg}")


# -- the provider ----------------------------------------------------------------------------------

class SQLiteRDB(RDB):
    """User tables in one SQLite file (see the module docstring for the URI)."""

    def __init__(self, path: str, *, uri: str, busy_timeout_ms: int = 5000, synchronous: str = "FULL") -> None:
        self.path = os.path.abspath(path)
        self.uri = uri
        self.busy_timeout_ms = busy_timeout_ms
        self.synchronous = synchronous
        self._local = threading.local()
        self._conns: list[apsw.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._pid = os.getpid()
        self._sql_cache: dict[tuple[Any, ...], str] = {}
        self._compiled: dict[str, tuple[str, str, list[str]]] = {}
        self._dialect, self.compiler_frontend = _sqlite_dialect()
        self._parser = None
        if not self.compiler_frontend:
            log.warning("the compiler has no SQLite front end: execute_sql on %s classifies statements with "
                        "sqlglot's SQLite reader and runs them unchanged", self.path)
        else:
            from sqlparser import parser_for

            self._parser = parser_for(uri)
        conn = self._conn()
        try:
            # WAL is a property of the file; setting it once is enough, but is harmless to repeat.
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchall()[0][0]
            if str(mode).lower() != "wal":
                raise ProviderError(ErrorCode.UNAVAILABLE, f"cannot switch {self.path} to WAL mode (got {mode})")
            with self._write() as c:
                c.execute(f'CREATE TABLE IF NOT EXISTS "{_CATALOG_TABLES}" (tbl TEXT PRIMARY KEY, '
                          "comment TEXT, collation TEXT, auto_increment INTEGER, created_at INTEGER, "
                          "updated_at INTEGER)")
                c.execute(f'CREATE TABLE IF NOT EXISTS "{_CATALOG_COLUMNS}" (tbl TEXT, col TEXT, '
                          "data_type TEXT, length INTEGER, comment TEXT, PRIMARY KEY (tbl, col))")
                c.execute(f'CREATE TABLE IF NOT EXISTS "{_PING_TABLE}" (k INTEGER PRIMARY KEY, v TEXT)')
        except apsw.Error as err:
            self.close()
            raise _map_error(err, f"cannot open {self.path}") from err

    def __repr__(self) -> str:
        return f"SQLiteRDB({self.path!r})"

    # -- connections -------------------------------------------------------------------------

    def _conn(self) -> apsw.Connection:
        if self._closed:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"rdb {self.path} is closed")
        if os.getpid() != self._pid:
            # A forked child must not touch the parent's connections.
            self._pid = os.getpid()
            self._local = threading.local()
            self._conns = []
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = apsw.Connection(self.path)
                conn.set_busy_timeout(self.busy_timeout_ms)
                conn.execute(f"PRAGMA synchronous={self.synchronous}")
                conn.execute("PRAGMA foreign_keys=ON")
                # Without this, SQLite reads a double-quoted name that matches no column as a string
                # literal, and a misspelt column silently compares against its own name.
                conn.config(apsw.SQLITE_DBCONFIG_DQS_DML, 0)
                conn.config(apsw.SQLITE_DBCONFIG_DQS_DDL, 0)
            except apsw.Error as err:
                raise _map_error(err, f"cannot open {self.path}") from err
            self._local.conn = conn
            with self._lock:
                self._conns.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[apsw.Connection]:
        """One write transaction. BEGIN IMMEDIATE takes the write lock up front, so two writers
        wait on the busy timeout instead of deadlocking on a read->write upgrade."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if not conn.get_autocommit():
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[apsw.Connection]:
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            if not conn.get_autocommit():
                conn.execute("COMMIT")

    def _render(self, tree: exp.Expression) -> str:
        return formatter.render(tree, style="native", dialect=self._dialect, quote_names=True)

    def _run(self, what: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except ProviderError:
            raise
        except (apsw.Error, TypeError, OverflowError, ValueError, SQLParserError) as err:
            raise _map_error(err, what) from err

    # -- lifecycle -----------------------------------------------------------------------------

    def ping(self) -> None:
        token = secrets.token_hex(8)
        try:
            with self._write() as c:
                c.execute(f'INSERT OR REPLACE INTO "{_PING_TABLE}" (k, v) VALUES (1, ?)', (token,))
                got = c.execute(f'SELECT v FROM "{_PING_TABLE}" WHERE k = 1').fetchall()
            if got != [(token,)]:
                raise ProviderError(ErrorCode.UNAVAILABLE, f"rdb {self.path}: ping read back {got!r}")
        except ProviderError as err:
            if err.code is ErrorCode.UNAVAILABLE:
                raise
            raise ProviderError(ErrorCode.UNAVAILABLE, f"rdb {self.path}: {err.message}") from err
        except apsw.Error as err:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"rdb {self.path}: {type(err).__name__}: {err}") from err

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conns, self._conns = self._conns, []
        for conn in conns:
            try:
                conn.close()
            except apsw.Error:
                pass  # closing is best effort; the OS releases the file anyway

    def backup(self, dest_dir: str | os.PathLike[str]) -> None:
        dest = Path(dest_dir)
        dest.mkdir(parents=True, exist_ok=True)
        if any(dest.iterdir()):
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"backup directory {dest} is not empty")
        target = dest / os.path.basename(self.path)
        try:
            out = apsw.Connection(str(target))
            try:
                # The online backup API copies a consistent snapshot while writers keep going.
                # One step copies every page under a single read transaction: a WAL reader never
                # blocks writers, and the copy cannot restart because another connection wrote.
                with out.backup("main", self._conn(), "main") as job:
                    while not job.done:
                        job.step(-1)
            finally:
                out.close()
        except apsw.Error as err:
            raise _map_error(err, f"backup of {self.path} to {target}") from err

    # -- tables --------------------------------------------------------------------------------

    def create_table(self, table: Table) -> Table:
        if not isinstance(table, Table):
            raise _invalid(f"create_table needs a Table, got {type(table).__name__}")
        name = table.name or f"table_{time.time_ns() // 1000}{secrets.randbelow(1000):03d}"
        spec = Table(name=_check_name("table", name), columns=list(table.columns), indexes=list(table.indexes),
                     options=table.options)
        statements = self._table_ddl(spec, if_not_exists=True)

        def work() -> Table:
            with self._write() as c:
                if self._exists(c, name):
                    return self._describe(c, name)  # CREATE TABLE IF NOT EXISTS, as Go
                for sql in statements:
                    c.execute(sql)
                opts = spec.options or TableOption()
                if opts.auto_increment is not None and any(c.auto_increment for c in spec.columns):
                    start = _non_negative(opts.auto_increment, "options.auto_increment")
                    c.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, max(start - 1, 0)))
                self._save_catalog(c, spec, created=True)
                return self._describe(c, name)

        return self._run(f"create table {name!r}", work)

    def _table_ddl(self, spec: Table, *, if_not_exists: bool, physical_name: str | None = None) -> list[str]:
        """CREATE TABLE plus CREATE INDEX statements for a logical table spec."""
        name = physical_name or spec.name
        if not spec.columns:
            raise _invalid(f"table {spec.name!r} needs at least one column")
        seen: set[str] = set()
        for col in spec.columns:
            if not isinstance(col, Column):
                raise _invalid(f"columns must be Column objects, got {type(col).__name__}")
            _check_name("column", col.name)
            if col.name.lower() in seen:
                raise _invalid(f"duplicate column {col.name!r} in table {spec.name!r}")
            seen.add(col.name.lower())
            col.data_type = _enum(DataType, col.data_type, "data type")
            if col.length is not None and (isinstance(col.length, bool) or not isinstance(col.length, int)
                                           or col.length <= 0):
                raise _invalid(f"length of column {col.name!r} must be a positive int, got {col.length!r}")
        names = {c.name for c in spec.columns}
        pk: list[str] = []
        indexes: list[Index] = []
        for idx in spec.indexes:
            idx.type = _enum(IndexType, idx.type, "index type")
            if not idx.columns:
                raise _invalid(f"index {idx.name!r} has no columns")
            for c in idx.columns:
                if c not in names:
                    raise _invalid(f"index {idx.name!r} names unknown column {c!r}")
            if idx.type is IndexType.PRIMARY_KEY:
                if pk:
                    raise _invalid(f"table {spec.name!r} has more than one primary key")
                pk = list(idx.columns)
            else:
                _check_name("index", idx.name)
                indexes.append(idx)
        auto = [c for c in spec.columns if c.auto_increment]
        inline_pk: str | None = None
        if auto:
            col = auto[0]
            if len(auto) > 1 or col.data_type not in (DataType.INT, DataType.BIGINT) or pk not in ([], [col.name]):
                raise _invalid("SQLite supports AUTO_INCREMENT only on one INT/BIGINT column that is the whole "
                               "primary key")
            inline_pk, pk = col.name, []
        defs: list[exp.Expression] = [_column_def(col, in_pk=col.name in pk, inline_pk=col.name == inline_pk)
                                      for col in spec.columns]
        if pk:
            defs.append(exp.PrimaryKey(expressions=[_ident(c) for c in pk]))
        create = exp.Create(this=exp.Schema(this=_tbl(name), expressions=defs), kind="TABLE", exists=if_not_exists)
        out = [self._render(create)]
        out += [self._index_ddl(spec.name, idx, physical_table=name) for idx in indexes]
        return out

    def _index_ddl(self, table: str, idx: Index, *, physical_table: str | None = None) -> str:
        columns = [exp.Ordered(this=_col(c), nulls_first=True) for c in idx.columns]
        tree = exp.Create(
            this=exp.Index(this=_ident(f"{table}__{idx.name}"), table=_tbl(physical_table or table),
                           params=exp.IndexParameters(columns=columns)),
            kind="INDEX", unique=idx.type is IndexType.UNIQUE_KEY)
        return self._render(tree)

    def _save_catalog(self, c: apsw.Connection, spec: Table, *, created: bool) -> None:
        now = int(time.time())
        opts = spec.options or TableOption()
        row = c.execute(f'SELECT created_at FROM "{_CATALOG_TABLES}" WHERE tbl = ?', (spec.name,)).fetchall()
        created_at = now if created or not row else row[0][0]
        c.execute(f'DELETE FROM "{_CATALOG_COLUMNS}" WHERE tbl = ?', (spec.name,))
        c.execute(f'INSERT OR REPLACE INTO "{_CATALOG_TABLES}" VALUES (?, ?, ?, ?, ?, ?)',
                  (spec.name, opts.comment, opts.collate, opts.auto_increment, created_at, now))
        c.executemany(f'INSERT INTO "{_CATALOG_COLUMNS}" VALUES (?, ?, ?, ?, ?)',
                      [(spec.name, col.name, DataType(col.data_type).value,
                        _varchar_length(col) if col.data_type is DataType.VARCHAR else None, col.comment)
                       for col in spec.columns])

    def _forget_catalog(self, c: apsw.Connection, table: str) -> None:
        c.execute(f'DELETE FROM "{_CATALOG_COLUMNS}" WHERE tbl = ?', (table,))
        c.execute(f'DELETE FROM "{_CATALOG_TABLES}" WHERE tbl = ?', (table,))

    @staticmethod
    def _exists(c: apsw.Connection, table: str) -> bool:
        return bool(c.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (table,)).fetchall())

    def get_table(self, table_name: str) -> Table:
        _check_name("table", table_name)

        def work() -> Table:
            with self._read() as c:
                return self._describe(c, table_name)

        return self._run(f"get table {table_name!r}", work)

    def _describe(self, c: apsw.Connection, name: str) -> Table:
        if not self._exists(c, name):
            raise ProviderError(ErrorCode.NOT_FOUND, f"table {name!r} does not exist")
        info = c.execute("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", (name,)).fetchall()
        catalog = {r[0]: r[1:] for r in c.execute(
            f'SELECT col, data_type, length, comment FROM "{_CATALOG_COLUMNS}" WHERE tbl = ?', (name,))}
        sql = c.execute("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", (name,)).fetchall()[0][0]
        has_autoinc = "AUTOINCREMENT" in (sql or "").upper()
        pk_cols = [r[0] for r in sorted((r for r in info if r[4]), key=lambda r: r[4])]
        columns = []
        for col_name, declared, notnull, dflt, _pk in info:
            if col_name in catalog:
                kind, length, comment = DataType(catalog[col_name][0]), catalog[col_name][1], catalog[col_name][2]
            else:
                (kind, length), comment = _logical_type(declared or ""), None
            columns.append(Column(name=col_name, data_type=kind, length=length, not_null=bool(notnull),
                                  default_value=_default_text(dflt), comment=comment,
                                  auto_increment=has_autoinc and pk_cols == [col_name]))
        indexes = [Index(name="PRIMARY", type=IndexType.PRIMARY_KEY, columns=pk_cols)] if pk_cols else []
        for _, idx_name, unique, origin, _partial in c.execute("SELECT * FROM pragma_index_list(?)", (name,)):
            if origin == "pk":
                continue
            cols = [r[0] for r in c.execute("SELECT name FROM pragma_index_info(?) ORDER BY seqno", (idx_name,))]
            prefix = f"{name}__"
            logical = idx_name[len(prefix):] if idx_name.startswith(prefix) else idx_name
            indexes.append(Index(name=logical, type=IndexType.UNIQUE_KEY if unique else IndexType.NORMAL_KEY,
                                 columns=cols))
        indexes.sort(key=lambda i: (i.type is not IndexType.PRIMARY_KEY, i.name))
        meta = c.execute(f'SELECT comment, collation, created_at, updated_at FROM "{_CATALOG_TABLES}" WHERE tbl = ?',
                         (name,)).fetchall()
        comment, collate, created_at, updated_at = meta[0] if meta else (None, None, 0, 0)
        seq = c.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (name,)).fetchall() if has_autoinc else []
        auto_next = seq[0][0] + 1 if seq else (1 if has_autoinc else None)
        return Table(name=name, columns=columns, indexes=indexes,
                     options=TableOption(collate=collate, auto_increment=auto_next, comment=comment),
                     created_at=created_at or 0, updated_at=updated_at or 0)

    def drop_table(self, table_name: str, *, if_exists: bool = False) -> bool:
        _check_name("table", table_name)
        tree = exp.Drop(tables=[_tbl(table_name)], kind="TABLE", exists=bool(if_exists))
        sql = self._render(tree)

        def work() -> bool:
            with self._write() as c:
                c.execute(sql)
                self._forget_catalog(c, table_name)
            return True

        return self._run(f"drop table {table_name!r}", work)

    def alter_table(self, table_name: str, operations: Sequence[AlterTableOperation]) -> Table:
        _check_name("table", table_name)
        if not operations:
            raise _invalid("alter_table needs at least one operation")

        def work() -> Table:
            conn = self._conn()
            # SQLite's procedure for changing a table: foreign keys off (it cannot change inside a
            # transaction), so dropping the old copy does not cascade; checked before commit.
            conn.execute("PRAGMA foreign_keys=OFF")
            try:
                with self._write() as c:
                    spec = self._describe(c, table_name)
                    # Which old column each new column is copied from, should the table be rebuilt.
                    source = {col.name: col.name for col in spec.columns}
                    native: list[str] = []
                    rebuild = False
                    for op in operations:
                        rebuild |= self._apply(spec, source, native, op)
                    if rebuild:
                        self._rebuild(c, spec, source)
                    else:
                        for sql in native:
                            c.execute(sql)
                    broken = c.execute("SELECT * FROM pragma_foreign_key_check").fetchall()
                    if broken:
                        raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                            f"altering {table_name!r} would break foreign keys: {broken[:3]!r}")
                    self._save_catalog(c, spec, created=False)
                    return self._describe(c, table_name)
            finally:
                conn.execute("PRAGMA foreign_keys=ON")

        return self._run(f"alter table {table_name!r}", work)

    def _apply(self, spec: Table, source: dict[str, str | None], native: list[str], op: AlterTableOperation) -> bool:
        """Apply one operation to `spec`; queue its native ALTER, or return True when only a
        rebuild of the table can express it (SQLite has no MODIFY COLUMN, no ADD PRIMARY KEY)."""
        action = _enum(AlterTableAction, op.action, "alter action")
        table = spec.name
        if action in (AlterTableAction.ADD_COLUMN, AlterTableAction.DROP_COLUMN, AlterTableAction.MODIFY_COLUMN,
                      AlterTableAction.RENAME_COLUMN) and op.column is None:
            raise _invalid(f"column is required for {action.value} operation")
        if action is AlterTableAction.ADD_COLUMN:
            col = op.column
            assert col is not None
            _check_name("column", col.name)
            if spec.column(col.name) is not None:
                raise ProviderError(ErrorCode.ALREADY_EXISTS, f"column {col.name!r} already exists in {table!r}")
            spec.columns.append(col)
            source[col.name] = None
            col.data_type = _enum(DataType, col.data_type, "data type")
            coldef = _column_def(col)
            needs_rebuild = (col.auto_increment or (col.not_null and col.default_value is None)
                             or (col.default_value is not None and isinstance(_default_literal(col),
                                                                              exp.CurrentTimestamp)))
            native.append(self._render(exp.Alter(this=_tbl(table), kind="TABLE", actions=[coldef])))
            return bool(needs_rebuild)
        if action is AlterTableAction.DROP_COLUMN:
            col = op.column
            assert col is not None
            if spec.column(col.name) is None:
                raise ProviderError(ErrorCode.NOT_FOUND, f"column {col.name!r} does not exist in {table!r}")
            if len(spec.columns) == 1:
                raise _invalid(f"cannot drop {col.name!r}, the last column of {table!r}; drop the table instead")
            spec.columns = [c for c in spec.columns if c.name != col.name]
            source.pop(col.name, None)
            for idx in spec.indexes:
                idx.columns = [c for c in idx.columns if c != col.name]
            spec.indexes = [i for i in spec.indexes if i.columns]
            return True
        if action is AlterTableAction.MODIFY_COLUMN:
            col = op.column
            assert col is not None
            pos = next((i for i, c in enumerate(spec.columns) if c.name == col.name), None)
            if pos is None:
                raise ProviderError(ErrorCode.NOT_FOUND, f"column {col.name!r} does not exist in {table!r}")
            spec.columns[pos] = col
            return True
        if action is AlterTableAction.RENAME_COLUMN:
            col = op.column
            assert col is not None
            if not op.old_name:
                raise _invalid("column and old name are required for RENAME COLUMN operation")
            old = spec.column(op.old_name)
            if old is None:
                raise ProviderError(ErrorCode.NOT_FOUND, f"column {op.old_name!r} does not exist in {table!r}")
            _check_name("column", col.name)
            if spec.column(col.name) is not None:
                raise ProviderError(ErrorCode.ALREADY_EXISTS, f"column {col.name!r} already exists in {table!r}")
            old_name = old.name
            old.name = col.name
            source[col.name] = source.pop(old_name)
            for idx in spec.indexes:
                idx.columns = [col.name if c == old_name else c for c in idx.columns]
            native.append(self._render(exp.Alter(this=_tbl(table), kind="TABLE", actions=[
                exp.RenameColumn(this=_col(old_name), to=_col(col.name))])))
            return False
        # ADD INDEX
        if op.index is None:
            raise _invalid("index is required for ADD INDEX operation")
        idx = Index(name=op.index.name, type=_enum(IndexType, op.index.type, "index type"),
                    columns=list(op.index.columns))
        for c in idx.columns:
            if spec.column(c) is None:
                raise ProviderError(ErrorCode.NOT_FOUND, f"index {idx.name!r}: column {c!r} not in {table!r}")
        if idx.type is IndexType.PRIMARY_KEY:
            if any(i.type is IndexType.PRIMARY_KEY for i in spec.indexes):
                raise ProviderError(ErrorCode.ALREADY_EXISTS, f"table {table!r} already has a primary key")
            spec.indexes.append(idx)
            return True
        _check_name("index", idx.name)
        if any(i.name == idx.name for i in spec.indexes):
            raise ProviderError(ErrorCode.ALREADY_EXISTS, f"index {idx.name!r} already exists on {table!r}")
        if not idx.columns:
            raise _invalid(f"index {idx.name!r} has no columns")
        spec.indexes.append(idx)
        native.append(self._index_ddl(table, idx))
        return False

    def _rebuild(self, c: apsw.Connection, spec: Table, source: Mapping[str, str | None]) -> None:
        """SQLite's documented way to change a table's definition: create the new shape under a
        temporary name, copy the rows, drop the old table, rename. One transaction: all or nothing."""
        tmp = f"_cozelite_rebuild_{secrets.token_hex(4)}"
        c.execute(self._table_ddl(spec, if_not_exists=False, physical_name=tmp)[0])
        pairs = [(new, old) for new, old in source.items() if old is not None and spec.column(new) is not None]
        if pairs:
            insert = exp.Insert(
                this=exp.Schema(this=_tbl(tmp), expressions=[_ident(n) for n, _ in pairs]),
                expression=exp.select(*[_col(o) for _, o in pairs]).from_(_tbl(spec.name)))
            c.execute(self._render(insert))
        c.execute(self._render(exp.Drop(tables=[_tbl(spec.name)], kind="TABLE")))
        c.execute(self._render(exp.Alter(this=_tbl(tmp), kind="TABLE",
                                         actions=[exp.AlterRename(this=_tbl(spec.name))])))
        # Indexes are created once the table has its real name (the old table's indexes, with the
        # same names, are gone with it).
        for idx in spec.indexes:
            if idx.type is not IndexType.PRIMARY_KEY:
                c.execute(self._index_ddl(spec.name, idx))

    # -- data ----------------------------------------------------------------------------------

    def insert_data(self, table_name: str, data: Sequence[Mapping[str, Any]]) -> int:
        _check_name("table", table_name)
        fields, rows = _rows(data)
        sql = self._sql(("insert", table_name, fields))

        def work() -> int:
            with self._write() as c:
                before = c.total_changes()
                c.executemany(sql, rows)
                return c.total_changes() - before

        return self._run(f"insert into {table_name!r}", work)

    def update_data(self, table_name: str, data: Mapping[str, Any], *, where: ComplexCondition | None = None,
                    limit: int | None = None) -> int:
        _check_name("table", table_name)
        if not isinstance(data, Mapping) or not data:
            raise _invalid("update_data needs a non-empty mapping of column -> value")
        fields = tuple(_check_name("column", k) for k in data)
        shape, where_params = _where(where)
        params = [_bind(data[f]) for f in fields] + where_params
        if limit is not None:
            params.append(_non_negative(limit, "limit"))
        sql = self._sql(("update", table_name, fields, shape, limit is not None))

        def work() -> int:
            with self._write() as c:
                before = c.total_changes()
                c.execute(sql, params)
                return c.total_changes() - before

        return self._run(f"update {table_name!r}", work)

    def delete_data(self, table_name: str, *, where: ComplexCondition | None = None,
                    limit: int | None = None) -> int:
        _check_name("table", table_name)
        shape, params = _where(where)
        if limit is not None:
            params.append(_non_negative(limit, "limit"))
        sql = self._sql(("delete", table_name, shape, limit is not None))

        def work() -> int:
            with self._write() as c:
                before = c.total_changes()
                c.execute(sql, params)
                return c.total_changes() - before

        return self._run(f"delete from {table_name!r}", work)

    def select_data(self, table_name: str, *, fields: Sequence[str] | None = None,
                    where: ComplexCondition | None = None, order_by: Sequence[OrderBy] | None = None,
                    limit: int | None = None, offset: int | None = None) -> SelectDataResponse:
        _check_name("table", table_name)
        if isinstance(fields, str):
            raise _invalid("fields must be a list of column names, not a str")
        cols = tuple(_check_name("column", f) for f in fields or ())
        orders = tuple((_check_name("column", o.field), _enum(SortDirection, o.direction, "sort direction"))
                       for o in order_by or ())
        shape, where_params = _where(where)
        page: list[int] = []
        if limit is not None or offset is not None:
            # SQLite needs a LIMIT before OFFSET; -1 means no limit.
            page = [-1 if limit is None else _non_negative(limit, "limit"),
                    0 if offset is None else _non_negative(offset, "offset")]
        sql = self._sql(("select", table_name, cols, shape, orders, bool(page)))
        count_sql = self._sql(("count", table_name, shape))

        def work() -> SelectDataResponse:
            if not page:
                # Unpaged, every matching row is returned: the total is their number.
                names, rows = _query(self._conn(), sql, where_params)
                total = len(rows)
            else:
                with self._read() as c:  # one snapshot for the page and the count
                    names, rows = _query(c, sql, where_params + page)
                    total = c.execute(count_sql, where_params).fetchall()[0][0]
            return SelectDataResponse(
                result_set=ResultSet(columns=names, rows=[dict(zip(names, r, strict=True)) for r in rows]),
                total=total)

        return self._run(f"select from {table_name!r}", work)

    def upsert_data(self, table_name: str, data: Sequence[Mapping[str, Any]],
                    keys: Sequence[str] | None = None) -> UpsertDataResponse:
        _check_name("table", table_name)
        fields, rows = _rows(data)
        if isinstance(keys, str):
            raise _invalid("keys must be a list of column names, not a str")
        key_cols = tuple(_check_name("column", k) for k in keys or ())

        def work() -> UpsertDataResponse:
            with self._write() as c:
                key_list = key_cols
                if not key_list:
                    if not self._exists(c, table_name):
                        raise ProviderError(ErrorCode.NOT_FOUND, f"table {table_name!r} does not exist")
                    pk = sorted((r for r in c.execute("SELECT name, pk FROM pragma_table_info(?)", (table_name,))
                                 if r[1]), key=lambda r: r[1])
                    if not pk:
                        raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                            f"table {table_name} has no primary key, keys are required for upsert")
                    key_list = tuple(r[0] for r in pk)
                missing = [k for k in key_list if k not in fields]
                if missing:
                    raise _invalid(f"upsert rows must carry the key column(s) {', '.join(missing)}")
                sql = self._sql(("upsert", table_name, fields, key_list))
                count_sql = self._sql(("count", table_name, None))
                rows_before = c.execute(count_sql).fetchall()[0][0]
                before = c.total_changes()
                c.executemany(sql, rows)
                affected = c.total_changes() - before
                inserted = c.execute(count_sql).fetchall()[0][0] - rows_before
            return UpsertDataResponse(affected_rows=affected, inserted_rows=inserted,
                                      updated_rows=affected - inserted, unchanged_rows=len(rows) - affected)

        return self._run(f"upsert into {table_name!r}", work)

    # -- SQL builders (cached per statement shape; values are always parameters) --------------

    def _sql(self, key: tuple[Any, ...]) -> str:
        sql = self._sql_cache.get(key)
        if sql is None:
            if len(self._sql_cache) > 4096:
                self._sql_cache.clear()
            sql = self._sql_cache[key] = _build_sql(self._dialect, key)
        return sql

    # -- raw SQL -------------------------------------------------------------------------------

    def execute_sql(self, sql: str, params: Sequence[Any] | None = None,
                    sql_type: SQLType = SQLType.PARAMETERIZED) -> ResultSet:
        if not isinstance(sql, str) or not sql.strip():
            raise _invalid("execute_sql needs a non-empty SQL string")
        sql_type = _enum(SQLType, sql_type, "SQL type")
        if params is not None and (isinstance(params, (str, bytes)) or not isinstance(params, Sequence)):
            raise _invalid("params must be a list of values")
        params = list(params or ())
        if sql_type is SQLType.RAW and params:
            raise _invalid("raw SQL takes no params; use SQLType.PARAMETERIZED to bind values")
        expanded, bindings = _expand_params(sql, params)

        def work() -> ResultSet:
            try:
                text, operation, tables = self._compile(expanded)
            except (ProviderError, SQLParserError):
                raise
            except Exception as err:  # a compiler bug must reach the caller as a provider error
                raise ProviderError(ErrorCode.INTERNAL,
                                    f"the SQL compiler failed on this statement: {type(err).__name__}: {err}") from err
            for t in tables:
                if t.lower().startswith(_RESERVED_PREFIXES):
                    raise ProviderError(ErrorCode.PERMISSION_DENIED, f"table {t!r} is internal to the rdb provider")
            is_query = operation == "SELECT"
            ctx = self._read() if is_query else self._write()
            with ctx as c:
                before = c.total_changes()
                names, rows = _query(c, text, bindings, single=True, is_query=is_query)
                affected = c.total_changes() - before
                if operation in ("CREATE", "DROP", "ALTER"):
                    # DDL outside the provider's API: forget what the catalog said about the tables.
                    for t in tables:
                        self._forget_catalog(c, t)
            return ResultSet(columns=names, rows=[dict(zip(names, r, strict=True)) for r in rows],
                             affected_rows=0 if is_query else affected)

        return self._run("execute SQL", work)

    def _compile(self, sql: str) -> tuple[str, str, list[str]]:
        # Applications run the same parameterized statements over and over; the compiled form
        # depends on the text only.
        hit = self._compiled.get(sql)
        if hit is None:
            if len(self._compiled) > 1024:
                self._compiled.clear()
            hit = self._compiled[sql] = self._compile_uncached(sql)
        return hit

    def _compile_uncached(self, sql: str) -> tuple[str, str, list[str]]:
        """Parse one statement with the compiler's SQLite front end; returns the SQL to run (the native
        rendering of its IR), the operation, and the tables it names."""
        if self._parser is not None:
            from sqlparser import limits

            def parse() -> Any:
                return self._parser.parse(sql)  # type: ignore[union-attr]

            limits.check_sql_text(sql)
            stmt = limits.run_guarded(parse, sql)
            tree = stmt.tree
            operation = stmt.operation.value
            # Statements run as the compiler prints them for SQLite (so MySQL-compat input such as
            # TRUNCATE TABLE works), except CREATE/ALTER: there the declared column types decide
            # SQLite's affinity and what get_table reports, and the printer normalises them
            # (VARCHAR(40) -> TEXT(40)), so the validated original text runs.
            if tree is None or operation in ("CREATE", "ALTER"):
                text = sql
            else:
                text = self._parser.render(tree, quote_names=False)
        else:
            # Fallback while the SQLite front end is not registered: sqlglot's SQLite reader
            # classifies the statement; the text runs unchanged.
            from sqlglot.errors import ParseError, TokenError

            from sqlparser.ir import operation_of

            try:
                trees = [t for t in sqlglot.parse(sql, read="sqlite") if t is not None]
            except (ParseError, TokenError) as err:
                first = (getattr(err, "errors", None) or [{}])[0]
                where = f"line {first.get('line', 1)}, column {first.get('col', 1)}: " if first else ""
                reason = first.get("description") or str(err).splitlines()[0]
                raise _invalid(f"failed to parse SQL: {where}{reason}") from err
            if len(trees) != 1:
                raise _invalid("exactly one SQL statement is allowed")
            tree = trees[0]
            if isinstance(tree, exp.Command):
                raise _invalid(f"unsupported statement: {sql.split()[0]}")
            text, operation = sql, operation_of(tree).value
        tables = [t.name for t in tree.find_all(exp.Table)] if tree is not None else []
        return text, operation, tables


def _query(c: apsw.Connection, sql: str, params: Sequence[Any], *, single: bool = False, is_query: bool = True
           ) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a statement; its result column names and rows (for a query, names even with no rows)."""
    cur = c.cursor()
    if single:
        cur.exec_trace = _one_statement()
    cur.execute(sql, params)
    try:
        # Read from the running statement: exact even when a schema change re-prepared it.
        description = cur.description
    except apsw.ExecutionCompleteError:
        description = None
    rows = cur.fetchall()
    if description is None and is_query:
        description = _description_only(c, sql, params)
    return [d[0] for d in description or ()], rows


def _one_statement() -> Callable[..., bool]:
    """An apsw exec trace refusing a second statement in the same string (stacked queries)."""
    seen = [0]

    def trace(cursor: apsw.Cursor, sql: str, bindings: Any) -> bool:
        seen[0] += 1
        return seen[0] == 1

    return trace


def _description_only(c: apsw.Connection, sql: str, params: Sequence[Any]) -> Any:
    """Result columns of a statement that returned no rows: prepare it afresh (a cached statement
    may predate a schema change) and stop before it runs."""
    got: list[Any] = []

    def trace(cursor: apsw.Cursor, sql: str, bindings: Any) -> bool:
        try:
            got.append(cursor.description)
        except apsw.ExecutionCompleteError:
            got.append(())
        return False

    cur = c.cursor()
    cur.exec_trace = trace
    try:
        cur.execute(sql, params, can_cache=False)
    except apsw.ExecTraceAbort:
        pass
    return got[0] if got else ()


def _default_text(dflt: str | None) -> str | None:
    if dflt is None:
        return None
    if len(dflt) >= 2 and dflt[0] == dflt[-1] == "'":
        return dflt[1:-1].replace("''", "'")
    return dflt


def _rows(data: Sequence[Mapping[str, Any]]) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    if isinstance(data, Mapping) or not isinstance(data, Sequence) or not data:
        raise _invalid("data must be a non-empty list of rows (mappings of column -> value)")
    first = data[0]
    if not isinstance(first, Mapping) or not first:
        raise _invalid("each row must be a non-empty mapping of column -> value")
    fields = tuple(_check_name("column", k) for k in first)
    keyset = set(fields)
    rows = []
    for i, row in enumerate(data):
        if not isinstance(row, Mapping) or set(row) != keyset:
            raise _invalid(f"row {i} does not have the same columns as row 0 ({', '.join(fields)})")
        rows.append(tuple(_bind(row[f]) for f in fields))
    return fields, rows


def _where(cond: ComplexCondition | None) -> tuple[Any, list[Any]]:
    """A hashable shape of the condition (for the SQL cache) and its parameters in order."""
    if cond is None:
        return None, []
    params: list[Any] = []
    return _shape(cond, params, 0), params


def _shape(cond: ComplexCondition, params: list[Any], depth: int) -> tuple[Any, ...]:
    if not isinstance(cond, ComplexCondition):
        raise _invalid(f"where must be a ComplexCondition, got {type(cond).__name__}")
    if depth > _MAX_NESTING:
        raise _invalid(f"conditions nested deeper than {_MAX_NESTING} levels")
    if not cond.conditions and not cond.nested_conditions:
        raise _invalid("empty condition: no nested or direct conditions found")
    op = _enum(LogicalOperator, cond.operator or LogicalOperator.AND, "logical operator")
    parts: list[tuple[Any, ...]] = []
    for c in cond.conditions:
        if not isinstance(c, Condition):
            raise _invalid(f"conditions must be Condition objects, got {type(c).__name__}")
        field = _check_name("column", c.field)
        operator = _enum(Operator, c.operator, "operator")
        if operator in (Operator.IN, Operator.NOT_IN):
            if isinstance(c.value, (str, bytes, Mapping)) or not isinstance(c.value, (list, tuple, set, frozenset)):
                raise _invalid(f"{operator.value} operator requires a list of values for {field!r}")
            values = list(c.value)
            params.extend(_bind(v) for v in values)
            parts.append(("c", field, operator, len(values)))
        elif operator in (Operator.IS_NULL, Operator.IS_NOT_NULL):
            parts.append(("c", field, operator, 0))
        else:
            params.append(_bind(c.value))
            parts.append(("c", field, operator, 1))
    for nested in cond.nested_conditions:
        parts.append(("n", _shape(nested, params, depth + 1)))
    return (op, tuple(parts))


def _condition_tree(shape: tuple[Any, ...]) -> exp.Expression:
    op, parts = shape
    trees: list[exp.Expression] = []
    for part in parts:
        if part[0] == "n":
            trees.append(exp.Paren(this=_condition_tree(part[1])))
            continue
        _, field, operator, n = part
        col = _col(field)
        ph = exp.Placeholder()
        if operator in (Operator.IN, Operator.NOT_IN) and n == 0:
            # An empty list: IN matches nothing, NOT IN everything (SQL's meaning; Go's
            # `NOT IN (NULL)` would match nothing). Printed as constants, valid on every engine.
            tree: exp.Expression = exp.EQ(this=exp.Literal.number(1),
                                          expression=exp.Literal.number(0 if operator is Operator.IN else 1))
        elif operator in (Operator.IN, Operator.NOT_IN):
            tree = exp.In(this=col, expressions=[exp.Placeholder() for _ in range(n)])
            if operator is Operator.NOT_IN:
                tree = exp.Not(this=tree)
        elif operator is Operator.IS_NULL:
            tree = exp.Is(this=col, expression=exp.Null())
        elif operator is Operator.IS_NOT_NULL:
            tree = exp.Not(this=exp.Is(this=col, expression=exp.Null()))
        elif operator is Operator.LIKE:
            tree = exp.Like(this=col, expression=ph)
        elif operator is Operator.NOT_LIKE:
            tree = exp.Not(this=exp.Like(this=col, expression=ph))
        else:
            node = {Operator.EQUAL: exp.EQ, Operator.NOT_EQUAL: exp.NEQ, Operator.GREATER: exp.GT,
                    Operator.GREATER_EQUAL: exp.GTE, Operator.LESS: exp.LT, Operator.LESS_EQUAL: exp.LTE}[operator]
            tree = node(this=col, expression=ph)
        trees.append(tree)
    joined = trees[0]
    for t in trees[1:]:
        joined = (exp.And if op is LogicalOperator.AND else exp.Or)(this=joined, expression=t)
    return joined


def _build_sql(dialect: Dialect, key: tuple[Any, ...]) -> str:
    kind, table = key[0], key[1]
    tbl = _tbl(table)
    tree: exp.Expression
    if kind == "insert":
        fields = key[2]
        tree = exp.Insert(this=exp.Schema(this=tbl, expressions=[_ident(f) for f in fields]),
                          expression=exp.Values(expressions=[exp.Tuple(
                              expressions=[exp.Placeholder() for _ in fields])]))
    elif kind == "upsert":
        fields, keys = key[2], key[3]
        others = [f for f in fields if f not in keys]
        if others:
            changed = [exp.NullSafeNEQ(this=_col(f), expression=exp.Column(this=_ident(f), table=_ident("excluded")))
                       for f in others]
            cond = changed[0]
            for t in changed[1:]:
                cond = exp.Or(this=cond, expression=t)
            # The WHERE keeps rows whose values are already equal out of the change count (MySQL's
            # ON DUPLICATE KEY UPDATE reports those as unchanged).
            conflict = exp.OnConflict(
                conflict_keys=[exp.Ordered(this=_col(k), nulls_first=True) for k in keys], action=exp.var("DO UPDATE"),
                expressions=[exp.EQ(this=_col(f), expression=exp.Column(this=_ident(f), table=_ident("excluded")))
                             for f in others],
                where=exp.Where(this=cond))
        else:
            conflict = exp.OnConflict(conflict_keys=[exp.Ordered(this=_col(k), nulls_first=True) for k in keys],
                                      nothing=True)
        tree = exp.Insert(this=exp.Schema(this=tbl, expressions=[_ident(f) for f in fields]),
                          expression=exp.Values(expressions=[exp.Tuple(
                              expressions=[exp.Placeholder() for _ in fields])]),
                          conflict=conflict)
    elif kind == "select":
        cols, shape, orders, paged = key[2], key[3], key[4], key[5]
        select = exp.select(*([_col(c) for c in cols] or [exp.Star()])).from_(tbl)
        if shape is not None:
            select = select.where(_condition_tree(shape))
        if orders:
            # nulls_first matches SQLite's default, so no NULLS FIRST/LAST clause is printed.
            select = select.order_by(*[exp.Ordered(this=_col(f), desc=d is SortDirection.DESC,
                                                   nulls_first=d is SortDirection.ASC) for f, d in orders])
        if paged:
            select = select.limit(exp.Placeholder()).offset(exp.Placeholder())
        tree = select
    elif kind == "count":
        shape = key[2]
        tree = exp.select(exp.Count(this=exp.Star())).from_(tbl)
        if shape is not None:
            tree = tree.where(_condition_tree(shape))
    elif kind in ("update", "delete"):
        shape, limited = key[-2], key[-1]
        cond = _condition_tree(shape) if shape is not None else None
        if limited:
            # UPDATE/DELETE ... LIMIT is a compile-time option of SQLite; a rowid subquery is portable.
            sub = exp.select(exp.column("rowid")).from_(_tbl(table))
            if cond is not None:
                sub = sub.where(cond)
            sub = sub.limit(exp.Placeholder())
            cond = exp.In(this=exp.column("rowid"), query=exp.Subquery(this=sub))
        where = exp.Where(this=cond) if cond is not None else None
        if kind == "update":
            tree = exp.Update(this=tbl, expressions=[exp.EQ(this=_col(f), expression=exp.Placeholder())
                                                     for f in key[2]], where=where)
        else:
            tree = exp.Delete(this=tbl, where=where)
    else:  # pragma: no cover - keys are built in this module
        raise AssertionError(kind)
    return formatter.render(tree, style="native", dialect=dialect, quote_names=True)


def _expand_params(sql: str, params: list[Any]) -> tuple[str, list[Any]]:
    """Expand list/tuple parameters into `(?, ?, ...)` (an empty one into `(NULL)`), as Go's
    processSliceParams does, but skipping `?` inside quotes and comments."""
    if not any(isinstance(p, (list, tuple, set, frozenset)) for p in params):
        return sql, [_bind(p) for p in params]
    out: list[str] = []
    bound: list[Any] = []
    i, n, k = 0, len(sql), 0
    while i < n:
        ch = sql[i]
        if ch in "'\"`[":
            close = "]" if ch == "[" else ch
            j = i + 1
            while j < n:
                if sql[j] == close:
                    if close != "]" and j + 1 < n and sql[j + 1] == close:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j])
            i = j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(sql[i:j])
            i = j
        elif ch == "?" and k < len(params):
            p = params[k]
            k += 1
            if isinstance(p, (list, tuple, set, frozenset)):
                values = list(p)
                out.append("(" + ", ".join("?" * len(values)) + ")" if values else "(NULL)")
                bound.extend(_bind(v) for v in values)
            else:
                out.append("?")
                bound.append(_bind(p))
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out), bound


@RDBS.register("sqlite")
def open_sqlite(url: ProviderURL) -> SQLiteRDB:
    url.reject_unknown_params(("busy_timeout_ms", "synchronous"))
    if url.host:
        raise _invalid(f"sqlite URI takes no host: {url.redacted!r}; use sqlite:///relative.db or "
                       "sqlite:////absolute.db")
    if not url.path or url.path == ":memory:":
        raise _invalid(f"sqlite URI needs a file path: {url.redacted!r}, for example sqlite:///var/data/sqlite/app.db")
    try:
        busy = int(url.params.get("busy_timeout_ms", "5000"))
        if busy < 0:
            raise ValueError
    except ValueError:
        raise _invalid(f"busy_timeout_ms must be a non-negative int in {url.redacted!r}") from None
    sync = url.params.get("synchronous", "full").upper()
    if sync not in ("FULL", "NORMAL"):
        raise _invalid(f"synchronous must be full or normal in {url.redacted!r}")
    path = Path(url.path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ProviderError(ErrorCode.PERMISSION_DENIED,
                            f"cannot create the rdb data directory {directory.resolve()}: {err.strerror}") from err
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ProviderError(ErrorCode.PERMISSION_DENIED,
                            f"the rdb data directory {directory.resolve()} is not writable")
    return SQLiteRDB(str(path), uri=url.raw, busy_timeout_ms=busy, synchronous=sync)
