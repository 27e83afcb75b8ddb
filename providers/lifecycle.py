"""What every provider has besides its area's operations: a real health probe, an idempotent
close, a live backup (embedded stores), and use as a context manager."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import Self

from providers.errors import ErrorCode, ProviderError


class Provider(ABC):
    @abstractmethod
    def ping(self) -> None:
        """A real round trip through the backend (write and read back a reserved entry where the
        area allows it); ProviderError(UNAVAILABLE) when it cannot serve."""

    @abstractmethod
    def close(self) -> None:
        """Release the backend. Idempotent."""

    def backup(self, dest_dir: str | os.PathLike[str]) -> None:
        """Copy a consistent snapshot, taken while the provider is live, into the empty directory
        `dest_dir`. Server-backed providers have none: their servers have backup tools."""
        raise ProviderError(ErrorCode.UNIMPLEMENTED, f"{type(self).__name__} has no backup; use the server's tools")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
