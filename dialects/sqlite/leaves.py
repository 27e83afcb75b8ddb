"""The IR's leaves from SQLite parse-tree tokens: names, literals, parameters and type names.

Where sqlglot loses information SQLite cares about (a declared column type whose affinity would
change, `?NNN` and `$name` parameters, hex literals) the original spelling is kept instead.
"""

from __future__ import annotations

from typing import Any

from antlr4 import ParserRuleContext, Token
from antlr4.tree.Tree import TerminalNode
from sqlglot import exp

from dialects.sqlite._generated.SQLiteParser import SQLiteParser as P


def unquote(text: str) -> tuple[str, bool]:
    """(name, quoted) for the text of a name token: "a""b", `a`, [a], 'a' or a bare word."""
    first = text[0]
    if first == '"':
        return text[1:-1].replace('""', '"'), True
    if first == "`":
        return text[1:-1].replace("``", "`"), True
    if first == "[":
        return text[1:-1], True
    if first == "'":
        return text[1:-1].replace("''", "'"), True
    return text, False


def _identifier_from_token(token: Any) -> exp.Identifier:
    name = token.text
    quoted = False
    if name[0] in _QUOTE_CHARS:  # most names are bare words: no call for them
        name, quoted = unquote(name)
    ident = exp.Identifier(this=name, quoted=quoted)
    ident._meta = {"line": token.line, "col": token.column + 1, "start": token.start, "end": token.stop}
    return ident


_QUOTE_CHARS = frozenset("\"`['")
"""The first characters `unquote` strips quotes for."""


def identifier(ctx: ParserRuleContext | TerminalNode | Token) -> exp.Identifier:
    """Identifier for any name rule (name, column_alias, ...), a name's leaf, or a name token
    (qualified_name's `schema` and `table`)."""
    if isinstance(ctx, Token):
        return _identifier_from_token(ctx)
    node = ctx
    while not isinstance(node, TerminalNode):
        node = node.children[0]
    return _identifier_from_token(node.symbol)


def table_ref(ctx: P.Qualified_nameContext) -> exp.Table:
    table = exp.Table(this=identifier(ctx.table))
    if ctx.schema is not None:
        table.set("db", identifier(ctx.schema))
    return table


def literal(ctx: P.LiteralContext | P.Literal_exprContext) -> exp.Expression:
    """The literal a context starts with (rule `literal`, or value_expr's literal alternative)."""
    token = ctx.start
    kind = token.type
    text = token.text
    if kind == P.NUMERIC_LITERAL:
        # What `exp.Literal.number(text)` builds for a number token, which has no sign (a minus is
        # an operator): that call also converts the text (int, or Decimal after a ValueError for
        # `1.5`, `1e3`) only to find the number is not negative.
        return exp.Literal(this=text, is_string=False)
    if kind == P.STRING_LITERAL:
        return exp.Literal(this=text[1:-1].replace("''", "'"), is_string=True)
    if kind == P.BLOB_LITERAL:
        return exp.HexString(this=text[2:-1])
    if kind == P.NULL:
        return exp.Null()
    if kind == P.CURRENT_TIMESTAMP:
        return exp.CurrentTimestamp()
    if kind == P.CURRENT_DATE:
        return exp.CurrentDate()
    return exp.CurrentTime()


def parameter(text: str) -> exp.Expression:
    if text == "?":
        return exp.Placeholder()
    if text[0] == ":" and text[1:].replace("_", "a").isalnum():
        return exp.Placeholder(this=text[1:])
    if text[0] == "@" and text[1:].replace("_", "a").isalnum():
        return exp.Parameter(this=exp.Var(this=text[1:]))
    # ?NNN and $name (with TCL's :: and (...) suffixes) have no sqlglot node that prints them back.
    return exp.Var(this=text)


# ---------------------------------------------------------------------------------------------
# Type names: keep SQLite's affinity


def _affinity(type_text: str) -> str:
    upper = type_text.upper()
    if "INT" in upper:
        return "INTEGER"
    if "CHAR" in upper or "CLOB" in upper or "TEXT" in upper:
        return "TEXT"
    if "BLOB" in upper or not upper.strip():
        return "BLOB"
    if "REAL" in upper or "FLOA" in upper or "DOUB" in upper:
        return "REAL"
    return "NUMERIC"


_TYPE_CACHE: dict[str, exp.DataType] = {}


def data_type(ctx: P.Type_nameContext) -> exp.DataType:
    words = ctx.type_word()
    text = " ".join(w.start.text for w in words)
    numbers = ctx.signed_number()
    if numbers:
        text += "(" + ", ".join(n.getText() for n in numbers) + ")"
    cached = _TYPE_CACHE.get(text)
    if cached is None:
        cached = _build_type(text, len(words) == 1 and words[0].start.type not in _QUOTED_WORDS)
        if len(_TYPE_CACHE) < 4096:
            _TYPE_CACHE[text] = cached
    return cached.copy()


_QUOTED_WORDS = (P.QUOTED_IDENTIFIER, P.STRING_LITERAL)


def _build_type(text: str, one_bare_word: bool) -> exp.DataType:
    # sqlglot's types only for a single bare word (INT, VARCHAR(255), ...) whose sqlglot spelling
    # keeps SQLite's column affinity; anything else keeps its words as written (sqlglot would drop
    # or rename words, e.g. NUMERIC -> REAL changes the affinity).
    if one_bare_word:
        try:
            typed = exp.DataType.build(text, dialect="sqlite")
            if typed.this != exp.DataType.Type.USERDEFINED and _affinity(typed.sql("sqlite")) == _affinity(text):
                return typed
        except Exception:  # sqlglot knows no such type: keep the word as written
            pass
    return exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=text)
