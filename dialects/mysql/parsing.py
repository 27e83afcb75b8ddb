"""sqlglot's MySQL tokenizer and parser, as the front end calls them.

`tokenize` turns tokenizer failures into positioned errors; `parse_tokens` parses the checked
and rewritten tokens, keeping calls as written where sqlglot would change them (see
`token_rules.keeps_opaque`) or where sqlglot checks an argument count MySQL's grammar does not.
"""

from __future__ import annotations

import logging
import re
import threading

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.parser import Parser
from sqlglot.tokens import Token, TokenType

from dialects.mysql import rules
from dialects.mysql.ddl_words import default_then_collate
from dialects.mysql.errors import locate_token_error, reword_parse_error, token_error
from dialects.mysql.lower import retyped
from dialects.mysql.token_rules import check_text, keeps_opaque
from sqlparser.errors import SQLSyntaxError

_MYSQL = Dialect.get_or_raise("mysql")
_local = threading.local()


class _SqlglotNoise(logging.Filter):
    """Drops two sqlglot warnings that say nothing to users of this front end.

    sqlglot logs a warning whenever it falls back to an opaque Command; this front end rejects
    those statements with a proper error instead, so the console line is only noise. Likewise for
    a JSON path sqlglot cannot read ('$[last]', '$[1 to 2]'): it keeps the path string as written,
    which is what MySQL evaluates."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "Falling back to parsing as a 'Command'" not in message and not message.startswith(
            "Invalid JSON path syntax")


_NOISE_FILTER = _SqlglotNoise()


def quiet_sqlglot_noise() -> None:
    """Install the filter on sqlglot's logger (idempotent: one instance, added once).

    It has to be process-wide: sqlglot logs from deep inside its parser to its one module logger,
    with no per-call hook, and a filter added and removed around each parse would race between
    threads. The filter matches only the two messages above, and only on the "sqlglot" logger."""
    logger = logging.getLogger("sqlglot")
    if _NOISE_FILTER not in logger.filters:
        logger.addFilter(_NOISE_FILTER)


def tokenize(sql: str) -> list[Token]:
    """sqlglot's MySQL tokens of `sql`, after the rules over the whole text (`token_rules.check_text`)."""
    # One tokenizer per thread: building sqlglot's tokenizer (its keyword tables) costs about half
    # of tokenizing a short statement. It resets itself at each call; `reset` after the call lets
    # go of the text and tokens, so nothing large is kept alive between calls.
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _local.tokenizer = _MYSQL.tokenizer()
    try:
        tokens = tokenizer.tokenize(sql)
    except TokenError:
        line, column, token, reason = locate_token_error(sql)
        raise SQLSyntaxError(reason, line=line, column=column, token=token, sql=sql) from None
    finally:
        tokenizer._core.reset()
    check_text(tokens, sql)
    return tokens


_ARITY_ERRORS = ("The number of provided arguments", "Required keyword: ")
_MAX_ARITY_RETRIES = 16
_PLACEHOLDER_CALL = "cozelite_call_{}"


def parse_tokens(tokens: list[Token], sql: str, *, offset_tokens: int = 0,
                 opaque_calls: bool = False) -> exp.Expression:
    """Parse the tokens of one statement (`sql` is its text, for positions). With `offset_tokens`,
    the first tokens are a wrapper around a condition: errors point into the condition and any
    expression is accepted. `opaque_calls` when the scan found a call to keep as written."""
    renamed: dict[str, str] = {}
    if opaque_calls:
        # Calls sqlglot would read with another meaning: kept as written, as an opaque call.
        tokens = list(tokens)
        for at in range(offset_tokens, len(tokens) - 1):
            if tokens[at + 1].token_type is TokenType.L_PAREN and keeps_opaque(tokens, at):
                placeholder = _PLACEHOLDER_CALL.format(len(renamed))
                renamed[placeholder.upper()] = tokens[at].text
                tokens[at] = retyped(tokens[at], TokenType.VAR, placeholder)
    retries = 0
    # One parser per thread, as the tokenizer: sqlglot's `parse` resets all of its state first.
    # Taken out while in use, so a parse inside a parse (none today) would build its own.
    parser = getattr(_local, "parser", None) or _MYSQL.parser()
    _local.parser = None
    try:
        while True:
            try:
                trees = parser.parse(tokens, sql)
                break
            except _PARSER_FAILURES as err:
                # sqlglot itself failed on input MySQL rejects (a hint it re-tokenizes, a reserved
                # word where a call's argument should be): a syntax error where its parser stopped.
                raise _parser_failure(err, parser, tokens, sql, offset_tokens) from None
            except ParseError as err:
                # sqlglot checks built-in functions' argument counts while parsing; MySQL's grammar
                # does not (a wrong count fails later, at execution). Keep such a call as an opaque
                # call under a placeholder name, so it still parses and prints exactly as written.
                retries += 1
                index = _arity_error_call(err, tokens) if retries <= _MAX_ARITY_RETRIES else None
                if index is not None and tokens[index].text.upper() in rules.GRAMMAR_ARITY_FUNCTIONS:
                    index = None
                if index is None:
                    raise reword_parse_error(err, tokens, sql, offset_tokens) from None
                placeholder = _PLACEHOLDER_CALL.format(len(renamed))
                renamed[placeholder.upper()] = tokens[index].text
                tokens = [*tokens[:index], retyped(tokens[index], TokenType.VAR, placeholder),
                          *tokens[index + 1:]]
    finally:
        parser.reset()  # lets go of the text and tokens: nothing large is kept between calls
        _local.parser = parser
    tree = trees[0] if len(trees) == 1 else None
    if not isinstance(tree, exp.Expression):  # every node class is one; Expr is sqlglot's abstract base
        raise SQLSyntaxError("empty statement", line=1, column=1, token=None, sql=sql)
    if isinstance(tree, _COLUMN_DEFINING):
        default_then_collate(tree)
    if renamed:
        for call in tree.find_all(exp.Anonymous):
            original = renamed.get(str(call.this).upper())
            if original is not None:
                call.set("this", original)
    if isinstance(tree, exp.Command) or (not offset_tokens and not isinstance(tree, rules.STATEMENT_NODES)):
        tok = tokens[offset_tokens] if len(tokens) > offset_tokens else tokens[0]
        raise token_error(tok, sql, f"unrecognized or unsupported statement starting with {tok.text.upper()!r}")
    return tree


_COLUMN_DEFINING = (exp.Create, exp.Alter)
"""Statements with column definitions, whose DEFAULT ... COLLATE sqlglot misreads (`default_then_collate`)."""

_PARSER_FAILURES = (TokenError, TypeError, KeyError, IndexError, AttributeError, ValueError)
"""What sqlglot's parser raises, besides ParseError, on some malformed inputs."""


def _parser_failure(err: Exception, parser: Parser, tokens: list[Token], sql: str,
                    offset_tokens: int) -> SQLSyntaxError:
    # The parser's last consumed token is where it went wrong (a TokenError comes from text it
    # re-tokenizes, such as an optimizer hint's body).
    at: Token | None = getattr(parser, "_prev", None) or getattr(parser, "_curr", None)
    own = tokens[offset_tokens:]
    if at is None or not any(at is tok for tok in own):
        at = own[0] if own else None
    reason = "syntax error (the text here cannot be read)"
    if at is None:
        return SQLSyntaxError(reason, line=1, column=1, token=None, sql=sql)
    return token_error(at, sql, reason)


def _arity_error_call(err: ParseError, tokens: list[Token]) -> int | None:
    """Index of the function-name token of the call an arity error is about, if it is one."""
    first = (err.errors or [{}])[0]
    if not str(first.get("description") or "").startswith(_ARITY_ERRORS):
        return None
    line, col = first.get("line"), first.get("col")
    at = next((i for i, t in enumerate(tokens) if t.line == line and t.col == col), None)
    if at is None:
        return None
    if tokens[at].token_type is not TokenType.R_PAREN and at and tokens[at - 1].token_type is TokenType.R_PAREN:
        at -= 1
    j = at - 1 if tokens[at].token_type is TokenType.R_PAREN else at
    depth = 0
    while j >= 0:
        tt = tokens[j].token_type
        if tt is TokenType.R_PAREN:
            depth += 1
        elif tt is TokenType.L_PAREN:
            if depth == 0:
                break
            depth -= 1
        j -= 1
    if j <= 0 or not _WORD.fullmatch(tokens[j - 1].text):
        return None
    return j - 1


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")

