"""Every command README.md shows runs as written. The shell examples are read from the README's
```sh blocks (one command per line, a trailing `# comment` dropped) and run in order in one empty
directory, with `cozelite` meaning this checkout's CLI; the ```python blocks are run too. A command
that cannot run here is listed in NOT_RUN with the reason (reported as a skip), and what it stands
for is checked another way where possible; a new README command fails until it runs or is listed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.netutil import free_port

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()

# Command (as written) -> why this test does not run it.
NOT_RUN = {
    "make demo": "runs `pip install -e .` into the shared environment first; its demo part (tools/demo.sh) "
                 "is run by test_the_demo_runs_to_a_healthy_server_and_stops_cleanly",
    "make test": "installs system packages and runs the whole suite (this test is part of it)",
    "make build-lite": "tests/lite/test_build_lite.py builds the file and runs it in an empty directory",
    "make test-lite": "a test run of its own (it includes this directory's neighbours); its selection is "
                      "tests/lite/lite_only.py, exercised by every `make test-lite`",
    "python -m pytest -m slow": "the long runs (minutes to hours): nightly",
    "COZELITE_NIGHTLY=1 python -m pytest tests/safety -q": "10x the CI property counts: nightly",
}
# Commands that do not end by themselves: started, checked healthy, stopped with SIGTERM.
SERVERS = {"make run-lite"}


def _commands() -> list[str]:
    out = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.DOTALL):
        for line in block.splitlines():
            command = re.sub(r"\s+#\s.*$", "", line).strip()
            if command and not command.startswith("#"):
                out.append(command)
    return out


COMMANDS = _commands()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("readme")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """`cozelite` on PATH is this checkout's CLI; no cozelite setting of the developer's shell leaks in."""
    bin_dir = tmp_path_factory.mktemp("bin")
    shim = bin_dir / "cozelite"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cozelite.cli "$@"\n')
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_URI") and not k.startswith("COZE_")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", PYTHONPATH=str(ROOT), PY=sys.executable)
    return env


def test_the_readme_starts_with_exactly_the_two_set_up_commands() -> None:
    assert COMMANDS[:2] == ["make demo", "make test"]
    first_block = re.search(r"```sh\n(.*?)```", README, re.DOTALL)
    assert first_block is not None and len(first_block.group(1).strip().splitlines()) == 2
    assert README.index("## Set up") < README.index("```")


def test_every_listed_command_is_still_in_the_readme() -> None:
    stale = sorted(set(NOT_RUN) - set(COMMANDS))
    assert not stale, f"NOT_RUN lists commands the README no longer shows: {stale}"


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs_as_written(command: str, workdir: Path, env: dict[str, str]) -> None:
    if command in NOT_RUN:
        pytest.skip(f"not run: {NOT_RUN[command]}")
    if command in SERVERS:
        _run_server(command, workdir, env)
        return
    result = subprocess.run(["bash", "-c", f"set -e; {command}"], cwd=workdir, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"`{command}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr


def _run_server(command: str, workdir: Path, env: dict[str, str]) -> None:
    port = free_port()
    args = command.split()
    if args[0] == "make":
        args = ["make", "-s", "-f", str(ROOT / "Makefile"), *args[1:], f"LITE_PORT={port}", f"PY={sys.executable}"]
    proc = subprocess.Popen(args, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, f"`{command}` exited with {proc.returncode}: {proc.communicate()[1]}"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"`{command}` did not become healthy"
            time.sleep(0.2)
        for area in ("sqlite", "kv", "duckdb", "blob"):
            assert (workdir / "var" / "data" / area).is_dir()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # make and the server it runs
        _, err = proc.communicate(timeout=60)
    assert "stopped cleanly" in err, err


def test_the_demo_runs_to_a_healthy_server_and_stops_cleanly(tmp_path: Path, env: dict[str, str]) -> None:
    # What `make demo` runs after installing; from the repository root, as the Makefile does.
    demo_env = {**env, "DEMO_SERVE": "check", "DEMO_PORT": str(free_port())}
    result = subprocess.run(["bash", str(ROOT / "tools" / "demo.sh")], cwd=tmp_path, env=demo_env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "healthy: /healthz/db 200" in result.stdout and "demo: ok" in result.stdout


def test_the_demo_stops_at_the_first_failure_and_names_it(tmp_path: Path, env: dict[str, str]) -> None:
    broken = {**env, "PY": str(tmp_path / "no-such-python")}
    result = subprocess.run(["bash", str(ROOT / "tools" / "demo.sh")], cwd=tmp_path, env=broken,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "demo: FAILED" in result.stderr
    assert "serving" not in result.stdout and "mysql:" not in result.stdout


def test_the_python_examples_run(tmp_path: Path, env: dict[str, str]) -> None:
    for block in re.findall(r"```python\n(.*?)```", README, re.DOTALL):
        result = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
