"""What the PostgreSQL front end refuses on top of PostgreSQL's own parser.

PostgreSQL's parser (libpg_query) decides validity; these are the front end's own rules:

- the round-trip rule: a lowered statement is printed natively, parsed again and compared with the
  original parse tree (locations ignored). An IR that would print back to something PostgreSQL
  reads differently is refused (the statement is returned unlowered, naming the first differing
  node), so no transform can silently change its meaning;
- the condition rule: a filter condition must be a plain boolean expression, nothing after it.

(The constructs the lowering cannot represent at all raise `Unlowerable` where they are met, in
lower.py and lower_expressions.py; docs/postgres.md tables them.)
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from typing import Any

import pglast
import sqlglot
from pglast import ast
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect
from sqlglot.errors import ErrorLevel
from sqlglot.helper import name_sequence

from dialects.postgres.native import SQLGLOT_DIALECT, CozelitePostgres
from sqlparser.errors import SQLSyntaxError
from sqlparser.frontend import Statement
from sqlparser.native_select import gated_select_handler

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
# The same for the commonest key alone, in two patterns that start with a literal (which the regex
# engine finds by a fast search, where the alternation above is tried at every character).
_LOCATION_AFTER = re.compile(r',"location":-?\d+')
_LOCATION_FIRST = re.compile(r'\{"location":-?\d+,?')
_OTHER_KEY = re.compile(r'_(?:location|start|end|len)":')
"""What every other location key ends with, in one search (a regex that starts with a literal
`_`, several times cheaper than a substring test per ending); a false hit, such as another
`*_len` key, only costs the full pattern."""


def without_locations(tree_json: str) -> str:
    """libpg_query's JSON without its location members, as `_LOCATION_JSON` removes them: each
    member with the comma before it, or the one after it when it comes first in its object. The
    `location` members go first (two fast patterns), then the rest, if any, by the full pattern:
    a member that the first step made first in its object loses the comma after it, as it would
    have in one pass. (`tests/postgres/test_frontend.py` checks the two ways agree.)"""
    text = _LOCATION_FIRST.sub("{", _LOCATION_AFTER.sub("", tree_json))
    if _OTHER_KEY.search(text) is not None:
        return _LOCATION_JSON.sub("", text)
    return text


def _same_tree(printed: str, parsed_text: str, parsed_json: str | None) -> bool:
    """Whether `printed` parses to the tree of `parsed_text` (whose JSON is `parsed_json`, if known),
    locations ignored. The cheap cases first, each exact: the same text (about a third of the
    corpus prints back as written) is the same tree; equal JSON with the locations in is too.

    Otherwise libpg_query's JSON parse trees without positions are compared: equal strings mean
    equal trees. (Building pglast's Python objects costs ten times the parse itself; comparing the
    C parser's JSON is the cheap way to compare trees. A quote inside a JSON string value is
    escaped, so the pattern only ever matches real location keys.)
    """
    if printed == parsed_text:
        return True
    again = pglast.parser.parse_sql_json(printed)
    original = parsed_json if parsed_json is not None else pglast.parser.parse_sql_json(parsed_text)
    return again == original or without_locations(again) == without_locations(original)


def render_check(tree: exp.Expression) -> str:
    """Native text used by the round-trip check: `$n` placeholders. (Lowering already quotes every
    name that needs it, so the quoting normalizer has nothing to do here.)

    What `Dialect.generate(tree, copy=True, unsupported_level=RAISE)` prints, with one generator
    per thread instead of one per statement (building one is about a tenth of printing a short
    statement). Taken out while in use, so a nested call (none today) builds its own.

    sqlglot's generator may rewrite the tree it prints, so `generate` copies it first, which costs
    about as much as the printing. Here the tree itself is printed first, through a dispatch table
    (`_in_place_dispatch`) in which every node kind whose printing has not been read to leave the
    tree as it was gives up (before touching it); then, and on any other error, the printing starts
    again on a copy with sqlglot's own table, as before. Either way the text (or error) is what the
    copy gives, and the tree is left as it was. (A few handlers set and then clear state on the
    nodes they print: no other thread may be reading the tree meanwhile, as none does while the
    front end checks a statement it has just lowered.)"""
    dialect = _check_dialect()
    printer = getattr(_local, "printer", None) or _CheckPrinter(dialect)
    _local.printer = None
    try:
        sql = printer.generate(tree)
    finally:
        _local.printer = printer
    return dialect.finish_generated(sql, tree)


class _CheckPrinter:
    """One thread's generator for `render_check`, with its two dispatch tables."""

    __slots__ = ("copying", "generator", "in_place")

    def __init__(self, dialect: CozelitePostgres) -> None:
        # pretty=False: sqlglot's default layout, whatever `sqlglot.pretty` says when the generator
        # is built (the contract hands the text out as the native print only when it is not set).
        self.generator = dialect.generator(unsupported_level=ErrorLevel.RAISE, pretty=False)
        self.copying: dict[type, Any] = self.generator._dispatch
        self.in_place = _in_place_dispatch(self.generator)

    def generate(self, tree: exp.Expression) -> str:
        generator = self.generator
        # (A tree with a parent could print differently from its copy, which has none.)
        if self.in_place is not None and tree.parent is None:
            generator._dispatch = self.in_place
            try:
                return self._generate(tree)
            except Exception:  # _NotAudited, or an error the copy's printing raises again below
                pass
            finally:
                generator._dispatch = self.copying
        # The copy through `__deepcopy__` directly: `copy()` goes through `copy.deepcopy` and its
        # memo bookkeeping, for a tree that has no shared parts.
        return self._generate(tree.__deepcopy__({}))

    def _generate(self, tree: exp.Expr) -> str:
        generator = self.generator
        # What a generation may leave changed on a generator, as its constructor sets it (an
        # error can interrupt `no_identify`; each statement numbers its made-up aliases from _t0).
        generator.identify = False
        generator._next_name = name_sequence("_t")
        generator._quote_json_path_key_using_brackets = True
        sql: str = generator.generate(tree, copy=False)
        return sql


class _NotAudited(Exception):
    """`render_check`'s in-place printing met a node kind it must not print in place."""


def _not_audited(generator: Any, node: exp.Expression) -> str:
    raise _NotAudited(type(node).__name__)


# -- printing in place ----------------------------------------------------------------------------
# Read in sqlglot 30.30.0 (generator.py, generators/postgres.py, dialects/dialect.py) and in
# native.py: the handlers of these node kinds, and every generator method they call, only read the
# tree and print what they find; each node below them is printed through the dispatch table again
# (a connector's `and_sql` / `or_sql` / `xor_sql` are called directly: read-only too). Any node
# kind missing here gives up. A function without a handler of its own prints through
# `function_fallback_sql` (read-only), a property through `property_sql` (read-only).
_AUDITED_SQLGLOT = "30.30.0"
_AUDITED = frozenset({
    exp.Identifier, exp.Literal, exp.Column, exp.Table, exp.Star, exp.Null, exp.Boolean, exp.Var,
    exp.Parameter, exp.Placeholder, exp.Insert, exp.Update, exp.Delete, exp.Values, exp.Schema, exp.From,
    exp.Join, exp.Where, exp.Group, exp.Having, exp.Order, exp.Limit, exp.Offset, exp.Returning,
    exp.Subquery, exp.Exists, exp.Alias, exp.TableAlias, exp.Tuple, exp.Paren, exp.Dot, exp.Anonymous,
    exp.AnonymousAggFunc, exp.Max, exp.Min, exp.ExplodingGenerateSeries, exp.DataType, exp.And, exp.Or,
    exp.EQ, exp.NEQ, exp.GT, exp.LT, exp.GTE, exp.LTE, exp.Add, exp.Sub, exp.Mul, exp.Mod, exp.DPipe,
    exp.Collate, exp.Neg, exp.Is, exp.In, exp.Between, exp.Like, exp.ILike, exp.Case, exp.Operator,
    exp.NullSafeEQ, exp.NullSafeNEQ, exp.RegexpLike, exp.Distance, exp.ArrayContainsAll, exp.ArrayContainedBy,
    exp.ArrayOverlaps, exp.Array, exp.BitString, exp.HexString, exp.Lock, exp.Into, exp.DataTypeParam,
})
# The generator's and dialect's settings that choose the read-only branches of those handlers
# (another value takes a branch that rewrites the tree: `select_sql` pops INTO, `values_sql`
# rebuilds VALUES as SELECTs, `is_sql` builds a NOT over the operand, ...).
_AUDITED_SETTINGS = {
    "SUPPORTS_SELECT_INTO": True, "LIMIT_IS_TOP": False, "VALUES_AS_TABLE": True, "NULL_ORDERING_SUPPORTED": True,
    "IS_BOOL_ALLOWED": True, "LIMIT_ONLY_LITERALS": False, "SUPPORTS_LIKE_QUANTIFIERS": True, "LIMIT_FETCH": "ALL",
    "TYPE_PARAM_SETTINGS": {}, "ENSURE_BOOLS": False, "EXPRESSIONS_WITHOUT_NESTED_CTES": set(),
    "UPDATE_STATEMENT_SUPPORTS_FROM": True, "pretty": False,
}
_AUDITED_DIALECT_SETTINGS = {"STRICT_STRING_CONCAT": False, "ALIAS_POST_TABLESAMPLE": False, "TYPED_DIVISION": True,
                             "SAFE_DIVISION": False, "INDEX_OFFSET": 1}


def _in_place_dispatch(generator: Any) -> dict[type, Any] | None:
    """The dispatch table `render_check` prints a tree in place with, or None when this generator is
    not the one read (another sqlglot version, other settings)."""
    dialect = generator.dialect
    if (sqlglot.__version__ != _AUDITED_SQLGLOT
            or any(getattr(generator, k, None) != v for k, v in _AUDITED_SETTINGS.items())
            or any(getattr(dialect, k, None) != v for k, v in _AUDITED_DIALECT_SETTINGS.items())):
        return None
    select = gated_select_handler(generator)
    if select is None:
        return None
    base: dict[type, Any] = generator._dispatch
    table = {cls: handler if cls in _AUDITED else _not_audited for cls, handler in base.items()}
    table[exp.Select] = _select_in_place(select)
    table[exp.Cast] = _cast_in_place(base[exp.Cast])
    table[exp.Div] = _gated(base[exp.Div], _div_rewrites)
    table[exp.Distinct] = _gated(base[exp.Distinct], _distinct_rewrites)
    table[exp.Bracket] = _gated(base[exp.Bracket], _bracket_rewrites)
    table[exp.DataType] = _datatype_in_place(base[exp.DataType])
    # These two read `node.meta`, which gives a node without a meta dict an empty one of its own.
    table[exp.Ordered] = _keeping_meta(base[exp.Ordered])
    table[exp.Not] = _keeping_meta(base[exp.Not])
    return table


def _select_in_place(gated: Callable[[Any, exp.Expression], str]) -> Callable[[Any, exp.Expression], str]:
    # PostgreSQL's SELECT rewrites (SEMI / ANTI joins, QUALIFY) act only on what is tested first,
    # so `gated` goes straight to `select_sql`; it rewrites nothing without a STRUCT kind, a star
    # EXCLUDE or a WITH (whose comments it moves).
    def handler(generator: Any, select: exp.Expression) -> str:
        args = select.args
        joins = args.get("joins")
        if args.get("qualify") or args.get("kind") or args.get("exclude") or args.get("with_") or (
                joins and any(join.kind in ("SEMI", "ANTI") for join in joins)):
            raise _NotAudited("Select")
        return gated(generator, select)

    return handler


def _gated(original: Callable[[Any, exp.Expression], str],
           rewrites: Callable[[exp.Expression], bool]) -> Callable[[Any, exp.Expression], str]:
    """`original`, which reads its node only, except where `rewrites(node)` says it may change it."""
    def handler(generator: Any, node: exp.Expression) -> str:
        if rewrites(node):
            raise _NotAudited(type(node).__name__)
        return original(generator, node)

    return handler


def _div_rewrites(div: exp.Expression) -> bool:
    # `div_sql` wraps the divisor of a safe division in NULLIF, and casts the dividend of an
    # untyped one (PostgreSQL's division is typed: the lowering marks it so).
    return bool(div.args.get("safe")) or not div.args.get("typed")


def _distinct_rewrites(distinct: exp.Expression) -> bool:
    # native.py's handler prints `DISTINCT a, b` itself; sqlglot's `distinct_sql`, which it calls
    # for the rest, builds a CASE over the arguments (moving them) when there are several.
    return bool(distinct.args.get("on")) and len(distinct.expressions) > 1


def _bracket_rewrites(bracket: exp.Expression) -> bool:
    # PostgreSQL's `bracket_sql` wraps an ARRAY[...] operand in parentheses; sqlglot's shifts an
    # index written for another base (annotating types on the tree) unless it is PostgreSQL's own
    # (offset 1, as the lowering writes it) or a JSON access.
    args = bracket.args
    return isinstance(bracket.this, exp.Array) or (not args.get("json_access") and args.get("offset", 0) != 1)



def _cast_in_place(original: Callable[[Any, exp.Expression], str]) -> Callable[[Any, exp.Expression], str]:
    # PostgreSQL's `cast_sql` compares the target type of a cast of an integer division (which
    # caches hashes on the tree); any other cast only reads it.
    def handler(generator: Any, cast: exp.Expression) -> str:
        if isinstance(cast.this, exp.IntDiv):
            raise _NotAudited("Cast")
        return original(generator, cast)

    return handler


def _datatype_in_place(original: Callable[[Any, exp.Expression], str]) -> Callable[[Any, exp.Expression], str]:
    # PostgreSQL's `datatype_sql` asks `is_type`, which compares a user-defined type as a whole:
    # its hash, then kept on it and on each node below it that had none. They are forgotten again.
    def handler(generator: Any, node: exp.Expression) -> str:
        if node.this != exp.DType.USERDEFINED:
            return original(generator, node)
        unhashed = [n for n in node.walk() if n._hash is None]
        try:
            return original(generator, node)
        finally:
            for n in unhashed:
                n._hash = None

    return handler


def _keeping_meta(original: Callable[[Any, exp.Expression], str]) -> Callable[[Any, exp.Expression], str]:
    def handler(generator: Any, node: exp.Expression) -> str:
        if node._meta is not None:
            return original(generator, node)
        try:
            return original(generator, node)
        finally:
            node._meta = None

    return handler


_local = threading.local()


@functools.cache
def _check_dialect() -> CozelitePostgres:
    dialect = SqlglotDialect.get_or_raise(SQLGLOT_DIALECT)
    assert isinstance(dialect, CozelitePostgres)
    return dialect


def round_trip_mismatch(tree: exp.Expression, node: Any, parsed_text: str,
                        parsed_json: str | None = None) -> str | None:
    """None when `tree` prints back to `parsed_text`'s parse tree (`node`); else what differs, as
    `Statement.unsupported` reports it. (`node` None: pglast's objects of `parsed_text` are built
    only to name a difference, which is rare and once per shape.) `parsed_json`: libpg_query's
    JSON of `parsed_text` when the caller has it (the front end parsed the text to it), so the
    text is not parsed a second time."""
    return round_trip(tree, node, parsed_text, parsed_json)[0]


def round_trip(tree: exp.Expression, node: Any, parsed_text: str,
               parsed_json: str | None = None) -> tuple[str | None, str | None]:
    """(`round_trip_mismatch`, the native text the check printed when it passed, else None)."""
    try:
        printed = render_check(tree)
        same = _same_tree(printed, parsed_text, parsed_json)
    except Exception:  # printing or re-parsing failed: the IR is not faithful
        return "round-trip: not printable", None
    if same:
        return None, printed
    again = pglast.parse_sql(printed)
    if len(again) != 1:
        return "round-trip: statement count", None
    original = node if node is not None else pglast.parse_sql(parsed_text)[0].stmt
    return f"round-trip: {first_difference(original, again[0].stmt) or 'RawStmt'}", None


CONDITION_PREFIX = "SELECT * FROM t WHERE "
"""A condition is parsed as the WHERE clause of this statement."""


def plain_condition(stmt: Statement, condition: str) -> exp.Expression:
    """The WHERE expression of `CONDITION_PREFIX + condition`; SQLSyntaxError when the condition
    added anything else (ORDER BY, LIMIT, ...) or could not be lowered."""
    tree = stmt.tree
    where = tree.args.get("where") if isinstance(tree, exp.Select) else None
    extra = [k.rstrip("_").upper() for k, v in tree.args.items()
             if v and k not in ("expressions", "from_", "where")] if tree is not None and where is not None else []
    if where is None or extra:
        what = ", ".join(extra) if extra else (stmt.unsupported or type(tree).__name__.upper())
        raise SQLSyntaxError(f"not a plain boolean condition (it adds: {what})", line=1, column=1,
                             token=condition.split(None, 1)[0], sql=condition)
    condition_tree: exp.Expression = where.this
    return condition_tree
