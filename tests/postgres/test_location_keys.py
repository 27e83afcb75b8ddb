"""`rules.without_locations` looks for the location keys other than `location` with one search
(`rules._OTHER_KEY`): it must find every one of them."""

from __future__ import annotations

import pytest

from dialects.postgres import rules


@pytest.mark.parametrize("key", sorted(rules._LOCATION_FIELDS - {"location"}))
def test_every_other_location_key_is_searched_for(key: str) -> None:
    assert rules._OTHER_KEY.search(f'{{"a":1,"{key}":5}}') is not None
    text = f'{{"a":1,"location":2,"{key}":5,"b":[{{"location":3}}]}}'
    assert rules.without_locations(text) == rules._LOCATION_JSON.sub("", text) == '{"a":1,"b":[{}]}'
