"""openai:// against a real HTTP server process that speaks the embeddings API."""

from __future__ import annotations

import numpy as np
import pytest

from providers.embedding import open_embedding
from providers.errors import ErrorCode, ProviderError
from tests.embedding.conftest import API_KEY

ENV = {"OPENAI_API_KEY": API_KEY}


def uri(port: int, query: str) -> str:
    return f"openai://127.0.0.1:{port}/v1?{query}"


def test_embeds_in_order_normalised_and_ranks_by_shared_words(openai_port: int) -> None:
    with open_embedding(uri(openai_port, "model=bag&batch=3"), env=ENV) as e:
        assert e.enabled and e.dimensions == 16 and e.model == "bag"
        texts = ["red apple pie", "blue ocean waves", "apple pie recipe", "", "ocean waves crash", "pie"]
        vecs = e.embed(texts)  # 5 non-empty texts over batches of 3: order must survive reversal and batching
        assert vecs.shape == (6, 16)
        assert np.allclose(np.linalg.norm(vecs[[0, 1, 2, 4, 5]], axis=1), 1.0, atol=1e-5)
        assert not vecs[3].any()  # the empty text keeps a zero vector
        q = e.embed_query("apple pie")
        ranked = np.argsort(-(vecs @ q))
        assert set(ranked[:2].tolist()) == {0, 2}


def test_dimensions_parameter_is_sent_and_checked(openai_port: int) -> None:
    with open_embedding(uri(openai_port, "model=bag&dimensions=8"), env=ENV) as e:
        assert e.dimensions == 8 and e.embed(["x y"]).shape == (1, 8)


def test_wrong_key_is_permission_denied_with_hint(openai_port: int) -> None:
    with pytest.raises(ProviderError) as info:
        open_embedding(uri(openai_port, "model=bag"), env={"OPENAI_API_KEY": "wrong"})
    assert info.value.code is ErrorCode.PERMISSION_DENIED and "OPENAI_API_KEY" in info.value.message


def test_server_errors_and_bad_replies(openai_port: int) -> None:
    with pytest.raises(ProviderError) as info:
        open_embedding(uri(openai_port, "model=fail500&retries=0"), env=ENV)
    assert info.value.code is ErrorCode.UNAVAILABLE and "HTTP 500" in info.value.message
    with pytest.raises(ProviderError) as info:
        open_embedding(uri(openai_port, "model=unknown"), env=ENV)
    assert info.value.code is ErrorCode.NOT_FOUND
    with open_embedding(uri(openai_port, "model=short&dimensions=16"), env=ENV) as e:
        with pytest.raises(ProviderError) as info:
            e.embed(["a", "b"])
        assert info.value.code is ErrorCode.INTERNAL and "malformed" in info.value.message


def test_retries_ride_over_a_flaky_server(openai_port: int) -> None:
    with open_embedding(uri(openai_port, "model=flaky&retries=3"), env=ENV) as e:
        for _ in range(3):
            assert e.embed(["one two"]).shape == (1, 16)


def test_unreachable_server_is_unavailable() -> None:
    from tests.netutil import free_port
    with pytest.raises(ProviderError) as info:
        open_embedding(f"openai://127.0.0.1:{free_port()}/v1?model=x&retries=0&timeout=2", env=ENV)
    assert info.value.code is ErrorCode.UNAVAILABLE and "unreachable" in info.value.message


@pytest.mark.parametrize("query, words", [
    ("", "needs ?model"), ("model=x&batch=0", "batch"), ("model=x&timeout=-1", "timeout"),
    ("model=x&tls=maybe", "tls"), ("model=x&nope=1", "unknown parameter"),
])
def test_bad_uris_say_what_to_fix(query: str, words: str) -> None:
    with pytest.raises(ProviderError) as info:
        open_embedding(f"openai://127.0.0.1:9/v1?{query}")
    assert info.value.code is ErrorCode.INVALID_ARGUMENT and words in info.value.message
