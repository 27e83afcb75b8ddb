"""db insert/select throughput (SQLite provider) as ops/s and as a ratio of raw apsw measured in the
same run with the same settings (WAL, synchronous=FULL, one transaction per call).

    python bench/providers.py --only db           # these rows alone
    python bench/providers.py --only db --quick   # a tenth of the operations

`CASES` follows bench/providers.py's case protocol (name, setup, run, ops, teardown, baseline); that
runner picks this module up by its name and measures its rows with the others.

Run directly, it compares the server implementations with SQLite on the same operations, with the
latency of each call (p50/p99) and the ratio of ops/s to SQLite's:

    python bench/providers_db.py                 # starts throw-away MariaDB and PostgreSQL servers
    python bench/providers_db.py --quick         # a tenth of the operations
    COZELITE_MARIADB=host:port COZELITE_POSTGRES=<dsn> python bench/providers_db.py   # running servers
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import apsw

from providers.db import open_db
from providers.db.contract import Column, ComplexCondition, Condition, DataType, Index, IndexType, Operator, Table

ROWS = 2000  # rows present before select cases run


@dataclass
class Case:
    name: str
    setup: Callable[[Path], Any]
    run: Callable[[Any, int], None]
    ops: int
    teardown: Callable[[Any], None] = lambda ctx: None
    baseline: str = ""


# -- baseline: raw apsw, the same pragmas the provider uses ---------------------------------------

def _raw(tmp: Path) -> apsw.Connection:
    conn = apsw.Connection(str(tmp / "raw.db"))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER)")
    with conn:
        conn.executemany("INSERT INTO t (name, n) VALUES (?, ?)", [(f"r{i}", i) for i in range(ROWS)])
    return conn


def _raw_insert(conn: apsw.Connection, n: int) -> None:
    for i in range(n):
        with conn:
            conn.execute("INSERT INTO t (name, n) VALUES (?, ?)", (f"x{i}", i))


def _raw_insert_batch(conn: apsw.Connection, n: int) -> None:
    for i in range(0, n, 100):
        with conn:
            conn.executemany("INSERT INTO t (name, n) VALUES (?, ?)", [(f"x{j}", j) for j in range(i, i + 100)])


def _raw_select(conn: apsw.Connection, n: int) -> None:
    for i in range(n):
        conn.execute("SELECT * FROM t WHERE id = ?", (i % ROWS + 1,)).fetchall()


# -- the provider ---------------------------------------------------------------------------------

def _db(tmp: Path) -> Any:
    db = open_db(f"sqlite:///{tmp}/db/app.db")
    db.create_table(Table(name="t", columns=[Column("id", DataType.BIGINT, auto_increment=True),
                                             Column("name", DataType.VARCHAR), Column("n", DataType.INT)],
                          indexes=[Index("PRIMARY", IndexType.PRIMARY_KEY, ["id"])]))
    for i in range(0, ROWS, 500):
        db.insert_data("t", [{"name": f"r{j}", "n": j} for j in range(i, i + 500)])
    return db


def _db_insert(db: Any, n: int) -> None:
    for i in range(n):
        db.insert_data("t", [{"name": f"x{i}", "n": i}])


def _db_insert_batch(db: Any, n: int) -> None:
    for i in range(0, n, 100):
        db.insert_data("t", [{"name": f"x{j}", "n": j} for j in range(i, i + 100)])


def _db_select(db: Any, n: int) -> None:
    for i in range(n):
        db.select_data("t", where=ComplexCondition([Condition("id", Operator.EQUAL, i % ROWS + 1)]))


def _db_execute_sql(db: Any, n: int) -> None:
    for i in range(n):
        db.execute_sql("SELECT * FROM t WHERE id = ?", [i % ROWS + 1])


def _close(ctx: Any) -> None:
    ctx.close()


CASES: list[Case] = [
    Case("baseline.apsw.insert", _raw, _raw_insert, 1000, _close),
    Case("baseline.apsw.insert x100", _raw, _raw_insert_batch, 20000, _close),
    Case("baseline.apsw.select by id", _raw, _raw_select, 20000, _close),
    Case("db.insert", _db, _db_insert, 1000, _close, "baseline.apsw.insert"),
    Case("db.insert x100", _db, _db_insert_batch, 20000, _close, "baseline.apsw.insert x100"),
    Case("db.select_data by id", _db, _db_select, 5000, _close, "baseline.apsw.select by id"),
    Case("db.execute_sql select by id", _db, _db_execute_sql, 5000, _close, "baseline.apsw.select by id"),
]



# -- servers next to SQLite (run this file directly) -------------------------------------------------

def _ops() -> list[tuple[str, int, Callable[[Any, int], None]]]:
    """(operation, calls, one call) on the table _db made; each call is timed on its own."""
    def insert(db: Any, i: int) -> None:
        db.insert_data("t", [{"name": f"x{i}", "n": i}])

    def insert_batch(db: Any, i: int) -> None:
        db.insert_data("t", [{"name": f"x{j}", "n": j} for j in range(100)])

    def select(db: Any, i: int) -> None:
        db.select_data("t", where=ComplexCondition([Condition("id", Operator.EQUAL, i % ROWS + 1)]))

    def execute_sql(db: Any, i: int) -> None:
        db.execute_sql("SELECT * FROM t WHERE id = ?", [i % ROWS + 1])

    def update(db: Any, i: int) -> None:
        db.update_data("t", {"n": i}, where=ComplexCondition([Condition("id", Operator.EQUAL, i % ROWS + 1)]))

    return [("insert (1 row)", 1000, insert), ("insert x100", 100, insert_batch), ("select_data by id", 3000, select),
            ("execute_sql by id", 3000, execute_sql), ("update by id", 1000, update)]


def _server_uris() -> tuple[dict[str, str], list[Any]]:
    """URIs of fresh databases on MariaDB and PostgreSQL (started here unless given by env)."""
    from tests.engines.mariadb_server import MariaDBServer
    from tests.engines.pg_server import PostgresServer
    from tests.engines.server_uris import fresh_mysql_uri, fresh_postgres_uri

    started: list[Any] = []
    external = os.environ.get("COZELITE_MARIADB")
    if external:
        host, _, port = external.rpartition(":")
        maria = MariaDBServer(host=host or "127.0.0.1", port=int(port))
    else:
        maria = MariaDBServer().start()
        started.append(maria)
    pg_dsn = os.environ.get("COZELITE_POSTGRES")
    pg = PostgresServer(dsn_override=pg_dsn) if pg_dsn else PostgresServer().start()
    if not pg_dsn:
        started.append(pg)
    return {"mysql": fresh_mysql_uri(maria), "postgres": fresh_postgres_uri(pg)}, started


def compare(quick: bool = False) -> list[dict[str, Any]]:
    import statistics
    import tempfile
    import time

    uris, started = _server_uris()
    rows: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            uris = {"sqlite": f"sqlite:///{tmp}/db/app.db", **uris}
            for impl, uri in uris.items():
                db = _db_at(uri)
                try:
                    for op, calls, call in _ops():
                        n = max(calls // 10, 10) if quick else calls
                        for i in range(max(n // 10, 3)):  # warm-up: connections, caches
                            call(db, i)
                        times = []
                        for i in range(n):
                            start = time.perf_counter()
                            call(db, i)
                            times.append(time.perf_counter() - start)
                        times.sort()
                        rows.append({"impl": impl, "op": op, "ops_s": n / sum(times),
                                     "p50_us": statistics.median(times) * 1e6,
                                     "p99_us": times[min(len(times) - 1, int(len(times) * 0.99))] * 1e6})
                finally:
                    db.close()
    finally:
        for server in started:
            server.stop()
    base = {r["op"]: r["ops_s"] for r in rows if r["impl"] == "sqlite"}
    for r in rows:
        r["ratio"] = r["ops_s"] / base[r["op"]]
    return rows


def _db_at(uri: str) -> Any:
    db = open_db(uri)
    db.create_table(Table(name="t", columns=[Column("id", DataType.BIGINT, auto_increment=True),
                                             Column("name", DataType.VARCHAR), Column("n", DataType.INT)],
                          indexes=[Index("PRIMARY", IndexType.PRIMARY_KEY, ["id"])]))
    for i in range(0, ROWS, 500):
        db.insert_data("t", [{"name": f"r{j}", "n": j} for j in range(i, i + 500)])
    return db


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tenth of the operations")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows = compare(quick=args.quick)
    print(f"{'impl':<9} {'operation':<20} {'ops/s':>9} {'p50 us':>9} {'p99 us':>9} {'ratio':>6}")
    for r in rows:
        print(f"{r['impl']:<9} {r['op']:<20} {r['ops_s']:>9.0f} {r['p50_us']:>9.0f} {r['p99_us']:>9.0f} "
              f"{r['ratio']:>6.2f}")
    print("ratio: ops/s over SQLite's on the same operation. SQLite: WAL, synchronous=FULL; MariaDB: InnoDB, "
          "flush at each commit; PostgreSQL test cluster: fsync=off, synchronous_commit=off (see docs/providers.md).")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
