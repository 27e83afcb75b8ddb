"""The embedding driver protocol: what an implementation fills (the portable half is contract.py)."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from providers.portable import Driver


class EmbeddingDriver(Driver, Protocol):
    """One embedding model. `embed` gets at most `max_batch` non-empty texts, already checked by
    the portable `Embedder`, and returns one row of `dimensions()` floats per text, in order."""

    max_batch: int

    def model(self) -> str:
        """The model's name as the implementation knows it (for logs and `/metrics` labels)."""
        ...

    def dimensions(self) -> int:
        """Length of every vector; 0 when the driver embeds nothing (``none://``)."""
        ...

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One vector per text, shape (len(texts), dimensions())."""
        ...
