"""/metrics exports every provider's per-operation counters (`Portable.stats()`), read when scraped."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

with warnings.catch_warnings():
    # Starlette 1.x nudges towards another HTTP client package; httpx is what this project ships.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cozelite.config import load_config
from cozelite.server import create_app
from cozelite.wiring import Providers
from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass, Portable


class _Driver:
    """A driver with one operation that fails for the key "bad"."""

    def ping(self) -> None:
        return None

    def close(self) -> None:
        return None

    def backup(self, dest_dir: str) -> None:
        raise ProviderError(ErrorCode.UNIMPLEMENTED, "no backup")

    def classify_error(self, err: BaseException) -> ErrorClass:
        return ErrorClass(ErrorCode.NOT_FOUND if isinstance(err, KeyError) else ErrorCode.INTERNAL)

    def get(self, key: str) -> bytes:
        if key == "bad":
            raise KeyError(key)
        return b"value"


class _Store(Portable[_Driver]):
    area = "kv"

    def get(self, key: str) -> bytes:
        return self._run("get", self._driver.get, key)


@pytest.fixture
def store_and_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[_Store, TestClient]]:
    monkeypatch.chdir(tmp_path)
    store = _Store(_Driver(), name="fake")
    providers = Providers(load_config(env={}, lite=True), opened={"kv": store})
    with TestClient(create_app(providers)) as client:
        yield store, client


def _sample(text: str, name: str, op: str) -> float:
    [value] = [sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == name and sample.labels == {"area": "kv", "op": op, "implementation": "fake"}]
    return value


def test_operations_errors_and_seconds_per_area_op_and_implementation(
        store_and_client: tuple[_Store, TestClient]) -> None:
    store, client = store_and_client
    store.get("a")
    store.get("b")
    with pytest.raises(ProviderError):
        store.get("bad")
    text = client.get("/metrics").text
    assert "# TYPE cozelite_provider_operations_total counter" in text
    assert _sample(text, "cozelite_provider_operations_total", "get") == 3
    assert _sample(text, "cozelite_provider_operation_errors_total", "get") == 1
    assert _sample(text, "cozelite_provider_operation_seconds_total", "get") >= 0


def test_the_counters_are_read_at_scrape_time(store_and_client: tuple[_Store, TestClient]) -> None:
    store, client = store_and_client
    assert "cozelite_provider_operations_total{" not in client.get("/metrics").text
    client.get("/healthz/kv")  # the probe is a provider operation too
    store.get("a")
    text = client.get("/metrics").text
    assert _sample(text, "cozelite_provider_operations_total", "get") == 1
    assert _sample(text, "cozelite_provider_operations_total", "ping") == 1
    store.get("a")
    assert _sample(client.get("/metrics").text, "cozelite_provider_operations_total", "get") == 2
