"""`cozelite serve` with server providers, as a user runs it: a real process against a real S3-API
server (tests/engines/s3_server.py; the other areas embedded until their server drivers land).

- it boots and every /healthz/* is 200, the blob area labelled with its provider, search split into
  DuckDB documents and Milvus (Lite) retrieval;
- with the S3 server killed, /healthz/blob is 503 (within the probe's bound) and the others stay 200;
  the area recovers when the server is back;
- with the S3 server down at start-up, serve fails within a bounded time naming the URI (password
  redacted), the server and the cause, together with every other misconfigured area.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from providers.registry import ProviderURL
from tests.engines.s3_server import S3Server, start_s3_server

EMBEDDED = ("db", "kv", "search", "mq")


@pytest.fixture
def own_s3() -> Iterator[S3Server]:
    """An S3 server of this test alone: the test kills it."""
    server = start_s3_server()
    try:
        yield server
    finally:
        server.stop()


def test_serve_with_blob_on_s3_and_one_server_down(tmp_path: Path, serve: Any, own_s3: S3Server) -> None:
    uri = own_s3.uri("app", connect_timeout="1", attempts="1", read_timeout="2")
    bucket = ProviderURL.parse(uri).host
    with serve(tmp_path, "--lite", BLOB_URI=uri, RETRIEVAL_URI="milvus:///var/data/milvus/retrieval.db") as server:
        for area in (*EMBEDDED, "blob"):
            r = httpx.get(f"{server.base}/healthz/{area}", timeout=30)
            assert r.status_code == 200, r.text
        assert httpx.get(f"{server.base}/healthz/search", timeout=30).json()["provider"] == "duckdb+milvus"
        assert (tmp_path / "var" / "data" / "milvus" / "retrieval.db").exists()
        blob = httpx.get(f"{server.base}/healthz/blob", timeout=30).json()
        assert blob["provider"] == "s3" and "test:***@" in blob["uri"] and ":test@" not in blob["uri"]
        assert 'blob_provider="s3"' in httpx.get(server.base + "/metrics", timeout=30).text

        own_s3.kill()
        down = httpx.get(f"{server.base}/healthz/blob", timeout=30)
        assert down.status_code == 503, down.text
        assert down.json()["status"] == "error" and "UNAVAILABLE" in down.json()["error"]
        for area in EMBEDDED:
            assert httpx.get(f"{server.base}/healthz/{area}", timeout=30).status_code == 200, area
        overall = httpx.get(server.base + "/healthz", timeout=30)
        assert overall.status_code == 503 and overall.json()["providers"]["db"]["status"] == "ok"

        # The server comes back (moto starts empty: the operator recreates the bucket): blob recovers
        # without restarting cozelite.
        own_s3.start()
        boto3.client("s3", endpoint_url=own_s3.endpoint, region_name="us-east-1", aws_access_key_id="test",
                     aws_secret_access_key="test").create_bucket(Bucket=bucket)
        back = httpx.get(f"{server.base}/healthz/blob", timeout=30)
        assert back.status_code == 200, back.text
        assert server.stop() == 0, server.stderr
    assert "Traceback" not in server.stderr


def test_serve_with_the_s3_server_down_fails_fast_naming_it(tmp_path: Path, run_cli: Any,
                                                             own_s3: S3Server) -> None:
    uri = own_s3.uri("app", connect_timeout="1", attempts="2")
    own_s3.kill()
    # Bounded: run_cli fails the test (TimeoutExpired) if serve has not exited after 120 s.
    result = run_cli("serve", "--lite", "--port", "1", "--mq-uri", "nsq://127.0.0.1:4150", cwd=tmp_path,
                     BLOB_URI=uri, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    err = result.stderr
    # One run names both: the refused mq scheme (with what to use instead) and the S3 outage (the
    # URI with its password redacted, the server, the cause).
    assert "2 provider settings cannot start" in err
    assert "mq.uri 'nsq://127.0.0.1:4150'" in err and "nats://" in err
    assert "cannot open blob provider" in err and "test:***@" in err and ":test@" not in err
    assert own_s3.endpoint in err and "cannot reach the S3 server" in err
