"""Search providers (document search + knowledge retrieval), chosen by URI scheme.

    from providers.search import open_search
    s = open_search("duckdb:///var/data/duckdb/search.db")   # relative to the working directory
    s = open_search("duckdb:////srv/cozelite/search.db")     # absolute
    s.es.create_index("coze_resource", {"name": s.es.types().new_text_property()})
    s.searchstore.get_search_store("kb_1").retrieve("query", RetrieveOptions(...))

Schemes: ``duckdb`` (providers/search/duckdb.py documents every URI form and parameter).
The portable classes are in providers/search/contract.py, over the driver protocol of driver.py.

Retrieval-only implementations have their own registry, `RETRIEVAL`: ``milvus`` (a Milvus server or
Milvus Lite file, providers/search/milvus.py). `open_retrieval(uri)` opens a URI of either registry
(every search implementation also serves retrieval); `split_search` (providers/search/split.py)
pairs document search from one provider with retrieval from another.
"""

from __future__ import annotations

from typing import Any

from providers.registry import SchemeRegistry
from providers.search.contract import DocumentSearch, RetrievalManager, SearchProvider, SearchStore

SEARCH: SchemeRegistry[SearchProvider] = SchemeRegistry("search", modules=("providers.search.duckdb",))
RETRIEVAL: SchemeRegistry[SearchProvider] = SchemeRegistry("retrieval", modules=("providers.search.milvus",))
SEARCH.refuse("es", "elasticsearch", "opensearch",
              why="no Elasticsearch/OpenSearch client is shipped (no such server could be tested); keep document "
                  "search on DuckDB (SEARCH_URI=duckdb:///var/data/duckdb/search.db) and, for retrieval on a "
                  "server, add RETRIEVAL_URI=milvus://HOST:19530")


def open_search(uri: str, **kwargs: Any) -> SearchProvider:
    """Open the search provider named by ``uri``; keyword arguments go to the scheme's opener."""
    return SEARCH.open(uri, **kwargs)


def retrieval_schemes() -> list[str]:
    """Every scheme a retrieval URI may use: the retrieval-only ones and every search one."""
    return sorted({*RETRIEVAL.schemes(), *SEARCH.schemes()})


def open_retrieval(uri: str, **kwargs: Any) -> SearchProvider:
    """Open a provider for retrieval (`.searchstore`): a retrieval-only scheme (milvus) or any search one."""
    if RETRIEVAL.has(uri):
        return RETRIEVAL.open(uri, **kwargs)
    if SEARCH.has(uri):
        return SEARCH.open(uri, **kwargs)
    return RETRIEVAL.open(uri, **kwargs)  # raises, listing the retrieval-only schemes


__all__ = ["RETRIEVAL", "SEARCH", "DocumentSearch", "RetrievalManager", "SearchProvider", "SearchStore",
           "open_retrieval", "open_search", "retrieval_schemes"]
