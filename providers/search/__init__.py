"""Search providers (document search + knowledge retrieval), chosen by URI scheme.

    from providers.search import open_search
    s = open_search("duckdb:///var/data/duckdb/search.db")   # relative to the working directory
    s = open_search("duckdb:////srv/cozelite/search.db")     # absolute
    s.es.create_index("coze_resource", {"name": s.es.types().new_text_property()})
    s.searchstore.get_search_store("kb_1").retrieve("query", RetrieveOptions(...))

Schemes: ``duckdb`` (providers/search/duckdb.py documents every URI form and parameter).
The portable classes are in providers/search/contract.py, over the driver protocol of driver.py.
"""

from __future__ import annotations

from typing import Any

from providers.registry import SchemeRegistry
from providers.search.contract import DocumentSearch, RetrievalManager, SearchProvider, SearchStore

SEARCH: SchemeRegistry[SearchProvider] = SchemeRegistry("search", modules=("providers.search.duckdb",))


def open_search(uri: str, **kwargs: Any) -> SearchProvider:
    """Open the search provider named by ``uri``; keyword arguments go to the scheme's opener."""
    return SEARCH.open(uri, **kwargs)


__all__ = ["SEARCH", "DocumentSearch", "RetrievalManager", "SearchProvider", "SearchStore", "open_search"]
