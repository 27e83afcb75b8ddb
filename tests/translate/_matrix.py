"""The translation matrix on the real-world workload (tests/data/workloads/README.md): every gold
query of a source dialect runs on the source engine as written and, translated with
`translate(sql, read=source, schema=...)`, on the target engine over the same seeded data. Six
directions among mysql, sqlite and postgres.

The schema handed to `translate` is read from the source engine's catalog (column types and primary
keys), as an application with an open database would. The target holds the same data: the
workload's own files for SQLite and PostgreSQL (PostgreSQL's names are folded to lower case there,
as its catalog folds unquoted names); for MariaDB, the Spider schemas have no files, so their tables
are created here from the neutral schema (`_mysql_ddl`), with a binary collation (the translation
assumes case-sensitive comparisons, as SQLite's and PostgreSQL's `=` are).

A statement whose subquery's ORDER BY ... LIMIT cuts between rows tied on its sort keys has no
single right answer (the source engine picks one row arbitrarily): when such a statement differs, it
is counted as `nondeterministic`, neither same nor wrong.

Comparison (`compare`): rows as a multiset, in order when the statement has ORDER BY without
LIMIT. Numbers: booleans as 0/1, integral values as ints, other values rounded to 4 decimals and 6
significant digits (MySQL rounds a quotient to `div_precision_increment` = 4 decimals; SQLite and
PostgreSQL keep a double's or numeric's digits). With ORDER BY ... LIMIT, rows that tie on the sort
keys may legitimately differ: a mismatch there is re-checked with the LIMIT / OFFSET removed (same
multiset and, in order, the same sort-key sequence) and counted as `tie` (same) when that agrees.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_RENAME = Path(__file__).resolve().parents[1] / "rename"
if str(_RENAME) not in sys.path:
    sys.path.insert(0, str(_RENAME))

from _engine_kit import parser  # noqa: E402
from _workload import (  # noqa: E402
    SCHEMAS,
    EngineError,
    MariaDBWorkload,
    PostgresWorkload,
    Query,
    SQLiteWorkload,
    WorkloadEngine,
    _db_name,
    load_queries,
    norm_value,
    run_original,
    statements,
)

from sqlparser import SQLParserError  # noqa: E402

DIALECTS = ("mysql", "sqlite", "postgres")
DIRECTIONS = tuple((s, t) for s in DIALECTS for t in DIALECTS if s != t)
VARIANTS = {"sqlite": ("typed",), "postgres": ("typed", "textdates"), "mysql": ("typed", "textdates")}


# -- MariaDB with the Spider schemas created from the neutral schema ------------------------------

_MYSQL_TYPES = {"number": "DOUBLE", "integer": "BIGINT", "decimal": "DOUBLE", "real": "DOUBLE"}


def _mysql_ddl(schema_id: str, fold: bool = False) -> list[tuple[str, list[Sequence[Any]]]]:
    """(CREATE TABLE, rows) per table of a neutral schema, for MariaDB; `fold`: names in lower case
    (the MariaDB copy of a PostgreSQL schema, whose catalog holds them so)."""
    data = json.loads((SCHEMAS / f"{schema_id}.json").read_text(encoding="utf-8"))
    out = []

    def name(text: str) -> str:
        return text.lower() if fold else text

    for table in data["tables"]:
        cols = [f"`{name(c['name'])}` {_MYSQL_TYPES.get(c['type'], 'VARCHAR(255)')}" for c in table["columns"]]
        if table.get("pk"):
            cols.append("PRIMARY KEY (" + ", ".join(f"`{name(k)}`" for k in table["pk"]) + ")")
        ddl = (f"CREATE TABLE `{name(table['name'])}` ({', '.join(cols)}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
               "COLLATE=utf8mb4_bin")
        out.append((ddl, table.get("rows", [])))
    return out


class MariaDBMatrix(MariaDBWorkload):
    """The workload's MariaDB engine, with one database per schema and variant (both sides are
    the original), binary collation and UTC, and the Spider schemas built from the neutral one."""

    SESSION = (*MariaDBWorkload.SESSION, "SET NAMES utf8mb4 COLLATE utf8mb4_bin", "SET SESSION time_zone = '+00:00'")

    def _database(self, schema_id: str, variant: str, side: str) -> str:
        return _db_name(schema_id, variant, "x")

    def _load(self, cur: Any, schema_id: str, variant: str, side: str, db: str) -> None:
        cur.execute(f"DROP DATABASE IF EXISTS {db}")
        cur.execute(f"CREATE DATABASE {db} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        cur.execute(f"USE {db}")
        path = SCHEMAS / f"{schema_id}.mysql.{variant}.orig.sql"
        if path.exists():
            for stmt in statements(path):
                cur.execute(stmt)
            return
        if variant not in ("typed", "typed_lc"):
            raise EngineError(f"no {variant} variant of {schema_id} for MariaDB")
        for ddl, rows in _mysql_ddl(schema_id, fold=variant == "typed_lc"):
            cur.execute(ddl)
            if rows:
                marks = ", ".join(["%s"] * len(rows[0]))
                name = ddl.split("`", 2)[1]
                cur.executemany(f"INSERT INTO `{name}` VALUES ({marks})", rows)


def has_variant(dialect: str, schema_id: str, variant: str) -> bool:
    if dialect == "mysql" and variant == "typed":
        return True  # created from the neutral schema when the workload has no file
    return (SCHEMAS / f"{schema_id}.{dialect}.{variant}.orig.sql").exists()


# -- the schema a translation gets: read from the source engine's catalog ---------------------------

_CATALOG = {
    "sqlite": "SELECT m.name, p.name, p.type, p.pk FROM sqlite_master m JOIN pragma_table_info(m.name) p "
              "WHERE m.type = 'table'",
    "postgres": "SELECT c.table_name, c.column_name, c.data_type, (EXISTS (SELECT 1 FROM "
                "information_schema.key_column_usage k JOIN information_schema.table_constraints tc ON "
                "tc.constraint_name = k.constraint_name AND tc.table_schema = k.table_schema WHERE "
                "tc.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema AND k.table_name = "
                "c.table_name AND k.column_name = c.column_name))::int FROM information_schema.columns c "
                "WHERE c.table_schema = current_schema()",
    "mysql": "SELECT table_name, column_name, column_type, column_key = 'PRI' FROM information_schema.columns "
             "WHERE table_schema = DATABASE()",
}


_SCHEMA_CACHE: dict[tuple[int, str, str], dict[str, dict[str, str]]] = {}


def catalog_schema(engine: WorkloadEngine, schema_id: str, variant: str) -> dict[str, dict[str, str]]:
    """table -> column -> type ('... PRIMARY KEY' on primary-key columns), as the engine reports it."""
    key = (id(engine), schema_id, variant)
    if key not in _SCHEMA_CACHE:
        _SCHEMA_CACHE[key] = _read_catalog(engine, schema_id, variant)
    return _SCHEMA_CACHE[key]


def _read_catalog(engine: WorkloadEngine, schema_id: str, variant: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for table, column, type_, pk in engine.run(schema_id, variant, "orig", _CATALOG[engine.dialect]):
        out.setdefault(str(table), {})[str(column)] = str(type_ or "") + (" PRIMARY KEY" if pk else "")
    if engine.dialect == "sqlite":
        # The workload's SQLite files declare no keys; the application knows them (the neutral
        # schema's, which the PostgreSQL and MariaDB copies of the same rows enforce).
        data = json.loads((SCHEMAS / f"{schema_id}.json").read_text(encoding="utf-8"))
        for table in data["tables"]:
            columns = out.get(table["name"], {})
            for key in table.get("pk") or []:
                if key in columns and "PRIMARY KEY" not in columns[key]:
                    columns[key] += " PRIMARY KEY"
    return out


# -- comparison ----------------------------------------------------------------------------------------

def rows_of(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    return [tuple(norm_value(v, decimals=4) for v in row) for row in rows]


def bag(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(rows, key=repr)


# -- the check ------------------------------------------------------------------------------------------

@dataclass
class Tally:
    source: str
    target: str
    statements: int = 0
    skipped: int = 0  # the original does not run on the source engine
    same: int = 0
    ties: int = 0  # same after re-checking an ORDER BY ... LIMIT tie
    refused: dict[str, str] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)
    wrong: dict[str, str] = field(default_factory=dict)
    # A subquery's LIMIT cuts between tied rows: the source has no single answer (not counted as same).
    nondeterministic: dict[str, str] = field(default_factory=dict)

    @property
    def checked(self) -> int:
        return self.statements - self.skipped

    def reasons(self, top: int = 5) -> list[tuple[str, int]]:
        return Counter(v.split("unsupported construct: ", 1)[-1][:60] for v in self.refused.values()
                       ).most_common(top)

    def report(self) -> str:
        pct = 100.0 * len(self.refused) / self.checked if self.checked else 0.0
        return (f"{self.source}->{self.target}: {self.statements} statements, {self.skipped} skipped (source "
                f"fails), {self.same} same rows ({self.ties} equal up to rows tied on the sort keys), "
                f"{len(self.wrong)} wrong, "
                f"{len(self.rejected)} rejected by target, {len(self.refused)} refused ({pct:.1f}%), "
                f"{len(self.nondeterministic)} nondeterministic in the source; "
                f"top reasons: {self.reasons()}")


def _without_limit(dialect: str, sql: str) -> str | None:
    tree = parser(dialect).parse(sql).tree
    if tree is None or tree.args.get("limit") is None:
        return None
    tree = tree.copy()
    tree.set("limit", None)
    tree.set("offset", None)
    return parser(dialect).render(tree)


def _order_keys(dialect: str, sql: str) -> tuple[bool, bool, list[int] | None]:
    """(has ORDER BY, has LIMIT, the output positions of the sort keys, or None when a key is not an
    output column)."""
    from sqlglot import exp

    tree = parser(dialect).parse(sql).tree
    if tree is None or tree.args.get("order") is None:
        return False, tree is not None and tree.args.get("limit") is not None, None
    limited = tree.args.get("limit") is not None
    if not isinstance(tree, exp.Select):
        return True, limited, None
    outputs = tree.expressions
    keys: list[int] = []
    for ordered in tree.args["order"].expressions:
        key = ordered.this
        found = None
        for i, out in enumerate(outputs):
            inner = out.this if isinstance(out, exp.Alias) else out
            if (isinstance(key, exp.Literal) and key.this == str(i + 1)) or inner == key or (
                    isinstance(key, exp.Column) and not key.table and out.alias_or_name.lower() == key.name.lower()):
                found = i
                break
        if found is None:
            return True, limited, None
        keys.append(found)
    return True, limited, keys


def _probe(dialect: str, sql: str) -> str | None:
    """The statement with its ORDER BY keys added to the output (so ties can be told from a wrong
    order when the keys are not selected); None for DISTINCT and set operations."""
    from sqlglot import exp

    tree = parser(dialect).parse(sql).tree
    if not isinstance(tree, exp.Select) or tree.args.get("distinct") is not None or tree.args.get("order") is None:
        return None
    tree = tree.copy()
    for i, ordered in enumerate(tree.args["order"].expressions):
        tree.append("expressions", exp.alias_(ordered.this.copy(), f"cozelite_key{i}"))
    return parser(dialect).render(tree)


def _probe_agrees(src: WorkloadEngine, tgt: WorkloadEngine, q: Query, variants: tuple[str, str],
                  schema: Any) -> bool:
    probe = _probe(src.dialect, q.sql)
    if probe is None:
        return False
    try:
        translated = parser(tgt.dialect).translate(probe, read=src.dialect, schema=schema)
        a = rows_of(src.run(q.schema_id, variants[0], "orig", probe))
        b = rows_of(tgt.run(q.schema_id, variants[1], "orig", translated))
    except (SQLParserError, EngineError):
        return False
    n = len(parser(src.dialect).parse(q.sql).tree.args["order"].expressions)
    return [r[-n:] for r in a] == [r[-n:] for r in b]


def _tied_subquery_limit(src: WorkloadEngine, q: Query, variant: str) -> bool:
    """True when a subquery's ORDER BY ... LIMIT cuts between rows that tie on its sort keys: the
    source engine picks one of them arbitrarily, so the statement has no single right answer."""
    from sqlglot import exp

    tree = parser(src.dialect).parse(q.sql).tree
    if tree is None:
        return False
    for sub in tree.find_all(exp.Subquery):
        inner = sub.this
        if not isinstance(inner, exp.Select) or inner.args.get("order") is None or inner.args.get("limit") is None:
            continue
        limit = inner.args["limit"].expression
        if not (isinstance(limit, exp.Literal) and limit.this.isdigit()) or inner.args.get("offset") is not None:
            continue
        probe = inner.copy()
        probe.set("limit", None)
        keys = probe.args["order"].expressions
        for i, ordered in enumerate(keys):
            probe.append("expressions", exp.alias_(ordered.this.copy(), f"cozelite_key{i}"))
        try:
            rows = rows_of(src.run(q.schema_id, variant, "orig", parser(src.dialect).render(probe)))
        except EngineError:
            continue
        n, k = int(limit.this), len(keys)
        if 0 < n < len(rows) and rows[n - 1][-k:] == rows[n][-k:]:
            return True
    return False


def compare(src: WorkloadEngine, tgt: WorkloadEngine, q: Query, variants: tuple[str, str], translated: str,
            original: list[tuple[Any, ...]], got: list[tuple[Any, ...]], schema: Any = None) -> str:
    """'same', 'tie' (same up to rows that tie on the sort keys) or 'wrong'."""
    variant, target_variant = variants
    ordered, limited, keys = _order_keys(src.dialect, q.sql)
    a, b = rows_of(original), rows_of(got)
    if a == b:
        return "same"
    if len(a) != len(b):
        return "wrong"
    if not ordered:
        return "same" if bag(a) == bag(b) else "wrong"
    if keys is not None and [tuple(r[i] for i in keys) for r in a] != [tuple(r[i] for i in keys) for r in b]:
        return "wrong"  # the sort keys come in another order: a real ordering difference
    if not limited:
        return "tie" if bag(a) == bag(b) else "wrong"
    src_all, tgt_all = _without_limit(src.dialect, q.sql), _without_limit(tgt.dialect, translated)
    if src_all is None or tgt_all is None:
        return "wrong"
    try:
        full_a = rows_of(src.run(q.schema_id, variant, "orig", src_all))
        full_b = rows_of(tgt.run(q.schema_id, target_variant, "orig", tgt_all))
    except EngineError:
        return "wrong"
    same_full = bag(full_a) == bag(full_b) and set(a) <= set(full_a) and set(b) <= set(full_b)
    if keys is None:
        # The sort keys are not selected: run both with the keys added and compare their sequence.
        same_full = same_full and _probe_agrees(src, tgt, q, variants, schema)
    return "tie" if same_full else "wrong"


def check(src: WorkloadEngine, tgt: WorkloadEngine, q: Query, tally: Tally) -> None:
    tally.statements += 1
    found = run_original(src, q, (
        v for v in VARIANTS[src.dialect]
        if has_variant(src.dialect, q.schema_id, v) and has_variant(tgt.dialect, q.schema_id, v)))
    if found is None:
        tally.skipped += 1
        return
    original, variant = found
    schema = catalog_schema(src, q.schema_id, variant)
    try:
        translated = parser(tgt.dialect).translate(q.sql, read=src.dialect, schema=schema)
    except SQLParserError as err:
        tally.refused[q.id] = f"{type(err).__name__}: {err}"
        return
    target_variant = variant
    if src.dialect == "postgres" and tgt.dialect == "mysql" and \
            not (SCHEMAS / f"{q.schema_id}.mysql.{variant}.orig.sql").exists():
        target_variant = "typed_lc"  # MariaDB's copy of the PostgreSQL schema: its names as PostgreSQL holds them
    try:
        got = tgt.run(q.schema_id, target_variant, "orig", translated)
    except EngineError as err:
        tally.rejected[q.id] = f"{q.sql}\n  -> {translated}\n  -> {err}"
        return
    verdict = compare(src, tgt, q, (variant, target_variant), translated, original, got, schema)
    if verdict == "wrong" and _tied_subquery_limit(src, q, variant):
        tally.nondeterministic[q.id] = f"{q.sql}\n  -> {translated}"
        return
    if verdict == "wrong":
        tally.wrong[q.id] = (f"{q.sql}\n  -> {translated}\n  source: {rows_of(original)[:5]}\n"
                             f"  target: {rows_of(got)[:5]}")
        return
    tally.same += 1
    tally.ties += verdict == "tie"


def run_direction(src: WorkloadEngine, tgt: WorkloadEngine, queries: list[Query]) -> Tally:
    tally = Tally(src.dialect, tgt.dialect)
    for q in queries:
        check(src, tgt, q, tally)
    return tally


def make_engine(dialect: str, pg_server: Any = None, mariadb_server: Any = None) -> WorkloadEngine:
    if dialect == "sqlite":
        return SQLiteWorkload()
    if dialect == "postgres":
        return PostgresWorkload(pg_server)
    return MariaDBMatrix(mariadb_server)


def queries_of(dialect: str, every: int = 1) -> list[Query]:
    """The workload's statements of one source dialect; every n-th for the CI subset (fixed, reproducible)."""
    return load_queries(dialect)[::every]
