"""Retrieval (searchstore.Manager / SearchStore) in DuckDB: the retrieval driver.

`cz_collection` (name, physical table, fields, meta) names one table per collection, `cz_col_<n>`,
with a column per scalar field, a `FLOAT[dim]` column per vector and `_partition`; indexed texts are
in the inverted index (bm25.py) under space `c:<collection>`. Vectors are searched exactly (cosine,
from an in-memory matrix of the column, vectors.py; the SQL scan over the FLOAT[dim] column inside
a caller's transaction) unless the collection has an approximate index (HNSW, ann.py; requested by
`build_vector_index` or at `hnsw_min_rows` rows, recorded in `cz_meta` as `ann:<table>`). The index
is built and kept up to date by a worker thread (ann_worker.py), never by a write: a write hands it
its vectors after the commit; queries are exact until it is ready, and then it serves filtered and
unfiltered queries alike (very selective filters stay exact). It is saved next to the DuckDB file
and checked against the table when the store opens again (ann_store.py).
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import numpy as np
from sqlglot import exp

from providers.errors import ErrorCode, ProviderError
from providers.search.ann_worker import AnnIndexes
from providers.search.bm25 import InvertedIndex
from providers.search.connection import Connection, locked, packed, str_array
from providers.search.model import (
    DSL,
    FIELD_CREATOR_ID,
    FIELD_ID,
    FIELD_TEXT_CONTENT,
    OR,
    Document,
    Field,
    FieldType,
    Op,
    RetrieveMode,
    RetrieveOptions,
    SearchStoreType,
)
from providers.search.query import invalid
from providers.search.ranking import reciprocal_rank_fusion
from providers.search.schema import Collection, Rows, collection_rows, fields_from_json, fields_to_json, query_vector
from providers.search.sql import (
    Params,
    ShapeCache,
    and_,
    col,
    func,
    ident,
    num,
    ordered,
    render,
    returning,
    split_rows,
    subquery,
    table,
    typed,
)
from providers.search.vectors import VectorCache

_SHAPES = ShapeCache()
Ranking = list[tuple[int, float]]


class StoredCollection(Collection):
    """A collection and where it lives: its table and its space in the inverted index."""

    def __init__(self, name: str, tbl: str, fields: Sequence[Field]) -> None:
        super().__init__(name, fields)
        self.tbl = tbl
        self.space = f"c:{name}"

    def ann_name(self, column: str) -> str:
        """The file name of the column's approximate index (ann_store.py)."""
        return f"{self.tbl}_v{list(self.vectors).index(column)}"


def _vector_text(arr: np.ndarray) -> str:
    # Bound as text and cast in SQL: DuckDB parses a vector's text faster than its Python binding
    # converts a list parameter element by element (which costs more than a small search).
    return "[" + ",".join(repr(float(x)) for x in arr.tolist()) + "]"


class DuckDBRetrieval:
    """The RetrievalDriver of the DuckDB search store."""

    def __init__(self, conn: Connection, inverted: InvertedIndex, *, hnsw_min_rows: int, hnsw_m: int,
                 hnsw_ef_construction: int, hnsw_ef_search: int = 4096) -> None:
        self.conn = conn
        self.inverted = inverted
        self.hnsw_min_rows = hnsw_min_rows
        self.hnsw_m = hnsw_m
        self.hnsw_ef_construction = hnsw_ef_construction
        self.vectors = VectorCache()
        """Exact, unfiltered vector queries are answered from memory (vectors.py)."""
        self.ann = AnnIndexes(conn.path, self._load_column, conn.reading, m=hnsw_m,
                              ef_construction=hnsw_ef_construction, max_ef=hnsw_ef_search)
        """Approximate indexes, built and maintained off the write path (ann_worker.py)."""
        self._ann_wanted: dict[str, bool] = {}  # table -> has `ann:<table>` in cz_meta (cache)
        self._drop_vss_indexes()

    # --- collections

    def _load(self, name: str) -> StoredCollection | None:
        row = self.conn.x("SELECT tbl, fields FROM cz_collection WHERE name = ?", [name]).fetchone()
        return None if row is None else StoredCollection(name, row[0], fields_from_json(row[1]))

    def _coll(self, name: str) -> StoredCollection:
        coll = self._load(name)
        if coll is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"collection {name!r} does not exist")
        return coll

    def store_type(self) -> SearchStoreType:
        return SearchStoreType.VECTOR

    @locked
    def create_collection(self, name: str, fields: Sequence[Field], meta: Mapping[str, str]) -> None:
        fields = list(fields)
        with self.conn.tx():
            existing = self.conn.x("SELECT fields FROM cz_collection WHERE name = ?", [name]).fetchone()
            if existing is not None:
                if fields_from_json(existing[0]) == fields:
                    return
                raise ProviderError(ErrorCode.ALREADY_EXISTS,
                                    f"collection {name!r} exists with other fields; drop it first")
            n = self.conn.value("SELECT nextval('cz_collection_seq')")
            coll = StoredCollection(name, f"cz_col_{n}", fields)
            columns = [exp.ColumnDef(this=ident("_partition"), kind=exp.DataType.build("VARCHAR"),
                                     constraints=[exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())])]
            for f in fields:
                if f.type in (FieldType.INT64, FieldType.TEXT):
                    kind = "BIGINT" if f.type is FieldType.INT64 else "VARCHAR"
                    columns.append(exp.ColumnDef(this=ident(f.name), kind=exp.DataType.build(kind)))
            for vec, dim in coll.vectors.items():
                columns.append(exp.ColumnDef(this=ident(vec), kind=exp.DataType.build(f"FLOAT[{int(dim)}]",
                                                                                      dialect="duckdb")))
            self.conn.x(render(exp.Create(kind="TABLE", this=exp.Schema(this=table(coll.tbl), expressions=columns))))
            self.conn.x("INSERT INTO cz_collection VALUES (?, ?, ?, ?)",
                        [name, coll.tbl, fields_to_json(fields), json.dumps(dict(meta))])

    @locked
    def drop_collection(self, name: str) -> None:
        with self.conn.tx():
            coll = self._load(name)
            if coll is None:
                return
            self.conn.x(render(exp.Drop(kind="TABLE", tables=[table(coll.tbl)], exists=True)))
            self.conn.x("DELETE FROM cz_collection WHERE name = ?", [name])
            self.conn.set_meta(_ann_key(coll.tbl), None)
            self.inverted.drop_space(coll.space)
            self.vectors.forget(coll.tbl)
            self.conn.after_commit(lambda: self._forget_ann(coll.tbl))

    @locked
    def collection_exists(self, name: str) -> bool:
        return self._load(name) is not None

    @locked
    def list_collections(self) -> list[str]:
        return [r[0] for r in self.conn.x("SELECT name FROM cz_collection ORDER BY name").fetchall()]

    # --- indexing

    @locked
    def store(self, collection: str, docs: Sequence[Document], partition: str) -> list[str]:
        # Inside a caller's transaction the write may still roll back: the in-memory vectors are
        # dropped (reloaded by the next exact query outside it) rather than updated.
        nested = self.conn.in_transaction
        with self.conn.tx():
            coll = self._coll(collection)
            if nested:
                self.vectors.forget(coll.tbl)
            rows = collection_rows(coll, docs)
            ids = self._write(coll, rows, partition)
            if coll.vectors and self._ann_for(coll):
                ids_arr = np.asarray(rows.ids, dtype=np.int64)
                written = {c: (ids_arr, m) for c, m in rows.vectors.items()}
                # Only once committed: the worker must never index a write that rolls back.
                self.conn.after_commit(lambda: self.ann.upsert(coll.tbl, written))
        if not nested:
            ids_arr = np.asarray(rows.ids, dtype=np.int64)
            for column, mat in rows.vectors.items():
                self.vectors.upsert(coll.tbl, column, ids_arr, mat)
        self._after_write(coll)
        return ids

    def _write(self, coll: StoredCollection, rows: Rows, part: str) -> list[str]:
        ids = rows.ids
        n = len(ids)
        with self.conn.registered(id=np.asarray(ids, dtype=np.int64)) as rel:
            existing = [r[0] for r in self.conn.run(lambda: returning(
                exp.delete(table(coll.tbl), where=col(FIELD_ID).isin(query=exp.select(col("id")).from_(rel))),
                col(FIELD_ID)), Params(), ("delete rows", coll.tbl, rel.name)).fetchall()]
        self.inverted.delete(coll.space, [str(i) for i in existing])
        params = Params()
        columns: dict[str, np.ndarray] = {"rn": np.arange(n, dtype=np.int64)}
        select: list[exp.Expr] = [params(part)]
        target = [ident("_partition")]
        splits: list[tuple[int, exp.Select]] = []  # string columns passed packed (connection.packed)
        for i, name in enumerate(coll.scalars):
            values = rows.scalars[name]
            # Nulls travel as a mask beside a typed array (see str_array on object arrays).
            columns[f"n{i}"] = np.array([v is None for v in values], dtype=bool)
            value = col(f"s{i}", "s")
            if coll.fields[name].type is FieldType.INT64:
                columns[f"s{i}"] = np.array([0 if v is None else v for v in values], dtype=np.int64)
            else:
                strings = ["" if v is None else v for v in values]
                pack = packed(strings)
                if pack is None:
                    columns[f"s{i}"] = str_array(strings)
                else:
                    splits.append((i, split_rows(params(pack[0]), params(pack[1]))))
                    value = col("v", f"p{i}")
            select.append(exp.case().when(col(f"n{i}", "s"), exp.null()).else_(value))
            target.append(ident(name))
        flats: list[tuple[int, dict[str, np.ndarray]]] = []
        for j, (name, dim) in enumerate(coll.vectors.items()):
            mat = rows.vectors[name]
            flats.append((dim, {"i": np.repeat(np.arange(n, dtype=np.int64), dim),
                                "j": np.tile(np.arange(dim, dtype=np.int32), n), "x": mat.ravel()}))
            select.append(col("vec", f"v{j}"))
            target.append(ident(name))
        with contextlib.ExitStack() as stack:
            rel = stack.enter_context(self.conn.registered(**columns))
            frels = [(dim, stack.enter_context(self.conn.registered(**flat))) for dim, flat in flats]

            def build() -> exp.Expr:
                query = exp.select(*select).from_(rel.as_(ident("s")))
                for i, split in splits:
                    query = query.join(subquery(split, f"p{i}"), on=col("i", f"p{i}").eq(col("rn", "s")))
                for j, (dim, frel) in enumerate(frels):
                    # Vectors travel flattened: DuckDB scans flat numpy columns fast, whereas converting
                    # Python lists (or object arrays of arrays) per value is orders of magnitude slower.
                    vec = typed(exp.ArrayAgg(this=exp.Order(this=col("x"), expressions=[ordered(col("j"), True)])),
                                f"FLOAT[{int(dim)}]")
                    per_row = exp.select(col("i"), exp.alias_(vec, "vec")).from_(frel).group_by(col("i"))
                    query = query.join(subquery(per_row, f"v{j}"), on=col("i", f"v{j}").eq(col("rn", "s")))
                return exp.insert(query, table(coll.tbl), columns=target)

            shape = ("insert rows", coll.tbl, tuple(coll.scalars), tuple(coll.vectors.items()), rel.name,
                     tuple(frel.name for _, frel in frels), tuple(i for i, _ in splits))
            self.conn.run(build, params, shape)
        texts = []
        for name in coll.text_indexed:
            for doc_id, text in zip(ids, rows.scalars[name], strict=True):
                if text:
                    texts.append((str(doc_id), name, text))
        self.inverted.add(coll.space, texts)
        return [str(i) for i in ids]

    # --- the approximate index (ann*.py)

    def _ann_for(self, coll: StoredCollection) -> bool:
        """Whether the collection has an approximate index; registers it with the worker (which
        builds or loads it) the first time it is seen in this process."""
        if not self.ann.available or not coll.vectors:
            return False
        wanted = self._ann_wanted.get(coll.tbl)
        if wanted is None:
            wanted = self._ann_wanted[coll.tbl] = self.conn.get_meta(_ann_key(coll.tbl)) is not None
        if wanted:
            for column, dim in coll.vectors.items():
                self.ann.ensure(coll.tbl, column, dim, coll.ann_name(column))
        return wanted

    def _forget_ann(self, tbl: str) -> None:
        self._ann_wanted.pop(tbl, None)
        self.ann.drop(tbl)

    def _after_write(self, coll: StoredCollection) -> None:
        if self.hnsw_min_rows <= 0 or not coll.vectors or not self.ann.available or self.conn.in_transaction:
            return
        if self._ann_wanted.get(coll.tbl):
            return
        count = self.conn.value(render(exp.select(exp.Count(this=exp.Star())).from_(table(coll.tbl))))
        if count >= self.hnsw_min_rows:
            self._request_ann(coll)  # the worker builds it; this write does not wait

    def _request_ann(self, coll: StoredCollection) -> None:
        with self.conn.tx():
            self.conn.set_meta(_ann_key(coll.tbl), "hnsw")
        self._ann_wanted[coll.tbl] = True
        self._ann_for(coll)

    def build_vector_index(self, collection: str, timeout: float | None = None) -> None:
        """Request the approximate index and wait until it serves queries. The store is not held
        meanwhile: writes and queries go on (exact until the index is ready)."""
        if not self.ann.available:
            raise ProviderError(ErrorCode.UNIMPLEMENTED,
                                "approximate vector indexes need faiss: pip install 'cozelite[ann]' "
                                "(faiss-cpu); queries are exact without it")
        with self.conn.lock:
            self.conn.check_open()
            coll = self._coll(collection)
            if coll.vectors and not self._ann_for(coll):
                self._request_ann(coll)
        for column in coll.vectors:
            if not self.ann.wait(coll.tbl, column, timeout):
                raise ProviderError(ErrorCode.UNAVAILABLE,
                                    f"the approximate index of {collection!r} is still being built; it serves "
                                    "queries once ready (exact until then)")
            ann = self.ann.get(coll.tbl, column)
            if ann is None or not ann.ready:
                why = "; ".join(self.ann.failures[-1:]) or "the store was closed"
                raise ProviderError(ErrorCode.INTERNAL,
                                    f"the approximate index of {collection!r} could not be built ({why}); "
                                    "queries stay exact")

    @locked
    def has_vector_index(self, collection: str) -> bool:
        return self._ann_for(self._coll(collection))

    def _drop_vss_indexes(self) -> None:
        """Stores written by earlier versions hold vss HNSW indexes (`cz_col_<n>_hnsw_<j>`): each
        becomes a request for the approximate index, and the vss index is dropped (every write to
        its table would otherwise keep paying for it)."""
        with self.conn.lock:
            try:
                rows = self.conn.x("SELECT index_name, table_name FROM duckdb_indexes() "
                                   "WHERE index_name LIKE 'cz_col_%_hnsw_%'").fetchall()
                if not rows:
                    return
                with self.conn.tx():
                    for index_name, tbl in rows:
                        self.conn.x(f"DROP INDEX IF EXISTS {render(ident(index_name))}")
                        self.conn.set_meta(_ann_key(tbl), "hnsw")
                self.conn.checkpoint()
            except duckdb.Error:
                return  # vss not loaded: the index stays; queries are exact

    def close(self) -> None:
        """Stop the approximate indexes' worker and save what changed (before the connection closes)."""
        self.ann.close()

    @locked
    def delete(self, collection: str, ids: Sequence[int]) -> None:
        nested = self.conn.in_transaction
        with self.conn.tx():
            coll = self._coll(collection)
            if nested:
                self.vectors.forget(coll.tbl)
            with self.conn.registered(id=np.asarray(ids, dtype=np.int64)) as rel:
                self.conn.run(lambda: exp.delete(table(coll.tbl), where=col(FIELD_ID).isin(
                    query=exp.select(col("id")).from_(rel))), Params())
            self.inverted.delete(coll.space, [str(i) for i in ids])
            if self._ann_for(coll):
                removed = [int(i) for i in ids]
                self.conn.after_commit(lambda: self.ann.remove(coll.tbl, removed))
        if not nested:
            self.vectors.remove(coll.tbl, [int(i) for i in ids])

    # --- retrieval

    def _filters(self, coll: StoredCollection, opts: RetrieveOptions, params: Params) -> list[exp.Expr]:
        conds: list[exp.Expr] = []
        if opts.partitions:
            conds.append(col("_partition", "t").isin(*params.many(str(p) for p in opts.partitions)))
        if opts.dsl is not None:
            conds.append(self._dsl(coll, opts.dsl, params))
        return conds

    def _dsl(self, coll: StoredCollection, dsl: DSL, params: Params) -> exp.Expr:
        op = Op(dsl.op)  # the shape was checked by the portable SearchStore (schema.check_dsl)
        if op in (Op.AND, Op.OR):
            parts = [self._dsl(coll, d, params) for d in dsl.value]
            return exp.paren(exp.and_(*parts) if op is Op.AND else exp.or_(*parts))
        if dsl.field not in coll.scalars:
            raise invalid(f"dsl: collection {coll.name!r} has no scalar field {dsl.field!r}")
        column = col(dsl.field, "t")
        if op is Op.IN:
            values = list(dsl.value or [])
            return column.isin(*(params(_dsl_value(v)) for v in values)) if values else exp.false()
        if op is Op.LIKE:
            return column.like(params(str(dsl.value)))
        value = params(_dsl_value(dsl.value))
        return column.eq(value) if op is Op.EQ else column.neq(value)

    def retrieve(self, collection: str, query: str, options: RetrieveOptions) -> list[Document]:
        # Concurrently with other calls, on this thread's cursor (Connection.reading).
        with self.conn.reading():
            if self.conn.in_transaction and options.mode != RetrieveMode.VECTOR:
                # Inside a caller's transaction BM25 scores in SQL (the memory cannot hold its
                # uncommitted writes), which reads postings by term: keep them clustered, as
                # document search does. This thread holds the store's lock and writes in the
                # caller's transaction (a rewrite rolls back with it; bm25.cluster). Outside one
                # the call reads a snapshot that cannot write: there the memory answers, and past
                # its budget the writes cluster (InvertedIndex.add). Before the time limit starts,
                # so that a rewrite is never cut short.
                self.inverted.cluster()
            with self.conn.deadline(f"retrieve from collection {collection!r}"):
                return self._retrieve(collection, query, options)

    def _retrieve(self, collection: str, query: str, options: RetrieveOptions) -> list[Document]:
        opts = options
        mode = RetrieveMode(opts.mode)
        coll = self._coll(collection)
        ranked: Ranking
        if mode is RetrieveMode.VECTOR:
            ranked = self._by_vector(coll, opts)
        elif mode is RetrieveMode.TEXT:
            ranked = self._by_text(coll, query, opts)
        else:
            ranked = reciprocal_rank_fusion([self._by_vector(coll, opts), self._by_text(coll, query, opts)],
                                            opts.rrf_k, opts.top_k)
        if opts.score_threshold is not None:
            ranked = [(i, s) for i, s in ranked if s >= opts.score_threshold]
        return self._fetch(coll, ranked)

    @staticmethod
    def _shape(opts: RetrieveOptions) -> int | None:
        """The filter part of a statement's cache key (how many partitions it names); None when a
        DSL filter makes the statement uncacheable."""
        return None if opts.dsl is not None else len(opts.partitions or ())

    def _by_vector(self, coll: StoredCollection, opts: RetrieveOptions) -> Ranking:
        if opts.query_vector is None:
            raise invalid("vector retrieval needs query_vector (the caller's embedding of the query)")
        column = opts.vector_field or coll.default_vector()
        if column not in coll.vectors:
            raise invalid(f"collection {coll.name!r} has no vector field {column!r}; it has {sorted(coll.vectors)}")
        dim = coll.vectors[column]
        params = Params()
        q = typed(params(_vector_text(query_vector(opts.query_vector, dim))), f"FLOAT[{int(dim)}]")
        conds = self._filters(coll, opts, params)
        k = int(opts.top_k)
        if not self.conn.in_transaction:  # inside one the tables hold writes the memory does not
            qvec = query_vector(opts.query_vector, dim)
            allowed = self._matching_ids(coll, opts) if conds else None
            ann = self.ann.get(coll.tbl, column) if not opts.exact and self._ann_for(coll) else None
            if ann is not None:
                got = ann.search(qvec, k, allowed)
                if got is not None:
                    return got
            matrix = self.vectors.get(coll.tbl, column, lambda: self._load_vectors(coll, column, dim),
                                      self.conn.keep_if_current)
            if matrix is not None:
                with self.vectors.lock:  # a concurrent write's update waits
                    return matrix.top_k(qvec, k, allowed)

        # Similarity DESC (not distance ASC) so that the optimizer never swaps in the index.
        def build() -> exp.Select:
            stmt = (exp.select(col(FIELD_ID, "t"), exp.alias_(func("array_cosine_similarity", col(column, "t"), q),
                                                              "sim"))
                    .from_(table(coll.tbl, "t"))
                    .order_by(ordered(col("sim"), False), ordered(col(FIELD_ID, "t"), True)).limit(num(k)))
            return stmt.where(and_(conds)) if conds else stmt

        shape = self._shape(opts)
        sql = render(build()) if shape is None else _SHAPES.get(("exact", coll.tbl, column, dim, k, shape), build)
        rows = self.conn.x(sql, params.values).fetchall()
        return [(int(i), float(s)) for i, s in rows if s is not None]

    def _matching_ids(self, coll: StoredCollection, opts: RetrieveOptions) -> np.ndarray:
        """The ids of the rows a query's filters (partitions, DSL) let through."""
        params = Params()
        conds = self._filters(coll, opts, params)
        sql = render(exp.select(col(FIELD_ID, "t")).from_(table(coll.tbl, "t")).where(and_(conds)))
        return np.asarray(self.conn.x(sql, params.values).fetchnumpy()[FIELD_ID], dtype=np.int64)

    def _load_vectors(self, coll: StoredCollection, column: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
        return self._load_column(coll.tbl, column, dim)

    def _load_column(self, tbl: str, column: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
        got = self.conn.x(render(exp.select(col(FIELD_ID), col(column)).from_(table(tbl))
                                 .where(col(column).is_(exp.null()).not_()))).fetchnumpy()
        ids = np.asarray(got[FIELD_ID], dtype=np.int64)
        vectors = np.stack(list(got[column])).astype(np.float32, copy=False) if len(ids) else \
            np.zeros((0, dim), dtype=np.float32)
        return ids, vectors

    def _by_text(self, coll: StoredCollection, query: str, opts: RetrieveOptions) -> Ranking:
        if opts.multi_match is not None:
            fields = coll.text_fields(list(opts.multi_match.fields))
            text = opts.multi_match.query
        else:
            fields, text = coll.text_fields(None), query
        k = int(opts.top_k)
        postings = self.inverted.in_memory(coll.space)
        if postings is not None:  # BM25 from memory (postings.py); a filter's matches come from the table
            terms, need = self.inverted.query_terms(text or "", OR)
            if not terms or not fields:
                return []
            allowed = self._matching_ids(coll, opts) if self._filters(coll, opts, Params()) else None
            with self.inverted.memory.lock:  # a concurrent write's after-commit update waits
                return postings.top_k(fields, terms, need, self.inverted.k1, self.inverted.b, k, allowed)
        params = Params()
        scored = self.inverted.scores(params, coll.space, fields, text or "", OR)
        if scored is None:
            return []
        conds = self._filters(coll, opts, params)
        matches = col("score", "m")
        if not conds:  # no filter: rank the postings alone; _fetch reads the k winners
            sql = _SHAPES.get(("text", scored.key, k), lambda: (
                exp.select(exp.alias_(exp.cast(col("doc", "m"), "BIGINT"), "id"), matches)
                .from_(subquery(scored.build(), "m"))
                .order_by(ordered(matches.copy(), False), ordered(col("id"), True)).limit(num(k))))
            rows = self.conn.x(sql, params.values).fetchall()
            return [(int(i), float(s)) for i, s in rows]

        def build() -> exp.Select:
            return (exp.select(col(FIELD_ID, "t"), matches)
                    .from_(subquery(scored.build(), "m"))
                    .join(table(coll.tbl, "t"), on=col(FIELD_ID, "t").eq(exp.cast(col("doc", "m"), "BIGINT")))
                    .where(and_(conds))
                    .order_by(ordered(matches.copy(), False), ordered(col(FIELD_ID, "t"), True)).limit(num(k)))

        shape = self._shape(opts)
        sql = render(build()) if shape is None else _SHAPES.get(("text", scored.key, coll.tbl, k, shape), build)
        rows = self.conn.x(sql, params.values).fetchall()
        return [(int(i), float(s)) for i, s in rows]

    def _fetch(self, coll: StoredCollection, ranked: Ranking) -> list[Document]:
        if not ranked:
            return []
        with self.conn.registered(id=np.asarray([i for i, _ in ranked], dtype=np.int64)) as rel:
            sql = _SHAPES.get(("fetch", coll.tbl, tuple(coll.scalars), rel.name), lambda: (
                exp.select(col("_partition"), *(col(n) for n in coll.scalars)).from_(table(coll.tbl))
                .where(col(FIELD_ID).isin(query=exp.select(col("id")).from_(rel)))))
            rows = self.conn.x(sql).fetchall()
        by_id = {}
        for row in rows:
            values = dict(zip(coll.scalars, row[1:], strict=True))
            by_id[values[FIELD_ID]] = (row[0], values)
        docs = []
        for doc_id, score in ranked:
            if doc_id not in by_id:
                continue
            partition, values = by_id[doc_id]
            external = {k: v for k, v in values.items() if k not in (FIELD_ID, FIELD_CREATOR_ID, FIELD_TEXT_CONTENT)}
            external["_partition"] = partition
            docs.append(Document(id=str(doc_id), content=values.get(FIELD_TEXT_CONTENT) or "",
                                 creator_id=values.get(FIELD_CREATOR_ID), external=external, score=score))
        return docs


def _ann_key(tbl: str) -> str:
    return f"ann:{tbl}"


def _dsl_value(v: Any) -> int | float | str:
    if isinstance(v, bool) or v is None:
        raise invalid(f"dsl: unsupported value {v!r}")
    if isinstance(v, float) and not math.isfinite(v):
        raise invalid(f"not a finite number: {v!r}")
    if isinstance(v, (int, float)):
        return v
    return str(v)

