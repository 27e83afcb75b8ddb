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
from providers.search.model import AND, BEST_FIELDS, OR, PropertyType, Query, QueryType

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


def compile_query(q: Query | None) -> Node:
    """The IR of `q` (None: match all); INVALID_ARGUMENT / UNIMPLEMENTED for what cannot run."""
    if q is None:
        return MatchAll()
    if q.bool is not None:
        bq = q.bool
        msm = bq.minimum_should_match
        if msm is None:
            msm = 1 if bq.should and not bq.must and not bq.filter else 0
        return Bool(must=_all(bq.must), filter=_all(bq.filter), must_not=_all(bq.must_not), should=_all(bq.should),
                    minimum_should_match=int(msm))
    if q.type is None:
        raise invalid("a query needs a type or a bool clause")
    try:
        kind = QueryType(q.type)
    except ValueError as err:
        raise ProviderError(ErrorCode.UNIMPLEMENTED, f"query type {q.type!r}") from err
    if kind is QueryType.MULTI_MATCH:
        mm = q.multi_match
        if mm is None:
            raise invalid("multi_match query without its MultiMatchQuery")
        if mm.type not in (BEST_FIELDS, "", None):
            raise ProviderError(ErrorCode.UNIMPLEMENTED, f"multi_match type {mm.type!r}; only best_fields")
        operator = mm.operator or OR
        if operator not in (OR, AND):
            raise invalid(f"operator must be {OR!r} or {AND!r}, got {operator!r}")
        return Text(tuple(check_field_name(f) for f in mm.fields), mm.query, operator)
    if q.kv is None:
        raise invalid(f"{kind.value} query without a key")
    key = check_field_name(q.kv.key)
    value = q.kv.value
    if kind is QueryType.MATCH:
        return Match(key, "" if value is None else str(value), value)
    if kind is QueryType.EQUAL:
        return term(key, value)
    if kind is QueryType.IN:
        if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, set, frozenset)):
            raise invalid(f"in query on {key!r} needs a list of values, got {value!r}")
        return Terms(key, tuple(term(key, v) for v in value))
    if kind is QueryType.CONTAINS:
        if value is None:
            raise invalid(f"contains query on {key!r} needs a value")
        return Contains(key, str(value).lower())
    if kind is QueryType.NOT_EXISTS:
        return Missing(key)
    raise ProviderError(ErrorCode.UNIMPLEMENTED, f"query type {kind.value!r}")


def _all(queries: Sequence[Query]) -> tuple[Node, ...]:
    return tuple(compile_query(c) for c in queries)
