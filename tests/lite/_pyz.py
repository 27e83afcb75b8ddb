"""What the tests of the single-file build share: the Python it declares and a target machine's
environment."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
START_TIMEOUT_S = 300.0  # the first start unpacks ~260 MiB

needs_system_python = pytest.mark.skipif(not SYSTEM_PYTHON.exists() or not sys.platform.startswith("linux"),
                                         reason=f"needs the system {SYSTEM_PYTHON} the build declares")


def clean_env(home: Path) -> dict[str, str]:
    """What a target machine's shell gives: no venv, no PYTHONPATH, no cozelite setting."""
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
