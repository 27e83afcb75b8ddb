"""`cozelite serve` in server mode with every area on its server, as a user who outgrew one machine
runs it (issue 12): db on PostgreSQL or MariaDB, kv on Redis, mq on NATS JetStream, blob on an S3-API
server, retrieval on Milvus Lite; document search stays on DuckDB (no Elasticsearch can be tested
here, so none ships). No `--lite`: only URIs change.

- it boots, and every /healthz/* is 200 with the area labelled by its provider (health and metrics);
- with the Redis server killed, /healthz/kv is 503 and every other area stays 200.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from providers.registry import ProviderURL
from tests.engines.redis_server import start_or_skip as start_redis
from tests.engines.server_uris import fresh_mysql_uri, fresh_postgres_uri

AREAS = ("db", "kv", "search", "mq", "blob")


@pytest.mark.parametrize("db", ["postgres", "mysql"])
def test_serve_with_every_area_on_its_server(db: str, tmp_path: Path, serve: Any, request: pytest.FixtureRequest,
                                             s3_server: Any, nats_server: Any) -> None:
    engine = request.getfixturevalue("pg_server" if db == "postgres" else "mariadb_server")
    db_uri = fresh_postgres_uri(engine, request) if db == "postgres" else fresh_mysql_uri(engine, request)
    redis = start_redis()  # this test's own: it is killed below
    try:
        env = {"DB_URI": db_uri, "KV_URI": redis.uri(), "MQ_URI": nats_server.uri(),
               "BLOB_URI": s3_server.uri("app"), "SEARCH_URI": "duckdb:///var/data/duckdb/search.db",
               "RETRIEVAL_URI": "milvus:///var/data/milvus/retrieval.db"}
        expected = {"db": ProviderURL.parse(db_uri).scheme, "kv": "redis", "mq": "nats", "blob": "s3",
                    "search": "duckdb+milvus"}
        with serve(tmp_path, **env) as server:
            for area in AREAS:
                r = httpx.get(f"{server.base}/healthz/{area}", timeout=30)
                assert r.status_code == 200, (area, r.text)
                assert r.json()["provider"] == expected[area]
            metrics = httpx.get(server.base + "/metrics", timeout=30).text
            for area in AREAS:
                assert f'{area}_provider="{expected[area]}"' in metrics, area

            redis.kill()
            down = httpx.get(f"{server.base}/healthz/kv", timeout=30)
            assert down.status_code == 503, down.text
            assert "UNAVAILABLE" in down.json()["error"]
            for area in AREAS:
                if area != "kv":
                    r = httpx.get(f"{server.base}/healthz/{area}", timeout=30)
                    assert r.status_code == 200, (area, r.text)
            assert server.stop() == 0, server.stderr
        assert "Traceback" not in server.stderr
    finally:
        redis.stop()
