"""The contract pauses the cyclic garbage collector for one call (`contract.pause_gc`) and leaves
it as it found it: on after a call that succeeded, failed or hit the depth guard; off when the
application had turned it off; and never left off by overlapping calls on several threads."""

from __future__ import annotations

import gc
import threading

import pytest

from sqlparser import SQLParserError, TableColumn, new_parser

MAP = {"t": TableColumn("t_1", {"a": "c_a"})}


@pytest.mark.parametrize("dialect", ["mysql", "postgres", "sqlite"])
def test_collector_is_paused_during_a_call_and_restored_after(dialect: str, monkeypatch: pytest.MonkeyPatch) -> None:
    parser = new_parser(dialect)
    parser.memo = None
    seen: list[bool] = []
    from sqlparser import contract

    real = contract.rename_tables_reporting

    def spy(tree, table_columns, names=None):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(tree, table_columns, names)

    monkeypatch.setattr(contract, "rename_tables_reporting", spy)
    assert gc.isenabled()
    assert "c_a" in parser.parse_and_modify_sql("SELECT a FROM t WHERE a = 1", MAP)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(SQLParserError):
        parser.parse_and_modify_sql("SELECT a FROM", MAP)
    assert gc.isenabled()
    deep = "SELECT " + "(" * 3000 + "1" + ")" * 3000 + " FROM t"
    try:
        parser.get_sql_operation(deep)
    except SQLParserError:
        pass
    assert gc.isenabled()


def test_an_application_that_turned_the_collector_off_keeps_it_off() -> None:
    parser = new_parser("sqlite")
    parser.memo = None
    gc.disable()
    try:
        parser.parse_and_modify_sql("SELECT a FROM t", MAP)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_calls_on_threads_leave_it_on() -> None:
    parsers = [new_parser(d) for d in ("mysql", "postgres", "sqlite")]
    for p in parsers:
        p.memo = None
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(150):
                parsers[(k + i) % 3].parse_and_modify_sql(f"SELECT a FROM t WHERE a = {k * 1000 + i}", MAP)
        except BaseException as err:  # reported below, on the main thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert gc.isenabled()
