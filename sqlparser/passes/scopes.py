"""Scope resolution over the IR: which source every column reference of a statement reads.

A *level* is one query block (a SELECT, or the body of an UPDATE / DELETE / INSERT ... ON CONFLICT).
Its *sources* are what its FROM clause names: base tables, derived tables, CTE references, LATERAL
subqueries, VALUES lists and table functions. A column reference is resolved the way the engines
resolve it:

- `q.c`: the source named `q` at this level, else at the enclosing levels (a correlated reference).
- `c`: the sources of this level that list `c`; a name merged by `JOIN ... USING` / `NATURAL JOIN`
  is one column; two sources that both list it is an `AmbiguousColumnError` (never a guess). None
  at this level: a select-list alias (SQLite allows one even in WHERE), else the enclosing levels.
- In ORDER BY, a bare name is first a select-list alias or an output column (all three engines
  agree there). In GROUP BY / HAVING / inside ORDER BY expressions the engines disagree about alias
  vs. input column, so a name that could be both, with different meanings after the mapping, is an
  `AmbiguousColumnError`.
- The ORDER BY of a set operation names the output columns of its leftmost arm.

What a source lists comes from a `Catalog` (lower-case table name -> `TableInfo`): the columns a
base table is known to have and the name each one has on the other side of the mapping (None: the
same name). A derived table or CTE lists what its (leftmost) select list exposes, *after* the
mapping: `SELECT name FROM users` exposes `name` as `c_name` when users.name maps to c_name, and
`*` / `t.*` expose the star's sources' columns. That is the one rule the rename pass builds on:
outer references are renamed to what the inner query, renamed, exposes (see rename.py for why).

A source is *opaque* when it may have columns nobody listed (a table the catalog does not know, or
knows without a column map; a star over one; a table function). An unqualified name that no source
lists while an opaque source is in scope cannot be attributed to an enclosing level's renamed
column: that is an ambiguity error as well.

The resolver changes nothing; `Resolution` records, per node id, what it found, so a pass (rename
today; scope_rows and policy can use it later) acts on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from sqlparser.errors import AmbiguousColumnError, UnsupportedConstructError


@dataclass(frozen=True, slots=True)
class TableInfo:
    """What the catalog knows of a base table: listed columns (lower-case) -> the name each one has
    after the mapping (None: unchanged), and whether it may have columns not listed."""

    columns: Mapping[str, str | None]
    opaque: bool


Catalog = Callable[[str], "TableInfo | None"]


# slots: the resolver makes several of these per statement and reads their fields in its inner loops.
@dataclass(eq=False, slots=True)
class Source:
    """One thing a FROM clause names, under the name the level refers to it by."""

    name: str  # lower-case alias, or the table / CTE name when there is no alias
    kind: str  # "table" | "cte" | "derived" | "values" | "function" | "output"
    node: exp.Expr
    table: str | None = None  # lower-case base table name (kind "table")
    aliased: bool = False
    # Never changed in place (a new mapping replaces it), so a source shares its catalog's mapping.
    columns: Mapping[str, str | None] = field(default_factory=dict)
    opaque: bool = False
    collisions: frozenset[str] = frozenset()  # listed names whose mapped name another listed name shares

    def lists(self, name: str) -> bool:
        return name in self.columns

    def mapped(self, name: str) -> str | None:
        return self.columns.get(name)


@dataclass(frozen=True, slots=True)
class Binding:
    """What one column reference reads. `mapped`: its name after the mapping (None: unchanged)."""

    kind: str  # "column" | "alias" | "unresolved"
    source: Source | None
    name: str
    mapped: str | None = None


@dataclass(slots=True)
class Exposure:
    """The columns a query exposes to whoever reads it as a derived table / CTE / set operation."""

    columns: dict[str, str | None] = field(default_factory=dict)
    opaque: bool = False
    collisions: set[str] = field(default_factory=set)

    def add(self, name: str, mapped: str | None) -> None:
        if name in self.columns:
            return  # a duplicate output name: the first one is what a reader sees (or is ambiguous)
        target = (mapped or name).lower()
        for other, other_mapped in self.columns.items():
            if (other_mapped or other).lower() == target and other != name:
                self.collisions.update((name, other))
        self.columns[name] = mapped


@dataclass(slots=True)
class Level:
    parent: Level | None
    ctes: dict[str, Source]
    sources: list[Source] = field(default_factory=list)
    by_name: dict[str, Source] = field(default_factory=dict)
    merged: dict[str, str | None] = field(default_factory=dict)  # USING / NATURAL columns
    aliases: dict[str, exp.Expr] = field(default_factory=dict)  # select-list alias -> its expression
    outputs: dict[str, exp.Column] = field(default_factory=dict)  # unaliased output column items

    def add(self, source: Source) -> None:
        self.sources.append(source)
        self.by_name.setdefault(source.name, source)


@dataclass(slots=True)
class Resolution:
    columns: dict[int, Binding] = field(default_factory=dict)  # id(exp.Column) -> binding
    sources: dict[int, Source] = field(default_factory=dict)  # id(FROM node) -> source
    cte_refs: set[int] = field(default_factory=set)  # id(exp.Table) naming a CTE, not a base table
    identifiers: dict[int, str | None] = field(default_factory=dict)  # id(exp.Identifier) -> mapped name
    exposures: dict[int, Exposure] = field(default_factory=dict)  # id(query) -> what it exposes


_CLAUSE_CONTEXT = {"group": "group", "having": "group", "order": "order", "qualify": "group"}


class Resolver:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.out = Resolution()

    # -- statements ---------------------------------------------------------------------------------

    def statement(self, tree: exp.Expr) -> Resolution:
        if isinstance(tree, (exp.Query, exp.Values)):
            self.query(tree, None, {})
        elif isinstance(tree, exp.Update):
            self._write(tree, ("this", "from_"), ("expressions", "where", "order", "limit", "returning"))
        elif isinstance(tree, exp.Delete):
            self._delete(tree)
        elif isinstance(tree, exp.Insert):
            self._insert(tree)
        else:
            raise UnsupportedConstructError(type(tree).__name__.upper(), "no scope resolution for this statement")
        return self.out

    def _with(self, node: exp.Expr, parent: Level | None, ctes: dict[str, Source]) -> dict[str, Source]:
        with_ = node.args.get("with_")
        if not isinstance(with_, exp.With):
            return ctes
        ctes = dict(ctes)
        recursive = bool(with_.args.get("recursive"))
        for cte in with_.expressions:
            name = cte.alias_or_name.lower()
            src = Source(name, "cte", cte, opaque=True)
            column_list = _alias_columns(cte.args.get("alias"))
            if column_list is not None:
                src.columns, src.opaque = dict.fromkeys(column_list), False
            if recursive:
                ctes[name] = src  # visible to its own body (its recursive arms)

            def first_arm(exposure: Exposure, src: Source = src, fixed: bool = column_list is not None) -> None:
                if not fixed:
                    src.columns, src.opaque = dict(exposure.columns), exposure.opaque
                    src.collisions = frozenset(exposure.collisions)

            self.query(cte.this, parent, ctes, on_first_arm=first_arm)
            ctes[name] = src
        return ctes

    def _write(self, node: exp.Expr, source_args: tuple[str, ...], expr_args: tuple[str, ...]) -> Level:
        ctes = self._with(node, None, {})
        level = Level(None, ctes)
        for arg in source_args:
            value = node.args.get(arg)
            if isinstance(value, exp.From):
                value = value.this
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, exp.Expr):
                    self._from_item(item, level)
        for arg in expr_args:
            self._visit_arg(node.args.get(arg), level, "where")
        return level

    def _delete(self, node: exp.Delete) -> None:
        level = self._write(node, ("this", "using"), ("where", "order", "limit", "returning"))
        # MySQL's `DELETE a, b FROM ...`: each target names a source of the level (by alias or name).
        for target in node.args.get("tables") or []:
            if isinstance(target, exp.Table):
                src = level.by_name.get(target.name.lower())
                if src is not None:
                    self.out.sources[id(target)] = src

    def _insert(self, node: exp.Insert) -> None:
        ctes = self._with(node, None, {})
        target = node.this
        columns = target.expressions if isinstance(target, exp.Schema) else []
        table = target.this if isinstance(target, exp.Schema) else target
        level = Level(None, ctes)
        if isinstance(table, exp.Expr):
            src = self._from_item(table, level)
            for ident in columns:
                if isinstance(ident, exp.Identifier):
                    self.out.identifiers[id(ident)] = src.mapped(ident.name.lower()) if src else None
        source = node.args.get("expression")
        if isinstance(source, exp.Expr):
            if isinstance(source, (exp.Query, exp.Values)):
                self.query(source, None, ctes)
            else:
                self._visit(source, Level(None, ctes), "where")
        conflict = node.args.get("conflict")
        if isinstance(conflict, exp.OnConflict) and level.sources:
            # PostgreSQL's `excluded` row and MySQL's VALUES(col) name the target's columns.
            target_src = level.sources[0]
            excluded = Source("excluded", target_src.kind, target_src.node, target_src.table, True,
                              dict(target_src.columns), target_src.opaque)
            level.by_name["excluded"] = excluded  # by qualifier only: unqualified names are the target's
            row_alias = source.args.get("alias") if isinstance(source, exp.Values) else None
            if isinstance(row_alias, exp.TableAlias) and row_alias.name:
                # MySQL's `VALUES (...) AS new [(x, y)]`: `new.b` is the inserted value of column b
                # (renamed as the target's column is); `new(x, y)` names the values itself.
                listed = _alias_columns(row_alias)
                row_columns = dict.fromkeys(listed, None) if listed else dict(target_src.columns)
                level.by_name[row_alias.name.lower()] = Source(
                    row_alias.name.lower(), target_src.kind, target_src.node, target_src.table, True, row_columns,
                    target_src.opaque and not listed)
            for key in conflict.args.get("conflict_keys") or []:
                self._visit(key, level, "where")
            for value in conflict.expressions:
                self._visit(value, level, "where")
            self._visit_arg(conflict.args.get("where"), level, "where")
            for call in conflict.find_all(exp.Anonymous):
                if call.name.upper() == "VALUES":
                    for ident in call.expressions:
                        if isinstance(ident, exp.Identifier):
                            self.out.identifiers[id(ident)] = target_src.mapped(ident.name.lower())
        self._visit_arg(node.args.get("returning"), level, "where")

    # -- queries -----------------------------------------------------------------------------------

    def query(self, node: exp.Expr, parent: Level | None, ctes: dict[str, Source],
              on_first_arm: Callable[[Exposure], None] | None = None) -> Exposure:
        ctes = self._with(node, parent, ctes)
        if isinstance(node, exp.Select):
            exposure = self._select(node, parent, ctes)
            if on_first_arm:
                on_first_arm(exposure)
        elif isinstance(node, exp.SetOperation):
            # The arms by argument: sqlglot's `left`/`right` refuse a VALUES arm (not a Query).
            exposure = self.query(node.this, parent, ctes, on_first_arm)
            self.query(node.expression, parent, ctes)
            self._output_clauses(node, exposure, parent, ctes)
        elif isinstance(node, exp.Subquery):
            exposure = self.query(node.this, parent, ctes, on_first_arm)
            self._output_clauses(node, exposure, parent, ctes)
        elif isinstance(node, exp.Values):
            exposure = Exposure(opaque=True)
            self._visit(node, Level(parent, ctes), "where")
            if on_first_arm:
                on_first_arm(exposure)
        else:
            raise UnsupportedConstructError(type(node).__name__, "no scope resolution for this query form")
        self.out.exposures[id(node)] = exposure
        return exposure

    def _output_clauses(self, node: exp.Expr, exposure: Exposure, parent: Level | None,
                        ctes: dict[str, Source]) -> None:
        """ORDER BY / LIMIT of a set operation or parenthesized query: they see its output columns."""
        level = Level(parent, ctes)
        level.add(Source("", "output", node, columns=dict(exposure.columns), opaque=exposure.opaque,
                         collisions=frozenset(exposure.collisions)))
        for arg in ("order", "limit", "offset"):
            self._visit_arg(node.args.get(arg), level, "order" if arg == "order" else "where")

    def _select(self, node: exp.Select, parent: Level | None, ctes: dict[str, Source]) -> Exposure:
        level = Level(parent, ctes)
        from_ = node.args.get("from_")
        if isinstance(from_, exp.From):
            self._from_item(from_.this, level)
        for join in node.args.get("joins") or []:
            self._join(join, level)
        for lateral in node.args.get("laterals") or []:
            self._from_item(lateral, level)
        for item in node.expressions:
            if isinstance(item, exp.Alias):
                level.aliases.setdefault(item.alias.lower(), item.this)
            elif isinstance(item, exp.Column) and not isinstance(item.this, exp.Star):
                level.outputs.setdefault(item.name.lower(), item)
        for join in node.args.get("joins") or []:
            self._visit_arg(join.args.get("on"), level, "where")
        for key, value in node.args.items():
            if key in ("from_", "joins", "laterals", "with_"):
                continue
            self._visit_arg(value, level, _CLAUSE_CONTEXT.get(key, "where"))
        exposure = Exposure()
        for item in node.expressions:
            self._expose(item, level, exposure)
        return exposure

    def _expose(self, item: exp.Expr, level: Level, exposure: Exposure) -> None:
        if isinstance(item, exp.Star):
            for src in level.sources:
                self._expose_source(src, exposure)
        elif isinstance(item, exp.Column) and isinstance(item.this, exp.Star):
            star_source = level.by_name.get(item.table.lower())
            if star_source is None:
                exposure.opaque = True
            else:
                self._expose_source(star_source, exposure)
        elif isinstance(item, exp.Alias):
            exposure.add(item.alias.lower(), None)
        elif isinstance(item, exp.Column):
            binding = self.out.columns.get(id(item))
            exposure.add(item.name.lower(), binding.mapped if binding else None)

    @staticmethod
    def _expose_source(src: Source, exposure: Exposure) -> None:
        for name, mapped in src.columns.items():
            exposure.add(name, mapped)
        exposure.opaque = exposure.opaque or src.opaque

    # -- FROM ----------------------------------------------------------------------------------------

    def _from_item(self, node: exp.Expr, level: Level) -> Source | None:
        src: Source | None
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
            src = self._table(node, level)
        elif isinstance(node, exp.Table):
            # A table function (json_each(x), generate_series(...)): its arguments read this level.
            self._visit(node.this, level, "where")
            src = Source((node.alias or node.name or "").lower(), "function", node, opaque=True)
            self._alias_list(node, src)
        elif isinstance(node, (exp.Subquery, exp.Lateral)):
            lateral = isinstance(node, exp.Lateral)
            inner = node.this
            if isinstance(inner, exp.Subquery) and lateral:
                inner = inner.this
            if isinstance(inner, exp.Table):
                # A parenthesized join: its tables are sources of this level.
                inner_src = self._from_item(inner, level)
                for join in node.args.get("joins") or []:
                    self._join(join, level)
                return inner_src
            parent = level if lateral else level.parent
            exposure = self.query(inner, parent, level.ctes) if isinstance(inner, (exp.Query, exp.Values)) \
                else Exposure(opaque=True)
            if not isinstance(inner, (exp.Query, exp.Values)):
                self._visit(inner, level, "where")
            kind = "values" if isinstance(inner, exp.Values) else "derived"
            src = Source(node.alias.lower(), kind, node, columns=dict(exposure.columns), opaque=exposure.opaque,
                         collisions=frozenset(exposure.collisions))
            self._alias_list(node, src)
        elif isinstance(node, exp.Values):
            # An aliased VALUES list written straight in FROM (MySQL's `VALUES ROW(...)` arm lowers
            # to one): its rows read the enclosing level, like a derived table's.
            exposure = self.query(node, level.parent, level.ctes)
            src = Source(node.alias.lower(), "values", node, columns=dict(exposure.columns), opaque=exposure.opaque)
            self._alias_list(node, src)
        elif isinstance(node, exp.Unnest):
            self._visit(node, level, "where")
            src = Source(node.alias.lower(), "function", node, opaque=True)
        else:
            raise UnsupportedConstructError(f"{type(node).__name__} in FROM", "no scope resolution for it")
        if src is not None:
            level.add(src)
            self.out.sources[id(node)] = src
        for join in node.args.get("joins") or [] if isinstance(node, exp.Table) else []:
            self._join(join, level)
        return src

    def _table(self, node: exp.Table, level: Level) -> Source:
        name = node.name.lower()
        alias = node.alias.lower()
        qualified = bool(node.args.get("db"))
        cte = None if qualified else level.ctes.get(name)
        if cte is not None:
            self.out.cte_refs.add(id(node))
            src = Source(alias or name, "cte", node, None, bool(alias), cte.columns, cte.opaque, cte.collisions)
        else:
            info = None if qualified else self.catalog(name)
            src = Source(alias or name, "table", node, name, bool(alias), info.columns if info else {},
                         info.opaque if info else True)
        if node.args.get("alias") is not None:
            self._alias_list(node, src)
        return src

    @staticmethod
    def _alias_list(node: exp.Expr, src: Source) -> None:
        names = _alias_columns(node.args.get("alias"))
        if names is not None:
            # `AS d(a, b)`: the source's columns are these names, whatever it exposes inside.
            src.columns, src.opaque, src.collisions = dict.fromkeys(names), False, frozenset()

    def _join(self, join: exp.Join, level: Level) -> None:
        left = list(level.sources)
        right = self._from_item(join.this, level)
        if right is None:
            return
        using = join.args.get("using")
        if using:
            for ident in using:
                name = ident.name.lower()
                mapped = self._merged_name(name, left, right, level)
                self.out.identifiers[id(ident)] = mapped
                level.merged[name] = mapped
        elif str(join.args.get("method") or "").upper() == "NATURAL":
            self._natural(left, right, level)

    def _merged_name(self, name: str, left: list[Source], right: Source, level: Level) -> str | None:
        """The one mapped name a USING column has: both sides must agree after the mapping."""
        if name in level.merged:
            left_mapped = level.merged[name]
        else:
            listing = [s for s in left if s.lists(name)]
            left_mapped = listing[0].mapped(name) if listing else None
        right_mapped = right.mapped(name)
        if (left_mapped or name).lower() != (right_mapped or name).lower():
            raise AmbiguousColumnError(
                name, f"the join column {name!r} of USING / NATURAL JOIN maps to {left_mapped or name!r} on one "
                      f"side and {right_mapped or name!r} on the other, so no USING clause keeps the join")
        return left_mapped if left_mapped is not None else right_mapped

    def _natural(self, left: list[Source], right: Source, level: Level) -> None:
        left_names = {n for s in left for n in s.columns} | set(level.merged)
        left_opaque = any(s.opaque for s in left)
        for name in left_names | set(right.columns):
            on_left, on_right = name in left_names, right.lists(name)
            if on_left and on_right:
                level.merged[name] = self._merged_name(name, left, right, level)
                continue
            mapped = right.mapped(name) if on_right else (
                level.merged.get(name) if name in level.merged else next(s.mapped(name) for s in left if s.lists(name)))
            other_opaque = left_opaque if on_right else right.opaque
            if other_opaque and mapped is not None and mapped.lower() != name:
                raise AmbiguousColumnError(
                    name, f"NATURAL JOIN: {name!r} is renamed to {mapped!r} on one side, and the other side's "
                          f"columns are not all known, so the renamed join may not join on the same columns")

    # -- expressions ---------------------------------------------------------------------------------

    def _visit_arg(self, value: object, level: Level, context: str) -> None:
        if type(value) is list:
            for item in value:
                if isinstance(item, exp.Expr) and type(item) not in _LEAVES:
                    self._visit(item, level, context)
        elif isinstance(value, exp.Expr) and type(value) not in _LEAVES:
            self._visit(value, level, context)

    def _visit(self, node: exp.Expr, level: Level, context: str) -> None:
        # The class decides what a node is (a dict lookup, not an isinstance chain): this runs for
        # every expression node of the statement.
        cls = type(node)
        kind = _VISIT_KINDS.get(cls)
        if kind is None:
            kind = _visit_kind(cls)
        if kind == _V_COLUMN:
            self.out.columns[id(node)] = self._bind(node, level, context)  # type: ignore[arg-type]
            return
        if kind == _V_QUERY:
            self.query(node, level, level.ctes)
            return
        if kind == _V_ORDERED and context == "order" and isinstance(node.this, exp.Column):
            self.out.columns[id(node.this)] = self._bind(node.this, level, "order_bare")
            for key, value in node.args.items():
                if key != "this":
                    self._visit_arg(value, level, context)
            return
        leaves = _LEAVES
        for value in node.args.values():
            if type(value) is list:
                for item in value:
                    if isinstance(item, exp.Expr) and type(item) not in leaves:
                        self._visit(item, level, context)
            elif isinstance(value, exp.Expr) and type(value) not in leaves:
                self._visit(value, level, context)

    def _bind(self, col: exp.Column, level: Level, context: str) -> Binding:
        name = col.name.lower()
        if isinstance(col.this, exp.Star):
            src = _find_qualified(level, col.table.lower())
            return Binding("column", src, "*")
        qualifier = col.table.lower()
        if qualifier:
            src = _find_qualified(level, qualifier, name)
            if src is None:
                return Binding("unresolved", None, name)
            return self._column(src, name)
        if context == "order_bare":
            if name in level.aliases:
                return Binding("alias", None, name)
            output = level.outputs.get(name)
            if output is not None and output is not col:
                binding = self.out.columns.get(id(output)) or self._bind(output, level, "where")
                self.out.columns[id(output)] = binding
                return binding
        return self._unqualified(name, level, context)

    def _column(self, src: Source, name: str) -> Binding:
        if name in src.collisions:
            raise AmbiguousColumnError(
                name, f"{src.name or 'the query'} exposes {name!r} and another column under the same mapped name")
        return Binding("column", src, name, src.mapped(name))

    def _unqualified(self, name: str, level: Level, context: str) -> Binding:
        candidates = [s for s in level.sources if s.lists(name)]
        if name in level.merged:
            return Binding("column", candidates[0] if candidates else None, name, level.merged[name])
        if len(candidates) > 1:
            names = ", ".join(s.name or s.kind for s in candidates)
            raise AmbiguousColumnError(name, f"{name!r} is a column of more than one source ({names}); qualify it")
        if candidates:
            binding = self._column(candidates[0], name)
            alias = level.aliases.get(name)
            if alias is not None and context != "where" and (binding.mapped or name).lower() != name \
                    and not self._same_column(alias, binding, level):
                raise AmbiguousColumnError(
                    name, f"{name!r} is both a select-list alias and a column here; the engines resolve it "
                          f"differently in GROUP BY / HAVING / ORDER BY expressions; qualify the column or rename "
                          f"the alias")
            return binding
        if name in level.aliases:
            return Binding("alias", None, name)
        if level.parent is None:
            return Binding("unresolved", None, name)
        outer = self._unqualified(name, level.parent, "where")
        opaque = [s for s in level.sources if s.opaque]
        if opaque and outer.kind == "column" and outer.mapped is not None and outer.mapped.lower() != name:
            raise AmbiguousColumnError(
                name, f"{name!r} may be a column of {opaque[0].name or opaque[0].kind!r} (whose columns are not "
                      f"known) or the outer {outer.source.name if outer.source else 'query'!r}'s; qualify it")
        return outer

    def _same_column(self, alias: exp.Expr, binding: Binding, level: Level) -> bool:
        if not isinstance(alias, exp.Column):
            return False
        other = self.out.columns.get(id(alias)) or self._bind(alias, level, "where")
        return other.source is binding.source and other.name == binding.name


_V_OTHER, _V_COLUMN, _V_QUERY, _V_ORDERED = 0, 1, 2, 3
# Names and literals (these exact classes): their arguments are text and flags, never nodes, so a
# visit of one finds nothing; about a third of a statement's nodes, skipped without the call.
_LEAVES = frozenset({exp.Identifier, exp.Literal})
_VISIT_KINDS: dict[type, int] = {}


def _visit_kind(cls: type) -> int:
    """How `Resolver._visit` treats a node class; computed once per class."""
    if issubclass(cls, exp.Column):
        kind = _V_COLUMN
    elif issubclass(cls, (exp.Query, exp.Subquery)) and not issubclass(cls, exp.Values):
        kind = _V_QUERY
    elif issubclass(cls, exp.Ordered):
        kind = _V_ORDERED
    else:
        kind = _V_OTHER
    _VISIT_KINDS[cls] = kind
    return kind


def _alias_columns(alias: object) -> list[str] | None:
    if isinstance(alias, exp.TableAlias) and alias.columns:
        return [c.name.lower() for c in alias.columns]
    return None


def _find_qualified(level: Level | None, qualifier: str, name: str | None = None) -> Source | None:
    """The source `qualifier` names, nearest level first. With `name`: SQLite reads `q.c` from an
    outer `q` when the nearest `q` has no column `c` (the others reject the statement), so a
    nearest source known not to list `name` gives way to an outer one that does."""
    first = None
    while level is not None:
        src = level.by_name.get(qualifier)
        if src is not None:
            if name is None or src.opaque or src.lists(name):
                return src
            first = first or src
        level = level.parent
    return first


def resolve(tree: exp.Expr, catalog: Catalog) -> Resolution:
    """Resolve every column reference of a SELECT / set operation / UPDATE / DELETE / INSERT."""
    return Resolver(catalog).statement(tree)
