"""What keeping MySQL's column order (FIRST / AFTER) costs on PostgreSQL, as ratios measured in one run
on one throw-away server (cozelite/migrate/postgres_rebuild.py, docs/migrations.md):

1. the shopdesk history's `apply` with the column-order rebuilds against the same apply without
   them (the planner's rebuild step switched off: the appended order of before), alternating;
2. one `ALTER TABLE ADD COLUMN ... AFTER id` (a rebuild) against the same ADD COLUMN appended, on a
   table of N rows with three indexes, CHECKs, an identity and the ON UPDATE trigger.

    python bench/migrate_column_order.py                  # 5 rounds, 100,000 rows
    python bench/migrate_column_order.py --rounds 3 --rows 20000
    COZELITE_POSTGRES=<dsn> python bench/migrate_column_order.py   # a running server
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cozelite.migrate import apply, postgres_rebuild
from tests.engines.pg_server import PostgresServer

SHOPDESK = Path(__file__).resolve().parents[1] / "tests" / "data" / "migrations" / "shopdesk"
TABLE = ("CREATE TABLE t (id INT UNSIGNED NOT NULL AUTO_INCREMENT, email VARCHAR(120) NOT NULL, name VARCHAR(80) "
         "NOT NULL DEFAULT '', n INT NOT NULL DEFAULT 0, ts DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE "
         "CURRENT_TIMESTAMP, PRIMARY KEY (id), UNIQUE KEY uk_email (email), KEY idx_name (name, n));\n")


def fresh(server: Any) -> tuple[str, str]:
    name = f"cz_{uuid.uuid4().hex[:10]}"
    with server.connect(autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    base = server.dsn_override.split("?", 1)[0] if server.dsn_override else \
        f"postgresql://{server.user}@{server.host}:{server.port}/{server.database}"
    return name, f"{base}?schema={name}&statement_timeout_ms=0"


def shopdesk(server: Any, rounds: int) -> None:
    real = postgres_rebuild.reorder_steps
    times: dict[str, list[float]] = {"appended (no rebuild)": [], "MySQL order (rebuilds)": []}
    rebuilds = 0
    for _ in range(rounds):
        for label in times:
            postgres_rebuild.reorder_steps = real if "rebuilds" in label else (lambda *a, **k: [])  # type: ignore[assignment]
            try:
                _, uri = fresh(server)
                started = time.perf_counter()
                result = apply(str(SHOPDESK), uri, database_map={"app": ""})
                times[label].append(time.perf_counter() - started)
            finally:
                postgres_rebuild.reorder_steps = real  # type: ignore[assignment]
            if "rebuilds" in label:
                rebuilds = sum(s.sql.startswith(f"SELECT {postgres_rebuild.FUNCTION}(")
                               for f in result.files for st in f.statements for s in st.steps)
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in times.items():
        print(f"shopdesk apply, {k}: median {med[k]:.2f}s of {[round(x, 2) for x in v]}")
    print(f"shopdesk: {rebuilds} rebuilds; ratio {med['MySQL order (rebuilds)'] / med['appended (no rebuild)']:.2f}")


def one_table(server: Any, rounds: int, rows: int) -> None:
    times: dict[str, list[float]] = {"ADD COLUMN (appended)": [], "ADD COLUMN ... AFTER id (rebuild)": []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for label in times:
                name, uri = fresh(server)
                folder = Path(tmp) / f"{r}_{name}"
                folder.mkdir()
                (folder / "V1__t.sql").write_text(TABLE)
                apply(str(folder), uri)
                with server.connect(autocommit=True) as conn:
                    conn.execute(f'SET search_path TO "{name}"')
                    conn.execute("INSERT INTO t (email, name, n) SELECT 'u' || g || '@x', 'name ' || (g % 1000), "
                                 f"g % 77 FROM generate_series(1, {rows}) g")
                    conn.execute("ANALYZE t")
                clause = " AFTER id" if "AFTER" in label else ""
                (folder / "V2__add.sql").write_text(f"ALTER TABLE t ADD COLUMN extra INT DEFAULT NULL{clause};\n")
                started = time.perf_counter()
                apply(str(folder), uri)
                times[label].append(time.perf_counter() - started)
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in times.items():
        print(f"{rows} rows, {k}: median {med[k]:.3f}s of {[round(x, 3) for x in v]}")
    first, second = med.values()
    print(f"{rows} rows: rebuild / append = {second / first:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    external = os.environ.get("COZELITE_POSTGRES")
    server = PostgresServer(dsn_override=external) if external else PostgresServer().start()
    try:
        shopdesk(server, args.rounds)
        one_table(server, args.rounds, args.rows)
    finally:
        if not external:
            server.stop()


if __name__ == "__main__":
    main()
