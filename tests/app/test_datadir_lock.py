"""The data-directory lock (cozelite/datadir_lock.py): one holder at a time, an error that says who
holds it and what to do, and offline backup/restore that never load the web stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cozelite.backup import BackupError, backup, restore
from cozelite.config import ConfigError, load_config
from cozelite.datadir_lock import DataDirLock, DataDirLocked, lock_holder
from tests.app.conftest import clean_env


def test_a_second_holder_is_refused_naming_the_directory_the_pid_and_the_fix(tmp_path: Path) -> None:
    first = DataDirLock(tmp_path)
    first.acquire(host="127.0.0.1", port=8080)
    try:
        with pytest.raises(DataDirLocked) as info:
            DataDirLock(tmp_path).acquire()
        message = str(info.value)
        assert str(tmp_path.resolve()) in message and f"pid {os.getpid()}" in message
        assert "http://127.0.0.1:8080" in message and "stop it first" in message
        assert info.value.holder["pid"] == os.getpid() and info.value.data_dir == tmp_path.resolve()
        # A lock conflict is not a configuration mistake: nothing in the configuration is wrong.
        assert not isinstance(info.value, ConfigError)
    finally:
        first.release()
    assert lock_holder(tmp_path) is None
    again = DataDirLock(tmp_path)
    again.acquire()
    again.release()


def test_an_offline_holder_is_described_as_a_backup_or_restore(tmp_path: Path) -> None:
    holder = DataDirLock(tmp_path)
    holder.acquire()
    try:
        assert lock_holder(tmp_path) == {"pid": os.getpid(), "host": "", "port": 0, "token": holder.token}
        with pytest.raises(DataDirLocked, match=r"a backup or restore.*wait for it to finish"):
            DataDirLock(tmp_path).acquire(host="127.0.0.1", port=1)
    finally:
        holder.release()


def test_backup_and_restore_refuse_while_an_offline_holder_runs(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(env={}, lite=True)
    bk = tmp_path / "bk"
    bk.mkdir()
    (bk / "manifest.json").write_text(json.dumps({"format": 1, "areas": {}}))
    holder = DataDirLock(config.data_path)
    holder.acquire()
    try:
        with pytest.raises(BackupError, match=rf"pid {os.getpid()}.*wait for it to finish"):
            backup(config, tmp_path / "out")
        with pytest.raises(BackupError, match=r"refusing to restore.*wait for it to finish"):
            restore(config, bk)
    finally:
        holder.release()


_OFFLINE = """
import json, sys
from cozelite.cli import main
codes = [main(["backup", sys.argv[1], "--lite"]), main(["restore", sys.argv[1], "--lite"])]
print(json.dumps({"codes": codes, "web": sorted(m for m in ("starlette", "uvicorn") if m in sys.modules)}))
"""


def test_offline_backup_and_restore_do_not_load_the_web_stack(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _OFFLINE, str(tmp_path / "bk")], cwd=tmp_path, env=clean_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result == {"codes": [0, 0], "web": []}, proc.stderr


def test_a_clean_release_removes_the_lock_file(tmp_path: Path) -> None:
    lock = DataDirLock(tmp_path)
    lock.acquire(host="127.0.0.1", port=1)
    assert lock.path.exists() and lock.stale is None
    lock.release()
    assert not lock.path.exists() and lock_holder(tmp_path) is None


def test_a_lock_file_left_by_a_killed_holder_is_taken_over_and_explained(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom cozelite.datadir_lock import DataDirLock\n"
         "DataDirLock(sys.argv[1]).acquire(host='127.0.0.1', port=4321)\nprint('held', flush=True)\ntime.sleep(600)",
         str(tmp_path)], env=clean_env(PYTHONPATH=str(Path(__file__).resolve().parents[2])),
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(DataDirLocked):
            DataDirLock(tmp_path).acquire()
    finally:
        holder.kill()  # SIGKILL: no release, the file stays
        holder.wait()
    assert (tmp_path / "cozelite-server.lock").exists()
    lock = DataDirLock(tmp_path)
    lock.acquire()  # at once: the kernel dropped the dead holder's flock
    try:
        assert lock.stale is not None and lock.stale["pid"] == holder.pid
        text = lock.describe_stale()
        assert f"pid {holder.pid}" in text and "did not stop cleanly" in text and "http://127.0.0.1:4321" in text
    finally:
        lock.release()
