"""The inverted index of the DuckDB search store, and BM25 scoring over it.

`cz_postings` (space, field, term, doc, tf, dl) and `cz_doclen` (space, field, doc, len) hold the
postings of both document search and retrieval; space is `e:<index>` or `c:<collection>`. It is ours
rather than the `fts` extension's because `fts` builds a static index (every write would rebuild it);
here a write updates the postings of the documents it touched, in the same transaction, so it is
searchable as soon as the call returns. bench/search.py compares the two.

Ranked top-k queries (retrieval) are answered from memory when they can (postings.py): the same
postings as numpy arrays, loaded on first use and following committed writes. `scores` (SQL) stays
for queries that compose BM25 with other SQL (document search) and inside a caller's transaction.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlglot import exp

from providers.search.analysis import analyze, batch_term_frequencies
from providers.search.connection import Connection, str_array
from providers.search.model import AND
from providers.search.postings import PostingsCache, SpacePostings
from providers.search.sql import Params, ShapeCache, col, double, func, ident, num, subquery, table

_SHAPES = ShapeCache()


@dataclass(frozen=True)
class Scored:
    """A query yielding (doc, score) rows: its parameters are already in the caller's Params; `key`
    names the shape of its SQL for callers that cache a statement around it."""

    key: tuple[Any, ...]
    build: Callable[[], exp.Select]


class InvertedIndex:
    def __init__(self, conn: Connection, *, k1: float, b: float) -> None:
        self.conn = conn
        self.k1 = k1
        self.b = b
        self.cluster_min_rows = 50_000  # unordered postings tolerated before re-clustering
        self.memory = PostingsCache()
        # Postings written (add calls) and how many of them a committed clustering check has
        # seen: equal means no unordered postings were added since, and the check is skipped.
        # Starts unequal so that a store's first SQL search checks what an earlier process left.
        self._writes = 1
        self._checked = 0
        self._total: int | None = None  # postings in the table: counted, then added to (an upper bound)

    # --- writing

    def delete(self, space: str, docs: Sequence[str]) -> None:
        if not docs:
            return
        with self.conn.registered(doc=str_array(docs)) as rel:
            self._delete("cz_postings", space, rel)
            self._delete("cz_doclen", space, rel)
        # Always (apply does nothing to a space not in memory): a concurrent reader may load the
        # space between this write and its commit (Connection.keep_if_current).
        gone = list(docs)
        self.conn.after_commit(lambda: self.memory.apply(space, lambda p: p.delete(gone)))

    def _delete(self, name: str, space: str, rel: exp.Table) -> None:
        params = Params()
        space_p = params(space)
        self.conn.run(lambda: exp.delete(table(name), where=exp.and_(
            col("space").eq(space_p), col("doc").isin(query=exp.select(col("doc")).from_(rel)))),
            params, ("delete postings", name, rel.name))

    def add(self, space: str, items: Sequence[tuple[str, str, str]]) -> None:
        """Index (doc, field, text) triples; the caller removed the documents' old postings.

        The postings enter DuckDB as numbers: each references its (doc, field) row and its term
        by position in two small relations, joined back in the INSERT. Registering a string
        column makes DuckDB sort it (np.unique), so a batch's ~35 postings per document as strings
        cost more than the whole join."""
        term_no: dict[str, int] = {}
        rows, p_term, p_tf, lengths = batch_term_frequencies([text for _, _, text in items], term_no)
        # As in Lucene, a field without terms does not count toward N or avgdl: only rows with
        # terms are kept, renumbered densely.
        kept = lengths > 0
        if not kept.any():
            return
        p_row = (np.cumsum(kept) - 1)[rows]
        l_len = lengths[kept]
        kept_items = [item for item, keep in zip(items, kept.tolist(), strict=True) if keep]
        l_doc = [doc for doc, _, _ in kept_items]
        l_field = [field for _, field, _ in kept_items]
        fields = list(dict.fromkeys(l_field))
        field_no = {f: j for j, f in enumerate(fields)}
        # Two statements, each with its own parameters (DuckDB refuses unused ones).
        p_params, l_params = Params(), Params()
        with contextlib.ExitStack() as stack:
            term_names = list(term_no)
            terms, terms_key = stack.enter_context(self.conn.string_rows(term_names, p_params))
            names = [stack.enter_context(self.conn.string_rows(values, params))
                     for params in (p_params, l_params) for values in (l_doc, fields)]
            lens = stack.enter_context(self.conn.registered(
                i=np.arange(len(l_doc), dtype=np.int32), f=np.asarray([field_no[f] for f in l_field], dtype=np.int32),
                len=l_len.astype(np.int32)))
            posts = stack.enter_context(self.conn.registered(
                r=p_row.astype(np.int32), j=p_term.astype(np.int32), tf=p_tf.astype(np.int32)))
            p_space, l_space = p_params(space), l_params(space)

            def with_names(query: exp.Select, docs: exp.Select, fields: exp.Select) -> exp.Select:
                return (query.join(subquery(docs, "d"), on=col("i", "d").eq(col("i", "l")))
                        .join(subquery(fields, "f"), on=col("i", "f").eq(col("f", "l"))))

            def postings() -> exp.Expr:
                rows = (exp.select(p_space, col("v", "f"), col("v", "t"), col("v", "d"), col("tf", "p"),
                                   col("len", "l"))
                        .from_(posts.as_(ident("p")))
                        .join(lens.as_(ident("l")), on=col("r", "p").eq(col("i", "l")))
                        .join(subquery(terms, "t"), on=col("j", "p").eq(col("i", "t"))))
                return exp.insert(with_names(rows, names[0][0], names[1][0]), table("cz_postings"))

            def doclen() -> exp.Expr:
                rows = exp.select(l_space, col("v", "f"), col("v", "d"), col("len", "l")).from_(
                    lens.as_(ident("l")))
                return exp.insert(with_names(rows, names[2][0], names[3][0]), table("cz_doclen"))

            key = (terms_key, *(k for _, k in names), lens.name, posts.name)
            self.conn.run(postings, p_params, ("insert postings", *key))
            self.conn.run(doclen, l_params, ("insert doclen", *key))
        self._writes += 1
        self._total = None if self._total is None else self._total + len(p_term)
        if self._total is None or self._total > self.memory.max_postings:
            # Deletes are not subtracted: past the budget (or at first) the table says.
            self._total = int(self.conn.value("SELECT count(*) FROM cz_postings"))
        if self._total > self.memory.max_postings:
            # Too many postings for memory: ranked retrieval scores in SQL too, and may run on a
            # reader's snapshot, which cannot cluster; so writes keep the order, as they used to.
            self.cluster()
        self.conn.after_commit(lambda: self.memory.apply(space, lambda p: p.add_batch(
            l_doc, l_field, l_len, p_row, p_term, p_tf, term_names)))

    def cluster(self) -> None:
        """Keep the postings mostly in (space, field, term) order so that a term lookup in SQL
        reads a few row groups (zone maps) instead of the whole table. New postings append
        unordered; once the unordered tail is as large as the ordered part, the table is
        rewritten in order: O(log n) rewrites as it grows, about twice its final size in all.

        Called by the SQL scoring paths that need the order (document search; ranked retrieval
        inside a caller's transaction, where memory cannot answer), under the store's
        lock (never from a reader's snapshot: it writes) and before their time limit starts (a
        rewrite cut short would roll back and be tried again by every search); not by writes, so
        a bulk load does not pay for the rewrites (they were its largest cost after the analysis)
        and the first search after it rewrites once. Ranked retrieval reads postings from memory
        (postings.py). The order never changes a result, only how much of the table a query reads."""
        if self._checked == self._writes:
            return  # nothing added since the last check
        writes = self._writes
        with self.conn.tx():
            total = self.conn.value("SELECT count(*) FROM cz_postings")
            row = self.conn.x("SELECT value FROM cz_meta WHERE key = 'postings_clustered'").fetchone()
            clustered = int(row[0]) if row else 0
            if total - clustered > max(self.cluster_min_rows, clustered):
                self.conn.x("CREATE OR REPLACE TABLE cz_postings AS SELECT * FROM cz_postings "
                            "ORDER BY space, field, term")
                self.conn.x("INSERT OR REPLACE INTO cz_meta VALUES ('postings_clustered', ?)", [str(total)])

            def checked() -> None:
                self._checked = max(self._checked, writes)
            # Only once committed: inside a caller's transaction that rolls back, so does the rewrite.
            self.conn.after_commit(checked)

    def drop_space(self, space: str) -> None:
        self.conn.x("DELETE FROM cz_postings WHERE space = ?", [space])
        self.conn.x("DELETE FROM cz_doclen WHERE space = ?", [space])
        self.memory.forget(space)  # at once: nothing may read it until the tables are committed

    # --- scoring from memory

    def in_memory(self, space: str) -> SpacePostings | None:
        """The space's postings in memory (loaded now if needed), or None when the SQL path must
        answer: inside a caller's transaction (it may hold uncommitted writes), or over budget."""
        if self.conn.in_transaction:
            return None
        return self.memory.get(space, lambda: self._load(space), self.conn.keep_if_current)

    @staticmethod
    def query_terms(text: str, operator: str) -> tuple[Counter[str], int]:
        """The query's terms with their counts, and how many must match in a field."""
        terms = Counter(analyze(text))
        return terms, len(terms) if operator == AND and len(terms) > 1 else 1

    def _load(self, space: str) -> SpacePostings | None:
        """Read a space's postings with dense numbers made by DuckDB (sorted docs, fields and
        (field, term) keys), so that only numbers cross into numpy in bulk."""
        args = {"space": space}
        if self.conn.value("SELECT count(*) FROM cz_postings WHERE space = $space", args) > self.memory.max_postings:
            return None
        docs = [r[0] for r in self.conn.x("SELECT DISTINCT doc FROM cz_doclen WHERE space = $space ORDER BY doc",
                                          args).fetchall()]
        fields = [r[0] for r in self.conn.x("SELECT DISTINCT field FROM cz_doclen WHERE space = $space "
                                            "ORDER BY field", args).fetchall()]
        keys = [(r[0], r[1]) for r in self.conn.x("SELECT DISTINCT field, term FROM cz_postings WHERE space = $space "
                                                  "ORDER BY field, term", args).fetchall()]
        numbered_docs = ("d AS (SELECT doc, row_number() OVER (ORDER BY doc) - 1 AS k "
                         "FROM (SELECT DISTINCT doc FROM cz_doclen WHERE space = $space))")
        lens = self.conn.x(
            f"WITH {numbered_docs}, fl AS (SELECT field, row_number() OVER (ORDER BY field) - 1 AS f "
            "FROM (SELECT DISTINCT field FROM cz_doclen WHERE space = $space)) "
            "SELECT d.k, fl.f, l.len FROM cz_doclen l JOIN d ON l.doc = d.doc JOIN fl ON l.field = fl.field "
            "WHERE l.space = $space", args).fetchnumpy()
        posts = self.conn.x(
            f"WITH {numbered_docs}, t AS (SELECT field, term, row_number() OVER (ORDER BY field, term) - 1 AS j "
            "FROM (SELECT DISTINCT field, term FROM cz_postings WHERE space = $space)) "
            "SELECT t.j, d.k, p.tf FROM cz_postings p JOIN d ON p.doc = d.doc "
            "JOIN t ON p.field = t.field AND p.term = t.term WHERE p.space = $space ORDER BY t.j", args).fetchnumpy()
        return SpacePostings.from_tables(
            docs, np.asarray(lens["k"], dtype=np.int64), fields, np.asarray(lens["f"], dtype=np.int64),
            np.asarray(lens["len"], dtype=np.int32), keys, np.asarray(posts["j"], dtype=np.int64),
            np.asarray(posts["k"], dtype=np.int32), np.asarray(posts["tf"], dtype=np.int32))

    # --- scoring in SQL

    def scores(self, params: Params, space: str, fields: Sequence[str], text: str, operator: str) -> Scored | None:
        """(doc, score) of documents matching `text` in any of `fields`, scored by BM25 (the best
        field's score, as ES best_fields); with AND every term must occur in that field. None when
        the text has no terms. One statement: the per-field statistics (N, avgdl) and each term's
        df come from CTEs over the same postings the scores read."""
        terms = Counter(analyze(text))
        if not terms or not fields:
            return None
        # Placeholders made now, in a fixed order, so that a cached rendering of this shape binds
        # them by the same names; each is used wherever its value is needed.
        space_p = params(space)
        field_ps = params.many(fields)
        term_ps = params.many(terms)
        qtf_ps = params.many(terms.values())
        k1, b = params(self.k1), params(self.b)
        # (One term needs no count of matched terms: see build.)
        need = params(len(terms) if operator == AND else 1) if len(terms) > 1 else None

        def in_space(alias: str | None = None) -> list[exp.Expr]:
            return [col("space", alias).eq(space_p.copy()), col("field", alias).isin(*(f.copy() for f in field_ps))]

        def build() -> exp.Select:
            stats = (exp.select(col("field"), exp.alias_(exp.Count(this=exp.Star()), "n"),
                                exp.alias_(exp.Sum(this=col("len")), "total"))
                     .from_(table("cz_doclen"), copy=False).where(*in_space(), copy=False)
                     .group_by(col("field"), copy=False))
            dfs = (exp.select(col("field"), col("term"), exp.alias_(exp.Count(this=exp.Star()), "df"))
                   .from_(table("cz_postings"), copy=False)
                   .where(*in_space(), col("term").isin(*(t.copy() for t in term_ps)), copy=False)
                   .group_by(col("field"), col("term"), copy=False))
            query_terms = exp.values([(t.copy(), c) for t, c in zip(term_ps, qtf_ps, strict=True)], alias="q",
                                     columns=["term", "qtf"])
            # Lucene's non-negative idf, ln(1 + (N - df + 0.5) / (df + 0.5)), times the term's count in the query.
            df, n = col("df", "d"), col("n", "st")
            idf = func("ln", num(1) + exp.paren(n - df + double(0.5)) / exp.paren(df.copy() + double(0.5)))
            weights = (exp.select(col("field", "d"), col("term", "d"),
                                  exp.alias_(col("qtf", "q") * idf, "weight"),
                                  exp.alias_(col("total", "st") / n.copy(), "avgdl"))
                       .from_(table("d"), copy=False)
                       .join(table("st"), on=col("field", "d").eq(col("field", "st")), copy=False)
                       .join(query_terms, on=col("term", "q").eq(col("term", "d")), copy=False))
            # weight * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)), summed over the terms.
            tf, dl = col("tf", "p"), col("dl", "p")
            norm = k1 * exp.paren(num(1) - b + b.copy() * dl / col("avgdl", "w"))
            term_score = col("weight", "w") * tf * exp.paren(k1.copy() + num(1)) / exp.paren(tf.copy() + norm)
            # A (doc, field, term) has one posting: with one term, each posting is a document's
            # whole score in that field, and with one field a document's field score is its score.
            # The grouping steps that would only regroup single rows are left out: they are most
            # of the query's time for a common term (one hash aggregation over every posting).
            one_term, one_field = len(terms) == 1, len(fields) == 1
            score = term_score if one_term else exp.Sum(this=term_score)
            per_field = (exp.select(col("doc", "p"), col("field", "p"), exp.alias_(score, "s"))
                         .from_(table("cz_postings", "p"), copy=False)
                         .join(table("w"), on=exp.and_(col("field", "p").eq(col("field", "w")),
                                                       col("term", "p").eq(col("term", "w"))), copy=False)
                         .where(*in_space("p"), col("term", "p").isin(*(t.copy() for t in term_ps)), copy=False))
            if need is not None:
                per_field = (per_field.group_by(col("doc", "p"), col("field", "p"), copy=False)
                             .having(exp.Count(this=exp.Star()) >= need.copy(), copy=False))
            # Built in place (copy=False): every part is fresh, and a query may hold many of these.
            if one_field:
                query = exp.select(col("doc"), exp.alias_(col("s"), "score")).from_(subquery(per_field, "f"),
                                                                                   copy=False)
            else:
                query = (exp.select(col("doc"), exp.alias_(exp.Max(this=col("s")), "score"))
                         .from_(subquery(per_field, "f"), copy=False).group_by(col("doc"), copy=False))
            return (query.with_("st", as_=stats, copy=False).with_("d", as_=dfs, copy=False)
                    .with_("w", as_=weights, copy=False))

        return Scored(("bm25", len(fields), len(terms)), build)
