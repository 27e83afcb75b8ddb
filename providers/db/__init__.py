"""User tables (Coze Studio's `rdb.RDB`), opened by URI: `open_rdb("sqlite:///var/data/sqlite/app.db")`.

Implementations register their schemes on `RDBS`; see providers/rdb/contract.py for the API.
"""

from __future__ import annotations

from typing import Any

from providers.rdb.contract import RDB
from providers.registry import SchemeRegistry

RDBS: SchemeRegistry[RDB] = SchemeRegistry("rdb", modules=("providers.rdb.sqlite",))


def open_rdb(uri: str, **kwargs: Any) -> RDB:
    """Open the rdb provider a URI names; an unknown scheme fails listing the available ones."""
    return RDBS.open(uri, **kwargs)


__all__ = ["RDBS", "open_rdb"]
