"""Issue 11 (Low): the lock file holding the server's admin token is created 0600 whatever the
umask, and an existing lock file is re-created, not reused, before the token is written."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cozelite.datadir_lock import LOCK_NAME, DataDirLock, DataDirLocked, DataDirLockError, lock_holder


@pytest.fixture
def umask() -> Iterator[object]:
    def set_umask(value: int) -> None:
        os.umask(value)

    previous = os.umask(0o022)
    try:
        yield set_umask
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077, 0o277, 0o777])
def test_the_lock_file_is_0600_whatever_the_umask(tmp_path: Path, umask: object, mask: int) -> None:
    umask(mask)  # type: ignore[operator]
    lock = DataDirLock(tmp_path)
    lock.acquire(host="127.0.0.1", port=1)
    try:
        assert _mode(tmp_path / LOCK_NAME) == 0o600
        assert lock_holder(tmp_path)["token"] == lock.token  # type: ignore[index]
    finally:
        lock.release()


def test_an_existing_world_readable_lock_file_is_replaced_before_the_token_is_written(
        tmp_path: Path, umask: object) -> None:
    umask(0)  # type: ignore[operator]
    path = tmp_path / LOCK_NAME
    path.write_text("{}")
    path.chmod(0o644)
    # Someone kept a descriptor of the old file open: the token must never be readable through it.
    with path.open("rb") as watcher:
        before = path.stat().st_ino
        lock = DataDirLock(tmp_path)
        lock.acquire(host="127.0.0.1", port=1)
        try:
            assert path.stat().st_ino != before and _mode(path) == 0o600
            assert lock.token not in watcher.read().decode()
            assert json.loads(path.read_text())["token"] == lock.token
        finally:
            lock.release()


def test_a_hard_link_to_another_file_is_not_written_through(tmp_path: Path) -> None:
    other = tmp_path / "precious.txt"
    other.write_text("keep me")
    os.link(other, tmp_path / LOCK_NAME)
    lock = DataDirLock(tmp_path)
    lock.acquire()
    lock.release()
    assert other.read_text() == "keep me"


def test_a_symlinked_lock_file_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    (tmp_path / LOCK_NAME).symlink_to(target)
    with pytest.raises(DataDirLockError, match="symbolic link"):
        DataDirLock(tmp_path).acquire()
    assert not target.exists()


def test_the_replaced_file_still_excludes_a_second_holder(tmp_path: Path) -> None:
    (tmp_path / LOCK_NAME).write_text("{}")
    first = DataDirLock(tmp_path)
    first.acquire(host="127.0.0.1", port=8080)
    try:
        with pytest.raises(DataDirLocked):
            DataDirLock(tmp_path).acquire()
        assert lock_holder(tmp_path)["port"] == 8080  # type: ignore[index]
    finally:
        first.release()
    assert lock_holder(tmp_path) is None
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".{LOCK_NAME}")], "temp files left"
