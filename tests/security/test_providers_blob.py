"""Issue 11, the blob Low items: symlinks cannot lead put/delete outside the root, get() on a FIFO
does not block, crashed writers' temp files are gone at start-up, files are private whatever the
umask, and a huge presign expiry is INVALID_ARGUMENT."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from providers.blob import open_blob
from providers.blob.contract import BlobStore
from providers.errors import ErrorCode, ProviderError


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "blob"


@pytest.fixture
def blob(root: Path) -> Iterator[BlobStore]:
    store = open_blob(f"file:///{root}")
    try:
        yield store
    finally:
        store.close()


def test_symlinked_directory_creates_nothing_outside_the_root(blob: BlobStore, root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ProviderError) as info:
        blob.put("link/a/b/c/obj", b"data")
    assert info.value.code is ErrorCode.PERMISSION_DENIED
    assert list(outside.iterdir()) == []  # before: a/b/c were created there, then the put refused


def test_symlink_under_meta_does_not_let_delete_remove_outside(blob: BlobStore, root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "victim"
    outside.mkdir()
    (outside / "obj.json").write_text("keep me")
    blob.put("dir/other", b"x")
    meta_dir = root / ".cozelite" / "meta" / "dir"
    # Replace the metadata directory of "dir/" by a symlink to a directory outside the root.
    for f in meta_dir.iterdir():
        f.unlink()
    meta_dir.rmdir()
    meta_dir.symlink_to(outside, target_is_directory=True)
    (root / "dir" / "obj").write_bytes(b"planted")
    with pytest.raises(ProviderError) as info:
        blob.delete("dir/obj")
    assert info.value.code is ErrorCode.PERMISSION_DENIED
    assert (outside / "obj.json").read_text() == "keep me"
    with pytest.raises(ProviderError):
        blob.put("dir/new", b"y")  # its metadata would be written through the symlink
    assert sorted(p.name for p in outside.iterdir()) == ["obj.json"]


def test_get_on_a_fifo_does_not_block(blob: BlobStore, root: Path) -> None:
    os.mkfifo(root / "pipe")
    with pytest.raises(ProviderError) as info:
        blob.get("pipe")
    assert info.value.code is ErrorCode.NOT_FOUND
    assert blob.head("pipe") is None
    meta = root / ".cozelite" / "meta"
    blob.put("real", b"r")
    (meta / "real.json").unlink()
    os.mkfifo(meta / "real.json")
    info2 = blob.head("real")  # metadata is recomputed, not read from the FIFO
    assert info2 is not None and info2.size == 1


def test_crashed_writers_temp_files_are_removed_at_start_up(root: Path) -> None:
    # A writer killed mid-put leaves its temp file; the next start removes it at once.
    code = textwrap.dedent(f"""
        import os
        from providers.blob import open_blob
        store = open_blob("file:///{root}")
        def chunks():
            yield b"x" * 1000
            os._exit(9)  # dies mid-write, temp file left behind
        store.put_stream("obj", chunks())
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    tmp = root / ".cozelite" / "tmp"
    assert [p.name for p in tmp.iterdir() if p.name.startswith("put-")]
    store = open_blob(f"file:///{root}")
    try:
        assert [p.name for p in tmp.iterdir()] == []
        with pytest.raises(ProviderError) as info:
            store.get("obj")  # the interrupted put committed nothing
        assert info.value.code is ErrorCode.NOT_FOUND
    finally:
        store.close()


def test_a_live_stores_temp_files_are_left_alone(blob: BlobStore, root: Path) -> None:
    # Another process's store is open (here: this one); a second open must not remove a temp file
    # a live writer holds locked.
    tmp = root / ".cozelite" / "tmp"
    fd, path = blob.driver._temp_file("put-")  # type: ignore[attr-defined]
    try:
        os.utime(path, (0, 0))  # old: only its lock protects it
        second = open_blob(f"file:///{root}")
        second.close()
        assert Path(path).exists()
    finally:
        os.close(fd)
        os.unlink(path)
    assert [p.name for p in tmp.iterdir()] == []


def test_files_and_directories_are_private_whatever_the_umask(root: Path) -> None:
    old = os.umask(0)
    try:
        store = open_blob(f"file:///{root}")
        try:
            store.put("a/b/obj", b"data")
        finally:
            store.close()
    finally:
        os.umask(old)
    assert stat.S_IMODE((root / "a" / "b" / "obj").stat().st_mode) == 0o600
    assert stat.S_IMODE((root / "a").stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "a" / "b").stat().st_mode) == 0o700
    assert stat.S_IMODE((root / ".cozelite" / "meta" / "a" / "b" / "obj.json").stat().st_mode) == 0o600


@pytest.mark.parametrize("expiry", [10**400, 1e308, float("inf"), float("nan"), -1, 0, 7 * 24 * 3600 + 1])
def test_presign_expiry_out_of_range_is_invalid_argument(blob: BlobStore, expiry: float) -> None:
    blob.put("k", b"v")
    with pytest.raises(ProviderError) as info:
        blob.presign_get("k", expiry)
    assert info.value.code is ErrorCode.INVALID_ARGUMENT
