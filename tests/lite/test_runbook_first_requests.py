"""docs/runbook.md's "First requests" block runs as written: the block is taken from the document,
only the port changes (8080 -> a free one), against a real `cozelite serve --lite` of this checkout,
with `cozelite` on PATH and bash, curl and jq as the runbook asks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.conftest import clean_env, running_server

RUNBOOK = Path(__file__).resolve().parents[2] / "docs" / "runbook.md"


def first_requests_block() -> str:
    text = RUNBOOK.read_text()
    section = text.split("\n## First requests\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the First requests section has one sh block"
    return str(blocks[0])


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="the runbook's block needs curl and jq")
def test_the_first_requests_run_as_written(tmp_path: Path) -> None:
    block = first_requests_block()
    assert "http://127.0.0.1:8080" in block
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "cozelite"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cozelite.cli "$@"\n')
    wrapper.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    with running_server(work, "--lite") as server:
        env = clean_env(PATH=f"{bin_dir}:{clean_env().get('PATH', '/usr/bin:/bin')}")
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", block.replace("http://127.0.0.1:8080", server.base)],
                              cwd=work, env=env, capture_output=True, text=True, timeout=180)
        assert server.stop() == 0, server.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"\S+", lines[0]), lines[0]  # the user id
    objects = [json.loads(line) for line in lines if line.startswith("{")]
    assert objects[0]["name"] == "alice"  # /v1/me
    sql = [o for o in objects if "rows" in o]
    assert sql[0]["affected_rows"] == 2 and sql[1]["rows"] == [{"label": "nut"}], sql
    assert [o["value"] for o in objects if "value" in o] == ["dark", "dark"]
    assert "Fog horns sound every thirty seconds." in lines  # the file, downloaded through its URL
    assert lines[-1] == '"Fog horns sound every thirty seconds."', lines[-3:]  # the retrieved chunk
