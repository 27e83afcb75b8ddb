"""Text -> ANTLR parse tree for SQLite, in two stages, with errors as SQLSyntaxError.

Stage one predicts in SLL mode and stops at the first error; only a statement SLL rejects is
re-parsed in full LL mode, which is the one that decides (SLL can reject valid input, never accept
invalid input). No ANTLR listener but ours is attached, so nothing is ever printed.
"""

from __future__ import annotations

import threading
from typing import Any

from antlr4 import CommonTokenStream, InputStream, Parser, Token
from antlr4.atn.ParserATNSimulator import ParserATNSimulator
from antlr4.atn.PredictionMode import PredictionMode
from antlr4.dfa.DFA import DFA
from antlr4.error.ErrorListener import ErrorListener
from antlr4.error.Errors import InputMismatchException, ParseCancellationException, RecognitionException
from antlr4.error.ErrorStrategy import DefaultErrorStrategy
from antlr4.PredictionContext import PredictionContextCache
from antlr4.tree.Tree import TerminalNodeImpl

from dialects.sqlite._generated.SQLiteParser import SQLiteParser
from dialects.sqlite.tokens import DefaultChannelStream, Scanned, token_stream
from sqlparser.errors import SQLSyntaxError
from sqlparser.ir import line_column

_SLL = PredictionMode.SLL
"""A module constant: reading an enum member off its class costs ten times an identity test."""
_UNRECOGNIZED = SQLiteParser.UNRECOGNIZED_TOKEN
_UNEXPECTED_CHAR = SQLiteParser.UNEXPECTED_CHAR


class _Stop(ParseCancellationException):
    """Raised by the error strategy after the first error: we never recover, we report."""


class _FirstError(ErrorListener):
    """Keeps the first syntax error the parser reports (our only listener)."""

    def __init__(self) -> None:
        self.seen = False
        self.token: Token | None = None
        self.line = 1
        self.column = 1
        self.expected: list[str] = []

    def syntaxError(self, recognizer: Parser, offendingSymbol: Token | None, line: int, column: int, msg: str,
                    e: RecognitionException | None) -> None:
        if self.seen:
            return
        self.seen = True
        self.token = offendingSymbol
        self.line = line
        self.column = column + 1
        try:
            expected = recognizer.getExpectedTokens()
            types = [t for r in (expected.intervals or ()) for t in r] if expected is not None else []
            self.expected = [_token_name(recognizer, t) for t in types if t > 0]
        except Exception:  # the expected set is a hint only; never let it mask the real error
            self.expected = []


def _token_name(recognizer: Parser, token_type: int) -> str:
    literal: str = recognizer.literalNames[token_type] if token_type < len(recognizer.literalNames) else "<INVALID>"
    if literal != "<INVALID>":
        return literal.strip("'")
    symbolic: str = recognizer.symbolicNames[token_type]
    return symbolic.lower().replace("_", " ")


_ignore = id
"""The error strategies' `sync` and `reportMatch` (and the SLL strategy's `reset`), which have
nothing to do (the first error ends the parse: no recovery to prepare, no error condition to
end): the generated code calls the first two before nearly every token and decision, and a
builtin taking the one argument costs less than a Python method that returns at once. A builtin
is not a descriptor, so as a class attribute it is called with the recognizer only."""


class _BailAfterReport(DefaultErrorStrategy):
    """Report the first error to the listeners, then stop: no recovery, no console output."""

    def recover(self, recognizer: Parser, e: RecognitionException) -> None:
        raise _Stop("syntax error")

    def recoverInline(self, recognizer: Parser) -> Token:
        error = InputMismatchException(recognizer)
        self.reportError(recognizer, error)
        raise _Stop("syntax error")

    # Loop/optional decisions detect errors at the next prediction instead; syncing here would
    # only duplicate work. No recovery ever runs, so a match has no error condition to end.
    sync = reportMatch = _ignore


class _QuietBail(DefaultErrorStrategy):
    """SLL stage: stop at the first error without reporting (the LL stage reports)."""

    def recover(self, recognizer: Parser, e: RecognitionException) -> None:
        raise _Stop("syntax error")

    def recoverInline(self, recognizer: Parser) -> Token:
        raise _Stop("syntax error")

    sync = reportMatch = _ignore  # as in _BailAfterReport
    reset = _ignore  # it never enters an error condition: nothing to reset

    def reportError(self, recognizer: Parser, e: RecognitionException) -> None:
        return


_QUIET = _QuietBail()
"""The SLL stage's strategy, shared: it keeps no state (it neither reports nor recovers)."""


class _Terminal(TerminalNodeImpl):
    """A token's leaf in the parse tree, made by `_Parser.match` and `consume` without a
    constructor call: only its token is set. ANTLR's own class routes every attribute
    assignment through a Python-level `__setattr__` that only calls the default one; a statement
    makes one leaf per token, so the detour and the call were a few percent of a parse. The leaf
    keeps no link to its parent (see `_Parser`): its `parentCtx` is None, for all leaves."""

    __slots__ = ()
    __setattr__ = object.__setattr__
    parentCtx = None  # shadows the slot: nothing sets a leaf's parent (ANTLR's own leaves are its class)


_new = object.__new__


class _Simulator(ParserATNSimulator):
    """ANTLR's prediction with its common case first: when the decision's DFA already holds the
    path the next tokens take to an accept state without predicates, the prediction is that
    state's, read straight off the DFA (its precedence predicates evaluated as ANTLR does). That
    is exactly what `execATN` returns for such a path; everything else (a missing edge, the error
    state, a state that needs full-context prediction in LL mode, predicates that leave no or
    several alternatives) is left to ANTLR's own `adaptivePredict`, from the start. A statement
    makes about thirty predictions; the runtime's general entry (bookkeeping, mark/release, a
    call per DFA edge) was about a tenth of a parse."""

    def adaptivePredict(self, input: Any, decision: int, outerContext: Any) -> int:
        dfa = self.decisionToDFA[decision]
        if dfa.precedenceDfa:
            stack = self.parser._precedenceStack
            precedence = stack[-1] if stack else -1
            starts = dfa.s0.edges
            state = starts[precedence] if 0 <= precedence < len(starts) else None
        else:
            state = dfa.s0
        tokens = self.parser._tokens
        if state is not None and tokens is not None:
            # Over our token list the walk reads the tokens directly: the stream's index never
            # moves, so there is nothing to seek back to (LT/LA/consume/seek were a call each).
            i = input.index
            full_context = self.predictionMode is not _SLL
            error = self.ERROR
            t = tokens[i].type
            while True:
                edges = state.edges
                if edges is None or not 0 <= t + 1 < len(edges):
                    break
                state = edges[t + 1]
                if state is None or state is error or (full_context and state.requiresFullContext):
                    break
                if state.isAcceptState:
                    if state.predicates is None:
                        predicted: int = state.prediction
                        return predicted
                    alts = self.evalSemanticContext(state.predicates, outerContext, True)
                    if len(alts) == 1:
                        only: int = min(alts)
                        return only
                    break
                if t != Token.EOF:
                    i += 1
                    t = tokens[i].type
        elif state is not None:
            start = input.index
            full_context = self.predictionMode is not _SLL
            error = self.ERROR
            t = input.LA(1)
            while True:
                edges = state.edges
                if edges is None or not 0 <= t + 1 < len(edges):
                    break
                state = edges[t + 1]
                if state is None or state is error or (full_context and state.requiresFullContext):
                    break
                if state.isAcceptState:
                    input.seek(start)
                    if state.predicates is None:
                        prediction: int = state.prediction
                        return prediction
                    # The operators of value_expr: precedence predicates, evaluated as execATN does;
                    # no alternative or several (an error, an ambiguity report) go to ANTLR's path.
                    alts = self.evalSemanticContext(state.predicates, outerContext, True)
                    if len(alts) == 1:
                        chosen: int = min(alts)
                        return chosen
                    break
                if t != Token.EOF:
                    input.consume()
                    t = input.LA(1)
            input.seek(start)
        alt: int = super().adaptivePredict(input, decision, outerContext)
        return alt


class _Parser(SQLiteParser):
    """The generated parser with leaner versions of the runtime methods every token and every rule
    goes through (`consume`, `match`, `enterRule`, `exitRule`, `enterOuterAlt` and the three of
    left-recursive rules), and of `setTokenStream`, once per statement: the same steps as ANTLR's,
    without the per-token listener and error-recovery bookkeeping (our error strategies never
    recover: the first error ends the parse).

    The finished tree has no upward links: a context's `parentCtx` is cleared when its rule
    returns (ANTLR reads it only while the rule is open: to return to the caller, and for full-LL
    prediction and error reporting, which walk the open rules). ANTLR's tree is otherwise a web of
    child <-> parent cycles that only the cyclic garbage collector can free: a few thousand
    objects per statement that kept the collector busy after every parse. Without the cycles,
    reference counting frees the tree as soon as it is lowered. Nothing here reads parent links
    of a finished tree.

    Parse listeners are never attached here; if one ever is, ANTLR's own methods run."""

    state: int = -1
    """The ATN state. ANTLR's `state` is a property over a slot; the generated code sets it a few
    hundred times per statement. A plain class attribute here shadows the property, so the state
    lives in the instance's dictionary (the runtime reads it only through `state`)."""

    _tokens: list[Any] | None = None
    """The token list when the input is `tokens.token_stream`'s (complete, default channel only,
    ending in EOF): then the lookahead is plain indexing. None over any other stream."""

    _ctx: Any  # the runtime's fields this class sets (the untyped runtime declares none)
    _input: Any

    def __init__(self, input: Any) -> None:
        super().__init__(input)
        self._interp = _Simulator(self, self.atn, self.decisionsToDFA, self.sharedContextCache)

    def setTokenStream(self, input: Any) -> None:
        if type(input) is DefaultChannelStream and self._parseListeners is None and self._tracer is None:
            # ANTLR's reset, short: no listener or tracer to remove, and the simulator's reset
            # does nothing (ANTLR's seeks no stream here: it drops the old one first).
            self._errHandler.reset(self)
            self._ctx = None
            self._syntaxErrors = 0
            self._precedenceStack = [0]
            self._input = input
            self._tokens = input.tokens
            return
        self._tokens = None
        super().setTokenStream(input)
        if type(input) is DefaultChannelStream:
            self._tokens = input.tokens

    def enterRule(self, localctx: Any, state: int, ruleIndex: int) -> None:
        if self._parseListeners is not None:
            super().enterRule(localctx, state, ruleIndex)
            return
        self.state = state
        self._ctx = localctx
        tokens = self._tokens
        localctx.start = tokens[self._input.index] if tokens is not None else self._input.LT(1)
        parent = localctx.parentCtx
        if parent is not None:
            children = parent.children
            if children is None:
                parent.children = [localctx]
            else:
                children.append(localctx)

    def exitRule(self) -> None:
        if self._parseListeners is not None:
            super().exitRule()
            return
        ctx = self._ctx
        tokens = self._tokens
        if tokens is not None:  # every rule exits here: the look-behind inlined
            i = self._input.index
            ctx.stop = tokens[i - 1] if i else None
        else:
            ctx.stop = self._input.LT(-1)
        self.state = ctx.invokingState
        self._ctx = ctx.parentCtx
        ctx.parentCtx = None

    def enterOuterAlt(self, localctx: Any, altNum: int) -> None:
        # ANTLR's also calls `setAltNumber`, a no-op for our context classes.
        ctx = self._ctx
        if ctx is not localctx:
            # A labelled alternative replaces the rule's generic context in its parent's children.
            parent = ctx.parentCtx
            if parent is not None:
                parent.children[-1] = localctx
            self._ctx = localctx

    def enterRecursionRule(self, localctx: Any, state: int, ruleIndex: int, precedence: int) -> None:
        if self._parseListeners is not None:
            super().enterRecursionRule(localctx, state, ruleIndex, precedence)
            return
        self.state = state
        self._precedenceStack.append(precedence)
        self._ctx = localctx
        tokens = self._tokens
        localctx.start = tokens[self._input.index] if tokens is not None else self._input.LT(1)

    def pushNewRecursionContext(self, localctx: Any, state: int, ruleIndex: int) -> None:
        if self._parseListeners is not None:
            super().pushNewRecursionContext(localctx, state, ruleIndex)
            return
        previous = self._ctx
        # ANTLR links `previous` up to `localctx` only for listeners' exit events.
        previous.parentCtx = None
        previous.invokingState = state
        previous.stop = self._previous_token()
        self._ctx = localctx
        localctx.start = previous.start
        localctx.children = [previous]

    def unrollRecursionContexts(self, parentCtx: Any) -> None:
        if self._parseListeners is not None:
            super().unrollRecursionContexts(parentCtx)
            return
        self._precedenceStack.pop()
        ctx = self._ctx
        tokens = self._tokens
        if tokens is not None:
            i = self._input.index
            ctx.stop = tokens[i - 1] if i else None
        else:
            ctx.stop = self._input.LT(-1)
        self._ctx = parentCtx
        ctx.parentCtx = None
        if parentCtx is not None:
            children = parentCtx.children
            if children is None:
                parentCtx.children = [ctx]
            else:
                children.append(ctx)

    def _previous_token(self) -> Token | None:
        tokens = self._tokens
        if tokens is None:
            previous: Token | None = self._input.LT(-1)
            return previous
        i = self._input.index
        return tokens[i - 1] if i else None

    def match(self, ttype: int) -> Token:
        stream = self._input
        tokens = self._tokens
        token = tokens[stream.index] if tokens is not None else stream.LT(1)
        if token.type != ttype or self._parseListeners:
            return super().match(ttype)  # a mismatch: the error strategy reports and stops
        if ttype != Token.EOF:
            if tokens is not None:
                stream.index += 1  # not EOF: the stream's own consume would only check that
            else:
                stream.consume()
        ctx = self._ctx
        node = _new(_Terminal)
        node.symbol = token
        if ctx.children is None:
            ctx.children = [node]
        else:
            ctx.children.append(node)
        return token

    def consume(self) -> Token:
        if self._parseListeners:
            return super().consume()
        stream = self._input
        tokens = self._tokens
        token = tokens[stream.index] if tokens is not None else stream.LT(1)
        if token.type != Token.EOF:
            if tokens is not None:
                stream.index += 1
            else:
                stream.consume()
        ctx = self._ctx
        node = _new(_Terminal)
        node.symbol = token
        if ctx.children is None:
            ctx.children = [node]
        else:
            ctx.children.append(node)
        return token


_local = threading.local()


use_antlr_lexer = False
"""True: tokenize with ANTLR's generated lexer instead of `tokens.tokenize` (same tokens, slower)."""

sll_first = True
"""False: skip the SLL stage and predict in full LL mode (for benchmarks: SLL is the fast path)."""

ll_fallback = True
"""False: report SLL's rejection without confirming it in LL mode (tests use it to check that the
grammar keeps valid statements on the fast path)."""


_PARSER: type[SQLiteParser] = _Parser
"""The parser class `_parser_for` builds (benchmarks compare it with the generated class)."""


def reset_prediction_cache() -> None:
    """Forget ANTLR's prediction DFA (it is process-wide and grows as statements are parsed), so
    that the next parse runs as in a fresh process. For benchmarks and tests only."""
    atn = SQLiteParser.atn
    SQLiteParser.decisionsToDFA[:] = [DFA(state, i) for i, state in enumerate(atn.decisionToState)]
    SQLiteParser.sharedContextCache = PredictionContextCache()
    _local.parser = None


def _parser_for(sql: str, scanned: Scanned | None = None) -> tuple[SQLiteParser, CommonTokenStream]:
    # Reusing one lexer and parser per thread keeps ANTLR's per-instance setup off the hot path;
    # the prediction DFA cache is shared by all instances anyway.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _PARSER(token_stream("", None))
        parser.removeErrorListeners()
        parser.buildParseTrees = True
        _local.parser = parser
    if use_antlr_lexer:
        from dialects.sqlite._generated.SQLiteLexer import SQLiteLexer

        lexer = SQLiteLexer(InputStream(sql))
        lexer.removeErrorListeners()
        stream = CommonTokenStream(lexer)
        stream.fill()
    else:
        stream = token_stream(sql, None, scanned)
    parser.setInputStream(stream)
    return parser, stream


def parse_tree(sql: str, rule: str = "parse", scanned: Scanned | None = None) -> SQLiteParser.ParseContext:
    """The parse tree of `sql` (one or more statements); SQLSyntaxError when SQLite would reject it.

    `rule="expr"` parses one expression instead (a filter condition), which must use all the text.
    `scanned`: `tokens.spans(sql, comments)` and its comments when the caller has scanned the text.
    """
    parser, stream = _parser_for(sql, scanned)
    entry = getattr(SQLiteParser, rule)
    bad = _first_bad_token(stream)
    if bad is not None:
        raise _token_error(bad, sql, "unrecognized token")
    if sll_first:
        parser._errHandler = _QUIET
        parser._interp.predictionMode = PredictionMode.SLL
        try:
            tree = entry(parser)
            if stream.LA(1) == Token.EOF:
                return tree
        except (_Stop, RecognitionException):
            pass
    # Full LL: slower, exact.
    if sll_first and not ll_fallback:
        raise SQLSyntaxError("rejected in SLL mode (LL fallback disabled)", line=1, column=1, token=None, sql=sql)
    if sll_first:
        stream.seek(0)
        parser.reset()
    listener = _FirstError()
    parser.addErrorListener(listener)
    parser._errHandler = _BailAfterReport()
    parser._interp.predictionMode = PredictionMode.LL
    try:
        tree = entry(parser)
    except (_Stop, RecognitionException):
        tree = None
    finally:
        parser.removeErrorListeners()
    if not listener.seen and tree is not None:
        extra = stream.LT(1)
        if extra.type == Token.EOF:
            return tree
        # `parse` ends in EOF itself; a bare expression followed by more text (ORDER BY, a second
        # statement, ...) is not an expression.
        raise SQLSyntaxError("syntax error; expected the end of the expression", line=extra.line,
                             column=extra.column + 1, token=extra.text, sql=sql)
    raise _syntax_error(listener, sql)


def _first_bad_token(stream: CommonTokenStream) -> Token | None:
    bad = _BAD_TYPES
    for token in stream.tokens:
        if token.type in bad:
            return token
    return None


_BAD_TYPES = frozenset((_UNRECOGNIZED, _UNEXPECTED_CHAR))


def _token_error(token: Token, sql: str, reason: str) -> SQLSyntaxError:
    text = token.text
    if token.type == _UNRECOGNIZED and (text[:1] in "'\"`[" or text[:2].lower() == "x'"):
        reason = "unrecognized token (unterminated quote or malformed literal)"
    return SQLSyntaxError(reason, line=token.line, column=token.column + 1, token=text, sql=sql)


def _syntax_error(listener: _FirstError, sql: str) -> SQLSyntaxError:
    token = listener.token
    if token is None or token.type == Token.EOF:
        line, column = line_column(sql, len(sql.rstrip()))
        reason = "incomplete input"
        if listener.expected:
            reason += f"; expected {_expected_text(listener.expected)}"
        return SQLSyntaxError(reason, line=line, column=column, token=None, sql=sql)
    reason = "syntax error"
    if listener.expected:
        reason += f"; expected {_expected_text(listener.expected)}"
    return SQLSyntaxError(reason, line=token.line, column=token.column + 1, token=token.text, sql=sql)


def _expected_text(names: list[str]) -> str:
    if len(names) > 8 and "identifier" in names:
        # Where a name may start, so may dozens of keywords that double as names: listing them
        # helps nobody.
        return "a name or an expression" if "numeric literal" in names else "a name"
    shown = names[:8]
    more = ", ..." if len(names) > 8 else ""
    return ("one of " if len(shown) > 1 else "") + ", ".join(shown) + more
