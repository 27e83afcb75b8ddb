"""The URI-scheme registry every provider area uses."""

from __future__ import annotations

import pytest

from providers.errors import ErrorCode, ProviderError
from providers.registry import ProviderURL, SchemeRegistry


def test_unknown_scheme_lists_known_ones_and_why_a_module_is_missing() -> None:
    registry: SchemeRegistry[object] = SchemeRegistry("demo", modules=("providers.no_such_module",))

    @registry.register("mem")
    def _open(url: ProviderURL) -> object:
        return url

    with pytest.raises(ProviderError) as info:
        registry.open("memm://x")
    assert info.value.code is ErrorCode.UNIMPLEMENTED
    message = str(info.value)
    assert "'mem'" in message and "did you mean" in message
    assert "providers.no_such_module could not be imported" in message


def test_scheme_registered_twice_is_an_error() -> None:
    registry: SchemeRegistry[object] = SchemeRegistry("demo")
    registry.register("a")(lambda url: url)
    with pytest.raises(RuntimeError, match="twice"):
        registry.register("a")(lambda url: url)


@pytest.mark.parametrize("uri,path", [
    ("lmdb:///var/data/kv", "var/data/kv"),
    ("lmdb:////srv/kv", "/srv/kv"),
    ("file:///var/data/blob", "var/data/blob"),
])
def test_paths_follow_sqlalchemy_sqlite_urls(uri: str, path: str) -> None:
    assert ProviderURL.parse(uri).path == path


def test_password_is_hidden() -> None:
    url = ProviderURL.parse("redis://user:s3cret@localhost:6379/0")
    assert "s3cret" not in repr(url) and "s3cret" not in url.redacted
    assert url.host == "localhost" and url.port == 6379


def test_unknown_parameters_are_rejected() -> None:
    with pytest.raises(ProviderError, match="unknown parameter"):
        ProviderURL.parse("lmdb:///kv?map_size=1&bogus=2").reject_unknown_params({"map_size"})


def test_implementations_are_named_after_their_module_unless_named() -> None:
    registry: SchemeRegistry[object] = SchemeRegistry("demo")

    @registry.register("b", "a")
    def _open(url: ProviderURL) -> object:
        return url

    registry.register("x", name="custom")(lambda url: url)
    assert registry.implementations() == {"custom": ("x",), "test_registry": ("a", "b")}


def test_the_area_registries_know_their_implementations() -> None:
    from providers.blob import BLOB
    from providers.kv import KV
    from providers.mq import MQ

    assert KV.implementations() == {"lmdb": ("lmdb",), "redis": ("redis", "rediss", "unix")}
    assert BLOB.implementations() == {"file": ("file",), "s3": ("s3",)}
    assert MQ.implementations() == {"mem": ("mem",), "nats": ("nats",)}
