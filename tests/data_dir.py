"""Where the tests' data lives: `tests/data/` (copies of the shared goldens and corpora), or the
folder `COZELITE_SHARED` names (same layout), for trying another copy."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    override = os.environ.get("COZELITE_SHARED")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent / "data"
