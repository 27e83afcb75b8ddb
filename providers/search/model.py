"""The value types of the search contracts (Coze Studio's es/model.go, es/query.go and
searchstore's types): queries, requests, responses, bulk items, collection fields, documents and
retrieval options. The portable classes that take and return them are in contract.py, which
re-exports every name here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

# ---------------------------------------------------------------------------------------------
# Document search: es.Client
# ---------------------------------------------------------------------------------------------


class QueryType(StrEnum):
    EQUAL = "equal"
    MATCH = "match"
    MULTI_MATCH = "multi_match"
    NOT_EXISTS = "not_exists"
    CONTAINS = "contains"
    IN = "in"


OR = "or"
AND = "and"
BEST_FIELDS = "best_fields"


@dataclass(frozen=True)
class KV:
    key: str
    value: Any = None


@dataclass(frozen=True)
class MultiMatchQuery:
    fields: tuple[str, ...]
    query: str
    type: str = BEST_FIELDS
    operator: str = OR


@dataclass(frozen=True)
class BoolQuery:
    filter: tuple[Query, ...] = ()
    must: tuple[Query, ...] = ()
    must_not: tuple[Query, ...] = ()
    should: tuple[Query, ...] = ()
    minimum_should_match: int | None = None


@dataclass(frozen=True)
class Query:
    """One node of a search query: a leaf (`type` + `kv` or `multi_match`) or a bool query.

    As in the Go struct, a node with `bool` set is a bool query (its leaf fields are ignored)."""

    type: QueryType | None = None
    kv: KV | None = None
    multi_match: MultiMatchQuery | None = None
    bool: BoolQuery | None = None


def new_equal_query(key: str, value: Any) -> Query:
    return Query(type=QueryType.EQUAL, kv=KV(key, value))


def new_match_query(key: str, value: Any) -> Query:
    return Query(type=QueryType.MATCH, kv=KV(key, value))


def new_multi_match_query(fields: Sequence[str], query: str, type_: str = BEST_FIELDS, operator: str = OR) -> Query:
    return Query(type=QueryType.MULTI_MATCH, multi_match=MultiMatchQuery(tuple(fields), query, type_, operator))


def new_not_exists_query(key: str) -> Query:
    return Query(type=QueryType.NOT_EXISTS, kv=KV(key))


def new_contains_query(key: str, value: Any) -> Query:
    return Query(type=QueryType.CONTAINS, kv=KV(key, value))


def new_in_query(key: str, values: Iterable[Any]) -> Query:
    return Query(type=QueryType.IN, kv=KV(key, tuple(values)))


def new_bool_query(*, filter: Iterable[Query] = (), must: Iterable[Query] = (), must_not: Iterable[Query] = (),
                   should: Iterable[Query] = (), minimum_should_match: int | None = None) -> Query:
    return Query(bool=BoolQuery(tuple(filter), tuple(must), tuple(must_not), tuple(should), minimum_should_match))


class PropertyType(StrEnum):
    LONG = "long"
    UNSIGNED_LONG = "unsigned_long"
    TEXT = "text"


class Types:
    """es.Types: the property mappings `create_index` accepts (ES mapping objects)."""

    def new_long_number_property(self) -> dict[str, str]:
        return {"type": PropertyType.LONG.value}

    def new_text_property(self) -> dict[str, str]:
        return {"type": PropertyType.TEXT.value}

    def new_unsigned_long_number_property(self) -> dict[str, str]:
        return {"type": PropertyType.UNSIGNED_LONG.value}


@dataclass(frozen=True)
class SortField:
    field: str
    asc: bool = True


@dataclass
class Request:
    """es.Request. `size` defaults to 10 and `from_` to 0, as in Elasticsearch; `search_after`
    (values of the sort fields of the last hit seen) is used only when `from_` is None."""

    query: Query | None = None
    size: int | None = None
    from_: int | None = None
    min_score: float | None = None
    sort: Sequence[SortField] = ()
    search_after: Sequence[Any] = ()


@dataclass
class Hit:
    id: str
    score: float | None
    source: dict[str, Any]
    sort: list[Any] = field(default_factory=list)


@dataclass
class Response:
    hits: list[Hit]
    total: int
    max_score: float | None


class BulkAction(StrEnum):
    INDEX = "index"    # create or replace
    CREATE = "create"  # fails with ALREADY_EXISTS when the id exists
    UPDATE = "update"  # partial update of an existing document
    DELETE = "delete"


@dataclass
class BulkIndexerItem:
    action: BulkAction | str
    document_id: str
    body: Mapping[str, Any] | str | bytes | None = None  # a JSON object, as a mapping or JSON text
    index: str | None = None  # defaults to the indexer's index


# ---------------------------------------------------------------------------------------------
# Retrieval: searchstore.Manager and searchstore.SearchStore
# ---------------------------------------------------------------------------------------------

# An embedding: any sequence of floats, numpy arrays included (what embedding models return).
Vector: TypeAlias = Sequence[float] | npt.NDArray[np.floating[Any]]

FIELD_ID = "id"                      # int64, the primary key
FIELD_CREATOR_ID = "creator_id"      # int64
FIELD_TEXT_CONTENT = "text_content"  # text


class FieldType(IntEnum):
    UNKNOWN = 0
    INT64 = 1
    TEXT = 2
    DENSE_VECTOR = 3
    SPARSE_VECTOR = 4


class SearchStoreType(StrEnum):
    VECTOR = "vector"
    TEXT = "text"


@dataclass(frozen=True)
class Field:
    """A collection field. A TEXT field with `indexing=True` is searchable by text (BM25) and has
    a companion dense vector of `dim` dimensions (named `dense_vector_name(name)`) that holds the
    caller's embedding of it; a DENSE_VECTOR field needs `dim`."""

    name: str
    type: FieldType
    description: str = ""
    nullable: bool = False
    is_primary: bool = False
    indexing: bool = False
    dim: int | None = None


def dense_vector_name(field_name: str) -> str:
    return f"dense_{field_name}"


@dataclass
class CreateRequest:
    collection_name: str
    fields: Sequence[Field]
    collection_meta: Mapping[str, str] = field(default_factory=dict)


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    LIKE = "like"
    IN = "in"
    AND = "and"
    OR = "or"


@dataclass(frozen=True)
class DSL:
    """searchstore.DSL: a filter over scalar fields; AND/OR take a sequence of DSL as `value`.
    LIKE uses SQL patterns (% and _)."""

    op: Op
    field: str = ""
    value: Any = None


@dataclass
class Document:
    """eino's schema.Document as the searchstore uses it: `creator_id` is MetaDataKeyCreatorID,
    `external` is MetaDataKeyExternalStorage (the other scalar and vector fields), `dense_vector`
    the embedding of `content`; `score` is set on retrieved documents."""

    id: str
    content: str = ""
    creator_id: int | None = None
    dense_vector: Vector | None = None
    external: dict[str, Any] = field(default_factory=dict)
    score: float | None = None


class RetrieveMode(StrEnum):
    VECTOR = "vector"  # cosine similarity to `query_vector`
    TEXT = "text"      # BM25 of the query text
    HYBRID = "hybrid"  # both, fused by reciprocal rank


@dataclass(frozen=True)
class MultiMatch:
    fields: tuple[str, ...]
    query: str


@dataclass
class RetrieveOptions:
    """retriever.Options + searchstore.RetrieverOptions.

    `query_vector` is the caller's embedding of the query (needed for VECTOR and HYBRID);
    `multi_match` searches other indexed text fields than text_content (TEXT and HYBRID);
    `exact=True` forces an exact vector scan even where an approximate index exists."""

    top_k: int = 10
    score_threshold: float | None = None
    partitions: Sequence[str] | None = None
    dsl: DSL | None = None
    mode: RetrieveMode = RetrieveMode.VECTOR
    query_vector: Vector | None = None
    vector_field: str | None = None
    multi_match: MultiMatch | None = None
    rrf_k: int = 60
    exact: bool = False
