"""The portable-names rule: a name that is a MySQL 8 reserved word must be quoted.

User SQL may be written for SQLite or PostgreSQL today and run on MySQL tomorrow (Coze Studio's
own backend is MySQL). `INSERT INTO database (...)` parses on SQLite but not on MySQL 8, so every
front end built with `portable_names=True` rejects unquoted reserved words used as names, telling
the user how to fix it. The MySQL front end applies the same rule unconditionally, because MySQL
itself rejects such statements.

A word after a dot (`t.key`, `db.order`) is exempt: MySQL reads it as a name whatever it is. So
are the few reserved words sqlglot lowers into names where MySQL reads them as keywords
(`FROM DUAL`, `SET a = DEFAULT`, `SELECT CURRENT_DATE`, `USE INDEX (PRIMARY)`).
"""

from __future__ import annotations

import re

from sqlglot import exp

from sqlparser.errors import SQLSyntaxError
from sqlparser.ir import line_column
from sqlparser.mysql8_reserved import (
    DEFAULT_VALUE_WORD,
    DUAL_TABLE,
    INDEX_HINT_WORDS,
    KEYWORD_FUNCTIONS,
    MYSQL8_RESERVED_WORDS,
)
from sqlparser.name_walk import Names, walk_names

# The parts of a qualified name, outermost first. Every part but the first follows a dot.
_NAME_PARTS: dict[type[exp.Expr], tuple[str, ...]] = {
    exp.Column: ("catalog", "db", "table", "this"),
    exp.Table: ("catalog", "db", "this"),
}


def is_unquoted_reserved(identifier: exp.Identifier) -> bool:
    """True when `identifier` is a bare MySQL 8 reserved word in a position that needs quoting."""
    if identifier.args.get("quoted"):
        return False
    name = identifier.this
    if not isinstance(name, str) or name.upper() not in MYSQL8_RESERVED_WORDS:
        return False
    return not follows_dot(identifier) and not read_as_keyword(identifier)


def read_as_keyword(identifier: exp.Identifier) -> bool:
    """The few places MySQL reads a reserved word as its keyword where sqlglot made it a name."""
    word = identifier.this.upper()
    parent = identifier.parent
    if isinstance(parent, exp.Column) and len(parent.parts) == 1:
        if word in KEYWORD_FUNCTIONS:
            return True
        if word == DEFAULT_VALUE_WORD and isinstance(parent.parent, (exp.EQ, exp.Tuple, exp.Anonymous)):
            return True
    if isinstance(parent, exp.Table) and word == DUAL_TABLE and len(parent.parts) == 1:
        return True
    return isinstance(parent, exp.IndexTableHint) and word in INDEX_HINT_WORDS


def follows_dot(identifier: exp.Identifier) -> bool:
    parent = identifier.parent
    if parent is None:
        return False
    parts = _NAME_PARTS.get(type(parent))
    if parts is None:
        return False
    for key in parts:
        part = parent.args.get(key)
        if part is not None:
            # The first part present is the leading one; only the parts after it follow a dot.
            return part is not identifier
    return False


def reserved_name_error(identifier: exp.Identifier, sql: str) -> SQLSyntaxError:
    """The error for an unquoted reserved word, positioned at the word in `sql`."""
    word = identifier.this
    line, column = _position(identifier, sql)
    return SQLSyntaxError(
        f"{word!r} is a reserved word in MySQL 8 and cannot be used as a name unquoted; "
        f"quote it as `{word}` (or rename it)",
        line=line, column=column, token=word, sql=sql)


def check_portable_names(tree: exp.Expression, sql: str) -> Names:
    """Raise SQLSyntaxError for the first unquoted identifier in `tree` that is a MySQL 8 reserved word.

    First in breadth-first order, as `tree.walk()` meets them. The walk is `name_walk.walk_names`
    (every statement a front end parses goes through here): its lists are returned, for the rename
    pass to use instead of walking the same tree again (`TreeFacts.names`)."""
    names = walk_names(tree)
    identifier, reserved = exp.Identifier, MYSQL8_RESERVED_WORDS
    for node in names.identifiers:
        # `is_unquoted_reserved`'s cheap first tests inline: nearly every name fails them.
        if type(node) is identifier and not node.args.get("quoted"):
            name = node.this
            if isinstance(name, str) and name.upper() in reserved and is_unquoted_reserved(node):
                raise reserved_name_error(node, sql)
    return names


def _position(identifier: exp.Identifier, sql: str) -> tuple[int, int]:
    meta = identifier.meta if identifier._meta else None
    start = meta.get("start") if meta else None
    if isinstance(start, int) and 0 <= start < len(sql):
        return line_column(sql, start)
    # Front ends that lower from another AST may not record positions: find the bare word.
    match = re.search(rf"(?<![\w`\"'.$]){re.escape(identifier.this)}(?![\w`\"'$])", sql, re.IGNORECASE)
    if match is None:
        return 1, 1
    return line_column(sql, match.start())
