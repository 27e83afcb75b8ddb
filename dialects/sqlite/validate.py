"""Checks SQLite makes right after parsing and reports as syntax errors.

The grammar accepts a little more than SQLite in a few places where SQLite's own grammar is just as
loose and a semantic action then rejects the statement (join keyword combinations, window frame
bounds, table options, `?NNN` ranges, restrictions inside trigger bodies). This module applies those
same rejections. It looks at the token stream first and only walks the parts of the tree that can
be affected, so ordinary statements pay almost nothing.
"""

from __future__ import annotations

from antlr4 import ParserRuleContext

from dialects.sqlite._generated.SQLiteParser import SQLiteParser as P
from sqlparser.errors import SQLSyntaxError

MAX_VARIABLE_NUMBER = 32766
"""SQLite's default SQLITE_MAX_VARIABLE_NUMBER: the largest N of a `?N` parameter."""

_JOIN_FLAGS = {  # SQLite's JT_* bits, per join keyword
    P.INNER: 0x01, P.CROSS: 0x01 | 0x02, P.NATURAL: 0x04, P.LEFT: 0x08 | 0x20,
    P.RIGHT: 0x10 | 0x20, P.OUTER: 0x20, P.FULL: 0x08 | 0x10 | 0x20,
}
_INNER, _LEFT, _RIGHT, _OUTER = 0x01, 0x08, 0x10, 0x20

_TRIGGER_WORDS = {P.TRIGGER}
_FRAME_WORDS = {P.RANGE, P.ROWS, P.GROUPS}


def validate(ctx: P.Sql_stmtContext, sql: str) -> None:
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
        if type(body) is P.Drop_stmtContext and body.qualified_name().start.type == P.IF:
            raise _error("syntax error", body.qualified_name().start, sql)
    if not (check_joins or check_frames or check_create):
        return
    _walk(ctx, sql, check_joins, check_frames, check_create, in_trigger=False)


def _walk(ctx: ParserRuleContext, sql: str, joins: bool, frames: bool, create: bool, in_trigger: bool) -> None:
    stack: list[tuple[ParserRuleContext, bool]] = [(ctx, in_trigger)]
    while stack:
        node, trigger = stack.pop()
        kind = type(node)
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


def _error(reason: str, token, sql: str) -> SQLSyntaxError:
    return SQLSyntaxError(reason, line=token.line, column=token.column + 1, token=token.text, sql=sql)
