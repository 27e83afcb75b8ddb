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
    # Applied to every node after its rewrite, children first (PostgreSQL: truth values vs numbers).
    post: Rewrite | None = None


def translate(tree: exp.Expression, *, source: str, rules: TranslateRules) -> exp.Expression:
    if source == rules.target:
        return tree  # reading and writing the same dialect: nothing to translate
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
        new = rewrite(node) if rewrite is not None else node
        if new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
        if rules.post is not None:
            final = rules.post(new)
            if final is not new:
                if new is tree:
                    tree = final
                else:
                    new.replace(final)
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
        if node.meta.get(GENERATED):
            continue
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
        # The name as MySQL spells it (sqlglot's LPAD is a Pad node).
        written = node.sql(dialect="mysql").split("(", 1)[0].strip() or type(node).sql_names()[0]
        return f"function {written.upper()}()"
    return type(node).__name__.upper()


# -- helpers for the tables ---------------------------------------------------------------------


def generated(node: exp.Expression) -> exp.Expression:
    """Mark a node a rewrite built (not its user-written operands: mark before attaching them)."""
    node.meta[GENERATED] = True
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
    n: int | None = None  # the amount, when it is a constant


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
    elif isinstance(node, exp.Add) and isinstance(node.this, exp.Interval) and node.this.args.get("unit") \
            and isinstance(node.expression, exp.Interval) and not node.expression.args.get("unit"):
        # sqlglot reads `INTERVAL 3 DAY + '2024-01-30'` with the date as a unit-less INTERVAL.
        this, value, unit = node.expression.this, node.this.this, node.this.args.get("unit")
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
    amount = _amount(value, factor, negate)
    n = None
    if isinstance(amount, exp.Literal):
        n = int(amount.this)
    elif isinstance(amount, exp.Neg) and isinstance(amount.this, exp.Literal) and not amount.this.is_string:
        n = -int(amount.this.this)
    return Shift(this=this, amount=amount, unit=base, date_unit=date_unit, n=n)


DIFF_SECONDS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400, "WEEK": 604800}


def diff_unit_seconds(node: exp.Expression) -> int:
    """Seconds per unit of TIMESTAMPDIFF; months and years count calendar months: not translated."""
    name = _unit_name(node.args.get("unit"))
    if name not in DIFF_SECONDS:
        raise UnsupportedConstructError(f"TIMESTAMPDIFF in {name}", "translated units: " + ", ".join(DIFF_SECONDS))
    return DIFF_SECONDS[name]


# -- booleans: MySQL has none (TRUE is 1), PostgreSQL is strict about them ------------------------

_PREDICATES = (exp.Predicate, exp.Connector, exp.Not, exp.Boolean, exp.Exists, exp.Escape)


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
    if isinstance(parent, exp.Escape):
        return "other"  # the LIKE inside `x LIKE p ESCAPE c`
    if isinstance(parent, exp.Is):
        # MySQL's `x IS TRUE` tests x as a truth value; `x IS NULL` keeps x as it is.
        return "predicate" if key == "this" and isinstance(parent.expression, exp.Boolean) else "other"
    if isinstance(parent, exp.If) and key == "this" and isinstance(parent.parent, exp.Case) \
            and parent.parent.this is not None:
        return "value"  # CASE x WHEN 1 THEN ...: the WHEN operand is compared, not tested
    if isinstance(parent, (exp.DefaultColumnConstraint, exp.Values)):
        return "value"
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


# -- table helpers: rewrites by function name, formats, LIKE, upserts ----------------------------


def by_name(table: Mapping[str, Rewrite]) -> Rewrite:
    """A rewrite for Anonymous calls, dispatched on the lower-case function name."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        fn = table.get(node.name.lower()) if isinstance(node, exp.Anonymous) else None
        return fn(node) if fn is not None else node

    return rewrite


def convert_format(fmt: exp.Expression | None, specifiers: Mapping[str, str],
                   literal: Callable[[str], str]) -> str:
    """A DATE_FORMAT pattern (sqlglot holds it in strftime form) for the target, or a named error."""
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        raise UnsupportedConstructError("DATE_FORMAT with a non-literal format")
    text, out, i = fmt.this, [], 0
    pending = ""
    while i < len(text):
        if text[i] == "%":
            spec = text[i:i + 2] if i + 1 < len(text) and text[i + 1] != "-" else text[i:i + 3]
            if spec not in specifiers:
                raise UnsupportedConstructError(
                    f"DATE_FORMAT specifier {spec}", f"translated: {', '.join(sorted(specifiers))}")
            if pending:
                out.append(literal(pending))
                pending = ""
            out.append(specifiers[spec])
            i += len(spec)
        else:
            pending += text[i]
            i += 1
    if pending:
        out.append(literal(pending))
    return "".join(out)


def like_to_glob(pattern: str, escape: str = "\\") -> str:
    """A MySQL LIKE pattern as an equivalent (case-sensitive) GLOB pattern."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == escape and i + 1 < len(pattern):
            ch = pattern[i + 1]
            out.append(f"[{ch}]" if ch in "*?[" else ch)
            i += 2
            continue
        if ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        elif ch in "*?[":
            out.append(f"[{ch}]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def values_to_excluded(node: exp.Expression) -> exp.Expression:
    """MySQL's `VALUES(c)` in ON DUPLICATE KEY UPDATE is the proposed row: `excluded.c`."""
    for call_node in list(node.find_all(exp.Anonymous)):
        if call_node.name.lower() == "values" and len(call_node.expressions) == 1:
            arg = call_node.expressions[0]
            name = arg.name if isinstance(arg, (exp.Identifier, exp.Column)) else None
            if not name:
                raise UnsupportedConstructError("VALUES() of an expression in ON DUPLICATE KEY UPDATE")
            replacement = exp.column(name, table="excluded")
            if call_node is node:
                return replacement
            call_node.replace(replacement)
    return node


# Nodes with no faithful equivalent outside MySQL, refused unless a table rewrites them first.
MYSQL_ONLY_NODES: dict[type[exp.Expression], str] = {
    exp.Interval: "INTERVAL is translated only in date arithmetic (DATE_ADD, DATE_SUB, x +/- INTERVAL)",
    exp.IndexTableHint: "index hints have no equivalent",
    exp.SessionParameter: "MySQL system variables do not exist on the target",
    exp.Parameter: "MySQL user variables do not exist on the target",
    exp.Collate: "MySQL collations do not exist on the target",
    exp.BitwiseNot: "MySQL bit operators work on unsigned 64-bit integers",
    exp.BitwiseAnd: "MySQL bit operators work on unsigned 64-bit integers",
    exp.BitwiseOr: "MySQL bit operators work on unsigned 64-bit integers",
    exp.BitwiseXor: "MySQL bit operators work on unsigned 64-bit integers",
    exp.BitwiseLeftShift: "MySQL bit operators work on unsigned 64-bit integers",
    exp.BitwiseRightShift: "MySQL bit operators work on unsigned 64-bit integers",
    exp.JSONExtract: "MySQL JSON paths are not translated",
    exp.JSONExtractScalar: "MySQL JSON paths are not translated",
    exp.Lock: "row locks (FOR UPDATE / LOCK IN SHARE MODE) are not translated",
    exp.PropertyEQ: "assignment (:=) has no equivalent",
    exp.TsOrDsToTimestamp: "implicit string-to-datetime conversion is not translated here",
    exp.HexString: "MySQL hex literals are strings or numbers depending on context",
    exp.BitString: "MySQL bit literals are strings or numbers depending on context",
    exp.Introducer: "character set introducers (_utf8mb4'...') are MySQL only",
    exp.National: "N'...' strings are not translated",
    exp.Rollup: "WITH ROLLUP is not translated",
    exp.Cube: "WITH CUBE is not translated",
}

# Window functions with the same definition on MySQL 8, SQLite 3.25+ and PostgreSQL.
WINDOW_FUNCTIONS = frozenset({exp.RowNumber, exp.Rank, exp.DenseRank, exp.Lag, exp.Lead, exp.FirstValue,
                              exp.LastValue, exp.NthValue, exp.Ntile, exp.PercentRank, exp.CumeDist})


def fractional_seconds(node: exp.Expression) -> None:
    """NOW(3) / CURRENT_TIMESTAMP(6): fractional seconds are not translated."""
    precision = node.this if isinstance(node, exp.CurrentTimestamp) else (
        node.expressions[0] if isinstance(node, exp.Anonymous) and node.expressions else None)
    if isinstance(precision, exp.Literal) and precision.this not in ("0", ""):
        raise UnsupportedConstructError(f"{construct_name(node)} with fractional seconds")


# -- CREATE TABLE ----------------------------------------------------------------------------------


class AutoIncrement:
    SQLITE = "sqlite"  # INTEGER PRIMARY KEY AUTOINCREMENT
    IDENTITY = "identity"  # GENERATED BY DEFAULT AS IDENTITY


@dataclass(frozen=True)
class TypeMap:
    """How MySQL column types are stored on the target (type names as the target spells them)."""

    integer: str
    text: str
    real: str
    numeric: str
    blob: str
    date: str
    datetime: str
    time: str
    json: str
    boolean: str
    year: str
    autoincrement: str
    # Type names for integer widths, when the target has them (PostgreSQL: SMALLINT / INTEGER / BIGINT).
    small: str | None = None
    big: str | None = None
    float32: str | None = None
    # SQLite stores any length of text in any column: add CHECK (length(c) <= n) for VARCHAR(n).
    varchar_check: bool = False
    varchar: str | None = None  # the target's own VARCHAR(n) type name, when it enforces n
    json_check: str | None = None  # a validity function for JSON stored as text


_T = exp.DataType.Type


def _types(*names: str) -> set[object]:
    return {getattr(_T, n) for n in names if hasattr(_T, n)}


_INTS = {_T.TINYINT: "small", _T.SMALLINT: "small", _T.MEDIUMINT: "integer", _T.INT: "integer",
         _T.BIGINT: "big", _T.UTINYINT: "small", _T.USMALLINT: "integer", _T.UMEDIUMINT: "integer",
         _T.UINT: "big", _T.UBIGINT: "big"}
_UNSIGNED = _types("UTINYINT", "USMALLINT", "UMEDIUMINT", "UINT", "UBIGINT")
_TEXTS = {_T.TEXT, _T.TINYTEXT, _T.MEDIUMTEXT, _T.LONGTEXT}
_BLOBS = {_T.BLOB, _T.TINYBLOB, _T.MEDIUMBLOB, _T.LONGBLOB, _T.VARBINARY, _T.BINARY}
_DROPPED_CONSTRAINTS = (exp.CommentColumnConstraint, exp.CharacterSetColumnConstraint)
_DROPPED_PROPERTIES = (exp.EngineProperty, exp.CharacterSetProperty, exp.SchemaCommentProperty,
                       exp.CollateProperty, exp.RowFormatProperty)


def _type(name: str, *params: int | str) -> exp.DataType:
    text = f"{name}({', '.join(str(p) for p in params)})" if params else name
    return exp.DataType.build(text, udt=True) if " " in name else exp.DataType.build(text)


def _translate_column(col: exp.ColumnDef, types: TypeMap, checks: list[exp.Expression],
                      auto: list[exp.ColumnDef]) -> None:
    dtype = col.args.get("kind")
    if not isinstance(dtype, exp.DataType):
        raise UnsupportedConstructError(f"column {col.name!r} without a type")
    kind = dtype.this
    params = [p.this.this if isinstance(p, exp.DataTypeParam) else p for p in dtype.expressions]
    name = exp.column(col.name)
    new: exp.DataType
    if kind in _INTS:
        is_bool = kind is _T.TINYINT and params and str(params[0]) == "1"
        width = "small" if is_bool else _INTS[kind]
        new = _type(getattr(types, width) or types.integer)
        if kind in _UNSIGNED:
            checks.append(exp.GTE(this=name.copy(), expression=exp.Literal.number(0)))
    elif kind is _T.BOOLEAN:
        new = _type(types.boolean)
    elif kind in (_T.VARCHAR, _T.CHAR, _T.NVARCHAR, _T.NCHAR):
        n = params[0] if params else None
        if types.varchar and n is not None:
            new = _type(types.varchar, n)
        else:
            new = _type(types.text)
            if types.varchar_check and n is not None:
                checks.append(exp.LTE(this=exp.Anonymous(this="length", expressions=[name.copy()]),
                                      expression=exp.Literal.number(n)))
    elif kind in _TEXTS:
        new = _type(types.text)
    elif kind in _types("DECIMAL", "UDECIMAL"):
        new = _type(types.numeric, *params)
        if kind in _types("UDECIMAL"):
            checks.append(exp.GTE(this=name.copy(), expression=exp.Literal.number(0)))
    elif kind in _types("DOUBLE", "UDOUBLE"):
        new = _type(types.real)
    elif kind in _types("FLOAT", "UFLOAT"):
        new = _type(types.float32 or types.real)
    elif kind is _T.DATE:
        new = _type(types.date)
    elif kind in _types("DATETIME", "TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMPLTZ"):
        new = _type(types.datetime)
    elif kind is _T.TIME:
        new = _type(types.time)
    elif kind is _T.YEAR:
        new = _type(types.year)
    elif kind is _T.JSON:
        new = _type(types.json)
        if types.json_check:
            checks.append(exp.Anonymous(this=types.json_check, expressions=[name.copy()]))
    elif kind in _BLOBS:
        new = _type(types.blob)
    elif kind is _T.ENUM:
        new = _type(types.text)
        checks.append(exp.In(this=name.copy(), expressions=[e.copy() for e in dtype.expressions]))
    else:
        raise UnsupportedConstructError(f"column type {dtype.sql('mysql')}", f"column {col.name!r}")
    col.set("kind", new)
    kept = []
    for constraint in col.args.get("constraints") or []:
        ckind = constraint.args.get("kind")
        if isinstance(ckind, _DROPPED_CONSTRAINTS):
            continue  # comments and character sets do not change what the table holds
        if isinstance(ckind, exp.AutoIncrementColumnConstraint):
            auto.append(col)
            continue
        if isinstance(ckind, exp.OnUpdateColumnConstraint):
            raise UnsupportedConstructError("ON UPDATE CURRENT_TIMESTAMP", "it needs a trigger on the target")
        if isinstance(ckind, exp.CollateColumnConstraint):
            collation = ckind.name.lower()
            if not collation.endswith("_bin"):
                raise UnsupportedConstructError(f"COLLATE {collation}", "only binary collations translate")
            continue
        kept.append(constraint)
    col.set("constraints", kept)


def translate_create_table(node: exp.Expression, types: TypeMap) -> exp.Expression:
    """MySQL CREATE TABLE -> the target's: column types, AUTO_INCREMENT, UNSIGNED / ENUM / VARCHAR checks.

    Non-unique indexes (KEY / INDEX / FULLTEXT) are dropped: they change speed, not results.
    Table options that only concern storage (ENGINE, CHARSET, COMMENT) are dropped too.
    """
    if not isinstance(node, exp.Create) or (node.args.get("kind") or "").upper() != "TABLE":
        return node
    schema = node.this
    if not isinstance(schema, exp.Schema) or node.expression is not None:
        raise UnsupportedConstructError("CREATE TABLE ... AS / LIKE", "only column definitions are translated")
    checks: list[exp.Expression] = []
    auto: list[exp.ColumnDef] = []
    items = []
    primary: exp.PrimaryKey | None = None
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            _translate_column(item, types, checks, auto)
            items.append(item)
        elif isinstance(item, exp.IndexColumnConstraint):
            if (item.args.get("kind") or "").upper() not in ("", "FULLTEXT", "SPATIAL", "INDEX", "KEY"):
                raise UnsupportedConstructError(f"{item.args.get('kind')} index")
            continue
        elif isinstance(item, exp.PrimaryKey):
            primary = item
            items.append(item)
        elif isinstance(item, (exp.UniqueColumnConstraint, exp.ForeignKey, exp.CheckColumnConstraint,
                               exp.Constraint)):
            if isinstance(item, exp.UniqueColumnConstraint) and isinstance(item.this, exp.Schema):
                item.set("this", exp.Schema(expressions=item.this.expressions))  # index name: MySQL only
            items.append(item)
        else:
            raise UnsupportedConstructError(f"{type(item).__name__} in CREATE TABLE")
    if len(auto) > 1:
        raise UnsupportedConstructError("more than one AUTO_INCREMENT column")
    for col in auto:
        in_table_pk = primary is not None and [e.name.lower() for e in primary.expressions] == [col.name.lower()]
        constraints = list(col.args.get("constraints") or [])
        has_pk = any(isinstance(c.args.get("kind"), exp.PrimaryKeyColumnConstraint) for c in constraints)
        if not (in_table_pk or has_pk):
            raise UnsupportedConstructError("AUTO_INCREMENT on a column that is not the primary key alone")
        if in_table_pk:
            items.remove(primary)
        constraints = [c for c in constraints if not isinstance(c.args.get("kind"), exp.PrimaryKeyColumnConstraint)]
        if types.autoincrement == AutoIncrement.SQLITE:
            col.set("kind", exp.DataType.build("INTEGER"))
            constraints += [exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint()),
                            exp.ColumnConstraint(kind=exp.AutoIncrementColumnConstraint())]
        else:
            constraints += [exp.ColumnConstraint(kind=exp.GeneratedAsIdentityColumnConstraint(this=False)),
                            exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint())]
        col.set("constraints", constraints)
    for check in checks:
        for sub in check.walk():
            if isinstance(sub, exp.Anonymous):
                generated(sub)
        items.append(exp.CheckColumnConstraint(this=check))
    schema.set("expressions", items)
    properties = node.args.get("properties")
    if properties is not None:
        for prop in properties.expressions:
            if isinstance(prop, exp.AutoIncrementProperty):
                raise UnsupportedConstructError("AUTO_INCREMENT table option", "the start value is not translated")
            if not isinstance(prop, _DROPPED_PROPERTIES):
                raise UnsupportedConstructError(f"table option {prop.sql('mysql')}")
        node.set("properties", None)
    return node
