"""Shared loader for the labelled SQL corpora in tests/data/corpus (see its README.md).

`COZELITE_SHARED` overrides the location of the data folder (the one holding `corpus/`).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from tests.data_dir import data_dir


def corpus_path(name: str) -> Path:
    return data_dir() / "corpus" / f"{name}.jsonl"


@cache
def _load(name: str) -> tuple[dict, ...]:
    with corpus_path(name).open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


def load_corpus(name: str) -> list[dict]:
    """The rows of `<shared>/corpus/<name>.jsonl` ("mysql", "sqlite", "postgres"), in file order."""
    return [dict(row) for row in _load(name)]
