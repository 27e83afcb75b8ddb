"""The own real-world workload (tests/data/own_workload, see its README) through rename: each read
returns the same rows and each write leaves the same tables, logical schema vs the renamed
statement on the physical schema, on the engine of the file's dialect. 100% is the bar: every
entry runs as written, and no entry may be refused, rejected after renaming, or differ.
"""

from __future__ import annotations

from _own_workload import load_own_workload
from _rename_engines import PHYSICAL, RenameEngine
from _rename_engines import EngineError as ReadError
from _workload import as_bag
from _write_engines import EngineError as WriteError
from _write_engines import WriteEngine

from sqlparser import SQLParserError, new_parser


def test_own_workload_reads(rename_engine: RenameEngine) -> None:
    parser = new_parser(rename_engine.dialect)
    cases = [c for c in load_own_workload(rename_engine.dialect) if c.kind == "read"]
    assert cases
    failures = []
    for case in cases:
        try:
            before = rename_engine.run("logical", case.sql)
        except ReadError as err:
            failures.append(f"{case.id}: does not run as written: {err}")
            continue
        try:
            renamed = parser.parse_and_modify_sql(case.sql, PHYSICAL)
            after = rename_engine.run("physical", renamed)
        except (SQLParserError, ReadError) as err:
            failures.append(f"{case.id}: {type(err).__name__}: {err}")
            continue
        if as_bag(before) != as_bag(after):
            failures.append(f"{case.id}: different rows\n  renamed: {renamed}")
    print(f"{rename_engine.dialect}: own workload reads: {len(cases)}, failures {len(failures)}")
    assert not failures, "\n".join(failures)


def test_own_workload_writes(write_engine: WriteEngine) -> None:
    parser = new_parser(write_engine.dialect)
    cases = [c for c in load_own_workload(write_engine.dialect) if c.kind == "write"]
    assert cases
    failures = []
    for case in cases:
        try:
            before = write_engine.write("logical", case.sql)
        except WriteError as err:
            failures.append(f"{case.id}: does not run as written: {err}")
            continue
        try:
            renamed = parser.parse_and_modify_sql(case.sql, PHYSICAL)
            after = write_engine.write("physical", renamed)
        except (SQLParserError, WriteError) as err:
            failures.append(f"{case.id}: {type(err).__name__}: {err}")
            continue
        if before != after:
            failures.append(f"{case.id}: tables differ: {[t for t in before if before[t] != after[t]]}\n"
                            f"  renamed: {renamed}")
    print(f"{write_engine.dialect}: own workload writes: {len(cases)}, failures {len(failures)}")
    assert not failures, "\n".join(failures)
