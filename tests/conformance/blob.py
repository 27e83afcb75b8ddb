"""The blob conformance suite: one suite for the `BlobStore` contract, every implementation.

Presigned URLs are checked against an independent HMAC computed here from the secret file, so the
URL format the server relies on (`/blob/{quoted key}?expires=..&sig=..`) is pinned down.

Implementations are declared with the harness (tests/conformance/_harness.py). Promises only some
keep: "injectable_clock" (a `clock=` keyword for presign expiry), "local_files" (objects are files
under a root on this machine: symlink and temp-file checks), "hmac_presign" (cozelite's own presigned
URL format, served by `cozelite serve` at /blob/{key}), "presign_fetchable" (a presigned URL works
with a plain HTTP client and nothing else running), "presign_put" (the driver's `presign_put`),
"prefix_conflict_refused" (a key cannot be both an object and a prefix of others), "backup" (a live
copy into a local directory). Options: "max_object_bytes" (what the
URI configures), "secret_file" (tmp -> where the HMAC secret lives, to check URLs independently),
"local_root" (tmp -> the store's root), "unreachable_uri" (ctx -> a URI whose server does not
answer). Ping, close, backup and use as a context manager are checked
for every area by tests/conformance/lifecycle.py; that a restored backup keeps metadata and the
presign secret is blob's own and is here.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import io
import os
import signal
import stat
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from providers.blob import BLOB, BlobStore, open_blob
from providers.errors import ErrorCode, ProviderError
from providers.registry import ProviderURL
from tests.conformance import _procs as procs
from tests.conformance._harness import (
    Bound,
    Context,
    Implementation,
    covers,
    impl_fixture,
    implementations,
    keeps,
    require,
)
from tests.netutil import free_port

_FILE_URLS = "the file store's presigned URLs are served by `cozelite serve` (GET /blob/{key}); " \
    "tests/app/test_serve.py fetches one through a running server"


def _unreachable_s3(ctx: Context) -> str:
    # A port nothing listens on: the connection is refused at once, so open() must fail fast and clearly.
    return f"s3://test:test@nobucket?endpoint=http://127.0.0.1:{free_port()}&connect_timeout=1&attempts=1"


IMPLEMENTATIONS = implementations(
    Implementation(
        "s3",
        uri=lambda ctx: ctx.server("s3_server").uri("pre/fix", max_object_bytes="4MiB"),
        servers=("s3_server",),
        unsupported={
            "injectable_clock": "S3 signs presigned URLs (SigV4) with the real time; there is no clock to inject",
            "local_files": "objects live on the S3 server, not in a directory on this machine",
            "hmac_presign": "presigned URLs are S3's own (SigV4 query signing) and point at the S3 server, not at "
                            "cozelite's /blob route",
            "prefix_conflict_refused": "S3 keys are flat: 'a' and 'a/b' are two independent objects",
            "backup": "backing up a bucket is the S3 server's job (versioning, replication, `aws s3 sync`); "
                      "backup() raises UNIMPLEMENTED",
        },
        options={"max_object_bytes": 4 * 2**20, "unreachable_uri": _unreachable_s3},
    ),
    Implementation(
        "file",
        uri=lambda ctx: f"file:///{ctx.tmp}/blob?max_object_bytes=4MiB&base_url=http://files.test:9000/",
        options={
            "max_object_bytes": 4 * 2**20,
            "secret_file": lambda tmp: tmp / "blob" / ".presign-secret",
            "local_root": lambda tmp: tmp / "blob",
            # A backup directory is a store root of its own (objects, metadata, the presign secret).
            "restore_uri": lambda backup: f"file:///{backup}",
        },
        unsupported={
            "presign_fetchable": _FILE_URLS,
            "presign_put": "the file store has no upload endpoint: uploads go through the app's own API",
        },
    ),
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


impl = impl_fixture(IMPLEMENTATIONS)


def open_store(impl: Bound, clock: FakeClock, uri: str | None = None) -> BlobStore:
    uri = uri or impl.uri
    return open_blob(uri, clock=clock) if keeps(impl, "injectable_clock") else open_blob(uri)


def local_root(impl: Bound) -> Path:
    require(impl, "local_files")
    root: Path = impl.option("local_root")(impl.ctx.tmp)
    return root


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def blob(impl: Bound, clock: FakeClock) -> Iterator[BlobStore]:
    store = open_store(impl, clock)
    yield store
    store.close()


def code_of(fn: Callable[[], Any]) -> ErrorCode:
    with pytest.raises(ProviderError) as info:
        fn()
    return info.value.code


def test_every_scheme_is_covered() -> None:
    covers(IMPLEMENTATIONS, BLOB)


# -- put / get / delete
@pytest.mark.parametrize("data", [b"hello", b"", bytes(range(256)) * 10, bytearray(b"ba"), memoryview(b"mv")])
def test_put_get_roundtrip(blob: BlobStore, data: bytes) -> None:
    blob.put("docs/a.bin", data)
    assert blob.get("docs/a.bin") == bytes(data)
    with blob.get_stream("docs/a.bin") as fh:
        assert fh.read() == bytes(data)


def test_overwrite(blob: BlobStore) -> None:
    blob.put("k", b"one", content_type="text/plain", tagging={"v": "1"})
    blob.put("k", b"second")
    assert blob.get("k") == b"second"
    info = blob.head("k", with_tagging=True)
    assert info is not None and info.size == 6 and info.tagging == {}
    assert info.content_type == "application/octet-stream"


def test_missing(blob: BlobStore) -> None:
    assert code_of(lambda: blob.get("nope")) == ErrorCode.NOT_FOUND
    assert code_of(lambda: blob.get_stream("no/pe")) == ErrorCode.NOT_FOUND
    assert blob.head("nope") is None
    blob.delete("nope")  # not an error, as in S3


def test_delete(blob: BlobStore) -> None:
    blob.put("a/b/c", b"1")
    blob.delete("a/b/c")
    assert blob.head("a/b/c") is None
    assert blob.list_all() == []
    blob.put("a", b"a prefix can become an object once its objects are gone")
    assert blob.get("a").startswith(b"a prefix")


def test_put_stream(blob: BlobStore) -> None:
    big = os.urandom(3 * 2**20 + 17)
    blob.put_stream("s/file", io.BytesIO(big), content_type="application/x-big")
    assert blob.get("s/file") == big
    blob.put_stream("s/chunks", [b"ab", bytearray(b"cd"), b"", b"ef"])  # type: ignore[list-item]
    assert blob.get("s/chunks") == b"abcdef"
    blob.put_stream("s/gen", (bytes([i]) * 1000 for i in range(10)))
    assert blob.get("s/gen") == b"".join(bytes([i]) * 1000 for i in range(10))
    info = blob.head("s/file")
    assert info is not None and info.etag == hashlib.md5(big).hexdigest() and info.content_type == "application/x-big"


def test_head(impl: Bound, blob: BlobStore) -> None:
    before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=5)
    blob.put("img/cat.png", b"\x89PNG...", tagging={"owner": "u1", "kind": "avatar"})
    blob.put("x/data", b"123", content_type="application/json; charset=utf-8")
    info = blob.head("img/cat.png")
    assert info is not None
    assert (info.key, info.size, info.etag) == ("img/cat.png", 7, hashlib.md5(b"\x89PNG...").hexdigest())
    assert info.content_type == "image/png"  # guessed from the name
    assert info.tagging == {} and info.url == ""
    assert info.last_modified.tzinfo is not None and info.last_modified >= before
    tagged = blob.head("img/cat.png", with_tagging=True, with_url=True)
    assert tagged is not None and tagged.tagging == {"owner": "u1", "kind": "avatar"}
    if keeps(impl, "hmac_presign"):
        assert "/blob/img/cat.png?expires=" in tagged.url
    else:
        assert tagged.url.startswith("http") and "img/cat.png" in tagged.url
    other = blob.head("x/data")
    assert other is not None and other.content_type == "application/json; charset=utf-8"


# -- listing
KEYS = ["a-x", "a/x", "a/x-y", "a/y/z", "a0", "b", "b/", "ä/1", "z z", "a/y/zz"]


def valid_keys() -> list[str]:
    return [k for k in KEYS if not k.endswith("/")]


def test_list_all_sorted_and_prefixed(blob: BlobStore) -> None:
    for key in valid_keys():
        blob.put(key, key.encode())
    keys = valid_keys()
    assert [f.key for f in blob.list_all()] == sorted(keys)
    for prefix in ["a", "a/", "a/x", "a/y/z", "ä", "nothing", "", "b"]:
        assert [f.key for f in blob.list_all(prefix)] == sorted(k for k in keys if k.startswith(prefix)), prefix
    files = blob.list_all("a/y", with_tagging=True)
    assert [(f.key, f.size) for f in files] == [("a/y/z", 5), ("a/y/zz", 6)]


@pytest.mark.parametrize("page_size", [1, 2, 3, 100])
@pytest.mark.parametrize("prefix", ["", "a", "a/"])
def test_list_paginated_walks_everything_once(blob: BlobStore, page_size: int, prefix: str) -> None:
    for key in valid_keys():
        blob.put(key, b"x")
    expected = sorted(k for k in valid_keys() if k.startswith(prefix))
    seen: list[str] = []
    cursor = ""
    for _ in range(50):
        page = blob.list_paginated(prefix, page_size=page_size, cursor=cursor)
        assert len(page.files) <= page_size
        seen += [f.key for f in page.files]
        if not page.is_truncated:
            assert page.cursor == ""
            break
        cursor = page.cursor
    assert seen == expected


def test_list_paginated_bad_arguments(blob: BlobStore) -> None:
    assert code_of(lambda: blob.list_paginated(page_size=0)) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: blob.list_paginated(page_size=10**6)) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: blob.list_paginated(cursor="%%%not-a-cursor")) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: blob.list_all(5)) == ErrorCode.INVALID_ARGUMENT  # type: ignore[arg-type]


# -- presigned URLs
def expected_sig(secret: bytes, key: str, expires: str) -> str:
    return hmac.new(secret, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("key", ["plain.txt", "dir/with space/ü é.png", "q?x=1&y#frag", "percent%20"])
def test_presign_format_and_verify(impl: Bound, blob: BlobStore, clock: FakeClock, tmp_path: Path, key: str) -> None:
    require(impl, "injectable_clock")
    blob.put(key, b"data")
    url = blob.presign_get(key, 600)
    parts = urllib.parse.urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://files.test:9000"
    assert parts.path == "/blob/" + urllib.parse.quote(key)
    assert urllib.parse.unquote(parts.path[len("/blob/"):]) == key
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert set(query) == {"expires", "sig"}
    assert int(query["expires"]) == int(clock.now) + 600
    secret = impl.option("secret_file")(tmp_path).read_bytes()
    assert query["sig"] == expected_sig(secret, key, query["expires"])
    assert blob.verify_presigned(key, query["expires"], query["sig"])
    assert not blob.verify_presigned(key + "x", query["expires"], query["sig"])
    assert not blob.verify_presigned(key, str(int(query["expires"]) + 1), query["sig"])
    # Change the last hex digit (replacing it with "0" was a no-op for the 1 in 16 signatures ending in 0).
    tampered = query["sig"][:-1] + ("1" if query["sig"][-1] == "0" else "0")
    assert not blob.verify_presigned(key, query["expires"], tampered)
    clock.now += 601
    assert not blob.verify_presigned(key, query["expires"], query["sig"])


def test_presign_expiry_forms_and_bad_values(impl: Bound, blob: BlobStore, clock: FakeClock) -> None:
    require(impl, "injectable_clock")
    url = blob.presign_get("k", datetime.timedelta(hours=1))
    assert f"expires={int(clock.now) + 3600}&" in url
    bad: Any
    for bad in (0, -5, 8 * 24 * 3600, "60", None):
        assert code_of(functools.partial(blob.presign_get, "k", bad)) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: blob.presign_get("../k", 60)) == ErrorCode.INVALID_ARGUMENT
    for expires, sig in [("", ""), ("abc", "00"), ("-1", "00"), ("1e9", "00"), ("9" * 40, "00")]:
        assert blob.verify_presigned("k", expires, sig) is False
    assert blob.verify_presigned("k", None, None) is False  # type: ignore[arg-type]


def test_secret_is_private_and_stable(impl: Bound, tmp_path: Path, clock: FakeClock) -> None:
    require(impl, "hmac_presign")
    with open_store(impl, clock) as first:
        url = first.presign_get("k", 60)
    secret_path = impl.option("secret_file")(tmp_path)
    assert len(secret_path.read_bytes()) == 32
    assert stat.S_IMODE(secret_path.stat().st_mode) == 0o600
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    with open_store(impl, clock) as second:
        assert second.verify_presigned("k", query["expires"], query["sig"])
        assert second.presign_get("k", 60) == url


def test_secret_file_parameter(tmp_path: Path, clock: FakeClock) -> None:
    secret = tmp_path / "keys" / "presign.key"
    store = open_blob(f"file:///{tmp_path}/b2?secret_file={secret}", clock=clock)
    url = store.presign_get("k", 60)
    expires = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["expires"]
    assert url.endswith("sig=" + expected_sig(secret.read_bytes(), "k", expires))
    assert not (tmp_path / "b2" / ".presign-secret").exists()
    store.close()


@pytest.mark.parametrize("key", ["plain.txt", "dir/with space/ü é.png", "q?x=1&y#frag", "percent%20"])
def test_presigned_get_works_with_a_plain_http_client(impl: Bound, blob: BlobStore, key: str) -> None:
    require(impl, "presign_fetchable")
    body = os.urandom(2000)
    blob.put(key, body, content_type="application/x-test")
    url = blob.presign_get(key, 60)
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200, response.text
    assert response.content == body and response.headers["content-type"] == "application/x-test"
    # The URL is signed and expires as asked. (That a server refuses a tampered one is the S3
    # server's promise: moto, the test server, does not check signatures.)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert query["X-Amz-Expires"] == "60" and len(query["X-Amz-Signature"]) == 64


def test_presigned_put_works_with_a_plain_http_client(impl: Bound, blob: BlobStore) -> None:
    require(impl, "presign_put")
    url = blob.driver.presign_put("uploads/u1.bin", 60, content_type="application/x-up")  # type: ignore[attr-defined]
    response = httpx.put(url, content=b"uploaded", headers={"content-type": "application/x-up"}, timeout=30)
    assert response.status_code == 200, response.text
    assert blob.get("uploads/u1.bin") == b"uploaded"
    info = blob.head("uploads/u1.bin")
    assert info is not None and info.content_type == "application/x-up"
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert query["X-Amz-Expires"] == "60" and "content-type" in query["X-Amz-SignedHeaders"]
    # The key rules of the contract hold for uploads too.
    assert code_of(lambda: blob.driver.presign_put("../x", 60)) == ErrorCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
    assert code_of(lambda: blob.driver.presign_put("k", 0)) == ErrorCode.INVALID_ARGUMENT  # type: ignore[attr-defined]


def test_an_unreachable_server_fails_open_clearly(impl: Bound) -> None:
    if "unreachable_uri" not in impl.impl.options:
        pytest.skip(f"{impl.name} has no server to be unreachable")
    uri = impl.option("unreachable_uri")(impl.ctx)
    with pytest.raises(ProviderError) as info:
        open_blob(uri)
    assert info.value.code is ErrorCode.UNAVAILABLE
    message = str(info.value)
    endpoint = ProviderURL.parse(uri).params["endpoint"]
    assert endpoint in message and "s3://test:***@nobucket" in message  # the URI, redacted, and the server
    assert ":test@" not in message


# -- bad input
TRAVERSAL = ["../escape", "a/../../escape", "/etc/passwd", "a\x00b", "", "a//b", "./a", "a/.", "a/", "..",
             ".presign-secret", ".cozelite/meta/x.json"]


@pytest.mark.parametrize("key", TRAVERSAL)
def test_keys_cannot_escape_or_reach_internals(blob: BlobStore, key: str) -> None:
    assert code_of(lambda: blob.put(key, b"x")) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: blob.get(key)) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: blob.head(key)) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: blob.delete(key)) == ErrorCode.INVALID_ARGUMENT
    assert blob.verify_presigned(key, "9999999999", "00") is False


def test_symlink_inside_root_cannot_redirect(impl: Bound, blob: BlobStore, tmp_path: Path) -> None:
    root = local_root(impl)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"do not serve")
    (root / "link").symlink_to(outside, target_is_directory=True)
    (root / "filelink").symlink_to(outside / "secret.txt")
    assert code_of(lambda: blob.put("link/new", b"x")) == ErrorCode.PERMISSION_DENIED
    assert not (outside / "new").exists()
    assert code_of(lambda: blob.get("link/secret.txt")) == ErrorCode.PERMISSION_DENIED
    assert code_of(lambda: blob.get("filelink")) == ErrorCode.PERMISSION_DENIED
    assert [f.key for f in blob.list_all()] == []


def test_key_limits(blob: BlobStore) -> None:
    assert code_of(lambda: blob.put("k" * 1025, b"x")) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: blob.put("d/" + "k" * 251, b"x")) == ErrorCode.INVALID_ARGUMENT
    blob.put("d/" + "k" * 250, b"x")  # the longest name a segment may have
    assert code_of(lambda: blob.put(5, b"x")) == ErrorCode.INVALID_ARGUMENT  # type: ignore[arg-type]
    assert code_of(lambda: blob.put("bad\ud800", b"x")) == ErrorCode.INVALID_ARGUMENT
    deep = "/".join(["d"] * 100) + "/f"
    blob.put(deep, b"deep")
    assert blob.get(deep) == b"deep"


def test_wrong_types_and_values(blob: BlobStore) -> None:
    invalid = [
        lambda: blob.put("k", "text"),  # type: ignore[arg-type]
        lambda: blob.put("k", None),  # type: ignore[arg-type]
        lambda: blob.put_stream("k", b"bytes are not a stream"),  # type: ignore[arg-type]
        lambda: blob.put_stream("k", [b"ok", "text"]),  # type: ignore[list-item]
        lambda: blob.put_stream("k", io.StringIO("text")),  # type: ignore[arg-type]
        lambda: blob.put("k", b"x", content_type="text/html\r\nX-Evil: 1"),
        lambda: blob.put("k", b"x", content_type="nonsense"),
        lambda: blob.put("k", b"x", tagging={"k": 1}),  # type: ignore[dict-item]
        lambda: blob.put("k", b"x", tagging={f"t{i}": "v" for i in range(11)}),
        lambda: blob.put("k", b"x", tagging={"bad\nkey": "v"}),
        lambda: blob.put("k", b"x", tagging=["k", "v"]),  # type: ignore[arg-type]
    ]
    for fn in invalid:
        assert code_of(fn) == ErrorCode.INVALID_ARGUMENT
    assert blob.head("k") is None


def test_oversized_objects_refused_and_leave_nothing(impl: Bound, blob: BlobStore) -> None:
    limit = impl.option("max_object_bytes")
    assert code_of(lambda: blob.put("big", b"x" * (limit + 1))) == ErrorCode.INVALID_ARGUMENT
    chunks = (b"y" * 2**20 for _ in range(limit // 2**20 + 1))
    assert code_of(lambda: blob.put_stream("big", chunks)) == ErrorCode.INVALID_ARGUMENT
    assert blob.head("big") is None
    blob.put("big", b"z" * limit)
    assert blob.head("big") is not None
    if keeps(impl, "local_files"):
        assert list((local_root(impl) / ".cozelite" / "tmp").iterdir()) == []


def test_object_and_prefix_conflict(impl: Bound, blob: BlobStore) -> None:
    require(impl, "prefix_conflict_refused")
    blob.put("a/b", b"1")
    code = code_of(lambda: blob.put("a", b"2"))
    assert code == ErrorCode.FAILED_PRECONDITION
    blob.put("f", b"file")
    assert code_of(lambda: blob.put("f/g", b"3")) == ErrorCode.FAILED_PRECONDITION
    assert blob.get("f") == b"file" and blob.get("a/b") == b"1"
    assert code_of(lambda: blob.get("a")) == ErrorCode.NOT_FOUND
    assert blob.head("a") is None


# -- concurrency and crashes
def test_concurrent_threads_same_and_distinct_keys(blob: BlobStore) -> None:
    payloads = {t: bytes([65 + t]) * (50_000 + t) for t in range(6)}
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(15):
                blob.put("shared", payloads[t], content_type=f"application/x-t{t}")
                blob.put(f"own/{t}/{i}", payloads[t][:100])
                got = blob.get("shared")
                assert got in payloads.values()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    final = blob.get("shared")
    assert final in payloads.values()
    info = blob.head("shared")
    assert info is not None and info.size == len(final) and info.etag == hashlib.md5(final).hexdigest()
    assert len(blob.list_all("own/")) == 6 * 15


def test_two_processes(impl: Bound, blob: BlobStore) -> None:
    uri = impl.uri
    children = [procs.spawn("blob-writer", uri, "shared", 30, tag, 20_000) for tag in ("p", "q")]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    assert blob.get("shared") in (b"p" * 20_000, b"q" * 20_000)
    for tag in ("p", "q"):
        files = blob.list_all(f"{tag}/", with_tagging=True)
        assert len(files) == 30 and {f.tagging["tag"] for f in files} == {tag}
        for f in files:
            assert blob.get(f.key) == procs.payload(int(f.key.split("/")[1]), 1024)


@pytest.mark.parametrize("kill_after", [1, 40, pytest.param(500, marks=pytest.mark.slow)])
def test_sigkill_mid_write_loses_no_committed_data(impl: Bound, kill_after: int) -> None:
    uri = impl.uri
    size = 256 * 1024
    child = procs.spawn("blob-forever", uri, size)
    try:
        acked = procs.wait_for_lines(child, kill_after)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert len(acked) == kill_after, child.stderr.read() if child.stderr else ""
    with open_blob(uri) as store:
        store.ping()
        listed = store.list_all("obj/")
        indexes = [int(f.key.split("/")[1]) for f in listed]
        # Everything acknowledged is there; the child may have written more before the signal landed.
        assert indexes == list(range(len(indexes))) and len(indexes) >= kill_after
        for f in listed:  # complete, never torn, whether or not its put was acknowledged
            assert store.get(f.key) == procs.payload(int(f.key.split("/")[1]), size)
        last = len(indexes) - 1
        same = store.get("same")
        if last + 1 == kill_after:  # the acknowledged overwrite is there
            assert same == procs.payload(last, size)
        else:  # obj/<last> was written; its overwrite of "same" may or may not have been
            assert same in (procs.payload(last - 1, size), procs.payload(last, size))
        store.put("after", b"crash")
        assert store.get("after") == b"crash"


# -- backup
def test_backup_keeps_metadata_and_the_presign_secret(impl: Bound, blob: BlobStore, tmp_path: Path,
                                                      clock: FakeClock) -> None:
    require(impl, "backup")
    blob.put("a/1", b"one", content_type="text/x-one", tagging={"t": "1"})
    blob.put("b", b"two")
    url = blob.presign_get("a/1", 60)
    dest = tmp_path / "backup"
    blob.backup(dest)
    blob.put("b", b"changed after backup")
    assert code_of(lambda: blob.backup(dest)) == ErrorCode.FAILED_PRECONDITION
    restored_uri = impl.uri_at(tmp_path / "restored")
    restored_dir = Path(ProviderURL.parse(restored_uri).path)
    restored_dir.parent.mkdir(parents=True)
    dest.rename(restored_dir)
    with open_store(impl, clock, restored_uri) as restored:
        assert [f.key for f in restored.list_all()] == ["a/1", "b"]
        assert restored.get("b") == b"two"
        info = restored.head("a/1", with_tagging=True)
        assert info is not None and info.content_type == "text/x-one" and info.tagging == {"t": "1"}
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        assert restored.verify_presigned("a/1", query["expires"], query["sig"])


def test_backup_refuses_a_directory_inside_the_store(impl: Bound, blob: BlobStore) -> None:
    root = local_root(impl)
    assert code_of(lambda: blob.backup(root / "bk")) == ErrorCode.INVALID_ARGUMENT


def test_opener(impl: Bound, tmp_path: Path) -> None:
    uri = impl.uri
    sep = "&" if "?" in uri else "?"
    assert code_of(lambda: open_blob(f"{uri}{sep}bogus=1")) == ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: open_blob("s4://bucket")) == ErrorCode.UNIMPLEMENTED
    assert code_of(lambda: open_blob(f"file:///{tmp_path}/x?base_url=ftp://h")) == ErrorCode.INVALID_ARGUMENT
    blocker = tmp_path / "plainfile"
    blocker.write_text("x")
    with pytest.raises(ProviderError) as info:
        open_blob(f"file:///{blocker}/blob")
    assert str(blocker) in str(info.value)
    with open_blob(f"file:///{tmp_path}/kw", base_url="https://cdn.example/") as store:
        assert store.presign_get("k", 5).startswith("https://cdn.example/blob/k?")
