"""`cozelite serve --lite` as a user starts it: a real process on a free loopback port, every
/healthz endpoint, metrics, a presigned blob download, then SIGTERM and a clean exit."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from providers.blob import open_blob


def test_serve_lite_answers_every_health_check_and_exits_cleanly(tmp_path: Path, serve: Any) -> None:
    with serve(tmp_path, "--lite") as server:
        overall = httpx.get(server.base + "/healthz", timeout=30)
        assert overall.status_code == 200, overall.text
        for area, scheme in {"db": "sqlite", "kv": "lmdb", "search": "duckdb", "mq": "mem", "blob": "file"}.items():
            r = httpx.get(f"{server.base}/healthz/{area}", timeout=30)
            assert r.status_code == 200, r.text
            assert r.json()["status"] == "ok" and r.json()["provider"] == scheme
        metrics = httpx.get(server.base + "/metrics", timeout=30).text
        assert 'db_provider="sqlite"' in metrics and 'search_provider="duckdb"' in metrics

        # A presigned URL made by another process on the same store is served by the server.
        store = open_blob(f"file:///{tmp_path}/var/data/blob?base_url={server.base}")
        try:
            store.put("reports/q1.csv", b"a,b\n1,2\n", content_type="text/csv")
            url = store.presign_get("reports/q1.csv", 60)
        finally:
            store.close()
        r = httpx.get(url, timeout=30)
        assert r.status_code == 200 and r.content == b"a,b\n1,2\n" and r.headers["content-type"].startswith("text/csv")
        parts = urlsplit(url)
        bad = urlunsplit(parts._replace(query=parts.query.replace("sig=", "sig=f")))
        assert httpx.get(bad, timeout=30).status_code == 403

        assert server.stop() == 0, server.stderr
    assert "stopped cleanly" in server.stderr
    assert "Traceback" not in server.stderr
    # The lock is gone with the server: a second start on the same data works.
    with serve(tmp_path, "--lite") as again:
        assert httpx.get(again.base + "/healthz/db", timeout=30).status_code == 200
        assert again.stop() == 0


def test_a_second_server_on_the_same_data_is_refused(tmp_path: Path, run_cli: Any, serve: Any) -> None:

    with serve(tmp_path, "--lite") as server:
        result = run_cli("serve", "--lite", "--port", "1", cwd=tmp_path)
        assert result.returncode == 1 and "another cozelite server" in result.stderr
        assert server.stop() == 0


def test_a_busy_port_is_a_clear_error_and_closes_the_providers(tmp_path: Path, run_cli: Any) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--lite", "--port", str(port), cwd=tmp_path)
    assert result.returncode == 1
    assert "address already in use" in result.stderr.lower() and "Traceback" not in result.stderr
    # Nothing stayed locked: the data directory can be restored into right away.
    from cozelite.datadir_lock import lock_holder

    assert lock_holder(tmp_path / "var" / "data") is None


def test_serve_says_serving_only_once_it_listens(tmp_path: Path, run_cli: Any) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--lite", "--port", str(port), cwd=tmp_path)
    assert result.returncode == 1 and "serving on" not in result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr


def test_no_lock_file_after_a_clean_stop_and_a_crash_is_explained(tmp_path: Path, serve: Any) -> None:
    lock_file = tmp_path / "var" / "data" / "cozelite-server.lock"
    with serve(tmp_path, "--lite") as server:
        assert lock_file.exists()
        assert server.stop() == 0, server.stderr
    assert not lock_file.exists()
    with serve(tmp_path, "--lite") as server:
        pid = server.proc.pid
        server.proc.kill()  # a crash: nothing is released
        server.proc.wait()
    assert lock_file.exists()
    with serve(tmp_path, "--lite") as server:
        assert httpx.get(server.base + "/healthz", timeout=30).status_code == 200
        assert server.stop() == 0
    assert f"pid {pid}" in server.stderr and "did not stop cleanly" in server.stderr
    assert not lock_file.exists()
