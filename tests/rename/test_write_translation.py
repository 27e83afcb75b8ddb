"""Write forms translated between the engines, checked on the engines: a write runs on its source
engine, its translation on the target engine, both on the same rows (the logical schema of
tests/rename/_write_engines.py), and the tables must hold the same rows afterwards; or the
translation is refused with a named SQLParserError. Never a write the target rejects, never other
rows. Six directions among mysql (MariaDB), sqlite and postgres.

The statements: the own workload's writes (tests/data/own_workload) and WriteGen's (each dialect's
conflict forms and plain writes). Where the contract's `translate()` does not read the source
dialect yet (the translation matrix is issue 10 item 3), the write-form pass is checked on its own:
`translate_writes` on the source tree, printed natively for the target; the generated statements
use only expressions every engine reads alike.

Count: COZELITE_WRITE_TRANSLATE_N generated writes per direction (default DEFAULT_N), x10 under
COZELITE_NIGHTLY=1.
"""

from __future__ import annotations

import os

import pytest
from _own_workload import load_own_workload
from _safety_engines import seed
from _write_engines import WRITE_SCHEMA, EngineError, WriteEngine
from _write_gen import WriteGen

from sqlparser import SQLParserError, UnsupportedConstructError, new_parser
from sqlparser.passes.translate_writes import translate_writes

DEFAULT_N = 150
DIRECTIONS = [(s, t) for s in ("mysql", "sqlite", "postgres") for t in ("mysql", "sqlite", "postgres") if s != t]


def translate_count() -> int:
    n = int(os.environ.get("COZELITE_WRITE_TRANSLATE_N", DEFAULT_N))
    return n * 10 if os.environ.get("COZELITE_NIGHTLY") == "1" else n


def translated(sql: str, source: str, target: str) -> tuple[str, str]:
    """(how, text): the contract's translation, or the write-form pass alone where the contract
    does not read `source` yet."""
    parser = new_parser(target)
    try:
        return "contract", parser.translate(sql, read=source, write_schema=WRITE_SCHEMA)
    except UnsupportedConstructError as err:
        if not err.construct.startswith("translation from"):
            raise
    tree = new_parser(source).compile(sql).tree
    assert tree is not None
    tree = translate_writes(tree, source=source, target=target, schema=WRITE_SCHEMA)
    return "pass", parser.render(tree)


def run_direction(engines: dict[str, WriteEngine], source: str, target: str, sqls: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {k: [] for k in ("same", "skipped", "refused", "rejected", "different")}
    for sql in sqls:
        try:
            before = engines[source].write("logical", sql)
        except EngineError:
            out["skipped"].append(sql)
            continue
        try:
            _, text = translated(sql, source, target)
        except SQLParserError as err:
            out["refused"].append(f"{sql}\n  -> {err}")
            continue
        try:
            after = engines[target].write("logical", text)
        except EngineError as err:
            out["rejected"].append(f"{sql}\n  -> {text}\n  {err}")
            continue
        out["same" if before == after else "different"].append(f"{sql}\n  -> {text}")
    return out


@pytest.mark.parametrize(("source", "target"), DIRECTIONS, ids=[f"{s}-{t}" for s, t in DIRECTIONS])
def test_write_translation_same_rows(all_write_engines: dict[str, WriteEngine], source: str, target: str) -> None:
    gen = WriteGen(seed() + DIRECTIONS.index((source, target)))  # fixed per direction
    sqls = [c.sql for c in load_own_workload(source) if c.kind == "write"]
    sqls += [gen.write(source) for _ in range(translate_count())]
    out = run_direction(all_write_engines, source, target, sqls)
    counts = {k: len(v) for k, v in out.items()}
    print(f"{source} -> {target}: {len(sqls)} writes: {counts}")
    assert not out["rejected"], "\n".join(out["rejected"][:10])
    assert not out["different"], "\n".join(out["different"][:10])
    assert out["same"], counts
