"""Throughput of the embedded providers, as ops/s and as a ratio of a baseline measured in the same
run on the same disk (raw LMDB, a bare thread hand-off, plain file write+fsync / read).

    python bench/providers.py                  # every case
    python bench/providers.py --only kv,blob   # areas or case names (prefix match)
    python bench/providers.py --only kv,alt    # LMDB against the SQLite key/value table we considered
    python bench/providers.py --quick          # a tenth of the operations (smoke run)
    python bench/providers.py --json out.json

The result is the table of named cases below (CASES). Ratios, not absolute numbers, are the result:
the machine is shared and noisy. A ratio is "our ops/s / baseline ops/s", the median over rounds
that each run the baseline right before the case: 1.0 means the provider layer costs nothing over
the raw primitive, 0.5 means it halves the throughput.

Adding rows (for example the rdb area): append `Case(...)` objects to CASES, or put a module
``bench/providers_<area>.py`` next to this file that defines ``CASES``, a list of objects with the
attributes below (a dataclass or ``types.SimpleNamespace``; missing ``teardown``/``baseline`` mean
none); its rows are picked up and run like these. A case is:
    name      "area.operation size", unique, e.g. "rdb.insert"
    setup     (tmp_dir) -> ctx        opens what the case needs under a fresh temp directory
    run       (ctx, n) -> None        performs n operations
    teardown  (ctx) -> None           closes it
    ops       how many operations a full run performs
    baseline  name of the case it is compared with ("" for baselines themselves)
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lmdb

from providers.blob import open_blob
from providers.kv import open_kv
from providers.mq import Message, open_mq

KIB = 1024
MIB = 1024 * 1024


@dataclass
class Case:
    name: str
    setup: Callable[[Path], Any]
    run: Callable[[Any, int], None]
    ops: int
    teardown: Callable[[Any], None] = lambda ctx: None
    baseline: str = ""


# -- kv
def _raw_lmdb(tmp: Path) -> Any:
    env = lmdb.open(str(tmp / "raw"), map_size=2**30, sync=True, metasync=True)
    with env.begin(write=True) as txn:
        for i in range(1000):
            txn.put(f"k{i}".encode(), b"v" * 100)
    return env


def _raw_put(env: Any, n: int) -> None:
    for i in range(n):
        with env.begin(write=True) as txn:
            txn.put(f"k{i % 1000}".encode(), b"v" * 100)


def _raw_get(env: Any, n: int) -> None:
    for i in range(n):
        with env.begin() as txn:
            txn.get(f"k{i % 1000}".encode())


def _kv(tmp: Path, query: str = "") -> Any:
    kv = open_kv(f"lmdb:///{tmp}/kv?sweep_interval=0{query}")
    with kv.pipeline() as p:
        for i in range(1000):
            p.set(f"k{i}", b"v" * 100)
        p.execute()
    return kv


def _kv_set(kv: Any, n: int) -> None:
    for i in range(n):
        kv.set(f"k{i % 1000}", b"v" * 100)


def _kv_set_ttl(kv: Any, n: int) -> None:
    for i in range(n):
        kv.set(f"k{i % 1000}", b"v" * 100, ttl=3600)


def _kv_get(kv: Any, n: int) -> None:
    for i in range(n):
        kv.get(f"k{i % 1000}")


def _kv_pipeline_set(kv: Any, n: int) -> None:
    for start in range(0, n, 100):
        with kv.pipeline() as p:
            for i in range(start, min(n, start + 100)):
                p.set(f"k{i % 1000}", b"v" * 100)
            p.execute()


def _kv_hset_rpush(kv: Any, n: int) -> None:
    for i in range(n):
        if i % 2:
            kv.hset("h", f"f{i % 100}", i)
        else:
            kv.rpush("l", i)


# The alternative embedded store we considered for kv: a key/value table in SQLite (apsw, WAL,
# synchronous=FULL so a commit is as durable as an LMDB commit with sync=true).
def _sqlite_kv(tmp: Path) -> Any:
    import apsw

    db = apsw.Connection(str(tmp / "kv.sqlite"))
    db.execute("PRAGMA journal_mode=WAL").fetchall()
    db.execute("PRAGMA synchronous=FULL").fetchall()
    db.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB, expires INTEGER) WITHOUT ROWID")
    with db:
        db.executemany("INSERT INTO kv VALUES (?, ?, 0)", [(f"k{i}", b"v" * 100) for i in range(1000)])
    return db


def _sqlite_set(db: Any, n: int) -> None:
    for i in range(n):
        with db:
            db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?, 0)", (f"k{i % 1000}", b"v" * 100))


def _sqlite_get(db: Any, n: int) -> None:
    for i in range(n):
        db.execute("SELECT v FROM kv WHERE k = ? AND (expires = 0 OR expires > ?)", (f"k{i % 1000}", 1)).fetchall()


# -- mq
def _thread_pool(tmp: Path) -> Any:
    return concurrent.futures.ThreadPoolExecutor(max_workers=4)


def _thread_pool_run(pool: Any, n: int) -> None:
    # The stdlib way to run a handler on worker threads: what the bus adds groups, retries and
    # ordering to.
    counter = [0]

    def handler(body: bytes) -> None:
        counter[0] += 1

    futures = [pool.submit(handler, b"payload") for _ in range(n)]
    concurrent.futures.wait(futures)


def _shutdown(pool: Any) -> None:
    pool.shutdown()


def _mq(tmp: Path, orderly: bool = False) -> Any:
    bus = open_mq("mem://?capacity=100000")
    counter = [0]

    def handler(msg: Message) -> None:
        counter[0] += 1

    bus.register_consumer("", "bench", "g", handler, orderly=orderly)
    return bus, bus.new_producer("bench")


def _mq_run(ctx: Any, n: int) -> None:
    bus, producer = ctx
    for i in range(n):
        producer.send(b"payload", sharding_key=str(i % 16))
    if not bus.drain(300):
        raise RuntimeError("mq bench: messages not handled within 300 s")


def _mq_close(ctx: Any) -> None:
    ctx[0].close()


# -- blob
def _raw_files(tmp: Path) -> Any:
    root = tmp / "raw"
    root.mkdir()
    return root


def _raw_write(size: int) -> Callable[[Path, int], None]:
    data = os.urandom(size)

    def run(root: Path, n: int) -> None:
        for i in range(n):
            path = root / f"f{i % 100}"
            with open(path, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    return run


def _raw_files_with(size: int) -> Callable[[Path], Path]:
    def setup(tmp: Path) -> Path:
        root = _raw_files(tmp)
        data = os.urandom(size)
        for i in range(20):
            (root / f"r{i}").write_bytes(data)
        return root
    return setup


def _raw_read(root: Path, n: int) -> None:
    for i in range(n):
        with open(root / f"r{i % 20}", "rb") as fh:
            fh.read()


def _blob(tmp: Path) -> Any:
    return open_blob(f"file:///{tmp}/blob")


def _blob_put(size: int) -> Callable[[Any, int], None]:
    data = os.urandom(size)

    def run(store: Any, n: int) -> None:
        for i in range(n):
            store.put(f"bench/{i % 100}", data)
    return run


def _blob_with(size: int) -> Callable[[Path], Any]:
    def setup(tmp: Path) -> Any:
        store = _blob(tmp)
        data = os.urandom(size)
        for i in range(20):
            store.put(f"read/{i}", data)
        return store
    return setup


def _blob_get(store: Any, n: int) -> None:
    for i in range(n):
        store.get(f"read/{i % 20}")


def _close(ctx: Any) -> None:
    ctx.close()


CASES: list[Case] = [
    Case("baseline.lmdb.put", _raw_lmdb, _raw_put, 2000, _close),
    Case("baseline.lmdb.get", _raw_lmdb, _raw_get, 50000, _close),
    Case("kv.set", _kv, _kv_set, 2000, _close, "baseline.lmdb.put"),
    Case("kv.set ttl", _kv, _kv_set_ttl, 2000, _close, "baseline.lmdb.put"),
    Case("kv.set sync=false", lambda t: _kv(t, "&sync=false"), _kv_set, 2000, _close, "baseline.lmdb.put"),
    Case("kv.set pipeline x100", _kv, _kv_pipeline_set, 20000, _close, "baseline.lmdb.put"),
    Case("kv.get", _kv, _kv_get, 50000, _close, "baseline.lmdb.get"),
    Case("kv.hset/rpush", _kv, _kv_hset_rpush, 2000, _close, "baseline.lmdb.put"),
    Case("alt.sqlite-kv.set", _sqlite_kv, _sqlite_set, 2000, _close, "baseline.lmdb.put"),
    Case("alt.sqlite-kv.get", _sqlite_kv, _sqlite_get, 50000, _close, "baseline.lmdb.get"),
    Case("baseline.threadpool.submit", _thread_pool, _thread_pool_run, 20000, _shutdown),
    Case("mq.publish->handle", _mq, _mq_run, 20000, _mq_close, "baseline.threadpool.submit"),
    Case("mq.publish->handle orderly", lambda t: _mq(t, True), _mq_run, 20000, _mq_close,
         "baseline.threadpool.submit"),
    Case("baseline.file.write+fsync 1KiB", _raw_files, _raw_write(KIB), 1000),
    Case("baseline.file.read 1KiB", _raw_files_with(KIB), _raw_read, 20000),
    Case("baseline.file.write+fsync 10MiB", _raw_files, _raw_write(10 * MIB), 20),
    Case("baseline.file.read 10MiB", _raw_files_with(10 * MIB), _raw_read, 50),
    Case("blob.put 1KiB", _blob, _blob_put(KIB), 1000, _close, "baseline.file.write+fsync 1KiB"),
    Case("blob.get 1KiB", _blob_with(KIB), _blob_get, 20000, _close, "baseline.file.read 1KiB"),
    Case("blob.put 10MiB", _blob, _blob_put(10 * MIB), 20, _close, "baseline.file.write+fsync 10MiB"),
    Case("blob.get 10MiB", _blob_with(10 * MIB), _blob_get, 50, _close, "baseline.file.read 10MiB"),
]


def _plugin_cases() -> list[Case]:
    found: list[Case] = []
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("providers_*.py")):
        spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses in the module look themselves up there
        spec.loader.exec_module(module)
        for case in getattr(module, "CASES", []):
            found.append(Case(case.name, case.setup, case.run, case.ops,
                              getattr(case, "teardown", None) or (lambda ctx: None), getattr(case, "baseline", "")))
    return found


def measure_once(case: Case, scale: float) -> float:
    """ops/s of one run on a fresh temp directory, after a warm-up of a tenth of the operations."""
    n = max(1, int(case.ops * scale))
    tmp = Path(tempfile.mkdtemp(prefix="cozelite-bench-"))
    try:
        ctx = case.setup(tmp)
        try:
            case.run(ctx, max(1, n // 10))  # warm-up: page cache, lazy imports
            start = time.perf_counter()
            case.run(ctx, n)
            elapsed = time.perf_counter() - start
        finally:
            case.teardown(ctx)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return n / elapsed if elapsed > 0 else float("inf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated areas or case-name prefixes")
    parser.add_argument("--quick", action="store_true", help="a tenth of the operations")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", dest="json_out", default="")
    args = parser.parse_args(argv)

    cases = CASES + _plugin_cases()
    names = [c.name for c in cases]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        parser.error(f"duplicate case names: {', '.join(sorted(duplicates))}")
    by_name = {c.name: c for c in cases}
    missing = {c.baseline for c in cases if c.baseline and c.baseline not in by_name}
    if missing:
        parser.error(f"unknown baseline(s): {', '.join(sorted(missing))}")
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    selected = [c for c in cases if not c.baseline and (not wanted or any(c.name.startswith(w) for w in wanted))]
    selected += [c for c in cases if c.baseline and (not wanted or any(c.name.startswith(w) for w in wanted))]

    scale = 0.1 if args.quick else 1.0
    rows = []
    print(f"{'case':<36} {'ops/s':>12} {'baseline':<34} {'ratio':>7}")
    for case in selected:
        # Each round runs the baseline right before the case and keeps their ratio; the median
        # ratio over the rounds is reported. On a shared machine (disk and CPU contention come and
        # go) adjacent runs are what can be compared; ops/s is the best round of the case.
        ratios: list[float] = []
        best = 0.0
        for _ in range(args.repeat):
            base = measure_once(by_name[case.baseline], scale) if case.baseline else None
            ops = measure_once(case, scale)
            best = max(best, ops)
            if base:
                ratios.append(ops / base)
        ratio = statistics.median(ratios) if ratios else None
        rows.append({"case": case.name, "ops_per_s": round(best, 1), "baseline": case.baseline,
                     "ratio": round(ratio, 3) if ratio is not None else None,
                     "ratios": [round(r, 3) for r in ratios]})
        print(f"{case.name:<36} {best:>12,.0f} {case.baseline:<34} "
              f"{'' if ratio is None else f'{ratio:.2f}':>7}", flush=True)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
