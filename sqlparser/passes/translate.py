"""translate: rewrite a statement read in one dialect (MySQL) into IR that means the same on another.

sqlglot's transpiler does much of this, and is wrong in places without saying so (MySQL `CONCAT`
propagates NULL, PostgreSQL's ignores it; `LENGTH` counts bytes in MySQL and characters elsewhere;
`DATE_ADD(..., INTERVAL 1 MONTH)` clamps to the month's last day in MySQL and overflows into the
next month with SQLite's `date()`; `GREATEST` ignores NULL on PostgreSQL; ...). So translation is
an allowlist, fail-closed:

1. Each target dialect's table (`dialects/<target>/translate.py`, a `TranslateRules`) maps IR node
   types to rewrites, applied children first. A rewrite returns the node to print, or raises
   UnsupportedConstructError naming the construct when the target has no faithful equivalent.
2. After rewriting, every function left in the tree must be one the table lists as meaning the same
   on both engines, and no node the table denies may remain; otherwise UnsupportedConstructError.
   A function nobody has checked is refused, never passed through in the hope it exists.

The pass never branches on the dialect: what differs is in the tables. Helpers that many tables
use (reading an INTERVAL, deciding whether a value is a DATE) live here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from sqlparser.errors import UnsupportedConstructError

Rewrite = Callable[[exp.Expression], exp.Expression]

GENERATED = "cozelite_translated"
"""Meta key marking nodes a rewrite built, so the allowlist check does not judge them as user input."""


@dataclass(frozen=True)
class TranslateRules:
    """How to express statements read in `sources` on the `target` dialect."""

    target: str
    sources: frozenset[str]
    # IR node type -> rewrite. Looked up by exact type first, then along the type's MRO.
    rewrites: Mapping[type[exp.Expression], Rewrite] = field(default_factory=dict)
    # Function node types that mean the same on the sources and the target once rewritten.
    functions: frozenset[type[exp.Expression]] = frozenset()
    # Names of user-written functions sqlglot keeps as Anonymous that mean the same on both.
    anonymous: frozenset[str] = frozenset()
    # Node types refused wherever they remain after rewriting, with the reason.
    denied: Mapping[type[exp.Expression], str] = field(default_factory=dict)
    # Statement types this table can translate.
    statements: tuple[type[exp.Expression], ...] = (exp.Query, exp.Insert, exp.Update, exp.Delete)
    # The target has no translation to do (reading and writing the same dialect).
    identity: bool = False


def translate(tree: exp.Expression, *, source: str, rules: TranslateRules) -> exp.Expression:
    if rules.identity and source == rules.target:
        return tree
    if source not in rules.sources:
        raise UnsupportedConstructError(
            f"translation from {source} to {rules.target}",
            f"supported sources: {', '.join(sorted(rules.sources)) or 'none'}")
    if not isinstance(tree, rules.statements):
        raise UnsupportedConstructError(f"{type(tree).__name__.upper()} statement",
                                        f"cannot translate to {rules.target}")

    # Children before parents: a parent's rewrite sees its children already translated.
    for node in reversed(list(tree.walk(bfs=False))):
        rewrite = _lookup(rules.rewrites, type(node))
        if rewrite is None:
            continue
        new = rewrite(node)
        if new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    _check_allowed(tree, rules)
    return tree


def _lookup(table: Mapping[type[exp.Expression], Rewrite], node_type: type) -> Rewrite | None:
    for klass in node_type.__mro__:
        if klass in table:
            return table[klass]
        if klass is exp.Expression:
            break
    return None


def _check_allowed(tree: exp.Expression, rules: TranslateRules) -> None:
    for node in tree.walk():
        for node_type, reason in rules.denied.items():
            if isinstance(node, node_type):
                raise UnsupportedConstructError(construct_name(node), reason)
        if not isinstance(node, exp.Func) or isinstance(node, exp.Connector) or node.meta.get(GENERATED):
            continue
        if isinstance(node, exp.Anonymous):
            if node.name.lower() in rules.anonymous:
                continue
        elif type(node) in rules.functions:
            continue
        raise UnsupportedConstructError(
            construct_name(node), f"no faithful translation to {rules.target} is known; rewrite it without")


def construct_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return f"function {node.name.upper()}()"
    if isinstance(node, exp.Func):
        return f"function {type(node).sql_names()[0]}()"
    return type(node).__name__.upper()


# -- helpers for the tables ---------------------------------------------------------------------


def generated(node: exp.Expression) -> exp.Expression:
    """Mark a node built by a rewrite (and its function descendants) as already translated."""
    for sub in node.walk():
        if isinstance(sub, exp.Func):
            sub.meta[GENERATED] = True
    return node


def call(name: str, *args: exp.Expression) -> exp.Anonymous:
    """A function call the rewrite chose (so it passes the allowlist)."""
    node = exp.Anonymous(this=name, expressions=list(args))
    node.meta[GENERATED] = True
    return node


def string(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def number(value: int | str) -> exp.Literal:
    return exp.Literal.number(value)


_DATE_RE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$")
_DATETIME_RE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d+)?)?\s*$")


def temporal_kind(node: exp.Expression) -> str | None:
    """"date" or "datetime" when the MySQL type of `node` is known from the tree, else None."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Literal) and node.is_string:
        if _DATE_RE.match(node.this):
            return "date"
        if _DATETIME_RE.match(node.this):
            return "datetime"
        return None
    kind = node.meta.get("temporal_kind")
    if kind:
        return kind
    if isinstance(node, (exp.CurrentDate, exp.TsOrDsToDate)):
        return "date"
    if isinstance(node, (exp.CurrentTimestamp, exp.UtcTimestamp)):
        return "datetime"
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("now", "sysdate", "utc_timestamp", "localtimestamp"):
        return "datetime"
    if isinstance(node, exp.Cast):
        to = node.to.this if isinstance(node.to, exp.DataType) else None
        if to == exp.DataType.Type.DATE:
            return "date"
        if to in (exp.DataType.Type.DATETIME, exp.DataType.Type.TIMESTAMP):
            return "datetime"
    return None


def mark_kind(node: exp.Expression, kind: str | None) -> exp.Expression:
    if kind:
        node.meta["temporal_kind"] = kind
    return node


DATE_UNITS = {"DAY": ("day", 1), "WEEK": ("day", 7), "MONTH": ("month", 1), "QUARTER": ("month", 3),
              "YEAR": ("month", 12)}
TIME_UNITS = {"SECOND": ("second", 1), "MINUTE": ("minute", 1), "HOUR": ("hour", 1)}


@dataclass(frozen=True)
class Shift:
    """A MySQL date shift `x +/- INTERVAL n unit`, normalised to a base unit and a signed amount."""

    this: exp.Expression
    amount: exp.Expression  # an integer expression, sign applied
    unit: str  # "second" | "minute" | "hour" | "day" | "month"
    date_unit: bool  # DAY and longer: a DATE stays a DATE


def _unit_name(unit: exp.Expression | str | None) -> str:
    if unit is None:
        return "DAY"
    name = unit if isinstance(unit, str) else unit.name
    return name.upper()


def _amount(value: exp.Expression, factor: int, negate: bool) -> exp.Expression:
    if isinstance(value, exp.Literal):
        text = value.this.strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise UnsupportedConstructError(
                f"INTERVAL {value.this!r}", "only whole-number intervals translate faithfully")
        n = int(text) * factor * (-1 if negate else 1)
        return number(n)
    if isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal):
        return _amount(exp.Literal.number(f"-{value.this.this}"), factor, negate)
    amount = value.copy()
    if factor != 1:
        amount = exp.Mul(this=exp.Paren(this=amount), expression=number(factor))
    if negate:
        amount = exp.Neg(this=exp.Paren(this=amount))
    return amount


def shift_of(node: exp.Expression) -> Shift | None:
    """Read DATE_ADD / DATE_SUB / ADDDATE / SUBDATE / TIMESTAMPADD / `x + INTERVAL ...` as a Shift."""
    negate = False
    if isinstance(node, (exp.DateAdd, exp.DateSub, exp.TimestampAdd)):
        this, value, unit = node.this, node.expression, node.args.get("unit")
        negate = isinstance(node, exp.DateSub)
    elif isinstance(node, (exp.Add, exp.Sub)) and isinstance(node.expression, exp.Interval):
        this, value, unit = node.this, node.expression.this, node.expression.args.get("unit")
        negate = isinstance(node, exp.Sub)
    elif isinstance(node, exp.Add) and isinstance(node.this, exp.Interval):
        this, value, unit = node.expression, node.this.this, node.this.args.get("unit")
    elif isinstance(node, exp.Anonymous) and node.name.lower() in ("adddate", "subdate") and len(node.expressions) == 2:
        this, arg = node.expressions
        negate = node.name.lower() == "subdate"
        if isinstance(arg, exp.Interval):
            value, unit = arg.this, arg.args.get("unit")
        else:
            value, unit = arg, None
    else:
        return None
    name = _unit_name(unit)
    if name in DATE_UNITS:
        base, factor = DATE_UNITS[name]
        date_unit = True
    elif name in TIME_UNITS:
        base, factor = TIME_UNITS[name]
        date_unit = False
    else:
        raise UnsupportedConstructError(f"INTERVAL unit {name}", "use SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, "
                                        "QUARTER or YEAR")
    if value is None:
        raise UnsupportedConstructError("INTERVAL without an amount")
    return Shift(this=this, amount=_amount(value, factor, negate), unit=base, date_unit=date_unit)


# -- booleans: MySQL has none (TRUE is 1), PostgreSQL is strict about them ------------------------

_PREDICATES = (exp.Predicate, exp.Connector, exp.Not, exp.Boolean, exp.Exists)


def is_predicate(node: exp.Expression) -> bool:
    while isinstance(node, exp.Paren):
        node = node.this
    return isinstance(node, _PREDICATES)


def context(node: exp.Expression) -> str:
    """"predicate" when the parent needs a truth value, "value" when it needs a number, else "other"."""
    child, parent = node, node.parent
    while isinstance(parent, exp.Paren):
        child, parent = parent, parent.parent
    if parent is None:
        return "other"
    key = child.arg_key
    if isinstance(parent, (exp.Where, exp.Having)) or (isinstance(parent, exp.Join) and key == "on"):
        return "predicate"
    if isinstance(parent, (exp.Connector, exp.Not)):
        return "predicate"
    if isinstance(parent, exp.If) and key == "this":
        return "predicate"
    if isinstance(parent, exp.Filter) and key == "expression":
        return "predicate"
    if isinstance(parent, (exp.Alias, exp.Select, exp.Tuple, exp.Binary, exp.Func, exp.Ordered, exp.Group,
                           exp.Neg, exp.Cast, exp.Between, exp.In, exp.If)):
        if isinstance(parent, exp.Select) and key != "expressions":
            return "other"
        return "value"
    if isinstance(parent, exp.Case):
        return "value" if key in ("this", "default") else "other"
    return "other"
