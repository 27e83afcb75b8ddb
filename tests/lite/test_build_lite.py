"""`make build-lite` as a user ships it: one file, copied into an empty directory of a machine with
only the system Python (no venv, no PYTHONPATH, none of our packages installed), serves in lite
mode by default: every /healthz/* is 200 and the data lands under that directory's ./var/data/.

The build (tests/lite/conftest.py, once per session) takes ~30 s on an idle machine, so it runs in the
default suite; COZELITE_LITE_PYZ names an already built file to test instead (a CI step that built it
once). The core flows through the built file: test_build_lite_flows.py."""

from __future__ import annotations

import os
import runpy
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.lite._pyz import ROOT, START_TIMEOUT_S, SYSTEM_PYTHON, clean_env, needs_system_python
from tests.netutil import free_port

AREAS = ("db", "kv", "search", "mq", "blob")

pytestmark = needs_system_python


@pytest.fixture
def target(tmp_path: Path, pyz: Path, pyz_home: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    work = tmp_path / "empty"
    work.mkdir()
    shutil.copy2(pyz, work / "cozelite-lite.pyz")
    yield work, clean_env(pyz_home)


def test_the_system_python_has_none_of_the_bundled_packages() -> None:
    # Otherwise the clean-directory run below would prove nothing about the bundle.
    probe = subprocess.run([str(SYSTEM_PYTHON), "-c", "import apsw"], capture_output=True, env=clean_env(Path("/")))
    if probe.returncode == 0:
        pytest.skip(f"{SYSTEM_PYTHON} has apsw installed: the clean run cannot show the bundle is complete")


def test_the_built_file_serves_lite_from_an_empty_directory(target: tuple[Path, dict[str, str]]) -> None:
    work, env = target
    shown = subprocess.run(["./cozelite-lite.pyz", "config", "show", "--check"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=START_TIMEOUT_S)
    assert shown.returncode == 0, shown.stderr
    assert "sqlite:///var/data/sqlite/app.db" in shown.stdout and "lite preset" in shown.stdout
    assert list(work.iterdir()) == [work / "cozelite-lite.pyz"]  # a check creates nothing

    port = free_port()
    proc = subprocess.Popen(["./cozelite-lite.pyz", "serve", "--port", str(port)], cwd=work, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"serve exited with {proc.returncode}: {proc.communicate()[1]}")
            try:
                if httpx.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the built file did not become healthy in time"
            time.sleep(0.2)
        for area in AREAS:
            r = httpx.get(f"{base}/healthz/{area}", timeout=30)
            assert r.status_code == 200, r.text
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0 and "stopped cleanly" in err, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    data = work / "var" / "data"
    assert (data / "sqlite" / "app.db").is_file() and (data / "kv" / "data.mdb").is_file()
    assert (data / "duckdb" / "search.db").is_file() and (data / "blob").is_dir()
    assert sorted(p.name for p in work.iterdir()) == ["cozelite-lite.pyz", "var"]
    assert not (data / "cozelite-server.lock").exists()


def test_another_python_gets_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The preamble as the bundle runs it, over a bundle whose C extensions are for another CPython.
    (tmp_path / "_ext.cpython-399-x86_64-linux-gnu.so").write_bytes(b"")
    monkeypatch.delenv("COZE_LITE", raising=False)
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(ROOT / "tools" / "lite_preamble.py"), init_globals={"site_packages": tmp_path})
    assert "built for CPython 3.99" in str(info.value) and "python3.99" in str(info.value)
    assert "COZE_LITE" not in os.environ
    # The same bundle under its own Python: the lite preset becomes the default, nothing else.
    (tmp_path / "_ext.cpython-399-x86_64-linux-gnu.so").rename(
        tmp_path / f"_ext.{sys.implementation.cache_tag}-x86_64-linux-gnu.so")
    runpy.run_path(str(ROOT / "tools" / "lite_preamble.py"), init_globals={"site_packages": tmp_path})
    assert os.environ["COZE_LITE"] == "1"
