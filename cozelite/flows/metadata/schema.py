"""`ensure_schema(services)`: create the app's tables on the engine of db.uri, idempotently.

Each `migrations/NNNN_*.sql` file is plain MySQL, applied by the migration engine (cozelite/migrate),
the same code path `cozelite migrate apply` gives an app's own history: translated for the engine of
db.uri, each file in one transaction where the engine allows it, recorded with its checksum in the
engine's revisions table, so a file runs once per database and an edited applied file is an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cozelite.migrate import apply_folder

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The tables name no collation: binary comparison, which is what SQLite and PostgreSQL do by
# default too, so MariaDB compares names and keys exactly as the embedded engines do.
_COLLATION = "utf8mb4_bin"


def ensure_schema(services: Any) -> list[str]:
    """Apply the migration files not yet recorded; returns the names applied by this call."""
    result = apply_folder(str(MIGRATIONS_DIR), services.db, services.db_uri, default_collation=_COLLATION)
    return [f.file for f in result.files]
