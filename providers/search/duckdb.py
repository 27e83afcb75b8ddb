"""The `duckdb` search provider: document search and retrieval in one DuckDB file.

URI forms (paths follow SQLAlchemy's sqlite rule)::

    duckdb:///var/data/duckdb/search.db     relative to the working directory
    duckdb:////srv/cozelite/search.db       absolute
    duckdb:///:memory:                      a private in-memory store (tests)

Query parameters (each may also be passed to `open_search` as a keyword argument):

    bm25_k1=1.2, bm25_b=0.75     BM25 parameters
    hnsw_min_rows=0              request an approximate (HNSW) index on a collection's vectors once it
                                 holds this many rows; 0 (the default) never requests one by itself
                                 (`build_vector_index()` on a store does). The index needs the `ann`
                                 extra (faiss-cpu); it is built and maintained by a background thread,
                                 never by a write, and queries are exact until it is ready
                                 (retrieval.py, ann.py; numbers in bench/search.py).
    hnsw_m=16, hnsw_ef_construction=64, hnsw_ef_search=4096
                                 HNSW graph degree, build beam, and the widest search beam. The
                                 search beam is calibrated on the data when the index is built (the
                                 smallest with leave-one-out recall@10 >= 0.97); if even this
                                 maximum does not reach it, or the graph would visit more than a
                                 quarter of the rows (random high-dimensional data), queries stay exact
    threads=N                    DuckDB worker threads (default: DuckDB's choice)
    query_timeout_ms=10000       a search (documents or retrieval) or delete_by_query running longer
                                 is cancelled with RESOURCE_EXHAUSTED and releases the store; 0 means
                                 no limit. A query is also bounded before it runs: at most 1024
                                 clauses and bool nesting of 20 (query.py). `ping` never waits
                                 behind a running query (it has its own connection).

Layout of the file (all tables prefixed `cz_`), one module per part of the driver:

- `cz_es_index` and `cz_es_doc`: document search (documents.py).
- `cz_collection` and one table per collection: retrieval (retrieval.py).
- `cz_postings` and `cz_doclen`: the inverted index both share, scored with BM25 (bm25.py).
- `cz_meta`: key/value (schema version, backfill checkpoints, the ping row) (connection.py).

Every call holds one lock and runs in one transaction (connection.py). SQL is built from sqlglot
expressions with bound parameters (sql.py). The portable checks and the query IR the driver receives
are engine-independent (contract.py, query.py, schema.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import duckdb

from providers.errors import ErrorCode
from providers.portable import ErrorClass
from providers.registry import ProviderURL
from providers.search import SEARCH
from providers.search.bm25 import InvertedIndex
from providers.search.connection import DEFAULT_QUERY_TIMEOUT, Connection, locked
from providers.search.contract import SearchProvider
from providers.search.documents import DuckDBDocuments
from providers.search.query import invalid
from providers.search.retrieval import DuckDBRetrieval

PARAMS = ("bm25_k1", "bm25_b", "hnsw_min_rows", "hnsw_m", "hnsw_ef_construction", "hnsw_ef_search", "threads",
          "query_timeout_ms")


class DuckDBDriver:
    """The SearchDriver over one DuckDB file: document search, retrieval and their shared inverted
    index on one connection."""

    def __init__(self, path: str, *, bm25_k1: float = 1.2, bm25_b: float = 0.75, hnsw_min_rows: int = 0,
                 hnsw_m: int = 16, hnsw_ef_construction: int = 64, hnsw_ef_search: int = 4096,
                 threads: int | None = None, query_timeout_ms: int = int(DEFAULT_QUERY_TIMEOUT * 1000)) -> None:
        k1, b = float(bm25_k1), float(bm25_b)
        if k1 < 0 or not 0 <= b <= 1:
            raise invalid(f"bm25_k1 must be >= 0 and bm25_b in [0, 1], got {bm25_k1}, {bm25_b}")
        self.path = path
        self.hnsw_ef_search = int(hnsw_ef_search)
        if query_timeout_ms < 0:
            raise invalid(f"query_timeout_ms must be >= 0, got {query_timeout_ms}")
        self.conn = Connection(path, hnsw_ef_search=self.hnsw_ef_search, threads=threads,
                               query_timeout=query_timeout_ms / 1000)
        self.inverted = InvertedIndex(self.conn, k1=k1, b=b)
        self.documents = DuckDBDocuments(self.conn, self.inverted)
        self.retrieval = DuckDBRetrieval(self.conn, self.inverted, hnsw_min_rows=int(hnsw_min_rows),
                                         hnsw_m=int(hnsw_m), hnsw_ef_construction=int(hnsw_ef_construction),
                                         hnsw_ef_search=self.hnsw_ef_search)

    def __repr__(self) -> str:
        return f"DuckDBDriver({self.path!r})"

    # Extras for tests and benchmarks (never needed by app code).

    @property
    def vss(self) -> bool:
        """Whether the vss extension loaded (no longer used for indexes; earlier stores' vss
        indexes are dropped when it is, retrieval.py)."""
        return self.conn.vss

    @property
    def db(self) -> duckdb.DuckDBPyConnection:
        return self.conn.db

    @property
    def cluster_min_rows(self) -> int:
        return self.inverted.cluster_min_rows

    @cluster_min_rows.setter
    def cluster_min_rows(self, rows: int) -> None:
        self.inverted.cluster_min_rows = rows

    # The driver calls of the whole store.

    def ping(self) -> None:
        # Not @locked: a ping must answer while a long query holds the store (see Connection.ping).
        self.conn.ping()

    @locked
    def backup(self, dest_dir: str) -> None:
        self.conn.backup(dest_dir)

    def close(self) -> None:
        self.retrieval.close()  # its worker reads through the connection
        self.conn.close()

    def classify_error(self, err: BaseException) -> ErrorClass:
        if isinstance(err, OSError):
            return ErrorClass(ErrorCode.UNAVAILABLE)
        if isinstance(err, (TypeError, ValueError, OverflowError, RecursionError)):
            # Raised while binding a caller's value the contract let through.
            return ErrorClass(ErrorCode.INVALID_ARGUMENT)
        # duckdb.Error included: the SQL is ours, so its failure is ours.
        return ErrorClass(ErrorCode.INTERNAL)

    @locked
    def get_meta(self, key: str) -> str | None:
        return self.conn.get_meta(key)

    @locked
    def set_meta(self, key: str, value: str | None) -> None:
        self.conn.set_meta(key, value)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self.conn.lock:
            self.conn.check_open()
            with self.conn.tx():
                yield


@SEARCH.register("duckdb")
def open_duckdb(url: ProviderURL, **kwargs: Any) -> SearchProvider:
    url.reject_unknown_params(PARAMS)
    unknown = sorted(set(kwargs) - set(PARAMS))
    if unknown:
        raise invalid(f"unknown option(s) {', '.join(unknown)} for {url.redacted!r}; known: {', '.join(PARAMS)}")
    if url.host:
        raise invalid(f"{url.redacted!r}: a duckdb URI names a file (duckdb:///relative or duckdb:////absolute), "
                      "not a host")
    if not url.path:
        raise invalid(f"{url.redacted!r}: no file path (e.g. duckdb:///var/data/duckdb/search.db)")
    options: dict[str, Any] = {}
    for name in PARAMS:
        raw = kwargs.get(name, url.params.get(name))
        if raw is None:
            continue
        try:
            options[name] = float(raw) if name.startswith("bm25") else int(raw)
        except (TypeError, ValueError) as err:
            raise invalid(f"{url.redacted!r}: parameter {name}={raw!r} is not a number") from err
    return SearchProvider(DuckDBDriver(url.path, **options), name="duckdb")
