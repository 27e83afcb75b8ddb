"""The real-world rename check (tests/data/workloads/README.md): every query renamed with
`parse_and_modify_sql` (tables t_<name>, columns c_<name>) returns, on the renamed schema, the rows
the original returns on the original schema.

One `WorkloadEngine` per dialect loads every schema variant it needs, original and renamed, side by
side (SQLite: one in-memory database per schema and side; PostgreSQL: one schema each, reached by
search_path; MariaDB: one database each). `run_workload` returns a `Tally` per dialect.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Imported as `_workload` (tests/rename on sys.path) and as `tests.rename._workload` (tests/postgres):
# either way the engine kit is the one bare-named module, so its EngineError is one class.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from _engine_kit import EngineError, MariaDBSession, PostgresSession, engine_error, parser  # noqa: E402

from sqlparser import SQLParserError, TableColumn  # noqa: E402

WORKLOAD_DIR = Path(__file__).resolve().parents[1] / "data" / "workloads"
SCHEMAS = WORKLOAD_DIR / "schemas"
VARIANTS = {"sqlite": ("typed",), "postgres": ("typed", "textdates", "typed_lc", "textdates_lc"),
            "mysql": ("typed", "textdates")}
ENGINE_FILE = {"sqlite": "sqlite", "postgres": "postgres", "mysql": "mysql"}


@dataclass(frozen=True)
class Query:
    id: str
    dialect: str
    schema_id: str
    sql: str


def load_queries(dialect: str | None = None) -> list[Query]:
    out = []
    with open(WORKLOAD_DIR / "workload.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if dialect is None or d["dialect"] == dialect:
                out.append(Query(d["id"], d["dialect"], d["schema_id"], d["sql"]))
    return out


def schema_tables(schema_id: str) -> list[tuple[str, list[str]]]:
    data = json.loads((SCHEMAS / f"{schema_id}.json").read_text(encoding="utf-8"))
    return [(t["name"], [c["name"] for c in t["columns"]]) for t in data["tables"]]


def mapping_for(schema_id: str, dialect: str) -> dict[str, TableColumn]:
    """Every table to t_<name>, every column to c_<name>; PostgreSQL's names as its catalog folds them."""
    fold = str.lower if dialect == "postgres" else (lambda s: s)
    return {fold(name): TableColumn(f"t_{fold(name)}", {fold(c): f"c_{fold(c)}" for c in cols})
            for name, cols in schema_tables(schema_id)}


def statements(path: Path) -> Iterator[str]:
    """The statements of a generated schema file: one per line, each ending with ';'."""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line:
            yield line[:-1] if line.endswith(";") else line


# -- result normalisation -------------------------------------------------------------------------

def norm_value(value: Any, *, decimals: int | None = None) -> Any:
    """One result value in a form every engine's driver agrees on: numbers to 6 significant digits
    (first rounded to `decimals` places when given: the translation matrix's tolerance for
    MariaDB's 4-decimal quotients), dates and times as ISO text, bytes as text."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (decimal.Decimal, float)):
        f = float(value)
        if f.is_integer() and abs(f) < 1e15:
            return int(f)
        return float(f"{f if decimals is None else round(f, decimals):.6g}")
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return value


def as_bag(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    return sorted((tuple(norm_value(v) for v in row) for row in rows), key=repr)


# -- engines --------------------------------------------------------------------------------------

class WorkloadEngine:
    dialect: str

    def run(self, schema_id: str, variant: str, side: str, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class SQLiteWorkload(WorkloadEngine):
    dialect = "sqlite"

    def __init__(self) -> None:
        import apsw

        self._apsw = apsw
        self._conns: dict[tuple[str, str, str], Any] = {}

    def _conn(self, schema_id: str, variant: str, side: str) -> Any:
        key = (schema_id, variant, side)
        if key not in self._conns:
            conn = self._apsw.Connection(":memory:")
            for stmt in statements(SCHEMAS / f"{schema_id}.sqlite.{variant}.{side}.sql"):
                conn.execute(stmt)
            self._conns[key] = conn
        return self._conns[key]

    def run(self, schema_id: str, variant: str, side: str, sql: str) -> list[tuple[Any, ...]]:
        try:
            return list(self._conn(schema_id, variant, side).execute(sql))
        except self._apsw.Error as err:
            raise engine_error(err) from None

    def close(self) -> None:
        for conn in self._conns.values():
            conn.close()


def _db_name(schema_id: str, variant: str, side: str) -> str:
    return "wl_" + re.sub(r"\W", "_", f"{schema_id}_{variant}_{side}").lower()


class PostgresWorkload(PostgresSession, WorkloadEngine):
    dialect = "postgres"

    def __init__(self, server: Any) -> None:
        super().__init__(server, ("SET statement_timeout = '20s'",))
        self._loaded: set[str] = set()

    def run(self, schema_id: str, variant: str, side: str, sql: str) -> list[tuple[Any, ...]]:
        schema = _db_name(schema_id, variant, side)
        if schema not in self._loaded:
            self._conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            self._conn.execute(f"CREATE SCHEMA {schema}")
            self._conn.execute(f"SET search_path TO {schema}")
            with self._conn.transaction():
                for stmt in statements(SCHEMAS / f"{schema_id}.postgres.{variant}.{side}.sql"):
                    self._conn.execute(stmt)
            self._loaded.add(schema)
        self._conn.execute(f"SET search_path TO {schema}")
        return self._rows(sql)


class MariaDBWorkload(MariaDBSession, WorkloadEngine):
    """One database per schema, variant and side, loaded from the workload's file on first use.
    Subclasses change the session, which database a run uses (`_database`) and how it is loaded."""

    dialect = "mysql"
    SESSION: tuple[str, ...] = ("SET SESSION max_statement_time = 20",)

    def __init__(self, server: Any) -> None:
        super().__init__(server, self.SESSION)
        self._loaded: set[str] = set()

    def _database(self, schema_id: str, variant: str, side: str) -> str:
        return _db_name(schema_id, variant, side)

    def _load(self, cur: Any, schema_id: str, variant: str, side: str, db: str) -> None:
        cur.execute(f"DROP DATABASE IF EXISTS {db}")
        cur.execute(f"CREATE DATABASE {db}")
        cur.execute(f"USE {db}")
        for stmt in statements(SCHEMAS / f"{schema_id}.mysql.{variant}.{side}.sql"):
            cur.execute(stmt)

    def run(self, schema_id: str, variant: str, side: str, sql: str) -> list[tuple[Any, ...]]:
        db = self._database(schema_id, variant, side)
        with self._conn.cursor() as cur:
            if db not in self._loaded:
                self._load(cur, schema_id, variant, side, db)
                self._loaded.add(db)
            cur.execute(f"USE {db}")
            return self._rows(cur, sql)


# -- the check ------------------------------------------------------------------------------------

@dataclass
class Tally:
    dialect: str
    queries: int = 0
    skipped: int = 0  # the original does not run on any variant
    same: int = 0
    refused: dict[str, str] = field(default_factory=dict)  # id -> the named error
    engine_rejected: dict[str, str] = field(default_factory=dict)  # id -> renamed SQL + engine error
    different: dict[str, str] = field(default_factory=dict)  # id -> renamed SQL

    @property
    def checked(self) -> int:
        return self.queries - self.skipped

    def report(self) -> str:
        pct = 100.0 * self.same / self.checked if self.checked else 0.0
        return (f"{self.dialect}: {self.queries} queries, {self.skipped} skipped (original fails), "
                f"{self.same}/{self.checked} same rows ({pct:.2f}%), {len(self.refused)} refused by rename, "
                f"{len(self.engine_rejected)} renamed SQL rejected by the engine, {len(self.different)} different rows")


def run_original(engine: WorkloadEngine, q: Query,
                 variants: Iterable[str]) -> tuple[list[tuple[Any, ...]], str] | None:
    """The rows of `q` as written on the first of `variants` (schema variants) it runs on, with
    that variant; None when it runs on none."""
    for variant in variants:
        try:
            return engine.run(q.schema_id, variant, "orig", q.sql), variant
        except EngineError:
            continue
    return None


def check_query(engine: WorkloadEngine, q: Query, tally: Tally) -> None:
    tally.queries += 1
    found = run_original(engine, q, (
        v for v in VARIANTS[engine.dialect]
        if (SCHEMAS / f"{q.schema_id}.{ENGINE_FILE[engine.dialect]}.{v}.orig.sql").exists()))
    if found is None:
        tally.skipped += 1
        return
    original, variant = found
    try:
        renamed_sql = parser(engine.dialect).parse_and_modify_sql(q.sql, mapping_for(q.schema_id, engine.dialect))
    except SQLParserError as err:
        tally.refused[q.id] = f"{type(err).__name__}: {err}"
        return
    try:
        renamed = engine.run(q.schema_id, variant, "renamed", renamed_sql)
    except EngineError as err:
        tally.engine_rejected[q.id] = f"{renamed_sql}\n  -> {err}"
        return
    if as_bag(original) == as_bag(renamed):
        tally.same += 1
    else:
        tally.different[q.id] = renamed_sql


def run_workload(engine: WorkloadEngine) -> Tally:
    tally = Tally(engine.dialect)
    for q in load_queries(engine.dialect):
        check_query(engine, q, tally)
    return tally
