"""Which DDL statements the MySQL front end reads itself, and how (see `alter` and `create`).

`read_ddl` returns the tree of a DDL statement this package reads, None for any other statement
(sqlglot reads it as usual), or raises `Unlowerable` for valid DDL the IR cannot hold (it still
classifies). Account statements (CREATE / ALTER / DROP USER and ROLE, ALTER INSTANCE) have no IR
node at all: they are checked loosely here (account names, balanced text) and named.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from dialects.mysql.alter import parse_alter_table
from dialects.mysql.create import (
    _user_end,
    alter_database,
    create_index,
    create_table,
    create_view,
    database_options,
    drop_index,
    refuse_storage_option,
)
from dialects.mysql.ddl import Parse, option_names, words
from dialects.mysql.ddl_words import column_words
from dialects.mysql.errors import token_error
from dialects.mysql.lower import retyped
from sqlparser.ir import Unlowerable
from sqlparser.types import OperationType

_VIEW_OPTIONS = frozenset({"ALGORITHM", "DEFINER", "SQL SECURITY"})


def read_ddl(tokens: list[Token], sql: str, parse: Parse) -> exp.Expression | None:
    tree = _read(tokens, sql, parse)
    return option_names(tree) if tree is not None else None


def _read(tokens: list[Token], sql: str, parse: Parse) -> exp.Expression | None:
    if len(tokens) < 2:
        return None
    verb = words(tokens, 0, 1)[0]
    first = words(tokens, 1, 3)
    if verb == "ALTER":
        if tokens[1].token_type is TokenType.TABLE and len(tokens) > 2:
            spelled, dropped = column_words(tokens, sql)
            tree = parse_alter_table(spelled, sql, parse)
            if dropped is not None:
                raise Unlowerable(dropped)
            refuse_storage_option(tree)
            return tree
        if first[0] in ("DATABASE", "SCHEMA"):
            return alter_database(tokens, sql, parse)
        if first[0] in ("USER", "ROLE"):
            _accounts(tokens, sql, 2)
        if first[:1] == ["INSTANCE"]:
            _instance(tokens, sql)
        return None
    if verb == "CREATE":
        at = 1
        if first[:2] == ["OR", "REPLACE"]:
            at = 3
        word = words(tokens, at, 1)[0] if at < len(tokens) else ""
        if word == "TABLE" or (word == "TEMPORARY" and words(tokens, at + 1, 1) == ["TABLE"]):
            return create_table(tokens, sql, parse)
        if word in ("INDEX", "UNIQUE", "FULLTEXT", "SPATIAL") and at == 1:
            return create_index(tokens, sql, parse)
        if word in _VIEW_OPTIONS or word == "VIEW":
            return create_view(tokens, sql, parse)
        if word in ("DATABASE", "SCHEMA"):
            return parse(database_options(tokens, 2, sql), sql)
        if word in ("USER", "ROLE") and at == 1:
            _accounts(tokens, sql, 2)
        return None
    if verb == "DROP":
        if first[0] == "TABLES":  # MySQL's synonym of DROP TABLE
            return parse([tokens[0], retyped(tokens[1], TokenType.TABLE, "TABLE"), *tokens[2:]], sql)
        if first[0] == "INDEX":
            return drop_index(tokens, sql, parse)
        if first[0] in ("USER", "ROLE"):
            _accounts(tokens, sql, 2)
    return None


def operation_of_unlowerable(tokens: list[Token]) -> OperationType:
    """The classification of a statement without a tree, from its first words (as TiDB's node
    types: CREATE / ALTER / DROP only for tables)."""
    verb = words(tokens, 0, 1)[0] if tokens else ""
    on_table = any(t.token_type is TokenType.TABLE for t in tokens[1:3])
    if verb == "ALTER" and on_table:
        return OperationType.ALTER
    if verb == "CREATE" and on_table:
        return OperationType.CREATE
    if verb == "DROP" and on_table:
        return OperationType.DROP
    return OperationType.UNKNOWN


def _accounts(tokens: list[Token], sql: str, i: int) -> None:
    """USER / ROLE statements: `[IF [NOT] EXISTS] account [options] [, account [options]] ...`."""
    kind = words(tokens, 1, 1)[0]
    if words(tokens, i, 2) == ["IF", "EXISTS"]:
        i += 2
    elif words(tokens, i, 3) == ["IF", "NOT", "EXISTS"]:
        i += 3
    if i >= len(tokens):
        raise token_error(tokens[-1], sql, f"{kind} needs an account name")
    if words(tokens, i, 1) == ["USER"] and i + 2 < len(tokens) and tokens[i + 1].token_type is TokenType.L_PAREN:
        i += 3  # USER(): the current account
    else:
        i = _user_end(tokens, i, sql)
    depth = 0
    for tok in tokens[i:]:
        if tok.token_type is TokenType.L_PAREN:
            depth += 1
        elif tok.token_type is TokenType.R_PAREN:
            depth -= 1
            if depth < 0:
                raise token_error(tok, sql, "unbalanced parenthesis")
    head = " ".join(words(tokens, 0, 2))
    raise Unlowerable(f"{head} (account management)")


def _instance(tokens: list[Token], sql: str) -> None:
    rest = words(tokens, 2, len(tokens))
    allowed = (["RELOAD", "TLS"], ["RELOAD", "TLS", "NO", "ROLLBACK", "ON", "ERROR"],
               ["ROTATE", "INNODB", "MASTER", "KEY"], ["ROTATE", "BINLOG", "MASTER", "KEY"],
               ["RELOAD", "KEYRING"])
    if rest not in allowed:
        raise token_error(tokens[min(2, len(tokens) - 1)], sql, "unknown ALTER INSTANCE action")
    raise Unlowerable("ALTER INSTANCE")
