"""MySQL front end: sqlglot read="mysql" plus the checks that make it as strict as MySQL 8.

The flow of one statement: tokenize (`parsing`), one scan over the tokens applying the token
rules and noting the statement's features (`token_rules`), the token rewrites sqlglot needs
(`lower`), sqlglot's parse (`parsing`), one walk over the tree applying the tree rules
(`tree_rules`) and the fix-ups of sqlglot's reading (`lower`). The rules' tables are in `rules`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from dialects.mysql import lower, native
from dialects.mysql.ddl_comments import run_executable_comments
from dialects.mysql.ddl_statement import operation_of_unlowerable, read_ddl, statement_operation
from dialects.mysql.parsing import parse_tokens, quiet_sqlglot_noise, tokenize
from dialects.mysql.token_rules import scan, unwrap_executable_comments
from dialects.mysql.tree_rules import check_tree
from sqlparser.errors import SQLParserError, SQLSyntaxError, UnsupportedStatementError
from sqlparser.frontend import CachedFrontend, Statement, TreeFacts
from sqlparser.ir import Unlowerable, first_table, operation_of
from sqlparser.shapes import Shape, Slot, make_shape, plain_slot


class MySQLFrontend(CachedFrontend):
    """Parses one MySQL 8 statement into the IR. Thread-safe: holds options and the shared cache.

    `portable_names` is accepted for symmetry with the other front ends: MySQL itself rejects
    unquoted reserved words, so this front end always does.
    """

    CACHE_SIZE = 1024
    LITERAL_RUNS = "mysql"  # long runs of plain literals fold (sqlparser.literal_runs)
    # MySQL's own grammar rejects unquoted reserved words: the shared rule has nothing to add.
    CHECKS_PORTABLE_NAMES = False

    def __init__(self, *, portable_names: bool = True, cache: bool = True) -> None:
        super().__init__(portable_names=portable_names, cache=cache)
        quiet_sqlglot_noise()

    def _shape(self, sql: str) -> Shape | None:
        """Plain numbers and single-quoted strings of sqlglot's MySQL tokens are the slots. A string
        next to another string (MySQL joins adjacent strings into one value) or after a charset
        introducer (_utf8'x') stays in the key. Texts with executable comments or optimizer hints
        are not keyed: their parts are parsed from the comment's own text, whose positions are not
        the statement's."""
        if "/*!" in sql or "/*+" in sql:
            return None
        try:
            tokens = tokenize(sql)
        except SQLParserError:
            return None  # the full parse says what is wrong
        _scanned.last = (sql, tokens)  # the parse of a text the shape cache misses reads these
        slots: list[Slot] = []
        last = len(tokens) - 1
        for i, token in enumerate(tokens):
            kind = token.token_type
            if kind is _NUMBER:
                if i > 0 and tokens[i - 1].token_type is _DOT and tokens[i - 1].end + 1 == token.start:
                    continue  # `.5`: sqlglot reads the dot and the digits as one number
                slot = plain_slot(sql, token.start, token.end + 1, False)
            elif kind is _STRING:
                if (i > 0 and tokens[i - 1].token_type in _NOT_BEFORE_STRING) \
                        or (i < last and tokens[i + 1].token_type is _STRING):
                    continue
                slot = plain_slot(sql, token.start, token.end + 1, True)
            else:
                continue
            if slot is not None:
                slots.append(slot)
        return make_shape(sql, slots)

    def _parse_uncached(self, original: str) -> Statement:
        # The text of /*! ... */ is part of the statement, as the server reads it.
        sql = unwrap_executable_comments(original)
        if sql is original:
            return self._parse_text(sql, original)
        try:
            return self._parse_text(sql, original)
        except SQLSyntaxError as err:
            # Same positions: point into the text as the caller wrote it.
            raise SQLSyntaxError(err.reason, line=err.line, column=err.column, token=err.token,
                                 sql=original) from None

    def _parse_text(self, sql: str, original: str) -> Statement:
        # DDL from mysqldump keeps options in /*!NNNNN ... */ comments MySQL runs: read them as SQL
        opened = run_executable_comments(sql)
        tokens = (_scanned_tokens(sql) if opened is None else None) or tokenize(opened or sql)
        as_insert = lower.replace_as_insert(sql, tokens, tokenize)
        tokens, found = scan(as_insert or tokens, sql)
        rewrite = lower.apply(tokens, sql, found, replace=as_insert is not None)
        try:
            ddl = read_ddl(rewrite.tokens, sql, _clause_parser(found.opaque_call))
        except Unlowerable as err:
            if opened is not None:
                # only a statement whose executable comments the IR can hold is read through them;
                # otherwise the token rule refuses the comment as before (this raises)
                tokenize(sql)
            # Valid DDL with a part the IR has no node for: it classifies only.
            return Statement(sql=original, operation=operation_of_unlowerable(rewrite.tokens), tree=None,
                             unsupported=err.construct, table=None)
        tree = ddl if ddl is not None else parse_tokens(rewrite.tokens, sql, opaque_calls=found.opaque_call)
        checked = check_tree(tree, sql, native.WATCHED)
        lower.fix_tree(tree, rewrite.tokens, sql, found)
        unsupported = rewrite.unsupported or lower.write_forms(tree, rewrite)
        if unsupported is not None:
            # Valid MySQL the IR cannot hold faithfully: it classifies, transforms refuse it.
            return Statement(sql=original, operation=rewrite.operation or operation_of(tree), tree=None,
                             unsupported=unsupported, table=_first_table_name(tree))
        # The tree rules' walk found the names the rename pass looks for (`TreeFacts.names`) and
        # the nodes the native printer's fix-ups look at (`TreeFacts.native_as_is`, their tests
        # read after `fix_tree` marked them); `fix_tree` moves nodes only to restore window
        # options, and then the pass and the printer walk themselves.
        if checked is None or found.window_options:
            return Statement(sql=original, operation=statement_operation(tree), tree=tree)
        names, watched = checked
        return Statement(sql=original, operation=statement_operation(tree), tree=tree,
                         facts=TreeFacts(tree, names=names, native_as_is=native.as_is(watched, names.identifiers)))

    def _parse_condition(self, condition: str) -> exp.Expression:
        """Parse a WHERE condition with the same strictness as a statement."""
        condition = unwrap_executable_comments(condition)
        tokens, found = scan(tokenize(condition), condition, statement=False)
        if tokens:
            rewrite = lower.apply(tokens, condition, found, statement=False)
            if rewrite.unsupported is not None:
                raise SQLSyntaxError(f"{rewrite.unsupported} is not supported in a filter condition", line=1,
                                     column=1, token=tokens[0].text, sql=condition)
            tokens = rewrite.tokens
        if not tokens:
            raise SQLSyntaxError("empty condition", line=1, column=1, token=None, sql=condition)
        wrapped = tokenize(_CONDITION_PREFIX)
        # Shift the condition's tokens so that errors point into the condition text itself.
        tree = parse_tokens(wrapped + tokens, condition, offset_tokens=len(wrapped), opaque_calls=found.opaque_call)
        check_tree(tree, condition)
        lower.fix_tree(tree, tokens, condition, found, statement=False)
        where = tree.args.get("where") if isinstance(tree, exp.Select) else None
        if where is None or _has_extra_clauses(tree):
            raise SQLSyntaxError("not a single boolean condition", line=1, column=1,
                                 token=tokens[0].text, sql=condition)
        condition_tree: exp.Expression = where.this
        return condition_tree


_NUMBER, _STRING, _DOT = TokenType.NUMBER, TokenType.STRING, TokenType.DOT

_scanned = threading.local()
"""The tokens `_shape` just made, per thread: a statement the shape cache does not build from a
template is parsed right after its key was made, and tokenizing twice was a tenth of a parse."""


def _scanned_tokens(sql: str) -> list[Token] | None:
    last = getattr(_scanned, "last", None)
    if last is None or last[0] is not sql:
        return None
    _scanned.last = None  # taken once: the parse's rewrites may change the list
    tokens: list[Token] = last[1]
    return tokens
_NOT_BEFORE_STRING = frozenset({TokenType.STRING, TokenType.INTRODUCER})

CACHE_SIZE = MySQLFrontend.CACHE_SIZE
clear_cache = MySQLFrontend.clear_cache

_CONDITION_PREFIX = "SELECT 1 FROM t WHERE "
"""A condition is parsed as the WHERE clause of this query."""


def _clause_parser(opaque_calls: bool) -> Callable[[list[Token], str], exp.Expression]:
    # The DDL readers parse parts of a statement; each part gets the tree rules right away, so a
    # statement that ends up Unlowerable (no tree to check afterwards) is still checked in full.
    def parse(tokens: list[Token], sql: str) -> exp.Expression:
        tree = parse_tokens(tokens, sql, opaque_calls=opaque_calls)
        check_tree(tree, sql)
        return tree
    return parse


def _has_extra_clauses(select: exp.Expression) -> bool:
    return any(select.args.get(key) for key in ("group", "having", "order", "limit", "offset", "locks", "joins",
                                                "windows", "qualify"))


def _first_table_name(tree: exp.Expression) -> str | None:
    # The same answer get_table_name gives for a statement with a tree.
    try:
        return first_table(tree)
    except UnsupportedStatementError:
        return None
