"""What a blob listing or `head` returns: the values the portable `BlobStore` and its drivers share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


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
