"""The normalized schema of a migrated database, read from the engine's own catalog (through
providers.db.catalog), for the differential: tables, columns (type family, nullability, default,
identity, generated kind), primary key, unique and plain indexes by their MySQL names, foreign keys
(columns, referenced table and columns, actions; names where the engine keeps them: not SQLite).

Families come from cozelite.migrate.typemap (the documented mapping, docs/migrations.md): a column
agrees when the target's family is what the mapping promises for MariaDB's type.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cozelite.migrate.typemap import catalog_family, expected_family, expected_fk_action, expected_generated
from providers.db import open_db
from providers.db.catalog import catalog_session

_CAST = re.compile(r"::[a-z ]+(\([0-9, ]+\))?$")
_NOW = re.compile(r"^(current_timestamp|now|localtimestamp)(\(\d*\))?$", re.I)


def norm_default(text: object) -> str | None:
    if text is None:
        return None
    s = str(text).strip()
    while s.startswith("(") and s.endswith(")"):
        s = s[1:-1].strip()
    s = _CAST.sub("", s)
    if s.upper() == "NULL":
        return None
    if _NOW.match(s):
        return "now"
    # MySQL's usual JSON default, an expression MariaDB's catalog shows as written: its value
    empty_json = {"json_object()": "{}", "json_array()": "[]"}.get(s.lower().replace(" ", ""))
    if empty_json is not None:
        return "str:" + empty_json
    if len(s) >= 2 and s[0] == s[-1] == "'":
        s = s[1:-1].replace("''", "'")
    try:
        return "num:" + format(Decimal(s).normalize(), "f")
    except InvalidOperation:
        return "str:" + s


@dataclass(frozen=True)
class ColumnShape:
    family: str
    nullable: bool
    default: str | None
    identity: bool
    generated: str | None = None  # "virtual" | "stored"


@dataclass
class TableShape:
    columns: dict[str, ColumnShape]
    declared: dict[str, str]
    primary_key: tuple[str, ...]
    indexes: dict[str, tuple[bool, tuple[str, ...]]]
    # (name or "", columns, referenced table, referenced columns, on delete, on update), all lower-cased
    foreign_keys: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...], str, str], ...] = ()


def read_schema(uri: str) -> tuple[str, dict[str, TableShape]]:
    out: dict[str, TableShape] = {}
    with open_db(uri) as rdb, catalog_session(rdb) as s:
        engine = s.engine
        logical: dict[str, dict[str, str]] = {}
        if "_cozelite_schema_notes" in s.tables(internal=True):
            for tbl, body in s.query("SELECT tbl, body FROM _cozelite_schema_notes WHERE col = ''"):
                phys = json.loads(body).get("physical") or {}
                logical[str(tbl)] = {p.lower(): log for log, p in phys.items()}
        for name in s.tables():
            cat = s.describe(name)
            cols = {c.name.lower(): ColumnShape(catalog_family(engine, c.declared), c.nullable,
                                                None if c.identity else norm_default(c.default), c.identity,
                                                c.generated)
                    for c in cat.columns}
            fks = tuple(sorted((f.name.lower(), tuple(c.lower() for c in f.columns), f.ref_table.lower(),
                                tuple(c.lower() for c in f.ref_columns), f.on_delete.upper(), f.on_update.upper())
                               for f in cat.foreign_keys))
            idx = {}
            for i in cat.indexes:
                if i.primary:
                    continue
                log = logical.get(name, {}).get(i.name.lower(), i.name)
                idx[log.lower()] = (i.unique, tuple(c.lower() for c in i.columns))
            out[name.lower()] = TableShape(cols, {c.name.lower(): c.declared for c in cat.columns},
                                           tuple(c.lower() for c in cat.primary_key), idx, fks)
    return engine, out


_SIZED = re.compile(r"^(varchar|char|character varying|character|decimal|numeric)\((\d+(?:,\s*\d+)?)\)")


def size(declared: str) -> str | None:
    """The length / precision a type declares (VARCHAR(n), CHAR(n), DECIMAL(p,s)), where PostgreSQL keeps
    MySQL's (the mapping promises it); None for the rest."""
    m = _SIZED.match(declared.strip().lower())
    return m.group(2).replace(" ", "") if m else None


def diff(truth: dict[str, TableShape], engine: str, other: dict[str, TableShape]) -> list[str]:
    """Differences of `other` (on `engine`) from MariaDB's schema, outside the documented mapping."""
    out = []
    for t in sorted(set(truth) | set(other)):
        if t not in other or t not in truth:
            out.append(f"{t}: table only on {'mariadb' if t in truth else engine}")
            continue
        a, b = truth[t], other[t]
        for c in sorted(set(a.columns) | set(b.columns)):
            ca, cb = a.columns.get(c), b.columns.get(c)
            if ca is None or cb is None:
                out.append(f"{t}.{c}: column only on {'mariadb' if ca else engine}")
                continue
            want = ColumnShape(expected_family(engine, ca.family), ca.nullable, ca.default, ca.identity,
                               expected_generated(engine, ca.generated))
            if want != cb:
                out.append(f"{t}.{c}: mariadb {a.declared[c]} {ca} -> expected {want}, {engine} has "
                           f"{b.declared[c]} {cb}")
            elif engine == "postgres" and size(a.declared[c]) not in (None, size(b.declared[c])):
                out.append(f"{t}.{c}: mariadb {a.declared[c]} vs postgres {b.declared[c]} (size)")
        if a.primary_key != b.primary_key:
            out.append(f"{t}: primary key {a.primary_key} vs {engine} {b.primary_key}")
        if a.indexes != b.indexes:
            out.append(f"{t}: indexes {sorted(a.indexes.items())} vs {engine} {sorted(b.indexes.items())}")
        want_fks = sorted(("" if engine == "sqlite" else n, c, rt, rc, expected_fk_action(engine, d),
                           expected_fk_action(engine, u)) for n, c, rt, rc, d, u in a.foreign_keys)
        got_fks = sorted((n, c, rt, rc, expected_fk_action(engine, d), expected_fk_action(engine, u))
                         for n, c, rt, rc, d, u in b.foreign_keys)
        if want_fks != got_fks:
            out.append(f"{t}: foreign keys {want_fks} vs {engine} {got_fks}")
    return out


def order_diff(truth: dict[str, TableShape], engine: str, other: dict[str, TableShape]) -> list[str]:
    """Tables whose columns stand in another order than on MariaDB (what `SELECT *` and an INSERT
    without a column list see; FIRST / AFTER decide it). Tables on one side only are `diff`'s."""
    out = []
    for t in sorted(set(truth) & set(other)):
        want, got = list(truth[t].columns), list(other[t].columns)
        if want != got:
            out.append(f"{t}: column order on mariadb {want} vs {engine} {got}")
    return out
