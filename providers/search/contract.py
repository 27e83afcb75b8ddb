"""The search contracts: document search and knowledge retrieval.

Two Go interfaces of Coze Studio, in Python:

* `DocumentSearch` mirrors `es.Client` (`backend/infra/contract/es/`: es.go, query.go, model.go):
  indices with typed properties, documents addressed by (index, id), a bulk indexer, and a search
  request made of the query kinds `query.go` defines (equal, match, multi_match, not_exists,
  contains, in) combined in bool queries.
* `RetrievalManager` / `SearchStore` mirror `searchstore.Manager` and `searchstore.SearchStore`
  (`backend/infra/contract/document/searchstore/`): collections with typed fields; a store indexes
  documents with the embeddings the caller computed and retrieves them by vector (cosine), by text
  (BM25) or both (reciprocal rank fusion), within partitions and under a DSL filter.

`SearchProvider` is what `providers.search.open_search` returns: both contracts (`.es`,
`.searchstore`) over one store, plus `ping`, `close` and `backup`. It is the portable half (Go CDK
shape, `providers.portable.Portable`): the classes here validate every argument, refuse every call
after `close()` (FAILED_PRECONDITION), wrap driver errors and count calls per operation, over the
small driver protocol of driver.py that an implementation (providers/search/duckdb.py) fills. The
value types are in model.py and re-exported here.

Where the Go contract leaves behaviour to the Elasticsearch/Milvus server, the choices made here
(and checked by `tests/conformance/search.py` / `retrieval.py`) are:

* `equal` and `in` compare the stored value exactly (ES `term`/`terms` on a keyword or numeric
  field); `contains` is a case-insensitive substring test on the stored value (the Go code sends a
  case-insensitive `*value*` wildcard); `not_exists` matches documents where the field is absent or
  null; `match`/`multi_match` analyse the query text and score with BM25.
* A query in scoring position scores: text queries with BM25 (summed over query terms), other
  leaves with a constant 1.0; `filter` and `must_not` clauses never add to the score. With a sort,
  hits carry no score (`score is None`), as in ES.
* Text analysis: Unicode case folding, English stemming (Snowball), and runs of CJK / other
  unspaced scripts indexed as overlapping character bigrams (a lone character as a unigram).
* BM25: idf = ln(1 + (N - df + 0.5) / (df + 0.5)); a term's weight in a document is
  idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)); N, df and avgdl are per (index,
  field) over documents that have the field; defaults k1 = 1.2, b = 0.75.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from providers.errors import ErrorCode, ProviderError
from providers.portable import Portable, contract_errors
from providers.search.driver import BulkOp, SearchDriver, SearchPage
from providers.search.model import (
    AND,
    BEST_FIELDS,
    DSL,
    FIELD_CREATOR_ID,
    FIELD_ID,
    FIELD_TEXT_CONTENT,
    KV,
    OR,
    BoolQuery,
    BulkAction,
    BulkIndexerItem,
    CreateRequest,
    Document,
    Field,
    FieldType,
    Hit,
    MultiMatch,
    MultiMatchQuery,
    Op,
    PropertyType,
    Query,
    QueryType,
    Request,
    Response,
    RetrieveMode,
    RetrieveOptions,
    SearchStoreType,
    SortField,
    Types,
    dense_vector_name,
    new_bool_query,
    new_contains_query,
    new_equal_query,
    new_in_query,
    new_match_query,
    new_multi_match_query,
    new_not_exists_query,
)
from providers.search.query import FIELD_NAME_RE, check_field_name, compile_query, invalid
from providers.search.schema import INT64, check_dsl, index_properties, normalize_fields

__all__ = [
    "AND",
    "BEST_FIELDS",
    "DEFAULT_PARTITION",
    "DSL",
    "FIELD_CREATOR_ID",
    "FIELD_ID",
    "FIELD_TEXT_CONTENT",
    "KV",
    "OR",
    "BoolQuery",
    "BulkAction",
    "BulkIndexer",
    "BulkIndexerItem",
    "CreateRequest",
    "Document",
    "DocumentSearch",
    "Field",
    "FieldType",
    "Hit",
    "MultiMatch",
    "MultiMatchQuery",
    "Op",
    "PropertyType",
    "Query",
    "QueryType",
    "Request",
    "Response",
    "RetrievalManager",
    "RetrieveMode",
    "RetrieveOptions",
    "SearchProvider",
    "SearchStore",
    "SearchStoreType",
    "SortField",
    "Types",
    "dense_vector_name",
    "new_bool_query",
    "new_contains_query",
    "new_equal_query",
    "new_in_query",
    "new_match_query",
    "new_multi_match_query",
    "new_not_exists_query",
]

DEFAULT_PARTITION = "_default"
MAX_PAGE = 2**31 - 1  # size and from: DuckDB's LIMIT/OFFSET take a 64-bit value; ES caps far lower
BULK_BATCH = 1000  # items a bulk indexer buffers before it writes them in one transaction
MAX_ID_LENGTH = 512


def _meta_text(value: object, what: str) -> str:
    if not isinstance(value, str) or (what == "key" and not value):
        raise invalid(f"meta {what} must be a {'non-empty ' if what == 'key' else ''}str, got {value!r}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(f"meta {what} {value[:40]!r} is not valid Unicode text (a lone surrogate)") from None
    return value


def _finite(x: int | float) -> bool:
    try:
        return math.isfinite(x)
    except OverflowError:  # an int too large for a float
        return False


def _is_text(value: str) -> bool:
    """No lone surrogates: the engine (and any server) takes UTF-8 text only."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_index_name(index: object) -> str:
    if not isinstance(index, str) or not FIELD_NAME_RE.fullmatch(index) or not _is_text(index):
        raise invalid(f"bad index name {index!r}")
    return index


def check_collection_name(name: object) -> str:
    if not isinstance(name, str) or not FIELD_NAME_RE.fullmatch(name) or not _is_text(name):
        raise invalid(f"bad collection name {name!r}")
    return name


def check_id(id: object) -> str:
    if not isinstance(id, str) or not id or len(id) > MAX_ID_LENGTH or not _is_text(id):
        raise invalid(f"document id must be a non-empty string of at most {MAX_ID_LENGTH} characters, got {id!r}")
    return id


def parse_json_body(body: Mapping[str, Any] | str | bytes | None, what: str) -> dict[str, Any]:
    """A document body (a mapping or JSON text) as a fresh dict; INVALID_ARGUMENT unless a JSON object."""
    if body is None:
        raise invalid(f"{what}: a document body is required")
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError as err:
            raise invalid(f"{what}: body is not JSON: {err}") from err
    if not isinstance(body, Mapping):
        raise invalid(f"{what}: a document must be a JSON object, got {type(body).__name__}")
    return dict(body)


# ---------------------------------------------------------------------------------------------
# The provider
# ---------------------------------------------------------------------------------------------


class SearchProvider(Portable[SearchDriver]):
    """What `open_search` returns: document search (`.es`) and retrieval (`.searchstore`) over
    one store."""

    area = "search"

    def __init__(self, driver: SearchDriver, *, name: str) -> None:
        super().__init__(driver, name=name)
        self.es = DocumentSearch(self)
        self.searchstore = RetrievalManager(self)

    def get_meta(self, key: str) -> str | None:
        """A value the store keeps for its own tools (backfill checkpoints), or None."""
        return self._run("get_meta", self._driver.get_meta, _meta_text(key, "key"))

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (None: remove) such a value."""
        self._run("set_meta", self._driver.set_meta, _meta_text(key, "key"),
                  None if value is None else _meta_text(value, "value"))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the calls inside the block one atomic unit (documents and a checkpoint, say)."""
        self.check_open()
        with self._driver.transaction():
            yield


# ---------------------------------------------------------------------------------------------
# Document search: es.Client
# ---------------------------------------------------------------------------------------------


@contract_errors
class DocumentSearch:
    """es.Client."""

    def __init__(self, provider: SearchProvider) -> None:
        self._provider = provider
        self._driver = provider.driver.documents

    def create(self, index: str, id: str, document: Mapping[str, Any]) -> None:
        """Index a document, replacing any with the same id (ES index API; the index is created
        with dynamic properties when missing)."""
        check_index_name(index)
        check_id(id)
        doc = parse_json_body(document, f"create {index}/{id}")
        self._provider._run("es.create", self._driver.put, index, id, doc)

    def update(self, index: str, id: str, document: Mapping[str, Any]) -> None:
        """Merge the given top-level fields into an existing document (NOT_FOUND when missing)."""
        check_index_name(index)
        check_id(id)
        patch = parse_json_body(document, f"update {index}/{id}")
        self._provider._run("es.update", self._driver.update, index, id, patch)

    def delete(self, index: str, id: str) -> None:
        """Delete a document (NOT_FOUND when the document or the index is missing)."""
        check_index_name(index)
        check_id(id)
        self._provider._run("es.delete", self._driver.delete, index, id)

    def delete_by_query(self, index: str, query: Query) -> int:
        """Delete every matching document; returns how many were deleted."""
        check_index_name(index)
        node = compile_query(query)
        return self._provider._run("es.delete_by_query", self._driver.delete_by_query, index, node)

    def search(self, index: str, req: Request) -> Response:
        check_index_name(index)
        req = req or Request()
        if not isinstance(req, Request):
            raise invalid(f"search needs a Request, got {type(req).__name__}")
        size = 10 if req.size is None else req.size
        offset = 0 if req.from_ is None else req.from_
        for what, n in (("size", size), ("from", offset)):
            if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_PAGE:
                raise invalid(f"{what} must be an int in [0, {MAX_PAGE}], got {n!r}")
        if req.min_score is not None and (isinstance(req.min_score, bool) or not isinstance(req.min_score, (int, float))
                                          or not _finite(req.min_score)):
            raise invalid(f"min_score must be a finite number, got {req.min_score!r}")
        if isinstance(req.sort, (str, bytes)) or not isinstance(req.sort, Sequence):
            raise invalid(f"sort must be a sequence of SortField, got {type(req.sort).__name__}")
        sort = tuple(req.sort)
        for sf in sort:
            if not isinstance(sf, SortField):
                raise invalid(f"sort must be a sequence of SortField, got {type(sf).__name__}")
            check_field_name(sf.field)
        if isinstance(req.search_after, (str, bytes)) or not isinstance(req.search_after, Sequence):
            raise invalid(f"search_after must be a sequence of values, got {type(req.search_after).__name__}")
        use_after = req.from_ is None and bool(req.search_after)
        if use_after and not sort:
            raise invalid("search_after needs a sort")
        page = SearchPage(size=int(size), offset=int(offset), min_score=req.min_score, sort=sort,
                          search_after=tuple(req.search_after) if use_after else None)
        node = compile_query(req.query)
        return self._provider._run("es.search", self._driver.search, index, node, page)

    def exists(self, index: str) -> bool:
        check_index_name(index)
        return self._provider._run("es.exists", self._driver.index_exists, index)

    def create_index(self, index: str, properties: Mapping[str, Mapping[str, Any] | PropertyType | str]) -> None:
        """Create an index with typed properties (ALREADY_EXISTS when it exists)."""
        check_index_name(index)
        props = index_properties(properties)
        self._provider._run("es.create_index", self._driver.create_index, index, props)

    def delete_index(self, index: str) -> None:
        """Delete an index and its documents; a missing index is not an error (IgnoreUnavailable)."""
        check_index_name(index)
        self._provider._run("es.delete_index", self._driver.delete_index, index)

    def types(self) -> Types:
        return Types()

    def new_bulk_indexer(self, index: str) -> BulkIndexer:
        check_index_name(index)
        return BulkIndexer(self, index)

    def bulk(self, index: str, items: Sequence[BulkIndexerItem]) -> list[tuple[BulkIndexerItem, ProviderError]]:
        """Apply items in one transaction; returns the failed ones with their errors (ES bulk
        semantics: an item's failure does not fail the others). Failures are listed by index (in
        the order indexes first appear), then in item order."""
        check_index_name(index)
        if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Sequence):
            raise invalid(f"bulk items must be a sequence of BulkIndexerItem, got {type(items).__name__}")
        for item in items:
            if not isinstance(item, BulkIndexerItem):
                raise invalid(f"bulk items must be BulkIndexerItem objects, got {type(item).__name__}")
        groups: dict[str, int] = {}
        ops: list[BulkOp] = []
        failures: list[tuple[int, ProviderError]] = []
        for pos, item in enumerate(items):
            idx = item.index or index
            groups.setdefault(idx, len(groups))
            try:
                ops.append(self._bulk_op(pos, idx, item))
            except ValueError as err:
                failures.append((pos, invalid(f"bulk item {item.action!r} {item.document_id!r}: {err}")))
            except ProviderError as err:
                failures.append((pos, err))
        for idx in groups:
            check_index_name(idx)
        failures += self._provider._run("es.bulk", self._driver.bulk, list(groups), ops)
        failures.sort(key=lambda f: (groups[items[f[0]].index or index], f[0]))
        return [(items[pos], err) for pos, err in failures]

    @staticmethod
    def _bulk_op(pos: int, index: str, item: BulkIndexerItem) -> BulkOp:
        doc_id = check_id(item.document_id)
        action = BulkAction(item.action)
        where = f"bulk {action.value} {index}/{doc_id}"
        body: dict[str, Any] | None = None
        if action is not BulkAction.DELETE:
            body = parse_json_body(item.body, where)
            if action is BulkAction.UPDATE and isinstance(body.get("doc"), Mapping):
                body = dict(body["doc"])  # the ES bulk update body {"doc": {...}}
        return BulkOp(pos, index, action, doc_id, body, where)


@contract_errors
class BulkIndexer:
    """es.BulkIndexer: items are buffered and written in batches; `close` flushes the rest and
    raises a ProviderError describing every failed item, if any failed."""

    def __init__(self, es: DocumentSearch, index: str) -> None:
        self.es = es
        self.index = index
        self.pending: list[BulkIndexerItem] = []
        self.failures: list[tuple[BulkIndexerItem, ProviderError]] = []
        self.closed = False

    def add(self, item: BulkIndexerItem) -> None:
        if self.closed:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, "bulk indexer is closed")
        self.pending.append(item)
        if len(self.pending) >= BULK_BATCH:
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

    def __enter__(self) -> BulkIndexer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------
# Retrieval: searchstore.Manager and searchstore.SearchStore
# ---------------------------------------------------------------------------------------------


@contract_errors
class RetrievalManager:
    """searchstore.Manager."""

    def __init__(self, provider: SearchProvider) -> None:
        self._provider = provider
        self._driver = provider.driver.retrieval

    def create(self, req: CreateRequest) -> None:
        """Create a collection (ALREADY_EXISTS when it exists with other fields; creating it again
        with the same fields is a no-op, as Coze Studio's managers do)."""
        if not isinstance(req, CreateRequest):
            raise invalid(f"create needs a CreateRequest, got {type(req).__name__}")
        name = check_collection_name(req.collection_name)
        fields = normalize_fields(req.fields)
        meta = dict(req.collection_meta or {})
        self._provider._run("create_collection", self._driver.create_collection, name, fields, meta)

    def drop(self, collection_name: str) -> None:
        """Drop a collection; a missing one is not an error."""
        check_collection_name(collection_name)
        self._provider._run("drop_collection", self._driver.drop_collection, collection_name)

    def get_type(self) -> SearchStoreType:
        return self._provider._run("get_type", self._driver.store_type)

    def get_search_store(self, collection_name: str) -> SearchStore:
        """The store of an existing collection (NOT_FOUND when missing)."""
        check_collection_name(collection_name)
        if not self._provider._run("get_search_store", self._driver.collection_exists, collection_name):
            raise ProviderError(ErrorCode.NOT_FOUND, f"collection {collection_name!r} does not exist")
        return SearchStore(self._provider, collection_name)

    def list_collections(self) -> list[str]:
        return self._provider._run("list_collections", self._driver.list_collections)


@contract_errors
class SearchStore:
    """searchstore.SearchStore: an eino Indexer + Retriever + Delete over one collection."""

    def __init__(self, provider: SearchProvider, name: str) -> None:
        self._provider = provider
        self._driver = provider.driver.retrieval
        self.name = name

    def store(self, docs: Sequence[Document], *, partition: str | None = None) -> list[str]:
        """Upsert documents (into `partition`, created on first use); returns their ids."""
        part = DEFAULT_PARTITION if partition is None else partition
        if not isinstance(part, str) or not part:
            raise invalid(f"bad partition name {partition!r}")
        if isinstance(docs, (str, bytes, Mapping)) or not isinstance(docs, Sequence):
            raise invalid(f"store needs a sequence of Document, got {type(docs).__name__}")
        for doc in docs:
            if not isinstance(doc, Document):
                raise invalid(f"store needs Document objects, got {type(doc).__name__}")
            creator_ok = doc.creator_id is None or (isinstance(doc.creator_id, int)
                                                    and not isinstance(doc.creator_id, bool))
            if not isinstance(doc.content, str) or not isinstance(doc.external, Mapping) or not creator_ok:
                raise invalid(f"document {doc.id!r}: content must be a str, external a mapping, creator_id an int")
        self._provider.check_open()
        if not docs:
            return []
        return self._provider._run("store", self._driver.store, self.name, list(docs), part)

    def retrieve(self, query: str, options: RetrieveOptions | None = None) -> list[Document]:
        opts = options or RetrieveOptions()
        if opts.top_k <= 0:
            raise invalid(f"top_k must be positive, got {opts.top_k}")
        try:
            RetrieveMode(opts.mode)
        except ValueError as err:
            raise invalid(f"unknown retrieval mode {opts.mode!r}") from err
        if opts.dsl is not None:
            check_dsl(opts.dsl)
        return self._provider._run("retrieve", self._driver.retrieve, self.name, query, opts)

    def delete(self, ids: Sequence[str]) -> None:
        """Delete documents by id; ids that do not exist are ignored (as in Milvus)."""
        try:
            int_ids = [int(i) for i in ids]
        except (TypeError, ValueError) as err:
            raise invalid(f"ids must be int64 strings: {err}") from err
        if any(not INT64[0] <= i <= INT64[1] for i in int_ids):
            raise invalid("ids must be int64 strings: out of range")
        self._provider.check_open()
        if int_ids:
            self._provider._run("delete", self._driver.delete, self.name, int_ids)

    def build_vector_index(self) -> None:
        """Build the approximate (HNSW) index of each vector field now, where the implementation
        has one (UNIMPLEMENTED otherwise)."""
        self._provider._run("build_vector_index", self._driver.build_vector_index, self.name)

    def has_vector_index(self) -> bool:
        return self._provider._run("has_vector_index", self._driver.has_vector_index, self.name)
