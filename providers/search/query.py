"""The ES-style query of `DocumentSearch` compiled into a small, validated IR.

`compile_query` checks a `Query` once (field names, value types, bool structure) and resolves the
defaults Elasticsearch applies (a bool query with only `should` clauses needs one of them), so that a
driver renders the IR without re-validating it. The IR knows no engine: a driver turns each node
into whatever yields (document, score) pairs, under the scoring rules contract.py states.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from providers.errors import ErrorCode, ProviderError
from providers.search.model import AND, BEST_FIELDS, KV, OR, BoolQuery, MultiMatchQuery, PropertyType, Query, QueryType

# Field names end up as JSON object keys in a path: quotes, backslashes and control characters
# would need escaping rules every engine spells differently, so they are refused.
FIELD_NAME_RE = re.compile(r"[^\x00-\x1f\"\\]{1,255}")
NUMERIC_PROPERTIES = frozenset({PropertyType.LONG.value, PropertyType.UNSIGNED_LONG.value})

Scalar: TypeAlias = bool | int | float | str


def invalid(message: str) -> ProviderError:
    return ProviderError(ErrorCode.INVALID_ARGUMENT, message)


def check_field_name(key: object) -> str:
    if not isinstance(key, str) or not FIELD_NAME_RE.fullmatch(key):
        raise invalid(f"field name {key!r} must be 1-255 characters without quotes, backslashes or control "
                      "characters")
    return key


@dataclass(frozen=True)
class MatchAll:
    """Every document of the index, score 1.0."""


@dataclass(frozen=True)
class Term:
    """The stored value equals `value` exactly (ES `term`); score 1.0."""

    field: str
    value: Scalar


@dataclass(frozen=True)
class Terms:
    """The stored value equals one of `values` (ES `terms`); no values match nothing; score 1.0."""

    field: str
    values: tuple[Term, ...]


@dataclass(frozen=True)
class Contains:
    """Case-insensitive substring of the stored value; `needle` is already lower-cased; score 1.0."""

    field: str
    needle: str


@dataclass(frozen=True)
class Missing:
    """The field is absent or null; score 1.0."""

    field: str


@dataclass(frozen=True)
class Match:
    """`match`: BM25 of `text` in `field`, unless the index types the field as a number, where it is
    a term query on `value` (as in ES); which one is up to the index's properties at search time."""

    field: str
    text: str
    value: Any

    def as_term(self) -> Term:
        return term(self.field, self.value)


@dataclass(frozen=True)
class Text:
    """BM25 of `text` over `fields`, the best field's score (multi_match best_fields); with AND every
    query term must occur in that one field."""

    fields: tuple[str, ...]
    text: str
    operator: str


@dataclass(frozen=True)
class Bool:
    """must and filter must match, must_not must not, at least `minimum_should_match` of should must;
    the score sums must and should clauses (filter and must_not never score). No clauses: match all."""

    must: tuple[Node, ...]
    filter: tuple[Node, ...]
    must_not: tuple[Node, ...]
    should: tuple[Node, ...]
    minimum_should_match: int


Node: TypeAlias = MatchAll | Term | Terms | Contains | Missing | Match | Text | Bool


def term(key: str, value: Any) -> Term:
    if value is None:
        raise invalid(f"equal query on {key!r} needs a value (use not_exists for missing)")
    if isinstance(value, float) and not math.isfinite(value):
        raise invalid(f"equal query on {key!r}: not a finite number: {value!r}")
    if not isinstance(value, (bool, int, float, str)):
        raise invalid(f"equal query on {key!r}: unsupported value type {type(value).__name__}")
    return Term(key, value)


# Bounds on one query's size, checked before anything runs (INVALID_ARGUMENT naming the bound).
# Elasticsearch allows 1024 clauses (`indices.query.bool.max_clause_count`, before 8.0) and bool
# nesting of 20 (`indices.query.bool.max_nested_depth`). Here a clause is every query node of the
# tree, bool ones included; the cost is linear in them, about 10-20 ms per text clause on a loaded
# 2-core machine, so 1024 clauses stay within the store's default per-query time limit (10 s).
MAX_CLAUSES = 1024
MAX_BOOL_DEPTH = 20
MAX_TERMS = 65536  # values of one `in` query (Elasticsearch's index.max_terms_count)


def bool_depth(node: Node) -> int:
    """How deeply bool queries nest in `node` (a leaf: 0)."""
    if not isinstance(node, Bool):
        return 0
    return 1 + max((bool_depth(c) for c in (*node.must, *node.filter, *node.must_not, *node.should)), default=0)


def _text(key: str, value: Any) -> str:
    """A match/contains value as text: scalars only (str() of an arbitrary object runs its code)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise invalid(f"query on {key!r}: not a finite number: {value!r}")
    if not isinstance(value, (bool, int, float, str)):
        raise invalid(f"query on {key!r}: unsupported value type {type(value).__name__}")
    return str(value)


def compile_query(q: Query | None) -> Node:
    """The IR of `q` (None: match all); INVALID_ARGUMENT / UNIMPLEMENTED for what cannot run,
    INVALID_ARGUMENT for a query over MAX_CLAUSES clauses or bool nesting over MAX_BOOL_DEPTH."""
    return _Compiler().node(q, 0)


class _Compiler:
    """Walks one query, counting its clauses against MAX_CLAUSES."""

    def __init__(self) -> None:
        self.clauses = 0

    def node(self, q: Query | None, depth: int) -> Node:
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise invalid(f"the query has more than {MAX_CLAUSES} clauses (every query node counts, bool "
                          "ones included); split it or use an `in` query for many values")
        if q is not None and not isinstance(q, Query):
            raise invalid(f"a query must be a Query, got {type(q).__name__}")
        if q is None or q.bool is None:
            return _leaf(q)
        if depth >= MAX_BOOL_DEPTH:
            raise invalid(f"bool queries nested deeper than {MAX_BOOL_DEPTH} levels")
        bq = q.bool
        if not isinstance(bq, BoolQuery):
            raise invalid(f"bool must be a BoolQuery, got {type(bq).__name__}")
        msm = bq.minimum_should_match
        if msm is None:
            msm = 1 if bq.should and not bq.must and not bq.filter else 0
        if isinstance(msm, bool) or not isinstance(msm, int) or msm < 0:
            raise invalid(f"minimum_should_match must be a non-negative int, got {msm!r}")
        parts = {}
        for kind in ("must", "filter", "must_not", "should"):
            clauses = getattr(bq, kind)
            if isinstance(clauses, (Query, str, bytes)) or not isinstance(clauses, Sequence):
                raise invalid(f"bool {kind} must be a sequence of queries, got {type(clauses).__name__}")
            parts[kind] = tuple(self.node(c, depth + 1) for c in clauses)
        return Bool(must=parts["must"], filter=parts["filter"], must_not=parts["must_not"], should=parts["should"],
                    minimum_should_match=msm)


def _leaf(q: Query | None) -> Node:
    if q is None:
        return MatchAll()
    if q.type is None:
        raise invalid("a query needs a type or a bool clause")
    try:
        kind = QueryType(q.type)
    except (ValueError, TypeError) as err:  # TypeError: an unhashable type
        raise ProviderError(ErrorCode.UNIMPLEMENTED, f"query type {q.type!r}") from err
    if kind is QueryType.MULTI_MATCH:
        mm = q.multi_match
        if not isinstance(mm, MultiMatchQuery):
            raise invalid("multi_match query without its MultiMatchQuery")
        if mm.type not in (BEST_FIELDS, "", None):
            raise ProviderError(ErrorCode.UNIMPLEMENTED, f"multi_match type {mm.type!r}; only best_fields")
        operator = mm.operator or OR
        if operator not in (OR, AND):
            raise invalid(f"operator must be {OR!r} or {AND!r}, got {operator!r}")
        if isinstance(mm.fields, (str, bytes)) or not isinstance(mm.fields, Sequence):
            raise invalid(f"multi_match fields must be a sequence of field names, got {mm.fields!r}")
        if not isinstance(mm.query, str):
            raise invalid(f"multi_match query must be a str, got {type(mm.query).__name__}")
        return Text(tuple(check_field_name(f) for f in mm.fields), mm.query, operator)
    if not isinstance(q.kv, KV):
        raise invalid(f"{kind.value} query without a key")
    key = check_field_name(q.kv.key)
    value = q.kv.value
    if kind is QueryType.MATCH:
        return Match(key, "" if value is None else _text(key, value), value)
    if kind is QueryType.EQUAL:
        return term(key, value)
    if kind is QueryType.IN:
        if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, set, frozenset)):
            raise invalid(f"in query on {key!r} needs a list of values, got {value!r}")
        if len(value) > MAX_TERMS:
            raise invalid(f"in query on {key!r} has more than {MAX_TERMS} values")
        return Terms(key, tuple(term(key, v) for v in value))
    if kind is QueryType.CONTAINS:
        if value is None:
            raise invalid(f"contains query on {key!r} needs a value")
        return Contains(key, _text(key, value).lower())
    if kind is QueryType.NOT_EXISTS:
        return Missing(key)
    raise ProviderError(ErrorCode.UNIMPLEMENTED, f"query type {kind.value!r}")


