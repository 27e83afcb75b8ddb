"""The PostgreSQL lowering reads libpg_query's JSON parse tree; it must build exactly what the
lowering over pglast's Python objects built (kept as the oracle in tests/postgres/pglast_oracle/).

Every PostgreSQL statement the tests know (the corpus, the golden cases and their conditions, the
workloads, and edge cases below) goes through both front ends: the same IR tree (node kinds,
arguments and the meta marks the printer reads), the same classification and unsupported
construct, or the same error (class and message, which carries line, column and token).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlglot import exp

from dialects.postgres import frontend as pg_frontend
from dialects.postgres.frontend import PostgresFrontend
from dialects.postgres.nodes import CharOffsets
from dialects.postgres.rules import CONDITION_PREFIX
from sqlparser import limits
from tests.corpus._corpus import load_corpus
from tests.golden.cases import load_cases
from tests.postgres.pglast_oracle.frontend import OracleFrontend
from tests.rename._own_workload import load_own_workload
from tests.rename._workload import load_queries

# Shapes where byte offsets and character offsets differ, the statement count, MySQL-compat input,
# nesting, and constructs the corpus has few of.
EDGE_CASES = [
    'SELECT \'é\', "Ab", "Té"."X" FROM "schéma"."Tab" AS "ß" WHERE "ß"."Col" = \'€\'',
    "SELECT 'ü€𝄞' AS x, \"Ü\".\"V\", Ü.\"W\" FROM \"Ü\"",
    "UPDATE \"€\".\"T\" SET \"A\" = 'é' WHERE \"B\" IN (SELECT \"C\" FROM \"Ä\".d)",
    "SELECT '€'; SELECT 2",
    "SELECT 1; SELECT 'é'",
    "SELECT '€' FROM t WHERE a = ? AND `B` = ?; DELETE FROM t",
    "SELECT `Ä`.`b` FROM `Ä` WHERE c = ?",
    'SELECT 1 /* é */ ; SELECT "Ü"',
    "SELECT '\ud800'",
    "SELECT 1\x00; SELECT 2",
    "SELECT",
    "SELECT 'é' FROM",
    "  ;  ",
    "-- only a comment",
    "SELECT " + "(" * 60 + "1" + ")" * 60,
    "SELECT " + " + ".join(["1"] * 300),
    "SELECT " + "NOT " * 50 + "true",
    "SELECT a FROM t WHERE " + " OR ".join(f"a = {i}" for i in range(200)),
    "SELECT CASE " + " ".join(f"WHEN a = {i} THEN {i}" for i in range(100)) + " END FROM t",
    "SELECT a[1:2], a[:3], a[2:], (p).x, (p).*, f(a => 1), f(VARIADIC a), $1[1] FROM t",
    "UPDATE t SET a[1] = 2, (b, c) = (SELECT 1, 2), (d, e) = ROW(3, 4), g.h = 1",
    "UPDATE t SET (f) = (5)",
    "UPDATE t SET (f, g) = (5, 6)",
    "SELECT x FROM t TABLESAMPLE BERNOULLI (10) REPEATABLE (1), f(1) WITH ORDINALITY AS g(a int, b text)",
    "SELECT * FROM (a JOIN b USING (id)) AS j, LATERAL (SELECT 1) s, LATERAL f(1) AS g",
    "SELECT * FROM a NATURAL FULL JOIN b CROSS JOIN c RIGHT JOIN (d LEFT JOIN e ON true) ON false",
    "SELECT * FROM ROWS FROM (f(1), g(2))",
    "SELECT sum(a) OVER w, rank() OVER (w ORDER BY b ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) "
    "FROM t WINDOW w AS (PARTITION BY c RANGE UNBOUNDED PRECEDING)",
    "SELECT sum(a) OVER (GROUPS BETWEEN CURRENT ROW AND 2 FOLLOWING), "
    "sum(b) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t",
    "SELECT rank() OVER (ORDER BY b ROWS 1 PRECEDING EXCLUDE TIES) FROM t",
    "SELECT count(*) FILTER (WHERE a > 0), percentile_cont(0.5) WITHIN GROUP (ORDER BY b), "
    "string_agg(DISTINCT c, ',' ORDER BY c), my.agg(a) FROM t GROUP BY ROLLUP (a, b), CUBE (c), "
    "GROUPING SETS ((a), ())",
    "INSERT INTO t (a) OVERRIDING SYSTEM VALUE VALUES (1)",
    "INSERT INTO t VALUES (1) ON CONFLICT ON CONSTRAINT c DO NOTHING RETURNING *",
    "INSERT INTO t VALUES (1) ON CONFLICT (a, (lower(b))) WHERE a > 0 DO UPDATE SET a = 1 WHERE t.a > 0",
    "INSERT INTO t VALUES (1) ON CONFLICT (a COLLATE \"C\") DO UPDATE SET a = 1",
    "INSERT INTO t DEFAULT VALUES",
    "WITH w AS NOT MATERIALIZED (SELECT 1), v(x) AS MATERIALIZED (SELECT 2) "
    "INSERT INTO t SELECT * FROM w, v RETURNING a AS b",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SEARCH DEPTH FIRST BY n SET s "
    "SELECT * FROM r",
    "SELECT 1 FROM t FOR UPDATE OF t SKIP LOCKED",
    "SELECT 1 FROM t FOR SHARE NOWAIT",
    "SELECT 1 FROM t FOR NO KEY UPDATE",
    "SELECT 1 UNION SELECT 2 INTERSECT (SELECT 3 ORDER BY 1) EXCEPT ALL SELECT 4",
    "SELECT 1 UNION SELECT 2 FOR UPDATE",
    "SELECT a::varchar(10)[], b::numeric(5, 2), d::\"char\", e::my.type[3], f::int8, g::text, h::bool FROM t",
    "SELECT c::interval(3) FROM t",
    "SELECT c::setof int FROM t",
    "SELECT current_time(3), current_date, localtimestamp, current_role, a IS NOT UNKNOWN, a IS NOT FALSE FROM t",
    "SELECT x'1F', b'101', 1.5e3, -2, - -3, -(4), 0x1F, 1_000, true, null, '' FROM t",
    "SELECT a <-> b, a ^ b ^ c, |/ a, a !~~* 'x', a NOT SIMILAR TO 'x', a ~ 'b', a @> b FROM t",
    "SELECT a OPERATOR(pg_catalog.+) b",
    "SELECT a NOT SIMILAR TO 'x' ESCAPE '!'",
    "SELECT a LIKE 'x' ESCAPE '!', extract(epoch FROM d), overlay(a placing 'x' from 2 for 3), trim(a), "
    "a AT TIME ZONE 'UTC', a COLLATE pg_catalog.\"C\", substring(a from 1), position('a' in b)",
    "SELECT normalize(a, NFC)",
    "SELECT collation for (a)",
    "SELECT 1 INTO TEMPORARY TABLE x",
    "SELECT 1 INTO UNLOGGED x",
    "CREATE TABLE t AS SELECT 1",
    "TRUNCATE a, b",
    "ALTER TABLE t ADD COLUMN c int",
    "DROP TABLE t",
    "SELECT DISTINCT ON (a, b) a FROM ONLY t ORDER BY a",
    "SELECT a FROM t ORDER BY a USING <",
    "SELECT a FROM t ORDER BY a DESC NULLS LAST, b NULLS FIRST, c ASC FETCH FIRST 3 ROWS WITH TIES",
    "SELECT a FROM t LIMIT ALL OFFSET 2",
    "DELETE FROM t USING a, b WHERE t.id = a.id RETURNING t.*",
    "DELETE FROM t USING a JOIN b ON true",
    "UPDATE t SET a = 1 FROM a JOIN b ON true",
    "UPDATE ONLY s.t AS x SET a = DEFAULT FROM a, b WHERE x.a = a.a RETURNING *",
    "VALUES (1, 2), (3, 4)",
    "VALUES (1, 2), (3, 4) ORDER BY 1",
    "SELECT ARRAY[1, 2], ARRAY(SELECT 1), EXISTS (SELECT 1), a = ANY (SELECT 1), a < ALL (b), a IN (SELECT 1)",
    "SELECT (1, 2) = (3, 4), ROW(1), a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b, NULLIF(a, b), "
    "GREATEST(1, 2), LEAST(1), COALESCE(a, b), GROUPING(a) FROM t GROUP BY a",
    "SELECT a FROM t GROUP BY DISTINCT a",
    "SELECT a NOT IN (1, 2), a NOT BETWEEN SYMMETRIC 1 AND 2, a BETWEEN 1 AND 2, a NOT LIKE 'x', a ILIKE 'y'",
    "SELECT lower(a), round(b, 2), count(DISTINCT c), count(*), sum(d), \"Upper\"(e), s.f(g) FROM t",
]


def statements() -> Iterator[str]:
    seen: set[str] = set()

    def new(sql: str) -> bool:
        if sql in seen:
            return False
        seen.add(sql)
        return True

    for sql in EDGE_CASES:
        if new(sql):
            yield sql
    for row in load_corpus("postgres"):
        if new(row["sql"]):
            yield row["sql"]
    for case in load_cases():
        for sql in (case.case.get("sql"), CONDITION_PREFIX + case.case["condition"] if "condition" in case.case
                    else None):
            if isinstance(sql, str) and new(sql):
                yield sql
    for query in load_queries("postgres"):
        if new(query.sql):
            yield query.sql
    for own in load_own_workload("postgres"):
        if new(own.sql):
            yield own.sql


def dump(node: Any) -> Any:
    """A comparable form of an IR tree: node kinds, arguments and meta (the printer reads marks there)."""
    if isinstance(node, exp.Expression):
        args = tuple((k, dump(v)) for k, v in node.args.items() if v is not None and v != [])
        meta = tuple(sorted((k, repr(v)) for k, v in node.meta.items())) if node._meta else ()
        return type(node).__name__, args, meta
    if isinstance(node, list):
        return [dump(v) for v in node]
    return repr(node)


def outcome(frontend: PostgresFrontend, sql: str) -> Any:
    try:
        stmt = frontend.parse(sql)
    except RecursionError:
        raise  # `difference` runs the statement again on the deep-stack thread
    except Exception as err:  # compared, class and message
        return "error", type(err).__name__, str(err)
    tree = dump(stmt.tree) if stmt.tree is not None else None
    return stmt.operation, stmt.table, stmt.unsupported, tree


def difference(new: PostgresFrontend, old: PostgresFrontend, sql: str) -> str | None:
    """None when both front ends agree on `sql`; else both outcomes. Run as the contract runs a
    statement (`limits.run_guarded`: deep ones on a thread with a deep stack), comparison included."""
    return compare(new, old, sql)[0]


def compare(new: PostgresFrontend, old: PostgresFrontend, sql: str) -> tuple[str | None, bool]:
    """(`difference`, lowered to a tree?)"""

    def run() -> tuple[str | None, bool]:
        got, want = outcome(new, sql), outcome(old, sql)
        lowered = got[0] != "error" and got[3] is not None
        if got == want:
            return None, lowered
        return f"{sql!r}\n  json:    {got!r:.3000}\n  objects: {want!r:.3000}", lowered

    return limits.run_guarded(run, sql)


@pytest.fixture
def check_every_statement(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Each front end runs the round-trip check itself (no verdict shared through the shape cache).
    monkeypatch.setattr(pg_frontend, "shape_cache", False)
    yield


def test_json_lowering_equals_object_lowering(check_every_statement: None) -> None:
    new = PostgresFrontend(portable_names=False, cache=False)
    old = OracleFrontend(portable_names=False, cache=False)
    count, lowered, differences = 0, 0, []
    for sql in statements():
        diff, tree = compare(new, old, sql)
        count, lowered = count + 1, lowered + tree
        if diff is not None:
            differences.append(diff)
    assert not differences, "\n\n".join(differences[:10])
    assert count > 5000 and lowered > 3000, (count, lowered)


@pytest.mark.parametrize("portable_names", [True, False])
def test_edge_cases_agree_with_portable_names(portable_names: bool, check_every_statement: None) -> None:
    new = PostgresFrontend(portable_names=portable_names, cache=False)
    old = OracleFrontend(portable_names=portable_names, cache=False)
    for sql in EDGE_CASES:
        assert difference(new, old, sql) is None


def test_char_offsets() -> None:
    text = "a'é€𝄞'b\"ß\""
    offsets = CharOffsets(text)
    encoded = text.encode("utf-8")
    for index, char in enumerate(text):
        start = len(text[:index].encode("utf-8"))
        assert encoded[start:].decode("utf-8").startswith(char)
        assert offsets(start) == index
    assert offsets(-1) == -1 and offsets(0) == 0
    assert CharOffsets("plain")(3) == 3


def test_deep_json_tree_is_lowered_on_the_deep_path() -> None:
    # json.loads recurses like the lowering: a tree deeper than the inline recursion limit is
    # retried on the deep-stack thread, not refused.
    sql = "SELECT " + "(" * 400 + "1" + ")" * 400 + " + " + " + ".join(["a"] * 2000)
    new = PostgresFrontend(portable_names=False, cache=False)
    stmt = limits.run_guarded(lambda: new.parse(sql), sql)
    assert stmt.tree is not None and len(list(stmt.tree.find_all(exp.Column))) == 2000
    assert difference(new, OracleFrontend(portable_names=False, cache=False), sql) is None
