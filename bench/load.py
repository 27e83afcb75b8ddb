"""A bounded loopback load run against a real `cozelite serve --lite`: many concurrent clients over a
mix of SQL queries, knowledge retrievals and document uploads, for a fixed time.

    python bench/load.py [--clients 50] [--duration 60] [--users 5] [--mix sql=6,retrieve=3,upload=1]
                         [--embedding-uri none://] [--mode text] [--json out.json]

It starts the server in a temporary directory (users and keys made with the real CLI), gives each
user a private database (a per-user table seeded with rows carrying the user's marker) and a
knowledge base (documents carrying the marker), then runs the clients, each acting as one user.
Reported: requests/s, p50/p99 latency (overall and per kind), errors (non-2xx or transport
failures), and cross-tenant rows: SQL rows or retrieved chunks that carry another user's marker
(must be 0). The numbers depend on the machine (shared and noisy here); the closing note quotes
the run with the command line that produced it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.netutil import free_port  # noqa: E402

WORDS = ("harbour lighthouse storm keeper ship anchor tide rope sail compass map island reef gull "
         "lantern beacon fog current wave north").split()


@dataclass
class User:
    name: str
    key: str
    marker: str
    database: str = ""
    kb: str = ""


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    cross_tenant: int = 0

    def add(self, kind: str, seconds: float, ok: bool, sample: str = "") -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.error_samples) < 5:
                self.error_samples.append(f"{kind}: {sample[:200]}")


def cli(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "cozelite.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"cozelite {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def start_server(cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    log = (cwd / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "cozelite.cli", "serve", "--lite", "--port", str(port)],
                            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {(cwd / 'serve.log').read_text()[-2000:]}")
        try:
            if httpx.get(base + "/v1/knowledge", timeout=5).status_code == 401:
                return proc, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def document_text(marker: str, rng: random.Random, paragraphs: int = 6) -> str:
    return "\n\n".join(f"{marker} note {i}: " + " ".join(rng.choice(WORDS) for _ in range(40)) + "."
                       for i in range(paragraphs))


def setup_user(base: str, user: User, rng: random.Random) -> None:
    h = {"Authorization": f"Bearer {user.key}"}
    with httpx.Client(base_url=base, headers=h, timeout=120) as c:
        r = c.post("/v1/databases", json={"name": f"{user.name} log", "visibility": "private", "tables": [
            {"name": "notes", "fields": [{"name": "title", "type": "text"}, {"name": "marker", "type": "text"},
                                         {"name": "n", "type": "integer"}]}]})
        r.raise_for_status()
        user.database = r.json()["id"]
        for start in (0, 100):
            rows = [{"title": f"row {i}", "marker": user.marker, "n": i} for i in range(start, start + 100)]
            r = c.post(f"/v1/databases/{user.database}/tables/notes/records", json={"records": rows})
            if r.status_code != 201:
                raise SystemExit(f"seeding rows failed: {r.text}")
        r = c.post("/v1/knowledge", json={"name": f"{user.name} kb", "description": "load test"})
        r.raise_for_status()
        user.kb = r.json()["id"]
        docs = []
        for i in range(3):
            r = c.post(f"/v1/knowledge/{user.kb}/documents",
                       files={"file": (f"seed{i}.txt", document_text(user.marker, rng).encode(), "text/plain")})
            r.raise_for_status()
            docs.append(r.json()["id"])
        for doc in docs:
            deadline = time.monotonic() + 300
            while c.get(f"/v1/knowledge/{user.kb}/documents/{doc}").json()["status"] not in ("ready", "failed"):
                if time.monotonic() > deadline:
                    raise SystemExit("seed documents were not indexed in 300 s")
                time.sleep(0.2)


async def client_loop(base: str, user: User, others: list[str], mix: list[tuple[str, int]], deadline: float,
                      stats: Stats, seed: int, mode: str) -> None:
    rng = random.Random(seed)
    kinds = [k for k, _ in mix]
    weights = [w for _, w in mix]
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {user.key}"}, timeout=60,
                                 limits=limits) as c:
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            start = time.perf_counter()
            try:
                if kind == "sql":
                    r = await c.post(f"/v1/databases/{user.database}/sql", json={
                        "sql": "SELECT title, marker, n FROM notes WHERE n >= ? ORDER BY n LIMIT 20",
                        "params": [rng.randrange(0, 180)]})
                    rows = r.json().get("rows", []) if r.status_code == 200 else []
                    stats.cross_tenant += sum(1 for row in rows if row.get("marker") != user.marker)
                elif kind == "retrieve":
                    r = await c.post("/v1/knowledge/retrieve", json={
                        "query": " ".join(rng.sample(WORDS, 3)), "knowledge_ids": [user.kb], "top_k": 5,
                        "mode": mode})
                    chunks = r.json().get("chunks", []) if r.status_code == 200 else []
                    stats.cross_tenant += sum(1 for ch in chunks if ch["knowledge_id"] != user.kb
                                              or any(o in ch["text"] for o in others))
                else:
                    r = await c.post(f"/v1/knowledge/{user.kb}/documents", files={
                        "file": ("load.txt", document_text(user.marker, rng, 2).encode(), "text/plain")})
                ok = 200 <= r.status_code < 300
                stats.add(kind, time.perf_counter() - start, ok, f"{r.status_code} {r.text}")
            except httpx.HTTPError as err:
                stats.add(kind, time.perf_counter() - start, False, f"{type(err).__name__}: {err}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--users", type=int, default=5)
    ap.add_argument("--mix", default="sql=6,retrieve=3,upload=1")
    ap.add_argument("--embedding-uri", default="none://")
    ap.add_argument("--mode", choices=("text", "vector", "hybrid"), default="text",
                    help="retrieval mode (vector and hybrid need --embedding-uri)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if not (1 <= args.clients <= 500 and 1 <= args.duration <= 3600 and 1 <= args.users <= 100):
        raise SystemExit("bounds: 1..500 clients, 1..3600 s, 1..100 users")
    mix = [(k, int(w)) for k, w in (part.split("=") for part in args.mix.split(","))]
    if {k for k, _ in mix} - {"sql", "retrieve", "upload"}:
        raise SystemExit("--mix kinds: sql, retrieve, upload")
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="cozelite-load-") as tmp:
        cwd = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.endswith("_URI") and not k.startswith("COZE_")}
        env.update(COZE_LITE="1", PYTHONPATH=str(ROOT), EMBEDDING_URI=args.embedding_uri,
                   COZE_API_MAX_SQL_ROWS="100")
        users = []
        for i in range(args.users):
            name = f"load{i}"
            cli(cwd, env, "users", "add", name)
            key = re.search(r"czk_[A-Za-z0-9_-]{43}", cli(cwd, env, "keys", "create", name))
            assert key
            users.append(User(name, key.group(0), f"MARK{i:03d}X"))
        proc, base = start_server(cwd, env)
        try:
            for u in users:
                setup_user(base, u, rng)
            stats = Stats()
            deadline = time.monotonic() + args.duration
            started = time.perf_counter()

            async def run() -> None:
                await asyncio.gather(*(client_loop(base, users[i % len(users)],
                                                   [o.marker for o in users if o is not users[i % len(users)]],
                                                   mix, deadline, stats, seed=i, mode=args.mode)
                                       for i in range(args.clients)))

            asyncio.run(run())
            elapsed = time.perf_counter() - started
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
    everything = [x for v in stats.latencies.values() for x in v]
    result: dict[str, Any] = {
        "clients": args.clients, "duration_s": round(elapsed, 1), "users": args.users, "mix": args.mix,
        "embedding_uri": args.embedding_uri, "mode": args.mode, "requests": len(everything),
        "requests_per_s": round(len(everything) / elapsed, 1),
        "p50_ms": round(1000 * percentile(everything, 0.50), 1),
        "p99_ms": round(1000 * percentile(everything, 0.99), 1),
        "errors": sum(stats.errors.values()), "cross_tenant_rows": stats.cross_tenant,
        "by_kind": {k: {"requests": len(v), "p50_ms": round(1000 * percentile(v, 0.5), 1),
                        "p99_ms": round(1000 * percentile(v, 0.99), 1),
                        "mean_ms": round(1000 * statistics.fmean(v), 1), "errors": stats.errors.get(k, 0)}
                    for k, v in sorted(stats.latencies.items())},
        "error_samples": stats.error_samples,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    if result["errors"] or result["cross_tenant_rows"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
