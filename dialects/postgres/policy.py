"""What check_policy denies on PostgreSQL, beyond the base rules."""

from sqlglot import exp

from sqlparser.rules.policy import BASE_RULES


def show(node: exp.Expr) -> str:
    """A node as PostgreSQL writes it (`$1`, double-quoted names), for messages.

    sqlglot's PostgreSQL printer writes an anonymous placeholder as psycopg's `%s`; the statement
    had `?` there (the MySQL-compatible form the front end accepts), so it is shown as `?`.
    """
    shown = node.transform(lambda n: exp.var("?") if isinstance(n, exp.Placeholder) and not n.this else n)
    return shown.sql(dialect="postgres")


RULES = BASE_RULES.extend(
    system_schemas=("pg_catalog", "pg_toast", "pg_temp"),
    system_table_prefixes=("pg_",),
    denied_functions=(
        # files and large objects
        "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_ls_logdir", "pg_ls_waldir",
        "pg_ls_tmpdir", "pg_ls_archive_statusdir", "lo_import", "lo_export", "lo_get", "lo_put", "lo_open",
        "lo_create", "lo_from_bytea", "lo_unlink", "pg_file_write", "pg_logdir_ls",
        # other servers
        "dblink", "dblink_exec", "dblink_connect", "dblink_connect_u", "dblink_send_query", "dblink_get_result",
        # sleeping, locking, signalling, configuration
        "pg_sleep", "pg_sleep_for", "pg_sleep_until", "pg_advisory_lock", "pg_advisory_xact_lock",
        "pg_try_advisory_lock", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf",
        "pg_rotate_logfile", "set_config", "current_setting", "pg_notify",
        # functions that run a query given as text, which no tree check can see into
        "query_to_xml", "query_to_xml_and_xmlschema", "query_to_xmlschema", "cursor_to_xml",
        "table_to_xml", "table_to_xml_and_xmlschema", "schema_to_xml", "database_to_xml",
        "database_to_xml_and_xmlschema", "xpath_table",
        # server and session state
        "version", "current_user", "session_user", "user", "current_role", "inet_server_addr",
        "inet_server_port", "inet_client_addr", "pg_backend_pid", "current_database", "current_catalog",
        "current_schema", "current_schemas", "has_table_privilege", "txid_current", "pg_current_xact_id",
        "nextval", "setval", "currval", "lastval",
    ),
    table_functions=("generate_series", "explodinggenerateseries", "exploding_generate_series", "unnest",
                     "json_each", "jsonb_each", "json_array_elements",
                     "jsonb_array_elements", "json_each_text", "jsonb_each_text", "json_array_elements_text",
                     "jsonb_array_elements_text"),
    denied_nodes=(
        (exp.CurrentUser, "denied-function"),
        (exp.SessionUser, "denied-function"),
    ),
    show=show,
    denied_types=("regclass", "regproc", "regprocedure", "regoper", "regoperator", "regtype", "regconfig",
                  "regdictionary", "regnamespace", "regrole", "regcollation"),
    unlowered={"CopyStmt": "copy", "DoStmt": "do-block", "RangeFunction": "table-function",
               "CallStmt": "call", "VariableSetStmt": "set", "ListenStmt": "listen", "NotifyStmt": "notify",
               "LoadStmt": "load", "CreateExtensionStmt": "extension"},
)
