"""The native printer keeps one sqlglot generator per thread and dialect (formatter/native.py):
what it prints must not depend on what the generator printed before, on which thread, or on an
error in the middle of an earlier statement."""

from __future__ import annotations

import threading

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

import formatter
import formatter.native as native
from sqlparser.registry import get_dialect

DIALECTS = ("mysql", "postgres", "sqlite")
STATEMENTS = (
    "SELECT id, name FROM users WHERE age > 18 ORDER BY name LIMIT 10",
    "SELECT u.id, o.total FROM users AS u JOIN orders AS o ON u.id = o.user_id WHERE o.total > ?",
    "UPDATE users SET name = 'x', age = ? WHERE id = 1",
    "INSERT INTO users (id, name) VALUES (?, 'a'), (?, 'b')",
    "DELETE FROM orders WHERE user_id IN (SELECT id FROM users WHERE age < 18)",
)


def fresh(tree: exp.Expression, dialect: str, quote_names: bool = False) -> str:
    """The reference: a generation by the sqlglot dialect's own `generate` (a new generator)."""
    d = get_dialect(dialect)
    copy = tree.copy()
    for normalize in d.native_normalizers:
        copy = normalize(copy, dict(d.native_options))
    return native._sqlglot_dialect(d.sqlglot_dialect).generate(copy, copy=False, identify=quote_names,
                                                               unsupported_level=ErrorLevel.RAISE)


def render(tree: exp.Expression, dialect: str, quote_names: bool = False) -> str:
    return formatter.render(tree, style="native", dialect=get_dialect(dialect), quote_names=quote_names)


def parse(sql: str, dialect: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read=get_dialect(dialect).sqlglot_dialect)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_reused_generator_prints_what_a_new_one_prints(dialect: str) -> None:
    trees = [parse(s, dialect) for s in STATEMENTS]
    for _ in range(2):
        for tree in trees:
            for quote_names in (True, False):
                assert render(tree, dialect, quote_names) == fresh(tree, dialect, quote_names)


@pytest.mark.parametrize("dialect", ("mysql", "postgres"))
def test_made_up_alias_names_start_over_per_statement(dialect: str) -> None:
    # A derived table without a name gets one from the generator's counter: _t0 in every statement.
    tree = exp.select("*").from_(exp.Subquery(this=exp.select("1"),
                                              alias=exp.TableAlias(columns=[exp.to_identifier("a")])))
    assert [render(tree, dialect) for _ in range(3)] == ["SELECT * FROM (SELECT 1) AS _t0(a)"] * 3


@pytest.mark.parametrize("dialect", DIALECTS)
def test_state_left_by_an_interrupted_generation_is_reset(dialect: str) -> None:
    tree = parse("SELECT a FROM t", dialect)
    render(tree, dialect)
    pool = native._generators()
    key = next(k for k in pool if k[0] == get_dialect(dialect).sqlglot_dialect and not k[1])
    generator = pool[key]
    # As `no_identify` leaves it when an error interrupts it, and a counter past its start.
    generator.identify = True
    generator._next_name()
    assert render(tree, dialect) == fresh(tree, dialect) == "SELECT a FROM t"
    assert pool[key] is generator  # the same generator, back in the pool


def test_postgres_placeholders_are_numbered_with_a_reused_generator() -> None:
    tree = parse("INSERT INTO users (id, name) VALUES (?, ?), (?, ?)", "postgres")
    for _ in range(2):
        assert render(tree, "postgres") == "INSERT INTO users (id, name) VALUES ($1, $2), ($3, $4)"
    psycopg = formatter.render(tree, style="native", dialect=get_dialect("postgres"), placeholder="%s")
    assert psycopg == "INSERT INTO users (id, name) VALUES (%s, %s), (%s, %s)"


def test_threads_print_the_same_as_one_thread() -> None:
    jobs = [(parse(s, d), d) for d in DIALECTS for s in STATEMENTS]
    expected = [fresh(tree, d) for tree, d in jobs]
    failures: list[str] = []

    def work() -> None:
        for _ in range(20):
            got = [render(tree, d) for tree, d in jobs]
            if got != expected:
                failures.append(repr(got))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


# Trees with the constructs sqlglot's SELECT rewrites act on (sqlparser/native_select.py gates them).
REWRITTEN = (
    ("postgres", "SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b"),
    ("duckdb", "SELECT a, ROW_NUMBER() OVER (PARTITION BY b ORDER BY c) AS r FROM t QUALIFY r = 1"),
    ("postgres", "SELECT t.a, u.b FROM t FULL OUTER JOIN u ON t.id = u.id WHERE t.a > 1 ORDER BY 1 LIMIT 5"),
    ("spark", "SELECT t.a FROM t LEFT SEMI JOIN u ON t.id = u.id"),
    ("spark", "SELECT t.a FROM t LEFT ANTI JOIN u ON t.id = u.id"),
    ("bigquery", "SELECT d FROM UNNEST(GENERATE_DATE_ARRAY('2024-01-01', '2024-01-05', INTERVAL 1 DAY)) AS d"),
    ("bigquery", "SELECT x FROM t WHERE x IN (SELECT d FROM UNNEST(GENERATE_DATE_ARRAY('2024-01-01', "
                 "'2024-01-05', INTERVAL 1 DAY)) AS d)"),
    ("postgres", "SELECT a FROM t UNION SELECT DISTINCT ON (b) b FROM u"),
)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("read", "sql"), REWRITTEN)
def test_select_rewrites_print_as_sqlglot_prints_them(dialect: str, read: str, sql: str) -> None:
    tree = sqlglot.parse_one(sql, read=read)
    try:
        expected = fresh(tree, dialect)
    except Exception as err:  # sqlglot refuses it for this dialect: so must we
        with pytest.raises(Exception) as ours:
            render(tree, dialect)
        assert str(err) in str(ours.value)
        return
    assert render(tree, dialect) == expected
    pool = native._generators()
    generator = pool[(get_dialect(dialect).sqlglot_dialect, False, sqlglot.pretty, True)]
    assert generator._dispatch[exp.Select].__qualname__.startswith("gated_select_handler")


def test_without_unnest_the_date_array_rewrite_is_left_out_and_changes_nothing() -> None:
    """`render_native(no_unnest=True)` prints with a SELECT handler that leaves out sqlglot's
    date-array rewrite: the same text for every corpus tree without an UNNEST (what
    `name_walk.Names.unnest` tells the contract), and a tree with one is told apart."""
    from sqlparser.name_walk import walk_names
    from tests.corpus._corpus import load_corpus

    compared = 0
    for dialect in ("mysql", "sqlite"):
        frontend = get_dialect(dialect).frontend(portable_names=True, cache=False)
        for row in load_corpus(dialect)[:1500]:
            if not row.get("syntax_ok") or row.get("kind") not in ("SELECT", "INSERT", "UPDATE", "DELETE"):
                continue
            try:
                tree = frontend.parse(row["sql"]).tree
            except Exception:  # refused statements are not this test's subject
                continue
            if tree is None or walk_names(tree).unnest:
                continue
            want = native.render_native(tree, dialect=get_dialect(dialect), quote_names=False)
            assert native.render_native(tree, dialect=get_dialect(dialect), quote_names=False,
                                        no_unnest=True) == want, row["sql"]
            compared += 1
    assert compared > 1000
    dates = sqlglot.parse_one("SELECT d FROM UNNEST(GENERATE_DATE_ARRAY('2024-01-01', '2024-01-03', "
                              "INTERVAL 1 DAY)) AS d", read="bigquery")
    assert walk_names(dates).unnest
    full = native.render_native(dates.copy(), dialect=get_dialect("mysql"), quote_names=False)
    assert "RECURSIVE" in full  # the rewrite acts on it: skipping it would print something else
