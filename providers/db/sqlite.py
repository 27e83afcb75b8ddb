"""`sqlite:///path/app.db` -> user tables in an embedded SQLite database, through apsw.

URI forms (paths follow SQLAlchemy: three slashes relative to the working directory, four absolute):

    sqlite:///var/data/sqlite/app.db
    sqlite:////srv/cozelite/app.db?busy_timeout_ms=10000&synchronous=full

Query parameters:
- ``busy_timeout_ms`` (default 5000): how long a writer waits for another writer's lock before
  failing with UNAVAILABLE.
- ``statement_timeout_ms`` (default 30000, 0 = none): a user statement (``execute_sql``) still
  running after this long is interrupted and fails with UNAVAILABLE, as on MySQL and PostgreSQL.
- ``synchronous`` (``full`` by default, or ``normal``): ``full`` fsyncs the WAL on every commit, so a
  committed transaction survives power loss; ``normal`` survives a process crash only.

Every connection runs in WAL mode (readers never block the writer), with ``foreign_keys=ON``.
Each thread gets its own connection, so one provider object may be shared by threads.

The statements come from statements.py as IR trees printed by the compiler for the SQLite dialect
(`sqlparser.parser_for(uri)`); ``execute_sql`` runs what user_sql.py compiled. Logical column types
(MySQL's INT, VARCHAR(n), JSON, ...) are enforced with named CHECK constraints and remembered in the
catalog tables (catalog.py), so `get_table` returns what `create_table` was given.
"""

from __future__ import annotations

import errno
import functools
import os
import secrets
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import apsw
import sqlglot
from sqlglot import exp

from providers.db import DB, catalog
from providers.db import statements as ir
from providers.db.catalog import Change
from providers.db.contract import RDB
from providers.db.entity import (
    AlterTableAction,
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
from providers.db.sqlite_run import CLEAN_STATE, STATE_SQL, query, user_query
from providers.db.user_sql import Compiled
from providers.db.validation import (
    MAX_TEXT_BYTES,
    Layout,
    Shape,
    alter_operations,
    invalid,
    non_negative,
    table_layout,
    varchar_length,
)
from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass
from providers.registry import ProviderURL
from sqlparser import SQLParser, parser_for
from sqlparser.errors import SQLParserError

_PING_TABLE = "_cozelite_rdb_ping"

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
    DataType.TEXT: f"typeof(__c__) = 'text' AND length(CAST(__c__ AS BLOB)) <= {MAX_TEXT_BYTES}",
    DataType.JSON: "typeof(__c__) = 'text' AND json_valid(__c__)",
    DataType.TIMESTAMP: "typeof(__c__) = 'text' AND datetime(__c__) IS NOT NULL",
    DataType.FLOAT: "typeof(__c__) = 'real'",
    DataType.DOUBLE: "typeof(__c__) = 'real'",
}


@functools.lru_cache(maxsize=64)
def _check_template(text: str) -> exp.Expression:
    tree = sqlglot.parse_one(text, read="sqlite")
    assert isinstance(tree, exp.Expression)  # a condition always parses to one
    return tree


def _check_for(column: Column) -> exp.Expression:
    body = _CHECKS[column.data_type].format(length=varchar_length(column))
    cond = _check_template(f"__c__ IS NULL OR ({body})").copy()
    return cond.transform(lambda n: ir.column(column.name) if isinstance(n, exp.Column) and n.name == "__c__" else n)


def _column_def(col: Column, *, in_pk: bool = False, inline_pk: bool = False) -> exp.ColumnDef:
    return ir.column_def(col, _PHYSICAL[col.data_type], check=_check_for(col), not_null=in_pk,
                         primary_key_autoincrement=inline_pk)


def classify_error(err: BaseException) -> ErrorClass:
    """The portable code of an exception apsw (or a bad binding) raised, with what it means."""
    msg = str(err)
    if isinstance(err, ProviderError):
        return ErrorClass(err.code)
    if isinstance(err, apsw.ConstraintError):
        if "UNIQUE" in msg or "PRIMARY KEY" in msg:
            return ErrorClass(ErrorCode.ALREADY_EXISTS, "duplicate key")
        if "FOREIGN KEY" in msg:
            return ErrorClass(ErrorCode.FAILED_PRECONDITION, "a foreign key does not match")
        if "CHECK" in msg:
            return ErrorClass(ErrorCode.INVALID_ARGUMENT, "a value does not fit its column's type or size")
        return ErrorClass(ErrorCode.INVALID_ARGUMENT)  # NOT NULL
    if isinstance(err, apsw.MismatchError):
        return ErrorClass(ErrorCode.INVALID_ARGUMENT, "value does not fit an integer primary key")
    if isinstance(err, apsw.TooBigError):
        return ErrorClass(ErrorCode.INVALID_ARGUMENT, "value too large")
    if isinstance(err, (apsw.ExecTraceAbort, apsw.BindingsError, TypeError, OverflowError, ValueError,
                        SQLParserError)):
        return ErrorClass(ErrorCode.INVALID_ARGUMENT)
    if isinstance(err, (apsw.BusyError, apsw.LockedError)):
        return ErrorClass(ErrorCode.UNAVAILABLE, "database is locked by another writer; retry")
    if isinstance(err, (apsw.CantOpenError, apsw.IOError, apsw.ReadOnlyError, apsw.CorruptError,
                        apsw.ConnectionClosedError, apsw.NotADBError)):
        return ErrorClass(ErrorCode.UNAVAILABLE)
    if isinstance(err, apsw.FullError):
        return ErrorClass(ErrorCode.RESOURCE_EXHAUSTED, "disk full")
    if isinstance(err, OSError):  # files of a backup
        if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return ErrorClass(ErrorCode.PERMISSION_DENIED)
        if err.errno == errno.ENOSPC:
            return ErrorClass(ErrorCode.RESOURCE_EXHAUSTED, "disk full")
        if err.errno in (errno.ENAMETOOLONG, errno.ENOTDIR, errno.EEXIST, errno.EISDIR, errno.EINVAL):
            return ErrorClass(ErrorCode.INVALID_ARGUMENT)
        return ErrorClass(ErrorCode.UNAVAILABLE)
    if isinstance(err, apsw.SQLError):
        if "no such table" in msg:
            return ErrorClass(ErrorCode.NOT_FOUND)
        if "already exists" in msg:
            return ErrorClass(ErrorCode.ALREADY_EXISTS)
        return ErrorClass(ErrorCode.INVALID_ARGUMENT)
    return ErrorClass(ErrorCode.INTERNAL)


class SQLiteDriver:
    """The apsw driver of `RDB` (see the module docstring for the URI)."""

    def __init__(self, path: str, *, uri: str, busy_timeout_ms: int = 5000, synchronous: str = "FULL",
                 statement_timeout_ms: int = 30_000) -> None:
        self.path = os.path.abspath(path)
        self.uri = uri
        self.busy_timeout_ms = busy_timeout_ms
        self.statement_timeout_ms = statement_timeout_ms
        self.synchronous = synchronous
        self._local = threading.local()
        self._conns: list[apsw.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._pid = os.getpid()
        self._parser = parser_for(uri)
        self._sql = ir.Statements(self._render, row_id="rowid")
        try:
            conn = self._conn()
            # WAL is a property of the file; setting it once is enough, but is harmless to repeat.
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchall()[0][0]
            if str(mode).lower() != "wal":
                raise ProviderError(ErrorCode.UNAVAILABLE, f"cannot switch {self.path} to WAL mode (got {mode})")
            with self._write() as c:
                c.execute(f'CREATE TABLE IF NOT EXISTS "{catalog.TABLES}" (tbl TEXT PRIMARY KEY, '
                          "comment TEXT, collation TEXT, auto_increment INTEGER, created_at INTEGER, "
                          "updated_at INTEGER)")
                c.execute(f'CREATE TABLE IF NOT EXISTS "{catalog.COLUMNS}" (tbl TEXT, col TEXT, '
                          "data_type TEXT, length INTEGER, comment TEXT, PRIMARY KEY (tbl, col))")
                c.execute(f'CREATE TABLE IF NOT EXISTS "{_PING_TABLE}" (k INTEGER PRIMARY KEY, v TEXT)')
        except apsw.Error as err:
            self.close()
            code = classify_error(err).code
            raise ProviderError(code, f"cannot open {self.path}: {type(err).__name__}: {err}") from err

    def __repr__(self) -> str:
        return f"SQLiteDriver({self.path!r})"

    @property
    def parser(self) -> SQLParser:
        return self._parser

    def classify_error(self, err: BaseException) -> ErrorClass:
        return classify_error(err)

    def _render(self, tree: exp.Expression) -> str:
        # Every name in the trees statements.py builds is a quoted identifier already.
        return self._parser.render(tree, quote_names=True, consume=True)

    # -- connections -------------------------------------------------------------------------

    def _conn(self) -> apsw.Connection:
        if self._closed:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"db {self.path} is closed")
        if os.getpid() != self._pid:
            # A forked child must not touch the parent's connections.
            self._pid = os.getpid()
            self._local = threading.local()
            self._conns = []
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = apsw.Connection(self.path)
            conn.set_busy_timeout(self.busy_timeout_ms)
            conn.execute(f"PRAGMA synchronous={self.synchronous}")
            conn.execute("PRAGMA foreign_keys=ON")
            # Without this, SQLite reads a double-quoted name that matches no column as a string
            # literal, and a misspelt column silently compares against its own name.
            conn.config(apsw.SQLITE_DBCONFIG_DQS_DML, 0)
            conn.config(apsw.SQLITE_DBCONFIG_DQS_DDL, 0)
            # Defence in depth under sqlite_guard's authorizer: no attached files, no extensions,
            # no writable schema, and functions in the schema must be harmless.
            conn.limit(apsw.SQLITE_LIMIT_ATTACHED, 0)
            conn.config(apsw.SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0)
            conn.config(apsw.SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0)
            conn.config(apsw.SQLITE_DBCONFIG_DEFENSIVE, 1)
            conn.config(apsw.SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0)
            self._local.conn = conn
            with self._lock:
                self._conns.append(conn)
        return conn

    def _check_returned(self, conn: apsw.Connection) -> None:
        """A connection goes back to its thread's slot only in the state it was handed out in (no
        open transaction, writable, foreign keys on, no attached database); otherwise it is closed
        and the thread's next call opens a fresh one. sqlite_guard refuses every statement that
        could change this; this is the check that the refusal held."""
        try:
            state = conn.execute(STATE_SQL).fetchall() if conn.get_autocommit() else None
        except apsw.Error:
            state = None
        if state == CLEAN_STATE:
            return
        self._discard(conn)

    def _discard(self, conn: apsw.Connection) -> None:
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None
        with self._lock:
            if conn in self._conns:
                self._conns.remove(conn)
        try:
            conn.close()
        except apsw.Error:
            pass  # best effort: the connection is dropped either way

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

    # -- lifecycle -----------------------------------------------------------------------------

    def ping(self) -> None:
        token = secrets.token_hex(8)
        with self._write() as c:
            c.execute(f'INSERT OR REPLACE INTO "{_PING_TABLE}" (k, v) VALUES (1, ?)', (token,))
            got = c.execute(f'SELECT v FROM "{_PING_TABLE}" WHERE k = 1').fetchall()
        if got != [(token,)]:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"db {self.path}: ping read back {got!r}")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conns, self._conns = self._conns, []
        for conn in conns:
            try:
                conn.close()
            except apsw.Error:
                pass  # closing is best effort; the OS releases the file anyway

    def backup(self, dest_dir: str) -> None:
        dest = Path(dest_dir)
        if not dest.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            dest.chmod(0o700)
        if any(dest.iterdir()):
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"backup directory {dest} is not empty")
        target = dest / os.path.basename(self.path)
        os.close(os.open(target, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        target.chmod(0o600)  # whatever the umask
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

    # -- tables --------------------------------------------------------------------------------

    def create_table(self, spec: Table, layout: Layout) -> Table:
        name = spec.name
        statements = self._table_ddl(spec, layout, if_not_exists=True)
        with self._write() as c:
            if self._exists(c, name):
                return self._describe(c, name)  # CREATE TABLE IF NOT EXISTS, as Go
            for sql in statements:
                c.execute(sql)
            opts = spec.options or TableOption()
            if opts.auto_increment is not None and any(col.auto_increment for col in spec.columns):
                start = non_negative(opts.auto_increment, "options.auto_increment")
                c.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, max(start - 1, 0)))
            self._save_catalog(c, spec, created=True)
            return self._describe(c, name)

    def _table_ddl(self, spec: Table, layout: Layout, *, if_not_exists: bool,
                   physical_name: str | None = None) -> list[str]:
        """CREATE TABLE plus CREATE INDEX statements for a checked logical table spec."""
        name = physical_name or spec.name
        pk = layout.primary_key
        auto = [c for c in spec.columns if c.auto_increment]
        inline_pk: str | None = None
        if auto:
            col = auto[0]
            if len(auto) > 1 or col.data_type not in (DataType.INT, DataType.BIGINT) or pk not in ([], [col.name]):
                raise invalid("SQLite supports AUTO_INCREMENT only on one INT/BIGINT column that is the whole "
                              "primary key")
            inline_pk, pk = col.name, []
        defs = [_column_def(col, in_pk=col.name in pk, inline_pk=col.name == inline_pk) for col in spec.columns]
        out = [self._render(ir.create_table(name, defs, pk, if_not_exists=if_not_exists))]
        out += [self._index_ddl(spec.name, idx, physical_table=name) for idx in layout.indexes]
        return out

    def _index_ddl(self, table: str, idx: Index, *, physical_table: str | None = None) -> str:
        # Index names are per schema in SQLite, per table in the contract: prefixed with the table.
        return self._render(ir.create_index(f"{table}__{idx.name}", physical_table or table, idx))

    def _save_catalog(self, c: apsw.Connection, spec: Table, *, created: bool) -> None:
        now = int(time.time())
        opts = spec.options or TableOption()
        row = c.execute(f'SELECT created_at FROM "{catalog.TABLES}" WHERE tbl = ?', (spec.name,)).fetchall()
        created_at = now if created or not row else row[0][0]
        c.execute(f'DELETE FROM "{catalog.COLUMNS}" WHERE tbl = ?', (spec.name,))
        c.execute(f'INSERT OR REPLACE INTO "{catalog.TABLES}" VALUES (?, ?, ?, ?, ?, ?)',
                  (spec.name, opts.comment, opts.collate, opts.auto_increment, created_at, now))
        c.executemany(f'INSERT INTO "{catalog.COLUMNS}" VALUES (?, ?, ?, ?, ?)',
                      [(spec.name, col.name, DataType(col.data_type).value,
                        varchar_length(col) if col.data_type is DataType.VARCHAR else None, col.comment)
                       for col in spec.columns])

    def _forget_catalog(self, c: apsw.Connection, table: str) -> None:
        c.execute(f'DELETE FROM "{catalog.COLUMNS}" WHERE tbl = ?', (table,))
        c.execute(f'DELETE FROM "{catalog.TABLES}" WHERE tbl = ?', (table,))

    @staticmethod
    def _exists(c: apsw.Connection, table: str) -> bool:
        return bool(c.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (table,)).fetchall())

    def get_table(self, name: str) -> Table:
        with self._read() as c:
            return self._describe(c, name)

    def _describe(self, c: apsw.Connection, name: str) -> Table:
        if not self._exists(c, name):
            raise ProviderError(ErrorCode.NOT_FOUND, f"table {name!r} does not exist")
        info = _fetch(c, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", (name,))
        known = {r[0]: r[1:] for r in _fetch(
            c, f'SELECT col, data_type, length, comment FROM "{catalog.COLUMNS}" WHERE tbl = ?', (name,))}
        sql = _fetch(c, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", (name,))[0][0]
        has_autoinc = "AUTOINCREMENT" in (sql or "").upper()
        pk_cols = [r[0] for r in sorted((r for r in info if r[4]), key=lambda r: r[4])]
        columns = []
        for col_name, declared, notnull, dflt, _pk in info:
            if col_name in known:
                kind, length, comment = DataType(known[col_name][0]), known[col_name][1], known[col_name][2]
            else:
                (kind, length), comment = catalog.logical_type(declared or ""), None
            columns.append(Column(name=col_name, data_type=kind, length=length, not_null=bool(notnull),
                                  default_value=catalog.default_text(dflt), comment=comment,
                                  auto_increment=has_autoinc and pk_cols == [col_name]))
        indexes = [Index(name="PRIMARY", type=IndexType.PRIMARY_KEY, columns=pk_cols)] if pk_cols else []
        for _, idx_name, unique, origin, _partial in _fetch(c, "SELECT * FROM pragma_index_list(?)", (name,)):
            if origin == "pk":
                continue
            cols = [r[0] for r in _fetch(c, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", (idx_name,))]
            prefix = f"{name}__"
            logical = idx_name[len(prefix):] if idx_name.startswith(prefix) else idx_name
            indexes.append(Index(name=logical, type=IndexType.UNIQUE_KEY if unique else IndexType.NORMAL_KEY,
                                 columns=cols))
        indexes.sort(key=lambda i: (i.type is not IndexType.PRIMARY_KEY, i.name))
        meta = _fetch(c, f'SELECT comment, collation, created_at, updated_at FROM "{catalog.TABLES}" WHERE tbl = ?',
                      (name,))
        comment, collate, created_at, updated_at = meta[0] if meta else (None, None, 0, 0)
        seq = _fetch(c, "SELECT seq FROM sqlite_sequence WHERE name = ?", (name,)) if has_autoinc else []
        auto_next = seq[0][0] + 1 if seq else (1 if has_autoinc else None)
        return Table(name=name, columns=columns, indexes=indexes,
                     options=TableOption(collate=collate, auto_increment=auto_next, comment=comment),
                     created_at=created_at or 0, updated_at=updated_at or 0)

    def drop_table(self, name: str, *, if_exists: bool) -> bool:
        sql = self._render(ir.drop_table(name, if_exists=if_exists))
        with self._write() as c:
            c.execute(sql)
            self._forget_catalog(c, name)
        return True

    def alter_table(self, name: str, operations: list[AlterTableOperation]) -> Table:
        operations = alter_operations(operations)
        conn = self._conn()
        # SQLite's procedure for changing a table: foreign keys off (it cannot change inside a
        # transaction), so dropping the old copy does not cascade; checked before commit.
        conn.execute("PRAGMA foreign_keys=OFF")
        try:
            with self._write() as c:
                spec = self._describe(c, name)
                # Which old column each new column is copied from, should the table be rebuilt.
                source: dict[str, str | None] = {col.name: col.name for col in spec.columns}
                native: list[str] = []
                rebuild = False
                for op in operations:
                    rebuild |= self._plan(name, catalog.apply_alter(spec, source, op), native)
                if rebuild:
                    self._rebuild(c, spec, source)
                else:
                    for sql in native:
                        c.execute(sql)
                broken = c.execute("SELECT * FROM pragma_foreign_key_check").fetchall()
                if broken:
                    raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                        f"altering {name!r} would break foreign keys: {broken[:3]!r}")
                self._save_catalog(c, spec, created=False)
                return self._describe(c, name)
        finally:
            conn.execute("PRAGMA foreign_keys=ON")

    def _plan(self, table: str, change: Change, native: list[str]) -> bool:
        """Queue the native ALTER of one applied change, or return True when only a rebuild of the
        table can express it (SQLite has no MODIFY COLUMN, no ADD PRIMARY KEY)."""
        if change.action is AlterTableAction.ADD_COLUMN:
            col = change.column
            assert col is not None
            coldef = _column_def(col)
            native.append(self._render(ir.add_column(table, coldef)))
            now_default = col.default_value is not None and isinstance(ir.default_literal(col), exp.CurrentTimestamp)
            return bool(col.auto_increment or (col.not_null and col.default_value is None) or now_default)
        if change.action is AlterTableAction.RENAME_COLUMN:
            assert change.column is not None and change.old_name is not None
            native.append(self._render(ir.rename_column(table, change.old_name, change.column.name)))
            return False
        if change.action is AlterTableAction.ADD_INDEX:
            assert change.index is not None
            if change.index.type is IndexType.PRIMARY_KEY:
                return True
            native.append(self._index_ddl(table, change.index))
            return False
        return True  # DROP COLUMN, MODIFY COLUMN

    def _rebuild(self, c: apsw.Connection, spec: Table, source: Mapping[str, str | None]) -> None:
        """SQLite's documented way to change a table's definition: create the new shape under a
        temporary name, copy the rows, drop the old table, rename. One transaction: all or nothing."""
        tmp = f"_cozelite_rebuild_{secrets.token_hex(4)}"
        layout = table_layout(spec)
        c.execute(self._table_ddl(spec, layout, if_not_exists=False, physical_name=tmp)[0])
        pairs = [(new, old) for new, old in source.items() if old is not None and spec.column(new) is not None]
        if pairs:
            c.execute(self._render(ir.copy_rows(tmp, spec.name, pairs)))
        c.execute(self._render(ir.drop_table(spec.name)))
        c.execute(self._render(ir.rename_table(tmp, spec.name)))
        # Indexes are created once the table has its real name (the old table's indexes, with the
        # same names, are gone with it).
        for idx in spec.indexes:
            if idx.type is not IndexType.PRIMARY_KEY:
                c.execute(self._index_ddl(spec.name, idx))

    # -- data ----------------------------------------------------------------------------------

    def _change(self, sql: str, params: Sequence[Any]) -> int:
        with self._write() as c:
            before = c.total_changes()
            c.execute(sql, params)
            return c.total_changes() - before

    def insert(self, table: str, fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> int:
        sql = self._sql.insert(table, fields)
        with self._write() as c:
            before = c.total_changes()
            c.executemany(sql, rows)
            return c.total_changes() - before

    def update(self, table: str, fields: tuple[str, ...], values: list[Any], where: Shape | None,
               params: list[Any], limit: int | None) -> int:
        sql = self._sql.update(table, fields, where, limit is not None)
        return self._change(sql, values + params + ([] if limit is None else [limit]))

    def delete(self, table: str, where: Shape | None, params: list[Any], limit: int | None) -> int:
        sql = self._sql.delete(table, where, limit is not None)
        return self._change(sql, params + ([] if limit is None else [limit]))

    def select(self, table: str, fields: tuple[str, ...], where: Shape | None, params: list[Any],
               order_by: tuple[tuple[str, SortDirection], ...], limit: int | None,
               offset: int | None) -> SelectDataResponse:
        paged = limit is not None or offset is not None
        sql = self._sql.select(table, fields, where, order_by, paged)
        if not paged:
            # Unpaged, every matching row is returned: the total is their number.
            names, rows = query(self._conn(), sql, params)
            total = len(rows)
        else:
            # SQLite needs a LIMIT before OFFSET; -1 means no limit.
            page = [-1 if limit is None else limit, 0 if offset is None else offset]
            with self._read() as c:  # one snapshot for the page and the count
                names, rows = query(c, sql, params + page)
                total = _fetch(c, self._sql.count(table, where), params)[0][0]
        return SelectDataResponse(
            result_set=ResultSet(columns=names, rows=[dict(zip(names, r, strict=True)) for r in rows]), total=total)

    def upsert(self, table: str, fields: tuple[str, ...], rows: list[tuple[Any, ...]],
               keys: tuple[str, ...]) -> UpsertDataResponse:
        with self._write() as c:
            if not keys:
                if not self._exists(c, table):
                    raise ProviderError(ErrorCode.NOT_FOUND, f"table {table!r} does not exist")
                pk = sorted((r for r in _fetch(c, "SELECT name, pk FROM pragma_table_info(?)", (table,)) if r[1]),
                            key=lambda r: r[1])
                if not pk:
                    raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                        f"table {table} has no primary key, keys are required for upsert")
                keys = tuple(r[0] for r in pk)
                missing = [k for k in keys if k not in fields]
                if missing:
                    raise invalid(f"upsert rows must carry the key column(s) {', '.join(missing)}")
            sql = self._sql.upsert(table, fields, keys)
            count_sql = self._sql.count(table, None)
            rows_before: int = _fetch(c, count_sql)[0][0]
            before = c.total_changes()
            c.executemany(sql, rows)
            affected = c.total_changes() - before
            inserted: int = _fetch(c, count_sql)[0][0] - rows_before
        return UpsertDataResponse(affected_rows=affected, inserted_rows=inserted,
                                  updated_rows=affected - inserted, unchanged_rows=len(rows) - affected)

    def execute(self, statement: Compiled, params: list[Any]) -> ResultSet:
        is_query = statement.is_query
        conn = self._conn()
        try:
            with self._read() if is_query else self._write() as c:
                before = c.total_changes()
                names, rows = user_query(c, statement, params, timeout_ms=self.statement_timeout_ms)
                # rows of the statement itself, not those its triggers changed (as MySQL counts)
                affected = c.changes() if c.total_changes() != before else 0
                if statement.is_ddl:
                    # DDL outside the provider's API: forget what the catalog said about the tables.
                    for t in statement.tables:
                        self._forget_catalog(c, t)
        finally:
            self._check_returned(conn)
        return ResultSet(columns=names, rows=[dict(zip(names, r, strict=True)) for r in rows],
                         affected_rows=0 if is_query else affected)


def _fetch(c: apsw.Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The rows of a catalog or count query. Their values are SQLite's dynamic types: the callers
    know what each column of their own query holds."""
    return c.execute(sql, params).fetchall()


@DB.register("sqlite")
def open_sqlite(url: ProviderURL) -> RDB:
    url.reject_unknown_params(("busy_timeout_ms", "synchronous", "statement_timeout_ms"))
    if url.host:
        raise invalid(f"sqlite URI takes no host: {url.redacted!r}; use sqlite:///relative.db or "
                      "sqlite:////absolute.db")
    if not url.path or url.path == ":memory:":
        raise invalid(f"sqlite URI needs a file path: {url.redacted!r}, for example sqlite:///var/data/sqlite/app.db")
    try:
        busy = int(url.params.get("busy_timeout_ms", "5000"))
        if busy < 0:
            raise ValueError
    except ValueError:
        raise invalid(f"busy_timeout_ms must be a non-negative int in {url.redacted!r}") from None
    try:
        statement_timeout = int(url.params.get("statement_timeout_ms", "30000"))
        if statement_timeout < 0:
            raise ValueError
    except ValueError:
        raise invalid(f"statement_timeout_ms must be a non-negative int in {url.redacted!r}") from None
    sync = url.params.get("synchronous", "full").upper()
    if sync not in ("FULL", "NORMAL"):
        raise invalid(f"synchronous must be full or normal in {url.redacted!r}")
    path = Path(url.path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        if not directory.is_dir():
            directory.mkdir(parents=True, exist_ok=True)
            directory.chmod(0o700)
        # The database file 0600 whatever the umask; SQLite gives its -wal and -shm files the
        # database file's permissions.
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    except OSError as err:
        raise ProviderError(ErrorCode.PERMISSION_DENIED,
                            f"cannot create the db data directory {directory.resolve()}: {err.strerror}") from err
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ProviderError(ErrorCode.PERMISSION_DENIED,
                            f"the db data directory {directory.resolve()} is not writable")
    return RDB(SQLiteDriver(str(path), uri=url.raw, busy_timeout_ms=busy, synchronous=sync,
                                    statement_timeout_ms=statement_timeout), name="sqlite")
