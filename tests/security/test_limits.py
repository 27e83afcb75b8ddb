"""Issue 11, Medium 8: the work per statement is bounded, and so is the statement cache's memory.

A 1 MiB `SELECT a,a,...` through scope_rows once took 26 s and 1.8 GB. The token limit
(sqlparser.limits.MAX_TOKENS) refuses it before any parse, with an error saying how to split it;
the documented shapes (IN lists of 5000 items, OR chains of 2000 terms, 2000-row INSERTs, nesting
depth 500) still work in every dialect. Timings are measured by tests/security/measure_large_inputs.py,
not asserted here.
"""

from __future__ import annotations

import pytest

from sqlparser import ColumnValue, InvalidArgumentError, new_parser
from sqlparser.frontend import Statement, StatementCache
from sqlparser.limits import MAX_SQL_BYTES, MAX_TOKENS, count_tokens
from sqlparser.types import OperationType

DIALECTS = ("mysql", "sqlite", "postgres")
MIB_SELECT = "SELECT " + ",".join(["a"] * ((MAX_SQL_BYTES - 40) // 2)) + " FROM t"
# Items that are not plain literals (names): a long run of plain literals is folded into one IR
# node and accepted (sqlparser.literal_runs, tests/large), so the refused IN list names columns.
MIB_IN = "SELECT a FROM t WHERE a IN (" + ",".join(["x123456"] * ((MAX_SQL_BYTES - 60) // 8)) + ")"


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("sql", [MIB_SELECT, MIB_IN], ids=["select_list", "in_list"])
def test_a_mebibyte_of_items_is_refused_naming_the_limit(dialect: str, sql: str) -> None:
    parser = new_parser(dialect)
    for call in (lambda: parser.scope_rows(sql, {"t": "uid = 'u1'"}), lambda: parser.compile(sql),
                 lambda: parser.get_sql_operation(sql)):
        with pytest.raises(InvalidArgumentError, match=f"more than {MAX_TOKENS} tokens.*split it"):
            call()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_limit_applies_to_conditions(dialect: str) -> None:
    condition = " OR ".join(["a = 1"] * (MAX_TOKENS // 3))
    with pytest.raises(InvalidArgumentError, match="filter condition has more than"):
        new_parser(dialect).append_sql_filter("SELECT a FROM t", "AND", condition)


def test_quoting_tricks_do_not_hide_tokens() -> None:
    # A backslash before a quote ends a SQLite / PostgreSQL string but not a MySQL one: either
    # reading of the text must be counted, or a statement could look like one long string.
    items = ",".join(["a"] * MAX_TOKENS)
    for sql in (f"SELECT 'x\\', {items}, ' FROM t", f"SELECT \"x\\\", {items}, \" FROM t",
                f"SELECT a FROM t WHERE a = ARRAY[{items}]", f"SELECT 1 # {items}\n"):
        assert count_tokens(sql) > MAX_TOKENS, sql[:30]
    for dialect in DIALECTS:
        with pytest.raises(InvalidArgumentError, match="tokens"):
            new_parser(dialect).compile(f"SELECT 'x\\', {items}, ' FROM t")


def test_unclosed_quotes_and_comments_count_the_rest_as_tokens() -> None:
    # An opener with no closer counts what follows it as plain tokens: `$$` quoting (which the count
    # does not know) cannot make a PostgreSQL statement look like one long string. (The count is one
    # pass now: each of 20,000 unclosed openers used to search to the end again, 12-16 s at 60 KB.)
    items = ",".join(["a"] * MAX_TOKENS)
    for opener in ("'", '"', "`", "/*", "["):
        assert count_tokens(f"SELECT $$ {opener} $$, {items} FROM t") > MAX_TOKENS, opener
    assert count_tokens("SELECT 1 " + "/* " * 20_000) == 2 + 2 * 20_000
    assert count_tokens("SELECT " + "' " * 20_001) == 1 + 10_000 + 1  # 10,000 closed strings, one unclosed
    # closed ones stay one token each, under both readings of a backslash
    assert count_tokens("SELECT 'a''b', \"x\", `y`, [z] /* c */ -- d\n # e\n FROM t") == 15


@pytest.mark.parametrize("dialect", DIALECTS)
def test_long_values_are_not_tokens(dialect: str) -> None:
    # A 600 KB string literal is one token: large values pass (binding them is better still).
    text = "word, " * 100_000
    parser = new_parser(dialect)
    out, _ = parser.add_columns_to_insert_sql(f"INSERT INTO t (a) VALUES ('{text}')", [ColumnValue("b", 1)])
    assert out.endswith("1)")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_documented_shapes_still_work(dialect: str) -> None:
    parser = new_parser(dialect)
    in_list = "SELECT a FROM t WHERE a IN (" + ", ".join(str(i) for i in range(5000)) + ")"
    assert "uid = 'u1'" in parser.scope_rows(in_list, {"t": "uid = 'u1'"})
    or_chain = "SELECT a FROM t WHERE " + " OR ".join(f"a = {i}" for i in range(2000))
    assert parser.append_sql_filter(or_chain, "AND", "uid = 'u1'").endswith("uid = 'u1'")
    insert = "INSERT INTO t (a, b) VALUES " + ", ".join(f"({i}, 'v{i}')" for i in range(2000))
    assert parser.get_insert_data_nums(insert) == 2000
    deep = "SELECT " + "(" * 500 + "1" + ")" * 500
    assert parser.get_sql_operation(deep) is OperationType.SELECT


def _statement(sql: str) -> Statement:
    return new_parser("sqlite").compile(sql)


def test_statement_cache_is_bounded_by_bytes() -> None:
    cache = StatementCache(size=1000, max_bytes=16 * 1024 * 1024)
    small = [f"SELECT a, b FROM t WHERE c = {i}" for i in range(50)]
    wide = ["SELECT " + ",".join([f"c{i}"] * 400) + " FROM t" for i in range(30)]
    for sql in small + wide:
        cache.parse(sql, _statement)
        # A text seen once holds no tree and is charged its text alone.
        assert cache._items[sql] == (None, StatementCache.text_entry_bytes(sql))
        cache.parse(sql, _statement)  # seen twice: its tree is kept, charged its estimate
        assert cache.bytes <= cache.max_bytes
    assert len(cache) < len(small) + len(wide)  # the wide trees pushed entries out
    huge = "SELECT " + ",".join(["a"] * 4000) + " FROM t"  # more than an eighth of the budget
    for _ in range(3):
        assert cache.parse(huge, _statement).tree is not None
        snapshot, cost = cache._items[huge]
        assert snapshot is None and cost == StatementCache.text_entry_bytes(huge)  # its tree is never kept
    assert cache.bytes == sum(cost for _, cost in cache._items.values())
    # A hit is still a copy the caller owns.
    first = cache.parse(small[-1], _statement)
    again = cache.parse(small[-1], _statement)
    assert first.tree is not again.tree


def test_statement_cache_accounting_stays_exact() -> None:
    cache = StatementCache(size=3, max_bytes=1 << 30)
    for i in range(10):
        cache.parse(f"SELECT {i}", _statement)
    assert len(cache) == 3
    assert cache.bytes == sum(cost for _, cost in cache._items.values())
    cache.clear()
    assert (len(cache), cache.bytes) == (0, 0)
