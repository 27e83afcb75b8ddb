"""blob providers (Coze Studio's storage), chosen by URI scheme.

    from providers.blob import open_blob
    blob = open_blob("file:///var/data/blob?base_url=http://127.0.0.1:8080")
    blob.put("docs/a.txt", b"hi", content_type="text/plain")
    url = blob.presign_get("docs/a.txt", 3600)   # served by `cozelite serve` at GET /blob/{key}

Every store is the portable `BlobStore` (providers/blob/contract.py) over an implementation's driver
(providers/blob/driver.py). Implementations: ``file`` (providers/blob/file.py) and ``s3``
(providers/blob/s3.py, any S3-API server); each module documents its URI and parameters.
"""

from __future__ import annotations

from typing import Any

from providers.blob.contract import BlobStore
from providers.blob.objects import FileInfo, ListPage
from providers.registry import SchemeRegistry

BLOB: SchemeRegistry[BlobStore] = SchemeRegistry("blob", modules=("providers.blob.file", "providers.blob.s3"))


def open_blob(uri: str, **kwargs: Any) -> BlobStore:
    """Open the blob store named by ``uri``; keyword arguments go to the scheme's opener."""
    return BLOB.open(uri, **kwargs)


__all__ = ["BLOB", "BlobStore", "FileInfo", "ListPage", "open_blob"]
