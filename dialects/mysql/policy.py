"""What check_policy denies on MySQL / MariaDB, beyond the base rules."""

from sqlglot import exp

from sqlparser.passes.policy import BASE_RULES

RULES = BASE_RULES.extend(
    system_schemas=("mysql", "performance_schema", "sys"),
    denied_functions=(
        # files and the server's host
        "load_file", "sys_exec", "sys_eval",
        # time and lock based denial of service / side channels
        "sleep", "benchmark", "get_lock", "release_lock", "release_all_locks", "is_free_lock", "is_used_lock",
        "master_pos_wait", "source_pos_wait", "master_gtid_wait",
        # server and session state
        "version", "current_version", "user", "current_user", "session_user", "system_user", "connection_id",
        "database", "schema", "current_schema",
        "name_const",
    ),
    denied_nodes=(
        (exp.CurrentUser, "denied-function"),
        (exp.SessionUser, "denied-function"),
    ),
)
