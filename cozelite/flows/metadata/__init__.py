"""The app's metadata schema: MySQL DDL files in `migrations/`, created on every db.uri by
`ensure_schema` (the one code path), and small helpers the flows use to read and write it
through the db provider's contract (never SQL text built from values)."""

from cozelite.flows.metadata.schema import MIGRATIONS_DIR, ensure_schema
from cozelite.flows.metadata.store import eq, new_id, now_ms

__all__ = ["MIGRATIONS_DIR", "ensure_schema", "eq", "new_id", "now_ms"]
