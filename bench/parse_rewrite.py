"""Cost of each contract method per dialect, as a ratio of sqlglot's own parse+generate of the
same statements measured in the same run, plus scaling rows (nesting, IN lists, INSERT rows).

    python bench/parse_rewrite.py [--repeat N] [--dialect mysql] [--json out.json] [--only-unique] [--no-shapes]

First, issue 16's case ("unique"): statements that never repeat (unique literals, 8 shapes) with a
rename map, through the full `parse_and_modify_sql` with the statement cache on (every text is a
miss; their shapes repeat, so the statement-shape cache builds most of them from a template,
`--no-shapes` turns it off), against sqlglot's `parse_one(s, read=d).sql(dialect=d)` of the
same texts. Baseline and
candidate alternate round by round in this process; the ratio is the median of the per-round
ratios (>= 11 rounds), with the lowest and highest round shown as the noise. The corpus variant
does the same over every accepted DML statement of tests/data/corpus that both sides parse (the
caches and the result memo are cleared before each round, so each statement is a miss; the share
of statements one cold pass builds from a shape template is printed with it). "result memo on a
miss" is what the memo adds to a call it cannot answer: the unique rewrite with the memo on
against the same rewrite with it off, each side on its own unique texts. "hit" is the cost of a repeated
statement: the front end's cache hit alone, the whole rewrite with the result memo off (front end
hit + passes + print), and the whole rewrite on a result-memo hit (`sqlparser/result_cache.py`);
then a "repeated call" row per contract method: µs per call when the same call repeats (a memo
hit: argument checks, key, lookup).

Ratios, not absolute times, are the result: the machine is shared and noisy. Times are CPU time
(time.process_time) of this process, which waiting for a core does not inflate.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sqlglot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlparser import ColumnValue, Policy, PrimaryKeyValue, TableColumn, new_parser, result_cache, shapes
from sqlparser.registry import dialects_by_name

MAPPING = {"users": TableColumn("t_users_1", {"id": "c_id", "name": "c_name", "age": "c_age"}),
           "orders": TableColumn("t_orders_1", {"user_id": "c_user_id", "total": "c_total"})}

WORKLOAD: dict[str, list[str]] = {
    "rewrite": [
        "SELECT id, name FROM users WHERE age > 18 ORDER BY name LIMIT 10",
        "SELECT u.id, u.name, o.total FROM users AS u JOIN orders AS o ON u.id = o.user_id WHERE o.total > 100",
        "UPDATE users SET name = 'John', age = 25 WHERE id = 1",
        "DELETE FROM orders WHERE user_id IN (SELECT id FROM users WHERE age < 18)",
        "INSERT INTO users (id, name, age) VALUES (1, 'a', 20), (2, 'b', 30)",
    ],
    "filter": [
        "SELECT * FROM users WHERE age > 18 OR name = 'x'",
        "UPDATE users SET age = age + 1 WHERE id = 3",
        "DELETE FROM orders WHERE total < 5",
    ],
    "insert_cols": [
        "INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')",
    ],
    "select_fields": [
        "SELECT name, age FROM users WHERE age > 30",
        "SELECT u.name FROM users AS u JOIN orders AS o ON u.id = o.user_id",
    ],
    "op": ["SELECT id FROM users WHERE id = 1", "INSERT INTO users (id) VALUES (1)"],
    "table": ["SELECT id FROM users WHERE id = 1", "UPDATE users SET age = 1"],
}


def calls(dialect: str, *, cache: bool = True, memo: bool = True) -> dict[str, Callable[[str], object]]:
    """The contract methods of a native parser; `cache=False` parses every statement afresh,
    `memo=False` turns the result memo off (every call runs passes and printer)."""
    p = new_parser(dialect, style="native")
    if not cache:
        p.frontend = p.dialect.frontend(portable_names=p.portable_names, cache=False)
    if not cache or not memo:
        p.memo = None
    return {
        "rewrite": lambda s: p.parse_and_modify_sql(s, MAPPING),
        "filter": lambda s: p.append_sql_filter(s, "AND", "uid = 'u1'"),
        "insert_cols": lambda s: p.add_columns_to_insert_sql(s, [ColumnValue("uid", "u1")],
                                                             PrimaryKeyValue("pk", (1, 2, 3))),
        "select_fields": lambda s: p.add_select_fields_to_select_sql(s, ["pk_id"]),
        "op": p.get_sql_operation,
        "table": p.get_table_name,
    }


def per_call_us(fn: Callable[[str], object], statements: list[str], repeat: int) -> float:
    """Median over `repeat` rounds of the mean time per statement, in microseconds."""
    for s in statements:  # warm-up (imports, caches, DFA)
        fn(s)
    rounds = []
    for _ in range(repeat):
        start = time.process_time()
        for s in statements:
            fn(s)
        rounds.append((time.process_time() - start) / len(statements))
    return statistics.median(rounds) * 1e6


def baseline(dialect: str) -> Callable[[str], object]:
    read = dialects_by_name()[dialect].sqlglot_dialect
    return lambda s: sqlglot.parse_one(s, read=read).sql(dialect=read)


UNIQUE_SHAPES = (
    "SELECT id, name FROM users WHERE age > {n} ORDER BY name LIMIT 10",
    "SELECT u.id, u.name, o.total FROM users AS u JOIN orders AS o ON u.id = o.user_id WHERE o.total > {n}",
    "UPDATE users SET name = 'n{n}', age = {n} WHERE id = {n}",
    "DELETE FROM orders WHERE user_id IN (SELECT id FROM users WHERE age < {n})",
    "INSERT INTO users (id, name, age) VALUES ({n}, 'a{n}', 20), ({n} + 1, 'b', 30)",
    "SELECT COUNT(*), age FROM users WHERE name LIKE 'x{n}%' GROUP BY age HAVING COUNT(*) > 1",
    "SELECT id FROM users WHERE id = {n} UNION ALL SELECT user_id FROM orders WHERE total = {n}",
    "UPDATE orders SET total = total + {n} WHERE user_id = (SELECT id FROM users WHERE name = 'u{n}')",
)


def unique_statements(rounds: int, per_round: int = 200, start: int = 1_000_000) -> list[list[str]]:
    """`rounds` lists of statements; no text occurs twice in all of them (every parse is a miss)."""
    counter = iter(range(start, 10 * start))
    return [[UNIQUE_SHAPES[i % len(UNIQUE_SHAPES)].format(n=next(counter)) for i in range(per_round)]
            for _ in range(rounds)]


def corpus_dml(dialect: str) -> list[str]:
    """Every accepted DML statement of the dialect's corpus that sqlglot and our rewrite both take."""
    from tests.corpus._corpus import load_corpus

    read = dialects_by_name()[dialect].sqlglot_dialect
    p = new_parser(dialect, style="native")
    out: list[str] = []
    seen: set[str] = set()
    for row in load_corpus(dialect):
        sql = row["sql"]
        if not row.get("syntax_ok") or row.get("kind") not in ("SELECT", "INSERT", "UPDATE", "DELETE") \
                or sql in seen:
            continue
        try:
            if isinstance(sqlglot.parse_one(sql, read=read), sqlglot.exp.Command):
                continue
            p.parse_and_modify_sql(sql, MAPPING)
        except Exception:  # only statements both sides handle are compared
            continue
        seen.add(sql)
        out.append(sql)
    return out


def alternate(base: Callable[[str], object], cand: Callable[[str], object], rounds: list[list[str]],
              before_round: Callable[[], None] = lambda: None,
              cand_rounds: list[list[str]] | None = None) -> dict[str, float]:
    """Per round: the baseline over the round's statements, then the candidate over the same ones
    (or over `cand_rounds`' statements: two sides of our own code must not share texts, or the
    second would find them in the statement cache).
    Returns microseconds per statement (medians) and the median/min/max of the per-round ratios."""
    base_us, cand_us, ratios = [], [], []
    for i, stmts in enumerate(rounds):
        before_round()
        t0 = time.process_time()
        for s in stmts:
            base(s)
        t1 = time.process_time()
        for s in stmts if cand_rounds is None else cand_rounds[i]:
            cand(s)
        t2 = time.process_time()
        base_us.append((t1 - t0) / len(stmts) * 1e6)
        cand_us.append((t2 - t1) / len(stmts) * 1e6)
        ratios.append((t2 - t1) / (t1 - t0))
    return {"sqlglot_us": statistics.median(base_us), "cozelite_us": statistics.median(cand_us),
            "ratio": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
            "rounds": len(rounds)}


def hit_us(fn: Callable[[str], object], sql: str, n: int = 2000) -> float:
    fn(sql)
    samples = []
    for _ in range(5):
        t0 = time.process_time()
        for _ in range(n):
            fn(sql)
        samples.append((time.process_time() - t0) / n * 1e6)
    return statistics.median(samples)


def unique_case(dialect: str, repeat: int, corpus: bool = True) -> dict[str, dict[str, float]]:
    """Issue 16's table: unique statements with a rename map, corpus variant, cache-hit cost."""
    base = baseline(dialect)
    p = new_parser(dialect, style="native")
    rewrite = lambda s: p.parse_and_modify_sql(s, MAPPING)  # noqa: E731
    rounds = max(11, repeat)
    warm = unique_statements(1, 64)[0]
    for s in warm:  # warm-up: imports, prediction DFA, sqlglot's caches
        base(s)
        rewrite(s)
    # The rounds reuse the warm-up's first texts: without this they would be result-memo hits.
    result_cache.clear()
    out = {"unique": alternate(base, rewrite, unique_statements(rounds))}
    # What the memo costs a call that misses (freeze the arguments, look up, keep the result):
    # the same rewrite with the memo off as the baseline, on texts no other row uses.
    no_memo = new_parser(dialect, style="native")
    no_memo.memo = None
    out["memo_miss"] = alternate(lambda s: no_memo.parse_and_modify_sql(s, MAPPING), rewrite,
                                 unique_statements(rounds, start=20_000_000),
                                 cand_rounds=unique_statements(rounds, start=40_000_000))
    if corpus:
        stmts = corpus_dml(dialect)
        # The front end module's clear_cache also forgets what it keeps besides statements (the
        # PostgreSQL round-trip verdicts per shape), and the result memo is emptied too: every
        # round starts as cold as the first.
        clear_frontend = sys.modules[type(p.frontend).__module__].clear_cache

        def clear() -> None:
            clear_frontend()
            result_cache.clear()

        out["corpus"] = alternate(base, rewrite, [stmts] * rounds, before_round=clear)
        out["corpus"]["statements"] = len(stmts)
        out["corpus"].update(shape_rate(p, stmts, clear))
    sql = UNIQUE_SHAPES[1].format(n=7)
    out["hit"] = {"frontend_us": hit_us(p.frontend.parse, sql),
                  "rewrite_no_memo_us": hit_us(lambda s: no_memo.parse_and_modify_sql(s, MAPPING), sql),
                  "rewrite_us": hit_us(rewrite, sql), "sqlglot_us": hit_us(base, sql, 300)}
    out["repeated"] = {name: hit_us(fn, stmt) for name, (stmt, fn) in repeated_calls(dialect).items()}
    return out


POLICY = Policy(tables=frozenset({"users", "orders"}))
SCOPE = {"users": "uid = 'u1'", "orders": "uid = 'u1'"}
SCHEMA = {"users": {"id": "INTEGER PRIMARY KEY", "name": "VARCHAR(64)", "age": "INTEGER"},
          "orders": {"id": "INTEGER PRIMARY KEY", "user_id": "INTEGER", "total": "DECIMAL(10, 2)"}}


def repeated_calls(dialect: str) -> dict[str, tuple[str, Callable[[str], object]]]:
    """Each memoized contract method with a typical statement and arguments: method -> (sql, call)."""
    p = new_parser(dialect, style="native")
    source = "sqlite" if dialect == "mysql" else "mysql"
    select, insert = UNIQUE_SHAPES[1].format(n=7), WORKLOAD["insert_cols"][0]
    return {
        "parse_and_modify_sql": (select, lambda s: p.parse_and_modify_sql(s, MAPPING)),
        "get_sql_operation": (select, p.get_sql_operation),
        "get_table_name": (select, p.get_table_name),
        "get_insert_data_nums": (insert, p.get_insert_data_nums),
        "append_sql_filter": (select, lambda s: p.append_sql_filter(s, "AND", "uid = 'u1'")),
        "add_columns_to_insert_sql": (insert, lambda s: p.add_columns_to_insert_sql(
            s, [ColumnValue("uid", "u1")], PrimaryKeyValue("pk", (1, 2, 3)))),
        "add_select_fields": (select, lambda s: p.add_select_fields_to_select_sql(s, ["pk_id"])),
        "scope_rows": (select, lambda s: p.scope_rows(s, SCOPE)),
        "check_policy": (select, lambda s: p.check_policy(s, POLICY)),
        f"translate from {source}": (select, lambda s: p.translate(s, read=source, schema=SCHEMA)),
    }


def shape_rate(p: object, stmts: list[str], clear: Callable[[], None]) -> dict[str, float]:
    """Share of statements one cold pass over `stmts` served from a shape template."""
    clear()
    for s in stmts:
        p.parse_and_modify_sql(s, MAPPING)  # type: ignore[attr-defined]
    stats = p.frontend._shapes.stats  # type: ignore[attr-defined]
    return {"shape_hits": stats["hits"], "shape_checked": stats["verified"], "shape_keyed": stats["keyed"],
            "shape_mismatches": stats["mismatches"]}


def print_unique(dialect: str, res: dict[str, dict[str, float]]) -> None:
    print(f"\n== {dialect}: unique statements through parse_and_modify_sql (rename map), vs sqlglot parse+generate")
    print(f"{'case':<10}{'stmts':>7}{'sqlglot µs':>12}{'cozelite µs':>13}{'ratio':>8}{'  (min..max of rounds)':<24}")
    for case in ("unique", "corpus"):
        if case in res:
            r = res[case]
            n = int(r.get("statements", 200))
            print(f"{case:<10}{n:>7}{r['sqlglot_us']:>12.1f}{r['cozelite_us']:>13.1f}{r['ratio']:>8.2f}"
                  f"  ({r['ratio_min']:.2f}..{r['ratio_max']:.2f}, {int(r['rounds'])} rounds)")
            if "shape_hits" in r:
                print(f"{'':<10}shape cache, one cold pass: {int(r['shape_keyed'])} keyed, {int(r['shape_hits'])} "
                      f"built from a template ({r['shape_hits'] / n:.1%}), {int(r['shape_checked'])} checked "
                      f"against a full parse, {int(r['shape_mismatches'])} mismatches")
    m = res["memo_miss"]
    print(f"result memo on a miss: {m['cozelite_us']:.1f} µs against {m['sqlglot_us']:.1f} µs with the memo off, "
          f"ratio {m['ratio']:.3f} ({m['ratio_min']:.2f}..{m['ratio_max']:.2f})")
    h = res["hit"]
    print(f"cache hit: front end {h['frontend_us']:.1f} µs; whole rewrite, memo off {h['rewrite_no_memo_us']:.1f} µs; "
          f"whole rewrite, memo hit {h['rewrite_us']:.1f} µs "
          f"(sqlglot parse+generate of the same text {h['sqlglot_us']:.1f} µs)")
    print("repeated call (result-memo hit), µs per call: " + ", ".join(
        f"{name} {us:.1f}" for name, us in res["repeated"].items()))


def scaling_statements() -> dict[str, tuple[int, str]]:
    """name -> (units, statement); time per unit should stay flat as units grow (linear cost)."""
    def nested(depth: int) -> str:
        return "SELECT id FROM users WHERE " + "(" * depth + "age > 1" + ")" * depth

    def in_list(n: int) -> str:
        return "SELECT id FROM users WHERE id IN (" + ", ".join(str(i) for i in range(n)) + ")"

    def insert(n: int) -> str:
        return "INSERT INTO users (id, name) VALUES " + ", ".join(f"({i}, 'n{i}')" for i in range(n))

    return {"nesting 10": (10, nested(10)), "nesting 50": (50, nested(50)), "nesting 200": (200, nested(200)),
            "IN list 10": (10, in_list(10)), "IN list 1000": (1000, in_list(1000)),
            "INSERT 10 rows": (10, insert(10)), "INSERT 1000 rows": (1000, insert(1000))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--dialect", action="append", help="limit to these dialects (repeatable)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON")
    ap.add_argument("--only-unique", action="store_true", help="only issue 16's table (unique, corpus, hit)")
    ap.add_argument("--no-corpus", action="store_true", help="skip the corpus variant")
    ap.add_argument("--no-shapes", action="store_true",
                    help="turn the statement-shape cache off (sqlparser.shapes): every text cache miss parses")
    args = ap.parse_args()
    shapes.enabled = not args.no_shapes
    dialects = args.dialect or sorted(dialects_by_name())
    results: dict[str, dict] = {}
    for dialect in dialects:
        res = unique_case(dialect, args.repeat, corpus=not args.no_corpus)
        print_unique(dialect, res)
        results[dialect] = {"unique": res}
    for dialect in [] if args.only_unique else dialects:
        base_fn = baseline(dialect)
        rows = {}
        print(f"\n== {dialect}: µs per statement; ratio = cozelite / sqlglot parse+generate of the same statements")
        print("   cold: every statement parsed afresh; cached: the statement cache on, result memo off;")
        print("   repeated: the same calls again, result memo on (apps repeat their SQL and arguments)")
        print(f"{'method':<16}{'sqlglot µs':>12}{'cold µs':>10}{'ratio':>7}{'cached µs':>11}{'ratio':>7}"
              f"{'repeated µs':>13}{'ratio':>7}")
        cold_calls = calls(dialect, cache=False)
        cached_calls = calls(dialect, memo=False)
        for method, fn in calls(dialect).items():
            stmts = WORKLOAD[method]
            base = per_call_us(base_fn, stmts, args.repeat)
            cold = per_call_us(cold_calls[method], stmts, args.repeat)
            warm = per_call_us(cached_calls[method], stmts, args.repeat)
            again = per_call_us(fn, stmts, args.repeat)
            rows[method] = {"baseline_us": base, "cold_us": cold, "cold_ratio": cold / base,
                            "cached_us": warm, "cached_ratio": warm / base,
                            "repeated_us": again, "repeated_ratio": again / base}
            print(f"{method:<16}{base:>12.1f}{cold:>10.1f}{cold / base:>7.2f}{warm:>11.1f}{warm / base:>7.2f}"
                  f"{again:>13.1f}{again / base:>7.3f}")
        print(f"{'scaling (rewrite, cold)':<24}{'cozelite ms':>12}{'per unit µs':>13}")
        rewrite = cold_calls["rewrite"]
        scale = {}
        for name, (units, stmt) in scaling_statements().items():
            ms = per_call_us(rewrite, [stmt], max(3, args.repeat // 10)) / 1000
            scale[name] = {"ms": ms, "us_per_unit": ms * 1000 / units}
            print(f"{name:<24}{ms:>12.2f}{ms * 1000 / units:>13.1f}")
        results[dialect].update({"methods": rows, "scaling": scale})
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
