"""translate: rewrite a statement read in one dialect into IR that means the same on another.

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

The pass never branches on the dialect: what differs is in the tables. The table type and the
helpers that many tables use (reading an INTERVAL, deciding whether a value is a DATE) live in
`sqlparser.rules`.

Before any rewrite the pass infers, in the source's terms, what type class each expression has
(`sqlparser.rules.translate.VALUE_TYPE`): from literals, functions with known result types, and,
when the caller gives a `schema` (table -> column -> declared type, "PRIMARY KEY" marking key
columns), from the columns. Rewrites whose meaning depends on a type (division, comparing text with
numbers, `||`) read it, and refuse with a named error when it is unknown: never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import cast

from sqlglot import exp

from sqlparser.errors import InvalidArgumentError, UnsupportedConstructError
from sqlparser.literal_runs import materialize
from sqlparser.passes.translate_writes import WriteSchema, translate_writes
from sqlparser.rules.translate import (
    COLUMNS,
    DECLARED,
    GENERATED,
    NO_AFFINITY,
    RESOLVED,
    SCHEMA_GIVEN,
    SCHEMA_KEYS,
    VALUE_TYPE,
    Rewrite,
    TranslateRules,
    construct_name,
)

Schema = Mapping[str, Mapping[str, str]]
"""table -> column -> declared type (any dialect's spelling; "PRIMARY KEY" in it marks a key column)."""

_MAX_SCHEMA_COLUMNS = 100_000


def translate(tree: exp.Expression, *, source: str, rules: TranslateRules,
              schema: Schema | None = None, write_schema: WriteSchema | None = None) -> exp.Expression:
    if source == rules.target:
        return tree  # reading and writing the same dialect: nothing to translate
    table = rules.for_source(source)
    if table is None:
        known = sorted({*rules.sources, *rules.by_source})
        raise UnsupportedConstructError(
            f"translation from {source} to {rules.target}", f"supported sources: {', '.join(known) or 'none'}")
    rules = table
    # The rules read literal values and types: folded runs (sqlparser.literal_runs) are unfolded.
    tree = materialize(tree)
    annotate(tree, _normalize_schema(schema))
    if not isinstance(tree, rules.statements):
        raise UnsupportedConstructError(f"{type(tree).__name__.upper()} statement",
                                        f"cannot translate to {rules.target}")
    # Conflict handling of writes (REPLACE, IGNORE, ON DUPLICATE KEY / ON CONFLICT, modifiers).
    tree = translate_writes(tree, source=source, target=rules.target, schema=write_schema)

    # Children before parents: a parent's rewrite sees its children already translated.
    for walked in reversed(list(tree.walk(bfs=False))):
        # sqlglot types walk() by its base class Expr; every node of a tree is a concrete Expression.
        node = cast(exp.Expression, walked)
        rewrite = _lookup(rules.rewrites, type(node))
        if rewrite is not None and isinstance(node, exp.Func):
            _check_required_arguments(node)
        new = rewrite(node) if rewrite is not None else node
        if new is not node:
            _keep_type(node, new)
            if node is tree:
                tree = new
            else:
                node.replace(new)
        if rules.post is not None:
            final = rules.post(new)
            if final is not new:
                _keep_type(new, final)
                if new is tree:
                    tree = final
                else:
                    new.replace(final)
    _check_allowed(tree, rules)
    return tree


def _check_required_arguments(node: exp.Func) -> None:
    # The source grammar takes any argument list (`WEEK()` parses in MySQL; the engine refuses the
    # call at run time, wrong parameter count); a rewrite builds on the arguments the function must
    # have, so a call without them is refused here, by name, instead of failing inside the rewrite.
    missing = [key for key, required in node.arg_types.items() if required and node.args.get(key) is None]
    if missing:
        # Name the call as written: a wrapper the front end added (no position of its own, e.g.
        # the date conversion MySQL's WEEK(x) lowers with) is reported as the call around it.
        named: exp.Expr = node
        while named._meta is None and isinstance(named.parent, exp.Func):
            named = named.parent
        name = named.sql_name() if isinstance(named, exp.Func) else type(named).__name__.upper()
        raise UnsupportedConstructError(f"{name}() without its required arguments",
                                        "the source engine refuses the call: wrong parameter count")


def _lookup(table: Mapping[type[exp.Expr], Rewrite], node_type: type) -> Rewrite | None:
    # The walk stops at Expression, which sqlglot puts before the trait classes (Func, Binary,
    # Query, ...) in every concrete node's MRO: tables are keyed by concrete node types.
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


def _keep_type(old: exp.Expression, new: exp.Expression) -> None:
    # A parent's rewrite reads its children's source-side types, also where a child was replaced.
    if VALUE_TYPE in old.meta and VALUE_TYPE not in new.meta:
        new.meta[VALUE_TYPE] = old.meta[VALUE_TYPE]


# -- the schema and type inference ------------------------------------------------------------------

_Columns = dict[str, tuple[str | None, bool]]  # lower-case column -> (type class, is a key column)


class _Table:
    def __init__(self, declared: str, columns: _Columns) -> None:
        self.declared, self.columns = declared, columns

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(sorted(c for c, (_, key) in self.columns.items() if key))


def type_class(declared: str) -> str | None:
    """A declared column type (MySQL, SQLite or PostgreSQL spelling) as a type class."""
    t = declared.upper()
    if "INT" in t:
        return "int"
    if any(word in t for word in ("CHAR", "TEXT", "CLOB", "ENUM", "SET(")):
        return "text"
    if any(word in t for word in ("REAL", "FLOA", "DOUB")):
        return "real"
    if any(word in t for word in ("DEC", "NUMERIC", "NUMBER")):
        return "numeric"
    if "BOOL" in t:
        return "bool"
    if "DATE" in t or "TIME" in t:
        return "date"
    return None


def _normalize_schema(schema: Schema | None) -> dict[str, _Table] | None:
    if schema is None:
        return None
    if not isinstance(schema, Mapping):
        raise InvalidArgumentError(f"schema must be a mapping table -> column -> type, got {type(schema).__name__}")
    out: dict[str, _Table] = {}
    count = 0
    for table, columns in schema.items():
        if not isinstance(table, str) or not isinstance(columns, Mapping):
            raise InvalidArgumentError(f"schema: table {table!r} must map column names to types")
        cols: _Columns = {}
        for column, declared in columns.items():
            count += 1
            if count > _MAX_SCHEMA_COLUMNS:
                raise InvalidArgumentError(f"schema: more than {_MAX_SCHEMA_COLUMNS} columns; pass only the "
                                           "tables the statement reads")
            if not isinstance(column, str) or not isinstance(declared, str):
                raise InvalidArgumentError(f"schema: {table}.{column!r} must map a column name to a type text")
            key = bool(re.search(r"\bPRIMARY\s+KEY\b", declared, re.IGNORECASE))
            cols[column.lower()] = (type_class(re.sub(r"(?i)\bPRIMARY\s+KEY\b", "", declared)), key)
        out[table.lower()] = _Table(table, cols)
    return out


_SCOPES = (exp.Select, exp.Update, exp.Delete)


def _cte_names(node: exp.Expression) -> set[str]:
    names: set[str] = set()
    scope: exp.Expr | None = node
    while scope is not None:
        with_ = scope.args.get("with_")
        if isinstance(with_, exp.With):
            names.update(cte.alias_or_name.lower() for cte in with_.expressions)
        scope = scope.parent
    return names


def _sources(scope: exp.Expression) -> list[exp.Expression]:
    """The FROM / JOIN items (and an UPDATE / DELETE target) of one query level."""
    out: list[exp.Expression] = []
    if isinstance(scope, (exp.Update, exp.Delete)) and isinstance(scope.this, exp.Table):
        out.append(scope.this)
    from_ = scope.args.get("from_")
    if isinstance(from_, exp.From):
        out.append(from_.this)
    for join in scope.args.get("joins") or []:
        out.append(join.this)
    return out


def _schema_table(source: exp.Expression, schema: dict[str, _Table], ctes: set[str]) -> _Table | None:
    if isinstance(source, exp.Table) and not source.args.get("db") and isinstance(source.this, exp.Identifier):
        name = source.name.lower()
        if name not in ctes:
            return schema.get(name)
    return None


def _cte_query(table: exp.Table) -> exp.Expression | None:
    """The query a FROM item names when it is a CTE of an enclosing WITH."""
    if table.args.get("db"):
        return None
    name = table.name.lower()
    scope: exp.Expr | None = table
    while scope is not None:
        with_ = scope.args.get("with_")
        if isinstance(with_, exp.With):
            for cte in with_.expressions:
                if cte.alias_or_name.lower() == name:
                    return cast(exp.Expression, cte.this)
        scope = scope.parent
    return None


_Exposed = dict[str, tuple[str | None, bool]]  # lower-case column -> (type class, keeps a column's affinity)


def _star_columns(arm: exp.Select, star: exp.Expression, schema: dict[str, _Table]) -> _Exposed | None:
    """What `*` or `t.*` in one SELECT expands to, when every source it covers is known."""
    qualifier = star.table.lower() if isinstance(star, exp.Column) and star.table else None
    ctes = _cte_names(arm)
    out: _Exposed = {}
    for source in _sources(arm):
        if qualifier is not None and source.alias_or_name.lower() != qualifier:
            continue
        provided = _provider(source, schema, ctes, expanding_star=True)
        if provided is None:
            return None
        for name, info in provided.items():
            out.setdefault(name, info)
    return out


def _exposed(query: exp.Expression | None, alias: exp.Expression | None, schema: dict[str, _Table],
             recursive: bool = False) -> _Exposed | None:
    """The columns a derived table or CTE exposes, with their types as inferred so far; None when
    unknown (a star over an unknown source, column aliases that do not fit, an unsupported shape)."""
    arms: list[exp.Select] = []
    node = query
    while isinstance(node, exp.Subquery):
        node = node.this
    if isinstance(node, exp.Select):
        arms = [node]
    elif isinstance(node, exp.SetOperation):
        stack: list[exp.Expression] = [node]
        while stack:
            cur = stack.pop()
            if isinstance(cur, exp.SetOperation):
                stack += [cur.expression, cur.this]
            elif isinstance(cur, exp.Select):
                arms.append(cur)
            else:
                return None
    if not arms:
        return None
    first = arms[0]
    stars = [e for e in first.expressions
             if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))]
    if stars:
        if len(arms) > 1 or (isinstance(alias, exp.TableAlias) and alias.columns):
            return None
        expanded: _Exposed = {}
        for expr in first.expressions:
            if expr in stars:
                part = _star_columns(first, expr, schema)
                if part is None:
                    return None
                for name, info in part.items():
                    expanded.setdefault(name, info)
            else:
                inner = expr.this if isinstance(expr, exp.Alias) else expr
                expanded.setdefault(expr.alias_or_name.lower(), (_kind(expr), isinstance(inner, exp.Column)))
        return expanded
    names = [e.alias_or_name.lower() for e in first.expressions]
    if isinstance(alias, exp.TableAlias) and alias.columns:
        if len(alias.columns) != len(names):
            return None
        names = [c.name.lower() for c in alias.columns]
    out: _Exposed = {}
    for i, expr in enumerate(first.expressions):
        kinds = [_kind(arm.expressions[i]) if i < len(arm.expressions) else None for arm in arms]
        kind = kinds[0] if len(set(kinds)) == 1 else None
        if recursive and kinds[0] is not None and all(k in (kinds[0], None) for k in kinds):
            kind = kinds[0]  # the recursive arm's type follows from the anchor's
        inner = expr.this if isinstance(expr, exp.Alias) else expr
        out.setdefault(names[i], (kind, len(arms) == 1 and isinstance(inner, exp.Column)))
    return out


def _provider(source: exp.Expression, schema: dict[str, _Table], ctes: set[str],
              expanding_star: bool = False) -> _Exposed | None:
    """What a FROM item exposes: a schema table's columns, or a derived table's / CTE's outputs."""
    table = _schema_table(source, schema, ctes)
    if table is not None:
        return {c: (kind, True) for c, (kind, _) in table.columns.items()}
    if isinstance(source, exp.Subquery):
        return _exposed(source.this, source.args.get("alias"), schema)
    if isinstance(source, exp.Table) and source.name.lower() in ctes:
        query = _cte_query(source)
        parent: exp.Expr | None = source
        while expanding_star and parent is not None:
            if parent is query:
                return None  # a CTE read inside its own definition (recursive): its own columns are unknown
            parent = parent.parent
        cte = query.parent if query is not None else None
        with_ = cte.parent if cte is not None else None
        recursive = isinstance(with_, exp.With) and bool(with_.args.get("recursive"))
        return _exposed(query, cte.args.get("alias") if isinstance(cte, exp.CTE) else None, schema, recursive)
    return None



def _resolve(column: exp.Column, schema: dict[str, _Table]) -> None:
    name = column.name.lower()
    qualifier = column.table.lower() if column.table else None
    scope = column.find_ancestor(*_SCOPES)
    while scope is not None:
        ctes = _cte_names(scope)
        sources = _sources(scope)
        known = True
        hits: list[tuple[str | None, bool]] = []
        named_here = False
        for source in sources:
            alias = source.alias_or_name.lower() if isinstance(source, (exp.Table, exp.Subquery)) else ""
            if qualifier is not None and alias != qualifier:
                continue
            named_here = True
            provided = _provider(source, schema, ctes)
            if provided is None:
                known = False
                continue
            if name in provided:
                hits.append(provided[name])
        if len(hits) == 1 and (known or qualifier is not None):
            kind, affinity = hits[0]
            column.meta[RESOLVED] = True
            if kind is not None:
                column.meta[VALUE_TYPE] = kind
            if not affinity:
                column.meta[NO_AFFINITY] = True
            return
        if hits or not known:
            return  # two sources list it, or an opaque source might: unknown
        if qualifier is not None and named_here:
            break  # the qualified source is here and lacks the column
        scope = scope.find_ancestor(*_SCOPES)  # correlated: the next query level out
    if scope is None:
        column.meta[RESOLVED] = False
        if qualifier is None:
            # A select-list alias (HAVING / ORDER BY): the aliased expression's type, no affinity.
            select = column.find_ancestor(exp.Select)
            for out in select.expressions if select is not None else []:
                if isinstance(out, exp.Alias) and out.alias.lower() == name and _kind(out.this) is not None:
                    column.meta[VALUE_TYPE] = _kind(out.this)
                    column.meta[NO_AFFINITY] = not isinstance(out.this, exp.Column)
                    break


_TEXT_FUNCS = (exp.Upper, exp.Lower, exp.Trim, exp.Substring, exp.Concat, exp.DPipe, exp.ConcatWs, exp.Replace,
               exp.GroupConcat, exp.Left, exp.Right, exp.TimeToStr, exp.Initcap, exp.Pad, exp.Reverse)
_INT_FUNCS = (exp.Count, exp.Length, exp.StrPosition, exp.Year, exp.Month, exp.Day, exp.DayOfMonth, exp.Hour,
              exp.Minute, exp.Second, exp.DayOfWeek, exp.DayOfYear, exp.Sign)
_NUMBERS = ("int", "real", "numeric")


def _arith(a: str | None, b: str | None) -> str | None:
    if a not in _NUMBERS or b not in _NUMBERS:
        return None
    if "real" in (a, b):
        return "real"
    if "numeric" in (a, b):
        return "numeric"
    return "int"


def _same(kinds: list[str | None]) -> str | None:
    known = {k for k in kinds if k is not None}
    if len(known) == 1 and len(kinds) == len([k for k in kinds if k is not None]):
        return known.pop()
    return None


def _kind(node: exp.Expr | None) -> str | None:
    return cast(str | None, node.meta.get(VALUE_TYPE)) if isinstance(node, exp.Expression) else None


def _infer(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Literal):
        if node.is_string:
            return "text"
        return "int" if node.this.isdigit() else "real"
    if isinstance(node, exp.Boolean):
        return "bool"
    if isinstance(node, exp.Column):
        return _kind(node)
    if isinstance(node, (exp.Paren, exp.Neg, exp.Alias, exp.Abs, exp.Floor, exp.Ceil, exp.Min, exp.Max)):
        return _kind(node.this)
    if isinstance(node, exp.Cast):
        return type_class(node.to.sql())
    if isinstance(node, _INT_FUNCS):
        return "int"
    if isinstance(node, _TEXT_FUNCS):
        return "text"
    if isinstance(node, exp.Avg):
        return "real" if _kind(node.this) in (*_NUMBERS, "text") else None  # text is read as numbers
    if isinstance(node, exp.Sum):
        return _kind(node.this) if _kind(node.this) in _NUMBERS else None
    if isinstance(node, exp.Round):
        kind = _kind(node.this)
        return kind if node.args.get("decimals") is None or kind != "int" else "int"
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul)):
        a, b = _kind(node.this), _kind(node.expression)
        if "text" in (a, b) and all(k in (*_NUMBERS, "text") for k in (a, b)):
            return "numeric"  # text converted to a number: an integer or not, depending on the text
        return _arith(a, b)
    if isinstance(node, exp.Div):
        kind = _arith(_kind(node.this), _kind(node.expression))
        if kind == "int" and not node.args.get("typed"):
            return "numeric"  # MySQL's `/`: an exact quotient
        return kind
    if isinstance(node, exp.IntDiv):
        return "int"
    if isinstance(node, exp.Mod):
        return _arith(_kind(node.this), _kind(node.expression))
    if isinstance(node, (exp.Predicate, exp.Connector, exp.Not, exp.Exists)):
        return "bool"
    if isinstance(node, (exp.Coalesce, exp.Nullif)):
        return _same([_kind(node.this), *(_kind(e) for e in node.expressions)]) if isinstance(node, exp.Coalesce) \
            else _kind(node.this)
    if isinstance(node, exp.Case):
        branches = [_kind(i.args.get("true")) for i in node.args.get("ifs") or []]
        if node.args.get("default") is not None:
            branches.append(_kind(node.args["default"]))
        return _same(branches)
    if isinstance(node, exp.If):
        return _same([_kind(node.args.get("true")), _kind(node.args.get("false"))]) \
            if node.args.get("false") is not None else _kind(node.args.get("true"))
    if isinstance(node, exp.Subquery):
        query = node.this
        if isinstance(query, exp.Select) and len(query.expressions) == 1:
            return _kind(query.expressions[0])
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("strftime", "printf", "format", "to_char"):
        return "text"
    return None


def annotate(tree: exp.Expression, schema: dict[str, _Table] | None) -> None:
    """Mark columns resolved against `schema` and every expression with its source-side type class."""
    if schema is not None:
        tree.meta[SCHEMA_GIVEN] = True
        for table in tree.find_all(exp.Table):
            ctes = _cte_names(table)
            known = _schema_table(table, schema, ctes)
            if known is not None:
                table.meta[DECLARED] = known.declared
                table.meta[SCHEMA_KEYS] = known.keys
                table.meta[COLUMNS] = tuple(known.columns)
    # Derived tables and CTEs expose the types of their own outputs, which are inferred after their
    # columns are resolved: a few rounds settle nesting (each round is one walk of the tree).
    nodes = [cast(exp.Expression, n) for n in reversed(list(tree.walk(bfs=False)))]
    columns = [n for n in nodes if isinstance(n, exp.Column) and isinstance(n.this, exp.Identifier)]
    for _ in range(3 if schema is not None else 1):
        if schema is not None:
            for column in columns:
                if VALUE_TYPE not in column.meta:
                    column.meta.pop(RESOLVED, None)
                    _resolve(column, schema)
        for node in nodes:
            kind = _infer(node)
            if kind is not None:
                node.meta[VALUE_TYPE] = kind
