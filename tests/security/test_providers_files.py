"""Issue 11 Low item: data files and backups are created 0600 (directories 0700) whatever the
umask, for every embedded provider (blob: test_providers_blob.py)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from providers.db import open_db
from providers.kv import open_kv
from providers.search import open_search


@pytest.fixture
def no_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sqlite_files_and_backup_are_private(tmp_path: Path, no_umask: None) -> None:
    db = open_db(f"sqlite:///{tmp_path}/data/sqlite/app.db")
    try:
        db.execute_sql("CREATE TABLE t (a INTEGER)")
        db.backup(tmp_path / "backup")
    finally:
        db.close()
    assert mode(tmp_path / "data" / "sqlite") == 0o700
    files = [p for p in (tmp_path / "data" / "sqlite").iterdir()]
    assert files and all(mode(p) == 0o600 for p in files), {p.name: oct(mode(p)) for p in files}
    assert mode(tmp_path / "backup") == 0o700
    assert [oct(mode(p)) for p in (tmp_path / "backup").iterdir()] == [oct(0o600)]


def test_lmdb_files_and_backup_are_private(tmp_path: Path, no_umask: None) -> None:
    kv = open_kv(f"lmdb:///{tmp_path}/kv")
    try:
        kv.set("k", b"v")
        kv.backup(tmp_path / "backup")
    finally:
        kv.close()
    assert mode(tmp_path / "kv") == 0o700
    assert {p.name: mode(p) for p in (tmp_path / "kv").iterdir()} == {"data.mdb": 0o600, "lock.mdb": 0o600}
    assert mode(tmp_path / "backup") == 0o700
    assert {p.name: mode(p) for p in (tmp_path / "backup").iterdir()} == {"data.mdb": 0o600}


def test_duckdb_file_and_backup_are_private(tmp_path: Path, no_umask: None) -> None:
    s = open_search(f"duckdb:///{tmp_path}/duckdb/search.db")
    try:
        s.es.create_index("i", {"n": "long"})
        s.backup(tmp_path / "backup")
    finally:
        s.close()
    assert mode(tmp_path / "duckdb") == 0o700
    assert mode(tmp_path / "duckdb" / "search.db") == 0o600
    assert mode(tmp_path / "backup") == 0o700
    assert [mode(p) for p in (tmp_path / "backup").iterdir()] == [0o600]
