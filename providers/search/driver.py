"""The search driver protocol: what an implementation provides under the portable `SearchProvider`.

The portable classes in contract.py validate every argument first (names, ids, JSON bodies, the query
compiled into the IR of query.py, bulk items, collection fields, retrieval options), so a driver
receives checked values. A driver still checks what needs its stored state (a document against its
index's properties or its collection's fields, with the shared rules of schema.py) and raises
ProviderError for contract outcomes (NOT_FOUND, ALREADY_EXISTS, ...) or its native errors, which
the portable layer wraps with `classify_error`.

A driver is used from many threads: each call must be atomic on its own, and `transaction()` makes
the calls inside the block one atomic unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from providers.errors import ProviderError
from providers.portable import Driver
from providers.search.model import BulkAction, Document, Field, Response, RetrieveOptions, SearchStoreType, SortField
from providers.search.query import Node


@dataclass(frozen=True)
class SearchPage:
    """Which hits of a search to return: sorted by `sort` (by score when empty), at least
    `min_score`; `size` hits from `offset`, or, with `search_after`, the first `size` hits whose
    sort values come after it (ranking.comes_after)."""

    size: int
    offset: int
    min_score: float | None
    sort: tuple[SortField, ...]
    search_after: tuple[Any, ...] | None


@dataclass(frozen=True)
class BulkOp:
    """One checked bulk item: `position` in the caller's list; `body` is None for DELETE and, for
    UPDATE, the partial document to merge."""

    position: int
    index: str
    action: BulkAction
    id: str
    body: dict[str, Any] | None
    where: str  # how errors name the item


class DocumentDriver(Protocol):
    def index_exists(self, index: str) -> bool: ...

    def create_index(self, index: str, properties: Mapping[str, str]) -> None:
        """ALREADY_EXISTS when the index exists."""
        ...

    def delete_index(self, index: str) -> None:
        """A missing index is not an error."""
        ...

    def put(self, index: str, id: str, document: dict[str, Any]) -> None:
        """Create or replace a document; creates the index (no properties) when missing."""
        ...

    def update(self, index: str, id: str, patch: Mapping[str, Any]) -> None:
        """Merge top-level fields; NOT_FOUND when the index or the document is missing."""
        ...

    def delete(self, index: str, id: str) -> None:
        """NOT_FOUND when the index or the document is missing."""
        ...

    def delete_by_query(self, index: str, query: Node) -> int:
        """NOT_FOUND when the index is missing; returns how many documents were deleted."""
        ...

    def search(self, index: str, query: Node, page: SearchPage) -> Response:
        """NOT_FOUND when the index is missing."""
        ...

    def bulk(self, indexes: Sequence[str], ops: Sequence[BulkOp]) -> list[tuple[int, ProviderError]]:
        """In one transaction: create the missing `indexes`, then apply `ops` in order; an op's
        failure fails it alone. Returns (position, error) of the failed ops."""
        ...


class RetrievalDriver(Protocol):
    def store_type(self) -> SearchStoreType: ...

    def create_collection(self, name: str, fields: Sequence[Field], meta: Mapping[str, str]) -> None:
        """`fields` are normalized (schema.normalize_fields). ALREADY_EXISTS when the collection
        exists with other fields; the same fields again is a no-op."""
        ...

    def drop_collection(self, name: str) -> None:
        """A missing collection is not an error."""
        ...

    def collection_exists(self, name: str) -> bool: ...

    def list_collections(self) -> list[str]: ...

    def store(self, collection: str, docs: Sequence[Document], partition: str) -> list[str]:
        """Upsert non-empty `docs` (checked with schema.collection_rows); returns their ids."""
        ...

    def retrieve(self, collection: str, query: str, options: RetrieveOptions) -> list[Document]:
        """`options.top_k` > 0 and `options.mode` a RetrieveMode."""
        ...

    def delete(self, collection: str, ids: Sequence[int]) -> None:
        """Unknown ids are ignored."""
        ...

    def build_vector_index(self, collection: str) -> None:
        """Build an approximate index of each vector field now, or raise UNIMPLEMENTED."""
        ...

    def has_vector_index(self, collection: str) -> bool: ...


class SearchDriver(Driver, Protocol):
    @property
    def documents(self) -> DocumentDriver: ...

    @property
    def retrieval(self) -> RetrievalDriver: ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str | None) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...
