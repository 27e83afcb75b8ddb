"""The DuckDB connection of the search store: one file, one lock, nested transactions.

Every driver call holds the lock (`locked`) and runs in one transaction (`tx`; nested calls join the
outer one, so `transaction()` groups calls). Bulk data enters DuckDB as registered numpy relations
(`registered`), the fast path; vectors travel flattened for the same reason (see retrieval.py).
The tables every part shares are created here; their layout is described in duckdb.py.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import shutil
import threading
import types
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

import duckdb
import numpy as np
from sqlglot import exp

from providers.errors import ErrorCode, ProviderError
from providers.search.sql import Params, ShapeCache, col, render, split_rows

SCHEMA_VERSION = "1"
_PUSHDOWN_MAX_DEPTH = 8  # see Connection.planned_for_depth
DEFAULT_QUERY_TIMEOUT = 10.0  # seconds a search may run before it is cancelled (query_timeout_ms)
_SHAPES = ShapeCache()
P = ParamSpec("P")
T = TypeVar("T")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cz_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    "CREATE TABLE IF NOT EXISTS cz_es_index (name VARCHAR PRIMARY KEY, properties VARCHAR NOT NULL)",
    "CREATE TABLE IF NOT EXISTS cz_es_doc (idx VARCHAR NOT NULL, id VARCHAR NOT NULL, seq BIGINT NOT NULL, "
    "source VARCHAR NOT NULL)",
    "CREATE SEQUENCE IF NOT EXISTS cz_seq",
    "CREATE TABLE IF NOT EXISTS cz_collection (name VARCHAR PRIMARY KEY, tbl VARCHAR NOT NULL, "
    "fields VARCHAR NOT NULL, meta VARCHAR NOT NULL)",
    "CREATE SEQUENCE IF NOT EXISTS cz_collection_seq",
    "CREATE TABLE IF NOT EXISTS cz_postings (space VARCHAR NOT NULL, field VARCHAR NOT NULL, term VARCHAR NOT NULL, "
    "doc VARCHAR NOT NULL, tf INTEGER NOT NULL, dl INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS cz_doclen (space VARCHAR NOT NULL, field VARCHAR NOT NULL, doc VARCHAR NOT NULL, "
    "len INTEGER NOT NULL)",
)


def _private(*paths: str) -> None:
    """Files of the store readable by its owner only (0600), whatever the umask was."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, 0o600)


def str_array(values: Sequence[str]) -> np.ndarray:
    """Strings for a registered relation. A fixed-width unicode array, not an object array: for
    object arrays DuckDB's scanner tries `import pandas` once per element, which dominates bulk
    writes when pandas is absent."""
    return np.array(list(values), dtype=str) if values else np.array([], dtype="<U1")


_SEPARATORS = ("\x1f", "\x1e", "\x1d", "\x1c", "\x00")


def packed(values: Sequence[str]) -> tuple[str, str] | None:
    """The strings joined by a separator none of them contains, and that separator (None when
    each candidate occurs in some value: the caller registers an array instead). One string
    parameter split in SQL (sql.split_rows) enters DuckDB 10-15x faster than a registered string
    column, whose scan converts and sorts every value (2,000 texts of 300 characters: 7 vs 97 ms)."""
    for sep in _SEPARATORS:
        joined = sep.join(values)
        if joined.count(sep) == len(values) - 1:
            return joined, sep
    return None


def extension_path(name: str) -> str | None:
    """The extension file a `duckdb-extension-<name>` wheel ships for this duckdb version."""
    try:
        module = __import__(f"duckdb_extension_{name}")
    except ImportError:
        return None
    if module.__file__ is None:
        return None
    base = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    return str(base) if base.exists() else None


class Connection:
    """The store's DuckDB connection and the state every part of the driver shares."""

    def __init__(self, path: str, *, hnsw_ef_search: int, threads: int | None,
                 query_timeout: float = DEFAULT_QUERY_TIMEOUT) -> None:
        self.path = path
        self.query_timeout = query_timeout
        self.lock = threading.RLock()
        self._interrupt_lock = threading.Lock()
        self._local = threading.local()  # per thread: its reading cursor, deadline, registrations
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._cursor_lock = threading.Lock()
        self.concurrent_reads = True  # False: every read takes the store's lock (bench/search.py's baseline)
        self.commits = 0  # committed transactions so far: a load that spans one may be stale
        # Held around a commit and its after-commit actions, a reader's snapshot start, and the
        # keeping of what a reader loaded: a load is kept only if no commit came in between.
        self._commit_lock = threading.Lock()
        self._ping_lock = threading.Lock()
        self.closed = False
        self._tx_depth = 0
        self._after_commit: list[Callable[[], None]] = []
        config: dict[str, Any] = {}
        if threads:
            config["threads"] = int(threads)
        if path != ":memory:":
            parent = Path(path).resolve().parent
            try:
                if not parent.is_dir():
                    parent.mkdir(parents=True, exist_ok=True)
                    parent.chmod(0o700)
            except OSError as err:
                raise ProviderError(ErrorCode.UNAVAILABLE,
                                    f"cannot create the search data directory {str(parent)!r}: {err.strerror}") from err
            if not os.access(parent, os.W_OK):
                raise ProviderError(ErrorCode.PERMISSION_DENIED,
                                    f"the search data directory {str(parent)!r} is not writable")
        try:
            self._main = duckdb.connect(path, config=config)
        except duckdb.Error as err:
            msg = str(err)
            if "lock" in msg.lower():
                raise ProviderError(ErrorCode.UNAVAILABLE,
                                    f"the search store {path!r} is in use by another process; stop it "
                                    "(cozelite serve) and retry") from err
            raise ProviderError(ErrorCode.UNAVAILABLE, f"cannot open the search store {path!r}: {msg}") from err
        if path != ":memory:":
            _private(path, path + ".wal")  # DuckDB creates them with the umask's mode
        self.db.execute("SET enable_progress_bar = false")
        self.hnsw_ef_search = hnsw_ef_search
        self.vss = self._load_vss(self._main)
        self._init_schema()
        # The ping's own connection to the same database: a ping never waits for the store's lock
        # (a long query holds it), and DuckDB runs the two concurrently.
        self._ping_db = self.db.cursor()

    @property
    def db(self) -> duckdb.DuckDBPyConnection:
        """The connection this thread's statements run on: its own cursor inside `reading`, else
        the store's connection (under the store's lock)."""
        cursor = getattr(self._local, "db", None)
        return self._main if cursor is None else cursor

    def _deadline_state(self) -> types.SimpleNamespace:
        """This thread's deadline state: a plain object the timer's thread can write to (an
        attribute set on a threading.local from another thread would be that thread's)."""
        state = getattr(self._local, "deadline", None)
        if state is None:
            state = self._local.deadline = types.SimpleNamespace(expired=None)
        return state

    @property
    def _expired(self) -> ProviderError | None:
        """Set once this thread's running call passed its deadline."""
        expired: ProviderError | None = self._deadline_state().expired
        return expired

    @property
    def _registered_depth(self) -> int:
        return getattr(self._local, "registered_depth", 0)

    @_registered_depth.setter
    def _registered_depth(self, depth: int) -> None:
        self._local.registered_depth = depth

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Run a read-only call concurrently with others: on this thread's own cursor (a
        connection of its own to the same database), in a snapshot transaction, without the
        store's lock. A thread that holds the lock (a caller's transaction) reads under it, on the
        store's connection, and sees its own uncommitted writes."""
        owned = getattr(self.lock, "_is_owned", None)
        if not self.concurrent_reads or getattr(self._local, "db", None) is not None or owned is None or owned():
            with self.lock:
                self.check_open()
                yield
            return
        self.check_open()
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            with self._cursor_lock:  # not the store's lock: a transaction may hold that one
                self.check_open()
                cursor = self._main.cursor()
                self._cursors.append(cursor)
                cursor.execute("SET enable_progress_bar = false")
                if self.vss:
                    self._load_vss(cursor)
            self._local.cursor = cursor
        try:
            with self._commit_lock:
                self._local.commits = self.commits
                cursor.execute("BEGIN TRANSACTION")
        except duckdb.Error as err:
            self._closed_or(err)
            raise
        self._local.db = cursor
        try:
            yield
        except duckdb.Error as err:
            self._closed_or(err)
            raise
        finally:
            self._local.db = None
            with contextlib.suppress(duckdb.Error):
                cursor.execute("ROLLBACK")  # read-only: nothing to commit

    def _closed_or(self, err: duckdb.Error) -> None:
        if self.closed:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"the search store {self.path!r} is closed") from err

    def keep_if_current(self, keep: Callable[[], None]) -> bool:
        """Run `keep` (put what this call loaded into an in-memory index) unless a transaction
        committed since this call's snapshot began: that write's after-commit actions found the
        index absent, so the load would miss it. Always kept under the store's lock."""
        if getattr(self._local, "db", None) is None:
            keep()
            return True
        with self._commit_lock:
            if self._local.commits != self.commits:
                return False
            keep()
            return True

    def _load_vss(self, db: duckdb.DuckDBPyConnection) -> bool:
        """Load the vss extension into a connection (each cursor needs it for its settings)."""
        path = extension_path("vss")
        if path is None:
            return False
        try:
            db.load_extension(path)
            db.execute("SET hnsw_enable_experimental_persistence = true")
            # SET takes no parameters; the beam width is an int of our own configuration.
            db.execute(render(exp.Set(expressions=[exp.SetItem(this=exp.EQ(
                this=exp.column("hnsw_ef_search"), expression=exp.Literal.number(int(self.hnsw_ef_search))))])))
        except duckdb.Error:
            return False
        return True

    def _init_schema(self) -> None:
        with self.tx():
            for statement in _SCHEMA:
                self.x(statement)
            row = self.x("SELECT value FROM cz_meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                self.x("INSERT INTO cz_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
            elif row[0] != SCHEMA_VERSION:
                self.db.close()
                raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                    f"search store {self.path!r} has schema version {row[0]}; this cozelite "
                                    f"understands {SCHEMA_VERSION}: re-create it and run `cozelite search backfill`")

    # --- running SQL

    def x(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
        if self._expired is not None:
            # The deadline passed between two statements (while Python built the next one).
            raise self._expired
        return self.db.execute(sql, params) if params else self.db.execute(sql)

    def value(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Any:
        """The single value of a statement that returns one row (count, nextval)."""
        row = self.x(sql, params).fetchone()
        assert row is not None, sql  # aggregates and nextval always return a row
        return row[0]

    def run(self, statement: Callable[[], exp.Expr], params: Params,
            shape: Hashable | None = None) -> duckdb.DuckDBPyConnection:
        """Build, render and execute a statement with its parameters. With `shape` (a key naming
        everything the SQL text depends on; the parameters must be made before, in a fixed order)
        the rendering is made once per shape."""
        sql = render(statement()) if shape is None else _SHAPES.get(shape, statement)
        return self.x(sql, params.values)

    def check_open(self) -> None:
        if self.closed:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"the search store {self.path!r} is closed")

    @property
    def in_transaction(self) -> bool:
        """True inside a transaction (a caller's, or a driver call's own): what is written now may
        still roll back."""
        if getattr(self._local, "db", None) is not None:
            return False  # a reader in its own snapshot, whatever another thread's transaction does
        return self._tx_depth > 0

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once the current transaction has committed (now, outside one); dropped if
        it rolls back. In-memory indexes follow the tables this way: a write reaches them only
        when it can no longer roll back."""
        if self._tx_depth:
            self._after_commit.append(action)
        else:
            action()

    @contextlib.contextmanager
    def tx(self) -> Iterator[None]:
        if self._tx_depth:
            self._tx_depth += 1
            try:
                yield
            finally:
                self._tx_depth -= 1
            return
        self.db.execute("BEGIN TRANSACTION")
        self._tx_depth = 1
        self._after_commit = []
        try:
            yield
        except BaseException:
            self._tx_depth = 0
            self._after_commit = []
            with contextlib.suppress(duckdb.Error):
                self.db.execute("ROLLBACK")
            raise
        self._tx_depth = 0
        actions, self._after_commit = self._after_commit, []
        with self._commit_lock:
            self.db.execute("COMMIT")
            self.commits += 1
            for action in actions:
                action()

    @contextlib.contextmanager
    def registered(self, **columns: np.ndarray) -> Iterator[exp.Table]:
        """Expose numpy columns as a temporary relation (the fast bulk path into DuckDB)."""
        # Named by nesting depth, not by a counter: the names repeat from call to call (under the
        # lock, one call at a time), so statements that read them keep one rendered shape.
        name = f"cz_tmp_{self._registered_depth}"
        self.db.register(name, columns)
        self._registered_depth += 1
        try:
            yield exp.Table(this=exp.to_identifier(name, quoted=True))
        finally:
            self._registered_depth -= 1
            self.db.unregister(name)

    @contextlib.contextmanager
    def string_rows(self, values: Sequence[str], params: Params) -> Iterator[tuple[exp.Select, str]]:
        """Rows (v, i) of `values` (i the position, from 0) as a query, and a key naming its
        shape: packed into one parameter when a separator is free (see `packed`), else a
        registered relation."""
        pack = packed(values)
        if pack is not None:
            yield split_rows(params(pack[0]), params(pack[1])), "packed"
            return
        with self.registered(v=str_array(values), i=np.arange(len(values), dtype=np.int64)) as rel:
            yield exp.select(col("v"), col("i")).from_(rel), rel.name

    # --- the store-wide calls of the driver

    def get_meta(self, key: str) -> str | None:
        row = self.x("SELECT value FROM cz_meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str | None) -> None:
        with self.tx():
            if value is None:
                self.x("DELETE FROM cz_meta WHERE key = ?", [key])
            else:
                self.x("INSERT OR REPLACE INTO cz_meta VALUES (?, ?)", [key, value])

    def checkpoint(self) -> None:
        """CHECKPOINT, which fails while another connection has a transaction open: the ping's
        connection (the only other one) is held still for it."""
        with self._ping_lock:
            self.x("CHECKPOINT")

    def ping(self) -> None:
        """A write and read-back on the ping's own connection, one ping at a time (two at once
        would read each other's token), without the store's lock."""
        token = secrets.token_hex(8)
        with self._ping_lock:
            self.check_open()
            db = self._ping_db
            db.execute("INSERT OR REPLACE INTO cz_meta VALUES ('__ping__', ?)", [token])
            # fetchall: a result left open keeps the ping connection's transaction alive, and an
            # active transaction makes the store's CHECKPOINT (build_vector_index) fail.
            rows = db.execute("SELECT value FROM cz_meta WHERE key = '__ping__'").fetchall()
        row = rows[0] if rows else None
        if row is None or row[0] != token:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"search store {self.path!r}: ping read back {row!r}")

    @contextlib.contextmanager
    def planned_for_depth(self, depth: int) -> Iterator[None]:
        """Plan the statements of the block for a query nesting `depth` grouped subqueries.
        DuckDB's filter pushdown is exponential in that nesting (depth 17: 0.7 s, 19: 3 s, each
        level doubling; 0.03 s without it), so past a few levels it is switched off for the block."""
        if depth <= _PUSHDOWN_MAX_DEPTH:
            yield
            return
        self.x("SET disabled_optimizers = 'filter_pushdown'")
        try:
            yield
        finally:
            self.db.execute("RESET disabled_optimizers")

    @contextlib.contextmanager
    def deadline(self, what: str) -> Iterator[None]:
        """Cancel the DuckDB work of the block once it has run `query_timeout` seconds:
        RESOURCE_EXHAUSTED, and the store's lock is free again for the next call."""
        if not self.query_timeout:
            yield
            return
        expired = ProviderError(ErrorCode.RESOURCE_EXHAUSTED,
                                f"{what} ran longer than the store's time limit of {self.query_timeout:g} s "
                                "(query_timeout_ms) and was cancelled; narrow the query")
        active = [True]
        state, db = self._deadline_state(), self.db  # this thread's: the timer fires on its own thread

        def fire() -> None:
            # Only while the block runs: after it, the error would be misattributed.
            with self._interrupt_lock:
                if active[0]:
                    state.expired = expired
                    db.interrupt()

        timer = threading.Timer(self.query_timeout, fire)
        timer.daemon = True
        timer.start()
        try:
            yield
        except duckdb.Error as err:
            if self._expired is not None:
                raise expired from err
            raise
        finally:
            with self._interrupt_lock:
                active[0] = False
                state.expired = None
            timer.cancel()

    def backup(self, dest_dir: str) -> None:
        dest = Path(dest_dir)
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                f"backup destination {str(dest)!r} is not an empty directory")
        if self.path == ":memory:":
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, "an in-memory search store cannot be backed up")
        if not dest.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            dest.chmod(0o700)
        # With the lock held nothing writes; after CHECKPOINT the file alone is the whole store.
        self.checkpoint()
        shutil.copy2(self.path, dest / Path(self.path).name)
        _private(str(dest / Path(self.path).name))

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
            with self._ping_lock, contextlib.suppress(duckdb.Error):
                self._ping_db.close()
            with self._cursor_lock:
                for cursor in self._cursors:
                    with contextlib.suppress(duckdb.Error):
                        cursor.close()
            with contextlib.suppress(duckdb.Error):
                self._main.close()


class HasConnection(Protocol):
    @property
    def conn(self) -> Connection: ...


S = TypeVar("S", bound=HasConnection)


def locked(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """A driver method that holds the store's lock and refuses to run once the store is closed
    (a call may pass the portable closed check just before `close()` takes the lock)."""

    @functools.wraps(method)
    def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> T:
        with self.conn.lock:
            self.conn.check_open()
            return method(self, *args, **kwargs)

    return wrapper
