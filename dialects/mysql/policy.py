"""What check_policy denies on MySQL / MariaDB, beyond the base rules."""

from sqlglot import exp
from sqlglot.dialects.mysql import MySQL
from sqlglot.errors import TokenError

from sqlparser.rules.policy import BASE_RULES

_TOKENIZER_DIALECT = MySQL()


def comments_of(sql: str) -> list[str]:
    """Every comment in the text, as MySQL's lexer sees it (string literals are not comments)."""
    try:
        tokens = _TOKENIZER_DIALECT.tokenize(sql)
    except TokenError:
        return []  # the front end has already rejected text it cannot tokenize
    return [comment for token in tokens for comment in token.comments]


def show(node: exp.Expr) -> str:
    """A node as MySQL writes it (`@x`, backquoted names), for messages."""
    return node.sql(dialect="mysql")


RULES = BASE_RULES.extend(
    show=show,
    system_schemas=("mysql", "performance_schema", "sys"),
    denied_functions=(
        # files and the server's host
        "load_file", "sys_exec", "sys_eval",
        # time and lock based denial of service / side channels
        "sleep", "benchmark", "get_lock", "release_lock", "release_all_locks", "is_free_lock", "is_used_lock",
        "master_pos_wait", "source_pos_wait", "master_gtid_wait",
        # server and session state
        "version", "current_version", "user", "current_user", "session_user", "system_user", "connection_id",
        "database", "schema", "current_schema", "name_const",
    ),
    denied_nodes=(
        (exp.CurrentUser, "denied-function"),
        (exp.SessionUser, "denied-function"),
        (exp.Parameter, "user-variable"),
    ),
    unlowered={
        "SELECT ... INTO OUTFILE": "into-outfile",
        "SELECT ... INTO DUMPFILE": "into-outfile",
        "SELECT ... INTO": "select-into",
    },
    executable_comments=("!", "M!"),
    comments_of=comments_of,
)
