"""Issue 11, Medium 5: the real `cozelite serve` process bounds slow and idle clients.

The attack run held 1000 idle connections open for 75 s, and at 256 descriptors 300 of them made
normal requests time out. Here the server runs with 256 descriptors and short limits
(_http_harness.SHORT_LIMITS): idle, slow and greedy clients get 408/413/503 or are closed, and
normal requests keep being served meanwhile. Loops are bounded; nothing asserts a duration.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from providers.blob import open_blob
from tests.security._http_harness import SHORT_LIMITS, LiveServer, live_server, read_until_closed, status_of

NOFILE = 256


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    cwd = tmp_path_factory.mktemp("serve")
    with live_server(cwd, *SHORT_LIMITS, nofile=NOFILE) as live:
        yield live
        code, err = live.stop()
        assert code == 0, err
        assert "Traceback" not in err, err


def _normal_requests(server: LiveServer, count: int) -> list[int]:
    return [httpx.get(server.base + "/healthz/db", timeout=30).status_code for _ in range(count)]


def test_hundreds_of_idle_and_slow_clients_do_not_stop_normal_requests(server: LiveServer) -> None:
    clients: list[socket.socket] = []
    try:
        for i in range(300):  # more than the descriptors the server has
            sock = server.connect()
            if i % 3 == 1:  # a slow client: headers started, never finished
                sock.sendall(b"GET /healthz/db HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            elif i % 3 == 2:  # a kept-alive client that goes quiet after one request
                sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            clients.append(sock)
        # With every one of them still open on this side, normal clients are served.
        assert _normal_requests(server, 30) == [200] * 30
        closed = 0
        for sock in clients:
            _, was_closed = read_until_closed(sock, timeout=30)
            closed += was_closed
        assert closed == len(clients), f"{len(clients) - closed} idle connections still open"
    finally:
        for sock in clients:
            sock.close()
    assert server.healthy()


def test_an_idle_connection_gets_408_and_is_closed(server: LiveServer) -> None:
    with server.connect() as sock:
        data, closed = read_until_closed(sock, timeout=30)
    assert closed and status_of(data) == 408


def test_headers_sent_a_byte_at_a_time_are_cut_off(server: LiveServer) -> None:
    request = b"GET /healthz/db HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 400 + b"\r\n\r\n"
    with server.connect() as sock:
        sent = 0
        try:
            for byte in request:  # bounded: 400-odd bytes; the header deadline ends it long before
                sock.sendall(bytes([byte]))
                sent += 1
                time.sleep(0.02)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data, closed = read_until_closed(sock, timeout=30)
    assert closed and sent < len(request), "the whole slow request was accepted"
    assert status_of(data) == 408


def test_a_body_sent_too_slowly_gets_408(server: LiveServer) -> None:
    head = (b"POST /admin/backup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\nX-Cozelite-Token: " + server.token().encode() + b"\r\n\r\n")
    with server.connect() as sock:
        sock.sendall(head + b'{"dest": ')
        data, closed = read_until_closed(sock, timeout=30)
    assert closed and status_of(data) == 408


def test_a_kept_alive_connection_is_closed_when_idle(server: LiveServer) -> None:
    with server.connect() as sock:
        sock.sendall(b"GET /healthz/db HTTP/1.1\r\nHost: x\r\n\r\n")
        data, closed = read_until_closed(sock, timeout=30)
    assert closed and status_of(data) == 200 and data.count(b"HTTP/1.1 ") == 1


def test_a_declared_body_over_the_limit_is_413_before_it_is_sent(server: LiveServer) -> None:
    with server.connect() as sock:
        sock.sendall(b"POST /admin/backup HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")
        data, closed = read_until_closed(sock, timeout=30)
    assert closed and status_of(data) == 413


def test_a_chunked_body_over_the_limit_is_413(server: LiveServer) -> None:
    head = (b"POST /admin/backup HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/json\r\nX-Cozelite-Token: " + server.token().encode() + b"\r\n\r\n")
    chunk = b"a" * 16384
    with server.connect() as sock:
        sock.sendall(head)
        try:
            for _ in range(16):  # 256 KiB against a 64 KiB limit
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass
        data, closed = read_until_closed(sock, timeout=30)
    assert closed and status_of(data) == 413


def test_every_connection_busy_means_503_for_a_new_one_until_they_time_out(server: LiveServer) -> None:
    # Expect: 100-continue makes the server say when the application waits for the body: then the
    # request is in progress, not an idle connection that could be closed to make room.
    head = (b"POST /admin/backup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Expect: 100-continue\r\nContent-Length: 100\r\nX-Cozelite-Token: " + server.token().encode()
            + b"\r\n\r\n")
    busy = []
    try:
        for _ in range(64):  # the configured connection limit, each waiting for its body
            sock = server.connect()
            sock.sendall(head)
            busy.append(sock)
        leftovers = []
        for sock in busy:
            interim = b""
            while b"\r\n\r\n" not in interim and len(interim) < 1000:  # bounded
                chunk = sock.recv(1000)
                assert chunk, "closed before 100 Continue"
                interim += chunk
            assert interim.startswith(b"HTTP/1.1 100 ")
            leftovers.append(interim.split(b"\r\n\r\n", 1)[1])
        with server.connect() as extra:
            extra.sendall(b"GET /healthz/db HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data, closed = read_until_closed(extra, timeout=30)
        assert closed and status_of(data) == 503
        # The body deadline frees them; then normal requests are served again.
        for sock, leftover in zip(busy, leftovers, strict=True):
            data, closed = read_until_closed(sock, timeout=30)
            assert closed and status_of(leftover + data) == 408
    finally:
        for sock in busy:
            sock.close()
    assert _normal_requests(server, 5) == [200] * 5


def test_a_client_that_does_not_read_its_download_is_cut_off(server: LiveServer) -> None:
    size = 16 * 1024 * 1024
    store = open_blob(f"file:///{server.cwd}/var/data/blob?base_url={server.base}")
    try:
        store.put("big/object.bin", b"\0" * size, content_type="application/octet-stream")
        url = httpx.URL(store.presign_get("big/object.bin", 300))
    finally:
        store.close()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        sock.connect((server.host, server.port))
        target = url.raw_path.decode()
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        # Not reading: the server's buffers fill and its write deadline passes. Bounded wait.
        time.sleep(3)
        data, closed = read_until_closed(sock, timeout=30, limit=size * 2)
    finally:
        sock.close()
    assert closed and status_of(data) == 200
    assert len(data) < size, "the whole object was delivered to a client that did not read"
    assert server.healthy()
