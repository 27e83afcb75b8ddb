"""PostgreSQL front end: libpg_query (through pglast) decides validity, `lower` builds the IR.

Every lowered statement is checked before it is handed out: it is printed natively, parsed again
by PostgreSQL's parser and compared with the original parse tree (locations ignored). A statement
whose IR would print back to something PostgreSQL reads differently is returned unlowered
(`Statement.tree is None`, `unsupported` names the first differing node), so no transform can
silently change its meaning.

Applications send the same statement texts again and again, and the check costs about as much as
the parse, so parsed statements are kept in a bounded LRU cache keyed by the text (one per
portable_names setting). Callers always get a copy of the tree: the contract's passes mutate it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import pglast
from pglast import ast, enums
from sqlglot import exp

from dialects.postgres import compat_lexer
from dialects.postgres.lower import Lowerer, Unsupported
from dialects.postgres.native import SQLGLOT_DIALECT
from sqlparser.errors import SQLSyntaxError
from sqlparser.frontend import Statement, StatementCache
from sqlparser.types import OperationType

_NEAR = re.compile(r'at or near "(.*)"\Z', re.S)


def _line_col(sql: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(sql)))
    line = sql.count("\n", 0, offset) + 1
    return line, offset - (sql.rfind("\n", 0, offset) + 1) + 1


def _syntax_error(err: pglast.parser.ParseError, sql: str, compat: compat_lexer.CompatText | None) -> SQLSyntaxError:
    message = err.args[0] if err.args else str(err)
    offset = err.args[1] if len(err.args) > 1 and err.args[1] is not None else None
    match = _NEAR.search(message)
    token = match.group(1) if match else None
    reason = message.split(" at or near ")[0].split(" at end of input")[0]
    if offset is None:
        line, column = _line_col(sql, len(sql.rstrip()))
        return SQLSyntaxError(reason, line=line, column=column, token=None, sql=sql)
    if compat is not None:
        offset = compat.original_offset(offset)
    line, column = _line_col(sql, offset)
    return SQLSyntaxError(reason, line=line, column=column, token=token, sql=sql)


def parse_pg(sql: str) -> tuple[Any, compat_lexer.CompatText | None]:
    """The single pglast statement of `sql` and the MySQL-compat rewrite used, if one was needed."""
    # MySQL-style `?` and backquotes are rewritten whenever present, not only when the raw text
    # fails to parse: `x = ? - 1` and `` `a` `` are also (meaningless) PostgreSQL operator syntax.
    try:
        compat = compat_lexer.rewrite(sql)
    except compat_lexer.CompatLexError as lex:
        line, column = _line_col(sql, lex.offset)
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
        second_at = stmts[1].stmt_location
        if compat is not None:
            second_at = compat.original_offset(second_at)
        while second_at < len(sql) and sql[second_at].isspace():
            second_at += 1
        line, column = _line_col(sql, second_at)
        raise SQLSyntaxError("expected exactly one statement; split the text and send one at a time",
                             line=line, column=column, token=sql[second_at:].split(None, 1)[0] or None, sql=sql)
    return stmts[0].stmt, compat


def classify(node: Any) -> tuple[OperationType, str | None]:
    """The Go contract's operation type of a pglast statement, and the first table it names."""
    if isinstance(node, ast.SelectStmt):
        return OperationType.SELECT, _select_table(node)
    if isinstance(node, ast.InsertStmt):
        return OperationType.INSERT, node.relation.relname
    if isinstance(node, ast.UpdateStmt):
        return OperationType.UPDATE, node.relation.relname
    if isinstance(node, ast.DeleteStmt):
        return OperationType.DELETE, node.relation.relname
    if isinstance(node, ast.CreateStmt):
        return OperationType.CREATE, node.relation.relname
    if isinstance(node, ast.CreateTableAsStmt) and node.objtype == enums.ObjectType.OBJECT_TABLE:
        return OperationType.CREATE, node.into.rel.relname
    if isinstance(node, ast.AlterTableStmt) and node.objtype == enums.ObjectType.OBJECT_TABLE:
        return OperationType.ALTER, node.relation.relname
    if isinstance(node, ast.DropStmt) and node.removeType == enums.ObjectType.OBJECT_TABLE:
        return OperationType.DROP, None
    if isinstance(node, ast.TruncateStmt):
        return OperationType.TRUNCATE, node.relations[0].relname if node.relations else None
    return OperationType.UNKNOWN, None


def _select_table(node: ast.SelectStmt) -> str | None:
    while node.op != enums.SetOperation.SETOP_NONE:
        node = node.larg
    item = node.fromClause[0] if node.fromClause else None
    while isinstance(item, ast.JoinExpr):
        item = item.larg
    return item.relname if isinstance(item, ast.RangeVar) else None


_LOCATION_FIELDS = frozenset({
    "location", "arg_location", "conninfo_location", "name_location", "payload_location", "list_start",
    "list_end", "rexpr_list_start", "rexpr_list_end", "stmt_len", "stmt_location",
})


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """None when two pglast trees are equal ignoring locations; else the first differing node's name."""
    if isinstance(a, ast.Node) or isinstance(b, ast.Node):
        if type(a) is not type(b):
            return type(a).__name__ if isinstance(a, ast.Node) else type(b).__name__
        for name in a.__slots__:
            if name in _LOCATION_FIELDS:
                continue
            diff = first_difference(getattr(a, name, None), getattr(b, name, None), path)
            if diff is not None:
                return diff if diff != "" else type(a).__name__
        return None
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a) != len(b):
            return ""
        for x, y in zip(a, b, strict=True):
            diff = first_difference(x, y, path)
            if diff is not None:
                return diff
        return None
    return None if a == b else ""


_KEYS = "|".join(sorted(_LOCATION_FIELDS))
# A location key with its separating comma: `,"k":N` after another member, else `"k":N,` first.
_LOCATION_JSON = re.compile(rf',"(?:{_KEYS})":-?\d+|"(?:{_KEYS})":-?\d+,?')


def _tree_json(sql: str) -> str:
    """libpg_query's JSON parse tree without positions: equal strings mean equal trees.

    (Building pglast's Python objects costs ten times the parse itself; comparing the C parser's
    JSON is the cheap way to compare trees. A quote inside a JSON string value is escaped, so the
    pattern only ever matches real location keys.)
    """
    return _LOCATION_JSON.sub("", pglast.parser.parse_sql_json(sql))


def render_check(tree: exp.Expression) -> str:
    """Native text used by the round-trip check: `$n` placeholders. (Lowering already quotes every
    name that needs it, so the quoting normalizer has nothing to do here.)"""
    return _check_dialect().generate(tree, copy=True, unsupported_level=_RAISE)


@functools.cache
def _check_dialect() -> Any:
    from sqlglot.dialects.dialect import Dialect as SqlglotDialect

    return SqlglotDialect.get_or_raise(SQLGLOT_DIALECT)


CACHE_SIZE = 512
"""Statements kept per portable_names setting."""


_CACHES = {True: StatementCache(CACHE_SIZE), False: StatementCache(CACHE_SIZE)}


def clear_cache() -> None:
    """Forget every cached statement (the benchmark measures cold and warm parses with it)."""
    for cache in _CACHES.values():
        cache.clear()



class PostgresFrontend:
    """Thread-safe: holds only options and the shared cache."""

    def __init__(self, *, portable_names: bool = True, cache: bool = True) -> None:
        self.portable_names = portable_names
        self._cache = _CACHES[bool(portable_names)] if cache else None

    def parse(self, sql: str) -> Statement:
        return self._parse(sql) if self._cache is None else self._cache.parse(sql, self._parse)

    def _parse(self, sql: str) -> Statement:
        node, compat = parse_pg(sql)
        operation, table = classify(node)
        if not isinstance(node, (ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)):
            return Statement(sql=sql, operation=operation, tree=None, unsupported=type(node).__name__, table=table)
        lowerer = Lowerer(anonymous_params=compat is not None and compat.placeholders > 0,
                          text=compat.text if compat is not None else sql)
        try:
            tree = lowerer.statement(node)
        except Unsupported as err:
            return Statement(sql=sql, operation=operation, tree=None, unsupported=err.construct, table=table)
        mismatch = self._round_trip(tree, node, compat.text if compat is not None else sql)
        if mismatch is not None:
            return Statement(sql=sql, operation=operation, tree=None, unsupported=mismatch, table=table)
        if self.portable_names:
            self._check_portable(tree, sql)
        return Statement(sql=sql, operation=operation, tree=tree, table=table)

    @staticmethod
    def _round_trip(tree: exp.Expression, node: Any, parsed_text: str) -> str | None:
        try:
            printed = render_check(tree)
            same = _tree_json(printed) == _tree_json(parsed_text)
        except Exception:  # printing or re-parsing failed: the IR is not faithful
            return "round-trip: not printable"
        if same:
            return None
        again = pglast.parse_sql(printed)
        if len(again) != 1:
            return "round-trip: statement count"
        return f"round-trip: {first_difference(node, again[0].stmt) or 'RawStmt'}"

    @staticmethod
    def _check_portable(tree: exp.Expression, sql: str) -> None:
        try:
            from sqlparser.portable_names import check_portable_names
        except ImportError:  # the shared rule has not landed yet
            return
        check_portable_names(tree, sql)

    def parse_condition(self, condition: str) -> exp.Expression:
        try:
            stmt = self.parse(_CONDITION_PREFIX + condition)
        except SQLSyntaxError as err:
            column = err.column - len(_CONDITION_PREFIX) if err.line == 1 else err.column
            raise SQLSyntaxError(err.reason, line=err.line, column=max(1, column), token=err.token,
                                 sql=condition) from None
        where = stmt.tree.args.get("where") if isinstance(stmt.tree, exp.Select) else None
        extra = [k.rstrip("_").upper() for k, v in stmt.tree.args.items()
                 if v and k not in ("expressions", "from_", "where")] if where is not None else []
        if where is None or extra:
            what = ", ".join(extra) if extra else (stmt.unsupported or type(stmt.tree).__name__.upper())
            raise SQLSyntaxError(f"not a plain boolean condition (it adds: {what})", line=1, column=1,
                                 token=condition.split(None, 1)[0], sql=condition)
        return where.this


_CONDITION_PREFIX = "SELECT * FROM t WHERE "

from sqlglot.errors import ErrorLevel  # noqa: E402

_RAISE = ErrorLevel.RAISE
