"""`ensure_schema(services)`: create the app's tables on the engine of db.uri, idempotently.

Each `migrations/NNNN_*.sql` file is plain MySQL. Its statements are translated for the engine
with the compiler's public API (`SQLParser.translate(sql, read="mysql")`) and run through the db
provider; applied files are recorded in `schema_migrations` (which the first file creates), so a
file runs once per database. Every statement is `CREATE TABLE IF NOT EXISTS`, so a run that died
half-way through a file is completed by the next one. (The migrations engine, cozelite/migrate,
replaces this loop once merged; the files stay as they are.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cozelite.flows.metadata.store import now_ms
from providers.db.contract import SQLType
from providers.errors import ErrorCode, ProviderError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_FILE = re.compile(r"^\d{4}_[a-z0-9_]+\.sql$")
# A statement ends with `;` at the end of a line (the files keep semicolons out of literals).
_END = re.compile(r";[ \t]*(?:\n|$)")


def migration_statements(path: Path) -> list[str]:
    """The statements of one migration file, comments removed."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in _END.split("\n".join(lines) + "\n") if s.strip()]


def _files() -> list[Path]:
    return sorted(p for p in MIGRATIONS_DIR.iterdir() if _FILE.match(p.name))


def _applied(db: Any) -> set[str]:
    try:
        result = db.select_data("schema_migrations", fields=["name"])
    except ProviderError as err:
        if err.code is ErrorCode.NOT_FOUND:
            return set()
        raise
    return {row["name"] for row in result.result_set.rows}


def ensure_schema(services: Any) -> list[str]:
    """Apply the migration files not yet recorded; returns the names applied by this call."""
    db = services.db
    parser = services.parser
    done = _applied(db)
    applied: list[str] = []
    for path in _files():
        if path.name in done:
            continue
        for statement in migration_statements(path):
            db.execute_sql(parser.translate(statement, read="mysql"), sql_type=SQLType.RAW)
        try:
            db.insert_data("schema_migrations", [{"name": path.name, "applied_at": now_ms()}])
        except ProviderError as err:
            if err.code is not ErrorCode.ALREADY_EXISTS:  # another process applied it at the same time
                raise
        applied.append(path.name)
    return applied
