"""The app's metadata schema: created by `ensure_schema` (the migration engine) from the MySQL files, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from cozelite.flows.metadata import MIGRATIONS_DIR, ensure_schema
from cozelite.migrate import status
from cozelite.migrate.files import split


def test_migration_files_are_plain_mysql_create_table_if_not_exists() -> None:
    from sqlparser import new_parser

    mysql = new_parser("mysql")
    files = sorted(MIGRATIONS_DIR.glob("*.sql"))
    assert files and files[0].name.startswith("0001_")
    for path in files:
        for st in split(path.read_text(encoding="utf-8"), path.name):
            statement = st.sql
            assert statement.upper().startswith("CREATE TABLE IF NOT EXISTS"), statement
            assert mysql.get_sql_operation(statement).value == "CREATE"


def test_ensure_schema_runs_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cozelite.config import load_config, prepare_data_dirs
    from cozelite.flows.services import Services
    from cozelite.wiring import open_providers

    monkeypatch.chdir(tmp_path)
    config = load_config(env={}, lite=True)
    prepare_data_dirs(config)
    services = Services(open_providers(config, areas=("db",)))
    try:
        first = ensure_schema(services)
        assert first == [p.name for p in sorted(MIGRATIONS_DIR.glob("*.sql"))]
        assert ensure_schema(services) == []
        for table in ("users", "api_keys", "user_databases", "database_tables", "database_fields",
                      "knowledge_bases", "documents", "files"):
            assert services.db.get_table(table).name == table
        # Recorded by the migration engine, checksum and all: `cozelite migrate status` agrees.
        states = status(str(MIGRATIONS_DIR), services.db, uri=services.db_uri)
        assert [(st.file, st.state) for st in states] == [(name, "applied") for name in first]
    finally:
        services.close()
