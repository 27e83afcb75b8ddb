"""Cost of the user-SQL flow (POST /v1/databases/{id}/sql without HTTP): check_policy, rename,
scope_rows, the row cap, translate and the run, as a ratio of running the already-translated
statement through the db provider directly, both measured in the same run on the same data.
"flow" is a repeated statement (its plan cached: metadata read + run); "compile" is the first
time a statement is seen (the compiler's seven steps, no run).

    python bench/api_sql.py [--db-uri sqlite:///...] [--repeat N] [--rows N]

Ratios, not absolute times, are the result: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cozelite.config import load_config, prepare_data_dirs
from cozelite.flows import databases, user_sql, users
from cozelite.flows.context import Caller
from cozelite.flows.metadata import ensure_schema
from cozelite.flows.services import Services
from cozelite.wiring import open_providers
from sqlparser import TableColumn

STATEMENTS = [
    ("SELECT title, n FROM notes WHERE n > ? ORDER BY n LIMIT 20", [10]),
    ("SELECT COUNT(*) AS c, MAX(n) AS m FROM notes WHERE title LIKE 't1%'", []),
    ("SELECT a.title FROM notes a JOIN notes b ON a.n = b.n + 1 WHERE a.n < ?", [50]),
    ("WITH x AS (SELECT n FROM notes WHERE n % 7 = 0) SELECT COUNT(*) AS c FROM x", []),
    ("UPDATE notes SET score = score + 1 WHERE n = ?", [5]),
    ("INSERT INTO notes (title, n, score) VALUES (?, ?, ?)", ["new", 1, 0.5]),
]


def _time(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db-uri", default=None, help="db provider URI (default: a lite SQLite file in a temp dir)")
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--rows", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        flags = {"db": args.db_uri or f"sqlite:///{tmp}/app.db"}
        config = load_config(env={}, flags=flags, lite=True, data_dir=tmp)
        prepare_data_dirs(config)
        services = Services(open_providers(config, areas=("db",)))
        try:
            ensure_schema(services)
            user = users.add_user(services, "bench")
            caller = Caller(user.id, user.name)
            db = databases.create_database(services, caller, name="bench", tables=[{"name": "notes", "fields": [
                {"name": "title", "type": "text"}, {"name": "n", "type": "integer"},
                {"name": "score", "type": "number"}]}])
            databases.add_records(services, caller, db.id, "notes",
                                  [{"title": f"t{i}", "n": i, "score": i / 3} for i in range(args.rows)])
            print(f"db {services.parser.dialect.name}, {args.rows} rows, median of {args.repeat} runs each")
            print(f"{'statement':<70} {'compile ms':>10} {'flow ms':>8} {'direct ms':>9} {'ratio':>6}")
            ratios = []
            for sql, params in STATEMENTS:
                # The statement the flow runs, computed once, run directly as the baseline.
                table = db.tables[0]
                mapping = {"notes": TableColumn(new_table_name=table.physical_name, column_map={
                    **{f.name: f.physical_name for f in table.fields}, **databases.LOGICAL_SYSTEM})}
                mysql = services.mysql
                scoped = mysql.scope_rows(mysql.parse_and_modify_sql(sql, mapping),
                                          {table.physical_name: f"bstudio_uid = '{caller.user_id}'"},
                                          fill_inserts=True)
                direct_sql = services.parser.translate(scoped, read="mysql")
                flow = _time(lambda s=sql, p=params: user_sql.run_sql(services, caller, db.id, s, p), args.repeat)
                direct = _time(lambda s=direct_sql, p=params: services.db.execute_sql(s, p), args.repeat)
                database = databases.get_database(services, caller, db.id)
                compile_s = _time(lambda s=sql, d=database: user_sql._compile(services, caller, d, s),
                                  max(1, args.repeat // 5))
                ratios.append(flow / direct)
                print(f"{sql[:70]:<70} {compile_s * 1e3:10.3f} {flow * 1e3:8.3f} {direct * 1e3:9.3f} "
                      f"{flow / direct:6.1f}")
            print(f"geometric mean ratio flow / direct: {statistics.geometric_mean(ratios):.1f}")
        finally:
            services.close()


if __name__ == "__main__":
    main()
