"""Per-user files in the blob provider: upload, presigned download URL, list, delete.

The blob key is `files/<user id>/<file id>`: chosen by the server, never from the client's file
name, so no name can reach another user's objects. The file's record (name, type, size, SHA-256)
lives in the `files` metadata table; the bytes are written first and the record last, so a
listed file always has its bytes. Downloads go through a presigned URL that expires: the blob
provider's own (S3) or one the server signs and serves itself (`GET /blob/...`, file store).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from cozelite.flows.context import Caller
from cozelite.flows.errors import BadRequest, NotFound, TooLarge
from cozelite.flows.metadata import eq, new_id, now_ms
from providers.db.contract import OrderBy, SortDirection
from providers.errors import ProviderError

_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,128}(\s*;[\x20-\x7e]{0,200})?$")
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    id: str
    name: str
    content_type: str
    size: int
    checksum: str
    created_at: int
    blob_key: str


def _file(row: dict[str, Any]) -> StoredFile:
    return StoredFile(id=row["id"], name=row["name"], content_type=row["content_type"], size=int(row["size"]),
                      checksum=row["checksum"], created_at=int(row["created_at"]), blob_key=row["blob_key"])


def _clean_name(name: str | None) -> str:
    # Only for display: the last path segment, control characters removed, bounded.
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())[:255]
    return base or "file"


def _content_type(value: str | None) -> str:
    value = (value or "").strip()
    return value if _MEDIA_TYPE.match(value) else "application/octet-stream"


class _Counting:
    """Reads the upload in chunks, counting and hashing, and stops past the limit."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        self.fh = fh
        self.limit = limit
        self.size = 0
        self.sha = hashlib.sha256()

    def chunks(self) -> Iterator[bytes]:
        while chunk := self.fh.read(_CHUNK):
            self.size += len(chunk)
            if self.size > self.limit:
                raise TooLarge(f"the file is larger than {self.limit} bytes (COZE_API_MAX_UPLOAD_BYTES)")
            self.sha.update(chunk)
            yield chunk


def upload_file(services: Any, caller: Caller, fh: BinaryIO, *, name: str | None,
                content_type: str | None) -> StoredFile:
    file_id = new_id("file")
    key = f"files/{caller.user_id}/{file_id}"
    ctype = _content_type(content_type)
    reader = _Counting(fh, services.settings.max_upload_bytes)
    try:
        services.blob.put_stream(key, reader.chunks(), content_type=ctype)
    except (TooLarge, ProviderError):
        # The provider wraps what the chunk reader raises: the size decides which error it was.
        if reader.size > reader.limit:
            services.blob.delete(key)
            raise TooLarge(f"the file is larger than {reader.limit} bytes (COZE_API_MAX_UPLOAD_BYTES)") from None
        raise
    stored = StoredFile(id=file_id, name=_clean_name(name), content_type=ctype, size=reader.size,
                        checksum=reader.sha.hexdigest(), created_at=now_ms(), blob_key=key)
    services.db.insert_data("files", [{"id": stored.id, "owner": caller.user_id, "name": stored.name,
                                       "content_type": stored.content_type, "size": stored.size,
                                       "checksum": stored.checksum, "blob_key": key,
                                       "created_at": stored.created_at}])
    return stored


def get_file(services: Any, caller: Caller, file_id: str) -> StoredFile:
    rows = services.db.select_data("files", where=eq(id=file_id, owner=caller.user_id), limit=1).result_set.rows
    if not rows:
        raise NotFound(f"no file {file_id!r}", code="file_not_found")
    return _file(rows[0])


def list_files(services: Any, caller: Caller, *, limit: int = 100, offset: int = 0) -> tuple[list[StoredFile], int]:
    result = services.db.select_data("files", where=eq(owner=caller.user_id),
                                     order_by=[OrderBy("created_at", SortDirection.DESC)], limit=limit, offset=offset)
    return [_file(r) for r in result.result_set.rows], result.total


def download_url(services: Any, caller: Caller, file_id: str, expires_in: int | None = None) -> tuple[str, int]:
    """(a URL anyone holding it can GET the file with until it expires, that instant in ms)."""
    stored = get_file(services, caller, file_id)
    settings = services.settings
    seconds = settings.presign_seconds if expires_in is None else expires_in
    if not 1 <= seconds <= settings.max_presign_seconds:
        raise BadRequest(f"expires_in must be 1-{settings.max_presign_seconds} seconds")
    return services.blob.presign_get(stored.blob_key, seconds), now_ms() + seconds * 1000


def delete_file(services: Any, caller: Caller, file_id: str) -> None:
    stored = get_file(services, caller, file_id)
    # The record first: once it is gone nobody can reach the bytes through the API.
    services.db.delete_data("files", where=eq(id=file_id, owner=caller.user_id))
    services.blob.delete(stored.blob_key)
