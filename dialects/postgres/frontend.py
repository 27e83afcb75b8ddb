"""PostgreSQL front end: libpg_query (through pglast) decides validity, `lower` builds the IR.

Every lowered statement is checked before it is handed out (`rules.round_trip_mismatch`): a
statement whose IR would print back to something PostgreSQL reads differently is returned
unlowered (`Statement.tree is None`, `unsupported` names the first differing node), so no
transform can silently change its meaning.

Applications send the same statement texts again and again, and the check costs about as much as
the parse, so parsed statements are kept in the shared statement cache (`CachedFrontend`). Texts
that differ only in their literal values (SQL with inline values, never repeated as a whole) share
the check's verdict instead: it is kept per statement shape (`shape_key`), about a fifth of an
uncached parse.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import itertools
import json
import operator
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pglast
from sqlglot import exp

from dialects.postgres import compat_lexer, rules
from dialects.postgres.lower import Lowerer
from dialects.postgres.nodes import CharOffsets, Node, unwrap
from sqlparser.errors import SQLSyntaxError
from sqlparser.frontend import CachedFrontend, Statement, TreeFacts
from sqlparser.ir import Unlowerable, line_column
from sqlparser.shapes import Shape, Slot, make_shape, plain_slot
from sqlparser.types import OperationType

_orjson_loads: Callable[[str], Any] | None
try:  # a dependency, but optional here: reads libpg_query's JSON in about 40% of json.loads' time
    from orjson import loads as _orjson_loads
except ImportError:  # pragma: no cover - the test environment has it
    _orjson_loads = None

_NEAR = re.compile(r'at or near "(.*)"\Z', re.S)


def load_tree_json(raw: str) -> Any:
    """libpg_query's JSON text as Python objects, as `json.loads` reads it. orjson, when installed,
    reads it to the same objects: strings alike, and every number libpg_query writes is a C integer
    field of at most 64 bits (a literal's digits are a string, `ival` is 32 bits), which orjson
    reads exactly as an int (it would read a longer integer as a float). What orjson refuses (lone
    surrogate escapes, NaN) goes to `json.loads`, so nothing is refused anew."""
    if _orjson_loads is not None:
        try:
            return _orjson_loads(raw)
        except ValueError:  # orjson.JSONDecodeError
            pass
    return json.loads(raw)


def _syntax_error(err: pglast.parser.ParseError, sql: str, compat: compat_lexer.CompatText | None) -> SQLSyntaxError:
    message = err.args[0] if err.args else str(err)
    offset = err.args[1] if len(err.args) > 1 and err.args[1] is not None else None
    match = _NEAR.search(message)
    token = match.group(1) if match else None
    reason = message.split(" at or near ")[0].split(" at end of input")[0]
    if offset is None:
        line, column = line_column(sql, len(sql.rstrip()))
        return SQLSyntaxError(reason, line=line, column=column, token=None, sql=sql)
    if compat is not None:
        offset = compat.original_offset(offset)
    line, column = line_column(sql, offset)
    return SQLSyntaxError(reason, line=line, column=column, token=token, sql=sql)


def parse_pg(sql: str) -> tuple[Node, compat_lexer.CompatText | None]:
    """The single statement of `sql` (its parse tree, `nodes.py`) and the MySQL-compat rewrite
    used, if one was needed."""
    stmt, compat, _ = parse_pg_json(sql)
    return stmt, compat


KEEP_JSON_TEXT_LIMIT = 16 * 1024
"""Texts up to this long keep their JSON parse tree for the round-trip check (`parse_pg_json`)."""


def parse_pg_json(sql: str) -> tuple[Node, compat_lexer.CompatText | None, str | None]:
    """`parse_pg`, and libpg_query's JSON text of the tree, which the round-trip check compares,
    for a text of at most KEEP_JSON_TEXT_LIMIT characters. (A longer text's JSON is megabytes kept
    through the lowering: the check parses such a text again instead, keeping the peak memory of
    a large statement where it was.)"""
    # MySQL-style `?` and backquotes are rewritten whenever present, not only when the raw text
    # fails to parse: `x = ? - 1` and `` `a` `` are also (meaningless) PostgreSQL operator syntax.
    try:
        compat = compat_lexer.rewrite(sql)
    except compat_lexer.CompatLexError as lex:
        line, column = line_column(sql, lex.offset)
        raise SQLSyntaxError(str(lex), line=line, column=column, token=sql[lex.offset : lex.offset + 1],
                             sql=sql) from None
    text = compat.text if compat is not None else sql
    try:
        raw = pglast.parser.parse_sql_json(text)
    except pglast.parser.ParseError as err:
        raise _syntax_error(err, sql, compat) from None
    stmts = load_tree_json(raw).get("stmts", ())
    if len(stmts) != 1:
        if not stmts:
            raise SQLSyntaxError("no statement found (only comments or semicolons)", line=1, column=1, token=None,
                                 sql=sql)
        second_at = CharOffsets(text)(stmts[1].get("stmt_location", 0))
        if compat is not None:
            second_at = compat.original_offset(second_at)
        while second_at < len(sql) and sql[second_at].isspace():
            second_at += 1
        line, column = line_column(sql, second_at)
        raise SQLSyntaxError("expected exactly one statement; split the text and send one at a time",
                             line=line, column=column, token=sql[second_at:].split(None, 1)[0] or None, sql=sql)
    stmt: Node = stmts[0]["stmt"]
    return stmt, compat, (raw if len(text) <= KEEP_JSON_TEXT_LIMIT else None)


def classify(node: Node) -> tuple[OperationType, str | None]:
    """The Go contract's operation type of a statement (its parse tree), and the first table it names."""
    kind, fields = unwrap(node)
    if kind == "SelectStmt":
        return OperationType.SELECT, _select_table(fields)
    if kind == "InsertStmt":
        return OperationType.INSERT, _relname(fields.get("relation"))
    if kind == "UpdateStmt":
        return OperationType.UPDATE, _relname(fields.get("relation"))
    if kind == "DeleteStmt":
        return OperationType.DELETE, _relname(fields.get("relation"))
    if kind == "CreateStmt":
        return OperationType.CREATE, _relname(fields.get("relation"))
    if kind == "CreateTableAsStmt" and fields.get("objtype") == "OBJECT_TABLE":
        into = fields.get("into")
        return OperationType.CREATE, _relname(into.get("rel")) if into is not None else None
    if kind == "AlterTableStmt" and fields.get("objtype") == "OBJECT_TABLE":
        return OperationType.ALTER, _relname(fields.get("relation"))
    if kind == "DropStmt" and fields.get("removeType") == "OBJECT_TABLE":
        return OperationType.DROP, None
    if kind == "TruncateStmt":
        relations = fields.get("relations")
        return OperationType.TRUNCATE, _relname(relations[0].get("RangeVar")) if relations else None
    return OperationType.UNKNOWN, None


def _relname(rv: Node | None) -> str | None:
    return rv.get("relname") if rv is not None else None


def _select_table(node: Node) -> str | None:
    while node.get("op", "SETOP_NONE") != "SETOP_NONE":
        larg = node.get("larg")
        if larg is None:
            return None
        node = larg
    items = node.get("fromClause")
    item = items[0] if items else None
    while item is not None and "JoinExpr" in item:
        item = item["JoinExpr"].get("larg")
    return _relname(item.get("RangeVar")) if item is not None else None


# -- the round-trip check's verdict per statement shape ------------------------------------------

shape_cache = True
"""False: run the round-trip check on every parsed statement (tests and benchmarks compare)."""

SHAPE_TEXT_LIMIT = 16 * 1024
"""Longer texts are checked every time: their scan costs more, and they rarely repeat a shape."""

# A literal whose printed form is the same for every value of its class: a plain decimal integer,
# a plain decimal fraction, a standard string of ordinary characters. Anything else (signs are
# separate tokens; 0x/0o/0b/1_000 forms, exponents, E'' / U&'' / B'' / X'' strings, quotes,
# backslashes, non-ASCII) stays in the key as written, so it is checked on its own.
_PLAIN_LITERAL = {  # token name -> (its plain form, its marker in the key)
    "ICONST": (re.compile(r"(?:0|[1-9][0-9]*)\Z"), "\x00I"),
    "FCONST": (re.compile(r"(?:[1-9][0-9]*|0)(?:\.[0-9]+)?\Z"), "\x00F"),
    "SCONST": (re.compile(r"'[A-Za-z0-9 _.,:@%/+#=-]*'\Z"), "\x00S"),
}


def shape_key(text: str, anonymous_params: bool) -> bytes | None:
    """What decides the round-trip check's verdict for `text` (the text PostgreSQL parses): the text
    as written, except its plain literal tokens, which count by kind only. None when `text` is not
    worth keeping a verdict for (too long, a NUL, or it does not scan; a text without a digit or a
    quote has no literal to look for and is not scanned).

    The parse tree, the lowering and the native printing are functions of the tokens; a plain
    literal's value is carried through them unchanged and prints back as it was written, so two
    texts with equal keys get the same verdict. Equal keys mean equal text around literals of the
    same kinds, each a whole token of its own text's scan: the scanner splits the rest alike, so
    the tokens are equal but for those values. (Whitespace, comments and the case of words stay in
    the key: texts that differ only there are checked on their own, as often as a token key would
    check them or more, never less.) Only the literal tokens are looked at, not every token.
    """
    if len(text) > SHAPE_TEXT_LIMIT or "\x00" in text:
        return None
    last = getattr(_scanned, "last", None)
    if last is not None and last[0] is text:
        tokens = last[1]  # the statement-shape key just scanned this very text (its literal tokens)
        _scanned.last = None
    elif _LITERAL_START.search(text) is None:
        # No digit and no quote: no token can be a plain literal, so the key is the whole text, the
        # same with or without a scan. (Such a text the scanner refuses cannot have parsed, and if
        # one were keyed, only this very text could ever meet its verdict.)
        tokens = ()
    else:
        scanned = scan_literal_tokens(text)
        if scanned is None:
            return None
        tokens = scanned
    # A kind marker is NUL and one letter: with no NUL in the text, the key reads back unambiguously.
    parts = ["?" if anonymous_params else "$"]
    at = 0
    get = _PLAIN_LITERAL.get
    for token in tokens:
        plain = get(token.name)
        if plain is not None:
            end = token.end + 1
            if plain[0].match(text, token.start, end):  # (`\Z` matches at `end`: the token alone)
                parts.append(text[at : token.start])
                parts.append(plain[1])
                at = end
    parts.append(text[at:])
    return hashlib.blake2b("".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _Verdicts:
    """A bounded LRU of round-trip verdicts (None = passed, else the mismatch) by shape key."""

    SIZE = 4096

    def __init__(self) -> None:
        self._items: OrderedDict[bytes, str | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> tuple[bool, str | None]:
        with self._lock:
            if key not in self._items:
                return False, None
            self._items.move_to_end(key)
            return True, self._items[key]

    def put(self, key: bytes, verdict: str | None) -> None:
        with self._lock:
            self._items[key] = verdict
            while len(self._items) > self.SIZE:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


VERDICTS = _Verdicts()


def round_trip_mismatch(tree: exp.Expression, node: Any, parsed_text: str, anonymous_params: bool,
                        parsed_json: str | None = None) -> str | None:
    """`rules.round_trip_mismatch`, run once per statement shape (`parsed_json`: see there)."""
    return round_trip(tree, node, parsed_text, anonymous_params, parsed_json)[0]


def round_trip(tree: exp.Expression, node: Any, parsed_text: str, anonymous_params: bool,
               parsed_json: str | None = None) -> tuple[str | None, str | None]:
    """`rules.round_trip`, run once per statement shape: (the verdict, the text the check printed
    for this tree, None when the verdict came from an earlier statement of the same shape)."""
    key = shape_key(parsed_text, anonymous_params) if shape_cache else None
    if key is not None:
        known, verdict = VERDICTS.get(key)
        if known:
            return verdict, None
    verdict, printed = rules.round_trip(tree, node, parsed_text, parsed_json)
    if key is not None:
        VERDICTS.put(key, verdict)
    return verdict, printed


class PostgresFrontend(CachedFrontend):
    """Thread-safe: holds only options and the shared cache."""

    CACHE_SIZE = 512
    LITERAL_RUNS = "postgres"  # long runs of plain literals fold (sqlparser.literal_runs)

    def _shape(self, sql: str) -> Shape | None:
        """Plain ICONST / FCONST / SCONST tokens of PostgreSQL's own scanner (pglast) are the slots:
        a subset of what `shape_key` counts by kind, so a shared tree also shares the round-trip
        check's verdict. Texts the scanner refuses (MySQL backquotes) are not keyed, nor any text
        while `shape_cache` is off (every statement then runs the whole check)."""
        if not shape_cache:
            return None
        if _LITERAL_START.search(sql) is None:
            return None  # no plain literal can start without a digit or a quote: nothing to share
        tokens = scan_literal_tokens(sql)
        if tokens is None:
            return None
        _scanned.last = (sql, tokens)
        slots: list[Slot] = []
        for token in tokens:
            slot = plain_slot(sql, token.start, token.end + 1, _SLOT_TOKENS[token.name])
            if slot is not None:
                slots.append(slot)
        return make_shape(sql, slots)

    def _parse_uncached(self, sql: str) -> Statement:
        node, compat, parsed_json = parse_pg_json(sql)
        operation, table = classify(node)
        kind = next(iter(node))
        if kind not in ("SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt"):
            return Statement(sql=sql, operation=operation, tree=None, unsupported=kind, table=table)
        parsed_text = compat.text if compat is not None else sql
        anonymous = compat is not None and compat.placeholders > 0
        lowerer = Lowerer(anonymous_params=anonymous, text=parsed_text)
        try:
            tree = lowerer.statement(node)
        except Unlowerable as err:
            return Statement(sql=sql, operation=operation, tree=None, unsupported=err.construct, table=table)
        # The parse tree (dicts, larger than the IR) is freed before the check's own parses: the
        # check builds pglast's objects from the text if it needs them to name a difference.
        del node
        mismatch, printed = round_trip(tree, None, parsed_text, anonymous, parsed_json)
        if mismatch is not None:
            return Statement(sql=sql, operation=operation, tree=None, unsupported=mismatch, table=table)
        # The check printed this tree as the native printer does with the default options: the
        # contract hands that text out when no pass changes the tree (`TreeFacts.printed`).
        return Statement(sql=sql, operation=operation, tree=tree, table=table,
                         facts=TreeFacts(tree, printed=printed) if printed is not None else None)

    def _parse_condition(self, text: str) -> exp.Expression:
        try:
            stmt = self.parse(rules.CONDITION_PREFIX + text)
        except SQLSyntaxError as err:
            column = err.column - len(rules.CONDITION_PREFIX) if err.line == 1 else err.column
            raise SQLSyntaxError(err.reason, line=err.line, column=max(1, column), token=err.token,
                                 sql=text) from None
        return rules.plain_condition(stmt, text)


_SLOT_TOKENS = {"ICONST": False, "FCONST": False, "SCONST": True}
assert _SLOT_TOKENS.keys() == _PLAIN_LITERAL.keys()  # `_literal_tokens` serves both keys

_LITERAL_START = re.compile(r"[0-9']")
"""What every plain literal (of either key) contains: a text without it has none."""

_TOKEN_NAME = operator.itemgetter(2)  # pglast's Token is a named tuple (start, end, name, kind)


def _literal_tokens(tokens: list[Any]) -> list[Any]:
    """The ICONST / FCONST / SCONST tokens of a scan, in order: the only ones either key looks at,
    picked without a Python-level step per token (most tokens are not literals)."""
    return list(itertools.compress(tokens, map(_SLOT_TOKENS.__contains__, map(_TOKEN_NAME, tokens))))


def scan_literal_tokens(text: str) -> list[Any] | None:
    """`_literal_tokens(pglast.parser.scan(text))`, or None where that scan raises ParseError.

    pglast's `scan` builds a Python token (a named tuple, through a Python-level `__new__`) and
    two decoded names for every token of the text, most of its cost; the keys need the literals
    alone. So the C function `scan` calls (`pg_query_scan_tokens`, exported by pglast's extension
    module) is called directly, its token kinds read back as integers, and a token built for each
    literal only, as `scan` builds it. For pglast 8.8 only (`_c_scanner`), on an ASCII text
    (where `scan`'s byte offsets are the character indexes); else through `scan` itself."""
    scanner = _c_scanner()
    if scanner is None or not text.isascii():
        try:
            return _literal_tokens(pglast.parser.scan(text))
        except pglast.parser.ParseError:
            return None
    scan, free, literals = scanner
    result = scan(text.encode("ascii"))
    try:
        if result.error:
            return None
        count = result.n_tokens
        if count <= 0:
            return []
        # Four C ints per token: start, end (exclusive), token kind, keyword kind.
        fields = memoryview(ctypes.string_at(result.tokens, 16 * count)).cast("i")
        kinds = fields[2::4].tolist()
        out = []
        for k in itertools.compress(range(count), map(literals.__contains__, kinds)):
            name, keyword = literals[kinds[k]]
            if fields[4 * k + 3] != keyword[0]:
                return _literal_tokens(pglast.parser.scan(text))  # (no literal is a keyword)
            out.append(pglast.parser.Token(fields[4 * k], fields[4 * k + 1] - 1, name, keyword[1]))
        return out
    finally:
        free(result)


class _ScanTokensResult(ctypes.Structure):
    """libpg_query's `PgQueryScanTokensResult` (as pglast 8.8's parser.pyx declares it)."""

    _fields_ = [("tokens", ctypes.c_void_p), ("n_tokens", ctypes.c_int), ("error", ctypes.c_void_p)]


_PROBE = "SELECT 1, 2.5, 'x', a1 FROM t WHERE b = $1 -- 3\n"
"""A text with each literal kind, and digits that are no literal, to check the direct call by."""


@functools.cache
def _c_scanner() -> tuple[Callable[[bytes], _ScanTokensResult], Callable[[_ScanTokensResult], None],
                          dict[int, tuple[str, tuple[int, str]]]] | None:
    """(`pg_query_scan_tokens`, its result's free function, literal token kind -> (its name, (its
    keyword kind, that kind's name))), or None when they cannot be used: another pglast version,
    a symbol missing, or a probe text scanned otherwise than `pglast.parser.scan` scans it."""
    if pglast.__version__ != "v8.8":
        return None
    try:
        library = ctypes.CDLL(pglast.parser.__file__)
        scan = library.pg_query_scan_tokens
        free = library.pg_query_free_scan_tokens_result
    except (OSError, AttributeError):
        return None
    scan.argtypes, scan.restype = [ctypes.c_char_p], _ScanTokensResult
    free.argtypes, free.restype = [_ScanTokensResult], None
    expected = pglast.parser.scan(_PROBE)
    result = scan(_PROBE.encode("ascii"))
    try:
        if result.error or result.n_tokens != len(expected):
            return None
        fields = memoryview(ctypes.string_at(result.tokens, 16 * result.n_tokens)).cast("i").tolist()
    finally:
        free(result)
    literals: dict[int, tuple[str, tuple[int, str]]] = {}
    for k, token in enumerate(expected):
        start, end, kind, keyword = fields[4 * k : 4 * k + 4]
        if (start, end - 1) != (token.start, token.end):
            return None
        if token.name in _SLOT_TOKENS:
            literals[kind] = (token.name, (keyword, token.kind))
    if sorted(name for name, _ in literals.values()) != sorted(_SLOT_TOKENS):
        return None
    return scan, free, literals


_scanned = threading.local()
"""The scanner's literal tokens `_shape` just found, per thread, for `shape_key` of the same text: a
statement the shape cache does not build is parsed (and its round-trip verdict keyed) right after."""

CACHE_SIZE = PostgresFrontend.CACHE_SIZE


def clear_cache() -> None:
    """Forget every cached statement and verdict (the benchmark measures cold and warm parses with it)."""
    PostgresFrontend.clear_cache()
    VERDICTS.clear()
