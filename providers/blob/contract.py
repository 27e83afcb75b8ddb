"""The blob contract: the Python face of Coze Studio's `storage.Storage`.

Go: PutObject / PutObjectWithReader (options content type, tagging, object size), GetObject,
DeleteObject, GetObjectUrl (presigned, option expire), HeadObject, ListAllObjects,
ListObjectsPaginated (prefix, page size, cursor -> files, cursor, is-truncated), `FileInfo{Key,
LastModified, ETag, Size, URL, Tagging}`.

Python: `put`, `put_stream`, `get` (+ `get_stream` for serving large objects), `delete`, `head`,
`list_all`, `list_paginated`, `presign_get` (Go's GetObjectUrl) and `verify_presigned` (what the
server checks when it serves a presigned URL).

Semantics: `get` of a missing key raises NOT_FOUND (Go's ErrObjectNotFound); `head` of a missing key
returns None; `delete` of a missing key is not an error (as in S3). Keys are S3-like: non-empty
UTF-8, at most 1024 bytes, no NUL. Listing order is lexicographic by key.
"""

from __future__ import annotations

import datetime
import re
from abc import abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, TypeAlias

from providers.errors import ErrorCode, ProviderError
from providers.lifecycle import Provider

MAX_KEY_BYTES = 1024
MAX_TAGS = 10  # S3's limits for object tags
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
_TAG_CHARS = re.compile(r"[\w +\-=.:/@]*")

Expiry: TypeAlias = float | int | datetime.timedelta


@dataclass(frozen=True)
class FileInfo:
    key: str
    last_modified: datetime.datetime
    etag: str
    size: int
    content_type: str = "application/octet-stream"
    url: str = ""
    tagging: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListPage:
    files: list[FileInfo]
    cursor: str  # pass back to get the next page; "" when is_truncated is False
    is_truncated: bool


def check_tagging(tagging: Mapping[str, str] | None) -> dict[str, str]:
    if tagging is None:
        return {}
    if not isinstance(tagging, Mapping):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob tagging must be a mapping, not {type(tagging).__name__}")
    if len(tagging) > MAX_TAGS:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob tagging has {len(tagging)} tags; at most {MAX_TAGS}")
    out: dict[str, str] = {}
    for k, v in tagging.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob tag {k!r}={v!r}: keys and values must be str")
        if not k or len(k) > MAX_TAG_KEY or len(v) > MAX_TAG_VALUE:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT,
                f"blob tag {k[:40]!r}: key must be 1..{MAX_TAG_KEY} and value 0..{MAX_TAG_VALUE} characters")
        if not _TAG_CHARS.fullmatch(k) or not _TAG_CHARS.fullmatch(v):
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT,
                f"blob tag {k[:40]!r}: only letters, digits, spaces and + - = . _ : / @ are allowed")
        out[k] = v
    return out


def expiry_seconds(expires_in: Expiry) -> float:
    if isinstance(expires_in, datetime.timedelta):
        seconds = expires_in.total_seconds()
    elif isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool):
        seconds = float(expires_in)
    else:
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT,
            f"presign expiry must be seconds or a timedelta, not {type(expires_in).__name__}")
    if not 0 < seconds <= 7 * 24 * 3600:
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT, f"presign expiry must be > 0 and at most 7 days, got {seconds} s")
    return seconds


class BlobStore(Provider):
    """An object store. Thread-safe."""

    @abstractmethod
    def put(
        self, key: str, data: bytes, *, content_type: str | None = None, tagging: Mapping[str, str] | None = None,
    ) -> None:
        """Store ``data`` under ``key`` atomically (readers see the old object or the new one)."""

    @abstractmethod
    def put_stream(
        self, key: str, stream: BinaryIO | Iterable[bytes], *, content_type: str | None = None,
        tagging: Mapping[str, str] | None = None,
    ) -> None:
        """Like `put`, reading a binary file object or an iterable of byte chunks."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """The object's bytes; NOT_FOUND when missing."""

    @abstractmethod
    def get_stream(self, key: str) -> BinaryIO:
        """An open binary file object on the object (the caller closes it); NOT_FOUND when missing."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; a missing key is not an error."""

    @abstractmethod
    def head(self, key: str, *, with_tagging: bool = False, with_url: bool = False) -> FileInfo | None:
        """The object's metadata, or None when missing."""

    @abstractmethod
    def list_all(self, prefix: str = "", *, with_tagging: bool = False, with_url: bool = False) -> list[FileInfo]:
        """Every object whose key starts with ``prefix``, sorted by key."""

    @abstractmethod
    def list_paginated(
        self, prefix: str = "", *, page_size: int = 100, cursor: str = "", with_tagging: bool = False,
        with_url: bool = False,
    ) -> ListPage:
        """One page of `list_all`; pass the returned cursor to get the next."""

    @abstractmethod
    def presign_get(self, key: str, expires_in: Expiry) -> str:
        """A URL that lets anyone GET the object until it expires (Go's GetObjectUrl)."""

    @abstractmethod
    def verify_presigned(self, key: str, expires: str, sig: str) -> bool:
        """Whether a presigned URL's ``expires`` and ``sig`` are valid for ``key`` right now."""

