"""Retrieval on Milvus (pymilvus): ``milvus://host:port`` (a Milvus server) and
``milvus:///path/file.db`` (Milvus Lite, PyPI `milvus-lite`: the same client API in a local file;
three slashes relative to the working directory, four absolute).

Query parameters: ``timeout=5`` (seconds for connecting and for each call; an unreachable server
fails open() within it, never hangs), ``db=default`` (the Milvus database, servers only). The
URI's user and password, when given, are the server's credentials (never shown in messages).

This provider serves the retrieval contract (`.searchstore`) only: document search (`.es`) raises
UNIMPLEMENTED naming what to use instead (the app pairs it with DuckDB documents:
providers/search/split.py). Layout: one Milvus collection per contract collection, with

- every INT64 / TEXT field as a nullable INT64 / VARCHAR column, and ``cz_partition`` (Milvus
  reserves ``_partition``) for the contract's partitions, so a partition is one more filter term;
- each vector (DENSE_VECTOR fields and each indexed text field's companion) as a FLOAT_VECTOR with a
  FLAT COSINE index: exact search, scores are cosine similarities as in the DuckDB store;
- each indexed text field analysed by Milvus (`enable_analyzer`) into a BM25 sparse vector
  ``cz_sparse_<field>`` by a Milvus BM25 function.
The contract's field list of each collection is kept in the ``cz_collections`` collection.

Differences from the DuckDB store (the retrieval conformance suite lists them with their reasons):
text retrieval is Milvus's BM25 over Milvus's standard analyzer (no stemming, no CJK bigrams), so
its matches and scores are Milvus's, not the contract's reference BM25; hybrid retrieval fuses the
two rankings here, by the contract's reciprocal rank fusion; `build_vector_index` is UNIMPLEMENTED
(indexes are FLAT: exact); `backup` is UNIMPLEMENTED (a Milvus server has its own backup tool).
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from pymilvus import DataType, Function, FunctionType, MilvusClient
from pymilvus.exceptions import MilvusException

from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass
from providers.registry import ProviderURL
from providers.search import RETRIEVAL
from providers.search.contract import SearchProvider
from providers.search.model import (
    DSL,
    FIELD_CREATOR_ID,
    FIELD_ID,
    FIELD_TEXT_CONTENT,
    Document,
    Field,
    FieldType,
    Op,
    RetrieveMode,
    RetrieveOptions,
    SearchStoreType,
)
from providers.search.query import invalid
from providers.search.ranking import reciprocal_rank_fusion
from providers.search.schema import Collection, collection_rows, fields_from_json, fields_to_json, query_vector

PARAMS = ("timeout", "db")
_PARTITION = "cz_partition"
T = TypeVar("T")
_REGISTRY = "cz_collections"
_MAX_TEXT = 65535
_MAX_TOP_K = 16384  # Milvus's limit on one search
Ranking = list[tuple[int, float]]


def _sparse(name: str) -> str:
    return f"cz_sparse_{name}"


def _literal(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        raise invalid(f"dsl: unsupported value {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise invalid(f"not a finite number: {value!r}")
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a double-quoted string with escapes


class MilvusDocuments:
    """Document search is not on Milvus: every call says what to use instead."""

    def __getattr__(self, name: str) -> Any:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise ProviderError(ErrorCode.UNIMPLEMENTED,
                                "milvus serves retrieval only; document search stays on search.uri "
                                "(duckdb:///...), with search.retrieval_uri=milvus://... for retrieval")
        return refuse


class MilvusRetrieval:
    """The RetrievalDriver on one Milvus database."""

    def __init__(self, client: MilvusClient, timeout: float) -> None:
        self.client = client
        self.timeout = timeout
        self._collections: dict[str, Collection] = {}
        self._lock = threading.Lock()
        if not client.has_collection(_REGISTRY, timeout=timeout):
            schema = client.create_schema(auto_id=False)
            schema.add_field("name", DataType.VARCHAR, is_primary=True, max_length=128)
            schema.add_field("fields", DataType.VARCHAR, max_length=_MAX_TEXT)
            schema.add_field("meta", DataType.VARCHAR, max_length=_MAX_TEXT)
            schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs a vector in every collection
            index = client.prepare_index_params()
            index.add_index("v", index_type="FLAT", metric_type="L2")
            client.create_collection(_REGISTRY, schema=schema, index_params=index, timeout=timeout)

    def _loaded(self, collection: str, call: Callable[[], T]) -> T:
        """Run a read of `collection`, loading it first if the server has it released: a restarted
        Milvus (Lite too) comes back with every collection released, and reads then fail with
        "call load() before search/get/query" until someone loads them."""
        try:
            return call()
        except MilvusException as err:
            if "load" not in str(err).lower():
                raise
        self.client.load_collection(collection, timeout=self.timeout)
        return call()

    def _stored_fields(self, name: str) -> list[Field] | None:
        rows = self._loaded(_REGISTRY, lambda: self.client.get(
            _REGISTRY, ids=[name], output_fields=["fields"], timeout=self.timeout))
        return fields_from_json(rows[0]["fields"]) if rows else None

    def _coll(self, name: str) -> Collection:
        with self._lock:
            cached = self._collections.get(name)
        if cached is not None:
            return cached
        fields = self._stored_fields(name)
        if fields is None or not self.client.has_collection(name, timeout=self.timeout):
            raise ProviderError(ErrorCode.NOT_FOUND, f"collection {name!r} does not exist")
        coll = Collection(name, fields)
        with self._lock:
            self._collections[name] = coll
        return coll

    def store_type(self) -> SearchStoreType:
        return SearchStoreType.VECTOR

    def create_collection(self, name: str, fields: Sequence[Field], meta: Mapping[str, str]) -> None:
        fields = list(fields)
        existing = self._stored_fields(name)
        if existing is not None:
            if existing == fields:
                return
            raise ProviderError(ErrorCode.ALREADY_EXISTS,
                                f"collection {name!r} exists with other fields; drop it first")
        coll = Collection(name, fields)
        schema = self.client.create_schema(auto_id=False)
        schema.add_field(FIELD_ID, DataType.INT64, is_primary=True)
        schema.add_field(_PARTITION, DataType.VARCHAR, max_length=256)
        index = self.client.prepare_index_params()
        for f in fields:
            if f.name == FIELD_ID:
                continue
            if f.type is FieldType.INT64:
                schema.add_field(f.name, DataType.INT64, nullable=True)
            elif f.type is FieldType.TEXT:
                schema.add_field(f.name, DataType.VARCHAR, max_length=_MAX_TEXT, nullable=True,
                                 enable_analyzer=f.name in coll.text_indexed)
        for vec, dim in coll.vectors.items():
            schema.add_field(vec, DataType.FLOAT_VECTOR, dim=dim)
            index.add_index(vec, index_type="FLAT", metric_type="COSINE")
        for text in coll.text_indexed:
            schema.add_field(_sparse(text), DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(Function(name=f"bm25_{text}", function_type=FunctionType.BM25,
                                         input_field_names=[text], output_field_names=[_sparse(text)]))
            index.add_index(_sparse(text), index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        self.client.create_collection(name, schema=schema, index_params=index, timeout=self.timeout)
        self.client.upsert(_REGISTRY, [{"name": name, "fields": fields_to_json(fields),
                                        "meta": json.dumps(dict(meta)), "v": [0.0, 0.0]}], timeout=self.timeout)

    def drop_collection(self, name: str) -> None:
        with self._lock:
            self._collections.pop(name, None)
        if self.client.has_collection(name, timeout=self.timeout):
            self.client.drop_collection(name, timeout=self.timeout)
        self._loaded(_REGISTRY, lambda: self.client.delete(_REGISTRY, ids=[name], timeout=self.timeout))

    def collection_exists(self, name: str) -> bool:
        return self._stored_fields(name) is not None

    def list_collections(self) -> list[str]:
        rows = self._loaded(_REGISTRY, lambda: self.client.query(
            _REGISTRY, filter='name != ""', output_fields=["name"], timeout=self.timeout))
        return sorted(r["name"] for r in rows)

    def store(self, collection: str, docs: Sequence[Document], partition: str) -> list[str]:
        coll = self._coll(collection)
        rows = collection_rows(coll, docs)  # checks every document before anything is written
        data = []
        for i, doc_id in enumerate(rows.ids):
            row: dict[str, Any] = {FIELD_ID: doc_id, _PARTITION: partition}
            for name in coll.scalars:
                if name != FIELD_ID:
                    row[name] = rows.scalars[name][i]
            for name, matrix in rows.vectors.items():
                row[name] = matrix[i].tolist()
            data.append(row)
        self.client.upsert(collection, data, timeout=self.timeout)
        return [str(i) for i in rows.ids]

    def delete(self, collection: str, ids: Sequence[int]) -> None:
        self._coll(collection)
        self._loaded(collection, lambda: self.client.delete(collection, ids=list(ids), timeout=self.timeout))

    def build_vector_index(self, collection: str) -> None:
        raise ProviderError(ErrorCode.UNIMPLEMENTED, "milvus collections use an exact (FLAT) index; approximate "
                            "indexes are configured on the Milvus server")

    def has_vector_index(self, collection: str) -> bool:
        self._coll(collection)
        return False

    # --- retrieval

    def _filter(self, coll: Collection, opts: RetrieveOptions) -> str:
        parts = []
        if opts.partitions:
            parts.append(f"{_PARTITION} in [{', '.join(_literal(str(p)) for p in opts.partitions)}]")
        if opts.dsl is not None:
            parts.append(self._dsl(coll, opts.dsl))
        return " and ".join(f"({p})" for p in parts)

    def _dsl(self, coll: Collection, dsl: DSL) -> str:
        op = Op(dsl.op)  # the shape was checked by the portable SearchStore (schema.check_dsl)
        if op in (Op.AND, Op.OR):
            return f" {op.value} ".join(f"({self._dsl(coll, d)})" for d in dsl.value)
        if dsl.field not in coll.scalars:
            raise invalid(f"dsl: collection {coll.name!r} has no scalar field {dsl.field!r}")
        if op is Op.IN:
            values = list(dsl.value or [])
            return f"{dsl.field} in [{', '.join(_literal(v) for v in values)}]" if values else "false"
        if op is Op.LIKE:
            return f"{dsl.field} like {_literal(str(dsl.value))}"
        return f"{dsl.field} {'==' if op is Op.EQ else '!='} {_literal(dsl.value)}"

    def _search(self, coll: Collection, data: list[Any], field: str, opts: RetrieveOptions) -> list[dict[str, Any]]:
        top_k = min(int(opts.top_k), _MAX_TOP_K)
        output = [n for n in coll.scalars if n != FIELD_ID] + [_PARTITION]
        expr = self._filter(coll, opts)
        hits = self._loaded(coll.name, lambda: self.client.search(
            coll.name, data=data, anns_field=field, limit=top_k, filter=expr, output_fields=output,
            timeout=self.timeout))
        return list(hits[0]) if hits else []

    def _by_vector(self, coll: Collection, opts: RetrieveOptions) -> list[dict[str, Any]]:
        if opts.query_vector is None:
            raise invalid("vector retrieval needs query_vector (the caller's embedding of the query)")
        column = opts.vector_field or coll.default_vector()
        if column not in coll.vectors:
            raise invalid(f"collection {coll.name!r} has no vector field {column!r}; it has {sorted(coll.vectors)}")
        q = query_vector(opts.query_vector, coll.vectors[column])
        hits = self._search(coll, [q.tolist()], column, opts)
        # Ties in float32 similarity: by ascending id, as the DuckDB store orders them.
        return sorted(hits, key=lambda h: (-float(h["distance"]), int(h["id"])))

    def _by_text(self, coll: Collection, query: str, opts: RetrieveOptions) -> list[dict[str, Any]]:
        if opts.multi_match is not None:
            fields = coll.text_fields(list(opts.multi_match.fields))
            text = opts.multi_match.query
        else:
            fields, text = coll.text_fields(None), query
        if not text or not text.strip() or not fields:
            return []
        best: dict[int, dict[str, Any]] = {}
        for field in fields:
            for hit in self._search(coll, [text], _sparse(field), opts):
                # Milvus Lite reports a BM25 score as a negative distance; the score is its size.
                hit["distance"] = abs(float(hit["distance"]))
                prior = best.get(int(hit["id"]))
                if prior is None or hit["distance"] > prior["distance"]:
                    best[int(hit["id"])] = hit
        ranked = sorted(best.values(), key=lambda h: (-float(h["distance"]), int(h["id"])))
        return ranked[:int(opts.top_k)]

    def retrieve(self, collection: str, query: str, options: RetrieveOptions) -> list[Document]:
        opts = options
        coll = self._coll(collection)
        mode = RetrieveMode(opts.mode)
        if mode is RetrieveMode.VECTOR:
            hits = self._by_vector(coll, opts)
            ranked: Ranking = [(int(h["id"]), float(h["distance"])) for h in hits]
        elif mode is RetrieveMode.TEXT:
            hits = self._by_text(coll, query, opts)
            ranked = [(int(h["id"]), float(h["distance"])) for h in hits]
        else:
            by_vec = self._by_vector(coll, opts)
            by_text = self._by_text(coll, query, opts)
            hits = by_vec + by_text
            ranked = reciprocal_rank_fusion([[(int(h["id"]), 0.0) for h in by_vec],
                                             [(int(h["id"]), 0.0) for h in by_text]], opts.rrf_k, opts.top_k)
        if opts.score_threshold is not None:
            ranked = [(i, s) for i, s in ranked if s >= opts.score_threshold]
        entities = {int(h["id"]): h["entity"] for h in hits}
        docs = []
        for doc_id, score in ranked:
            values = dict(entities[doc_id])
            external = {k: v for k, v in values.items() if k not in (FIELD_CREATOR_ID, FIELD_TEXT_CONTENT, _PARTITION)}
            external["_partition"] = values.get(_PARTITION)
            docs.append(Document(id=str(doc_id), content=values.get(FIELD_TEXT_CONTENT) or "",
                                 creator_id=values.get(FIELD_CREATOR_ID), external=external, score=score))
        return docs


class MilvusDriver:
    """The SearchDriver over one Milvus database: retrieval only."""

    def __init__(self, client: MilvusClient, *, where: str, timeout: float) -> None:
        self.client = client
        self.where = where
        self.timeout = timeout
        self.documents = MilvusDocuments()
        self.retrieval = MilvusRetrieval(client, timeout)

    def __repr__(self) -> str:
        return f"MilvusDriver({self.where!r})"

    def ping(self) -> None:
        self.client.list_collections(timeout=self.timeout)

    def close(self) -> None:
        self.client.close()

    def backup(self, dest_dir: str) -> None:
        raise ProviderError(ErrorCode.UNIMPLEMENTED, f"backup of {self.where!r} is the Milvus server's job "
                            "(milvus-backup); cozelite backs up local data only")

    def classify_error(self, err: BaseException) -> ErrorClass:
        if isinstance(err, MilvusException):
            text = str(err).lower()
            if "unavailable" in text or "connect" in text or "deadline" in text or "timeout" in text:
                return ErrorClass(ErrorCode.UNAVAILABLE, "cannot reach the Milvus server; retry")
            if "illegal" in text or "invalid" in text or "exceed" in text:
                return ErrorClass(ErrorCode.INVALID_ARGUMENT)
        if isinstance(err, (ConnectionError, TimeoutError)):
            return ErrorClass(ErrorCode.UNAVAILABLE, "cannot reach the Milvus server; retry")
        return ErrorClass(ErrorCode.INTERNAL)

    def get_meta(self, key: str) -> str | None:
        raise ProviderError(ErrorCode.UNIMPLEMENTED, "milvus keeps no metadata for cozelite's tools")

    def set_meta(self, key: str, value: str | None) -> None:
        raise ProviderError(ErrorCode.UNIMPLEMENTED, "milvus keeps no metadata for cozelite's tools")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        raise ProviderError(ErrorCode.UNIMPLEMENTED, "milvus has no transactions")
        yield  # pragma: no cover


@RETRIEVAL.register("milvus")
def open_milvus(url: ProviderURL, **kwargs: Any) -> SearchProvider:
    url.reject_unknown_params(PARAMS)
    unknown = sorted(set(kwargs) - set(PARAMS))
    if unknown:
        raise invalid(f"unknown option(s) {', '.join(unknown)} for {url.redacted!r}; known: {', '.join(PARAMS)}")
    raw_timeout = kwargs.get("timeout", url.params.get("timeout", "5"))
    try:
        timeout = float(raw_timeout)
    except (TypeError, ValueError):
        timeout = -1.0
    if not timeout > 0:
        raise invalid(f"{url.redacted!r}: timeout={raw_timeout!r} must be a positive number of seconds")
    options: dict[str, Any] = {"timeout": timeout}
    if url.host:
        target = f"http://{url.host}:{url.port or 19530}"
        if url.username:
            options["token"] = f"{url.username}:{url.password or ''}"
        if url.params.get("db") or kwargs.get("db"):
            options["db_name"] = kwargs.get("db") or url.params["db"]
        server = target
    else:
        if not url.path or not url.path.endswith(".db"):
            raise invalid(f"{url.redacted!r}: Milvus Lite needs a file ending in .db (milvus:///var/data/milvus/r.db)"
                          " or a server (milvus://host:19530)")
        target = url.path
        server = f"Milvus Lite ({url.path})"
    try:
        client = MilvusClient(uri=target, **options)
        driver = MilvusDriver(client, where=url.redacted, timeout=timeout)
    except ProviderError:
        raise
    except Exception as err:
        raise ProviderError(ErrorCode.UNAVAILABLE, f"cannot open retrieval store {url.redacted!r} on {server}: "
                            f"{type(err).__name__}: {err}") from err
    return SearchProvider(driver, name="milvus")  # type: ignore[arg-type]


__all__ = ["MilvusDriver", "open_milvus"]
