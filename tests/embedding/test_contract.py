"""The portable Embedder: bounds, none://, the registry."""

from __future__ import annotations

import pytest

from providers.embedding import EMBEDDING, open_embedding
from providers.embedding.contract import MAX_TEXT_CHARS, MAX_TEXTS
from providers.errors import ErrorCode, ProviderError


def test_none_is_disabled_and_says_how_to_enable() -> None:
    with open_embedding("none://") as e:
        assert not e.enabled and e.dimensions == 0
        with pytest.raises(ProviderError) as info:
            e.embed(["x"])
        assert info.value.code is ErrorCode.FAILED_PRECONDITION and "local://minilm" in info.value.message
        e.ping()
    with pytest.raises(ProviderError):
        e.embed(["x"])  # closed


def test_input_bounds_are_checked_before_the_driver() -> None:
    e = open_embedding("none://")
    for bad, words in [("text", "sequence of str"), ([1], "not str"), (["x" * (MAX_TEXT_CHARS + 1)], "characters"),
                       (["x"] * (MAX_TEXTS + 1), "at most")]:
        with pytest.raises(ProviderError) as info:
            e.embed(bad)  # type: ignore[arg-type]
        assert info.value.code is ErrorCode.INVALID_ARGUMENT and words in info.value.message


def test_registry_names_schemes() -> None:
    assert {"none", "local", "openai"} <= set(EMBEDDING.schemes())
    with pytest.raises(ProviderError) as info:
        open_embedding("bert://x")
    assert "available" in info.value.message
    with pytest.raises(ProviderError) as info:
        open_embedding("local://bigmodel")
    assert "local://minilm" in info.value.message
