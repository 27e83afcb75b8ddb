"""What check_policy denies on SQLite, beyond the base rules."""

from sqlparser.rules.policy import BASE_RULES

RULES = BASE_RULES.extend(
    # `main.t` names the user's own database, but every qualified name is refused (one rule, no
    # guessing which schema a name means); `temp` and attached databases are never the user's.
    system_schemas=("temp",),
    system_tables=("sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema", "sqlite_sequence",
                   "sqlite_stat1", "sqlite_stat4", "sqlite_dbpage", "dbstat", "fsdir", "zipfile", "sqlar"),
    system_table_prefixes=("sqlite_", "pragma_"),
    denied_functions=(
        "load_extension", "readfile", "writefile", "edit", "fsdir", "fts3_tokenizer", "sqlite_version",
        "sqlite_source_id", "sqlite_compileoption_get", "sqlite_compileoption_used", "sqlite_offset",
        "changes", "total_changes", "last_insert_rowid", "zeroblob", "randomblob",
    ),
    table_functions=("json_each", "json_tree", "generate_series"),
    unlowered={"ATTACH": "attach", "DETACH": "attach", "PRAGMA": "pragma", "VACUUM": "vacuum",
               "REINDEX": "maintenance", "ANALYZE": "maintenance"},
)
