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
    account_end,
    alter_database,
    create_index,
    create_table,
    create_view,
    database_options,
    drop_index,
    refuse_storage_option,
)
from dialects.mysql.ddl import Parse, option_names, split_top_level, words
from dialects.mysql.ddl_words import column_words
from dialects.mysql.errors import token_error
from dialects.mysql.lower import retyped
from dialects.mysql.parsing import tokenize
from sqlparser.ir import Unlowerable, operation_of
from sqlparser.types import OperationType

_VIEW_OPTIONS = frozenset({"ALGORITHM", "DEFINER", "SQL SECURITY"})


def read_ddl(tokens: list[Token], sql: str, parse: Parse) -> exp.Expression | None:
    tree = _read(tokens, sql, parse)
    return option_names(tree) if tree is not None else None


_DDL_VERBS = frozenset({"ALTER", "CREATE", "RENAME", "DROP"})
"""The first words `_read` looks further at; any other statement has no DDL reading."""


def _read(tokens: list[Token], sql: str, parse: Parse) -> exp.Expression | None:
    # The test of the first word alone first: most statements are DML, and `words` builds lists.
    if len(tokens) < 2 or tokens[0].token_type is TokenType.IDENTIFIER or tokens[0].text.upper() not in _DDL_VERBS:
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
    if verb == "RENAME" and tokens[1].token_type is TokenType.STRING:
        # sqlglot's tokenizer keeps the rest of a RENAME statement as one string: read it again,
        # blanking the verb so that every position stays right
        start = tokens[0].start
        again = tokenize(sql[:start] + " " * (tokens[0].end + 1 - start) + sql[tokens[0].end + 1:])
        tokens = [tokens[0], *[t for t in again if t.start > tokens[0].end]]
        if words(tokens, 1, 1)[0] in ("TABLE", "TABLES"):
            return _rename_table(tokens, sql, parse)
        return None
    if verb == "DROP":
        if first[0] == "TABLES":  # MySQL's synonym of DROP TABLE
            return parse([tokens[0], retyped(tokens[1], TokenType.TABLE, "TABLE"), *tokens[2:]], sql)
        if first[0] == "INDEX":
            return drop_index(tokens, sql, parse)
        if first[0] in ("USER", "ROLE"):
            _accounts(tokens, sql, 2)
    return None


RENAME_TABLE = "mysql_rename_table"
"""Meta key on the exp.Alter a `RENAME TABLE a TO b` statement is read into (ALTER TABLE a RENAME
TO b does the same; the key lets printers and the classification keep the statement's own form)."""


def _rename_table(tokens: list[Token], sql: str, parse: Parse) -> exp.Expression:
    """RENAME TABLE a TO b: `exp.Alter(this=a, actions=[AlterRename(this=b)])`, meta RENAME_TABLE.
    Several pairs swap tables in one atomic step, which no single IR node holds: Unlowerable."""
    pairs = split_top_level(tokens[2:])
    trees = []
    for pair in pairs:
        to = next((k for k, t in enumerate(pair) if words(pair, k, 1) == ["TO"]), None)
        if not pair or to is None or to == 0 or to == len(pair) - 1:
            raise token_error(pair[0] if pair else tokens[-1], sql, "RENAME TABLE takes old_name TO new_name pairs")
        spelled = [retyped(tokens[0], TokenType.ALTER, "ALTER"), tokens[1] if tokens[1].token_type is TokenType.TABLE
                   else retyped(tokens[1], TokenType.TABLE, "TABLE"), *pair[:to],
                   retyped(pair[to], TokenType.RENAME, "RENAME"), *pair[to:]]
        tree = parse(spelled, sql)
        actions = tree.args.get("actions") or []
        if not isinstance(tree, exp.Alter) or len(actions) != 1 or not isinstance(actions[0], exp.AlterRename):
            raise token_error(pair[0], sql, "RENAME TABLE takes old_name TO new_name pairs")
        trees.append(tree)
    if len(trees) > 1:
        raise Unlowerable("RENAME TABLE of several tables")
    trees[0].meta[RENAME_TABLE] = True
    return trees[0]


def statement_operation(tree: exp.Expression) -> OperationType:
    """The classification of a statement with a tree (RENAME TABLE, read as an Alter, is UNKNOWN)."""
    if tree._meta and tree.meta.get(RENAME_TABLE):
        return OperationType.UNKNOWN
    if isinstance(tree, exp.Alter) and str(tree.args.get("kind") or "").upper() != "TABLE":
        return OperationType.UNKNOWN  # ALTER DATABASE: TiDB's AlterDatabaseStmt is not classified
    return operation_of(tree)


def operation_of_unlowerable(tokens: list[Token]) -> OperationType:
    """The classification of a statement without a tree, from its first words (as TiDB's node
    types: CREATE / ALTER / DROP only for tables)."""
    verb = words(tokens, 0, 1)[0] if tokens else ""
    on_table = any(t.token_type is TokenType.TABLE for t in tokens[1:3])
    # (RENAME TABLE is UNKNOWN: TiDB's RenameTableStmt is none of the classified statements)
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
        i = account_end(tokens, i, sql)
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
