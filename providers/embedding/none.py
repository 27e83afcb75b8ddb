"""``none://``: no embedding model. The knowledge flows index and retrieve by text only."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from providers.embedding import EMBEDDING
from providers.embedding.contract import Embedder
from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass
from providers.registry import ProviderURL


class NoEmbeddingDriver:
    max_batch = 1

    def model(self) -> str:
        return "none"

    def dimensions(self) -> int:
        return 0

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        raise ProviderError(ErrorCode.FAILED_PRECONDITION, "no embedding model is configured")

    def ping(self) -> None:
        return None

    def close(self) -> None:
        return None

    def backup(self, dest_dir: str) -> None:
        raise ProviderError(ErrorCode.UNIMPLEMENTED, "none:// has no state to back up")

    def classify_error(self, err: BaseException) -> ErrorClass:
        return ErrorClass(ErrorCode.INTERNAL)


@EMBEDDING.register("none")
def open_none(url: ProviderURL) -> Embedder:
    if url.host or url.path:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"none:// takes no host or path, got {url.redacted!r}")
    url.reject_unknown_params(())
    return Embedder(NoEmbeddingDriver(), name="none")
