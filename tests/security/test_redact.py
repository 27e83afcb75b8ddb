"""Issue 11 (Low): `redact()` hides a password even when it holds unencoded / ? # @, and query
parameters that carry credentials (apikey, auth, token, secret, sk, password, ...)."""

from __future__ import annotations

import pytest

from cozelite.config import redact
from providers.registry import ProviderURL

SECRET = "S3cr3tValue"

PASSWORD_URIS = [
    f"mysql://coze:{SECRET}@127.0.0.1:3306/opencoze",
    f"mysql://coze:pa/{SECRET}@db.internal:3306/opencoze",
    f"mysql://coze:p?{SECRET}@db.internal/opencoze?charset=utf8mb4",
    f"redis://:x#{SECRET}@127.0.0.1:6379/0",
    f"postgresql://u:a@b/{SECRET}?#x@[::1]:5432/app",
    f"nats://user:{SECRET}/?#@nats.example:4222",
    f"s3://bucket/prefix?endpoint=http://minio:{SECRET}@minio:9000",
    f"mysql://coze:{SECRET}@:3306",
]

PARAM_URIS = [
    f"es://127.0.0.1:9200?apikey={SECRET}",
    f"es://127.0.0.1:9200?api_key={SECRET}&timeout=5",
    f"nats://127.0.0.1:4222?auth={SECRET}",
    f"nats://127.0.0.1:4222?auth_token={SECRET}#frag",
    f"redis://127.0.0.1:6379/0?token={SECRET}",
    f"s3://bucket?region=x&secret={SECRET}",
    f"s3://bucket?region=x&sk={SECRET}",
    f"s3://bucket?aws_secret_access_key={SECRET}",
    f"milvus://h:19530?password={SECRET}",
    f"milvus://h:19530?Password=a#{SECRET}",
    f"s3://bucket?X-Amz-Signature={SECRET}",
]


@pytest.mark.parametrize("uri", PASSWORD_URIS + PARAM_URIS)
def test_the_secret_never_shows(uri: str) -> None:
    shown = redact(uri)
    assert SECRET not in shown, shown
    assert "***" in shown


@pytest.mark.parametrize("uri", PASSWORD_URIS)
def test_the_host_stays_visible(uri: str) -> None:
    shown = redact(uri)
    host = uri.rsplit("@", 1)[1].split("/")[0].split("?")[0].rsplit(":", 1)[0]
    assert host in shown, shown


@pytest.mark.parametrize("uri", [
    "sqlite:///var/data/sqlite/app.db", "lmdb:///var/data/kv", "file:///var/data/blob@v2",
    "mysql://coze@127.0.0.1:3306/opencoze", "s3://bucket/prefix?endpoint=http://minio:9000&region=us-east-1",
    "mem://", "duckdb:///var/data/duckdb/search.db?task=1&disk=2",
])
def test_uris_without_secrets_are_unchanged(uri: str) -> None:
    assert redact(uri) == uri


def test_other_parameters_stay_readable() -> None:
    assert redact(f"es://h:9200?apikey={SECRET}&timeout=5") == "es://h:9200?apikey=***&timeout=5"


def test_provider_errors_use_the_same_redaction() -> None:
    # Error messages of the registries print `url.redacted`: the same rules apply there.
    for uri in PASSWORD_URIS + PARAM_URIS:
        try:
            shown = ProviderURL.parse(uri).redacted
        except Exception:  # a URI that does not parse is printed through redact() by its callers
            continue
        assert SECRET not in shown, shown
