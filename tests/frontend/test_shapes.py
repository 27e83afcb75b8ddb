"""The statement-shape cache (sqlparser/shapes.py): a statement of a known shape is built from a
template; it must equal a full parse of its own text in every respect, and everything whose value
can change the tree or its validity must stay out of the template's reach."""

from __future__ import annotations

import threading

import pytest

from sqlparser import new_parser, shapes
from sqlparser.errors import SQLSyntaxError
from tests.frontend import _shape_diff

DIALECTS = ("mysql", "postgres", "sqlite")


def fresh(dialect: str):
    """A native parser's front end with its caches emptied, and an uncached twin for the truth."""
    frontend = new_parser(dialect).frontend
    type(frontend).clear_cache()
    return frontend, type(frontend)(portable_names=frontend.portable_names, cache=False)


def prime(frontend, template: str, values: list[int]) -> None:
    # first sighting records the shape, the second learns it, the next VERIFY_HITS check it
    for n in values:
        frontend.parse(template.format(n=n))


def assert_same(frontend, full, sql: str) -> None:
    got, want = frontend.parse(sql), full.parse(sql)
    assert (got.sql, got.operation, got.unsupported, got.table) == (want.sql, want.operation, want.unsupported,
                                                                     want.table)
    assert shapes.same_tree(got.tree, want.tree), sql


# -- differential check over the corpora and workloads ------------------------------------------

@pytest.mark.parametrize("dialect", DIALECTS)
def test_templates_reproduce_full_parses_sample(dialect: str) -> None:
    stmts = _shape_diff.statements(dialect)
    outcome = _shape_diff.run(dialect, stmts[::10])
    assert not outcome.failures, "\n".join(outcome.failures[:10])
    assert outcome.learned >= 20  # the check ran on real templates


@pytest.mark.slow
@pytest.mark.parametrize("dialect", DIALECTS)
def test_templates_reproduce_full_parses_everything(dialect: str) -> None:
    outcome = _shape_diff.run(dialect, _shape_diff.statements(dialect))
    assert not outcome.failures, "\n".join(outcome.failures[:20])


# -- the cache path ------------------------------------------------------------------------------

@pytest.mark.parametrize("dialect", DIALECTS)
def test_hits_equal_full_parses_with_moved_positions(dialect: str) -> None:
    frontend, full = fresh(dialect)
    shape = ("SELECT a, b AS c FROM t -- note\nWHERE a > {n} AND b = 'x{n}' AND c IN ({n}7, 7)\n"
             "  AND d < {n}.25 ORDER BY b")
    prime(frontend, shape, [1, 22, 333, 4444])
    stats = frontend._shapes.stats
    assert (stats["learned"], stats["verified"], stats["mismatches"]) == (1, 2, 0)
    for n in (4, 55555, 987654321, 0):
        sql = shape.format(n=n)
        assert_same(frontend, full, sql)
        for node in frontend.parse(sql).tree.walk():
            meta = node._meta or {}
            if "start" in meta and "end" in meta and hasattr(node, "name") and node.name:
                assert node.name.lower() in sql[meta["start"]:meta["end"] + 1].lower()
    assert stats["hits"] >= 4 and stats["mismatches"] == 0


@pytest.mark.parametrize("dialect", DIALECTS)
def test_limit_order_by_position_and_type_parameters_are_pinned(dialect: str) -> None:
    frontend, full = fresh(dialect)
    prime(frontend, "SELECT a, b FROM t WHERE a = {n} ORDER BY 2 LIMIT 10", [1, 2, 3, 4])
    hits = frontend._shapes.stats["hits"]
    for sql in ("SELECT a, b FROM t WHERE a = 9 ORDER BY 1 LIMIT 10",
                "SELECT a, b FROM t WHERE a = 9 ORDER BY 2 LIMIT 11"):
        assert_same(frontend, full, sql)
    assert frontend._shapes.stats["hits"] == hits  # another pinned value: parsed in full (learned anew)
    prime(frontend, "SELECT CAST(a AS DECIMAL(10, 2)) FROM t WHERE b = {n}", [1, 2, 3, 4])
    assert_same(frontend, full, "SELECT CAST(a AS DECIMAL(12, 3)) FROM t WHERE b = 5")


def test_mysql_value_checks_still_run_on_a_known_shape() -> None:
    frontend, _ = fresh("mysql")
    prime(frontend, "SELECT a FROM t WHERE a LIKE 'x{n}' ESCAPE '!' AND b = {n}", [1, 2, 3, 4])
    with pytest.raises(SQLSyntaxError, match="ESCAPE"):
        frontend.parse("SELECT a FROM t WHERE a LIKE 'x5' ESCAPE 'ab' AND b = 5")


@pytest.mark.parametrize("sql", [
    "SELECT 'a' 'b' FROM t WHERE x = 1",  # adjacent strings are one value
    "SELECT _utf8'x', _latin1 'y' FROM t WHERE x = 1",  # charset introducers
    "SELECT X'1F', 0x1F, b'01', 1e3, .5, 007 FROM t WHERE x = 1",  # hex, bit, exponent, leading zero
    "SELECT 'it''s', 'a\\'b', \"dq\", N'n' FROM t WHERE x = 1",  # escapes, double quotes, national
    "SELECT 18446744073709551616, 1234567890 FROM t WHERE x = 1",  # past 9 digits: near range limits
    "SELECT 'é', 'a\nb' FROM t WHERE x = 1",  # non-ASCII, newline
])
def test_mysql_literals_that_stay_in_the_key(sql: str) -> None:
    frontend, _ = fresh("mysql")
    shape = frontend._shape(sql)
    assert shape is not None and [s.value for s in shape.slots] == ["1"]


def test_postgres_and_sqlite_literals_that_stay_in_the_key() -> None:
    pg, _ = fresh("postgres")
    shape = pg._shape("SELECT E'a\\nb', U&'x', B'01', X'1F', 1e3, 0x1F, 'a''b', $$x$$, 007 FROM t WHERE x = 1")
    assert shape is not None and [s.value for s in shape.slots] == ["1"]
    lite, _ = fresh("sqlite")
    shape = lite._shape("SELECT X'1F', 0x1F, 1e3, 'a''b', 'é' FROM t WHERE x = 1")
    assert shape is not None and [s.value for s in shape.slots] == ["1"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_negative_numbers_and_signs(dialect: str) -> None:
    frontend, full = fresh(dialect)
    prime(frontend, "SELECT a FROM t WHERE a > -{n} AND b = 1 - {n} AND c = -{n}.5", [1, 2, 3, 4])
    for n in (5, 123456):
        assert_same(frontend, full, f"SELECT a FROM t WHERE a > -{n} AND b = 1 - {n} AND c = -{n}.5")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_an_unchanged_slot_gets_pinned_after_verification(dialect: str) -> None:
    frontend, full = fresh(dialect)
    prime(frontend, "SELECT a FROM t WHERE status = 'active' AND id = {n}", [1, 2, 3, 4])
    hits = frontend._shapes.stats["hits"]
    assert_same(frontend, full, "SELECT a FROM t WHERE status = 'gone' AND id = 5")
    assert frontend._shapes.stats["hits"] == hits  # 'active' was never seen to vary: pinned
    assert_same(frontend, full, "SELECT a FROM t WHERE status = 'active' AND id = 6")
    assert frontend._shapes.stats["hits"] == hits + 1


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_template_that_does_not_reproduce_the_parse_is_dropped(dialect: str, caplog) -> None:
    frontend, full = fresh(dialect)
    prime(frontend, "SELECT a FROM t WHERE a = {n} AND b = {n}1", [1, 2])  # learned, not yet checked
    (entry,) = [e for e in frontend._shapes._items.values() if e.templates]
    template = entry.templates[0]
    first, second = sorted(template.free)
    template.free = {first: template.free[second], second: template.free[first]}  # a deliberate bug
    sql = "SELECT a FROM t WHERE a = 7 AND b = 81"
    assert_same(frontend, full, sql)  # the check returns the full parse
    assert frontend._shapes.stats["mismatches"] == 1 and entry.dead
    assert "no longer shared" in caplog.text
    assert_same(frontend, full, "SELECT a FROM t WHERE a = 8 AND b = 91")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_errors_never_come_from_a_template(dialect: str) -> None:
    frontend, _ = fresh(dialect)
    prime(frontend, "SELECT a FROM t WHERE a = {n}", [1, 2, 3, 4])
    with pytest.raises(SQLSyntaxError) as err:
        frontend.parse("SELECT a FROM t WHERE a = 123456 AND")
    assert err.value.sql == "SELECT a FROM t WHERE a = 123456 AND"


def test_bounded_and_thread_safe() -> None:
    cache = shapes.ShapeCache(size=8)
    frontend, full = fresh("sqlite")
    frontend._shapes = cache
    for i in range(40):
        frontend._shapes.parse(f"SELECT c{i} FROM t WHERE a = 1", full.parse, frontend._shape)
    assert len(cache) <= 8
    errors: list[str] = []

    def work(offset: int) -> None:
        for n in range(offset, offset + 60):
            sql = f"SELECT a FROM t WHERE a = {n} AND b = 'v{n}'"
            got = cache.parse(sql, full.parse, frontend._shape)
            if not shapes.same_tree(got.tree, full.parse(sql).tree):
                errors.append(sql)

    threads = [threading.Thread(target=work, args=(k * 1000,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and cache.stats["hits"] > 0 and cache.stats["mismatches"] == 0


def test_disabled_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    frontend, _ = fresh("mysql")
    monkeypatch.setattr(shapes, "enabled", False)
    prime(frontend, "SELECT a FROM t WHERE a = {n}", [1, 2, 3, 4, 5])
    assert frontend._shapes.stats["keyed"] == 0


@pytest.mark.parametrize("dialect", DIALECTS)
def test_slots_with_one_value_only_serve_equal_values(dialect: str) -> None:
    frontend, full = fresh(dialect)
    prime(frontend, "SELECT a FROM t WHERE a = {n} OR b = {n} OR c = 'k'", [11, 12, 13, 14])
    hits = frontend._shapes.stats["hits"]
    assert_same(frontend, full, "SELECT a FROM t WHERE a = 15 OR b = 15 OR c = 'k'")
    assert frontend._shapes.stats["hits"] == hits + 1
    assert_same(frontend, full, "SELECT a FROM t WHERE a = 16 OR b = 17 OR c = 'k'")  # not from that template
    assert frontend._shapes.stats["hits"] == hits + 1


def test_a_statement_too_big_for_the_budget_is_not_kept() -> None:
    frontend, full = fresh("mysql")
    cache = shapes.ShapeCache(size=64, max_bytes=64 * 1024)
    sql = "SELECT a FROM t WHERE a IN (" + ", ".join(str(i) for i in range(1, 200)) + ")"
    for _ in range(4):
        cache.parse(sql, full.parse, frontend._shape)
    assert cache.stats["learned"] == 0 and cache.bytes <= cache.max_bytes


def test_a_check_whose_parse_fails_drops_the_shape() -> None:
    frontend, full = fresh("sqlite")
    cache = shapes.ShapeCache(size=16)
    calls: list[str] = []

    def picky(sql: str):
        calls.append(sql)
        if "666" in sql:  # stands for a validity rule the shape rules missed
            raise SQLSyntaxError("no 666", line=1, column=1, token=None, sql=sql)
        return full.parse(sql)

    for n in (1, 2):
        cache.parse(f"SELECT a FROM t WHERE a = {n}", picky, frontend._shape)
    with pytest.raises(SQLSyntaxError):
        cache.parse("SELECT a FROM t WHERE a = 666", picky, frontend._shape)
    assert cache.stats["mismatches"] == 1
    before = len(calls)
    cache.parse("SELECT a FROM t WHERE a = 7", picky, frontend._shape)
    assert len(calls) == before + 1 and cache.stats["hits"] == 0  # parsed in full from now on


# -- the back-off: keying stops paying when nothing is built from a template ---------------------

def test_backs_off_when_shapes_do_not_repeat_and_comes_back_when_they_do() -> None:
    cache = shapes.ShapeCache(size=4096)
    frontend, full = fresh("sqlite")
    window, sample = shapes.BACKOFF_WINDOW, shapes.BACKOFF_SAMPLE
    for i in range(window):  # all different shapes: nothing built from a template
        cache.parse(f"SELECT c{i} FROM t WHERE a = 1", full.parse, frontend._shape)
    assert cache.stats["keyed"] == window and cache._backed_off
    for i in range(window, window + 10 * sample):
        sql = f"SELECT c{i} FROM t WHERE a = 1"
        assert cache.parse(sql, full.parse, frontend._shape) == full.parse(sql)  # the same statement
    assert cache.stats["keyed"] == window + 10  # one in BACKOFF_SAMPLE
    # One shape over and over: two of its samples learn a template, and keying is back for all.
    n = 0
    while cache._backed_off:
        n += 1
        assert n <= 2 * sample
        cache.parse(f"SELECT a FROM t WHERE a = {n}", full.parse, frontend._shape)
    keyed, hits = cache.stats["keyed"], cache.stats["hits"]
    for k in range(n + 1, n + 20):
        sql = f"SELECT a FROM t WHERE a = {k}"
        assert shapes.same_tree(cache.parse(sql, full.parse, frontend._shape).tree, full.parse(sql).tree)
    assert cache.stats["keyed"] == keyed + 19 and cache.stats["hits"] > hits


def test_stays_on_while_enough_statements_are_built_from_templates() -> None:
    cache = shapes.ShapeCache(size=4096)
    frontend, full = fresh("sqlite")
    for i in range(3 * shapes.BACKOFF_WINDOW):
        # one repeated shape in eight: above the back-off's threshold of one in BACKOFF_SAMPLE
        sql = f"SELECT a FROM t WHERE a = {i}" if i % 8 == 0 else f"SELECT c{i} FROM t WHERE a = 1"
        cache.parse(sql, full.parse, frontend._shape)
    assert not cache._backed_off and cache.stats["keyed"] == 3 * shapes.BACKOFF_WINDOW
