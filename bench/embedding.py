"""The lite embedder (local://minilm): load time and vectors/s, beside an sgemm baseline measured in
the same run (the machine is shared: compare ratios, not absolute numbers).

    python bench/embedding.py [--threads 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from providers.embedding import open_embedding


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    start = time.perf_counter()
    embedder = open_embedding(f"local://minilm?threads={args.threads}")
    load_s = time.perf_counter() - start
    a = np.random.default_rng(1).random((512, 384), dtype=np.float32)
    b = np.random.default_rng(2).random((384, 1536), dtype=np.float32)
    a @ b
    start, n = time.perf_counter(), 20
    for _ in range(n):
        a @ b
    gflops = 2 * 512 * 384 * 1536 * n / (time.perf_counter() - start) / 1e9
    short = [f"A short sentence number {i} about boats." for i in range(64)]
    chunk = [("The harbour master logs every ship that enters the port, its cargo and crew. " * 10)[:800]] * 16
    out = {"threads": args.threads, "load_s": round(load_s, 2), "sgemm_gflops": round(gflops, 1)}
    for name, texts in (("short_vectors_per_s", short), ("chunk800_vectors_per_s", chunk)):
        embedder.embed(texts[:4])
        start = time.perf_counter()
        embedder.embed(texts)
        out[name] = round(len(texts) / (time.perf_counter() - start), 1)
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    embedder.close()
    print(json.dumps(out))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
