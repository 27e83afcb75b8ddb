"""Checks SQLite makes right after parsing and reports as syntax errors.

The grammar accepts a little more than SQLite in a few places where SQLite's own grammar is just as
loose and a semantic action then rejects the statement (join keyword combinations, window frame
bounds, table options, `?NNN` ranges, restrictions inside trigger bodies). This module applies those
same rejections. It looks at the token stream first and only walks the parts of the tree that can
be affected, so ordinary statements pay almost nothing.
"""

from __future__ import annotations

import itertools

from antlr4 import ParserRuleContext, Token

from dialects.sqlite._generated.SQLiteParser import SQLiteParser as P
from sqlparser.errors import SQLSyntaxError

MAX_VARIABLE_NUMBER = 32766
"""SQLite's default SQLITE_MAX_VARIABLE_NUMBER: the largest N of a `?N` parameter."""

_JOIN_FLAGS = {  # SQLite's JT_* bits, per join keyword
    P.INNER: 0x01, P.CROSS: 0x01 | 0x02, P.NATURAL: 0x04, P.LEFT: 0x08 | 0x20,
    P.RIGHT: 0x10 | 0x20, P.OUTER: 0x20, P.FULL: 0x08 | 0x10 | 0x20,
}
_INNER, _LEFT, _RIGHT, _OUTER = 0x01, 0x08, 0x10, 0x20

_OPTIONAL_KEYWORDS = {P.SAVEPOINT, P.DATABASE, P.COLUMN}
_FRAME_WORDS = {P.RANGE, P.ROWS, P.GROUPS}


def validate(ctx: ParserRuleContext, sql: str) -> None:
    """Raise SQLSyntaxError where SQLite would; `ctx` is a statement or a bare expression."""
    tokens = ctx.parser.getTokenStream().tokens
    types = {t.type for t in tokens}
    if P.BIND_PARAMETER in types:
        for token in tokens:
            if token.type == P.BIND_PARAMETER and token.text[0] == "?" and len(token.text) > 1:
                number = int(token.text[1:])
                if not 1 <= number <= MAX_VARIABLE_NUMBER:
                    raise _error(f"variable number must be between ?1 and ?{MAX_VARIABLE_NUMBER}", token, sql)
    check_joins = P.JOIN in types
    check_frames = bool(_FRAME_WORDS & types) and (P.OVER in types or P.WINDOW in types)
    check_create = P.CREATE in types
    if P.DROP in types and P.IF in types:
        body = ctx.children[-1]
        if type(body) is P.Drop_stmtContext and body.EXISTS() is None and body.qualified_name().start.type == P.IF:
            raise _error("syntax error", body.qualified_name().start, sql)
    check_values = P.VALUES in types and (P.ORDER in types or P.LIMIT in types)
    check_escape = (P.ESCAPE in types or P.RECURSIVE in types
                    or ((P.WINDOW in types or P.OVER in types) and bool(_WINDOW_WORDS & types))
                    or (P.WITH in types and _with_after_paren(tokens)))
    if types & _OPTIONAL_KEYWORDS:
        _check_optional_keyword_names(ctx, sql)
    if not (check_joins or check_frames or check_create or check_values or check_escape):
        return
    _walk(ctx, sql, check_joins, check_frames, check_create, check_values or check_escape, in_trigger=False)


def _walk(ctx: ParserRuleContext, sql: str, joins: bool, frames: bool, create: bool, misc: bool,
          in_trigger: bool) -> None:
    stack: list[tuple[ParserRuleContext, bool]] = [(ctx, in_trigger)]
    while stack:
        node, trigger = stack.pop()
        kind = type(node)
        if misc and kind is P.Select_stmtContext:
            _check_values_tail(node, sql)
        elif misc and kind is P.Escape_exprContext and type(node.children[0]) is not P.Like_exprContext:
            raise _error("syntax error", node.children[1].symbol, sql)
        elif misc and kind is P.With_clauseContext and node.RECURSIVE() is None:
            first = node.common_table_expression(0).name()
            if first.start.type == P.RECURSIVE:
                # SQLite took RECURSIVE as the keyword and then found AS where a name must be.
                raise _error("syntax error", node.common_table_expression(0).AS().symbol, sql)
        elif misc and kind is P.Window_specContext and node.base is not None and node.base.start.type in _WINDOW_WORDS:
            # `OVER (partition)`, `OVER (rows)`: SQLite reads the keyword, never a base window name.
            raise _error("syntax error", node.base.start, sql)
        elif misc and kind is P.Over_clauseContext and node.window_name() is not None \
                and node.window_name().start.type == P.FILTER:
            # SQLite reads OVER as a keyword only before `(` or a name, and FILTER is not a name.
            raise _error("syntax error", node.window_name().start, sql)
        elif misc and kind in _NAME_EXPRESSIONS and node.start.type == P.WITH \
                and _previous(node.start, node).type == P.OPEN_PAR:
            # After `(`, WITH starts a subquery for SQLite: it is never a column, function or table name.
            raise _error("syntax error", _next(node.start, node), sql)
        elif misc and kind is P.Select_coreContext and node.WINDOW() is not None:
            # SQLite only reads WINDOW as a keyword when a name follows, and FILTER is not one.
            first = node.window_definition(0).window_name()
            if first.start.type == P.FILTER:
                raise _error("syntax error", node.WINDOW().symbol, sql)
        if joins and kind is P.Join_operatorContext:
            _check_join(node, sql)
        elif frames and kind is P.Frame_specContext:
            _check_frame(node, sql)
        elif create and kind is P.Create_tableContext:
            _check_table_options(node, sql)
            _check_not_if(node, sql)
        elif create and kind in (P.Create_indexContext, P.Create_viewContext, P.Create_virtual_tableContext):
            _check_not_if(node, sql)
        elif create and kind is P.Create_triggerContext:
            trigger = True
            _check_not_if(node, sql)
        elif trigger and kind is P.Trigger_commandContext:
            _check_trigger_command(node, sql)
        children = node.children
        if children:
            for child in children:
                if isinstance(child, ParserRuleContext):
                    stack.append((child, trigger))


_WINDOW_WORDS = {P.PARTITION, P.RANGE, P.ROWS, P.GROUPS, P.FILTER}
_NAME_EXPRESSIONS = (P.Column_exprContext, P.Qualified_column_exprContext, P.Function_exprContext,
                     P.Table_refContext, P.Table_function_refContext)


def _with_after_paren(tokens: list[Token]) -> bool:
    return any(a.type == P.OPEN_PAR and b.type == P.WITH for a, b in itertools.pairwise(tokens))


def _previous(token: Token, ctx: ParserRuleContext) -> Token:
    return ctx.parser.getTokenStream().tokens[token.tokenIndex - 1] if token.tokenIndex > 0 else token


def _next(token: Token, ctx: ParserRuleContext) -> Token:
    return ctx.parser.getTokenStream().tokens[token.tokenIndex + 1]


def _check_optional_keyword_names(ctx: P.Sql_stmtContext, sql: str) -> None:
    """SQLite's parser always takes an optional keyword as the keyword: `RELEASE savepoint`,
    `DETACH database`, `ALTER TABLE t DROP column` then miss their name. We must not read the word
    as the name either."""
    body = ctx.children[-1]
    kind = type(body)
    words = [c.symbol.type for c in body.children if not isinstance(c, ParserRuleContext)]
    name = None
    keyword = 0
    if kind is P.Release_stmtContext:
        name, keyword = body.name(), P.SAVEPOINT
    elif kind is P.Rollback_stmtContext and P.TO in words:
        name, keyword = body.name()[-1], P.SAVEPOINT
        words = words[words.index(P.TO):]
    elif kind in (P.Attach_stmtContext, P.Detach_stmtContext):
        first = body.expr(0) if kind is P.Attach_stmtContext else body.expr()
        if first.start.type == P.DATABASE:
            # `DETACH database * x` reads as the keyword and then fails; never as `database * x`.
            name, keyword = first, P.DATABASE
    elif kind is P.Alter_table_stmtContext:
        keyword = P.COLUMN
        column = body.column_def()
        if column is not None:
            if column.type_name() is None:
                name = column.name()
        elif body.new_name is None and P.CONSTRAINT not in words and body.name():
            name = body.old_column if body.old_column is not None else body.name(0)
    if name is not None and name.start.type == keyword and keyword not in words:
        raise _error("syntax error", name.start, sql)


def _check_values_tail(ctx: P.Select_stmtContext, sql: str) -> None:
    # In SQLite's grammar ORDER BY and LIMIT belong to a SELECT, not to VALUES: a compound whose
    # last part is VALUES cannot have them.
    tail = ctx.order_by_clause() or ctx.limit_clause()
    if tail is not None and ctx.select_core()[-1].values_clause() is not None:
        raise _error("syntax error", tail.start, sql)


def _check_join(ctx: P.Join_operatorContext, sql: str) -> None:
    words = ctx.join_keyword()
    if not words:
        return
    flags = 0
    for word in words:
        flags |= _JOIN_FLAGS[word.start.type]
    if len(words) > 3 or (flags & (_INNER | _OUTER)) == (_INNER | _OUTER) \
            or (flags & (_OUTER | _LEFT | _RIGHT)) == _OUTER:
        text = " ".join(w.getText() for w in words)
        raise _error(f"unknown join type: {text}", ctx.start, sql)


def _bound_kind(ctx: P.Frame_boundContext) -> str:
    if ctx.expr() is None and ctx.UNBOUNDED() is not None:
        return "UNBOUNDED " + ("PRECEDING" if ctx.PRECEDING() is not None else "FOLLOWING")
    if ctx.expr() is None and ctx.CURRENT() is not None:
        return "CURRENT"
    return "PRECEDING" if ctx.PRECEDING() is not None else "FOLLOWING"


def _check_frame(ctx: P.Frame_specContext, sql: str) -> None:
    bounds = ctx.frame_bound()
    start = _bound_kind(bounds[0])
    end = _bound_kind(bounds[1]) if len(bounds) > 1 else "CURRENT"
    if start == "UNBOUNDED FOLLOWING" or end == "UNBOUNDED PRECEDING":
        token = bounds[0].start if start == "UNBOUNDED FOLLOWING" else bounds[1].start
        raise _error("syntax error", token, sql)
    if (start == "CURRENT" and end == "PRECEDING") or (
            start == "FOLLOWING" and end in ("PRECEDING", "CURRENT")):
        raise _error("unsupported frame specification", ctx.start, sql)


def _check_table_options(ctx: P.Create_tableContext, sql: str) -> None:
    for option in ctx.table_option():
        word = option.name().getText()
        if option.WITHOUT() is not None:
            if word.upper() != "ROWID":
                raise _error(f"unknown table option: {word}", option.name().start, sql)
        elif word.upper() != "STRICT":
            raise _error(f"unknown table option: {word}", option.start, sql)


def _check_not_if(ctx: ParserRuleContext, sql: str) -> None:
    # After CREATE ... TABLE/INDEX/VIEW/TRIGGER, SQLite always reads IF as the start of IF NOT
    # EXISTS, never as a name (its parser has an action for IF there, so no fallback happens).
    # (A trigger has two names, its own and its table's; the first one is the one after CREATE.)
    if ctx.if_not_exists() is not None:
        return  # after IF NOT EXISTS, IF is an ordinary name again
    name = ctx.qualified_name(0) if type(ctx) is P.Create_triggerContext else ctx.qualified_name()
    if name.start.type == P.IF:
        raise _error("syntax error", name.start, sql)


def _check_trigger_command(ctx: P.Trigger_commandContext, sql: str) -> None:
    body = ctx.children[0]
    if type(body) is P.With_stmtContext:
        if type(body.children[1]) is not P.Select_stmtContext:
            raise _error("syntax error", body.children[1].start, sql)
        return
    kind = type(body)
    if kind is P.Insert_stmtContext:
        target = body.qualified_name()
        indexed = None
    elif kind in (P.Update_stmtContext, P.Delete_stmtContext):
        qualified = body.qualified_table_name()
        target = qualified.qualified_name()
        indexed = qualified.INDEXED()
    else:
        return
    if target.schema is not None:
        raise _error("qualified table names are not allowed on INSERT, UPDATE, and DELETE statements "
                     "within triggers", target.start, sql)
    if indexed is not None:
        raise _error("the INDEXED BY clause is not allowed on UPDATE or DELETE statements within triggers",
                     indexed.symbol, sql)


def _error(reason: str, token: Token, sql: str) -> SQLSyntaxError:
    return SQLSyntaxError(reason, line=token.line, column=token.column + 1, token=token.text, sql=sql)
