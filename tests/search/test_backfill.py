"""Backfill from the rdb provider (SQLite) into the search store: complete, resumable, pruning,
atomic per batch; and the `cozelite search backfill` command end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cozelite.cli import cli
from providers.db import open_db
from providers.db.contract import Column, DataType, Index, IndexType, Table
from providers.errors import ErrorCode, ProviderError
from providers.search import open_search
from providers.search.backfill import BackfillSpec, RDBRowSource, backfill
from providers.search.contract import Request, new_match_query


def make_rdb(tmp_path: Path, n: int) -> Any:
    rdb = open_db(f"sqlite:///{tmp_path}/app.db")
    rdb.create_table(Table("resource", columns=[
        Column("id", DataType.BIGINT, not_null=True),
        Column("name", DataType.VARCHAR, length=200),
        Column("space_id", DataType.BIGINT),
    ], indexes=[Index("pk", IndexType.PRIMARY_KEY, ["id"])]))
    rdb.insert_data("resource", [{"id": i * 3, "name": f"resource number {i} {'知识库' if i % 2 else 'plugin'}",
                                  "space_id": i % 4} for i in range(1, n + 1)])
    return rdb


class FlakySource:
    """Fails on the n-th read, as a run killed between batches would stop."""

    def __init__(self, inner: RDBRowSource, fail_on: int) -> None:
        self.inner = inner
        self.reads = 0
        self.fail_on = fail_on

    def count(self, table: str) -> int:
        return self.inner.count(table)

    def rows_after(self, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        self.reads += 1
        if self.reads == self.fail_on:
            raise RuntimeError("killed")
        return self.inner.rows_after(*args, **kwargs)


def total(search: Any, index: str) -> int:
    return search.es.search(index, Request(size=0)).total


def test_backfill_resumes_and_prunes(tmp_path: Path) -> None:
    rdb = make_rdb(tmp_path, 230)
    search = open_search(f"duckdb:///{tmp_path}/search.db")
    spec = BackfillSpec("resource", "coze_resource")
    with pytest.raises(RuntimeError):
        backfill(FlakySource(RDBRowSource(rdb), fail_on=3), search, spec, batch_size=50)
    assert total(search, "coze_resource") == 100  # two batches committed with their checkpoint
    seen: list[int] = []
    result = backfill(RDBRowSource(rdb), search, spec, batch_size=50, progress=seen.append)
    assert result.resumed_after == 300  # id of the 100th row (ids are 3, 6, ...)
    assert result.indexed == 130
    assert sum(seen) == 230
    assert total(search, "coze_resource") == 230
    hits = search.es.search("coze_resource", Request(query=new_match_query("name", "知识库"), size=500)).hits
    assert len(hits) == 115
    assert hits[0].source["space_id"] in range(4)
    # rows deleted from the source are removed by the next complete run
    rdb.execute_sql("DELETE FROM resource WHERE id > ?", [600])
    result = backfill(RDBRowSource(rdb), search, spec, batch_size=64)
    assert result.resumed_after is None
    assert result.removed == 30
    assert total(search, "coze_resource") == 200
    search.close()
    rdb.close()


def test_a_failed_batch_leaves_no_partial_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rdb = make_rdb(tmp_path, 120)
    search = open_search(f"duckdb:///{tmp_path}/search.db")
    calls = {"n": 0}
    original = search.set_meta

    def failing_set_meta(key: str, value: str | None) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise ProviderError(ErrorCode.INTERNAL, "disk full")
        original(key, value)

    monkeypatch.setattr(search, "set_meta", failing_set_meta)
    with pytest.raises(ProviderError):
        backfill(RDBRowSource(rdb), search, BackfillSpec("resource", "r"), batch_size=50)
    assert total(search, "r") == 50  # the second batch rolled back with its checkpoint
    monkeypatch.setattr(search, "set_meta", original)
    assert backfill(RDBRowSource(rdb), search, BackfillSpec("resource", "r"), batch_size=50).resumed_after == 150
    assert total(search, "r") == 120
    search.close()
    rdb.close()


def test_cli_backfill(tmp_path: Path) -> None:
    make_rdb(tmp_path, 75).close()
    runner = CliRunner()
    args = ["search", "backfill", "--table", "resource", "--index", "res", "--batch-size", "20", "--progress",
            "--db-uri", f"sqlite:///{tmp_path}/app.db", "--search-uri", f"duckdb:///{tmp_path}/s/search.db"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "indexed 75 row(s) of resource into res" in result.output
    with open_search(f"duckdb:///{tmp_path}/s/search.db") as search:
        assert total(search, "res") == 75
    bad = runner.invoke(cli, [*args[:3], "nope", *args[4:]])
    assert bad.exit_code != 0
    assert "Traceback" not in bad.output
