"""One search provider made of two: document search from one implementation, retrieval from another.

Coze Studio runs document search on Elasticsearch and retrieval on Milvus. cozelite ships no
Elasticsearch client, so a deployment that puts retrieval on a Milvus server keeps document search
on DuckDB: `split_search(duckdb_provider, milvus_provider)` is the `SearchProvider` the app uses
(`.es` served by the first, `.searchstore` by the second).

The split driver:
- `ping` reaches both backends (the area is healthy only when both are);
- `close` closes both;
- `get_meta` / `set_meta` / `transaction` are the document store's (backfill checkpoints live with
  the documents they describe);
- `backup` copies the document store only: retrieval data on a server is that server's to back up
  (the backup command says so).
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from providers.errors import ErrorCode
from providers.portable import ErrorClass
from providers.search.contract import SearchProvider
from providers.search.driver import DocumentDriver, RetrievalDriver, SearchDriver


class SplitDriver:
    """A SearchDriver whose documents and retrieval come from two providers' drivers."""

    def __init__(self, documents: SearchProvider, retrieval: SearchProvider) -> None:
        self._docs_provider = documents
        self._retrieval_provider = retrieval
        self._docs: SearchDriver = documents.driver
        self._ret: SearchDriver = retrieval.driver

    def __repr__(self) -> str:
        return f"SplitDriver(documents={self._docs!r}, retrieval={self._ret!r})"

    @property
    def documents(self) -> DocumentDriver:
        return self._docs.documents

    @property
    def retrieval(self) -> RetrievalDriver:
        return self._ret.retrieval

    def ping(self) -> None:
        self._docs.ping()
        self._ret.ping()

    def close(self) -> None:
        try:
            self._retrieval_provider.close()
        finally:
            self._docs_provider.close()

    def backup(self, dest_dir: str) -> None:
        self._docs.backup(dest_dir)

    def classify_error(self, err: BaseException) -> ErrorClass:
        # The error came from one of the two; the one that recognises it wins.
        first = self._ret.classify_error(err)
        if first.code is not ErrorCode.INTERNAL:
            return first
        return self._docs.classify_error(err)

    def get_meta(self, key: str) -> str | None:
        return self._docs.get_meta(key)

    def set_meta(self, key: str, value: str | None) -> None:
        self._docs.set_meta(key, value)

    def transaction(self) -> AbstractContextManager[None]:
        return self._docs.transaction()


def split_search(documents: SearchProvider, retrieval: SearchProvider) -> SearchProvider:
    """The provider serving `.es` from `documents` and `.searchstore` from `retrieval`; it owns both
    (closing it closes them). Its implementation name is "<documents>+<retrieval>"."""
    return SearchProvider(SplitDriver(documents, retrieval),
                          name=f"{documents.implementation}+{retrieval.implementation}")
