"""Edge cases of folding long literal runs (sqlparser.literal_runs), at the real thresholds where
the size matters and at lowered ones (`lowered()`) where only the shape does."""

from __future__ import annotations

import pytest

from sqlparser import (
    ColumnValue,
    InvalidArgumentError,
    PolicyViolationError,
    PrimaryKeyValue,
    SQLSyntaxError,
    literal_runs,
    new_parser,
)
from sqlparser.limits import MAX_TOKENS
from tests.large._differential import DIALECTS, fresh_parser, lowered, outcome

N_IN = 120_000


def _folded(dialect: str, sql: str) -> dict:
    tree = new_parser(dialect).compile(sql).tree
    assert tree is not None
    return literal_runs.fold_stats(tree)


def _agree(dialect: str, sql: str, call, *, style: str = "native") -> tuple:
    parser = fresh_parser(dialect, style)
    plain = outcome(lambda: call(parser, sql))
    with lowered(2):
        folded = outcome(lambda: call(parser, sql))
    assert folded == plain, (plain, folded)
    return plain


def _filter(parser, sql):
    return parser.append_sql_filter(sql, "AND", "uid = 'u1'")


# -- large statements at the real thresholds ---------------------------------------------------

@pytest.mark.parametrize("dialect", DIALECTS)
def test_120k_in_list_is_accepted_and_printed_whole(dialect: str) -> None:
    items = [str(i) if i % 3 else f"'s{i}'" for i in range(N_IN)]
    sql = "SELECT a FROM t WHERE a NOT IN (" + ",".join(items) + ")"
    assert literal_runs.fold_stats(new_parser(dialect).compile(sql).tree)["items"] == N_IN
    out = new_parser(dialect).append_sql_filter(sql, "AND", "uid = 'u1'")
    assert out == "SELECT a FROM t WHERE NOT a IN (" + ", ".join(items) + ") AND uid = 'u1'" or \
        out == "SELECT a FROM t WHERE a NOT IN (" + ", ".join(items) + ") AND uid = 'u1'"
    compat = new_parser(dialect, style="compat").append_sql_filter(sql, "AND", "uid = 'u1'")
    assert compat == "SELECT `a` FROM `t` WHERE `a` NOT IN (" + ",".join(items) + ") AND `uid`='u1'"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_20k_or_chain_is_accepted_and_its_column_renamed(dialect: str) -> None:
    terms = [f"a = {i}" for i in range(20_000)]
    sql = "SELECT a FROM t WHERE b = 1 OR " + " OR ".join(terms)
    stats = _folded(dialect, sql)
    assert stats["or"] == 1 and stats["items"] == 19_999  # the last term is not between two ORs
    from sqlparser import TableColumn

    out = new_parser(dialect).parse_and_modify_sql(sql, {"t": TableColumn("t_p", {"a": "c_a", "b": "c_b"})})
    assert out == "SELECT c_a FROM t_p WHERE c_b = 1 OR " + " OR ".join(f"c_a = {i}" for i in range(20_000))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_2000_row_insert_counts_and_extends_every_row(dialect: str) -> None:
    rows = [f"({i}, 'name {i}', -{i}.5)" for i in range(2000)]
    sql = "INSERT INTO t (a, b, c) VALUES " + ", ".join(rows)
    assert _folded(dialect, sql)["rows"] == 1
    parser = new_parser(dialect)
    assert parser.get_insert_data_nums(sql) == 2000
    out, existing = parser.add_columns_to_insert_sql(sql, [ColumnValue("uid", "u1")])
    assert existing == {"a": True, "b": True, "c": True}
    assert out == "INSERT INTO t (a, b, c, uid) VALUES " + ", ".join(
        f"({i}, 'name {i}', -{i}.5, 'u1')" for i in range(2000))
    out, _ = parser.add_columns_to_insert_sql(sql, [ColumnValue("uid", "u1")],
                                              PrimaryKeyValue("id", tuple(range(2000))))
    assert out.endswith("(1999, 'name 1999', -1999.5, 'u1', 1999)")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_tenant_check_sees_every_folded_row(dialect: str) -> None:
    rows = [f"({i}, '{'u2' if i == 1500 else 'u1'}')" for i in range(2000)]
    sql = "INSERT INTO t (a, uid) VALUES " + ", ".join(rows)
    assert _folded(dialect, sql)["rows"] == 1
    with pytest.raises(PolicyViolationError, match="u2"):
        new_parser(dialect).scope_rows(sql, {"t": "uid = 'u1'"})
    ok = sql.replace("'u2'", "'u1'")
    assert new_parser(dialect).scope_rows(ok, {"t": "uid = 'u1'"}).count("'u1'") == 2000


def test_token_limit_still_bounds_what_is_not_folded() -> None:
    parser = new_parser("mysql")
    with pytest.raises(InvalidArgumentError, match="MAX_TOKENS"):
        parser.append_sql_filter("SELECT " + ",".join(["a"] * 60_000) + " FROM t", "AND", "x = 1")
    # Items that are not plain literals are not folded: still refused.
    with pytest.raises(InvalidArgumentError, match="MAX_TOKENS"):
        parser.append_sql_filter("SELECT a FROM t WHERE a IN (" + ",".join(f"b+{i}" for i in range(30_000)) + ")",
                                 "AND", "x = 1")
    # A condition is never folded.
    with pytest.raises(InvalidArgumentError, match="MAX_TOKENS"):
        parser.append_sql_filter("SELECT a FROM t", "AND", "a IN (" + ",".join(map(str, range(MAX_TOKENS))) + ")")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_syntax_error_after_a_folded_run_has_the_unfolded_position(dialect: str) -> None:
    head = "SELECT a FROM t WHERE a IN (\n" + ",".join(map(str, range(N_IN))) + ")\n"
    sql = head + "AND AND b = 1"
    with pytest.raises(SQLSyntaxError) as err:
        new_parser(dialect).append_sql_filter(sql, "AND", "x = 1")
    assert err.value.line == 3
    # Small enough to parse unfolded: the error is the unfolded parse's own.
    small = "SELECT a FROM t WHERE a IN (\n" + ",".join(map(str, range(70))) + ")\nAND AND b = 1"
    plain = outcome(lambda: fresh_parser(dialect).append_sql_filter(small, "AND", "x = 1"))
    with lowered(2):
        assert outcome(lambda: fresh_parser(dialect).append_sql_filter(small, "AND", "x = 1")) == plain


# -- shapes, at lowered thresholds: same output folded or not ----------------------------------

CASES = [
    "SELECT a FROM t WHERE a IN (1, 2, /* c */ 3, 4, 5)",
    "SELECT a FROM t WHERE a IN (1, 2, -- c\n 3, 4, 5)",
    "SELECT a FROM t WHERE a IN (100,\n200,\n300,\n400)",
    "SELECT a FROM t WHERE a IN ('a,b', 'it''s', ')', '', 'x y')",
    "SELECT a FROM t WHERE a IN (-1, -2.50, 0, 0.5, NULL, null)",
    "SELECT a FROM t WHERE a NOT IN (1, 2, 3) AND b IN (4, 5, 6)",
    "SELECT a FROM t WHERE a IN (1, 2, b, 3, 4)",
    "SELECT a FROM t WHERE a IN (1, 2, 3) OR a IN (1, 2, 3)",
    "SELECT a FROM t WHERE (a, b) IN ((1, 2), (3, 4))",
    "SELECT a FROM t WHERE a IN (1, 1e5, 2, 3)",
    "SELECT a FROM t WHERE b = 0 OR a = 1 OR a = 2 OR a = 3 OR a = 4",
    "SELECT a FROM t WHERE b = 0 OR a = 1 OR a = 2 OR b = 3 OR a = 4 OR a = 5 OR c = 1",
    "SELECT a FROM t WHERE b = 0 OR t.a = 'x' OR t.a = 'y' OR t.a = -1 OR a = 4",
    "SELECT a FROM t WHERE b = 0 OR a = 1 OR a = 2 AND c = 1 OR a = 3 OR a = 4 OR d = 1",
    "SELECT a FROM t WHERE NOT b = 0 OR a = 1 OR a = 2 OR a = 3 OR a = 4",
    "SELECT a FROM t WHERE b = 0 OR a = 1 OR a = 2 OR a = 3 OR a = 4",  # run at the end: last term stays
    "SELECT a FROM t WHERE b = 0 OR null = 1 OR null = 2 OR null = 3",
    "SELECT 'x IN (1, 2, 3, 4)' FROM t WHERE a IN (1, 2, 3, 4)",
    "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')",
    "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3), (4, 'w')",
    "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, now()), (4, 'w'), (5, 'v')",
    "INSERT INTO t (a, b) VALUES (1, 'x'),\n(2, 'y'),\n(3, 'z')",
    "INSERT INTO t (a, uid) VALUES (1, 'u1'), (2, 'u2'), (3, 'u1')",
    "SELECT a FROM t WHERE a IN (SELECT 1) OR b IN (1, 2, 3)",
    "UPDATE t SET b = 1 WHERE a IN (1, 2, 3, 4) OR c = 1 OR c = 2 OR c = 3 OR c = 4",
    "DELETE FROM t WHERE a IN ('1', '2', '3')",
    # Rows wider than 16 values are matched one by one.
    "INSERT INTO t VALUES " + ", ".join("(" + ", ".join(str(i * 20 + j) for j in range(18)) + ")" for i in range(3)),
    "INSERT INTO t VALUES " + ", ".join("(" + ", ".join(str(i * 20 + j) for j in range(18 + (i == 2))) + ")"
                                        for i in range(4)),
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("sql", CASES)
def test_shapes_agree(dialect: str, sql: str) -> None:
    for style in ("native", "compat"):
        _agree(dialect, sql, _filter, style=style)
        _agree(dialect, sql, lambda p, s: p.add_columns_to_insert_sql(s, [ColumnValue("uid", "u1")]), style=style)
        _agree(dialect, sql, lambda p, s: p.scope_rows(s, {"t": "uid = 'u1'"}, fill_inserts=True), style=style)
        _agree(dialect, sql, lambda p, s: p.get_insert_data_nums(s), style=style)


def test_mysql_backslash_strings_end_a_run() -> None:
    sql = "SELECT a FROM t WHERE a IN ('a', 'b\\'c', 'd', 'e', 'f')"
    assert _agree("mysql", sql, _filter)[0] == "ok"
    sql = "SELECT 'x\\' IN (1, 2, 3) ' FROM t WHERE a IN (1, 2, 3)"
    assert _agree("mysql", sql, _filter)[0] == "ok"
    sql = "SELECT \"a IN (1, 2, 3, 4)\" FROM t # IN (1, 2, 3, 4)\nWHERE a IN (1, 2, 3)"
    assert _agree("mysql", sql, _filter)[0] == "ok"


def test_postgres_quoting_is_respected() -> None:
    for sql in ("SELECT $$ IN (1, 2, 3, 4) $$ FROM t WHERE a IN (1, 2, 3)",
                "SELECT E'\\' IN (1, 2, 3)' FROM t WHERE a IN (1, 2, 3)",
                "SELECT a FROM t /* /* nested */ IN (1, 2, 3) */ WHERE a IN (1, 2, 3)",
                "SELECT a FROM t WHERE a =-1 OR a =-2 OR a =-3 OR a = 4"):
        _agree("postgres", sql, _filter)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_shapes_do_fold(dialect: str) -> None:
    # The agreement above means something only if the shapes fold: most do.
    folded = 0
    with lowered(2):
        for sql in CASES:
            tree = new_parser(dialect).compile(sql).tree if _parses(dialect, sql) else None
            folded += bool(tree is not None and literal_runs.runs_in(tree))
    assert folded >= len(CASES) // 2, folded


def _parses(dialect: str, sql: str) -> bool:
    return outcome(lambda: new_parser(dialect).compile(sql))[0] == "ok"


@pytest.mark.parametrize("dialect", ["postgres", "sqlite"])  # MySQL's VALUES table needs ROW(...)
def test_a_run_that_does_not_fold_leaves_the_others_folded(dialect: str) -> None:
    # The VALUES of a derived table is no INSERT's: its run is parsed as written, the IN list folds.
    sql = ("SELECT v.x FROM (VALUES (1), (2), (3), (4)) AS v(x) WHERE v.x IN (1, 2, 3, 4, 5)" if dialect == "postgres"
           else "SELECT column1 FROM (VALUES (1), (2), (3), (4)) WHERE column1 IN (1, 2, 3, 4, 5)")
    with lowered(2):
        stats = literal_runs.fold_stats(new_parser(dialect).compile(sql).tree)
    assert stats.get("in") == 1 and "rows" not in stats
    _agree(dialect, sql, _filter)
