"""The contract's result memo (sqlparser/result_cache.py): a hit gives exactly what a miss gives
(results, refusals, fresh dicts), any changed argument or configuration misses, check_policy keeps
only "complies", and concurrent callers get correct results.

The memo keeps a result from a text's second sight on (the first only records the text), so the
tests call three times: the first sight, the second (computed and kept), the third (a hit)."""

from __future__ import annotations

import threading
import types
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from sqlparser import (
    ColumnValue,
    InvalidArgumentError,
    OperationType,
    Policy,
    PolicyViolationError,
    PrimaryKeyValue,
    SQLFilterOp,
    SQLParser,
    SQLSyntaxError,
    TableColumn,
    new_parser,
    parser_for,
)
from sqlparser.result_cache import MEMO, ResultMemo, Unfreezable, freeze
from tests.corpus._corpus import load_corpus
from tests.data_dir import data_dir
from tests.golden.cases import load_cases

DIALECTS = ("mysql", "postgres", "sqlite")
NEXT = {"mysql": "sqlite", "postgres": "mysql", "sqlite": "postgres"}


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    """What a call gives: its result, or its refusal's class, message and attributes."""
    try:
        return ("ok", call())
    except Exception as exc:  # the contract raises only SQLParserError; anything else shows here
        return ("error", type(exc), str(exc), dict(vars(exc)))


def memo_parser(dialect: str, memo: ResultMemo | None, **options: Any) -> SQLParser:
    parser = new_parser(dialect, **options)
    parser.memo = memo
    return parser


# -- statements: goldens, a corpus sample, a workload sample --------------------------------------

def _workload(dialect: str) -> list[str]:
    import json

    path = data_dir() / "workloads" / "workload.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["sql"] for r in rows if r["dialect"] == dialect]


def sample(dialect: str) -> list[str]:
    """About 200 distinct statements of the dialect: valid and invalid corpus rows, real queries."""
    rows = load_corpus(dialect)
    corpus = [row["sql"] for row in rows]
    inserts = [row["sql"] for row in rows if row.get("kind") == "INSERT" and row.get("syntax_ok")]
    work = _workload(dialect)
    picked = corpus[:: max(1, len(corpus) // 120)] + inserts[:: max(1, len(inserts) // 25)] \
        + work[:: max(1, len(work) // 60)]
    picked += ["INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b')", "SELECT FROM WHERE",
               "UPDATE users SET age = 1 WHERE id = 2", "DELETE FROM orders WHERE total < 5"]
    return list(dict.fromkeys(s for s in picked if len(s) < 4000))


def calls_for(parser: SQLParser, other: SQLParser, sql: str, table: str) -> Iterator[tuple[str, Callable[[], Any]]]:
    """Every memoized contract method on one statement, with arguments built from its first table."""
    mapping = {table: TableColumn(f"t_{table}", {"id": "c_id", "name": "c_name"}), "orders": TableColumn("t_o")}
    yield "rename", lambda: parser.parse_and_modify_sql(sql, mapping)
    yield "operation", lambda: parser.get_sql_operation(sql)
    yield "table", lambda: parser.get_table_name(sql)
    yield "rows", lambda: parser.get_insert_data_nums(sql)
    yield "filter", lambda: parser.append_sql_filter(sql, "AND", "uid = 'u1'")
    yield "fields", lambda: parser.add_select_fields_to_select_sql(sql, ["pk_id"])
    yield "insert", lambda: parser.add_columns_to_insert_sql(sql, [ColumnValue("uid", "u1"), ColumnValue("n", 2)],
                                                             None, is_param=False)
    yield "scope", lambda: parser.scope_rows(sql, {table: "uid = 'u1'"}, fill_inserts=True)
    yield "policy", lambda: parser.check_policy(sql, Policy(tables=frozenset({table})))
    yield "translate", lambda: other.translate(sql, read=parser.dialect.name)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_hits_equal_misses_and_uncached_calls(dialect: str) -> None:
    memo = ResultMemo()
    truth, cached = memo_parser(dialect, None), memo_parser(dialect, memo)
    truth_other, cached_other = memo_parser(NEXT[dialect], None), memo_parser(NEXT[dialect], memo)
    checked = hits_expected = 0
    for sql in sample(dialect):
        first = outcome(lambda sql=sql: truth.get_table_name(sql))
        table = first[1] if first[0] == "ok" and first[1] else "users"
        pairs = zip(calls_for(truth, truth_other, sql, table), calls_for(cached, cached_other, sql, table),
                    strict=True)
        for (name, want_call), (_, got_call) in pairs:
            want = outcome(want_call)
            for sight in range(3):
                assert outcome(got_call) == want, (name, sight, sql)
            checked += 1
            policy_refused = name == "policy" and want[0] == "error"
            hits_expected += 0 if policy_refused else 1
    # Every call kept its result or refusal except a few refusals that are never kept (policy
    # denials, internal errors): nearly every second call was a hit.
    assert checked > 1500
    assert memo.hits >= 0.9 * hits_expected


def test_golden_cases_hit_like_they_miss() -> None:
    for style in ("compat", "native"):
        memo = ResultMemo()
        truth, cached = memo_parser("mysql", None, style=style), memo_parser("mysql", memo, style=style)
        for case in load_cases():
            want = outcome(lambda case=case, p=truth: case.call(p))
            for _ in range(3):
                assert outcome(lambda case=case, p=cached: case.call(p)) == want, case.id
        assert memo.hits >= 60


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_returned_dict_is_the_callers(dialect: str) -> None:
    parser = memo_parser(dialect, ResultMemo())
    sql = "INSERT INTO users (id, uid) VALUES (1, 'x')"
    parser.add_columns_to_insert_sql(sql, [ColumnValue("uid", "u1"), ColumnValue("org", 3)])  # first sight
    first = parser.add_columns_to_insert_sql(sql, [ColumnValue("uid", "u1"), ColumnValue("org", 3)])
    first[1]["injected"] = True
    first[1].pop("uid", None)
    second = parser.add_columns_to_insert_sql(sql, [ColumnValue("uid", "u1"), ColumnValue("org", 3)])
    second[1]["other"] = False
    third = parser.add_columns_to_insert_sql(sql, [ColumnValue("uid", "u1"), ColumnValue("org", 3)])
    assert parser.memo is not None and parser.memo.hits == 2
    assert second[1] is not third[1]
    assert third == memo_parser(dialect, None).add_columns_to_insert_sql(
        sql, [ColumnValue("uid", "u1"), ColumnValue("org", 3)])
    assert "injected" not in third[1] and "other" not in third[1] and "uid" in third[1]


# -- any change misses ------------------------------------------------------------------------------

SQL = "SELECT u.id, u.name FROM users AS u JOIN orders AS o ON u.id = o.uid WHERE o.total > 1"
INSERT = "INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b')"
BASE_MAP = {"users": TableColumn("t_users", {"id": "c_id", "name": "c_name"}), "orders": TableColumn("t_orders")}

VARIANTS: dict[str, tuple[Callable[[SQLParser], Any], list[Callable[[SQLParser], Any]]]] = {
    "rename": (lambda p: p.parse_and_modify_sql(SQL, BASE_MAP), [
        lambda p: p.parse_and_modify_sql(SQL, {**BASE_MAP, "users": TableColumn("t_users", {"id": "c_id",
                                                                                            "name": "c_nm"})}),
        lambda p: p.parse_and_modify_sql(SQL, {**BASE_MAP, "users": TableColumn("t_users2", {"id": "c_id",
                                                                                             "name": "c_name"})}),
        lambda p: p.parse_and_modify_sql(SQL, {**BASE_MAP, "orders": TableColumn(None, {"total": "c_total"})}),
        lambda p: p.parse_and_modify_sql(SQL, {"users": BASE_MAP["users"]}),
        lambda p: p.parse_and_modify_sql(SQL + " ", BASE_MAP),
        lambda p: p.parse_and_modify_sql(SQL.replace("> 1", "> 2"), BASE_MAP),
    ]),
    "filter": (lambda p: p.append_sql_filter(SQL, "AND", "uid = 'u1'"), [
        lambda p: p.append_sql_filter(SQL, "OR", "uid = 'u1'"),
        lambda p: p.append_sql_filter(SQL, "AND", "uid = 'u2'"),
        lambda p: p.append_sql_filter(SQL, "AND", "uid='u1'"),
    ]),
    "fields": (lambda p: p.add_select_fields_to_select_sql(SQL, ["pk_id"]), [
        lambda p: p.add_select_fields_to_select_sql(SQL, ["pk_id", "x"]),
        lambda p: p.add_select_fields_to_select_sql(SQL, ["pk"]),
        lambda p: p.add_select_fields_to_select_sql(SQL, []),
    ]),
    "insert": (lambda p: p.add_columns_to_insert_sql(INSERT, [ColumnValue("c", 1)], PrimaryKeyValue("pk", (7, 8))), [
        # equal in Python, printed differently: every one must be its own entry
        lambda p: p.add_columns_to_insert_sql(INSERT, [ColumnValue("c", True)], PrimaryKeyValue("pk", (7, 8))),
        lambda p: p.add_columns_to_insert_sql(INSERT, [ColumnValue("c", 1.0)], PrimaryKeyValue("pk", (7, 8))),
        lambda p: p.add_columns_to_insert_sql(INSERT, [ColumnValue("c", Decimal("1.0"))],
                                              PrimaryKeyValue("pk", (7, 8))),
        lambda p: p.add_columns_to_insert_sql(INSERT, [ColumnValue("c", "1")], PrimaryKeyValue("pk", (7, 8))),
        lambda p: p.add_columns_to_insert_sql(INSERT, [ColumnValue("c", 1)], PrimaryKeyValue("pk", (7, 9))),
        lambda p: p.add_columns_to_insert_sql(INSERT, [ColumnValue("c", 1)], PrimaryKeyValue("id2", (7, 8))),
        lambda p: p.add_columns_to_insert_sql(INSERT, [ColumnValue("c", 1)], None),
        lambda p: p.add_columns_to_insert_sql(INSERT, [ColumnValue("c", 1)], PrimaryKeyValue("pk", (7, 8)),
                                              is_param=True),
    ]),
    "scope": (lambda p: p.scope_rows(SQL, {"users": "uid = 'u1'"}), [
        lambda p: p.scope_rows(SQL, {"users": "uid = 'u2'"}),
        lambda p: p.scope_rows(SQL, {"users": "uid = 'u1'", "orders": "uid = 'u1'"}),
        lambda p: p.scope_rows(SQL, {"users": "uid = 'u1'"}, fill_inserts=True),
    ]),
    "translate": (lambda p: p.translate("SELECT a / b FROM t", read="mysql",
                                        schema={"t": {"a": "INT", "b": "INT"}}), [
        lambda p: p.translate("SELECT a / b FROM t", read="mysql", schema={"t": {"a": "INT", "b": "DOUBLE"}}),
        lambda p: p.translate("SELECT a / b FROM t", read="mysql"),
        lambda p: p.translate("SELECT a / b FROM t", read="sqlite", schema={"t": {"a": "INT", "b": "INT"}}),
    ]),
}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("method", sorted(VARIANTS))
def test_changing_any_argument_misses(dialect: str, method: str) -> None:
    memo = ResultMemo()
    parser, truth = memo_parser(dialect, memo), memo_parser(dialect, None)
    base, variants = VARIANTS[method]
    for _ in range(3):
        assert outcome(lambda: base(parser)) == outcome(lambda: base(truth))
    assert memo.hits == 1
    if method == "filter":  # the operator is keyed as the contract reads it: "AND" is SQLFilterOp.AND
        assert outcome(lambda: parser.append_sql_filter(SQL, SQLFilterOp.AND, "uid = 'u1'")) == \
            outcome(lambda: base(truth))
        assert memo.hits == 2
    hits = memo.hits
    for i, variant in enumerate(variants):
        got = outcome(lambda variant=variant: variant(parser))
        assert memo.hits == hits, f"variant {i} was served from another call's entry"
        assert got == outcome(lambda variant=variant: variant(truth)), i


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_configuration_is_part_of_the_key(dialect: str) -> None:
    memo = ResultMemo()
    base = memo_parser(dialect, memo)
    base.parse_and_modify_sql(SQL, BASE_MAP)
    base.parse_and_modify_sql(SQL, BASE_MAP)  # kept now
    others = [memo_parser(dialect, memo, style="compat"), memo_parser(dialect, memo, portable_names=False),
              memo_parser(NEXT[dialect], memo)]
    for other in others:
        want = memo_parser(other.dialect.name, None, style=other.style,
                           portable_names=other.portable_names).parse_and_modify_sql(SQL, BASE_MAP)
        assert other.parse_and_modify_sql(SQL, BASE_MAP) == want
        assert memo.hits == 0
    # the same configuration, another parser object: one shared entry
    assert memo_parser(dialect, memo).parse_and_modify_sql(SQL, BASE_MAP) == base.parse_and_modify_sql(SQL, BASE_MAP)
    assert memo.hits == 2


def test_native_options_are_part_of_the_key() -> None:
    memo = ResultMemo()
    sql = "SELECT a FROM t WHERE b = ?"
    want_psycopg = memo_parser("postgres", None, placeholder="%s").parse_and_modify_sql(sql, {"t": TableColumn("u")})
    want_plain = memo_parser("postgres", None).parse_and_modify_sql(sql, {"t": TableColumn("u")})
    assert want_psycopg != want_plain
    psycopg, plain = memo_parser("postgres", memo, placeholder="%s"), memo_parser("postgres", memo)
    for _ in range(3):
        assert psycopg.parse_and_modify_sql(sql, {"t": TableColumn("u")}) == want_psycopg
        assert plain.parse_and_modify_sql(sql, {"t": TableColumn("u")}) == want_plain
    assert memo.hits == 3


def test_parsers_built_per_request_share_the_default_memo() -> None:
    sql = "SELECT id FROM memo_shared_probe WHERE id = 12345"
    mapping = {"memo_shared_probe": TableColumn("t_probe", {"id": "c_id"})}
    parser_for("sqlite:///x.db").parse_and_modify_sql(sql, mapping)
    first = parser_for("sqlite:///z.db").parse_and_modify_sql(sql, mapping)
    hits = MEMO.hits
    assert parser_for("sqlite:///y.db").parse_and_modify_sql(sql, mapping) == first == \
        "SELECT c_id FROM t_probe WHERE c_id = 12345"
    assert MEMO.hits == hits + 1


# -- refusals ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_kept_refusal_is_raised_fresh_and_identical(dialect: str) -> None:
    parser = memo_parser(dialect, ResultMemo())
    errors = []
    for _ in range(4):
        with pytest.raises(SQLSyntaxError) as info:
            parser.parse_and_modify_sql("SELECT a FROM t WHERE (b = 1", BASE_MAP)
        errors.append(info.value)
    assert parser.memo is not None and parser.memo.hits == 2
    assert len({id(e) for e in errors}) == 4
    assert len({(type(e), str(e), e.args, tuple(sorted(vars(e).items()))) for e in errors}) == 1
    assert errors[1].line == errors[0].line and errors[1].column == errors[0].column


@pytest.mark.parametrize("dialect", DIALECTS)
def test_bad_arguments_are_refused_on_a_hit(dialect: str) -> None:
    parser = memo_parser(dialect, ResultMemo())
    for _ in range(2):
        parser.parse_and_modify_sql(SQL, BASE_MAP)
        parser.append_sql_filter(SQL, "AND", "uid = 1")
        parser.add_select_fields_to_select_sql(SQL, ["pk_id"])
    bad_calls = [
        lambda: parser.parse_and_modify_sql(SQL, {"users": TableColumn("t\x00users", {"id": "c_id"})}),
        lambda: parser.parse_and_modify_sql(SQL, {"users": "t_users"}),  # type: ignore[dict-item]
        lambda: parser.append_sql_filter(SQL, "and", "uid = 1"),
        lambda: parser.append_sql_filter(SQL, "AND", "  "),
        lambda: parser.add_select_fields_to_select_sql(SQL, "pk_id"),  # type: ignore[arg-type]
        lambda: parser.add_select_fields_to_select_sql(SQL, ["pk\x00id"]),
        lambda: parser.add_columns_to_insert_sql(INSERT, [ColumnValue("c", object())]),
        lambda: parser.check_policy(SQL, "users"),  # type: ignore[arg-type]
        lambda: parser.translate(SQL, read="oracle"),
    ]
    for call in bad_calls:
        for _ in range(2):
            with pytest.raises(InvalidArgumentError):
                call()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_check_policy_keeps_only_complies(dialect: str) -> None:
    memo = ResultMemo()
    parser = memo_parser(dialect, memo)
    both, users_only = Policy(tables=frozenset({"users", "orders"})), Policy(tables=frozenset({"users"}))
    for _ in range(3):
        assert parser.check_policy(SQL, both) is None
    assert memo.hits == 1 and len(memo) == 1
    for _ in range(3):  # a denial after "complies" for another policy: denied every time, same rule
        with pytest.raises(PolicyViolationError) as info:
            parser.check_policy(SQL, users_only)
        assert info.value.rule == "table-not-allowed"
    read_only = Policy(tables=frozenset({"users", "orders"}), operations=frozenset({OperationType.SELECT}))
    for _ in range(2):
        with pytest.raises(PolicyViolationError):
            parser.check_policy("DELETE FROM users WHERE id = 1", read_only)
    assert len(memo) == 1 and memo.hits == 1  # no denial was kept or served


# -- what is not kept ------------------------------------------------------------------------------

def test_unfreezable_arguments_bypass_the_memo() -> None:
    memo = ResultMemo()
    parser = memo_parser("mysql", memo)
    proxy = types.MappingProxyType({"id": "c_id"})
    want = memo_parser("mysql", None).parse_and_modify_sql(SQL, {"users": TableColumn("t", proxy)})
    for _ in range(2):
        assert parser.parse_and_modify_sql(SQL, {"users": TableColumn("t", proxy)}) == want
    assert len(memo) == 0 and memo.hits == 0
    with pytest.raises(Unfreezable):
        freeze([object()])
    with pytest.raises(Unfreezable):
        freeze(list(range(10_000)))


def test_bounds() -> None:
    memo = ResultMemo(entries=5, max_bytes=1 << 20, max_text=200)
    parser = memo_parser("sqlite", memo)
    for i in range(20):
        parser.get_sql_operation(f"SELECT {i}")
        parser.get_sql_operation(f"SELECT {i}")
    assert len(memo) == 5
    long_sql = "SELECT a FROM t WHERE b IN (" + ", ".join(str(i) for i in range(100)) + ")"
    parser.get_sql_operation(long_sql)
    parser.get_sql_operation(long_sql)
    assert long_sql not in {key[4] for key in memo._items}  # type: ignore[index]
    small = ResultMemo(entries=1000, max_bytes=8 * 1024, max_text=16 * 1024)
    parser.memo = small
    for i in range(50):
        for _ in range(2):
            parser.parse_and_modify_sql(f"SELECT a, b, c FROM t WHERE d = {i}", {"t": TableColumn("t" * 300)})
    assert 0 < small.bytes <= 8 * 1024 and len(small) < 50


def test_a_replaced_or_patched_front_end_is_not_memoized(monkeypatch: pytest.MonkeyPatch) -> None:
    memo = ResultMemo()
    parser = memo_parser("sqlite", memo)
    parser.get_sql_operation("SELECT 1")
    parser.get_sql_operation("SELECT 1")
    parser.frontend = parser.dialect.frontend(portable_names=True, cache=False)
    parser.get_sql_operation("SELECT 1")
    assert (memo.hits, len(memo)) == (0, 1)
    parser = memo_parser("sqlite", memo)
    monkeypatch.setattr(parser.frontend, "parse", lambda sql: (_ for _ in ()).throw(KeyError("boom")))
    with pytest.raises(Exception, match="internal error"):
        parser.get_sql_operation("SELECT 1")


# -- threads ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("dialect", DIALECTS)
def test_concurrent_callers_get_their_own_results(dialect: str) -> None:
    # A small memo, so that threads evict each other's entries while they read them.
    memo = ResultMemo(entries=16)
    truth = memo_parser(dialect, None)
    jobs = []
    for t in range(6):
        for i in range(8):
            sql = f"SELECT id, name FROM users WHERE age > {i}"
            mapping = {"users": TableColumn(f"t_users_{t}", {"id": f"c_id_{t}"})}
            jobs.append((t, sql, mapping, truth.parse_and_modify_sql(sql, mapping),
                         truth.append_sql_filter(sql, "AND", f"uid = {t}")))
    failures: list[str] = []

    def worker(t: int) -> None:
        parser = memo_parser(dialect, memo)
        for _ in range(15):
            for owner, sql, mapping, renamed, filtered in jobs:
                if owner not in (t, (t + 1) % 6):
                    continue
                if parser.parse_and_modify_sql(sql, mapping) != renamed:
                    failures.append(f"rename {owner} {sql}")
                if parser.append_sql_filter(sql, "AND", f"uid = {owner}") != filtered:
                    failures.append(f"filter {owner} {sql}")

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert failures == []
    assert memo.hits > 0 and len(memo) <= 16
