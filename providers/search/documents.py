"""Document search (es.Client) in DuckDB: the document driver and the rendering of the query IR.

Tables: `cz_es_index` (name, JSON properties) and `cz_es_doc` (idx, id, seq, JSON source); text
values are indexed in the inverted index (bm25.py) under space `e:<index>`. A query node renders
to a SELECT yielding one (doc, score) row per matching document; a bool query is the UNION ALL of
its clauses grouped by document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlglot import exp

from providers.errors import ErrorCode, ProviderError
from providers.search.bm25 import InvertedIndex
from providers.search.connection import Connection, locked, str_array
from providers.search.driver import BulkOp, SearchPage
from providers.search.model import OR, BulkAction, Hit, Response
from providers.search.query import (
    NUMERIC_PROPERTIES,
    Bool,
    Contains,
    Match,
    MatchAll,
    Missing,
    Node,
    Term,
    Terms,
    Text,
    bool_depth,
)
from providers.search.ranking import comes_after
from providers.search.schema import check_document
from providers.search.sql import Params, and_, col, double, func, num, or_, ordered, render, returning, subquery, table

DOC = table("cz_es_doc")


def _space(index: str) -> str:
    return f"e:{index}"


def _json_path(key: str) -> str:
    return f'$."{key}"'  # query.check_field_name let no quote or backslash into key


class _Renderer:
    """The IR of one query as SQL over one index, its values in `params`."""

    def __init__(self, index_: InvertedIndex, index: str, props: Mapping[str, str], params: Params) -> None:
        self.inverted = index_
        self.index = index
        self.props = props
        self.params = params

    def _docs(self, *select: exp.Expr) -> exp.Select:
        return exp.select(*select).from_(DOC).where(col("idx").eq(self.params(self.index)))

    def _leaf(self, predicate: exp.Expr | None) -> exp.Select:
        q = self._docs(exp.alias_(col("id"), "doc"), exp.alias_(double(1.0), "score"))
        return q.where(predicate) if predicate is not None else q

    def _value(self, key: str) -> exp.Expr:
        return func("json_extract_string", col("source"), self.params(_json_path(key)))

    def _term(self, t: Term) -> exp.Expr:
        text = self._value(t.field)
        v = t.value
        if isinstance(v, bool):
            return exp.paren(text.eq(self.params("true" if v else "false")))
        if isinstance(v, int):
            return exp.paren(exp.TryCast(this=text, to=exp.DataType.build("HUGEINT")).eq(self.params(v)))
        if isinstance(v, float):
            return exp.paren(exp.TryCast(this=text, to=exp.DataType.build("DOUBLE")).eq(self.params(v)))
        return exp.paren(text.eq(self.params(v)))

    def render(self, node: Node) -> exp.Select:
        if isinstance(node, MatchAll):
            return self._leaf(None)
        if isinstance(node, Bool):
            return self._bool(node)
        if isinstance(node, Match):
            if self.props.get(node.field) in NUMERIC_PROPERTIES:
                return self._leaf(self._term(node.as_term()))
            return self._text([node.field], node.text, OR)
        if isinstance(node, Text):
            return self._text(list(node.fields), node.text, node.operator)
        if isinstance(node, Term):
            return self._leaf(self._term(node))
        if isinstance(node, Terms):
            return self._leaf(exp.paren(or_([self._term(t) for t in node.values])) if node.values else exp.false())
        if isinstance(node, Contains):
            return self._leaf(func("contains", func("lower", self._value(node.field)), self.params(node.needle)))
        if isinstance(node, Missing):
            def value() -> exp.Expr:
                return func("json_extract", col("source"), self.params(_json_path(node.field)))
            return self._leaf(exp.paren(exp.or_(value().is_(exp.null()),
                                                func("json_type", value()).eq(exp.Literal.string("NULL")))))
        raise ProviderError(ErrorCode.UNIMPLEMENTED, f"query node {type(node).__name__}")

    def _text(self, fields: list[str], text: str, operator: str) -> exp.Select:
        scored = self.inverted.scores(self.params, _space(self.index), fields, text, operator)
        if scored is not None:
            return scored.build()
        return exp.select(exp.alias_(exp.cast(exp.null(), "VARCHAR"), "doc"),
                          exp.alias_(exp.cast(exp.null(), "DOUBLE"), "score")).where(exp.false())

    def _bool(self, bq: Bool) -> exp.Select:
        """One UNION ALL arm per clause, tagged with what the clause does, grouped by document:
        linear in the number of clauses (joining each clause to the documents made DuckDB's join
        planner super-linear: 300 should clauses took 26 s)."""
        clauses = [("must", c) for c in bq.must] + [("filter", c) for c in bq.filter] + \
                  [("must_not", c) for c in bq.must_not] + [("should", c) for c in bq.should]
        if not clauses:  # an empty bool is match_all
            return self._leaf(None)
        null_int = exp.cast(exp.null(), exp.DataType.Type.INT)
        required = sum(kind in ("must", "filter") for kind, _ in clauses)
        # Columns of every arm: doc, score s, required clause r, excluded x, should clause h.
        arms: list[exp.Expr] = []
        having: list[exp.Expr] = [exp.Max(this=col("x")).eq(num(0))]
        if not required and not bq.minimum_should_match:
            # A document no clause matches qualifies too: add every document of the index. Only
            # then (each extra arm per nesting level doubles DuckDB's planning work).
            arms.append(self._docs(exp.alias_(col("id"), "doc"), exp.alias_(double(0.0), "s"),
                                   exp.alias_(null_int, "r"), exp.alias_(num(0), "x"),
                                   exp.alias_(null_int.copy(), "h")))
        for i, (kind, clause) in enumerate(clauses):
            alias = f"c{i}"
            scores = kind in ("must", "should")
            arms.append(exp.Select().select(
                exp.alias_(col("doc", alias), "doc"),
                exp.alias_(func("coalesce", col("score", alias), double(0.0)) if scores else double(0.0), "s"),
                exp.alias_(num(i) if kind in ("must", "filter") else null_int.copy(), "r"),
                exp.alias_(num(1 if kind == "must_not" else 0), "x"),
                exp.alias_(num(i) if kind == "should" else null_int.copy(), "h"), copy=False,
            ).from_(subquery(self.render(clause), alias), copy=False))
        if required:
            having.append(exp.Count(this=exp.Distinct(expressions=[col("r")])).eq(self.params(required)))
        if bq.minimum_should_match > 0:
            having.append(exp.Count(this=exp.Distinct(expressions=[col("h")])) >= self.params(bq.minimum_should_match))
        return (exp.Select().select(col("doc"), exp.alias_(exp.cast(exp.Sum(this=col("s")), "DOUBLE"), "score"),
                                    copy=False)
                .from_(subquery(_union_all(arms), "a"), copy=False).group_by(col("doc"), copy=False)
                .having(and_(having), copy=False))


def _union_all(arms: list[exp.Expr]) -> exp.Expr:
    """`arms[0] UNION ALL arms[1] ...` as a balanced tree: a left-deep chain of a thousand arms
    would be a thousand levels of recursion wherever the tree is walked."""
    if len(arms) == 1:
        return arms[0]
    mid = len(arms) // 2
    return exp.Union(this=_union_all(arms[:mid]), expression=_union_all(arms[mid:]), distinct=False)


class DuckDBDocuments:
    """The DocumentDriver of the DuckDB search store."""

    def __init__(self, conn: Connection, inverted: InvertedIndex) -> None:
        self.conn = conn
        self.inverted = inverted

    # --- indices

    def _props(self, index: str) -> dict[str, str] | None:
        row = self.conn.x("SELECT properties FROM cz_es_index WHERE name = ?", [index]).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def _need(self, index: str) -> dict[str, str]:
        props = self._props(index)
        if props is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"index {index!r} does not exist")
        return props

    def _ensure_index(self, index: str) -> dict[str, str]:
        props = self._props(index)
        if props is None:
            self.conn.x("INSERT INTO cz_es_index VALUES (?, '{}')", [index])
            props = {}
        return props

    @locked
    def index_exists(self, index: str) -> bool:
        return self._props(index) is not None

    @locked
    def create_index(self, index: str, properties: Mapping[str, str]) -> None:
        with self.conn.tx():
            if self._props(index) is not None:
                raise ProviderError(ErrorCode.ALREADY_EXISTS, f"index {index!r} already exists")
            self.conn.x("INSERT INTO cz_es_index VALUES (?, ?)", [index, json.dumps(dict(properties))])

    @locked
    def delete_index(self, index: str) -> None:
        with self.conn.tx():
            self.conn.x("DELETE FROM cz_es_index WHERE name = ?", [index])
            self.conn.x("DELETE FROM cz_es_doc WHERE idx = ?", [index])
            self.inverted.drop_space(_space(index))

    # --- documents

    def _delete_ids(self, index: str, ids: Sequence[str], existing: bool = False) -> list[str]:
        """Delete documents by id (not their postings); with `existing`, return the ids that existed."""
        params = Params()
        index_p = params(index)
        with self.conn.registered(id=str_array(ids)) as rel:
            def build() -> exp.Expr:
                stmt = exp.delete(DOC, where=exp.and_(col("idx").eq(index_p),
                                                      col("id").isin(query=exp.select(col("id")).from_(rel))))
                return returning(stmt, col("id")) if existing else stmt

            cur = self.conn.run(build, params, ("delete documents", existing, rel.name))
            return [r[0] for r in cur.fetchall()] if existing else []

    def _write_docs(self, index: str, docs: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Replace documents (id, source) of an index, postings included. Inside a transaction."""
        if not docs:
            return
        ids = [i for i, _ in docs]
        # Only documents that existed have postings to remove; skipping the rest spares new
        # documents a scan of the postings table.
        existing = self._delete_ids(index, ids, existing=True)
        self.inverted.delete(_space(index), existing)
        sources = [json.dumps(src, ensure_ascii=False, separators=(",", ":")) for _, src in docs]
        params = Params()
        index_p = params(index)
        with self.conn.registered(id=str_array(ids), source=str_array(sources)) as rel:
            seq = func("nextval", exp.Literal.string("cz_seq"))
            self.conn.run(lambda: exp.insert(exp.select(index_p, col("id"), seq, col("source")).from_(rel), DOC),
                          params, ("insert documents", rel.name))
        self.inverted.add(_space(index), [(doc_id, name, value) for doc_id, src in docs
                                          for name, value in src.items() if isinstance(value, str)])

    def _get_source(self, index: str, id: str) -> dict[str, Any] | None:
        row = self.conn.x("SELECT source FROM cz_es_doc WHERE idx = ? AND id = ?", [index, id]).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    @locked
    def put(self, index: str, id: str, document: dict[str, Any]) -> None:
        with self.conn.tx():
            props = self._ensure_index(index)
            check_document(props, document, f"create {index}/{id}")
            self._write_docs(index, [(id, document)])

    @locked
    def update(self, index: str, id: str, patch: Mapping[str, Any]) -> None:
        with self.conn.tx():
            props = self._need(index)
            current = self._get_source(index, id)
            if current is None:
                raise ProviderError(ErrorCode.NOT_FOUND, f"document {id!r} not found in index {index!r}")
            current.update(patch)
            check_document(props, current, f"update {index}/{id}")
            self._write_docs(index, [(id, current)])

    @locked
    def delete(self, index: str, id: str) -> None:
        with self.conn.tx():
            self._need(index)
            if self._get_source(index, id) is None:
                raise ProviderError(ErrorCode.NOT_FOUND, f"document {id!r} not found in index {index!r}")
            self.conn.x("DELETE FROM cz_es_doc WHERE idx = ? AND id = ?", [index, id])
            self.inverted.delete(_space(index), [id])

    @locked
    def delete_by_query(self, index: str, query: Node) -> int:
        self.inverted.cluster()
        with self.conn.deadline(f"delete_by_query on index {index!r}"), \
                self.conn.planned_for_depth(bool_depth(query)), self.conn.tx():
            props = self._need(index)
            params = Params()
            matches = _Renderer(self.inverted, index, props, params).render(query)
            ids = [r[0] for r in self.conn.run(lambda: exp.select(col("doc")).from_(subquery(matches, "m")),
                                               params).fetchall()]
            if ids:
                self._delete_ids(index, ids)
                self.inverted.delete(_space(index), ids)
            return len(ids)

    @locked
    def bulk(self, indexes: Sequence[str], ops: Sequence[BulkOp]) -> list[tuple[int, ProviderError]]:
        failures: list[tuple[int, ProviderError]] = []
        with self.conn.tx():
            for index in indexes:
                self._bulk_one(index, [op for op in ops if op.index == index], failures)
        return failures

    def _bulk_one(self, index: str, ops: Sequence[BulkOp], failures: list[tuple[int, ProviderError]]) -> None:
        props = self._ensure_index(index)
        ids = list({op.id for op in ops})
        current: dict[str, dict[str, Any]] = {}
        if ids:
            params = Params()
            with self.conn.registered(id=str_array(ids)) as rel:
                rows = self.conn.run(lambda: exp.select(col("id"), col("source")).from_(DOC).where(
                    col("idx").eq(params(index)), col("id").isin(query=exp.select(col("id")).from_(rel))),
                    params).fetchall()
            for doc_id, src in rows:
                current[doc_id] = json.loads(src)
        # Apply in order against an in-memory view, then write each touched id once.
        state: dict[str, dict[str, Any] | None] = dict(current)
        for op in ops:
            try:
                if op.action is BulkAction.DELETE:
                    if state.get(op.id) is None:
                        raise ProviderError(ErrorCode.NOT_FOUND, f"{op.where}: document not found")
                    state[op.id] = None
                    continue
                body = dict(op.body or {})
                if op.action is BulkAction.UPDATE:
                    existing = state.get(op.id)
                    if existing is None:
                        raise ProviderError(ErrorCode.NOT_FOUND, f"{op.where}: document not found")
                    body = {**existing, **body}
                elif op.action is BulkAction.CREATE and state.get(op.id) is not None:
                    raise ProviderError(ErrorCode.ALREADY_EXISTS, f"{op.where}: document already exists")
                check_document(props, body, op.where)
                state[op.id] = body
            except ProviderError as err:
                failures.append((op.position, err))
        changed = [i for i, v in state.items() if current.get(i) is not v]
        deleted = [i for i in changed if state[i] is None]
        if deleted:
            self._delete_ids(index, deleted)
            self.inverted.delete(_space(index), deleted)
        self._write_docs(index, [(i, doc) for i in changed if (doc := state[i]) is not None])

    # --- search

    @locked
    def search(self, index: str, query: Node, page: SearchPage) -> Response:
        self.inverted.cluster()  # BM25 in SQL reads postings by term (outside the time limit)
        with self.conn.deadline(f"search of index {index!r}"), self.conn.planned_for_depth(bool_depth(query)):
            return self._search(index, query, page)

    def _search(self, index: str, query: Node, page: SearchPage) -> Response:
        props = self._need(index)
        params = Params()
        matches = _Renderer(self.inverted, index, props, params).render(query)
        score = col("score", "q")
        select: list[exp.Expr] = [
            col("id", "d"), score, col("source", "d"),
            exp.alias_(exp.Window(this=exp.Count(this=exp.Star()), over="OVER"), "total"),
            exp.alias_(exp.Window(this=exp.Max(this=score.copy()), over="OVER"), "max_score")]
        order: list[exp.Ordered] = []
        for i, sf in enumerate(page.sort):
            if sf.field == "_score":
                order.append(ordered(score.copy(), sf.asc))
                continue
            numeric = "HUGEINT" if props.get(sf.field) in NUMERIC_PROPERTIES else "DOUBLE"

            def text(field: str = sf.field) -> exp.Expr:
                return func("json_extract_string", col("source", "d"), params(_json_path(field)))

            def number(field: str = sf.field, type_: str = numeric) -> exp.Expr:
                return exp.TryCast(this=text(field), to=exp.DataType.build(type_))

            order += [ordered(number(), sf.asc), ordered(text(), sf.asc)]
            select += [exp.alias_(number(), f"k{i}n"), exp.alias_(text(), f"k{i}s")]
        if not page.sort:
            order.append(ordered(score.copy(), False))
        order.append(ordered(col("seq", "d"), True))
        where = None if page.min_score is None else score.copy() >= params(float(page.min_score))
        # Built in place (copy=False): each copy of a large bool tree costs as much as running it.
        stmt = (exp.Select().select(*select, copy=False).from_(subquery(matches, "q"), copy=False)
                .join(table("cz_es_doc", "d"), on=exp.and_(col("idx", "d").eq(params(index)),
                                                           col("id", "d").eq(col("doc", "q"))), copy=False)
                .order_by(*order, copy=False))
        if where is not None:
            stmt = stmt.where(where, copy=False)
        if page.search_after is None:
            stmt = stmt.limit(num(page.size), copy=False).offset(num(page.offset), copy=False)
        rows = self.conn.x(render(stmt, copy=False), params.values).fetchall()
        total = rows[0][3] if rows else self._count(index, props, query, page.min_score)
        max_score = rows[0][4] if rows else None
        hits = []
        for row in rows:
            hits.append(Hit(id=row[0], score=None if page.sort else float(row[1]),
                            source=json.loads(row[2]), sort=_sort_values(page.sort, row)))
        if page.search_after is not None:
            after = list(page.search_after)
            hits = [h for h in hits if comes_after(page.sort, h.sort, after)][:page.size]
        return Response(hits=hits, total=int(total),
                        max_score=None if page.sort or max_score is None else float(max_score))

    def _count(self, index: str, props: Mapping[str, str], query: Node, min_score: float | None) -> int:
        params = Params()
        matches = _Renderer(self.inverted, index, props, params).render(query)
        stmt = exp.Select().select(exp.Count(this=exp.Star()), copy=False).from_(subquery(matches, "q"), copy=False)
        if min_score is not None:
            stmt = stmt.where(col("score", "q") >= params(float(min_score)), copy=False)
        return int(self.conn.value(render(stmt, copy=False), params.values))


def _sort_values(sort: Sequence[Any], row: tuple[Any, ...]) -> list[Any]:
    values: list[Any] = []
    column = 5
    for sf in sort:
        if sf.field == "_score":
            values.append(float(row[1]))
            continue
        number, text = row[column], row[column + 1]
        column += 2
        values.append(int(number) if number is not None and float(number).is_integer() and abs(number) < 2**64 else
                      (float(number) if number is not None else text))
    return values

