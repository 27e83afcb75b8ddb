"""Measure the cost of the largest inputs under the 1 MiB limit through scope_rows (issue 11, Medium 8).

Not a test (no timing assertions in tests): run it by hand, before and after a change.

    PYTHONPATH=$PWD python tests/security/measure_large_inputs.py [dialect ...] [case ...]

Each case runs in a fresh process; it prints seconds, peak RSS (MiB) of that process, the peak
RSS after imports and a warm-up call, and the outcome (output length or the error class).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

LIMIT = 1024 * 1024
CASES = {
    "select_list": lambda: "SELECT " + ",".join(["a"] * ((LIMIT - 40) // 2)) + " FROM t",
    "in_list": lambda: "SELECT a FROM t WHERE a IN (" + ",".join(["1234567"] * ((LIMIT - 60) // 8)) + ")",
    "or_chain": lambda: "SELECT a FROM t WHERE " + " OR ".join(["a = 1"] * ((LIMIT - 40) // 9)),
    "insert_rows": lambda: "INSERT INTO t (a, b) VALUES " + ",".join(["(1,2)"] * ((LIMIT - 60) // 6)),
    # The largest statements the token limit (50,000) lets through: the bounded worst case.
    "select_list_at_limit": lambda: "SELECT " + ",".join(["a"] * 24_990) + " FROM t",
    "in_list_at_limit": lambda: "SELECT a FROM t WHERE a IN (" + ",".join(["1234567"] * 24_980) + ")",
    "insert_rows_at_limit": lambda: "INSERT INTO t (a, b) VALUES " + ",".join(["(1,2)"] * 8_300),
}


def _child(dialect: str, case: str) -> None:
    from sqlparser import SQLParserError, new_parser

    parser = new_parser(dialect)
    parser.scope_rows("SELECT a FROM t", {"t": "uid = 'u1'"})
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sql = CASES[case]()
    start = time.perf_counter()
    try:
        out = parser.scope_rows(sql, {"t": "uid = 'u1'"})
        outcome = f"ok ({len(out)} chars)"
    except SQLParserError as err:
        outcome = f"{type(err).__name__}: {str(err)[:120]}"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"dialect": dialect, "case": case, "bytes": len(sql), "seconds": round(seconds, 2),
                      "peak_mib": round(peak / 1024), "base_mib": round(base / 1024), "outcome": outcome}))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3])
        return
    args = sys.argv[1:]
    cases = [a for a in args if a in CASES] or list(CASES)
    dialects = [a for a in args if a not in CASES] or ["sqlite", "mysql", "postgres"]
    for dialect in dialects:
        for case in cases:
            out = subprocess.run([sys.executable, __file__, "--child", dialect, case], capture_output=True,
                                 text=True, timeout=900)
            print(out.stdout.strip() or out.stderr.strip()[-500:], flush=True)


if __name__ == "__main__":
    main()
