"""User tables (Coze Studio's `rdb.RDB`), opened by URI: `open_db("sqlite:///var/data/sqlite/app.db")`.

Implementations register their schemes on `DB`; see providers/db/contract.py for the API.
"""

from __future__ import annotations

from typing import Any

from providers.db.contract import RDB
from providers.registry import SchemeRegistry

DB: SchemeRegistry[RDB] = SchemeRegistry(
    "db", modules=("providers.db.sqlite", "providers.db.mysql", "providers.db.postgres"))


def open_db(uri: str, **kwargs: Any) -> RDB:
    """Open the db provider a URI names; an unknown scheme fails listing the available ones."""
    return DB.open(uri, **kwargs)


__all__ = ["DB", "open_db"]
