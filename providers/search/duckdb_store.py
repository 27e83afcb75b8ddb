"""The `duckdb` search provider: document search and retrieval in one DuckDB file.

URI forms (paths follow SQLAlchemy's sqlite rule)::

    duckdb:///var/data/duckdb/search.db     relative to the working directory
    duckdb:////srv/cozelite/search.db       absolute
    duckdb:///:memory:                      a private in-memory store (tests)

Query parameters (each may also be passed to `open_search` as a keyword argument):

    bm25_k1=1.2, bm25_b=0.75     BM25 parameters
    hnsw_min_rows=0              build an HNSW index (vss extension) on a collection's vectors once
                                 it holds this many rows; 0 (the default) never builds one by itself
                                 (exact search, or `build_vector_index()` on a store). Off by default
                                 because the build runs inside the store call that crosses the
                                 threshold (about 20 minutes for 100k 384-d vectors on two cores) and
                                 because on high-dimensional data recall needs a wide search beam:
                                 see bench/search.py and tests/search/test_hnsw.py for measurements.
    hnsw_m=32, hnsw_ef_construction=200, hnsw_ef_search=2000
                                 HNSW graph degree, build and search beam widths. Measured on
                                 100k random 384-d vectors (the hardest case: no structure), top-10
                                 recall against exact is 0.60 at ef_search 400, 0.83 at 1000, 0.97
                                 at 2000 (2.5x faster than the exact scan), 1.0 at 4000
    threads=N                    DuckDB worker threads (default: DuckDB's choice)

Layout of the file (all tables prefixed `cz_`):

- `cz_es_index` (index, properties) and `cz_es_doc` (index, id, seq, JSON source): document search.
- `cz_collection` (name, physical table, fields) and one table per collection with a column per
  field (`FLOAT[dim]` for vectors) plus `_partition`.
- `cz_postings` (space, field, term, doc, tf, dl) and `cz_doclen` (space, field, doc, len): the
  inverted index shared by both, where space is `e:<index>` or `c:<collection>`. It is ours rather
  than the `fts` extension's because `fts` builds a static index (every write would rebuild it);
  here a write updates the postings of the documents it touched, in the same transaction, so it is
  searchable as soon as the call returns. bench/search.py compares the two.
- `cz_meta`: key/value (schema version, backfill checkpoints, the ping row).

Every call holds one lock and runs in one transaction. Vectors are searched exactly (cosine over
the FLOAT[n] column) unless the collection has an HNSW index (built on request or at
`hnsw_min_rows`); then the index serves unfiltered queries (filtered ones stay exact). HNSW
persistence is experimental in vss, so after a write to a collection that has one the store
checkpoints, leaving no WAL for vss to replay.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import re
import secrets
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np

from providers.errors import ErrorCode, ProviderError
from providers.registry import ProviderURL
from providers.search import SEARCH
from providers.search.analysis import analyze, term_frequencies
from providers.search.contract import (
    AND,
    BEST_FIELDS,
    DSL,
    FIELD_CREATOR_ID,
    FIELD_ID,
    FIELD_TEXT_CONTENT,
    OR,
    BulkAction,
    BulkIndexer,
    BulkIndexerItem,
    CreateRequest,
    Document,
    DocumentSearch,
    Field,
    FieldType,
    Hit,
    Op,
    PropertyType,
    Query,
    QueryType,
    Request,
    Response,
    RetrievalManager,
    RetrieveMode,
    RetrieveOptions,
    SearchProvider,
    SearchStore,
    SearchStoreType,
    dense_vector_name,
)

T = TypeVar("T")

SCHEMA_VERSION = "1"
DEFAULT_PARTITION = "_default"
_PARAMS = ("bm25_k1", "bm25_b", "hnsw_min_rows", "hnsw_m", "hnsw_ef_construction", "hnsw_ef_search", "threads")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_INDEX_NAME_RE = re.compile(r"[^\x00-\x1f\"\\]{1,255}")
_BULK_BATCH = 1000
_INT64 = (-(2**63), 2**63 - 1)


# --- small helpers -------------------------------------------------------------------------------

def _lit(value: str) -> str:
    """A SQL string literal. DuckDB strings have no backslash escapes, so doubling quotes suffices."""
    return "'" + value.replace("'", "''") + "'"


def _num(value: int | float) -> str:
    if isinstance(value, bool):
        raise TypeError("bool is not a number here")
    if isinstance(value, float) and not math.isfinite(value):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"not a finite number: {value!r}")
    # A bare decimal literal would be a DECIMAL in DuckDB and overflow in products; say DOUBLE.
    return repr(int(value)) if isinstance(value, int) else f"{float(value)!r}::DOUBLE"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json_path(key: str) -> str:
    if not isinstance(key, str) or not _INDEX_NAME_RE.fullmatch(key):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                            f"field name {key!r} must be 1-255 characters without quotes, backslashes or control "
                            "characters")
    return _lit(f'$."{key}"')


def _vector_literal(vec: Sequence[float], dim: int) -> str:
    arr = np.asarray(vec, dtype=np.float32)
    if arr.ndim != 1 or arr.shape[0] != dim:
        raise _invalid(f"vector has {arr.shape} values; the field has {dim} dimensions")
    if not np.all(np.isfinite(arr)):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, "vector contains NaN or infinity")
    # Inlined rather than bound: DuckDB's Python binding converts a list parameter element by
    # element, which costs more than the whole vector search on small collections.
    return "[" + ",".join(repr(float(x)) for x in arr.tolist()) + f"]::FLOAT[{dim}]"


def _str_array(values: Sequence[str]) -> np.ndarray:
    """Strings for a registered relation. A fixed-width unicode array, not an object array: for
    object arrays DuckDB's scanner tries `import pandas` once per element, which dominates bulk
    writes when pandas is absent."""
    return np.array(list(values), dtype=str) if values else np.array([], dtype="<U1")


def _invalid(message: str) -> ProviderError:
    return ProviderError(ErrorCode.INVALID_ARGUMENT, message)


def _parse_json_body(body: Mapping[str, Any] | str | bytes | None, what: str) -> dict[str, Any]:
    if body is None:
        raise _invalid(f"{what}: a document body is required")
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError as err:
            raise _invalid(f"{what}: body is not JSON: {err}") from err
    if not isinstance(body, Mapping):
        raise _invalid(f"{what}: a document must be a JSON object, got {type(body).__name__}")
    return dict(body)


def _extension_path(name: str) -> str | None:
    """The extension file a `duckdb-extension-<name>` wheel ships for this duckdb version."""
    try:
        module = __import__(f"duckdb_extension_{name}")
    except ImportError:
        return None
    base = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    return str(base) if base.exists() else None


# --- the store -------------------------------------------------------------------------------------

class DuckDBSearch(SearchProvider):
    def __init__(self, path: str, *, bm25_k1: float = 1.2, bm25_b: float = 0.75, hnsw_min_rows: int = 0,
                 hnsw_m: int = 32, hnsw_ef_construction: int = 200, hnsw_ef_search: int = 2000,
                 threads: int | None = None, uri: str = "") -> None:
        self.path = path
        self.uri = uri
        self.k1 = float(bm25_k1)
        self.b = float(bm25_b)
        if self.k1 < 0 or not 0 <= self.b <= 1:
            raise _invalid(f"bm25_k1 must be >= 0 and bm25_b in [0, 1], got {bm25_k1}, {bm25_b}")
        self.hnsw_min_rows = int(hnsw_min_rows)
        self.hnsw_m = int(hnsw_m)
        self.hnsw_ef_construction = int(hnsw_ef_construction)
        self.hnsw_ef_search = int(hnsw_ef_search)
        self._lock = threading.RLock()
        self.cluster_min_rows = 50_000  # unordered postings tolerated before re-clustering
        self._closed = False
        self._tx_depth = 0
        self._tmp = itertools.count()
        config: dict[str, Any] = {}
        if threads:
            config["threads"] = int(threads)
        target = ":memory:" if path == ":memory:" else path
        if target != ":memory:":
            parent = Path(target).resolve().parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise ProviderError(ErrorCode.UNAVAILABLE,
                                    f"cannot create the search data directory {str(parent)!r}: {err.strerror}") from err
            if not os.access(parent, os.W_OK):
                raise ProviderError(ErrorCode.PERMISSION_DENIED,
                                    f"the search data directory {str(parent)!r} is not writable")
        try:
            self._db = duckdb.connect(target, config=config)
        except duckdb.Error as err:
            msg = str(err)
            if "lock" in msg.lower():
                raise ProviderError(ErrorCode.UNAVAILABLE,
                                    f"the search store {target!r} is in use by another process; stop it "
                                    "(cozelite serve) and retry") from err
            raise ProviderError(ErrorCode.UNAVAILABLE, f"cannot open the search store {target!r}: {msg}") from err
        self._db.execute("SET enable_progress_bar = false")
        self.vss = self._load_vss()
        self._init_schema()
        self.es: DocumentSearch = _DocumentSearch(self)
        self.searchstore: RetrievalManager = _Manager(self)

    def __repr__(self) -> str:
        return f"DuckDBSearch({self.path!r})"

    # --- plumbing

    def _load_vss(self) -> bool:
        path = _extension_path("vss")
        if path is None:
            return False
        try:
            self._db.execute(f"LOAD {_lit(path)}")
            self._db.execute("SET hnsw_enable_experimental_persistence = true")
            self._db.execute(f"SET hnsw_ef_search = {int(self.hnsw_ef_search)}")
        except duckdb.Error:
            return False
        return True

    def _init_schema(self) -> None:
        with self._tx():
            self._x("CREATE TABLE IF NOT EXISTS cz_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            self._x("CREATE TABLE IF NOT EXISTS cz_es_index (name VARCHAR PRIMARY KEY, properties VARCHAR NOT NULL)")
            self._x("CREATE TABLE IF NOT EXISTS cz_es_doc (idx VARCHAR NOT NULL, id VARCHAR NOT NULL, "
                    "seq BIGINT NOT NULL, source VARCHAR NOT NULL)")
            self._x("CREATE SEQUENCE IF NOT EXISTS cz_seq")
            self._x("CREATE TABLE IF NOT EXISTS cz_collection (name VARCHAR PRIMARY KEY, tbl VARCHAR NOT NULL, "
                    "fields VARCHAR NOT NULL, meta VARCHAR NOT NULL)")
            self._x("CREATE SEQUENCE IF NOT EXISTS cz_collection_seq")
            self._x("CREATE TABLE IF NOT EXISTS cz_postings (space VARCHAR NOT NULL, field VARCHAR NOT NULL, "
                    "term VARCHAR NOT NULL, doc VARCHAR NOT NULL, tf INTEGER NOT NULL, dl INTEGER NOT NULL)")
            self._x("CREATE TABLE IF NOT EXISTS cz_doclen (space VARCHAR NOT NULL, field VARCHAR NOT NULL, "
                    "doc VARCHAR NOT NULL, len INTEGER NOT NULL)")
            row = self._x("SELECT value FROM cz_meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                self._x("INSERT INTO cz_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
            elif row[0] != SCHEMA_VERSION:
                raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                    f"search store {self.path!r} has schema version {row[0]}; this cozelite "
                                    f"understands {SCHEMA_VERSION}: re-create it and run `cozelite search backfill`")

    def _x(self, sql: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        return self._db.execute(sql, params) if params is not None else self._db.execute(sql)

    def _run(self, what: str, fn: Callable[[], T]) -> T:
        with self._lock:
            if self._closed:
                raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"{what}: the search store is closed")
            try:
                return fn()
            except ProviderError:
                raise
            except duckdb.Error as err:
                raise ProviderError(ErrorCode.INTERNAL, f"{what}: {err}") from err

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        if self._tx_depth:
            self._tx_depth += 1
            try:
                yield
            finally:
                self._tx_depth -= 1
            return
        self._db.execute("BEGIN TRANSACTION")
        self._tx_depth = 1
        try:
            yield
        except BaseException:
            self._tx_depth = 0
            with contextlib.suppress(duckdb.Error):
                self._db.execute("ROLLBACK")
            raise
        self._tx_depth = 0
        self._db.execute("COMMIT")

    @contextlib.contextmanager
    def _registered(self, **columns: np.ndarray) -> Iterator[str]:
        """Expose numpy columns as a temporary relation (the fast bulk path into DuckDB)."""
        name = f"cz_tmp_{next(self._tmp)}"
        self._db.register(name, columns)
        try:
            yield name
        finally:
            self._db.unregister(name)

    # --- the inverted index

    def _delete_postings(self, space: str, docs: Sequence[str]) -> None:
        if not docs:
            return
        with self._registered(doc=_str_array(docs)) as rel:
            self._x(f"DELETE FROM cz_postings WHERE space = ? AND doc IN (SELECT doc FROM {rel})", [space])
            self._x(f"DELETE FROM cz_doclen WHERE space = ? AND doc IN (SELECT doc FROM {rel})", [space])

    def _add_postings(self, space: str, items: Sequence[tuple[str, str, str]]) -> None:
        """Index (doc, field, text) triples; the caller removed the documents' old postings."""
        p_field: list[str] = []
        p_term: list[str] = []
        p_doc: list[str] = []
        p_tf: list[int] = []
        p_dl: list[int] = []
        l_field: list[str] = []
        l_doc: list[str] = []
        l_len: list[int] = []
        for doc, field, text in items:
            counts, length = term_frequencies(text)
            if length == 0:
                continue  # as in Lucene, a field without terms does not count toward N or avgdl
            l_field.append(field)
            l_doc.append(doc)
            l_len.append(length)
            for term, tf in counts.items():
                p_field.append(field)
                p_term.append(term)
                p_doc.append(doc)
                p_tf.append(tf)
                p_dl.append(length)
        if not l_doc:
            return
        with self._registered(field=_str_array(p_field), term=_str_array(p_term), doc=_str_array(p_doc),
                              tf=np.asarray(p_tf, dtype=np.int32), dl=np.asarray(p_dl, dtype=np.int32)) as rel:
            self._x(f"INSERT INTO cz_postings SELECT ?, field, term, doc, tf, dl FROM {rel}", [space])
        with self._registered(field=_str_array(l_field), doc=_str_array(l_doc),
                              len=np.asarray(l_len, dtype=np.int32)) as rel:
            self._x(f"INSERT INTO cz_doclen SELECT ?, field, doc, len FROM {rel}", [space])
        self._maybe_cluster_postings()

    def _maybe_cluster_postings(self) -> None:
        """Keep the postings mostly in (space, field, term) order so that a term lookup reads a
        few row groups (zone maps) instead of the whole table. New postings append unordered; once
        the unordered tail passes a quarter of the table, rewrite it in order (amortised O(log n)
        rewrites as it grows). Runs inside the caller's transaction."""
        total = self._x("SELECT count(*) FROM cz_postings").fetchone()[0]
        row = self._x("SELECT value FROM cz_meta WHERE key = 'postings_clustered'").fetchone()
        clustered = int(row[0]) if row else 0
        if total - clustered <= max(self.cluster_min_rows, clustered // 4):
            return
        self._x("CREATE OR REPLACE TABLE cz_postings AS SELECT * FROM cz_postings ORDER BY space, field, term")
        self._x("INSERT OR REPLACE INTO cz_meta VALUES ('postings_clustered', ?)", [str(total)])

    def _drop_space(self, space: str) -> None:
        self._x("DELETE FROM cz_postings WHERE space = ?", [space])
        self._x("DELETE FROM cz_doclen WHERE space = ?", [space])

    def bm25_sql(self, space: str, fields: Sequence[str], text: str, operator: str = OR) -> str | None:
        """SQL yielding (doc, score) for documents matching `text` in any of `fields`, scored by BM25
        (the best field's score, as ES best_fields). None when nothing can match."""
        if operator not in (OR, AND):
            raise _invalid(f"operator must be {OR!r} or {AND!r}, got {operator!r}")
        terms = Counter(analyze(text))
        if not terms or not fields:
            return None
        term_list = ", ".join(_lit(t) for t in terms)
        field_list = ", ".join(_lit(f) for f in fields)
        stats = {f: (n, total) for f, n, total in self._x(
            f"SELECT field, count(*), sum(len) FROM cz_doclen WHERE space = ? AND field IN ({field_list}) "
            "GROUP BY field", [space]).fetchall()}
        dfs = self._x(f"SELECT field, term, count(*) FROM cz_postings WHERE space = ? AND field IN ({field_list}) "
                      f"AND term IN ({term_list}) GROUP BY field, term", [space]).fetchall()
        weights = []
        for field, term, df in dfs:
            n, total = stats[field]
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
            weights.append(f"({_lit(field)}, {_lit(term)}, {_num(terms[term] * idf)}, {_num(total / n)})")
        if not weights:
            return None
        need = len(terms) if operator == AND else 1
        k1, b = _num(self.k1), _num(self.b)
        return (
            "SELECT doc, max(s) AS score FROM ("
            " SELECT p.doc, p.field,"
            f" sum(w.weight * p.tf * ({k1} + 1) / (p.tf + {k1} * (1 - {b} + {b} * p.dl / w.avgdl)))"
            " AS s FROM cz_postings p"
            f" JOIN (VALUES {', '.join(weights)}) AS w(field, term, weight, avgdl)"
            "  ON p.field = w.field AND p.term = w.term"
            f" WHERE p.space = {_lit(space)} AND p.field IN ({field_list}) AND p.term IN ({term_list})"
            f" GROUP BY p.doc, p.field HAVING count(*) >= {need}"
            ") GROUP BY doc")

    # --- SearchProvider

    def ping(self) -> None:
        token = secrets.token_hex(8)

        def work() -> None:
            with self._tx():
                self._x("INSERT OR REPLACE INTO cz_meta VALUES ('__ping__', ?)", [token])
            row = self._x("SELECT value FROM cz_meta WHERE key = '__ping__'").fetchone()
            if row is None or row[0] != token:
                raise ProviderError(ErrorCode.UNAVAILABLE, f"search store {self.path!r}: ping read back {row!r}")

        try:
            self._run("ping", work)
        except ProviderError as err:
            if err.code is ErrorCode.UNAVAILABLE:
                raise
            raise ProviderError(ErrorCode.UNAVAILABLE,
                                f"search store {self.path!r} is not usable: {err.message}") from err

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            with contextlib.suppress(duckdb.Error):
                self._db.close()

    def backup(self, dest_dir: str | os.PathLike[str]) -> None:
        dest = Path(dest_dir)
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                f"backup destination {str(dest)!r} is not an empty directory")
        if self.path == ":memory:":
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, "an in-memory search store cannot be backed up")

        def work() -> None:
            dest.mkdir(parents=True, exist_ok=True)
            # With the lock held nothing writes; after CHECKPOINT the file alone is the whole store.
            self._x("CHECKPOINT")
            shutil.copy2(self.path, dest / Path(self.path).name)

        self._run("backup", work)

    # --- meta (backfill checkpoints)

    def get_meta(self, key: str) -> str | None:
        def work() -> str | None:
            row = self._x("SELECT value FROM cz_meta WHERE key = ?", [key]).fetchone()
            return None if row is None else row[0]

        return self._run("get_meta", work)

    def set_meta(self, key: str, value: str | None) -> None:
        def work() -> None:
            with self._tx():
                if value is None:
                    self._x("DELETE FROM cz_meta WHERE key = ?", [key])
                else:
                    self._x("INSERT OR REPLACE INTO cz_meta VALUES (?, ?)", [key, value])

        self._run("set_meta", work)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group calls (documents and a checkpoint, say) into one atomic transaction."""
        with self._lock, self._tx():
            yield


# --- document search ---------------------------------------------------------------------------------

class _DocumentSearch(DocumentSearch):
    def __init__(self, store: DuckDBSearch) -> None:
        self.s = store

    # indices

    def _props(self, index: str) -> dict[str, str] | None:
        row = self.s._x("SELECT properties FROM cz_es_index WHERE name = ?", [index]).fetchone()
        return None if row is None else json.loads(row[0])

    def _need(self, index: str) -> dict[str, str]:
        props = self._props(index)
        if props is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"index {index!r} does not exist")
        return props

    @staticmethod
    def _check_index_name(index: str) -> None:
        if not isinstance(index, str) or not _INDEX_NAME_RE.fullmatch(index):
            raise _invalid(f"bad index name {index!r}")

    def exists(self, index: str) -> bool:
        return self.s._run("exists", lambda: self._props(index) is not None)

    def create_index(self, index: str, properties: Mapping[str, Any]) -> None:
        self._check_index_name(index)
        props: dict[str, str] = {}
        for name, spec in (properties or {}).items():
            _json_path(name)
            kind = spec.get("type") if isinstance(spec, Mapping) else spec
            try:
                props[name] = PropertyType(kind).value
            except ValueError as err:
                raise _invalid(f"property {name!r}: unsupported type {kind!r}; "
                               f"supported: {', '.join(t.value for t in PropertyType)}") from err

        def work() -> None:
            with self.s._tx():
                if self._props(index) is not None:
                    raise ProviderError(ErrorCode.ALREADY_EXISTS, f"index {index!r} already exists")
                self.s._x("INSERT INTO cz_es_index VALUES (?, ?)", [index, json.dumps(props)])

        self.s._run("create_index", work)

    def delete_index(self, index: str) -> None:
        def work() -> None:
            with self.s._tx():
                self.s._x("DELETE FROM cz_es_index WHERE name = ?", [index])
                self.s._x("DELETE FROM cz_es_doc WHERE idx = ?", [index])
                self.s._drop_space(f"e:{index}")

        self.s._run("delete_index", work)

    # documents

    @staticmethod
    def _validate(props: Mapping[str, str], doc: dict[str, Any], where: str) -> None:
        for name, value in doc.items():
            _json_path(name)
            kind = props.get(name)
            if value is None or kind is None or kind == PropertyType.TEXT.value:
                continue
            if isinstance(value, str):
                try:
                    value = int(value)  # ES coerces numeric strings in numeric fields
                except ValueError as err:
                    raise _invalid(f"{where}: field {name!r} is {kind}, got {value!r}") from err
                doc[name] = value
            if isinstance(value, bool) or not isinstance(value, int):
                raise _invalid(f"{where}: field {name!r} is {kind}, got {value!r}")
            lo, hi = (0, 2**64 - 1) if kind == PropertyType.UNSIGNED_LONG.value else _INT64
            if not lo <= value <= hi:
                raise _invalid(f"{where}: field {name!r} ({kind}) out of range: {value}")

    def _write_docs(self, index: str, docs: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Replace documents (id, source) of an index, postings included. Inside a transaction."""
        if not docs:
            return
        ids = [i for i, _ in docs]
        space = f"e:{index}"
        with self.s._registered(id=_str_array(ids)) as rel:
            # Only documents that existed have postings to remove; skipping the rest spares new
            # documents a scan of the postings table.
            existing = [r[0] for r in self.s._x(
                f"DELETE FROM cz_es_doc WHERE idx = ? AND id IN (SELECT id FROM {rel}) RETURNING id",
                [index]).fetchall()]
        self.s._delete_postings(space, existing)
        sources = [json.dumps(src, ensure_ascii=False, separators=(",", ":")) for _, src in docs]
        with self.s._registered(id=_str_array(ids), source=_str_array(sources)) as rel:
            self.s._x(f"INSERT INTO cz_es_doc SELECT ?, id, nextval('cz_seq'), source FROM {rel}", [index])
        self.s._add_postings(space, [(doc_id, name, value) for doc_id, src in docs
                                     for name, value in src.items() if isinstance(value, str)])

    def _ensure_index(self, index: str) -> dict[str, str]:
        props = self._props(index)
        if props is None:
            self._check_index_name(index)
            self.s._x("INSERT INTO cz_es_index VALUES (?, '{}')", [index])
            props = {}
        return props

    def _get_source(self, index: str, id: str) -> dict[str, Any] | None:
        row = self.s._x("SELECT source FROM cz_es_doc WHERE idx = ? AND id = ?", [index, id]).fetchone()
        return None if row is None else json.loads(row[0])

    @staticmethod
    def _check_id(id: Any) -> str:
        if not isinstance(id, str) or not id or len(id) > 512:
            raise _invalid(f"document id must be a non-empty string of at most 512 characters, got {id!r}")
        return id

    def create(self, index: str, id: str, document: Mapping[str, Any]) -> None:
        self._check_id(id)
        doc = _parse_json_body(document, f"create {index}/{id}")

        def work() -> None:
            with self.s._tx():
                props = self._ensure_index(index)
                self._validate(props, doc, f"create {index}/{id}")
                self._write_docs(index, [(id, doc)])

        self.s._run("create", work)

    def update(self, index: str, id: str, document: Mapping[str, Any]) -> None:
        self._check_id(id)
        patch = _parse_json_body(document, f"update {index}/{id}")

        def work() -> None:
            with self.s._tx():
                props = self._need(index)
                current = self._get_source(index, id)
                if current is None:
                    raise ProviderError(ErrorCode.NOT_FOUND, f"document {id!r} not found in index {index!r}")
                current.update(patch)
                self._validate(props, current, f"update {index}/{id}")
                self._write_docs(index, [(id, current)])

        self.s._run("update", work)

    def delete(self, index: str, id: str) -> None:
        def work() -> None:
            with self.s._tx():
                self._need(index)
                if self._get_source(index, id) is None:
                    raise ProviderError(ErrorCode.NOT_FOUND, f"document {id!r} not found in index {index!r}")
                self.s._x("DELETE FROM cz_es_doc WHERE idx = ? AND id = ?", [index, id])
                self.s._delete_postings(f"e:{index}", [id])

        self.s._run("delete", work)

    def delete_by_query(self, index: str, query: Query) -> int:
        def work() -> int:
            with self.s._tx():
                props = self._need(index)
                sql = _QueryCompiler(self.s, index, props).compile(query)
                ids = [r[0] for r in self.s._x(f"SELECT doc FROM ({sql})").fetchall()]
                if ids:
                    with self.s._registered(id=_str_array(ids)) as rel:
                        self.s._x(f"DELETE FROM cz_es_doc WHERE idx = ? AND id IN (SELECT id FROM {rel})", [index])
                    self.s._delete_postings(f"e:{index}", ids)
                return len(ids)

        return self.s._run("delete_by_query", work)

    def bulk(self, index: str, items: Sequence[BulkIndexerItem]) -> list[tuple[BulkIndexerItem, ProviderError]]:
        """Apply items in one transaction; returns the failed ones with their errors (ES bulk
        semantics: an item's failure does not fail the others)."""
        failures: list[tuple[BulkIndexerItem, ProviderError]] = []

        def work() -> None:
            with self.s._tx():
                by_index: dict[str, list[BulkIndexerItem]] = {}
                for item in items:
                    by_index.setdefault(item.index or index, []).append(item)
                for idx, group in by_index.items():
                    self._bulk_one(idx, group, failures)

        self.s._run("bulk", work)
        return failures

    def _bulk_one(self, index: str, items: Sequence[BulkIndexerItem],
                  failures: list[tuple[BulkIndexerItem, ProviderError]]) -> None:
        props = self._ensure_index(index)
        ids = list({item.document_id for item in items if isinstance(item.document_id, str)})
        current: dict[str, dict[str, Any]] = {}
        if ids:
            with self.s._registered(id=_str_array(ids)) as rel:
                for doc_id, src in self.s._x(
                        f"SELECT id, source FROM cz_es_doc WHERE idx = ? AND id IN (SELECT id FROM {rel})",
                        [index]).fetchall():
                    current[doc_id] = json.loads(src)
        # Apply in order against an in-memory view, then write each touched id once.
        state: dict[str, dict[str, Any] | None] = dict(current)
        for item in items:
            try:
                doc_id = self._check_id(item.document_id)
                action = BulkAction(item.action)
                where = f"bulk {action.value} {index}/{doc_id}"
                if action is BulkAction.DELETE:
                    if state.get(doc_id) is None:
                        raise ProviderError(ErrorCode.NOT_FOUND, f"{where}: document not found")
                    state[doc_id] = None
                    continue
                body = _parse_json_body(item.body, where)
                if action is BulkAction.UPDATE:
                    existing = state.get(doc_id)
                    if existing is None:
                        raise ProviderError(ErrorCode.NOT_FOUND, f"{where}: document not found")
                    body = {**existing, **(body.get("doc", body) if isinstance(body.get("doc"), Mapping) else body)}
                elif action is BulkAction.CREATE and state.get(doc_id) is not None:
                    raise ProviderError(ErrorCode.ALREADY_EXISTS, f"{where}: document already exists")
                self._validate(props, body, where)
                state[doc_id] = body
            except ValueError as err:
                failures.append((item, _invalid(f"bulk item {item.action!r} {item.document_id!r}: {err}")))
            except ProviderError as err:
                failures.append((item, err))
        changed = [i for i, v in state.items() if current.get(i) is not v]
        deleted = [i for i in changed if state[i] is None]
        if deleted:
            with self.s._registered(id=_str_array(deleted)) as rel:
                self.s._x(f"DELETE FROM cz_es_doc WHERE idx = ? AND id IN (SELECT id FROM {rel})", [index])
            self.s._delete_postings(f"e:{index}", deleted)
        self._write_docs(index, [(i, state[i]) for i in changed if state[i] is not None])  # type: ignore[misc]

    def new_bulk_indexer(self, index: str) -> BulkIndexer:
        self._check_index_name(index)
        return _BulkIndexer(self, index)

    # search

    def search(self, index: str, req: Request) -> Response:
        req = req or Request()
        size = 10 if req.size is None else req.size
        offset = 0 if req.from_ is None else req.from_
        if size < 0 or offset < 0:
            raise _invalid(f"size and from must be >= 0, got {size}, {offset}")

        def work() -> Response:
            props = self._need(index)
            compiler = _QueryCompiler(self.s, index, props)
            q = compiler.compile(req.query)
            where = [] if req.min_score is None else [f"q.score >= {_num(req.min_score)}"]
            order, keys = [], []
            for i, sf in enumerate(req.sort):
                path = _json_path(sf.field)
                direction = "ASC" if sf.asc else "DESC"
                if sf.field == "_score":
                    order.append(f"q.score {direction}")
                    keys.append("q.score")
                    continue
                numeric = "HUGEINT" if props.get(sf.field) in ("long", "unsigned_long") else "DOUBLE"
                num_expr = f"TRY_CAST(json_extract_string(d.source, {path}) AS {numeric})"
                str_expr = f"json_extract_string(d.source, {path})"
                order += [f"{num_expr} {direction} NULLS LAST", f"{str_expr} {direction} NULLS LAST"]
                keys += [f"{num_expr} AS k{i}n", f"{str_expr} AS k{i}s"]
            if not req.sort:
                order.append("q.score DESC")
            order.append("d.seq ASC")
            use_after = req.from_ is None and bool(req.search_after)
            if use_after and not req.sort:
                raise _invalid("search_after needs a sort")
            sql = (f"SELECT d.id, q.score, d.source, count(*) OVER () AS total, max(q.score) OVER () AS max_score"
                   f"{''.join(', ' + k for k in keys if ' AS ' in k)} "
                   f"FROM ({q}) q JOIN cz_es_doc d ON d.idx = {_lit(index)} AND d.id = q.doc "
                   f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {', '.join(order)}")
            if not use_after:
                sql += f" LIMIT {int(size)} OFFSET {int(offset)}"
            rows = self.s._x(sql).fetchall()
            total = rows[0][3] if rows else self._count(q, where, index)
            max_score = rows[0][4] if rows else None
            hits = []
            for row in rows:
                sort_values = _sort_values(req.sort, row)
                hits.append(Hit(id=row[0], score=None if req.sort else float(row[1]),
                                source=json.loads(row[2]), sort=sort_values))
            if use_after:
                after = list(req.search_after)
                hits = [h for h in hits if _after(req.sort, h.sort, after)][:size]
            return Response(hits=hits, total=int(total),
                            max_score=None if req.sort or max_score is None else float(max_score))

        return self.s._run("search", work)

    def _count(self, q: str, where: list[str], index: str) -> int:
        cond = " AND ".join(where) if where else "true"
        return int(self.s._x(f"SELECT count(*) FROM ({q}) q WHERE {cond}").fetchone()[0])


def _sort_values(sort: Sequence[Any], row: tuple[Any, ...]) -> list[Any]:
    values: list[Any] = []
    col = 5
    for sf in sort:
        if sf.field == "_score":
            values.append(float(row[1]))
            continue
        num, text = row[col], row[col + 1]
        col += 2
        values.append(int(num) if num is not None and float(num).is_integer() and abs(num) < 2**64 else
                      (float(num) if num is not None else text))
    return values


def _after(sort: Sequence[Any], values: list[Any], after: list[Any]) -> bool:
    """Whether a hit's sort values come strictly after `after` in the sort order (missing last)."""
    for sf, v, a in zip(sort, values, after, strict=False):
        if v == a:
            continue
        if v is None:
            return True
        if a is None:
            return False
        try:
            greater = v > a
        except TypeError:
            greater = str(v) > str(a)
        return greater if sf.asc else not greater
    return False


class _BulkIndexer(BulkIndexer):
    def __init__(self, es: _DocumentSearch, index: str) -> None:
        self.es = es
        self.index = index
        self.pending: list[BulkIndexerItem] = []
        self.failures: list[tuple[BulkIndexerItem, ProviderError]] = []
        self.closed = False

    def add(self, item: BulkIndexerItem) -> None:
        if self.closed:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, "bulk indexer is closed")
        self.pending.append(item)
        if len(self.pending) >= _BULK_BATCH:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if batch:
            self.failures += self.es.bulk(self.index, batch)

    def close(self) -> None:
        if self.closed:
            return
        self.flush()
        self.closed = True
        if self.failures:
            first = self.failures[0][1]
            detail = "; ".join(f"{it.action} {it.document_id}: {err.message}" for it, err in self.failures[:5])
            raise ProviderError(first.code, f"{len(self.failures)} bulk item(s) failed: {detail}")


class _QueryCompiler:
    """Turns a Query into SQL yielding one (doc, score) row per matching document."""

    def __init__(self, store: DuckDBSearch, index: str, props: Mapping[str, str]) -> None:
        self.s = store
        self.index = index
        self.props = props
        self.space = f"e:{index}"
        self.docs = f"SELECT id AS doc FROM cz_es_doc WHERE idx = {_lit(index)}"

    def compile(self, q: Query | None) -> str:
        if q is None:
            return f"SELECT id AS doc, 1.0::DOUBLE AS score FROM cz_es_doc WHERE idx = {_lit(self.index)}"
        if q.bool is not None:
            return self._bool(q)
        if q.type is None:
            raise _invalid("a query needs a type or a bool clause")
        kind = QueryType(q.type)
        if kind is QueryType.MULTI_MATCH:
            mm = q.multi_match
            if mm is None:
                raise _invalid("multi_match query without its MultiMatchQuery")
            if mm.type not in (BEST_FIELDS, "", None):
                raise ProviderError(ErrorCode.UNIMPLEMENTED, f"multi_match type {mm.type!r}; only best_fields")
            return self._text(list(mm.fields), mm.query, mm.operator or OR)
        if q.kv is None:
            raise _invalid(f"{kind.value} query without a key")
        key = q.kv.key
        value = q.kv.value
        if kind is QueryType.MATCH:
            if self.props.get(key) in (PropertyType.LONG.value, PropertyType.UNSIGNED_LONG.value):
                return self._leaf(self._equal(key, value))
            return self._text([key], "" if value is None else str(value), OR)
        if kind is QueryType.EQUAL:
            return self._leaf(self._equal(key, value))
        if kind is QueryType.IN:
            if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, set, frozenset)):
                raise _invalid(f"in query on {key!r} needs a list of values, got {value!r}")
            preds = [self._equal(key, v) for v in value]
            return self._leaf("(" + " OR ".join(preds) + ")" if preds else "false")
        if kind is QueryType.CONTAINS:
            if value is None:
                raise _invalid(f"contains query on {key!r} needs a value")
            needle = str(value).lower()
            return self._leaf(f"contains(lower(json_extract_string(source, {_json_path(key)})), {_lit(needle)})")
        if kind is QueryType.NOT_EXISTS:
            path = _json_path(key)
            value_sql = f"json_extract(source, {path})"
            return self._leaf(f"({value_sql} IS NULL OR json_type({value_sql}) = 'NULL')")
        raise ProviderError(ErrorCode.UNIMPLEMENTED, f"query type {kind.value!r}")

    def _leaf(self, predicate: str) -> str:
        return f"SELECT id AS doc, 1.0::DOUBLE AS score FROM cz_es_doc WHERE idx = {_lit(self.index)} AND {predicate}"

    def _equal(self, key: str, value: Any) -> str:
        path = _json_path(key)
        text = f"json_extract_string(source, {path})"
        if value is None:
            raise _invalid(f"equal query on {key!r} needs a value (use not_exists for missing)")
        if isinstance(value, bool):
            return f"({text} = {_lit('true' if value else 'false')})"
        if isinstance(value, int):
            return f"(TRY_CAST({text} AS HUGEINT) = {int(value)})"
        if isinstance(value, float):
            return f"(TRY_CAST({text} AS DOUBLE) = {_num(value)})"
        if isinstance(value, str):
            return f"({text} = {_lit(value)})"
        raise _invalid(f"equal query on {key!r}: unsupported value type {type(value).__name__}")

    def _text(self, fields: list[str], text: str, operator: str) -> str:
        for f in fields:
            _json_path(f)
        sql = self.s.bm25_sql(self.space, fields, text, operator)
        return sql if sql is not None else "SELECT NULL::VARCHAR AS doc, NULL::DOUBLE AS score WHERE false"

    def _bool(self, q: Query) -> str:
        bq = q.bool
        assert bq is not None
        clauses = [("must", c) for c in bq.must] + [("filter", c) for c in bq.filter] + \
                  [("must_not", c) for c in bq.must_not] + [("should", c) for c in bq.should]
        msm = bq.minimum_should_match
        if msm is None:
            msm = 1 if bq.should and not bq.must and not bq.filter else 0
        joins, conds, score, should_hits = [], [], ["0.0"], []
        for i, (kind, clause) in enumerate(clauses):
            alias = f"c{i}"
            joins.append(f"LEFT JOIN ({self.compile(clause)}) {alias} ON {alias}.doc = u.doc")
            if kind in ("must", "filter"):
                conds.append(f"{alias}.doc IS NOT NULL")
            elif kind == "must_not":
                conds.append(f"{alias}.doc IS NULL")
            if kind in ("must", "should"):
                score.append(f"coalesce({alias}.score, 0.0)")
            if kind == "should":
                should_hits.append(f"(CASE WHEN {alias}.doc IS NULL THEN 0 ELSE 1 END)")
        if msm > 0:
            conds.append(f"({' + '.join(should_hits) or '0'}) >= {int(msm)}")
        if not clauses:
            score = ["1.0"]  # an empty bool query is match_all
        return (f"SELECT u.doc, ({' + '.join(score)})::DOUBLE AS score FROM ({self.docs}) u {' '.join(joins)}"
                f"{' WHERE ' + ' AND '.join(conds) if conds else ''}")


# --- retrieval ---------------------------------------------------------------------------------------

class _Collection:
    def __init__(self, name: str, tbl: str, fields: list[Field]) -> None:
        self.name = name
        self.tbl = tbl
        self.fields = {f.name: f for f in fields}
        self.text_indexed = [f.name for f in fields if f.type is FieldType.TEXT and f.indexing]
        self.vectors: dict[str, int] = {}  # vector column -> dim
        self.scalars: list[str] = []
        for f in fields:
            if f.type is FieldType.DENSE_VECTOR:
                self.vectors[f.name] = int(f.dim or 0)
            elif f.type in (FieldType.INT64, FieldType.TEXT):
                self.scalars.append(f.name)
                if f.type is FieldType.TEXT and f.indexing and f.dim:
                    self.vectors[dense_vector_name(f.name)] = int(f.dim)
        self.space = f"c:{name}"

    def default_vector(self) -> str:
        for name in self.text_indexed:
            if dense_vector_name(name) in self.vectors:
                return dense_vector_name(name)
        if len(self.vectors) == 1:
            return next(iter(self.vectors))
        raise _invalid(f"collection {self.name!r} has {len(self.vectors)} vector fields; name one in vector_field")


def _fields_to_json(fields: Sequence[Field]) -> str:
    return json.dumps([{"name": f.name, "type": int(f.type), "description": f.description, "nullable": f.nullable,
                        "is_primary": f.is_primary, "indexing": f.indexing, "dim": f.dim} for f in fields])


def _fields_from_json(text: str) -> list[Field]:
    return [Field(name=d["name"], type=FieldType(d["type"]), description=d["description"], nullable=d["nullable"],
                  is_primary=d["is_primary"], indexing=d["indexing"], dim=d["dim"]) for d in json.loads(text)]


class _Manager(RetrievalManager):
    def __init__(self, store: DuckDBSearch) -> None:
        self.s = store

    def _load(self, name: str) -> _Collection | None:
        row = self.s._x("SELECT tbl, fields FROM cz_collection WHERE name = ?", [name]).fetchone()
        return None if row is None else _Collection(name, row[0], _fields_from_json(row[1]))

    @staticmethod
    def _normalize_fields(req: CreateRequest) -> list[Field]:
        fields = list(req.fields)
        names = [f.name for f in fields]
        for f in fields:
            if not isinstance(f.name, str) or not _NAME_RE.fullmatch(f.name) or f.name.startswith("_"):
                raise _invalid(f"field name {f.name!r} must match [A-Za-z][A-Za-z0-9_]* (at most 64 characters)")
            ftype = FieldType(f.type)
            if ftype in (FieldType.UNKNOWN, FieldType.SPARSE_VECTOR):
                raise ProviderError(ErrorCode.UNIMPLEMENTED, f"field {f.name!r}: type {ftype.name} is not supported")
            if ftype is FieldType.DENSE_VECTOR and not (isinstance(f.dim, int) and 0 < f.dim <= 16384):
                raise _invalid(f"dense vector field {f.name!r} needs dim between 1 and 16384")
            if f.dim is not None and not (isinstance(f.dim, int) and 0 < f.dim <= 16384):
                raise _invalid(f"field {f.name!r}: dim must be between 1 and 16384")
        if len(set(names)) != len(names):
            raise _invalid(f"duplicate field names in {names}")
        by_name = {f.name: f for f in fields}
        for f in fields:
            if f.type is FieldType.TEXT and f.indexing and f.dim and dense_vector_name(f.name) in by_name:
                raise _invalid(f"field {dense_vector_name(f.name)!r} collides with the vector of {f.name!r}")
        # Coze Studio writes id, creator_id and text_content to every collection.
        defaults = [Field(FIELD_ID, FieldType.INT64, is_primary=True),
                    Field(FIELD_CREATOR_ID, FieldType.INT64, nullable=True),
                    Field(FIELD_TEXT_CONTENT, FieldType.TEXT, nullable=True)]
        for d in defaults:
            if d.name not in by_name:
                fields.append(d)
        if by_name.get(FIELD_ID, defaults[0]).type is not FieldType.INT64:
            raise _invalid(f"field {FIELD_ID!r} must be INT64")
        return [Field(f.name, FieldType(f.type), f.description, f.nullable, f.name == FIELD_ID, f.indexing, f.dim)
                for f in fields]

    def create(self, req: CreateRequest) -> None:
        name = req.collection_name
        if not isinstance(name, str) or not _INDEX_NAME_RE.fullmatch(name):
            raise _invalid(f"bad collection name {name!r}")
        fields = self._normalize_fields(req)

        def work() -> None:
            with self.s._tx():
                existing = self.s._x("SELECT fields FROM cz_collection WHERE name = ?", [name]).fetchone()
                if existing is not None:
                    if _fields_from_json(existing[0]) == fields:
                        return
                    raise ProviderError(ErrorCode.ALREADY_EXISTS,
                                        f"collection {name!r} exists with other fields; drop it first")
                n = self.s._x("SELECT nextval('cz_collection_seq')").fetchone()[0]
                tbl = f"cz_col_{n}"
                coll = _Collection(name, tbl, fields)
                cols = ["_partition VARCHAR NOT NULL"]
                for f in fields:
                    if f.type is FieldType.INT64:
                        cols.append(f"{_ident(f.name)} BIGINT")
                    elif f.type is FieldType.TEXT:
                        cols.append(f"{_ident(f.name)} VARCHAR")
                for vec, dim in coll.vectors.items():
                    cols.append(f"{_ident(vec)} FLOAT[{dim}]")
                self.s._x(f"CREATE TABLE {tbl} ({', '.join(cols)})")
                self.s._x("INSERT INTO cz_collection VALUES (?, ?, ?, ?)",
                          [name, tbl, _fields_to_json(fields), json.dumps(dict(req.collection_meta or {}))])

        self.s._run("create collection", work)

    def drop(self, collection_name: str) -> None:
        def work() -> None:
            with self.s._tx():
                coll = self._load(collection_name)
                if coll is None:
                    return
                self.s._x(f"DROP TABLE IF EXISTS {coll.tbl}")
                self.s._x("DELETE FROM cz_collection WHERE name = ?", [collection_name])
                self.s._drop_space(coll.space)

        self.s._run("drop collection", work)

    def get_type(self) -> SearchStoreType:
        return SearchStoreType.VECTOR

    def get_search_store(self, collection_name: str) -> SearchStore:
        def work() -> SearchStore:
            coll = self._load(collection_name)
            if coll is None:
                raise ProviderError(ErrorCode.NOT_FOUND, f"collection {collection_name!r} does not exist")
            return _Store(self.s, collection_name)

        return self.s._run("get_search_store", work)

    def list_collections(self) -> list[str]:
        return self.s._run("list_collections", lambda: [r[0] for r in self.s._x(
            "SELECT name FROM cz_collection ORDER BY name").fetchall()])


class _Store(SearchStore):
    def __init__(self, store: DuckDBSearch, name: str) -> None:
        self.s = store
        self.name = name

    def _coll(self) -> _Collection:
        coll = _Manager(self.s)._load(self.name)
        if coll is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"collection {self.name!r} does not exist")
        return coll

    # indexing

    def store(self, docs: Sequence[Document], *, partition: str | None = None) -> list[str]:
        part = DEFAULT_PARTITION if partition is None else partition
        if not isinstance(part, str) or not part:
            raise _invalid(f"bad partition name {partition!r}")

        def work() -> list[str]:
            if not docs:
                return []
            with self.s._tx():
                coll = self._coll()
                ids = self._write(coll, docs, part)
            self._after_write(coll)
            return ids

        return self.s._run("store", work)

    def _write(self, coll: _Collection, docs: Sequence[Document], part: str) -> list[str]:
        rows: dict[str, list[Any]] = {name: [] for name in coll.scalars}
        vecs: dict[str, list[np.ndarray | None]] = {name: [] for name in coll.vectors}
        main_vec = next((dense_vector_name(n) for n in coll.text_indexed if dense_vector_name(n) in coll.vectors), None)
        seen: dict[int, int] = {}
        for pos, doc in enumerate(docs):
            try:
                doc_id = int(doc.id)
            except (TypeError, ValueError) as err:
                raise _invalid(f"document id {doc.id!r} is not an int64") from err
            if not _INT64[0] <= doc_id <= _INT64[1]:
                raise _invalid(f"document id {doc.id!r} is out of int64 range")
            if doc_id in seen:
                raise _invalid(f"document id {doc.id!r} appears twice in one store call")
            seen[doc_id] = pos
            values: dict[str, Any] = {FIELD_ID: doc_id, FIELD_CREATOR_ID: doc.creator_id,
                                      FIELD_TEXT_CONTENT: doc.content}
            vectors: dict[str, Any] = {}
            if doc.dense_vector is not None:
                if main_vec is None:
                    raise _invalid(f"collection {coll.name!r} has no indexed text field with a vector (dim)")
                vectors[main_vec] = doc.dense_vector
            for key, value in (doc.external or {}).items():
                if key in coll.vectors:
                    vectors[key] = value
                elif key in coll.fields and key not in (FIELD_ID,):
                    values[key] = value
                else:
                    raise _invalid(f"document {doc.id!r}: collection {coll.name!r} has no field {key!r}")
            for name in coll.scalars:
                f = coll.fields[name]
                v = values.get(name)
                if v is None:
                    if not f.nullable and name not in (FIELD_CREATOR_ID, FIELD_TEXT_CONTENT):
                        raise _invalid(f"document {doc.id!r}: field {name!r} is required")
                elif f.type is FieldType.INT64:
                    if isinstance(v, bool) or not isinstance(v, int) or not _INT64[0] <= v <= _INT64[1]:
                        raise _invalid(f"document {doc.id!r}: field {name!r} needs an int64, got {v!r}")
                elif not isinstance(v, str):
                    raise _invalid(f"document {doc.id!r}: field {name!r} needs a string, got {type(v).__name__}")
                rows[name].append(v)
            for name, dim in coll.vectors.items():
                v = vectors.get(name)
                if v is None:
                    raise _invalid(f"document {doc.id!r}: vector {name!r} ({dim} dimensions) is required; "
                                   "embeddings come from the caller")
                arr = np.asarray(v, dtype=np.float32)
                if arr.shape != (dim,) or not np.all(np.isfinite(arr)):
                    raise _invalid(f"document {doc.id!r}: vector {name!r} needs {dim} finite values, got shape "
                                   f"{arr.shape}")
                vecs[name].append(arr)
        n = len(docs)
        ids = rows[FIELD_ID]
        with self.s._registered(id=np.asarray(ids, dtype=np.int64)) as rel:
            existing = [r[0] for r in self.s._x(
                f"DELETE FROM {coll.tbl} WHERE {_ident(FIELD_ID)} IN (SELECT id FROM {rel}) "
                f"RETURNING {_ident(FIELD_ID)}").fetchall()]
        self.s._delete_postings(coll.space, [str(i) for i in existing])
        columns: dict[str, np.ndarray] = {"rn": np.arange(n, dtype=np.int64)}
        select = [_lit(part)]
        target = ["_partition"]
        for i, name in enumerate(coll.scalars):
            values = rows[name]
            # Nulls travel as a mask beside a typed array (see _str_array on object arrays).
            columns[f"n{i}"] = np.array([v is None for v in values], dtype=bool)
            if coll.fields[name].type is FieldType.INT64:
                columns[f"s{i}"] = np.array([0 if v is None else v for v in values], dtype=np.int64)
            else:
                columns[f"s{i}"] = _str_array(["" if v is None else v for v in values])
            select.append(f"CASE WHEN s.n{i} THEN NULL ELSE s.s{i} END")
            target.append(_ident(name))
        joins = []
        flats = []
        for j, (name, dim) in enumerate(coll.vectors.items()):
            mat = np.stack(vecs[name]) if vecs[name] else np.zeros((0, dim), dtype=np.float32)
            flats.append({"i": np.repeat(np.arange(n, dtype=np.int64), dim),
                          "j": np.tile(np.arange(dim, dtype=np.int32), n), "x": mat.ravel()})
            select.append(f"v{j}.vec")
            target.append(_ident(name))
        with contextlib.ExitStack() as stack:
            rel = stack.enter_context(self.s._registered(**columns))
            for j, flat in enumerate(flats):
                frel = stack.enter_context(self.s._registered(**flat))
                dim = list(coll.vectors.values())[j]
                # Vectors travel flattened: DuckDB scans flat numpy columns fast, whereas converting
                # Python lists (or object arrays of arrays) per value is orders of magnitude slower.
                joins.append(f"JOIN (SELECT i, list(x ORDER BY j)::FLOAT[{dim}] AS vec FROM {frel} GROUP BY i) v{j} "
                             f"ON v{j}.i = s.rn")
            self.s._x(f"INSERT INTO {coll.tbl} ({', '.join(target)}) SELECT {', '.join(select)} FROM {rel} s "
                      f"{' '.join(joins)}")
        texts = []
        for name in coll.text_indexed:
            for doc_id, text in zip(ids, rows[name], strict=True):
                if text:
                    texts.append((str(doc_id), name, text))
        self.s._add_postings(coll.space, texts)
        return [str(i) for i in ids]

    def _hnsw_indexes(self, coll: _Collection) -> set[str]:
        rows = self.s._x("SELECT index_name FROM duckdb_indexes() WHERE table_name = ?", [coll.tbl]).fetchall()
        return {r[0] for r in rows}

    def _hnsw_name(self, coll: _Collection, column: str) -> str:
        return f"{coll.tbl}_hnsw_{list(coll.vectors).index(column)}"

    def _after_write(self, coll: _Collection) -> None:
        if not coll.vectors or not self.s.vss:
            return
        existing = self._hnsw_indexes(coll)
        if self.s.hnsw_min_rows > 0 and len(existing) < len(coll.vectors):
            count = self.s._x(f"SELECT count(*) FROM {coll.tbl}").fetchone()[0]
            if count >= self.s.hnsw_min_rows:
                self.build_vector_index()
                return
        if existing:
            self.s._x("CHECKPOINT")

    def build_vector_index(self) -> None:
        """Build the HNSW index of each vector field now (needs the vss extension)."""
        if not self.s.vss:
            raise ProviderError(ErrorCode.UNIMPLEMENTED,
                                "the vss extension is not available (pip install duckdb-extension-vss matching duckdb "
                                f"{duckdb.__version__})")

        def work() -> None:
            coll = self._coll()
            existing = self._hnsw_indexes(coll)
            for column in coll.vectors:
                name = self._hnsw_name(coll, column)
                if name not in existing:
                    self.s._x(f"CREATE INDEX {name} ON {coll.tbl} USING HNSW ({_ident(column)}) WITH "
                              f"(metric = 'cosine', M = {int(self.s.hnsw_m)}, "
                              f"ef_construction = {int(self.s.hnsw_ef_construction)})")
            self.s._x("CHECKPOINT")

        self.s._run("build_vector_index", work)

    def has_vector_index(self) -> bool:
        return self.s._run("has_vector_index", lambda: bool(self._hnsw_indexes(self._coll())))

    def delete(self, ids: Sequence[str]) -> None:
        try:
            int_ids = [int(i) for i in ids]
        except (TypeError, ValueError) as err:
            raise _invalid(f"ids must be int64 strings: {err}") from err

        def work() -> None:
            if not int_ids:
                return
            with self.s._tx():
                coll = self._coll()
                with self.s._registered(id=np.asarray(int_ids, dtype=np.int64)) as rel:
                    self.s._x(f"DELETE FROM {coll.tbl} WHERE {_ident(FIELD_ID)} IN (SELECT id FROM {rel})")
                self.s._delete_postings(coll.space, [str(i) for i in int_ids])
            if self.s.vss and self._hnsw_indexes(coll):
                self.s._x("CHECKPOINT")

        self.s._run("delete", work)

    # retrieval

    def _filter_sql(self, coll: _Collection, opts: RetrieveOptions) -> list[str]:
        conds = []
        if opts.partitions:
            conds.append("t._partition IN (" + ", ".join(_lit(str(p)) for p in opts.partitions) + ")")
        if opts.dsl is not None:
            conds.append(self._dsl(coll, opts.dsl))
        return conds

    def _dsl(self, coll: _Collection, dsl: DSL) -> str:
        op = Op(dsl.op)
        if op in (Op.AND, Op.OR):
            subs = list(dsl.value or [])
            if not subs or not all(isinstance(d, DSL) for d in subs):
                raise _invalid(f"dsl {op.value}: value must be a non-empty list of DSL")
            return "(" + f" {op.value.upper()} ".join(self._dsl(coll, d) for d in subs) + ")"
        if dsl.field not in coll.scalars:
            raise _invalid(f"dsl: collection {coll.name!r} has no scalar field {dsl.field!r}")
        col = f"t.{_ident(dsl.field)}"
        if op is Op.IN:
            values = list(dsl.value or [])
            return f"{col} IN ({', '.join(self._value(v) for v in values)})" if values else "false"
        if op is Op.LIKE:
            return f"{col} LIKE {_lit(str(dsl.value))}"
        return f"{col} {'=' if op is Op.EQ else '<>'} {self._value(dsl.value)}"

    @staticmethod
    def _value(v: Any) -> str:
        if isinstance(v, bool) or v is None:
            raise _invalid(f"dsl: unsupported value {v!r}")
        if isinstance(v, (int, float)):
            return _num(v)
        return _lit(str(v))

    def retrieve(self, query: str, options: RetrieveOptions | None = None) -> list[Document]:
        opts = options or RetrieveOptions()
        if opts.top_k <= 0:
            raise _invalid(f"top_k must be positive, got {opts.top_k}")
        mode = RetrieveMode(opts.mode)

        def work() -> list[Document]:
            coll = self._coll()
            conds = self._filter_sql(coll, opts)
            ranked: list[tuple[int, float]]
            if mode is RetrieveMode.VECTOR:
                ranked = self._by_vector(coll, opts, conds)
            elif mode is RetrieveMode.TEXT:
                ranked = self._by_text(coll, query, opts, conds)
            else:
                by_vec = self._by_vector(coll, opts, conds)
                by_text = self._by_text(coll, query, opts, conds)
                fused: dict[int, float] = {}
                for ranking in (by_vec, by_text):
                    for rank, (doc_id, _) in enumerate(ranking, start=1):
                        fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (opts.rrf_k + rank)
                ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:opts.top_k]
            if opts.score_threshold is not None:
                ranked = [(i, s) for i, s in ranked if s >= opts.score_threshold]
            return self._fetch(coll, ranked)

        return self.s._run("retrieve", work)

    def _by_vector(self, coll: _Collection, opts: RetrieveOptions, conds: list[str]) -> list[tuple[int, float]]:
        if opts.query_vector is None:
            raise _invalid("vector retrieval needs query_vector (the caller's embedding of the query)")
        column = opts.vector_field or coll.default_vector()
        if column not in coll.vectors:
            raise _invalid(f"collection {coll.name!r} has no vector field {column!r}; it has {sorted(coll.vectors)}")
        q = _vector_literal(opts.query_vector, coll.vectors[column])
        col = f"t.{_ident(column)}"
        k = int(opts.top_k)
        use_hnsw = (not conds and not opts.exact and self.s.vss
                    and self._hnsw_name(coll, column) in self._hnsw_indexes(coll))
        if use_hnsw:
            # The vss optimizer answers ORDER BY array_cosine_distance(...) LIMIT k from the index.
            rows = self.s._x(f"SELECT t.{_ident(FIELD_ID)}, array_cosine_distance({col}, {q}) AS dist "
                             f"FROM {coll.tbl} t ORDER BY dist LIMIT {k}").fetchall()
            return [(int(i), 1.0 - float(d)) for i, d in rows]
        # Similarity DESC (not distance ASC) so that the optimizer never swaps in the index.
        where = f"WHERE {' AND '.join(conds)}" if conds else ""
        rows = self.s._x(f"SELECT t.{_ident(FIELD_ID)}, array_cosine_similarity({col}, {q}) AS sim FROM {coll.tbl} t "
                         f"{where} ORDER BY sim DESC, t.{_ident(FIELD_ID)} LIMIT {k}").fetchall()
        return [(int(i), float(s)) for i, s in rows if s is not None]

    def _by_text(self, coll: _Collection, query: str, opts: RetrieveOptions,
                 conds: list[str]) -> list[tuple[int, float]]:
        if opts.multi_match is not None:
            fields, text = list(opts.multi_match.fields), opts.multi_match.query
            for f in fields:
                if f not in coll.text_indexed:
                    raise _invalid(f"collection {coll.name!r}: field {f!r} is not an indexed text field")
        else:
            # As Coze Studio's text store: the query searches text_content unless told otherwise.
            fields = [FIELD_TEXT_CONTENT] if FIELD_TEXT_CONTENT in coll.text_indexed else coll.text_indexed
            text = query
        sql = self.s.bm25_sql(coll.space, fields, text or "", OR)
        if sql is None:
            return []
        if not conds:  # no filter: rank the postings alone; _fetch reads the k winners
            rows = self.s._x(f"SELECT m.doc::BIGINT AS id, m.score FROM ({sql}) m "
                             f"ORDER BY m.score DESC, id LIMIT {int(opts.top_k)}").fetchall()
            return [(int(i), float(s)) for i, s in rows]
        rows = self.s._x(f"SELECT t.{_ident(FIELD_ID)}, m.score FROM ({sql}) m JOIN {coll.tbl} t "
                         f"ON t.{_ident(FIELD_ID)} = m.doc::BIGINT WHERE {' AND '.join(conds)} "
                         f"ORDER BY m.score DESC, t.{_ident(FIELD_ID)} LIMIT {int(opts.top_k)}").fetchall()
        return [(int(i), float(s)) for i, s in rows]

    def _fetch(self, coll: _Collection, ranked: list[tuple[int, float]]) -> list[Document]:
        if not ranked:
            return []
        cols = ", ".join(["_partition"] + [_ident(n) for n in coll.scalars])
        with self.s._registered(id=np.asarray([i for i, _ in ranked], dtype=np.int64)) as rel:
            rows = self.s._x(f"SELECT {cols} FROM {coll.tbl} WHERE {_ident(FIELD_ID)} IN (SELECT id FROM {rel})"
                             ).fetchall()
        by_id = {}
        for row in rows:
            values = dict(zip(coll.scalars, row[1:], strict=True))
            by_id[values[FIELD_ID]] = (row[0], values)
        docs = []
        for doc_id, score in ranked:
            if doc_id not in by_id:
                continue
            partition, values = by_id[doc_id]
            external = {k: v for k, v in values.items() if k not in (FIELD_ID, FIELD_CREATOR_ID, FIELD_TEXT_CONTENT)}
            external["_partition"] = partition
            docs.append(Document(id=str(doc_id), content=values.get(FIELD_TEXT_CONTENT) or "",
                                 creator_id=values.get(FIELD_CREATOR_ID), external=external, score=score))
        return docs


# --- opener ------------------------------------------------------------------------------------------

@SEARCH.register("duckdb")
def open_duckdb(url: ProviderURL, **kwargs: Any) -> DuckDBSearch:
    url.reject_unknown_params(_PARAMS)
    unknown = sorted(set(kwargs) - set(_PARAMS))
    if unknown:
        raise _invalid(f"unknown option(s) {', '.join(unknown)} for {url.redacted!r}; known: {', '.join(_PARAMS)}")
    if url.host:
        raise _invalid(f"{url.redacted!r}: a duckdb URI names a file (duckdb:///relative or duckdb:////absolute), "
                       "not a host")
    if not url.path:
        raise _invalid(f"{url.redacted!r}: no file path (e.g. duckdb:///var/data/duckdb/search.db)")
    options: dict[str, Any] = {}
    for name in _PARAMS:
        raw = kwargs.get(name, url.params.get(name))
        if raw is None:
            continue
        try:
            options[name] = float(raw) if name.startswith("bm25") else int(raw)
        except (TypeError, ValueError) as err:
            raise _invalid(f"{url.redacted!r}: parameter {name}={raw!r} is not a number") from err
    return DuckDBSearch(url.path, uri=url.redacted, **options)
