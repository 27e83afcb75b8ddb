"""tests/data/ holds copies of the shared goldens, corpora and workloads so a plain clone is
self-contained. When the shared folder is present (`../shared` beside the repository, or the folder
COZELITE_SHARED names), the copies must be identical to it, so an update there is noticed here."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COPIES = ROOT / "tests" / "data"
COPIED = ("golden", "corpus", "workloads")  # the shared sub-folders tests/data mirrors


def _shared() -> Path | None:
    override = os.environ.get("COZELITE_SHARED")
    for candidate in ([Path(override)] if override else []) + [ROOT.parent / "shared"]:
        if candidate.resolve() != COPIES.resolve() and (candidate / "golden").is_dir():
            return candidate
    return None


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for sub in COPIED for p in (root / sub).rglob("*") if p.is_file()}


def test_the_copies_are_complete_without_the_shared_folder() -> None:
    names = _files(COPIES)
    assert "golden/sql_parser_cases.json" in names
    assert {"corpus/mysql.jsonl", "corpus/sqlite.jsonl", "corpus/postgres.jsonl", "workloads/workload.jsonl"} <= names
    assert (COPIES / "README.md").is_file()


def test_the_copies_are_identical_to_the_shared_folder_when_present() -> None:
    shared = _shared()
    if shared is None:
        pytest.skip("no shared folder beside the repository (a plain clone): nothing to compare with")
    ours, theirs = _files(COPIES), _files(shared)
    assert ours == theirs, (f"tests/data and {shared} hold different files: only in tests/data: "
                            f"{sorted(ours - theirs)}; only in {shared}: {sorted(theirs - ours)}")
    differ = [name for name in sorted(ours) if not filecmp.cmp(COPIES / name, shared / name, shallow=False)]
    assert not differ, f"copy these from {shared} into tests/data/ (they changed there): {differ}"
