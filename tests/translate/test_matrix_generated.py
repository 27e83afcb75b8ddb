"""The translation matrix on generated queries: RenameGen's queries (tests/safety/_safety_gen.py:
derived tables, CTEs, USING / NATURAL joins, correlated subqueries, set operations, window
functions, select-list aliases), written portably, run on the source engine as written and on the
target engine translated with the schema, over the same rows (tests/rename/_rename_engines.py's
logical side). Six directions; rows compared as a bag (the generator writes no LIMIT).

A query the source engine rejects is skipped. Failures: a translation the target rejects, or other
rows. Named refusals are counted and reported.

Count: COZELITE_TRANSLATE_N per direction (default DEFAULT_N, sized so the six directions stay well
inside the CI budget), x10 under COZELITE_NIGHTLY=1; seed COZELITE_SAFETY_SEED (fixed by default).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rename"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "safety"))

from _matrix import DIRECTIONS, bag, rows_of
from _rename_engines import TYPES, EngineError, MariaDBRename, PostgresRename, SQLiteRename
from _safety_engines import COLUMNS, seed
from _safety_gen import RenameGen

from sqlparser import SQLParserError, new_parser

DEFAULT_N = 300
SCHEMA = {t: {c: TYPES[c] + (" PRIMARY KEY" if c == "id" else "") for c in cols} for t, cols in COLUMNS.items()}


def translate_count() -> int:
    n = int(os.environ.get("COZELITE_TRANSLATE_N", DEFAULT_N))
    return n * 10 if os.environ.get("COZELITE_NIGHTLY") == "1" else n


@pytest.fixture(scope="module")
def generated_engines(request) -> Iterator[Any]:
    engines: dict[str, Any] = {}

    def get(dialect: str) -> Any:
        if dialect not in engines:
            if dialect == "sqlite":
                engines[dialect] = SQLiteRename()
            elif dialect == "postgres":
                engines[dialect] = PostgresRename(request.getfixturevalue("pg_server"))
            else:
                engines[dialect] = MariaDBRename(request.getfixturevalue("mariadb_server"))
        return engines[dialect]

    yield get
    for engine in engines.values():
        engine.close()


@pytest.mark.parametrize(("source", "target"), DIRECTIONS, ids=[f"{s}->{t}" for s, t in DIRECTIONS])
def test_generated_translation_same_rows(generated_engines, source: str, target: str) -> None:
    src, tgt = generated_engines(source), generated_engines(target)
    parser = new_parser(target)
    gen = RenameGen(seed() + 17)
    n = translate_count()
    compared = skipped = same = 0
    refused: Counter[str] = Counter()
    failures: list[str] = []
    for _ in range(n):
        sql = gen.select(gen.r.choice([1, 2, 2, 3]))
        try:
            original = src.run("logical", sql)
        except EngineError:
            skipped += 1
            continue
        try:
            translated = parser.translate(sql, read=source, schema=SCHEMA)
        except SQLParserError as err:
            refused[str(err).split(" (", 1)[0][:80]] += 1
            continue
        compared += 1
        try:
            rows = tgt.run("logical", translated)
        except EngineError as err:
            failures.append(f"rejected: {sql}\n  -> {translated}\n  {err}")
            continue
        if bag(rows_of(original)) != bag(rows_of(rows)):
            failures.append(f"different rows: {sql}\n  -> {translated}")
        else:
            same += 1
    total = compared + sum(refused.values())
    print(f"{source}->{target}: {n} generated, {skipped} rejected by the source as written, {same} same rows, "
          f"{len(failures)} wrong or rejected, {sum(refused.values())} refused "
          f"({100.0 * sum(refused.values()) / max(total, 1):.1f}%); top reasons: {refused.most_common(3)}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:8])
    assert skipped < 0.5 * n
