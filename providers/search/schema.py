"""Schemas and the documents they admit, for every search implementation.

Document search: an index's typed properties (`index_properties`) and the check a document must
pass against them (`check_document`: numeric properties hold integers in range, numeric strings are
coerced, as ES does). Retrieval: a collection's fields (`normalize_fields` adds the fields Coze
Studio writes to every collection), the `Collection` view a driver lays out its storage from, and
`collection_rows`, which checks documents against it and splits them into scalar and vector columns.
Nothing here knows an engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from providers.errors import ErrorCode, ProviderError
from providers.search.model import (
    DSL,
    FIELD_CREATOR_ID,
    FIELD_ID,
    FIELD_TEXT_CONTENT,
    Document,
    Field,
    FieldType,
    Op,
    PropertyType,
    Vector,
    dense_vector_name,
)
from providers.search.query import check_field_name, invalid

INT64 = (-(2**63), 2**63 - 1)
UINT64 = (0, 2**64 - 1)
MAX_DIM = 16384
# Collection field names become column names: a conservative identifier spelling every engine takes.
FIELD_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


# --- document search -----------------------------------------------------------------------------

def index_properties(properties: Mapping[str, Any] | None) -> dict[str, str]:
    """Property name -> PropertyType value, from ES mapping objects or bare type names."""
    props: dict[str, str] = {}
    for name, spec in (properties or {}).items():
        check_field_name(name)
        kind: Any = spec.get("type") if isinstance(spec, Mapping) else spec
        try:
            props[name] = PropertyType(kind).value
        except ValueError as err:
            raise invalid(f"property {name!r}: unsupported type {kind!r}; "
                          f"supported: {', '.join(t.value for t in PropertyType)}") from err
    return props


def check_document(props: Mapping[str, str], doc: dict[str, Any], where: str) -> None:
    """Check `doc` against the index's properties, coercing numeric strings in place."""
    for name, value in doc.items():
        check_field_name(name)
        kind = props.get(name)
        if value is None or kind is None or kind == PropertyType.TEXT.value:
            continue
        if isinstance(value, str):
            try:
                value = int(value)  # ES coerces numeric strings in numeric fields
            except ValueError as err:
                raise invalid(f"{where}: field {name!r} is {kind}, got {value!r}") from err
            doc[name] = value
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(f"{where}: field {name!r} is {kind}, got {value!r}")
        lo, hi = UINT64 if kind == PropertyType.UNSIGNED_LONG.value else INT64
        if not lo <= value <= hi:
            raise invalid(f"{where}: field {name!r} ({kind}) out of range: {value}")


# --- retrieval -----------------------------------------------------------------------------------

def normalize_fields(fields: Sequence[Field]) -> list[Field]:
    """The fields of a new collection, checked, with id / creator_id / text_content added."""
    fields = list(fields)
    names = [f.name for f in fields]
    for f in fields:
        if not isinstance(f.name, str) or not FIELD_NAME_RE.fullmatch(f.name) or f.name.startswith("_"):
            raise invalid(f"field name {f.name!r} must match [A-Za-z][A-Za-z0-9_]* (at most 64 characters)")
        try:
            ftype = FieldType(f.type)
        except ValueError as err:
            raise invalid(f"field {f.name!r}: unknown type {f.type!r}") from err
        if ftype in (FieldType.UNKNOWN, FieldType.SPARSE_VECTOR):
            raise ProviderError(ErrorCode.UNIMPLEMENTED, f"field {f.name!r}: type {ftype.name} is not supported")
        if ftype is FieldType.DENSE_VECTOR and not (isinstance(f.dim, int) and 0 < f.dim <= MAX_DIM):
            raise invalid(f"dense vector field {f.name!r} needs dim between 1 and {MAX_DIM}")
        if f.dim is not None and not (isinstance(f.dim, int) and 0 < f.dim <= MAX_DIM):
            raise invalid(f"field {f.name!r}: dim must be between 1 and {MAX_DIM}")
    if len(set(names)) != len(names):
        raise invalid(f"duplicate field names in {names}")
    by_name = {f.name: f for f in fields}
    for f in fields:
        if f.type is FieldType.TEXT and f.indexing and f.dim and dense_vector_name(f.name) in by_name:
            raise invalid(f"field {dense_vector_name(f.name)!r} collides with the vector of {f.name!r}")
    # Coze Studio writes id, creator_id and text_content to every collection.
    defaults = [Field(FIELD_ID, FieldType.INT64, is_primary=True),
                Field(FIELD_CREATOR_ID, FieldType.INT64, nullable=True),
                Field(FIELD_TEXT_CONTENT, FieldType.TEXT, nullable=True)]
    for d in defaults:
        if d.name not in by_name:
            fields.append(d)
    if by_name.get(FIELD_ID, defaults[0]).type is not FieldType.INT64:
        raise invalid(f"field {FIELD_ID!r} must be INT64")
    return [Field(f.name, FieldType(f.type), f.description, f.nullable, f.name == FIELD_ID, f.indexing, f.dim)
            for f in fields]


def fields_to_json(fields: Sequence[Field]) -> str:
    return json.dumps([{"name": f.name, "type": int(f.type), "description": f.description, "nullable": f.nullable,
                        "is_primary": f.is_primary, "indexing": f.indexing, "dim": f.dim} for f in fields])


def fields_from_json(text: str) -> list[Field]:
    return [Field(name=d["name"], type=FieldType(d["type"]), description=d["description"], nullable=d["nullable"],
                  is_primary=d["is_primary"], indexing=d["indexing"], dim=d["dim"]) for d in json.loads(text)]


class Collection:
    """A collection's layout: scalar columns (INT64 and TEXT fields), vector columns (DENSE_VECTOR
    fields and the companion vector of each indexed TEXT field with a dim) and the indexed texts."""

    def __init__(self, name: str, fields: Sequence[Field]) -> None:
        self.name = name
        self.fields = {f.name: f for f in fields}
        self.text_indexed = [f.name for f in fields if f.type is FieldType.TEXT and f.indexing]
        self.vectors: dict[str, int] = {}  # vector column -> dim
        self.scalars: list[str] = []
        for f in fields:
            if f.type is FieldType.DENSE_VECTOR:
                self.vectors[f.name] = int(f.dim or 0)
            elif f.type in (FieldType.INT64, FieldType.TEXT):
                self.scalars.append(f.name)
                if f.type is FieldType.TEXT and f.indexing and f.dim:
                    self.vectors[dense_vector_name(f.name)] = int(f.dim)

    def default_vector(self) -> str:
        for name in self.text_indexed:
            if dense_vector_name(name) in self.vectors:
                return dense_vector_name(name)
        if len(self.vectors) == 1:
            return next(iter(self.vectors))
        raise invalid(f"collection {self.name!r} has {len(self.vectors)} vector fields; name one in vector_field")

    def text_fields(self, multi_match_fields: Sequence[str] | None) -> list[str]:
        """The fields a text query searches: the named ones (each must be indexed text), else
        text_content as Coze Studio's text store does, else every indexed text field."""
        if multi_match_fields is not None:
            for f in multi_match_fields:
                if f not in self.text_indexed:
                    raise invalid(f"collection {self.name!r}: field {f!r} is not an indexed text field")
            return list(multi_match_fields)
        return [FIELD_TEXT_CONTENT] if FIELD_TEXT_CONTENT in self.text_indexed else list(self.text_indexed)


@dataclass
class Rows:
    """Documents checked against a collection, by column: ids, scalar values (None for null) and
    one float32 matrix per vector column."""

    ids: list[int]
    scalars: dict[str, list[Any]]
    vectors: dict[str, np.ndarray]


def collection_rows(coll: Collection, docs: Sequence[Document]) -> Rows:
    """Check `docs` against `coll` (INVALID_ARGUMENT naming the document and field) and lay them out."""
    rows: dict[str, list[Any]] = {name: [] for name in coll.scalars}
    vecs: dict[str, list[np.ndarray]] = {name: [] for name in coll.vectors}
    main_vec = next((dense_vector_name(n) for n in coll.text_indexed if dense_vector_name(n) in coll.vectors), None)
    seen: set[int] = set()
    for doc in docs:
        try:
            doc_id = int(doc.id)
        except (TypeError, ValueError) as err:
            raise invalid(f"document id {doc.id!r} is not an int64") from err
        if not INT64[0] <= doc_id <= INT64[1]:
            raise invalid(f"document id {doc.id!r} is out of int64 range")
        if doc_id in seen:
            raise invalid(f"document id {doc.id!r} appears twice in one store call")
        seen.add(doc_id)
        values: dict[str, Any] = {FIELD_ID: doc_id, FIELD_CREATOR_ID: doc.creator_id, FIELD_TEXT_CONTENT: doc.content}
        vectors: dict[str, Any] = {}
        if doc.dense_vector is not None:
            if main_vec is None:
                raise invalid(f"collection {coll.name!r} has no indexed text field with a vector (dim)")
            vectors[main_vec] = doc.dense_vector
        for key, value in (doc.external or {}).items():
            if key in coll.vectors:
                vectors[key] = value
            elif key in coll.fields and key != FIELD_ID:
                values[key] = value
            else:
                raise invalid(f"document {doc.id!r}: collection {coll.name!r} has no field {key!r}")
        for name in coll.scalars:
            f = coll.fields[name]
            v = values.get(name)
            if v is None:
                if not f.nullable and name not in (FIELD_CREATOR_ID, FIELD_TEXT_CONTENT):
                    raise invalid(f"document {doc.id!r}: field {name!r} is required")
            elif f.type is FieldType.INT64:
                if isinstance(v, bool) or not isinstance(v, int) or not INT64[0] <= v <= INT64[1]:
                    raise invalid(f"document {doc.id!r}: field {name!r} needs an int64, got {v!r}")
            elif not isinstance(v, str):
                raise invalid(f"document {doc.id!r}: field {name!r} needs a string, got {type(v).__name__}")
            rows[name].append(v)
        for name, dim in coll.vectors.items():
            v = vectors.get(name)
            if v is None:
                raise invalid(f"document {doc.id!r}: vector {name!r} ({dim} dimensions) is required; "
                              "embeddings come from the caller")
            arr = np.asarray(v, dtype=np.float32)
            if arr.shape != (dim,) or not np.all(np.isfinite(arr)):
                raise invalid(f"document {doc.id!r}: vector {name!r} needs {dim} finite values, got shape "
                              f"{arr.shape}")
            vecs[name].append(arr)
    matrices = {name: np.stack(vs) if vs else np.zeros((0, coll.vectors[name]), dtype=np.float32)
                for name, vs in vecs.items()}
    return Rows(ids=rows[FIELD_ID], scalars=rows, vectors=matrices)


def query_vector(vec: Vector, dim: int) -> np.ndarray:
    """A query embedding as float32, checked against the field's dimensions."""
    arr = np.asarray(vec, dtype=np.float32)
    if arr.ndim != 1 or arr.shape[0] != dim:
        raise invalid(f"vector has {arr.shape} values; the field has {dim} dimensions")
    if not np.all(np.isfinite(arr)):
        raise invalid("vector contains NaN or infinity")
    return arr


def check_dsl(dsl: object) -> None:
    """A retrieval filter's shape, checked once by the portable SearchStore before any driver
    translates it: a DSL, a known operator, AND/OR over a non-empty list of DSL (recursively)."""
    if not isinstance(dsl, DSL):
        raise invalid(f"dsl must be a DSL, got {type(dsl).__name__}")
    try:
        op = Op(dsl.op)
    except ValueError as err:
        raise invalid(f"dsl: unknown operator {dsl.op!r}") from err
    if op in (Op.AND, Op.OR):
        subs = list(dsl.value or [])
        if not subs or not all(isinstance(d, DSL) for d in subs):
            raise invalid(f"dsl {op.value}: value must be a non-empty list of DSL")
        for sub in subs:
            check_dsl(sub)
