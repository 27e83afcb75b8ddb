"""Migrations: a folder of MySQL migration files applied on SQLite, PostgreSQL or MySQL/MariaDB
through the db provider (docs/migrations.md).

    from cozelite.migrate import apply, plan, status
    apply("migrations/", "sqlite:///var/data/sqlite/app.db", database_map={"app": ""})
"""

from cozelite.migrate.engine import (
    FilePlan,
    FileStatus,
    Migrator,
    Options,
    Result,
    StatementPlan,
    apply,
    apply_folder,
    describe,
    parse_database_map,
    plan,
    status,
)
from cozelite.migrate.model import MigrationError

__all__ = ["FilePlan", "FileStatus", "MigrationError", "Migrator", "Options", "Result", "StatementPlan", "apply",
           "apply_folder", "describe", "parse_database_map", "plan", "status"]
