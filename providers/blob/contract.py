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
UTF-8, at most 1024 bytes, no NUL; and portable to a file system: relative, '/'-separated segments
that are not empty, ``.`` or ``..``, at most 250 bytes each, and not starting with a name reserved
for the implementations' own records (``.cozelite``, ``.presign-secret``). Listing order is
lexicographic by key. Every call after `close()` raises FAILED_PRECONDITION.

`BlobStore` is the portable type (these checks, the closed state, error wrapping, metrics, the
listing cursor) over an implementation's `BlobDriver` (providers/blob/driver.py).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import math
import mimetypes
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import BinaryIO, ClassVar, TypeAlias

from providers.blob.driver import BlobDriver
from providers.blob.objects import FileInfo, ListPage
from providers.errors import ErrorCode, ProviderError
from providers.portable import Portable

MAX_KEY_BYTES = 1024
# File systems allow 255-byte names; the file store's metadata file adds ".json".
MAX_SEGMENT_BYTES = 250
# Top-level names the implementations keep their own records under (metadata, temp files, the
# presign secret of the file store).
RESERVED_NAMES = frozenset({".cozelite", ".presign-secret"})
DEFAULT_URL_EXPIRY = 3600.0  # seconds a `FileInfo.url` (with_url=True) stays valid
MAX_PAGE_SIZE = 1000
_CHUNK = 1 << 20
_CONTENT_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+( *; *[\w.+-]+=(\"[^\"\r\n]*\"|[\w.+-]+))*")
MAX_TAGS = 10  # S3's limits for object tags
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
_TAG_CHARS = re.compile(r"[\w +\-=.:/@]*")

Expiry: TypeAlias = float | int | datetime.timedelta



def check_key(key: object) -> list[str]:
    """The key's path segments, or INVALID_ARGUMENT."""
    if not isinstance(key, str):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key must be a str, not {type(key).__name__}")
    if not key:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, "blob key must not be empty")
    if "\x00" in key:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key {key[:60]!r} contains NUL")
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError as err:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key {key[:60]!r} is not valid Unicode") from err
    if size > MAX_KEY_BYTES:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key is {size} bytes; at most {MAX_KEY_BYTES}")
    if key.startswith("/"):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key {key[:60]!r} is absolute; keys are relative")
    segments = key.split("/")
    for seg in segments:
        if seg in ("", ".", ".."):
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT,
                f"blob key {key[:60]!r} has an empty, '.' or '..' segment (or a trailing '/'); keys cannot "
                "navigate directories")
        if len(seg.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT,
                f"blob key {key[:60]!r} has a segment longer than {MAX_SEGMENT_BYTES} bytes between '/'s "
                "(a file-name limit)")
    if segments[0] in RESERVED_NAMES:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key {key[:60]!r} uses the reserved name {segments[0]!r}")
    return segments


def content_type_for(content_type: str | None, key: str) -> str:
    """The content type to store: the given one, checked, or a guess from the key's name."""
    if content_type is None or content_type == "":
        guessed, _ = mimetypes.guess_type(key, strict=False)
        return guessed or "application/octet-stream"
    if not isinstance(content_type, str) or len(content_type) > 255 or not _CONTENT_TYPE.fullmatch(content_type):
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT, f"blob content type {content_type!r} is not a valid media type (type/subtype)")
    return content_type


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
        try:
            seconds = float(expires_in)
        except OverflowError:  # an int beyond any float (10**400)
            seconds = math.inf
    else:
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT,
            f"presign expiry must be seconds or a timedelta, not {type(expires_in).__name__}")
    if not 0 < seconds <= 7 * 24 * 3600:
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT, f"presign expiry must be > 0 and at most 7 days, got {seconds} s")
    return seconds


def _stream_chunks(stream: BinaryIO | Iterable[bytes]) -> Iterator[bytes]:
    read = getattr(stream, "read", None)
    if callable(read):
        while True:
            chunk = read(_CHUNK)
            if not chunk:
                return
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise ProviderError(
                    ErrorCode.INVALID_ARGUMENT, "blob put_stream needs a binary stream (read() -> bytes)")
            yield bytes(chunk)
    elif isinstance(stream, (bytes, bytearray, memoryview, str)):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, "blob put_stream takes a stream or an iterable of chunks; "
                            "use put() for bytes")
    else:
        try:
            iterator = iter(stream)
        except TypeError as err:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT, f"blob put_stream cannot read a {type(stream).__name__}") from err
        for chunk in iterator:
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise ProviderError(
                    ErrorCode.INVALID_ARGUMENT, f"blob put_stream chunk must be bytes, not {type(chunk).__name__}")
            yield bytes(chunk)


def _limited(chunks: Iterable[bytes], key: str, limit: int) -> Iterator[bytes]:
    # Counted while the driver writes: a stream's size is known only at its end.
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT, f"blob {key!r} is larger than this store's max_object_bytes={limit}")
        yield chunk


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: object) -> str:
    """The key a cursor continues after ("" for the first page)."""
    if not isinstance(cursor, str):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob cursor must be a str, not {type(cursor).__name__}")
    if not cursor:
        return ""
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as err:
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT, f"blob cursor {cursor[:40]!r} is not one this store returned") from err


def _check_prefix(prefix: object) -> str:
    if not isinstance(prefix, str):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob prefix must be a str, not {type(prefix).__name__}")
    return prefix


class BlobStore(Portable[BlobDriver]):
    """An object store: the portable type over a `BlobDriver`. Thread-safe."""

    area: ClassVar[str] = "blob"

    def put(
        self, key: str, data: bytes, *, content_type: str | None = None, tagging: Mapping[str, str] | None = None,
    ) -> None:
        """Store ``data`` under ``key`` atomically (readers see the old object or the new one)."""
        check_key(key)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT, f"blob put needs bytes, not {type(data).__name__}; encode text first")
        ctype = content_type_for(content_type, key)
        tags = check_tagging(tagging)
        body = bytes(data)
        limit = self._driver.max_object_bytes
        if len(body) > limit:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT, f"blob {key!r} is larger than this store's max_object_bytes={limit}")
        self._run("put", self._driver.write, key, [body] if body else [], ctype, tags)

    def put_stream(
        self, key: str, stream: BinaryIO | Iterable[bytes], *, content_type: str | None = None,
        tagging: Mapping[str, str] | None = None,
    ) -> None:
        """Like `put`, reading a binary file object or an iterable of byte chunks."""
        check_key(key)
        ctype = content_type_for(content_type, key)
        tags = check_tagging(tagging)
        chunks = _limited(_stream_chunks(stream), key, self._driver.max_object_bytes)
        self._run("put_stream", self._driver.write, key, chunks, ctype, tags)

    def get(self, key: str) -> bytes:
        """The object's bytes; NOT_FOUND when missing."""
        check_key(key)
        return self._run("get", self._read_all, key)

    def _read_all(self, key: str) -> bytes:
        with self._driver.open_read(key) as fh:
            return fh.read()

    def get_stream(self, key: str) -> BinaryIO:
        """An open binary file object on the object (the caller closes it); NOT_FOUND when missing."""
        check_key(key)
        return self._run("get_stream", self._driver.open_read, key)

    def delete(self, key: str) -> None:
        """Remove the object; a missing key is not an error."""
        check_key(key)
        self._run("delete", self._driver.delete, key)

    def head(self, key: str, *, with_tagging: bool = False, with_url: bool = False) -> FileInfo | None:
        """The object's metadata, or None when missing."""
        check_key(key)
        return self._run("head", self._driver.head, key, with_tagging, with_url)

    def list_all(self, prefix: str = "", *, with_tagging: bool = False, with_url: bool = False) -> list[FileInfo]:
        """Every object whose key starts with ``prefix``, sorted by key."""
        _check_prefix(prefix)
        files, _ = self._run("list", self._driver.list_objects, prefix, "", None, with_tagging, with_url)
        return files

    def list_paginated(
        self, prefix: str = "", *, page_size: int = 100, cursor: str = "", with_tagging: bool = False,
        with_url: bool = False,
    ) -> ListPage:
        """One page of `list_all`; pass the returned cursor to get the next."""
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT, f"blob page_size must be 1..{MAX_PAGE_SIZE}, got {page_size!r}")
        start_after = decode_cursor(cursor)
        _check_prefix(prefix)
        files, more = self._run("list", self._driver.list_objects, prefix, start_after, page_size, with_tagging,
                                with_url)
        next_cursor = encode_cursor(files[-1].key) if more and files else ""
        return ListPage(files=files, cursor=next_cursor, is_truncated=more)

    def presign_get(self, key: str, expires_in: Expiry) -> str:
        """A URL that lets anyone GET the object until it expires (Go's GetObjectUrl)."""
        check_key(key)
        seconds = expiry_seconds(expires_in)
        return self._run("presign_get", self._driver.presign, key, seconds)

    def verify_presigned(self, key: str, expires: str, sig: str) -> bool:
        """Whether a presigned URL's ``expires`` and ``sig`` are valid for ``key`` right now."""
        if not isinstance(key, str) or not isinstance(expires, str) or not isinstance(sig, str):
            return False
        try:
            check_key(key)
        except ProviderError:
            return False
        return self._run("verify_presigned", self._driver.verify, key, expires, sig)


__all__ = ["DEFAULT_URL_EXPIRY", "MAX_KEY_BYTES", "MAX_SEGMENT_BYTES", "RESERVED_NAMES", "BlobStore", "Expiry",
           "FileInfo", "ListPage", "check_key", "check_tagging", "content_type_for", "decode_cursor", "encode_cursor",
           "expiry_seconds"]
