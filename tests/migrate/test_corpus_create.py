"""Every CREATE TABLE of the MySQL corpus (TiDB's parser tests: real DDL from many schemas) that the
MySQL front end accepts, planned as a one-statement migration for SQLite and PostgreSQL and run on
the engines: each statement is translated and runs, or is refused before running with a reason.
A translated statement the engine rejects is a failure of the engine's translation."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import apsw
import pytest

from cozelite.migrate import ops, reader
from cozelite.migrate.model import MigrationError
from cozelite.migrate.postgres import PostgresTarget
from cozelite.migrate.sqlite import SQLiteTarget
from sqlparser import parser_for
from sqlparser.errors import SQLParserError

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "mysql.jsonl"


def _creates() -> list[str]:
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        table = re.match(r"\s*CREATE\s+(TEMPORARY\s+)?TABLE", row["sql"], re.I)
        if row["syntax_ok"] and row["kind"] == "CREATE" and table:
            out.append(row["sql"])
    return out


def _reason(err: Exception) -> str:
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "_", str(err))
    return re.sub(r"\d+", "N", text)[:90]


@pytest.mark.slow
def test_corpus_create_tables_translate_and_run(pg_server: Any) -> None:
    mysql = parser_for("mysql://")
    targets = {"sqlite": parser_for("sqlite://"), "postgres": parser_for("postgresql://")}
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    failures: list[str] = []
    with pg_server.connect() as pg:
        for sql in _creates():
            try:
                op = reader.read(mysql.compile(sql).tree, lambda db, t: t, None, lambda _: None)
            except (MigrationError, SQLParserError, ValueError) as err:
                counts["refused"] += 1
                reasons[_reason(err)] += 1
                continue
            if not isinstance(op, ops.CreateTable):
                counts["not a table"] += 1
                continue
            for engine, parser in targets.items():
                target = (SQLiteTarget if engine == "sqlite" else PostgresTarget)(parser, {})
                try:
                    steps = target.plan(op)
                except MigrationError as err:
                    counts[f"{engine} refused"] += 1
                    reasons[f"{engine}: {_reason(err)}"] += 1
                    continue
                counts[f"{engine} translated"] += 1
                try:
                    if engine == "sqlite":
                        conn = apsw.Connection(":memory:")
                        for s in steps:
                            conn.execute(s.sql)
                        conn.close()
                    else:
                        with pg.transaction():
                            cur = pg.cursor()
                            for s in steps:
                                cur.execute(s.sql)
                            raise _Rollback
                except _Rollback:
                    counts[f"{engine} applied"] += 1
                except Exception as err:  # the engine's own refusal: a wrong translation
                    failures.append(f"{engine}: {sql[:160]} -> {err}")
                else:
                    counts[f"{engine} applied"] += 1
    print(f"corpus CREATE TABLE: {dict(counts)}")
    for reason, n in reasons.most_common(25):
        print(f"  {n:4} {reason}")
    assert counts["sqlite translated"] > 150
    assert failures == [], "\n".join(failures[:20])


class _Rollback(Exception):
    """Leaves psycopg's transaction block rolled back."""
