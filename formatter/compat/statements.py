"""Compat printers for statements and their clauses: SELECT / set operations / VALUES / INSERT /
UPDATE / DELETE, WITH, WHERE, GROUP BY, ORDER BY, LIMIT, locking, optimizer hints.

The FROM clause (TiDB's join tree) is printed by `tables`, window definitions by `windows`.
"""

from __future__ import annotations

from sqlglot import exp

from formatter.compat.base import Restorer, check_args, printer
from formatter.compat.common import order_by, table_name
from formatter.compat.tables import is_bare_join, is_dual, refs_of, table_ref, table_refs
from formatter.compat.windows import named_windows
from sqlparser.errors import UnsupportedConstructError
from sqlparser.ir import statement_modifiers

# -- clauses -----------------------------------------------------------------------------------

def where(r: Restorer, node: exp.Expression) -> str:
    if isinstance(node, exp.Where):
        check_args(node, ("this",))
        node = node.this
    return r.kw(" WHERE ") + r.node(node)


def limit(r: Restorer, stmt: exp.Expression) -> str:
    lim = stmt.args.get("limit")
    off = stmt.args.get("offset")
    if lim is None:
        if off is not None:
            raise UnsupportedConstructError("OFFSET without LIMIT", "MySQL requires LIMIT")
        return ""
    if isinstance(lim, exp.Fetch):
        check_args(lim, ("direction", "count", "limit_options"))
        options = lim.args.get("limit_options")
        if options is not None and (options.args.get("percent") or options.args.get("with_ties")):
            raise UnsupportedConstructError("FETCH ... PERCENT / WITH TIES")
        count = lim.args.get("count")
        count_text = r.node(count) if count is not None else "1"
        offset_node = off.expression if off is not None else None
    else:
        check_args(lim, ("expression", "offset"))
        count_text = r.node(lim.expression)
        offset_node = lim.args.get("offset")
        if off is not None:
            if offset_node is not None:
                raise UnsupportedConstructError("two OFFSETs")
            check_args(off, ("expression",))
            offset_node = off.expression
    text = " " + r.kw("LIMIT ")
    if offset_node is not None:
        text += r.node(offset_node) + ","
    return text + count_text


def order(r: Restorer, stmt: exp.Expression) -> str:
    node = stmt.args.get("order")
    return " " + order_by(r, node) if node is not None else ""


def _locks(r: Restorer, locks: list[exp.Lock]) -> str:
    if len(locks) > 1:
        raise UnsupportedConstructError("several locking clauses")
    lock = locks[0]
    check_args(lock, ("update", "expressions", "wait", "key"))
    if lock.args.get("key"):
        raise UnsupportedConstructError("FOR KEY SHARE / FOR NO KEY UPDATE")
    text = " " + r.kw("for update" if lock.args.get("update") else "for share")
    if lock.expressions:
        text += r.kw(" OF ") + ", ".join(table_ref(r, t) if isinstance(t, exp.Table) else r.node(t)
                                         for t in lock.expressions)
    wait = lock.args.get("wait")
    if wait is True:
        text += r.kw(" nowait")
    elif wait is False and "wait" in lock.args:
        text += r.kw(" skip locked")
    elif isinstance(wait, exp.Expression):
        text += r.kw(" wait") + " " + r.node(wait)
    return text


def with_clause(r: Restorer, node: exp.With) -> str:
    check_args(node, ("expressions", "recursive"))
    text = r.kw("WITH ")
    if node.args.get("recursive"):
        text += r.kw("RECURSIVE ")
    ctes = []
    for cte in node.expressions:
        check_args(cte, ("this", "alias"))
        alias = cte.args["alias"]
        check_args(alias, ("this", "columns"))
        part = r.node(alias.this)
        columns = alias.args.get("columns")
        if columns:
            part += " (" + ", ".join(r.node(c) for c in columns) + ")"
        query = cte.this
        part += r.kw(" AS ") + (r.node(query) if isinstance(query, exp.Subquery) else "(" + r.node(query) + ")")
        ctes.append(part)
    return text + ", ".join(ctes) + " "


def hint(r: Restorer, stmt: exp.Expression) -> str:
    """Optimizer hints, `/*+ NAME(t1, t2) */`, as TiDB writes them (no space before `*/`)."""
    node = stmt.args.get("hint")
    if node is None:
        return ""
    words = statement_modifiers(stmt)
    if words:
        # Not a hint: the statement's modifier words, which TiDB prints in this place too
        # (`INSERT LOW_PRIORITY IGNORE INTO`, `DELETE LOW_PRIORITY QUICK IGNORE FROM`).
        return r.kw(" ".join(words)) + " "
    check_args(node, ("expressions",))
    parts = []
    for item in node.expressions:
        if not isinstance(item, exp.Anonymous):
            raise UnsupportedConstructError("optimizer hint " + type(item).__name__)
        check_args(item, ("this", "expressions"))
        parts.append(r.kw(item.name) + "(" + ", ".join(r.node(a) for a in item.expressions) + ")")
    return "/*+ " + " ".join(parts) + "*/ "


def _with_prefix(r: Restorer, stmt: exp.Expression) -> str:
    node = stmt.args.get("with_")
    return with_clause(r, node) if node is not None else ""


# -- SELECT ------------------------------------------------------------------------------------

# TiDB's order of select options (SelectStmt.Restore).
_SELECT_OPTIONS = ("HIGH_PRIORITY", "SQL_SMALL_RESULT", "SQL_BIG_RESULT", "SQL_BUFFER_RESULT",
                   "SQL_NO_CACHE", "SQL_CALC_FOUND_ROWS")


def _synthetic_values(node: exp.Select) -> exp.Values | None:
    """sqlglot turns a VALUES operand of a set operation into SELECT * FROM (VALUES ...) AS _values."""
    source = node.args.get("from_")
    values = source.this if source is not None else None
    if not isinstance(values, exp.Values) or len(node.expressions) != 1 or not isinstance(
            node.expressions[0], exp.Star):
        return None
    alias = values.args.get("alias")
    if not (isinstance(alias, exp.TableAlias) and alias.name == "_values" and not alias.this._meta
            and not alias.args.get("columns")):
        return None
    if any(v for k, v in node.args.items() if k not in ("expressions", "from_")):
        return None
    return values


def _table_statement(r: Restorer, node: exp.Select) -> exp.Table | None:
    """`TABLE t`, which sqlglot reads as SELECT * FROM t (the same query); the source tells them apart."""
    source = node.args.get("from_")
    table = source.this if source is not None else None
    if (not isinstance(table, exp.Table) or len(node.expressions) != 1 or not isinstance(node.expressions[0], exp.Star)
            or node.expressions[0]._meta or table.args.get("alias") or table.args.get("joins")):
        return None
    if any(v for k, v in node.args.items() if k not in ("expressions", "from_", "order", "limit", "offset",
                                                        "with_", "locks")):
        return None
    return table if r.source_ends_with_word(table, "TABLE") else None


def _written_select_all(r: Restorer, first_field: exp.Expression) -> bool:
    """True when the source says SELECT [options] ALL right before the first field. The word must
    follow SELECT or a select option: an ALL inside the field (JSON_OBJECTAGG(ALL c1, c2), whose
    function name has no source position) is not SELECT ALL."""
    before = r.source_before(first_field)
    if before is None:
        return False
    words = before.upper().split()
    return len(words) >= 2 and words[-1] == "ALL" and (words[-2] == "SELECT" or words[-2] in _SELECT_OPTIONS)


@printer(exp.Select)
def _select(r: Restorer, node: exp.Select) -> str:
    values = _synthetic_values(node)
    if values is not None:
        return _values_statement(r, values, allow_alias=True)
    table = _table_statement(r, node)
    if table is not None:
        return (_with_prefix(r, node) + r.kw("TABLE ") + table_ref(r, table) + order(r, node) + limit(r, node)
                + (_locks(r, node.args["locks"]) if node.args.get("locks") else ""))
    check_args(node, ("with_", "expressions", "distinct", "from_", "joins", "where", "group", "having",
                      "order", "limit", "offset", "locks", "operation_modifiers", "kind", "hint", "windows"))
    if node.args.get("kind"):
        raise UnsupportedConstructError(f"SELECT AS {node.args['kind']}")
    text = _with_prefix(r, node) + r.kw("SELECT ")
    modifiers = [str(m.name if isinstance(m, exp.Expression) else m).upper()
                 for m in node.args.get("operation_modifiers") or []]
    unknown = [m for m in modifiers if m not in _SELECT_OPTIONS and m not in ("STRAIGHT_JOIN", "SQL_CACHE")]
    if unknown:
        raise UnsupportedConstructError("SELECT " + " ".join(unknown))
    for option in _SELECT_OPTIONS:
        if option in modifiers:
            text += r.kw(option + " ")
    text += hint(r, node)
    distinct = node.args.get("distinct")
    if distinct is not None:
        check_args(distinct, ())
        text += r.kw("DISTINCT ")
    elif node.expressions and _written_select_all(r, node.expressions[0]):
        text += r.kw("ALL ")  # SELECT ALL is SELECT; sqlglot drops the word
    if "STRAIGHT_JOIN" in modifiers:
        text += r.kw("STRAIGHT_JOIN ")
    text += ",".join(r.node(e) for e in node.expressions)
    source = node.args.get("from_")
    joins = list(node.args.get("joins") or [])
    if source is not None:
        check_args(source, ("this",))
        if is_dual(source.this) and not joins:
            source = None
        else:
            text += r.kw(" FROM ") + table_refs(r, source.this, joins)
    elif joins:
        raise UnsupportedConstructError("JOIN without FROM")
    cond = node.args.get("where")
    if cond is not None:
        if source is None:
            text += r.kw(" FROM DUAL")
        text += where(r, cond)
    group = node.args.get("group")
    if group is not None:
        check_args(group, ("expressions", "rollup"))
        text += " " + r.kw("GROUP BY ") + ",".join(r.node(e) for e in group.expressions)
        if group.args.get("rollup"):
            text += r.kw(" WITH ROLLUP")
    having = node.args.get("having")
    if having is not None:
        check_args(having, ("this",))
        text += " " + r.kw("HAVING ") + r.node(having.this)
    windows = node.args.get("windows")
    if windows:
        text += named_windows(r, windows)
    text += order(r, node) + limit(r, node)
    locks = node.args.get("locks")
    if locks:
        text += _locks(r, locks)
    return text


_SET_OPS = {exp.Union: "UNION", exp.Except: "EXCEPT", exp.Intersect: "INTERSECT"}


def _set_operand(r: Restorer, node: exp.Expression, parent: exp.SetOperation, *, right: bool) -> str:
    if (right and isinstance(node, exp.Subquery) and not node.args.get("alias")
            and isinstance(node.this, exp.Intersect) and not isinstance(parent, exp.Intersect)):
        before = r.source_before(node.this)
        if before is not None and not before.endswith("("):
            # sqlglot adds parentheses around `b INTERSECT c` in `a UNION b INTERSECT c`; the text
            # had none, and INTERSECT binds tighter anyway.
            return r.node(node.this)
    text = r.node(node)
    if isinstance(node, exp.SetOperation):
        # INTERSECT binds tighter than UNION and EXCEPT; everything else groups to the left.
        if right:
            # only an INTERSECT under a UNION / EXCEPT groups to the right on its own
            if not (isinstance(node, exp.Intersect) and not isinstance(parent, exp.Intersect)):
                return "(" + text + ")"
        elif isinstance(parent, exp.Intersect) and not isinstance(node, exp.Intersect):
            return "(" + text + ")"
        if node.args.get("order") or node.args.get("limit"):
            return "(" + text + ")"
    return text


@printer(exp.Union, exp.Except, exp.Intersect)
def _set_operation(r: Restorer, node: exp.SetOperation) -> str:
    check_args(node, ("with_", "this", "expression", "distinct", "order", "limit", "offset", "by_name"))
    if node.args.get("by_name"):
        raise UnsupportedConstructError("UNION BY NAME")
    op = _SET_OPS[type(node)] + ("" if node.args.get("distinct", True) else " ALL")
    text = (_with_prefix(r, node) + _set_operand(r, node.this, node, right=False) + " " + r.kw(op) + " "
            + _set_operand(r, node.expression, node, right=True))
    return text + order(r, node) + limit(r, node)


@printer(exp.Values)
def _values(r: Restorer, node: exp.Values) -> str:
    return _values_statement(r, node, allow_alias=False)


def _values_statement(r: Restorer, node: exp.Values, *, allow_alias: bool) -> str:
    # A VALUES statement: `VALUES ROW(1,2), ROW(3,4)`.
    check_args(node, ("expressions", "order", "limit", "alias") if allow_alias else ("expressions", "order", "limit"))
    rows = []
    for row in node.expressions:
        items = list(row.expressions) if isinstance(row, exp.Tuple) else [row]
        if len(items) == 1 and isinstance(items[0], exp.Anonymous) and items[0].name.upper() == "ROW":
            items = list(items[0].expressions)
        rows.append(r.kw("ROW") + "(" + ",".join(r.node(i) for i in items) + ")")
    return r.kw("VALUES ") + ", ".join(rows) + order(r, node) + limit(r, node)


# -- INSERT ------------------------------------------------------------------------------------

def _assignments(r: Restorer, items: list[exp.Expression], sep: str) -> str:
    parts = []
    for item in items:
        if not isinstance(item, exp.EQ):
            raise UnsupportedConstructError(type(item).__name__, "in a SET list")
        check_args(item, ("this", "expression"))
        parts.append(r.node(item.this) + "=" + r.node(item.expression))
    return sep.join(parts)


@printer(exp.Insert)
def _insert(r: Restorer, node: exp.Insert) -> str:
    # flags such as OVERWRITE, BY NAME, DEFAULT VALUES are other dialects' INSERT forms: check_args
    # refuses them when set
    check_args(node, ("this", "expression", "conflict", "ignore", "with_", "hint", "alternative"))
    alternative = str(node.args.get("alternative") or "").upper()
    if alternative == "REPLACE":
        keyword = "REPLACE "
    elif alternative:
        keyword = f"INSERT OR {alternative} "  # SQLite's conflict clause (TiDB has none)
    else:
        keyword = "INSERT "
    text = _with_prefix(r, node) + r.kw(keyword) + hint(r, node)
    if node.args.get("ignore"):
        text += r.kw("IGNORE ")
    text += r.kw("INTO ")
    target = node.this
    columns = None
    if isinstance(target, exp.Schema):
        check_args(target, ("this", "expressions"))
        columns = target.expressions
        target = target.this
    if not isinstance(target, exp.Table):
        raise UnsupportedConstructError(type(target).__name__, "as INSERT target")
    text += table_ref(r, target)
    source = node.expression
    if (columns and isinstance(source, exp.Values) and len(source.expressions) == 1
            and isinstance(source.expressions[0], exp.Tuple) and len(source.expressions[0].expressions) == len(columns)
            and r.source_ends_with_word(columns[0], "SET")):
        # INSERT ... SET a=1, b=2 (sqlglot reads it as the same INSERT ... (a, b) VALUES (1, 2))
        pairs = zip(columns, source.expressions[0].expressions, strict=True)
        text += r.kw(" SET ") + ",".join(r.node(c) + "=" + r.node(v) for c, v in pairs)
        source = None
    elif columns is not None:
        text += " (" + ",".join(r.node(c) for c in columns) + ")"
    if isinstance(source, exp.Values):
        check_args(source, ("expressions",))
        rows = []
        for row in source.expressions:
            items = list(row.expressions) if isinstance(row, exp.Tuple) else [row]
            rows.append("(" + ",".join(r.node(i) for i in items) + ")")
        text += r.kw(" VALUES ") + ",".join(rows)
    elif isinstance(source, exp.Query):
        text += " " + r.node(source)
    elif source is not None:
        raise UnsupportedConstructError(type(source).__name__, "as INSERT source")
    conflict = node.args.get("conflict")
    if conflict is not None:
        check_args(conflict, ("duplicate", "expressions", "action"))
        if not conflict.args.get("duplicate"):
            raise UnsupportedConstructError("ON CONFLICT", "MySQL has ON DUPLICATE KEY UPDATE")
        text += r.kw(" ON DUPLICATE KEY UPDATE ") + _assignments(r, list(conflict.expressions), ",")
    return text


# -- UPDATE / DELETE ---------------------------------------------------------------------------


@printer(exp.Update)
def _update(r: Restorer, node: exp.Update) -> str:
    check_args(node, ("with_", "this", "expressions", "where", "order", "limit", "hint"))
    text = _with_prefix(r, node) + r.kw("UPDATE ") + hint(r, node) + refs_of(r, node.this)
    text += r.kw(" SET ") + _assignments(r, list(node.expressions), ", ")
    cond = node.args.get("where")
    if cond is not None:
        text += where(r, cond)
    return text + order(r, node) + limit(r, node)


def _delete_target(r: Restorer, node: exp.Expression) -> str:
    # `t1.*` and `t1` name the same target; TiDB prints the bare table name.
    if isinstance(node, exp.Table):
        check_args(node, ("this", "db", "catalog"))
        return table_name(r, node)
    if isinstance(node, exp.Column) and isinstance(node.this, exp.Star):
        parts = [node.args.get(k) for k in ("catalog", "db", "table")]
        return ".".join(r.node(p) for p in parts if p is not None)
    raise UnsupportedConstructError(type(node).__name__, "as DELETE target")


def _delete_targets(r: Restorer, target: exp.Expression) -> str:
    tables = [target]
    if isinstance(target, exp.Table) and target.args.get("joins"):
        bare = target.copy()
        bare.set("joins", None)
        tables = [bare]
        for join in target.args["joins"]:
            if not is_bare_join(join):
                raise UnsupportedConstructError("JOIN in a DELETE target list")
            tables.append(join.this)
    return ",".join(_delete_target(r, t) for t in tables)


@printer(exp.Delete)
def _delete(r: Restorer, node: exp.Delete) -> str:
    check_args(node, ("with_", "this", "using", "where", "order", "limit", "tables", "cluster", "hint"))
    text = _with_prefix(r, node) + r.kw("DELETE ") + hint(r, node)
    tables = node.args.get("tables")
    using = node.args.get("using")
    if tables:
        text += ",".join(_delete_target(r, t) for t in tables) + r.kw(" FROM ") + refs_of(r, node.this)
    elif using:
        if len(using) != 1:
            raise UnsupportedConstructError("DELETE ... USING with several sources")
        text += r.kw("FROM ") + _delete_targets(r, node.this) + r.kw(" USING ") + refs_of(r, using[0])
    else:
        text += r.kw("FROM ") + refs_of(r, node.this)
    cond = node.args.get("where")
    if cond is not None:
        text += where(r, cond)
    return text + order(r, node) + limit(r, node)
