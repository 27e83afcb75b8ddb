"""Measure the single-file build (`make build-lite`): its size, and the time from launching
`cozelite-lite.pyz serve` in an empty directory to every /healthz/* answering 200, cold (first run:
shiv extracts the bundle) and warm (already extracted). Runs it as a target machine would: the system
Python from PATH=/usr/bin:/bin, no venv, no PYTHONPATH.

    python tools/lite_startup.py [dist/cozelite-lite.pyz] [--runs 3]

Prints one line per run and the medians; nothing is asserted (speed is measured, not tested).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

AREAS = ("db", "kv", "search", "mq", "blob")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(base: str) -> bool:
    try:
        for path in ("/healthz", *(f"/healthz/{a}" for a in AREAS)):
            with urllib.request.urlopen(base + path, timeout=5) as response:
                if response.status != 200:
                    return False
        return True
    except (urllib.error.URLError, OSError):
        return False


def start_to_healthy(pyz: Path, workdir: Path, home: Path, timeout: float = 300) -> float:
    port = _free_port()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    started = time.perf_counter()
    proc = subprocess.Popen([f"./{pyz.name}", "serve", "--port", str(port)], cwd=workdir, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        while not _healthy(f"http://127.0.0.1:{port}"):
            if proc.poll() is not None:
                raise SystemExit(f"serve exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
            if time.perf_counter() - started > timeout:
                raise SystemExit("serve did not become healthy in time")
            time.sleep(0.05)
        return time.perf_counter() - started
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pyz", nargs="?", default="dist/cozelite-lite.pyz", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    pyz: Path = args.pyz.resolve()
    print(f"{pyz}: {pyz.stat().st_size / 2**20:.1f} MiB")
    cold, warm = [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            work, home = Path(tmp) / "work", Path(tmp) / "home"
            work.mkdir()
            home.mkdir()
            shutil.copy2(pyz, work / pyz.name)
            cold.append(start_to_healthy(work / pyz.name, work, home))   # extracts into $HOME/.shiv
            warm.append(start_to_healthy(work / pyz.name, work, home))   # reuses the extraction
            extracted = sum(f.stat().st_size for f in (home / ".shiv").rglob("*") if f.is_file())
            print(f"run {run + 1}: cold start to healthy {cold[-1]:.2f} s, warm {warm[-1]:.2f} s, "
                  f"extracted {extracted / 2**20:.0f} MiB")
    print(f"median: cold {statistics.median(cold):.2f} s, warm {statistics.median(warm):.2f} s")


if __name__ == "__main__":
    main()
