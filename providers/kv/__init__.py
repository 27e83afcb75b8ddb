"""kv providers (Redis-like), chosen by URI scheme.

    from providers.kv import open_kv
    kv = open_kv("lmdb:///var/data/kv")        # relative to the working directory
    kv = open_kv("lmdb:////srv/cozelite/kv")   # absolute

Every store is the portable `KVStore` (providers/kv/contract.py) over an implementation's driver
(providers/kv/driver.py). Implementations (every URI form and parameter documented in
their modules): ``lmdb`` (providers/kv/lmdb.py, embedded) and ``redis`` (providers/kv/redis.py:
``redis://``, ``rediss://``, ``unix://`` on a Redis server).
"""

from __future__ import annotations

from typing import Any

from providers.kv.contract import KVStore, Pipeline
from providers.registry import SchemeRegistry

KV: SchemeRegistry[KVStore] = SchemeRegistry("kv", modules=("providers.kv.lmdb", "providers.kv.redis"))
KV.refuse("badger", "nutsdb", instead="lmdb",
          why="Badger and NutsDB are Go libraries; the embedded kv store here is LMDB (same role: one "
              "directory of local files, no server)")


def open_kv(uri: str, **kwargs: Any) -> KVStore:
    """Open the kv store named by ``uri``; keyword arguments go to the scheme's opener."""
    return KV.open(uri, **kwargs)


__all__ = ["KV", "KVStore", "Pipeline", "open_kv"]
