"""Shared loader for the labelled SQL corpora in /work/shared/corpus (see its README.md).

`COZELITE_SHARED` overrides the location of the shared folder (the one holding `corpus/`).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path


def shared_dir() -> Path:
    override = os.environ.get("COZELITE_SHARED")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "shared"


def corpus_path(name: str) -> Path:
    return shared_dir() / "corpus" / f"{name}.jsonl"


@cache
def _load(name: str) -> tuple[dict, ...]:
    with corpus_path(name).open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


def load_corpus(name: str) -> list[dict]:
    """The rows of `<shared>/corpus/<name>.jsonl` ("mysql", "sqlite", "postgres"), in file order."""
    return [dict(row) for row in _load(name)]
