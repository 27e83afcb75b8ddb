"""The single-file build, built once per session for every test of it (the build takes ~30 s on an
idle machine; COZELITE_LITE_PYZ names an already built file to test instead, e.g. a CI step's)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lite._pyz import ROOT


@pytest.fixture(scope="session")
def pyz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    prebuilt = os.environ.get("COZELITE_LITE_PYZ")
    if prebuilt:
        return Path(prebuilt).resolve()
    out = tmp_path_factory.mktemp("build") / "cozelite-lite.pyz"
    result = subprocess.run(["make", "-s", "build-lite", f"LITE_PYZ={out}", f"PY={sys.executable}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0 and out.is_file(), result.stdout + result.stderr
    return out


@pytest.fixture(scope="session")
def pyz_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The target machine's $HOME, shared by the session's runs of the file: the first run unpacks
    the bundle into its ~/.shiv (~260 MiB, the slow part), later runs reuse it as on a real machine."""
    return tmp_path_factory.mktemp("home")
