"""The tree-level rules of the MySQL front end, applied in one walk over the parsed statement.

What sqlglot parses but MySQL rejects, and what only the tree shows (an alias outside a select
list, a FULL JOIN, a DEFAULT that is not a literal, unquoted reserved words): one check per node
type, found by the node's exact type in `_TREE_CHECKS`. The tables the checks read are in
`dialects.mysql.rules`. Two checks also fix how sqlglot read a word (DEFAULT as a value, UTC_DATE
without parentheses), because only the same walk sees them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import cast

from sqlglot import exp

from dialects.mysql import rules
from dialects.mysql.errors import node_error
from sqlparser import name_walk
from sqlparser.name_walk import Names
from sqlparser.portable_names import is_unquoted_reserved, reserved_name_error

TreeCheck = Callable[[exp.Expr, str], None]
"""(the node, the statement's text): raises SQLSyntaxError when MySQL would reject the node."""


def check_tree(tree: exp.Expr, sql: str,
               watch: Collection[type] = ()) -> tuple[Names, list[exp.Expr]] | None:
    """One walk over the IR applying the structural rules of `rules`; returns what
    `name_walk.walk_names` would find in the checked tree, and its nodes whose exact type is in
    `watch`, collected on the way (None when a rule replaced a node: the lists could then hold a
    node that left the tree).

    The walk is sqlglot's breadth-first `walk()`, written out over a list that is its own queue
    (no generator; a tenth cheaper): a node's children are read after its check, as `walk()` reads
    them after yielding it, so a check that replaces a node (`_check_identifier` replaces the
    column around DEFAULT) leaves the rest of the walk as `walk()` would. Names and literals have
    no child nodes (their arguments are text and flags): a name is checked where it is dequeued
    and not looked into, a literal (which has no check) never queued; every other node is visited
    in `walk()`'s order, which is also `walk_names`' order."""
    get_check = _TREE_CHECKS.get
    reserved = rules.RESERVED_WORDS
    identifier, literal, expression = exp.Identifier, exp.Literal, exp.Expr
    kinds, table, column, scoped_kind = name_walk.KINDS, name_walk.TABLE, name_walk.COLUMN, name_walk.SCOPED
    unnest_kind = name_walk.UNNEST
    tables: list[exp.Table] = []
    columns: list[exp.Column] = []
    identifiers: list[exp.Identifier] = []
    watched: list[exp.Expr] = []
    has_scope = has_unnest = replaced = False
    queue: list[exp.Expr] = [tree]
    push = queue.append
    i = 0
    while i < len(queue):
        node = queue[i]
        i += 1
        kind = type(node)
        if kind is identifier:
            identifiers.append(node)  # type: ignore[arg-type]
            # The commonest node: test the cheap part inline, the full rule only for reserved words.
            name = node.this
            if not node.args.get("quoted") and isinstance(name, str) and name.upper() in reserved:
                # (the type test above, which mypy cannot follow)
                replaced = _check_identifier(cast(exp.Identifier, node), sql) or replaced
            continue
        check = get_check(kind)
        if check is not None:
            check(node, sql)
        if kind in watch:
            watched.append(node)
        names_kind = kinds.get(kind)
        if names_kind is None:
            names_kind = name_walk.kind_of(kind)
        if names_kind == table:
            tables.append(node)  # type: ignore[arg-type]
        elif names_kind == column:
            columns.append(node)  # type: ignore[arg-type]
        elif names_kind == scoped_kind:
            has_scope = has_scope or name_walk.scoped(node)
        elif names_kind == unnest_kind:
            has_unnest = True
        for value in node.args.values():
            if value is None:  # half of all arguments: skipped before any type test
                continue
            kind = type(value)
            if kind is list:
                for item in value:
                    if type(item) is not literal and isinstance(item, expression):
                        push(item)
            elif kind is not literal and isinstance(value, expression):
                push(value)
    return None if replaced else (Names(tables, columns, identifiers, has_scope, has_unnest), watched)


def _all_of(*checks: TreeCheck) -> TreeCheck:
    if len(checks) == 1:
        return checks[0]

    def run(node: exp.Expr, sql: str) -> None:
        for check in checks:
            check(node, sql)

    return run


def _check_identifier(node: exp.Identifier, sql: str) -> bool:
    """Raises for a reserved word MySQL refuses here; True when the name's column was replaced."""
    if is_unquoted_reserved(node):
        raise reserved_name_error(node, sql)
    column = node.parent
    if isinstance(column, exp.Column) and len(column.parts) == 1:
        word = str(node.this).upper()
        if word == "DEFAULT":
            _default_value(column, sql)
            return True
        if word in rules.BARE_CALLS:
            column.replace(exp.Anonymous(this=word, expressions=[]))
            return True
    return False


def _default_value(column: exp.Column, sql: str) -> None:
    """`SET a = DEFAULT` means the column's default; sqlglot reads DEFAULT there as a column named
    `default` (printed back quoted, it would be one). Only an assignment takes it."""
    parent = column.parent
    if (isinstance(parent, exp.EQ) and parent.expression is column
            and isinstance(parent.parent, (exp.Update, exp.OnConflict))) or isinstance(parent, (exp.Tuple,
                                                                                            exp.Anonymous)):
        column.replace(exp.var("DEFAULT"))
        return
    raise node_error(column, sql, "DEFAULT as a value is only allowed in VALUES and in SET column = DEFAULT; "
                     "use DEFAULT(column) elsewhere")


def _check_alias(node: exp.Alias, sql: str) -> None:
    target = node.this
    if isinstance(target, exp.Star) or (isinstance(target, exp.Column) and isinstance(target.this, exp.Star)):
        raise node_error(node.args.get("alias") or node, sql,
                         "'*' cannot have an alias (did you forget FROM before the table name?)")


def _check_alias_place(node: exp.Alias, sql: str) -> None:
    if not isinstance(node.parent, exp.Select):
        raise node_error(node.args.get("alias") or node, sql,
                         "an alias (AS name) is only allowed on a select-list item")


def _check_table_source(node: exp.Table, sql: str) -> None:
    source = node.this
    if isinstance(source, (exp.Func, exp.Window)) and not isinstance(source, rules.TABLE_FUNCTIONS):
        raise node_error(source, sql, "MySQL has no table functions in FROM (only JSON_TABLE)")


def _check_json_table(node: exp.JSONTable, sql: str) -> None:
    if not isinstance(node.parent, exp.Table):
        raise node_error(node, sql, "JSON_TABLE is a table: use it in FROM, with COLUMNS (...) and an alias")


def _check_into(node: exp.Into, sql: str) -> None:
    target = node.this
    if isinstance(target, exp.Table) and not isinstance(target.this, exp.Parameter):
        raise node_error(target, sql, "SELECT ... INTO takes @variables (or OUTFILE / DUMPFILE), not a table name")


def _check_subquery_operand(node: exp.Expression, sql: str) -> None:
    if not isinstance(node.this, (exp.Subquery, exp.Query)):
        raise node_error(node, sql, f"{type(node).__name__.upper()} needs a subquery, as in = ANY (SELECT ...)")


def _check_extract(node: exp.Extract, sql: str) -> None:
    unit = node.this
    if isinstance(unit, exp.Var) and unit.name.upper() not in rules.INTERVAL_UNITS:
        raise node_error(node, sql, f"{unit.name!r} is not a unit EXTRACT accepts", keyword=unit.name)


def _check_order_place(node: exp.Order, sql: str) -> None:
    parent = node.parent
    if isinstance(parent, exp.Func) and not isinstance(parent, rules.ORDERED_AGGREGATES):
        raise node_error(node, sql, "ORDER BY inside a function call is only allowed in GROUP_CONCAT",
                         keyword="ORDER")


def _check_values(node: exp.Values, sql: str) -> None:
    if isinstance(node.parent, exp.Insert):
        return
    for row in node.expressions:
        items = row.expressions if isinstance(row, exp.Tuple) else [row]
        if len(items) != 1 or not (isinstance(items[0], exp.Anonymous) and str(items[0].this).upper() == "ROW"):
            raise node_error(row, sql, "a VALUES statement or table needs ROW(...) for each row, "
                             "as in VALUES ROW(1, 2)")


def _check_set_operation(node: exp.SetOperation, sql: str) -> None:
    for arm in (node.this, node.expression):
        if not isinstance(arm, rules.SET_OPERATION_ARMS):
            raise node_error(arm if isinstance(arm, exp.Expression) else node, sql,
                             f"each side of {type(node).__name__.upper()} must be a query (SELECT, TABLE or "
                             "VALUES ROW(...))")


def _check_dot(node: exp.Dot, sql: str) -> None:
    if isinstance(node.this, exp.Paren):
        raise node_error(node, sql, "MySQL has no (expression).field access")


def _check_single_table_delete(node: exp.Delete, sql: str) -> None:
    target = node.this
    if isinstance(target, exp.Table) and target.args.get("hints") and not node.args.get("tables") \
            and not node.args.get("using") and not target.args.get("joins"):
        raise node_error(target, sql, "a single-table DELETE takes no index hints; use the multiple-table form "
                         "(DELETE t FROM t USE INDEX (...) WHERE ...)")


def _key_parts(parts: list[exp.Expression]) -> exp.Expression | None:
    """The first key part MySQL would not read, if any."""
    for part in parts:
        inner = part.this if isinstance(part, exp.Ordered) else part
        if not isinstance(inner, rules.KEY_PART_NODES):
            return part
    return None


def _check_index(node: exp.IndexColumnConstraint, sql: str) -> None:
    if not node.expressions and node.args.get("this") is None:
        raise node_error(node.parent or node, sql, "an index needs at least one key part", keyword="INDEX")
    bad = _key_parts(node.expressions)
    if bad is not None:
        raise node_error(bad, sql, "an expression key part needs its own parentheses, as in KEY ((a + 1))")


def _check_unique(node: exp.UniqueColumnConstraint, sql: str) -> None:
    schema = node.this
    if isinstance(schema, exp.Schema) and not schema.expressions:
        raise node_error(node.parent or node, sql, "a UNIQUE key needs at least one key part", keyword="UNIQUE")


def _check_rename_column(node: exp.RenameColumn, sql: str) -> None:
    for name in (node.this, node.args.get("to")):
        if isinstance(name, exp.Column) and name.table:
            raise node_error(name, sql, "RENAME COLUMN takes plain column names, not qualified ones")


def _check_default(node: exp.Expression, sql: str) -> None:
    in_alter = isinstance(node, exp.AlterColumn)
    value = node.args.get("default") if in_alter else node.this
    if value is None or isinstance(value, rules.LITERAL_DEFAULTS) or (not in_alter and _is_now(value)):
        return
    raise node_error(value, sql, "a DEFAULT that is not a literal needs parentheses, as in DEFAULT (a + 1)")


def _is_now(value: exp.Expression) -> bool:
    if isinstance(value, (exp.CurrentTimestamp, exp.Localtime, exp.Localtimestamp)):
        return True
    if isinstance(value, exp.Anonymous):
        return str(value.this).upper() in rules.NOW_DEFAULTS
    # LOCALTIME / LOCALTIMESTAMP without parentheses, which sqlglot reads as a column name.
    return isinstance(value, exp.Column) and len(value.parts) == 1 and value.name.upper() in rules.NOW_DEFAULTS \
        and value.name.upper() != "NOW"


def _check_rollup(node: exp.Rollup, sql: str) -> None:
    if node.expressions:
        raise node_error(node, sql, "MySQL has no ROLLUP(...); write GROUP BY a, b WITH ROLLUP", keyword="ROLLUP")


def _check_table_alias(node: exp.TableAlias, sql: str) -> None:
    ident = node.this
    if isinstance(ident, exp.Identifier) and ident._meta:
        start = ident.meta.get("start")
        if isinstance(start, int) and sql[start:start + 1] in ("'", '"'):
            raise node_error(ident, sql, "a table alias cannot be a quoted string; use a name or `backquotes`")


def _check_join(node: exp.Join, sql: str) -> None:
    side = (node.side or "").upper()
    kind = (node.kind or "").upper()
    natural = (node.method or "").upper() == "NATURAL"
    has_condition = node.args.get("on") is not None or node.args.get("using") is not None
    if natural:
        if kind not in rules.NATURAL_JOIN_KINDS:
            raise node_error(node, sql, f"NATURAL {kind} JOIN is not MySQL syntax; use NATURAL [LEFT|RIGHT] JOIN")
        if has_condition:
            raise node_error(node, sql, "a NATURAL JOIN takes no ON or USING")
    if side == rules.FULL_JOIN_SIDE:
        raise node_error(node, sql, "MySQL has no FULL JOIN; combine a LEFT JOIN and a RIGHT JOIN with UNION")
    if natural:
        return
    if side in rules.OUTER_JOIN_SIDES and not has_condition:
        raise node_error(node, sql, f"{side} JOIN needs an ON or USING condition")


def _check_column(node: exp.Column, sql: str) -> None:
    if node.args.get("catalog") is not None:
        raise node_error(node, sql, "a column name has at most three parts (db.table.column)")


def _check_distinct(node: exp.Distinct, sql: str) -> None:
    parent = node.parent
    if not isinstance(parent, exp.AggFunc) and not isinstance(parent, exp.Anonymous):
        return
    name = parent.sql_name() if isinstance(parent, exp.Func) and not isinstance(parent, exp.Anonymous) \
        else str(parent.this).upper()
    if not isinstance(parent, rules.DISTINCT_AGGREGATES):
        raise node_error(node, sql, f"{name}() does not take DISTINCT")
    if any(isinstance(e, exp.Star) for e in node.expressions):
        raise node_error(node, sql, f"{name}(DISTINCT *) is not valid; name the columns")


def _check_one_argument_aggregate(node: exp.Func, sql: str) -> None:
    if node.this is None:
        raise node_error(node, sql, f"{node.sql_name()}() takes exactly one argument", word=node.sql_name())
    if node.args.get("expressions") and not isinstance(node.this, exp.Distinct):
        raise node_error(node, sql, f"{node.sql_name()}() takes exactly one argument")


def _check_anonymous(node: exp.Anonymous, sql: str) -> None:
    name = str(node.this).upper()
    if name in rules.ONE_ARGUMENT_AGGREGATE_NAMES and len(node.expressions) != 1:
        raise node_error(node, sql, f"{name}() takes exactly one argument")
    if name == "ROW" and len(node.expressions) < 2 and not isinstance(node.parent, exp.Tuple):
        raise node_error(node, sql, "ROW() needs at least two values")


_WINDOW_ONLY: tuple[type[exp.Expr], ...] = (
    exp.RowNumber, exp.Rank, exp.DenseRank, exp.PercentRank, exp.CumeDist, exp.Ntile, exp.Lag, exp.Lead,
    exp.FirstValue, exp.LastValue, exp.NthValue)
"""MySQL's non-aggregate window functions: its grammar has them only with an OVER clause."""


def _check_window_only(node: exp.Expr, sql: str) -> None:
    parent = node.parent
    if isinstance(parent, (exp.IgnoreNulls, exp.RespectNulls)):
        parent = parent.parent
    if not isinstance(parent, exp.Window):
        name = node.sql_name() if isinstance(node, exp.Func) else type(node).__name__.upper()
        raise node_error(node, sql, f"{name}() is a window function: it needs OVER (...) after it", word=name)


def _check_escape(node: exp.Escape, sql: str) -> None:
    escape = node.expression
    if isinstance(escape, exp.Literal) and escape.is_string and len(escape.this) > 1:
        raise node_error(escape, sql, "ESCAPE takes a single character")


def _check_interval_unit(node: exp.Expression, sql: str) -> None:
    unit = node.args.get("unit")
    if unit is None and isinstance(node, exp.Interval):
        raise node_error(node, sql, "INTERVAL needs a unit, as in INTERVAL 1 DAY", word="INTERVAL")
    if isinstance(unit, exp.Var) and unit.name.upper() not in rules.INTERVAL_UNITS:
        raise node_error(unit, sql, f"{unit.name!r} is not an INTERVAL unit", word=unit.name)


def _check_select(node: exp.Select, sql: str) -> None:
    if not node.expressions:
        raise node_error(node, sql, "SELECT needs at least one expression to select")
    if node.args.get("offset") is not None and node.args.get("limit") is None:
        raise node_error(node.args["offset"], sql, "OFFSET needs a LIMIT in MySQL (LIMIT n OFFSET m)")


def _check_unsupported_node(node: exp.Expression, sql: str) -> None:
    keyword, reason = rules.UNSUPPORTED_NODES[type(node)]
    raise node_error(node, sql, reason, keyword=keyword)


def _check_unsupported_args(node: exp.Expression, sql: str) -> None:
    for key, reason in rules.UNSUPPORTED_ARGS[type(node)]:
        value = node.args.get(key)
        if value is not None and value is not False:
            raise node_error(value if isinstance(value, exp.Expression) else node, sql, reason)


def _check_on_conflict(node: exp.OnConflict, sql: str) -> None:
    if not node.args.get("duplicate"):
        raise node_error(node, sql, "MySQL has no ON CONFLICT; use ON DUPLICATE KEY UPDATE", word="CONFLICT")


def _check_derived_columns(node: exp.TableAlias, sql: str) -> None:
    if node.args.get("columns") and isinstance(node.parent, exp.Table):
        raise node_error(node, sql, "a column list after a table alias needs a derived table: (SELECT ...) AS x(a, b)")


def _check_insert(node: exp.Insert, sql: str) -> None:
    schema = node.this
    if isinstance(schema, exp.Schema) and isinstance(schema.this, exp.Schema):
        raise node_error(schema, sql, "INSERT ... SET cannot also have a column list")


def _check_insert_source(node: exp.Insert, sql: str) -> None:
    if node.expression is None:
        raise node_error(node, sql, "INSERT needs VALUES, SET or SELECT")


def _check_group(node: exp.Group, sql: str) -> None:
    if not node.expressions:
        raise node_error(node.parent or node, sql, "GROUP BY needs at least one expression")


def _check_in(node: exp.In, sql: str) -> None:
    if not node.expressions and not any(node.args.get(k) for k in ("query", "unnest", "field")):
        raise node_error(node, sql, "IN () needs at least one value")


def _check_update(node: exp.Update, sql: str) -> None:
    if not node.expressions:
        raise node_error(node, sql, "UPDATE needs SET column = value")


def _check_multi_table_order(node: exp.Expression, sql: str) -> None:
    target = node.this
    multi = bool(node.args.get("tables")) or (isinstance(target, exp.Table) and bool(target.args.get("joins"))) \
        or bool(node.args.get("from_")) or bool(node.args.get("joins"))
    if multi:
        for key in ("order", "limit"):
            clause = node.args.get(key)
            if clause is not None:
                raise node_error(clause, sql, f"a multiple-table {type(node).__name__.upper()} cannot have "
                                 f"{'ORDER BY' if key == 'order' else 'LIMIT'}")


def _check_create(node: exp.Create, sql: str) -> None:
    kind = str(node.args.get("kind") or "").upper()
    reason = rules.UNSUPPORTED_CREATE_KINDS.get(kind)
    if reason is not None:
        raise node_error(node, sql, reason)
    schema = node.this
    # `CREATE TABLE t` alone parses in MySQL (it fails later: no columns); `CREATE TABLE t ()` does not.
    if kind == "TABLE" and node.args.get("expression") is None and isinstance(schema, exp.Schema) \
            and not schema.expressions:
        raise node_error(schema, sql, "CREATE TABLE needs at least one column")


def _check_column_def(node: exp.ColumnDef, sql: str) -> None:
    # MySQL's grammar takes one CHARACTER SET per column (BYTE, ASCII and UNICODE are spellings of one)
    charsets = [c for c in node.args.get("constraints") or []
                if isinstance(c.args.get("kind"), exp.CharacterSetColumnConstraint)]
    if len(charsets) > 1:
        raise node_error(node, sql, "a column takes one CHARACTER SET", keyword="CHARACTER")
    kinds = [c.args.get("kind") for c in node.args.get("constraints") or []]
    generated = any(isinstance(k, exp.ComputedColumnConstraint) or (
        isinstance(k, exp.GeneratedAsIdentityColumnConstraint) and k.args.get("expression") is not None)
        for k in kinds)
    for kind, word in ((exp.DefaultColumnConstraint, "DEFAULT"), (exp.AutoIncrementColumnConstraint, "AUTO_INCREMENT"),
                       (exp.OnUpdateColumnConstraint, "ON UPDATE")):
        if generated and any(isinstance(k, kind) for k in kinds):
            raise node_error(node, sql, f"a generated column cannot have {word}", keyword=word.split()[0])
    for constraint in node.args.get("constraints") or []:
        # a name (CONSTRAINT x) goes only with a CHECK in a column definition
        if constraint.this is not None and not isinstance(constraint.args.get("kind"), exp.CheckColumnConstraint):
            raise node_error(constraint, sql, "only a CHECK constraint can be named in a column definition",
                             keyword="CONSTRAINT")


def _check_properties(node: exp.Properties, sql: str) -> None:
    # sqlglot reads `PARTITION BY LIST (a)` / `RANGE (a)` without partition definitions as a bare
    # column among the table options; MySQL requires the definitions for LIST and RANGE.
    for item in node.expressions:
        # (an index's COMMENT / VISIBLE in CREATE INDEX is an IndexConstraintOption: see create.py)
        if not isinstance(item, (exp.Property, exp.IndexConstraintOption)):
            raise node_error(item, sql, "PARTITION BY LIST / RANGE needs its partition definitions, "
                             "as in PARTITION BY LIST (a) (PARTITION p0 VALUES IN (1))", keyword="PARTITION")


def _check_unsupported_property(node: exp.Expression, sql: str) -> None:
    raise node_error(node.parent.parent if node.parent is not None and node.parent.parent is not None else node,
                     sql, rules.UNSUPPORTED_PROPERTIES[type(node)])


_LENGTH_TYPES = frozenset({exp.DataType.Type.VARCHAR, exp.DataType.Type.NVARCHAR, exp.DataType.Type.VARBINARY})
_INDEX_TYPES = frozenset({"BTREE", "HASH", "RTREE"})


def _check_index_type(node: exp.Expression, sql: str) -> None:
    # USING takes MySQL's index types only (an index on a table, or one of its options)
    written = node.args.get("index_type") if isinstance(node, exp.IndexColumnConstraint) else node.args.get("using")
    if written and str(written.name if isinstance(written, exp.Expression) else written).upper() not in _INDEX_TYPES:
        raise node_error(node, sql, "an index type is BTREE, HASH or RTREE", keyword="USING")


def _check_data_type(node: exp.DataType, sql: str) -> None:
    if node.this in rules.VALUE_LIST_TYPES and not node.expressions and isinstance(node.parent, exp.ColumnDef):
        name = node.this.value
        raise node_error(node.parent, sql, f"{name} needs its list of values, as in {name}('a', 'b')")
    if node.this in _LENGTH_TYPES and not node.expressions and isinstance(node.parent, exp.ColumnDef):
        raise node_error(node.parent, sql, "VARCHAR / VARBINARY need a length, as in VARCHAR(255)")
    if node.this is exp.DataType.Type.FLOAT and node.expressions:
        precision = node.expressions[0].this
        if isinstance(precision, exp.Literal) and precision.is_int and int(precision.this) > rules.FLOAT_MAX_PRECISION:
            raise node_error(precision, sql, f"FLOAT precision is at most {rules.FLOAT_MAX_PRECISION}; "
                             "use DOUBLE for more")


# Each check takes its own node type, so the pairs are typed loosely; the dispatch is by exact type.
_CHECKS: tuple[tuple[type[exp.Expr], Callable[..., None]], ...] = (
    (exp.Alias, _check_alias),
    (exp.Alias, _check_alias_place),
    (exp.Table, _check_table_source),
    (exp.Values, _check_values),
    (exp.Rollup, _check_rollup),
    (exp.IndexColumnConstraint, _check_index),
    (exp.UniqueColumnConstraint, _check_unique),
    (exp.RenameColumn, _check_rename_column),
    (exp.AlterColumn, _check_default),
    (exp.DefaultColumnConstraint, _check_default),
    (exp.Union, _check_set_operation),
    (exp.Except, _check_set_operation),
    (exp.Intersect, _check_set_operation),
    (exp.Dot, _check_dot),
    (exp.JSONTable, _check_json_table),
    (exp.Into, _check_into),
    (exp.Any, _check_subquery_operand),
    (exp.All, _check_subquery_operand),
    (exp.Extract, _check_extract),
    (exp.Order, _check_order_place),
    (exp.Delete, _check_single_table_delete),
    (exp.TableAlias, _check_table_alias),
    (exp.TableAlias, _check_derived_columns),
    (exp.Join, _check_join),
    (exp.Column, _check_column),
    (exp.Distinct, _check_distinct),
    (exp.Anonymous, _check_anonymous),
    (exp.Escape, _check_escape),
    (exp.Interval, _check_interval_unit),
    (exp.DateAdd, _check_interval_unit),
    (exp.DateSub, _check_interval_unit),
    (exp.Select, _check_select),
    (exp.Insert, _check_insert),
    (exp.DataType, _check_data_type),
    (exp.Create, _check_create),
    (exp.ColumnDef, _check_column_def),
    (exp.IndexColumnConstraint, _check_index_type),
    (exp.IndexConstraintOption, _check_index_type),
    (exp.Properties, _check_properties),
    (exp.Delete, _check_multi_table_order),
    (exp.Update, _check_multi_table_order),
    (exp.Update, _check_update),
    (exp.Insert, _check_insert_source),
    (exp.Group, _check_group),
    (exp.In, _check_in),
    (exp.OnConflict, _check_on_conflict),
    *((cls, _check_one_argument_aggregate) for cls in rules.ONE_ARGUMENT_AGGREGATES),
    *((cls, _check_window_only) for cls in _WINDOW_ONLY),
    *((cls, _check_unsupported_property) for cls in rules.UNSUPPORTED_PROPERTIES),
    *((cls, _check_unsupported_node) for cls in rules.UNSUPPORTED_NODES),
    *((cls, _check_unsupported_args) for cls in rules.UNSUPPORTED_ARGS),
)


def _by_type(pairs: tuple[tuple[type[exp.Expr], Callable[..., None]], ...]) -> dict[type[exp.Expr], TreeCheck]:
    grouped: dict[type[exp.Expr], list[TreeCheck]] = {}
    for cls, check in pairs:
        grouped.setdefault(cls, []).append(check)
    return {cls: _all_of(*checks) for cls, checks in grouped.items()}


_TREE_CHECKS: dict[type[exp.Expr], TreeCheck] = _by_type(_CHECKS)
"""Node type -> its rules (exact type: sqlglot's node classes are the dispatch key)."""


