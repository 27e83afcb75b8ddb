"""The embedding contract: Coze Studio's `embedding.Embedder` (EmbedStrings) in Python.

`Embedder` is the portable class over an implementation's driver (driver.py). It owns what must be
the same for every model:

* bounded input: at most `MAX_TEXTS` texts per call and `MAX_TEXT_CHARS` characters per text
  (INVALID_ARGUMENT naming the text and the limit); texts are split into the driver's batch size;
* checked output: one finite row of `dimensions` floats per text (INTERNAL otherwise: a model or
  server that answers something else is a broken backend, not a caller error);
* vectors are returned L2-normalised (float32), so cosine similarity is a dot product and every
  implementation's scores are on the same scale;
* ``none://`` is an embedder with `enabled` False: `embed` raises FAILED_PRECONDITION, and callers
  (the knowledge flows) fall back to text-only retrieval.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from providers.embedding.driver import EmbeddingDriver
from providers.errors import ErrorCode, ProviderError
from providers.portable import Portable

MAX_TEXTS = 10_000
MAX_TEXT_CHARS = 32_768


class Embedder(Portable[EmbeddingDriver]):
    """Texts -> vectors, through one model."""

    area = "embedding"

    @property
    def enabled(self) -> bool:
        """False for ``none://`` (no model: retrieval is text-only)."""
        return self.dimensions > 0

    @property
    def dimensions(self) -> int:
        return int(self._driver.dimensions())

    @property
    def model(self) -> str:
        return str(self._driver.model())

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One L2-normalised float32 row per text, shape (len(texts), dimensions)."""
        if isinstance(texts, (str, bytes)) or not isinstance(texts, Sequence):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                                f"embed needs a sequence of str, got {type(texts).__name__}")
        if len(texts) > MAX_TEXTS:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                                f"embed got {len(texts)} texts; at most {MAX_TEXTS} per call, split the input")
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"embed text #{i} is a {type(text).__name__}, not str")
            if len(text) > MAX_TEXT_CHARS:
                raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                                    f"embed text #{i} has {len(text)} characters; at most {MAX_TEXT_CHARS} "
                                    "(chunk the text first)")
        self.check_open()
        if not self.enabled:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                "no embedding model is configured (embedding.uri is none://); "
                                "set embedding.uri to local://minilm or openai://HOST/v1?model=NAME")
        dim = self.dimensions
        out = np.zeros((len(texts), dim), dtype=np.float32)
        batch = max(1, int(self._driver.max_batch))
        for start in range(0, len(texts), batch):
            # An empty text has no tokens to embed: it keeps a zero vector (matches nothing).
            part = [(i, t) for i, t in enumerate(texts[start:start + batch], start) if t.strip()]
            if not part:
                continue
            rows = self._run("embed", self._driver.embed, [t for _, t in part])
            arr = np.asarray(rows, dtype=np.float32)
            if arr.shape != (len(part), dim) or not np.all(np.isfinite(arr)):
                raise ProviderError(ErrorCode.INTERNAL,
                                    f"embedding model {self.model!r} returned shape {arr.shape} (or non-finite "
                                    f"values) for {len(part)} texts; expected ({len(part)}, {dim})")
            norms = np.linalg.norm(arr, axis=1, keepdims=True)
            out[[i for i, _ in part]] = (arr / np.where(norms == 0, 1.0, norms)).astype(np.float32)
        return out

    def embed_query(self, text: str) -> npt.NDArray[np.float32]:
        """The vector of one query text."""
        if not isinstance(text, str):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"query must be a str, got {type(text).__name__}")
        row: npt.NDArray[np.float32] = self.embed([text])[0]
        return row
