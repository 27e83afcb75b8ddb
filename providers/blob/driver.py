"""The blob driver protocol: what an implementation (a local directory, later S3) fills in.

Arguments arrive validated by `providers.blob.contract`: keys pass `check_key`, the content type is
resolved (guessed from the key when not given), tags are checked, the chunks of a write are bytes and
stop with INVALID_ARGUMENT past `max_object_bytes`. The closed state, error wrapping and metrics are
the portable `BlobStore`'s. Missing objects: `open_read` raises NOT_FOUND, `head` returns None,
`delete` does nothing (as in S3).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO, Protocol

from providers.blob.objects import FileInfo
from providers.portable import Driver


class BlobDriver(Driver, Protocol):
    @property
    def max_object_bytes(self) -> int:
        """The largest object this store takes (the portable type refuses larger ones)."""
        ...

    def write(self, key: str, chunks: Iterable[bytes], content_type: str, tagging: dict[str, str]) -> None:
        """Store the object atomically: readers see the old object or the new one, never a mix. An
        error raised by `chunks` leaves the old object (or none) in place."""
        ...

    def open_read(self, key: str) -> BinaryIO:
        """An open binary file object on the object; NOT_FOUND when missing."""
        ...

    def delete(self, key: str) -> None: ...

    def head(self, key: str, with_tagging: bool, with_url: bool) -> FileInfo | None: ...

    def list_objects(self, prefix: str, start_after: str, limit: int | None, with_tagging: bool,
                     with_url: bool) -> tuple[list[FileInfo], bool]:
        """Up to `limit` (None: all) objects whose key starts with `prefix` and sorts after
        `start_after`, in key order, and whether more follow."""
        ...

    def presign(self, key: str, expires_in: float) -> str:
        """A URL that lets anyone GET the object for `expires_in` seconds (Go's GetObjectUrl)."""
        ...

    def verify(self, key: str, expires: str, sig: str) -> bool:
        """Whether a presigned URL's `expires` and `sig` are valid for `key` now."""
        ...
