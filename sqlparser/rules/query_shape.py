"""Rewrites that keep a query's shape meaningful on the target: GROUP BY determinism (MySQL and
SQLite return a value from an arbitrary row for a column GROUP BY does not determine), select-list
aliases where the target does not see them, ORDER BY positions and DISTINCT, aliases for derived
tables, and MySQL's UPDATE / DELETE ... ORDER BY ... LIMIT.

They read what the translate pass learned from the schema (primary keys, the columns of each
table) and refuse, naming the construct and why, when the outcome is not determined.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp

from sqlparser.rules.portable import SCHEMA_HINT, from_items, refuse
from sqlparser.rules.translate import COLUMNS, RESOLVED, SCHEMA_KEYS


def _sql(node: exp.Expression) -> str:
    return node.sql()

def distinct_order(node: exp.Expression) -> exp.Expression:
    """SELECT DISTINCT ... ORDER BY a value not selected: which of a duplicate's values orders it is
    unspecified (PostgreSQL rejects it): refused."""
    if isinstance(node, exp.Select) and node.args.get("distinct") is not None and node.args.get("order") is not None:
        outputs = {_key(e) for e in node.expressions} | {e.alias_or_name.lower() for e in node.expressions}
        for ordered in node.args["order"].expressions:
            key = ordered.this
            if isinstance(key, exp.Literal):
                continue
            if _key(key) not in outputs and not (isinstance(key, exp.Column) and key.name.lower() in outputs):
                raise refuse(f"SELECT DISTINCT ... ORDER BY {_sql(key)[:40]}",
                             "the ordering value is not selected, so which duplicate's value orders the row "
                             "is unspecified")
    return node


def derived_alias(node: exp.Expression) -> exp.Expression:
    """SQLite takes a subquery in FROM without an alias; MySQL and PostgreSQL 15 need one. Its columns
    are still read unqualified, so any unused name does."""
    if isinstance(node, exp.Subquery) and isinstance(node.parent, (exp.From, exp.Join)) and not node.alias:
        taken = {t.alias_or_name.lower() for t in node.root().find_all(exp.Table, exp.Subquery)}
        n = 1
        while f"cozelite_d{n}" in taken:
            n += 1
        node.set("alias", exp.TableAlias(this=exp.to_identifier(f"cozelite_d{n}")))
    return node


def positional_order(node: exp.Expression) -> exp.Expression:
    """ORDER BY 1: the output it names, spelled out (sqlglot cannot emulate NULLS FIRST / LAST on a
    position for MySQL, which has no NULLS clause)."""
    if not isinstance(node, exp.Select) or node.args.get("order") is None:
        return node
    for ordered in node.args["order"].expressions:
        key = ordered.this
        if isinstance(key, exp.Literal) and not key.is_string and key.this.isdigit():
            pos = int(key.this)
            if not 1 <= pos <= len(node.expressions):
                continue
            out = node.expressions[pos - 1]
            if isinstance(out, exp.Alias):
                ordered.set("this", exp.column(out.alias, quoted=out.args["alias"].quoted))
            elif isinstance(out, exp.Star):
                raise refuse("ORDER BY a position of *", "the column it names is not known")
            else:
                ordered.set("this", out.copy())
    return node


# -- GROUP BY ------------------------------------------------------------------------------------------------------


def _aggregate(node: exp.Expr) -> bool:
    return isinstance(node, exp.AggFunc)


def _key(node: exp.Expression) -> str:
    node = node.this if isinstance(node, exp.Alias) else node
    while isinstance(node, exp.Paren):
        node = node.this
    return node.sql().lower()


def _source_of(select: exp.Select, column: exp.Column) -> exp.Expression | None:
    """The FROM item of this query level a column reads, when that is certain."""
    sources = from_items(select)
    if column.table:
        found = [s for s in sources if s.alias_or_name.lower() == column.table.lower()]
        return found[0] if len(found) == 1 else None
    if len(sources) == 1:
        return sources[0]
    name = column.name.lower()
    listing = [s for s in sources if name in (s.meta.get(COLUMNS) or ())]
    if len(listing) == 1 and all(s.meta.get(COLUMNS) is not None for s in sources):
        return listing[0]
    return None


def _own_aggregates(select: exp.Select) -> bool:
    for part in [*select.expressions, select.args.get("having")]:
        if part is None:
            continue
        for sub in part.walk():
            if _aggregate(sub) and sub.find_ancestor(exp.Select) is select and sub.find_ancestor(exp.Window) is None:
                return True
    return False


def _equalities(select: exp.Select) -> list[tuple[exp.Column, exp.Column]]:
    conds: list[exp.Expression] = []
    where = select.args.get("where")
    if where is not None:
        conds += _conjuncts(where.this)
    for join in select.args.get("joins") or []:
        conds += _conjuncts(join.args.get("on"))
    return [(c.this, c.expression) for c in conds
            if isinstance(c, exp.EQ) and isinstance(c.this, exp.Column) and isinstance(c.expression, exp.Column)]


def grouping(node: exp.Expression) -> exp.Expression:
    """MySQL and SQLite accept a non-aggregated column that GROUP BY does not determine and return a
    value from some row of the group (SQLite: the row of a lone MIN / MAX). Translated only when
    provably deterministic: the column is grouped, or equal (ON / WHERE) to a grouped column, or its
    table's primary key (from the schema) is so determined. Such a column is added to GROUP BY,
    which changes no group and is what PostgreSQL needs to accept it."""
    if not isinstance(node, exp.Select):
        return node
    group = node.args.get("group")
    if group is None and not _own_aggregates(node):
        return node
    keys: set[str] = set()
    determined: set[tuple[int, str]] = set()
    aliases = {e.alias.lower(): e for e in node.expressions if isinstance(e, exp.Alias)}
    for item in group.expressions if group is not None else []:
        if isinstance(item, exp.Literal) and not item.is_string and item.this.isdigit():
            pos = int(item.this)
            if 1 <= pos <= len(node.expressions):
                item = node.expressions[pos - 1]
        if isinstance(item, exp.Column) and not item.table and item.name.lower() in aliases:
            item = aliases[item.name.lower()]
        keys.add(_key(item))
        inner = item.this if isinstance(item, exp.Alias) else item
        if isinstance(inner, exp.Column):
            source = _source_of(node, inner)
            if source is not None:
                determined.add((id(source), inner.name.lower()))
    pairs = [(_source_of(node, a), a.name.lower(), _source_of(node, b), b.name.lower())
             for a, b in _equalities(node)]
    changed = True
    while changed:
        changed = False
        for sa, ca, sb, cb in pairs:
            if sa is None or sb is None:
                continue
            for (s1, c1), (s2, c2) in (((id(sa), ca), (id(sb), cb)), ((id(sb), cb), (id(sa), ca))):
                if (s1, c1) in determined and (s2, c2) not in determined:
                    determined.add((s2, c2))
                    changed = True
    keyed = {id(s) for s in from_items(node)
             if s.meta.get(SCHEMA_KEYS) and all((id(s), k) in determined for k in s.meta[SCHEMA_KEYS])}
    parts: list[exp.Expression] = list(node.expressions)
    if node.args.get("having") is not None:
        parts.append(node.args["having"])
    if node.args.get("order") is not None:
        parts.extend(o.this for o in node.args["order"].expressions)
    extra: list[exp.Column] = []
    for part in parts:
        _check_determined(node, part, keys, determined, keyed, aliases, extra)
    if extra and group is not None:
        for column in extra:
            if _key(column) not in keys:
                keys.add(_key(column))
                group.append("expressions", column.copy())
    return node


def _check_determined(select: exp.Select, part: exp.Expression, keys: set[str], determined: set[tuple[int, str]],
                      keyed: set[int], aliases: Mapping[str, exp.Expression], extra: list[exp.Column]) -> None:
    if _key(part) in keys or _aggregate(part):
        return
    if isinstance(part, (exp.Subquery, exp.Window, exp.Literal, exp.Null, exp.Boolean, exp.Star)):
        return
    if isinstance(part, exp.Column):
        if isinstance(part.this, exp.Star):
            raise refuse(f"{part.sql()} with GROUP BY", "the columns it expands to are not all grouped")
        if not part.table and part.name.lower() in aliases and part.parent is not None \
                and not isinstance(part.parent, exp.Alias) and part.find_ancestor(exp.Order, exp.Having) is not None:
            return  # ORDER BY / HAVING naming an output column, itself checked
        source = _source_of(select, part)
        if source is not None and ((id(source), part.name.lower()) in determined or id(source) in keyed):
            extra.append(part)
            return
        raise refuse(f"column {part.sql()} not in GROUP BY",
                     "the source returns a value from an arbitrary row of each group (SQLite: the row of a "
                     "lone MIN/MAX); group by it or by its table's primary key (schema= gives the keys), "
                     "or aggregate it")
    for child in part.iter_expressions():
        _check_determined(select, child, keys, determined, keyed, aliases, extra)


# -- select-list aliases where the target does not see them --------------------------------------------------------


def alias_references(node: exp.Expression) -> exp.Expression:
    """PostgreSQL sees output-column aliases only as whole GROUP BY / ORDER BY items. In HAVING, and
    inside ORDER BY expressions, a name that is a select alias and not a column of the FROM tables
    (the schema says so, or the alias names an aggregate) is replaced by the aliased expression."""
    if not isinstance(node, exp.Select):
        return node
    aliases = {e.alias.lower(): e.this for e in node.expressions if isinstance(e, exp.Alias)}
    if not aliases:
        return node
    places: list[exp.Expression] = []
    if node.args.get("having") is not None:
        places.append(node.args["having"])
    if node.args.get("order") is not None:
        places.extend(o.this for o in node.args["order"].expressions if not isinstance(o.this, exp.Column))
    if node.args.get("group") is not None:
        places.extend(g for g in node.args["group"].expressions if not isinstance(g, exp.Column))
    for place in places:
        for column in list(place.find_all(exp.Column)):
            target = aliases.get(column.name.lower())
            if column.table or target is None or column.find_ancestor(exp.Select) is not node:
                continue
            resolved = column.meta.get(RESOLVED)
            if resolved is False or (resolved is None and _has_aggregate_expr(target)):
                replacement = exp.Paren(this=target.copy())
                if column is place:
                    place.replace(replacement)
                else:
                    column.replace(replacement)
            elif resolved is None:
                raise refuse(f"{column.name} in HAVING / ORDER BY",
                             "it names a select alias and maybe a column; " + SCHEMA_HINT)
    return node


def _has_aggregate_expr(node: exp.Expression) -> bool:
    return any(isinstance(sub, exp.AggFunc) for sub in node.walk())


# -- UPDATE / DELETE with ORDER BY / LIMIT -------------------------------------------------------------------------


def _conjuncts(node: exp.Expression | None) -> list[exp.Expression]:
    if node is None:
        return []
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    if isinstance(node, exp.Paren):
        return _conjuncts(node.this)
    return [node]


def limited_write(node: exp.Expression) -> exp.Expression:
    """MySQL's UPDATE / DELETE ... [ORDER BY] LIMIT n. Neither SQLite (as usually built) nor
    PostgreSQL takes it. When WHERE pins the whole primary key to constants, at most one row
    matches and LIMIT n >= 1 changes nothing: it is dropped. When ORDER BY ends with the whole
    primary key, the rows are chosen by a key subquery. Otherwise MySQL's choice of rows is
    arbitrary, and the statement is refused."""
    if not isinstance(node, (exp.Update, exp.Delete)):
        return node
    limit, order = node.args.get("limit"), node.args.get("order")
    if limit is None and order is None:
        return node
    target = node.this
    if not isinstance(target, exp.Table) or node.args.get("joins") or (node.args.get("from_") and \
            isinstance(node, exp.Update)):
        raise refuse(f"{type(node).__name__.upper()} ... LIMIT over several tables")
    pk = target.meta.get(SCHEMA_KEYS)
    what = f"{type(node).__name__.upper()} ... {'ORDER BY ' if order is not None else ''}LIMIT"
    if not pk:
        raise refuse(what, "which rows MySQL changes depends on the table's key; " + SCHEMA_HINT
                     + " (with PRIMARY KEY)")
    amount = limit.expression if isinstance(limit, exp.Limit) else limit
    where_node = node.args.get("where")
    pinned = {c.this.name.lower() for c in _conjuncts(where_node.this if where_node is not None else None)
              if isinstance(c, exp.EQ) and isinstance(c.this, exp.Column) and isinstance(c.expression, exp.Literal)}
    if set(pk) <= pinned and isinstance(amount, exp.Literal) and amount.this.isdigit() and int(amount.this) >= 1:
        node.set("limit", None)
        node.set("order", None)
        return node
    ordered = [o.this.name.lower() for o in order.expressions if isinstance(o.this, exp.Column)] if order else []
    if limit is None or not set(pk) <= set(ordered):
        raise refuse(what, "the rows MySQL picks are not determined by the ORDER BY; order by the primary key "
                     f"({', '.join(pk)}) last")
    alias = target.alias_or_name
    keys = [exp.column(k, table=alias) for k in pk]
    inner = exp.select(*[k.copy() for k in keys]).from_(exp.Table(this=exp.to_identifier(target.name)))
    inner.set("from_", exp.From(this=exp.Table(this=target.this.copy(),
                                               alias=exp.TableAlias(this=exp.to_identifier("cozelite_pick")))))
    inner.set("expressions", [exp.column(k, table="cozelite_pick") for k in pk])
    where = node.args.get("where")
    if where is not None:
        cond = where.this.copy()
        for col in cond.find_all(exp.Column):
            if col.table and col.table.lower() == alias.lower():
                col.set("table", exp.to_identifier("cozelite_pick"))
        inner.set("where", exp.Where(this=cond))
    assert order is not None  # a LIMIT without ORDER BY was settled above
    new_order = order.copy()
    for col in new_order.find_all(exp.Column):
        if col.table and col.table.lower() == alias.lower():
            col.set("table", exp.to_identifier("cozelite_pick"))
    inner.set("order", new_order)
    inner.set("limit", limit.copy())
    lhs: exp.Expression = keys[0] if len(keys) == 1 else exp.Tuple(expressions=keys)
    node.set("where", exp.Where(this=exp.In(this=lhs, query=exp.Subquery(this=inner))))
    node.set("limit", None)
    node.set("order", None)
    return node


def constant_group_keys(node: exp.Expression) -> exp.Expression:
    """GROUP BY 'x' (a string constant: one group, none for no rows) is taken by MySQL and SQLite;
    PostgreSQL rejects a non-integer constant there, but not a constant expression: CAST('x' AS TEXT)
    groups the same way."""
    group = node.args.get("group") if isinstance(node, exp.Select) else None
    if group is None:
        return node
    for key in list(group.expressions):
        if isinstance(key, exp.Literal) and key.is_string:
            key.replace(exp.Cast(this=key.copy(), to=exp.DataType.build("TEXT")))
    return node


def _exposed_names(source: exp.Expression) -> set[str] | None:
    """The column names a FROM item exposes, when known (schema table, or a derived table's outputs)."""
    if isinstance(source, exp.Table):
        columns = source.meta.get(COLUMNS)
        return set(columns) if columns is not None else None
    if isinstance(source, exp.Subquery) and isinstance(source.this, exp.Select):
        names = set()
        for out in source.this.expressions:
            if isinstance(out, exp.Star) or (isinstance(out, exp.Column) and isinstance(out.this, exp.Star)):
                return None
            names.add(out.alias_or_name.lower())
        return names
    return None


def using_columns(node: exp.Expression) -> exp.Expression:
    """JOIN ... USING (c) where more than one table to the left exposes c: SQLite picks one, MySQL and
    PostgreSQL reject it as ambiguous. Refused unless exactly one table to the left has c."""
    if not isinstance(node, exp.Select):
        return node
    items = from_items(node)
    for i, join in enumerate(node.args.get("joins") or [], start=1):
        for ident in join.args.get("using") or []:
            name = ident.name.lower()
            left = [_exposed_names(s) for s in items[:i]]
            if len(left) > 1 and (any(names is None for names in left) or sum(name in n for n in left if n) > 1):
                raise refuse(f"JOIN ... USING ({ident.name})",
                             "more than one table to the left may have the column (SQLite picks one); "
                             "use ON with qualified names")
    return node
