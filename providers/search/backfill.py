"""Backfill: re-index documents from the source of truth (the rdb provider) into the search store.

Coze Studio keeps its search indices in step through events; when the index is new, lost or
suspect, `cozelite search backfill` rebuilds it from the tables. The run is resumable: each batch of
documents and the checkpoint (the last source id written) commit in one search-store transaction,
so an interrupted run continues after the last committed batch. A run that reaches the end also
removes documents whose rows no longer exist, then clears the checkpoint.

The source is a small protocol, `RowSource`: rows of a table in ascending id order after a given id.
`RDBRowSource` implements it over `providers.db` (`select_data` with `id > last ORDER BY id LIMIT n`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from providers.errors import ErrorCode, ProviderError
from providers.search.contract import BulkAction, BulkIndexerItem, Request, SearchProvider


class RowSource(Protocol):
    def count(self, table: str) -> int:
        """How many rows the table has (for the progress bar)."""

    def rows_after(self, table: str, id_column: str, last_id: Any | None, limit: int,
                   columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Up to `limit` rows with id > last_id (all when None), in ascending id order."""


class RDBRowSource:
    """A RowSource over an `providers.db.contract.RDB`."""

    def __init__(self, rdb: Any) -> None:
        self.rdb = rdb

    def count(self, table: str) -> int:
        return int(self.rdb.select_data(table, limit=1).total)

    def rows_after(self, table: str, id_column: str, last_id: Any | None, limit: int,
                   columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
        from providers.db.contract import ComplexCondition, Condition, Operator, OrderBy, SortDirection

        where = None
        if last_id is not None:
            where = ComplexCondition(conditions=[Condition(id_column, Operator.GREATER, last_id)])
        fields = None if columns is None else list(dict.fromkeys([id_column, *columns]))
        resp = self.rdb.select_data(table, fields=fields, where=where,
                                    order_by=[OrderBy(id_column, SortDirection.ASC)], limit=limit)
        return list(resp.result_set.rows)


@dataclass(frozen=True)
class BackfillSpec:
    """What to copy: rows of `table` become documents of `index`, keyed by `id_column`.
    `columns` limits the copied columns (default: all)."""

    table: str
    index: str
    id_column: str = "id"
    columns: tuple[str, ...] | None = None

    @property
    def checkpoint_key(self) -> str:
        return f"backfill:{self.table}:{self.index}"


@dataclass
class BackfillResult:
    indexed: int
    removed: int
    resumed_after: Any | None
    total: int


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)  # timestamps, decimals: their text, as an ES document would carry them


def _document(row: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): _jsonable(v) for k, v in row.items()}


def backfill(source: RowSource, search: SearchProvider, spec: BackfillSpec, *, batch_size: int = 500,
             restart: bool = False, progress: Callable[[int], None] | None = None) -> BackfillResult:
    """Copy every row of spec.table into spec.index; `progress(n)` is called after each batch."""
    if batch_size <= 0:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"batch size must be positive, got {batch_size}")
    if restart:
        search.set_meta(spec.checkpoint_key, None)
    saved = search.get_meta(spec.checkpoint_key)
    state: dict[str, Any] = json.loads(saved) if saved else {"last_id": None, "done": 0}
    resumed_after = state["last_id"]
    total = source.count(spec.table)
    if not search.es.exists(spec.index):
        search.es.create_index(spec.index, {})
    if progress and state["done"]:
        progress(min(state["done"], total))
    indexed = 0
    while True:
        rows = source.rows_after(spec.table, spec.id_column, state["last_id"], batch_size,
                                 list(spec.columns) if spec.columns else None)
        if not rows:
            break
        items = []
        for row in rows:
            if row.get(spec.id_column) is None:
                raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                                    f"table {spec.table!r}: a row has no {spec.id_column!r}; pick --id-column")
            items.append(BulkIndexerItem(BulkAction.INDEX, str(row[spec.id_column]), _document(row)))
        state = {"last_id": rows[-1][spec.id_column], "done": state["done"] + len(rows)}
        with search.transaction():
            bi = search.es.new_bulk_indexer(spec.index)
            for item in items:
                bi.add(item)
            bi.close()
            search.set_meta(spec.checkpoint_key, json.dumps(state))
        indexed += len(rows)
        if progress:
            progress(len(rows))
    removed = _prune(source, search, spec, batch_size)
    search.set_meta(spec.checkpoint_key, None)
    return BackfillResult(indexed=indexed, removed=removed, resumed_after=resumed_after, total=total)


def _source_ids(source: RowSource, spec: BackfillSpec, batch_size: int) -> Iterator[str]:
    last = None
    while True:
        rows = source.rows_after(spec.table, spec.id_column, last, max(batch_size, 1000), [spec.id_column])
        if not rows:
            return
        for row in rows:
            yield str(row[spec.id_column])
        last = rows[-1][spec.id_column]


def _prune(source: RowSource, search: SearchProvider, spec: BackfillSpec, batch_size: int) -> int:
    """Delete documents of the index whose rows are gone from the source."""
    keep = set(_source_ids(source, spec, batch_size))
    indexed: list[str] = []
    total = search.es.search(spec.index, Request(size=0)).total
    step = 5000
    for offset in range(0, total, step):
        # Sorted by nothing but insertion order: stable while this run is the only writer.
        indexed += [h.id for h in search.es.search(spec.index, Request(size=step, from_=offset)).hits]
    stale = [i for i in indexed if i not in keep]
    if stale:
        with search.es.new_bulk_indexer(spec.index) as bi:
            for doc_id in stale:
                bi.add(BulkIndexerItem(BulkAction.DELETE, doc_id))
    return len(stale)
