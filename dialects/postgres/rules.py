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
from typing import Any

import pglast
from pglast import ast
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect
from sqlglot.errors import ErrorLevel
from sqlglot.helper import name_sequence

from dialects.postgres.native import SQLGLOT_DIALECT, CozelitePostgres
from sqlparser.errors import SQLSyntaxError
from sqlparser.frontend import Statement

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
_OTHER_KEY_ENDS = ('_location":', '_start":', '_end":', 'stmt_len":')
"""What every other location key ends with (a false hit only costs the full pattern)."""


def without_locations(tree_json: str) -> str:
    """libpg_query's JSON without its location members, as `_LOCATION_JSON` removes them: each
    member with the comma before it, or the one after it when it comes first in its object. The
    `location` members go first (two fast patterns), then the rest, if any, by the full pattern:
    a member that the first step made first in its object loses the comma after it, as it would
    have in one pass. (`tests/postgres/test_frontend.py` checks the two ways agree.)"""
    text = _LOCATION_FIRST.sub("{", _LOCATION_AFTER.sub("", tree_json))
    for end in _OTHER_KEY_ENDS:
        if end in text:
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
    statement). Taken out while in use, so a nested call (none today) builds its own."""
    dialect = _check_dialect()
    # pretty=False: sqlglot's default layout, whatever `sqlglot.pretty` says when the generator is
    # built (the contract hands the text out as the native print only when it is not set).
    generator = getattr(_local, "generator", None) or dialect.generator(unsupported_level=ErrorLevel.RAISE,
                                                                         pretty=False)
    _local.generator = None
    try:
        # What a generation may leave changed on a generator, as its constructor sets it (an
        # error can interrupt `no_identify`; each statement numbers its made-up aliases from _t0).
        generator.identify = False
        generator._next_name = name_sequence("_t")
        generator._quote_json_path_key_using_brackets = True
        # The copy through `__deepcopy__` directly: `copy()` goes through `copy.deepcopy` and its
        # memo bookkeeping, for a tree that has no shared parts.
        sql: str = generator.generate(tree.__deepcopy__({}), copy=False)
    finally:
        _local.generator = generator
    return dialect.finish_generated(sql, tree)


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
