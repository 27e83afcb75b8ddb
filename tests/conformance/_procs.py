"""Child processes for the conformance suites' two-process and SIGKILL tests.

Run as a script (a fresh interpreter, never a fork of the test process: LMDB environments must not
cross fork()):

    python tests/conformance/_procs.py <role> <uri> [args...]

Roles print one line per committed operation ("<n>\\n", flushed after the operation returned), so
the parent knows exactly what was acknowledged before it killed the child.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve()


def payload(index: int, size: int) -> bytes:
    """Deterministic, index-specific content, so a reader can tell a torn or mixed-up write."""
    seed = hashlib.sha256(str(index).encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def spawn(role: str, uri: str, *args: object) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, str(HERE), role, uri, *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def wait_for_lines(proc: subprocess.Popen[str], count: int) -> list[str]:
    """Read ``count`` acknowledgement lines (or fewer if the child ends)."""
    assert proc.stdout is not None
    lines: list[str] = []
    while len(lines) < count:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
    return lines


def kv_incr(uri: str, key: str, n: str, tag: str) -> None:
    from providers.kv import open_kv

    with open_kv(uri) as kv:
        for i in range(int(n)):
            kv.incr(key)
            kv.rpush(f"{key}:log", f"{tag}:{i}")
    print("done", flush=True)


def kv_forever(uri: str, size: str) -> None:
    from providers.kv import open_kv

    kv = open_kv(uri)
    i = 0
    while True:
        value = payload(i, int(size))
        with kv.pipeline() as p:
            p.set(f"k{i}", value).hset("h", f"f{i}", value[:64]).rpush("l", str(i))
            p.execute()
        print(i, flush=True)
        i += 1


def blob_writer(uri: str, key: str, n: str, tag: str, size: str) -> None:
    from providers.blob import open_blob

    store = open_blob(uri)
    for i in range(int(n)):
        store.put(key, tag.encode() * int(size))
        store.put(f"{tag}/{i}", payload(i, 1024), tagging={"tag": tag})
    print("done", flush=True)


def blob_forever(uri: str, size: str) -> None:
    from providers.blob import open_blob

    store = open_blob(uri)
    i = 0
    while True:
        store.put(f"obj/{i:06d}", payload(i, int(size)), content_type="application/x-test")
        # Overwrites too: a killed overwrite must leave the previous complete version.
        store.put("same", payload(i, int(size)))
        print(i, flush=True)
        i += 1


ROLES: dict[str, Callable[..., None]] = {
    "kv-incr": kv_incr, "kv-forever": kv_forever, "blob-writer": blob_writer, "blob-forever": blob_forever}

if __name__ == "__main__":
    ROLES[sys.argv[1]](*sys.argv[2:])
