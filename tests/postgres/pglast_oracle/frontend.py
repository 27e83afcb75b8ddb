"""The PostgreSQL front end's parse and lowering as they were over pglast's Python objects (main at
7206215): the oracle that tests/postgres/test_json_lowering.py compares the JSON lowering with.

Only `parse_pg`, `classify` and `_parse_uncached` differ from `dialects/postgres/frontend.py`;
the round-trip check and the caches are the product's own.
"""

from __future__ import annotations

from typing import Any

import pglast
from pglast import ast, enums

from dialects.postgres import compat_lexer
from dialects.postgres.frontend import PostgresFrontend, _syntax_error, round_trip_mismatch
from sqlparser.errors import SQLSyntaxError
from sqlparser.frontend import Statement
from sqlparser.ir import Unlowerable, line_column
from sqlparser.types import OperationType
from tests.postgres.pglast_oracle.lower import Lowerer


def parse_pg(sql: str) -> tuple[Any, compat_lexer.CompatText | None]:
    try:
        compat = compat_lexer.rewrite(sql)
    except compat_lexer.CompatLexError as lex:
        line, column = line_column(sql, lex.offset)
        raise SQLSyntaxError(str(lex), line=line, column=column, token=sql[lex.offset : lex.offset + 1],
                             sql=sql) from None
    try:
        stmts = pglast.parse_sql(compat.text if compat is not None else sql)
    except pglast.parser.ParseError as err:
        raise _syntax_error(err, sql, compat) from None
    if len(stmts) != 1:
        if not stmts:
            raise SQLSyntaxError("no statement found (only comments or semicolons)", line=1, column=1, token=None,
                                 sql=sql)
        second_at = stmts[1].stmt_location or 0  # pglast leaves a zero field as None
        if compat is not None:
            second_at = compat.original_offset(second_at)
        while second_at < len(sql) and sql[second_at].isspace():
            second_at += 1
        line, column = line_column(sql, second_at)
        raise SQLSyntaxError("expected exactly one statement; split the text and send one at a time",
                             line=line, column=column, token=sql[second_at:].split(None, 1)[0] or None, sql=sql)
    return stmts[0].stmt, compat


def classify(node: Any) -> tuple[OperationType, str | None]:
    if isinstance(node, ast.SelectStmt):
        return OperationType.SELECT, _select_table(node)
    if isinstance(node, ast.InsertStmt):
        return OperationType.INSERT, _relname(node.relation)
    if isinstance(node, ast.UpdateStmt):
        return OperationType.UPDATE, _relname(node.relation)
    if isinstance(node, ast.DeleteStmt):
        return OperationType.DELETE, _relname(node.relation)
    if isinstance(node, ast.CreateStmt):
        return OperationType.CREATE, _relname(node.relation)
    if isinstance(node, ast.CreateTableAsStmt) and node.objtype == enums.ObjectType.OBJECT_TABLE:
        return OperationType.CREATE, _relname(node.into.rel) if node.into is not None else None
    if isinstance(node, ast.AlterTableStmt) and node.objtype == enums.ObjectType.OBJECT_TABLE:
        return OperationType.ALTER, _relname(node.relation)
    if isinstance(node, ast.DropStmt) and node.removeType == enums.ObjectType.OBJECT_TABLE:
        return OperationType.DROP, None
    if isinstance(node, ast.TruncateStmt):
        return OperationType.TRUNCATE, _relname(node.relations[0]) if node.relations else None
    return OperationType.UNKNOWN, None


def _relname(rv: ast.RangeVar | None) -> str | None:
    return rv.relname if rv is not None else None


def _select_table(node: ast.SelectStmt) -> str | None:
    while node.op != enums.SetOperation.SETOP_NONE:
        if node.larg is None:
            return None
        node = node.larg
    item = node.fromClause[0] if node.fromClause else None
    while isinstance(item, ast.JoinExpr):
        item = item.larg
    return item.relname if isinstance(item, ast.RangeVar) else None


class OracleFrontend(PostgresFrontend):
    """The front end with the object lowering (use with `cache=False`)."""

    def _parse_uncached(self, sql: str) -> Statement:
        node, compat = parse_pg(sql)
        operation, table = classify(node)
        if not isinstance(node, (ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)):
            return Statement(sql=sql, operation=operation, tree=None, unsupported=type(node).__name__, table=table)
        parsed_text = compat.text if compat is not None else sql
        anonymous = compat is not None and compat.placeholders > 0
        lowerer = Lowerer(anonymous_params=anonymous, text=parsed_text)
        try:
            tree = lowerer.statement(node)
        except Unlowerable as err:
            return Statement(sql=sql, operation=operation, tree=None, unsupported=err.construct, table=table)
        mismatch = round_trip_mismatch(tree, node, parsed_text, anonymous)
        if mismatch is not None:
            return Statement(sql=sql, operation=operation, tree=None, unsupported=mismatch, table=table)
        return Statement(sql=sql, operation=operation, tree=tree, table=table)
