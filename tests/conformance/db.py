"""The db conformance suite: one suite for the `RDB` contract, run against every implementation.

An implementation joins by adding an `Implementation` to IMPLEMENTATIONS (the harness protocol of
tests/conformance/_harness.py; a server-backed one: the URI of a server its fixture starts);
`test_every_scheme_is_covered` fails when a registered scheme has none. Ping, close, backup and the
context manager are checked for every area by tests/conformance/lifecycle.py, over IMPLEMENTATIONS.
The two-process and SIGKILL tests run this file as a script in fresh interpreters:

    python tests/conformance/db.py <role> <uri> [args...]
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from providers.db import DB, open_db
from providers.db.contract import (
    RDB,
    AlterTableAction,
    AlterTableOperation,
    Column,
    ComplexCondition,
    Condition,
    DataType,
    Index,
    IndexType,
    LogicalOperator,
    Operator,
    OrderBy,
    SortDirection,
    SQLType,
    Table,
    TableOption,
)
from providers.errors import ErrorCode, ProviderError
from tests.conformance._harness import Bound, Implementation, covers, impl_fixture, implementations, require
from tests.engines.server_uris import fresh_mysql_uri, fresh_postgres_uri

HERE = Path(__file__).resolve()

# What a server cannot do that an embedded database does (docs/providers.md lists them).
_SERVER_LIMITS = {
    "backup": "the server's own tools back it up (mariadb-dump, pg_dump); backup() is UNIMPLEMENTED",
    "file_path": "a server URI names a database on a server, not a file path",
}

IMPLEMENTATIONS = implementations(
    Implementation(
        "sqlite", uri=lambda ctx: f"sqlite:///{ctx.tmp}/sqlite/app.db",
        # The statement that checks the engine's files after a crash ("" where the server checks itself).
        options={"integrity_check": "PRAGMA integrity_check"}),
    Implementation(
        "mysql", uri=lambda ctx: fresh_mysql_uri(ctx.server("mariadb_server"), ctx.request),
        servers=("mariadb_server",), unsupported=_SERVER_LIMITS, options={"integrity_check": ""}),
    Implementation(
        "postgres", uri=lambda ctx: fresh_postgres_uri(ctx.server("pg_server"), ctx.request),
        servers=("pg_server",), unsupported=_SERVER_LIMITS, options={"integrity_check": ""}),
)

impl = impl_fixture(IMPLEMENTATIONS)


@pytest.fixture
def db(impl: Bound) -> Iterator[RDB]:
    store = open_db(impl.uri)
    try:
        yield store
    finally:
        store.close()


def people(name: str = "people") -> Table:
    return Table(
        name=name,
        columns=[
            Column("id", DataType.BIGINT, not_null=True),
            Column("name", DataType.VARCHAR, length=16, not_null=True, comment="display name"),
            Column("age", DataType.INT, default_value="18"),
            Column("active", DataType.BOOLEAN, default_value="1"),
            Column("profile", DataType.JSON),
            Column("bio", DataType.TEXT),
            Column("born", DataType.TIMESTAMP),
            Column("score", DataType.DOUBLE),
            Column("ratio", DataType.FLOAT),
        ],
        indexes=[Index("PRIMARY", IndexType.PRIMARY_KEY, ["id"]), Index("uk_name", IndexType.UNIQUE_KEY, ["name"]),
                 Index("ix_age", IndexType.NORMAL_KEY, ["age"])],
        options=TableOption(comment="people table"),
    )


def seed(db: RDB, n: int = 6) -> None:
    db.create_table(people())
    if n:
        db.insert_data("people", [{"id": i, "name": f"p{i}", "age": 20 + i, "score": i / 2} for i in range(1, n + 1)])


def ids(db: RDB, where: ComplexCondition | None = None) -> list[int]:
    res = db.select_data("people", fields=["id"], where=where, order_by=[OrderBy("id")])
    return [r["id"] for r in res.result_set.rows]


def code_of(fn: Callable[[], Any]) -> ErrorCode:
    with pytest.raises(ProviderError) as info:
        fn()
    return info.value.code


def test_every_scheme_is_covered() -> None:
    # By implementation: one entry serves all of an implementation's schemes (mysql, mariadb, ...).
    covers(IMPLEMENTATIONS, DB)


# -- tables ---------------------------------------------------------------------------------------

def test_create_and_get_table_round_trips_the_schema(db: RDB) -> None:
    created = db.create_table(people())
    got = db.get_table("people")
    assert created.name == got.name == "people"
    cols = {c.name: c for c in got.columns}
    assert [c.name for c in got.columns] == ["id", "name", "age", "active", "profile", "bio", "born", "score", "ratio"]
    assert {n: c.data_type for n, c in cols.items()} == {
        "id": DataType.BIGINT, "name": DataType.VARCHAR, "age": DataType.INT, "active": DataType.BOOLEAN,
        "profile": DataType.JSON, "bio": DataType.TEXT, "born": DataType.TIMESTAMP, "score": DataType.DOUBLE,
        "ratio": DataType.FLOAT}
    assert cols["name"].length == 16 and cols["name"].not_null and cols["name"].comment == "display name"
    assert cols["age"].default_value == "18" and not cols["age"].not_null
    by_name = {i.name: i for i in got.indexes}
    assert by_name["PRIMARY"].type is IndexType.PRIMARY_KEY and by_name["PRIMARY"].columns == ["id"]
    assert by_name["uk_name"].type is IndexType.UNIQUE_KEY and by_name["uk_name"].columns == ["name"]
    assert by_name["ix_age"].type is IndexType.NORMAL_KEY
    assert got.options is not None and got.options.comment == "people table"
    assert got.created_at > 0 and got.updated_at >= got.created_at


def test_create_existing_table_is_a_no_op_and_empty_name_is_generated(db: RDB) -> None:
    seed(db, 2)
    again = db.create_table(Table(name="people", columns=[Column("other", DataType.INT)]))
    assert [c.name for c in again.columns][:2] == ["id", "name"]
    assert len(ids(db)) == 2
    a = db.create_table(Table(name="", columns=[Column("x", DataType.INT)]))
    b = db.create_table(Table(name="", columns=[Column("x", DataType.INT)]))
    assert a.name.startswith("table_") and b.name.startswith("table_") and a.name != b.name
    assert db.get_table(a.name).columns[0].name == "x"


def test_auto_increment_starts_at_the_table_option(db: RDB) -> None:
    db.create_table(Table(name="seq", columns=[Column("id", DataType.BIGINT, auto_increment=True),
                                               Column("v", DataType.VARCHAR)],
                          indexes=[Index("PRIMARY", IndexType.PRIMARY_KEY, ["id"])],
                          options=TableOption(auto_increment=1000)))
    db.insert_data("seq", [{"v": "a"}, {"v": "b"}])
    rows = db.select_data("seq", order_by=[OrderBy("id")]).result_set.rows
    assert [r["id"] for r in rows] == [1000, 1001]
    assert db.get_table("seq").columns[0].auto_increment


def test_drop_table(db: RDB) -> None:
    seed(db, 1)
    assert db.drop_table("people") is True
    assert code_of(lambda: db.get_table("people")) is ErrorCode.NOT_FOUND
    assert code_of(lambda: db.drop_table("people")) is ErrorCode.NOT_FOUND
    assert db.drop_table("people", if_exists=True) is True


def test_missing_table_is_not_found_everywhere(db: RDB) -> None:
    where = ComplexCondition([Condition("id", Operator.EQUAL, 1)])
    for call in (lambda: db.get_table("nope"), lambda: db.insert_data("nope", [{"a": 1}]),
                 lambda: db.select_data("nope"), lambda: db.update_data("nope", {"a": 1}),
                 lambda: db.delete_data("nope", where=where), lambda: db.upsert_data("nope", [{"a": 1}]),
                 lambda: db.execute_sql("SELECT * FROM nope")):
        assert code_of(call) is ErrorCode.NOT_FOUND


def test_alter_table_add_rename_modify_drop_and_index(db: RDB) -> None:
    seed(db, 3)
    table = db.alter_table("people", [
        AlterTableOperation(AlterTableAction.ADD_COLUMN, Column("nick", DataType.VARCHAR, length=8)),
        AlterTableOperation(AlterTableAction.RENAME_COLUMN, Column("years", DataType.INT), old_name="age"),
    ])
    names = [c.name for c in table.columns]
    assert "nick" in names and "years" in names and "age" not in names
    assert ids(db, ComplexCondition([Condition("years", Operator.GREATER, 21)])) == [2, 3]
    # MODIFY COLUMN converts the stored values (DOUBLE -> TEXT) and keeps every row.
    table = db.alter_table("people", [AlterTableOperation(AlterTableAction.MODIFY_COLUMN,
                                                          Column("score", DataType.TEXT))])
    assert table.column("score").data_type is DataType.TEXT  # type: ignore[union-attr]
    rows = db.select_data("people", fields=["score"], order_by=[OrderBy("id")]).result_set.rows
    assert [r["score"] for r in rows] == ["0.5", "1.0", "1.5"]
    table = db.alter_table("people", [AlterTableOperation(AlterTableAction.DROP_COLUMN,
                                                          Column("nick", DataType.VARCHAR))])
    assert "nick" not in [c.name for c in table.columns]
    assert {i.name for i in table.indexes} >= {"PRIMARY", "uk_name", "ix_age"}
    db.alter_table("people", [AlterTableOperation(
        AlterTableAction.ADD_INDEX, index=Index("uk_years", IndexType.UNIQUE_KEY, ["years"]))])
    assert code_of(lambda: db.insert_data("people", [{"id": 9, "name": "dup", "years": 21}])) \
        is ErrorCode.ALREADY_EXISTS
    assert code_of(lambda: db.alter_table("people", [AlterTableOperation(
        AlterTableAction.ADD_COLUMN, Column("years", DataType.INT))])) is ErrorCode.ALREADY_EXISTS
    assert code_of(lambda: db.alter_table("people", [AlterTableOperation(
        AlterTableAction.DROP_COLUMN, Column("ghost", DataType.INT))])) is ErrorCode.NOT_FOUND


def test_alter_modify_to_an_incompatible_type_changes_nothing(db: RDB) -> None:
    seed(db, 2)
    db.update_data("people", {"bio": "not a number"})
    op = AlterTableOperation(AlterTableAction.MODIFY_COLUMN, Column("bio", DataType.INT))
    assert code_of(lambda: db.alter_table("people", [op])) is ErrorCode.INVALID_ARGUMENT
    assert db.get_table("people").column("bio").data_type is DataType.TEXT  # type: ignore[union-attr]
    assert len(ids(db)) == 2


def test_rebuilding_a_referenced_table_does_not_cascade(db: RDB) -> None:
    seed(db, 2)
    db.execute_sql("CREATE TABLE pets (id INT PRIMARY KEY, owner BIGINT REFERENCES people (id) ON DELETE CASCADE)",
                   sql_type=SQLType.RAW)
    db.execute_sql("INSERT INTO pets (id, owner) VALUES (1, 1), (2, 2)", sql_type=SQLType.RAW)
    db.alter_table("people", [AlterTableOperation(AlterTableAction.MODIFY_COLUMN, Column("bio", DataType.VARCHAR))])
    assert db.execute_sql("SELECT COUNT(*) AS n FROM pets").rows == [{"n": 2}]
    # Foreign keys are enforced again afterwards.
    assert code_of(lambda: db.execute_sql("INSERT INTO pets (id, owner) VALUES (3, 99)")) \
        is ErrorCode.FAILED_PRECONDITION


def test_add_primary_key_to_a_table_without_one(db: RDB) -> None:
    db.create_table(Table(name="loose", columns=[Column("k", DataType.VARCHAR), Column("v", DataType.INT)]))
    db.insert_data("loose", [{"k": "a", "v": 1}])
    table = db.alter_table("loose", [AlterTableOperation(
        AlterTableAction.ADD_INDEX, index=Index("PRIMARY", IndexType.PRIMARY_KEY, ["k"]))])
    assert [i.columns for i in table.indexes if i.type is IndexType.PRIMARY_KEY] == [["k"]]
    assert db.upsert_data("loose", [{"k": "a", "v": 2}]).updated_rows == 1


# -- data -----------------------------------------------------------------------------------------

def test_every_data_type_round_trips(db: RDB) -> None:
    db.create_table(people())
    born = datetime.datetime(2001, 2, 3, 4, 5, 6)
    db.insert_data("people", [{"id": 2**40, "name": "名前 ✓", "age": -5, "active": True,
                               "profile": {"tags": ["a", "b"], "n": 1}, "bio": "x" * 60000, "born": born,
                               "score": 1.25, "ratio": 3}])
    row = db.select_data("people").result_set.rows[0]
    assert row["id"] == 2**40 and row["name"] == "名前 ✓" and row["age"] == -5 and row["active"] == 1
    assert json.loads(row["profile"]) == {"tags": ["a", "b"], "n": 1}
    assert row["bio"] == "x" * 60000 and row["born"] == "2001-02-03 04:05:06"
    assert row["score"] == 1.25 and row["ratio"] == 3.0 and isinstance(row["ratio"], float)


def test_defaults_apply_when_a_column_is_omitted(db: RDB) -> None:
    db.create_table(Table(name="d", columns=[
        Column("id", DataType.INT), Column("n", DataType.INT, default_value="7"),
        Column("flag", DataType.BOOLEAN, default_value="true"), Column("s", DataType.VARCHAR, default_value="it's"),
        Column("at", DataType.TIMESTAMP, default_value="CURRENT_TIMESTAMP")]))
    db.insert_data("d", [{"id": 1}])
    row = db.select_data("d").result_set.rows[0]
    assert row["n"] == 7 and row["flag"] == 1 and row["s"] == "it's"
    assert datetime.datetime.fromisoformat(row["at"]).year >= 2024


def test_select_fields_order_limit_offset_and_total(db: RDB) -> None:
    seed(db, 6)
    res = db.select_data("people", fields=["name", "age"], order_by=[OrderBy("age", SortDirection.DESC)],
                         limit=2, offset=1)
    assert res.result_set.columns == ["name", "age"]
    assert res.result_set.rows == [{"name": "p5", "age": 25}, {"name": "p4", "age": 24}]
    assert res.total == 6
    res = db.select_data("people", where=ComplexCondition([Condition("age", Operator.GREATER, 22)]), limit=1)
    assert len(res.result_set.rows) == 1 and res.total == 4
    assert db.select_data("people", offset=4, order_by=[OrderBy("id")]).result_set.rows[0]["id"] == 5
    empty = db.select_data("people", where=ComplexCondition([Condition("id", Operator.LESS, 0)]))
    assert empty.result_set.rows == [] and empty.total == 0 and "name" in empty.result_set.columns


@pytest.mark.parametrize(("operator", "value", "expected"), [
    (Operator.EQUAL, 23, [3]),
    # NULL (id 6) never compares equal or unequal, as in SQL.
    (Operator.NOT_EQUAL, 23, [1, 2, 4, 5]),
    (Operator.GREATER, 24, [5]),
    (Operator.GREATER_EQUAL, 24, [4, 5]),
    (Operator.LESS, 22, [1]),
    (Operator.LESS_EQUAL, 22, [1, 2]),
    (Operator.IN, [21, 23, 99], [1, 3]),
    (Operator.NOT_IN, [21, 23], [2, 4, 5]),
    (Operator.IN, [], []),
    (Operator.NOT_IN, [], [1, 2, 3, 4, 5, 6]),
    (Operator.IS_NULL, None, [6]),
    (Operator.IS_NOT_NULL, None, [1, 2, 3, 4, 5]),
])
def test_condition_operators(db: RDB, operator: Operator, value: Any, expected: list[int]) -> None:
    seed(db, 6)
    db.update_data("people", {"age": None}, where=ComplexCondition([Condition("id", Operator.EQUAL, 6)]))
    assert ids(db, ComplexCondition([Condition("age", operator, value)])) == expected


def test_like_and_not_like(db: RDB) -> None:
    seed(db, 3)
    db.insert_data("people", [{"id": 10, "name": "zed"}])
    assert ids(db, ComplexCondition([Condition("name", Operator.LIKE, "p%")])) == [1, 2, 3]
    # Go's string value of the operator is accepted as well as the enum member.
    assert ids(db, ComplexCondition([Condition("name", "NOT LIKE", "p%")])) == [10]  # type: ignore[arg-type]


def test_nested_and_or(db: RDB) -> None:
    seed(db, 6)
    # (age >= 21 AND age <= 22) OR (age >= 25 AND id != 6)
    where = ComplexCondition(nested_conditions=[
        ComplexCondition([Condition("age", Operator.GREATER_EQUAL, 21), Condition("age", Operator.LESS_EQUAL, 22)]),
        ComplexCondition([Condition("age", Operator.GREATER_EQUAL, 25), Condition("id", Operator.NOT_EQUAL, 6)]),
    ], operator=LogicalOperator.OR)
    assert ids(db, where) == [1, 2, 5]
    or_flat = ComplexCondition([Condition("id", Operator.EQUAL, 1), Condition("id", Operator.EQUAL, 4)],
                               operator=LogicalOperator.OR)
    assert ids(db, or_flat) == [1, 4]
    # Conditions and nested groups together: id < 5 AND (id = 1 OR id = 4 OR id = 6)
    mixed = ComplexCondition([Condition("id", Operator.LESS, 5)], nested_conditions=[or_flat])
    assert ids(db, mixed) == [1, 4]
    assert code_of(lambda: ids(db, ComplexCondition())) is ErrorCode.INVALID_ARGUMENT


# A reference evaluator with SQL's three-valued logic (None = unknown), for generated conditions.
_ROWS = [{"id": i, "age": None if i % 7 == 0 else (i * 37) % 50, "name": f"n{(i * 11) % 13}"} for i in range(1, 41)]


def _eval(cond: ComplexCondition, row: dict[str, Any]) -> bool | None:
    parts: list[bool | None] = []
    for c in cond.conditions:
        v = row[c.field]
        op = Operator(c.operator)
        if op is Operator.IS_NULL:
            parts.append(v is None)
        elif op is Operator.IS_NOT_NULL:
            parts.append(v is not None)
        elif op in (Operator.IN, Operator.NOT_IN) and not c.value:
            parts.append(op is Operator.NOT_IN)
        elif v is None:
            parts.append(None)
        elif op in (Operator.IN, Operator.NOT_IN):
            hit = v in c.value
            parts.append(hit if op is Operator.IN else not hit)
        else:
            parts.append({Operator.EQUAL: v == c.value, Operator.NOT_EQUAL: v != c.value,
                          Operator.GREATER: v > c.value, Operator.GREATER_EQUAL: v >= c.value,
                          Operator.LESS: v < c.value, Operator.LESS_EQUAL: v <= c.value}[op])
    parts += [_eval(n, row) for n in cond.nested_conditions]
    if cond.operator is LogicalOperator.AND:
        return False if False in parts else (None if None in parts else True)
    return True if True in parts else (None if None in parts else False)


def _conditions() -> Any:
    from hypothesis import strategies as st

    simple = st.one_of(
        st.builds(Condition, st.just("age"), st.sampled_from([Operator.EQUAL, Operator.NOT_EQUAL, Operator.GREATER,
                                                              Operator.GREATER_EQUAL, Operator.LESS,
                                                              Operator.LESS_EQUAL]), st.integers(0, 50)),
        st.builds(Condition, st.just("age"), st.sampled_from([Operator.IN, Operator.NOT_IN]),
                  st.lists(st.integers(0, 50), max_size=4)),
        st.builds(Condition, st.just("age"), st.sampled_from([Operator.IS_NULL, Operator.IS_NOT_NULL])),
        st.builds(Condition, st.just("id"), st.sampled_from([Operator.LESS, Operator.GREATER]), st.integers(0, 41)),
    )
    ops = st.sampled_from([LogicalOperator.AND, LogicalOperator.OR])
    leaf = st.builds(ComplexCondition, st.lists(simple, min_size=1, max_size=3), st.just([]), ops)
    return st.recursive(leaf, lambda inner: st.builds(ComplexCondition, st.lists(simple, max_size=2),
                                                      st.lists(inner, min_size=1, max_size=3), ops), max_leaves=6)


def test_generated_conditions_match_a_reference_evaluator(db: RDB) -> None:
    from hypothesis import HealthCheck, given, settings

    db.create_table(Table(name="gen", columns=[Column("id", DataType.INT), Column("age", DataType.INT),
                                               Column("name", DataType.VARCHAR)]))
    db.insert_data("gen", _ROWS)

    @settings(max_examples=150, derandomize=True, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(_conditions())
    def check(cond: ComplexCondition) -> None:
        got = db.select_data("gen", fields=["id"], where=cond, order_by=[OrderBy("id")])
        assert [r["id"] for r in got.result_set.rows] == [r["id"] for r in _ROWS if _eval(cond, r) is True]
        assert db.select_data("gen", where=cond, limit=1).total == len(got.result_set.rows)

    check()


def test_update_and_delete_with_where_and_limit(db: RDB) -> None:
    seed(db, 6)
    assert db.update_data("people", {"bio": "x"}, where=ComplexCondition([Condition("id", Operator.LESS, 4)])) == 3
    assert db.update_data("people", {"bio": "y"}, where=ComplexCondition([Condition("bio", Operator.EQUAL, "x")]),
                          limit=2) == 2
    assert db.update_data("people", {"active": False}) == 6
    assert db.delete_data("people", where=ComplexCondition([Condition("id", Operator.GREATER, 4)]), limit=1) == 1
    assert len(ids(db)) == 5
    assert db.delete_data("people", where=ComplexCondition([Condition("id", Operator.IN, [1, 2])])) == 2
    assert db.delete_data("people") == 3
    assert ids(db) == []


def test_upsert_counts_inserted_updated_unchanged(db: RDB) -> None:
    seed(db, 3)
    res = db.upsert_data("people", [{"id": 1, "name": "p1", "age": 21},     # unchanged
                                    {"id": 2, "name": "p2", "age": 99},     # updated
                                    {"id": 7, "name": "p7", "age": 27}])    # inserted
    assert (res.inserted_rows, res.updated_rows, res.unchanged_rows, res.affected_rows) == (1, 1, 1, 2)
    assert db.select_data("people", where=ComplexCondition([Condition("id", Operator.EQUAL, 2)])) \
        .result_set.rows[0]["age"] == 99
    by_name = db.upsert_data("people", [{"name": "p7", "id": 7, "age": 70}], keys=["name"])
    assert by_name.updated_rows == 1
    db.create_table(Table(name="nokey", columns=[Column("a", DataType.INT)]))
    assert code_of(lambda: db.upsert_data("nokey", [{"a": 1}])) is ErrorCode.FAILED_PRECONDITION
    assert code_of(lambda: db.upsert_data("people", [{"name": "x"}])) is ErrorCode.INVALID_ARGUMENT


def test_execute_sql_parameterized_and_raw(db: RDB) -> None:
    seed(db, 4)
    res = db.execute_sql("SELECT id, name FROM people WHERE id IN ? AND name <> ? ORDER BY id", [[1, 3, 4], "p4"])
    assert res.columns == ["id", "name"] and [r["id"] for r in res.rows] == [1, 3]
    assert db.execute_sql("SELECT id FROM people WHERE id IN ?", [[]]).rows == []
    assert db.execute_sql("SELECT id FROM people WHERE name = '?' AND id = ?", [1]).rows == []
    res = db.execute_sql("UPDATE people SET bio = ? WHERE id > ?", ["later", 2])
    assert res.affected_rows == 2 and res.rows == []
    res = db.execute_sql("INSERT INTO people (id, name) VALUES (?, ?), (?, ?)", [10, "a", 11, "b"])
    assert res.affected_rows == 2
    raw = db.execute_sql("SELECT COUNT(*) AS n FROM people", sql_type=SQLType.RAW)
    assert raw.rows == [{"n": 6}]
    assert code_of(lambda: db.execute_sql("SELECT ?", [1], sql_type=SQLType.RAW)) is ErrorCode.INVALID_ARGUMENT
    empty = db.execute_sql("SELECT id, name AS who FROM people WHERE id < 0")
    assert empty.columns == ["id", "who"] and empty.rows == []


def test_a_statement_over_its_timeout_is_stopped_and_the_store_keeps_working(impl: Bound) -> None:
    # A cross join of 200-row tables four times over is 1.6e9 rows: far longer than the timeout on
    # every engine, so only the timeout can end it.
    sep = "&" if "?" in impl.uri else "?"
    store = open_db(f"{impl.uri}{sep}statement_timeout_ms=300")
    try:
        store.create_table(people())
        store.insert_data("people", [{"id": i, "name": f"p{i}"} for i in range(1, 201)])
        heavy = "SELECT SUM(a.id * b.id + c.id - d.id) AS s FROM people a, people b, people c, people d"
        with pytest.raises(ProviderError) as info:
            store.execute_sql(heavy)
        assert info.value.code is ErrorCode.UNAVAILABLE
        assert "statement_timeout_ms" in str(info.value)
        assert store.execute_sql("SELECT COUNT(*) AS n FROM people").rows == [{"n": 200}]
    finally:
        store.close()


def test_execute_sql_ddl_is_visible_to_get_table(db: RDB) -> None:
    db.execute_sql("CREATE TABLE notes (id INT, body VARCHAR(40))", sql_type=SQLType.RAW)
    table = db.get_table("notes")
    assert [(c.name, c.data_type) for c in table.columns] == [("id", DataType.INT), ("body", DataType.VARCHAR)]
    db.insert_data("notes", [{"id": 1, "body": "hello"}])
    assert db.select_data("notes").result_set.rows == [{"id": 1, "body": "hello"}]


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("row", "why"), [
    ({"id": 1, "name": "n", "age": "abc"}, "text in INT"),
    ({"id": 1, "name": "n", "age": 2**31}, "INT out of range"),
    ({"id": 1, "name": "n", "age": 1.5}, "fraction in INT"),
    ({"id": "x", "name": "n"}, "text in BIGINT key"),
    ({"id": 1, "name": "n", "active": 2}, "2 in BOOLEAN"),
    ({"id": 1, "name": "n", "profile": "{not json"}, "invalid JSON"),
    ({"id": 1, "name": "n", "born": "yesterday"}, "not a timestamp"),
    ({"id": 1, "name": "n", "score": "high"}, "text in DOUBLE"),
    ({"id": 1, "name": "n" * 17}, "VARCHAR(16) overflow"),
    ({"id": 1, "name": "n", "bio": "x" * 65536}, "TEXT overflow"),
    ({"id": 1, "name": None}, "NULL in NOT NULL"),
    ({"id": 1, "name": "n", "bio": b"\x00\x01"}, "bytes in TEXT"),
    ({"id": 1, "name": "n", "age": 2**70}, "integer beyond 64 bits"),
    ({"id": 1, "name": "n", "bio": object()}, "unsupported Python type"),
    ({"id": 1, "name": "n", "ghost": 1}, "unknown column"),
])
def test_wrong_or_oversized_values_are_refused_and_change_nothing(db: RDB, row: dict[str, Any], why: str) -> None:
    seed(db, 0)
    assert code_of(lambda: db.insert_data("people", [row])) is ErrorCode.INVALID_ARGUMENT, why
    assert ids(db) == []
    db.insert_data("people", [{"id": 5, "name": "five"}])
    patch = {k: v for k, v in row.items() if k != "id" and v != "n"} or {"id": row["id"]}
    assert code_of(lambda: db.update_data("people", patch)) is ErrorCode.INVALID_ARGUMENT, why
    assert db.select_data("people").result_set.rows[0]["name"] == "five"


def test_duplicate_key_is_already_exists_and_the_batch_is_atomic(db: RDB) -> None:
    seed(db, 2)
    batch = [{"id": 50, "name": "new"}, {"id": 1, "name": "clash"}]
    assert code_of(lambda: db.insert_data("people", batch)) is ErrorCode.ALREADY_EXISTS
    assert ids(db) == [1, 2]


@pytest.mark.parametrize("bad", ["", "x" * 65, "a\x00b", "sqlite_master", "_cozelite_rdb_columns", None, 3])
def test_bad_names_are_invalid(db: RDB, bad: Any) -> None:
    assert code_of(lambda: db.create_table(Table(name="ok", columns=[Column(bad, DataType.INT)]))) \
        is ErrorCode.INVALID_ARGUMENT
    if bad:
        assert code_of(lambda: db.get_table(bad)) is ErrorCode.INVALID_ARGUMENT


def test_bad_arguments_are_invalid(db: RDB) -> None:
    seed(db, 1)
    for call in (
        lambda: db.insert_data("people", []),
        lambda: db.insert_data("people", {"id": 1}),  # type: ignore[arg-type]
        lambda: db.insert_data("people", [{"id": 3, "name": "a"}, {"id": 4}]),
        lambda: db.update_data("people", {}),
        lambda: db.select_data("people", limit=-1),
        lambda: db.select_data("people", fields="id"),  # type: ignore[arg-type]
        lambda: db.select_data("people", order_by=[OrderBy("id", "SIDEWAYS")]),  # type: ignore[arg-type]
        lambda: ids(db, ComplexCondition([Condition("id", "~", 1)])),  # type: ignore[arg-type]
        lambda: ids(db, ComplexCondition([Condition("id", Operator.IN, "1,2")])),
        lambda: db.execute_sql(""),
        lambda: db.execute_sql("SELEC 1"),
        lambda: db.create_table(Table(name="t", columns=[Column("a", "BLOB")])),  # type: ignore[arg-type]
        lambda: db.create_table(Table(name="t", columns=[Column("a", DataType.INT, default_value="abc")])),
        lambda: db.create_table(Table(name="t", columns=[])),
    ):
        assert code_of(call) is ErrorCode.INVALID_ARGUMENT


INJECTIONS = ["'; DROP TABLE people; --", "x' OR '1'='1", "\" OR 1=1 --", "1; DELETE FROM people",
              "`people`", "\\'", "Robert'); DROP TABLE people;--"]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_sql_injection_through_values_is_stored_verbatim(db: RDB, payload: str) -> None:
    seed(db, 2)
    db.insert_data("people", [{"id": 9, "name": payload[:16], "bio": payload}])
    where = ComplexCondition([Condition("bio", Operator.EQUAL, payload)])
    assert ids(db, where) == [9]
    assert db.execute_sql("SELECT id FROM people WHERE bio = ?", [payload]).rows == [{"id": 9}]
    assert db.update_data("people", {"bio": payload + "!"}, where=where) == 1
    assert ids(db, ComplexCondition([Condition("name", Operator.LIKE, payload[:16])])) == [9]
    assert ids(db) == [1, 2, 9]
    assert db.get_table("people").name == "people"


def test_sql_injection_through_names_and_statements(db: RDB) -> None:
    seed(db, 2)
    odd = 'a"b; DROP TABLE people'
    db.create_table(Table(name=odd, columns=[Column(odd, DataType.INT)]))
    db.insert_data(odd, [{odd: 1}])
    assert db.select_data(odd, fields=[odd]).result_set.rows == [{odd: 1}]
    assert code_of(lambda: db.select_data("people", fields=["id; DROP TABLE people"])) is ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: db.execute_sql("SELECT 1; DROP TABLE people")) is ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: db.execute_sql("SELECT * FROM _cozelite_rdb_columns")) is ErrorCode.PERMISSION_DENIED
    assert ids(db) == [1, 2]


# -- concurrency and durability -------------------------------------------------------------------

def test_concurrent_writers_in_threads(db: RDB) -> None:
    db.create_table(Table(name="log", columns=[Column("id", DataType.BIGINT, auto_increment=True),
                                               Column("who", DataType.VARCHAR), Column("n", DataType.INT)],
                          indexes=[Index("PRIMARY", IndexType.PRIMARY_KEY, ["id"])]))
    errors: list[BaseException] = []

    def writer(who: int) -> None:
        try:
            for n in range(40):
                db.insert_data("log", [{"who": f"t{who}", "n": n}])
                if n % 10 == 0:
                    db.select_data("log", where=ComplexCondition([Condition("who", Operator.EQUAL, f"t{who}")]))
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = db.select_data("log").result_set.rows
    assert len(rows) == 240 and len({r["id"] for r in rows}) == 240
    for who in range(6):
        assert sorted(r["n"] for r in rows if r["who"] == f"t{who}") == list(range(40))


def _spawn(role: str, uri: str, *args: object) -> subprocess.Popen[str]:
    # The child imports this file's modules (tests.conformance._harness): the repository root goes first.
    root = str(HERE.parents[2])
    env = dict(os.environ, PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    return subprocess.Popen([sys.executable, str(HERE), role, uri, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _make_log_table(uri: str) -> None:
    store = open_db(uri)
    try:
        store.create_table(Table(name="log", columns=[Column("id", DataType.BIGINT, auto_increment=True),
                                                      Column("who", DataType.VARCHAR), Column("n", DataType.INT)],
                                 indexes=[Index("PRIMARY", IndexType.PRIMARY_KEY, ["id"])]))
    finally:
        store.close()


def test_two_processes_write_concurrently(impl: Bound) -> None:
    uri = impl.uri
    _make_log_table(uri)
    procs = [_spawn("writer", uri, who, 60) for who in ("a", "b")]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    store = open_db(uri)
    try:
        rows = store.select_data("log").result_set.rows
    finally:
        store.close()
    assert len(rows) == 120
    for who in ("a", "b"):
        assert sorted(r["n"] for r in rows if r["who"] == who) == list(range(60))


def test_sigkill_mid_write_loses_no_committed_data(impl: Bound) -> None:
    uri = impl.uri
    _make_log_table(uri)
    proc = _spawn("forever", uri)
    assert proc.stdout is not None
    acked: list[int] = []
    while len(acked) < 40:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "child ended early"
        acked.append(int(line))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    store = open_db(uri)
    try:
        if impl.option("integrity_check"):
            assert store.execute_sql(impl.option("integrity_check")).rows == [{"integrity_check": "ok"}]
        rows = store.select_data("log").result_set.rows
    finally:
        store.close()
    batches = {r["n"] for r in rows}
    assert set(acked) <= batches, "an acknowledged batch is missing after SIGKILL"
    # Each batch of 5 rows is one transaction: all of it or none of it.
    for n in batches:
        assert sum(1 for r in rows if r["n"] == n) == 5


def test_backup_while_writing_is_consistent(db: RDB, impl: Bound, tmp_path: Path) -> None:
    require(impl, "backup")
    seed(db, 0)
    db.insert_data("people", [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
    stop = threading.Event()

    def writer() -> None:
        i = 1000
        while not stop.is_set():
            db.insert_data("people", [{"id": i, "name": f"w{i}"}, {"id": i + 1, "name": f"w{i + 1}"}])
            i += 2

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        db.backup(tmp_path / "bk")
    finally:
        stop.set()
        thread.join()
    assert code_of(lambda: db.backup(tmp_path / "bk")) is ErrorCode.FAILED_PRECONDITION  # not empty
    files = list((tmp_path / "bk").iterdir())
    assert [f.suffix for f in files] == [".db"]
    copy = open_db(f"sqlite:///{files[0]}")
    try:
        n = len(copy.select_data("people").result_set.rows)
        assert n > 0 and n % 2 == 0  # two-row transactions: never half of one
        assert copy.get_table("people").column("name") is not None
    finally:
        copy.close()


def test_opener_rejects_unknown_params_and_unwritable_paths(impl: Bound, tmp_path: Path) -> None:
    uri = impl.uri
    assert code_of(lambda: open_db(uri + ("&" if "?" in uri else "?") + "bogus=1")) is ErrorCode.INVALID_ARGUMENT
    require(impl, "file_path")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    scheme = uri.split(":", 1)[0]
    with pytest.raises(ProviderError) as info:
        open_db(f"{scheme}:///{blocker}/sub/app.db")
    assert info.value.code is ErrorCode.PERMISSION_DENIED and str(blocker) in info.value.message


def test_execute_sql_expands_lists_and_refuses_stacked_statements_and_internal_tables(db: RDB) -> None:
    """What the removed sqlglot fallback of execute_sql was checked for, now on the compiler's path."""
    seed(db, 3)
    assert db.execute_sql("SELECT id FROM people WHERE id IN ? ORDER BY id", [[1, 3]]).rows == [{"id": 1}, {"id": 3}]
    assert code_of(lambda: db.execute_sql("SELECT 1; SELECT 2")) is ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: db.execute_sql("SELEC 1")) is ErrorCode.INVALID_ARGUMENT
    assert code_of(lambda: db.execute_sql("DELETE FROM _cozelite_rdb_tables")) is ErrorCode.PERMISSION_DENIED


# -- child processes ------------------------------------------------------------------------------

def _child_writer(uri: str, who: str, n: str) -> None:
    store = open_db(uri)
    try:
        for i in range(int(n)):
            store.insert_data("log", [{"who": who, "n": i}])
    finally:
        store.close()


def _child_forever(uri: str) -> None:
    store = open_db(uri)
    n = 0
    while True:
        store.insert_data("log", [{"who": "k", "n": n} for _ in range(5)])
        print(n, flush=True)  # only after the transaction committed
        n += 1


if __name__ == "__main__":
    role, child_uri, *rest = sys.argv[1:]
    roles: dict[str, Callable[..., None]] = {"writer": _child_writer, "forever": _child_forever}
    roles[role](child_uri, *rest)
