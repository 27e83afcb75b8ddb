"""Lower PostgreSQL's own parse tree (libpg_query's JSON, `nodes.py`) into the IR (sqlglot
expressions): statements and their clauses. Expressions are lowered in `lower_expressions.py`.

The shapes follow what sqlglot's `read="postgres"` parser builds, so the shared passes and printers
work unchanged. Anything without a faithful IR form raises `Unlowerable` naming the parse-tree
node kind; the front end turns that into an unlowered `Statement`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from pglast import enums
from sqlglot import exp

from dialects.postgres.lower_expressions import ExpressionLowerer, apply_indirection, list_items, row
from dialects.postgres.names import ident
from dialects.postgres.nodes import Node, need, string, unwrap
from dialects.postgres.precedence import P_ATOM, wrap
from dialects.postgres.type_names import datatype
from sqlparser.ir import Unlowerable

_DECORATIONS = ("sortClause", "limitCount", "limitOffset", "withClause", "lockingClause")
# What `Lowerer.decorate` reads: a `SelectStmt` without any of these fields (most) skips it, unless
# its `limitOption` (always present) is WITH TIES (which PostgreSQL only sets with a `limitCount`).
_DECORATION_FIELDS = frozenset(_DECORATIONS)
# What only `Lowerer.select_rare` (and DISTINCT) reads: absent from most `SelectStmt`s.
_RARE_SELECT_FIELDS = frozenset({"distinctClause", "groupClause", "groupDistinct", "havingClause", "windowClause",
                                 "intoClause"})


class Lowerer(ExpressionLowerer):
    """One statement's lowering."""

    # -- statements ----------------------------------------------------------------------------

    def statement(self, node: Node) -> exp.Expression:
        """A wrapped statement node."""
        kind, fields = unwrap(node)
        if kind == "SelectStmt":
            return self.select(fields)
        if kind == "InsertStmt":
            return self.insert(fields)
        if kind == "UpdateStmt":
            return self.update(fields)
        if kind == "DeleteStmt":
            return self.delete(fields)
        raise Unlowerable(kind)

    def with_(self, node: Node | None) -> exp.With | None:
        if node is None:
            return None
        ctes = []
        for item in node.get("ctes") or ():
            cte = item["CommonTableExpr"]
            if cte.get("search_clause") or cte.get("cycle_clause"):
                raise Unlowerable("CTESearchClause" if cte.get("search_clause") else "CTECycleClause")
            alias = exp.TableAlias(this=ident(cte.get("ctename")))
            colnames = cte.get("aliascolnames")
            if colnames:
                alias.set("columns", [ident(need(string(c), "String")) for c in colnames])
            args: dict[str, Any] = {"this": self.statement(need(cte.get("ctequery"), "CommonTableExpr")),
                                    "alias": alias}
            mat = cte.get("ctematerialized")
            if mat == "CTEMaterializeAlways":
                args["materialized"] = True
            elif mat == "CTEMaterializeNever":
                args["materialized"] = False
            ctes.append(exp.CTE(**args))
        return exp.With(expressions=ctes, recursive=bool(node.get("recursive")))

    def select(self, node: Node) -> exp.Expression:
        """A `SelectStmt`'s fields."""
        values = node.get("valuesLists")
        if node.get("op", "SETOP_NONE") != "SETOP_NONE":
            query = self.set_operation(node)
        elif values:
            query = exp.Values(expressions=[exp.Tuple(expressions=self.exprs(list_items(r))) for r in values])
        else:
            query = exp.Select(expressions=[self.target(t["ResTarget"]) for t in node.get("targetList") or ()])
            rare = not _RARE_SELECT_FIELDS.isdisjoint(node)
            distinct = node.get("distinctClause") if rare else None
            if distinct is not None:
                on = [d for d in distinct if d]
                query.set("distinct", exp.Distinct(on=exp.Tuple(expressions=self.exprs(on))) if on
                          else exp.Distinct())
            self.from_clause(query, node.get("fromClause"), "from_")
            if node.get("whereClause") is not None:
                query.set("where", exp.Where(this=self.expr(node["whereClause"])))
            if rare:
                self.select_rare(query, node)
        if not _DECORATION_FIELDS.isdisjoint(node) or node.get("limitOption") == "LIMIT_OPTION_WITH_TIES":
            self.decorate(query, node, bool(values))
        return query

    def select_rare(self, query: exp.Select, node: Node) -> None:
        """GROUP BY, HAVING, WINDOW and INTO of a `SelectStmt`'s fields (`_RARE_SELECT_FIELDS`)."""
        group = node.get("groupClause")
        if group:
            if node.get("groupDistinct"):
                raise Unlowerable("GroupClause")  # GROUP BY DISTINCT
            query.set("group", exp.Group(expressions=self.exprs(group)))
        if node.get("havingClause") is not None:
            query.set("having", exp.Having(this=self.expr(node["havingClause"])))
        windows = node.get("windowClause")
        if windows:
            query.set("windows", [self.window(w["WindowDef"], named=True) for w in windows])
        if node.get("intoClause") is not None:
            query.set("into", self.into(node["intoClause"]))

    def decorate(self, query: exp.Expression, node: Node, values: bool) -> None:
        """ORDER BY, LIMIT / OFFSET, FOR UPDATE and WITH of a `SelectStmt`'s fields (`_DECORATION_FIELDS`)."""
        sort = node.get("sortClause")
        if values and (sort or node.get("limitCount") or node.get("limitOffset") or node.get("lockingClause")):
            raise Unlowerable("SelectStmt")  # VALUES with ORDER BY / LIMIT / FOR UPDATE
        if sort:
            query.set("order", exp.Order(expressions=[self.sort_by(s) for s in sort]))
        self.limit(query, node)
        locking = node.get("lockingClause")
        if locking:
            if not isinstance(query, exp.Select):
                raise Unlowerable("LockingClause")  # on a set operation
            query.set("locks", [self.lock(lc["LockingClause"]) for lc in locking])
        if node.get("withClause") is not None:
            query.set("with_", self.with_(node["withClause"]))

    def into(self, clause: Node) -> exp.Into:
        if (clause.get("colNames") or clause.get("options") or clause.get("tableSpaceName")
                or clause.get("accessMethod") or clause.get("viewQuery")):
            raise Unlowerable("IntoClause")  # column names or storage options
        if clause.get("onCommit", "ONCOMMIT_NOOP") != "ONCOMMIT_NOOP":
            raise Unlowerable("IntoClause")  # ON COMMIT
        rel = need(clause.get("rel"), "IntoClause")
        persistence = rel.get("relpersistence")
        return exp.Into(this=self.range_var(rel), temporary=persistence == "t", unlogged=persistence == "u")

    def limit(self, query: exp.Expression, node: Node) -> None:
        count, offset = node.get("limitCount"), node.get("limitOffset")
        if node.get("limitOption") == "LIMIT_OPTION_WITH_TIES":
            query.set("limit", exp.Fetch(
                direction="FIRST", count=self.expr(count),
                limit_options=exp.LimitOptions(percent=False, rows=True, with_ties=True)))
        elif count is not None:
            query.set("limit", exp.Limit(expression=self.expr(count)))
        if offset is not None:
            query.set("offset", exp.Offset(expression=self.expr(offset)))

    def lock(self, lc: Node) -> exp.Lock:
        strength = lc.get("strength", "LCS_NONE")
        if strength == "LCS_FORUPDATE":
            update = True
        elif strength == "LCS_FORSHARE":
            update = False
        else:
            raise Unlowerable("LockingClause")  # FOR NO KEY UPDATE / FOR KEY SHARE
        wait: Any = None
        policy = lc.get("waitPolicy")
        if policy == "LockWaitError":
            wait = True
        elif policy == "LockWaitSkip":
            wait = False
        args: dict[str, Any] = {"update": update}
        if wait is not None:
            args["wait"] = wait
        rels = lc.get("lockedRels")
        if rels:
            args["expressions"] = [self.range_var(r["RangeVar"]) for r in rels]
        return exp.Lock(**args)

    _SETOPS: ClassVar[dict[str, tuple[type[exp.Expression], int]]] = {
        "SETOP_UNION": (exp.Union, 1),
        "SETOP_EXCEPT": (exp.Except, 1),
        "SETOP_INTERSECT": (exp.Intersect, 2),
    }

    def set_operation(self, node: Node) -> exp.Expression:
        cls, level = self._SETOPS[node["op"]]

        def arm(child: Node, right: bool) -> exp.Expression:
            lowered = self.select(child)
            child_op = child.get("op", "SETOP_NONE")
            child_level = self._SETOPS[child_op][1] if child_op != "SETOP_NONE" else 99
            decorated = any(child.get(k) for k in _DECORATIONS)
            if decorated or child_level < level or (right and child_level == level):
                return exp.Subquery(this=lowered)
            return lowered

        return cls(this=arm(need(node.get("larg"), "SelectStmt"), False),
                   expression=arm(need(node.get("rarg"), "SelectStmt"), True), distinct=not node.get("all"))

    def target(self, t: Node) -> exp.Expression:
        """A `ResTarget`'s fields (a select-list item)."""
        if t.get("indirection"):
            raise Unlowerable("ResTarget")  # indirection
        value = self.expr(t.get("val"))
        name = t.get("name")
        if name is not None:
            return exp.Alias(this=value, alias=ident(name))
        return value

    def from_clause(self, query: exp.Expression, items: Sequence[Node] | None, key: str) -> None:
        if not items:
            return
        if len(items) == 1 and len(items[0]) == 1 and "RangeVar" in items[0]:
            # The common single table: what `join_tree` and `from_item` give for it (no joins).
            query.set(key, exp.From(this=self.range_var(items[0]["RangeVar"])))
            return
        first, joins = self.join_tree(items[0])
        for item in items[1:]:
            head, more = self.join_tree(item)
            joins.append(exp.Join(this=head))
            joins.extend(more)
        query.set(key, exp.From(this=first))
        if joins:
            query.set("joins", joins)

    def join_tree(self, node: Node, *, skip_alias: bool = False) -> tuple[exp.Expression, list[exp.Join]]:
        """A wrapped FROM item: its head and the joins hanging on it. `skip_alias`: a parenthesized
        join's own alias is being lowered by `nested_join`."""
        join = node.get("JoinExpr")
        if join is None:
            return self.from_item(node), []
        if join.get("join_using_alias") is not None:
            raise Unlowerable("JoinExpr")  # USING (...) AS alias
        if join.get("alias") is not None and not skip_alias:
            return self.nested_join(join), []
        head, joins = self.join_tree(need(join.get("larg"), "JoinExpr"))
        rarg = need(join.get("rarg"), "JoinExpr")
        right = self.nested_join(rarg["JoinExpr"]) if "JoinExpr" in rarg else self.from_item(rarg)
        args: dict[str, Any] = {"this": right}
        jt = join.get("jointype", "JOIN_INNER")
        if jt == "JOIN_LEFT":
            args["side"] = "LEFT"
        elif jt == "JOIN_RIGHT":
            args["side"] = "RIGHT"
        elif jt == "JOIN_FULL":
            args["side"] = "FULL"
        elif jt != "JOIN_INNER":
            raise Unlowerable("JoinExpr")  # semi/anti joins: planner-internal join types
        if join.get("isNatural"):
            args["method"] = "NATURAL"
        elif join.get("usingClause"):
            args["using"] = [ident(need(string(u), "String")) for u in join["usingClause"]]
        elif join.get("quals") is not None:
            args["on"] = self.expr(join["quals"])
        elif jt == "JOIN_INNER":
            args["kind"] = "CROSS"
        joins.append(exp.Join(**args))
        return head, joins

    def nested_join(self, join: Node) -> exp.Expression:
        """A parenthesized join's fields, `(a JOIN b ON ...) [AS j]`: sqlglot hangs the joins on
        the first table."""
        head, joins = self.join_tree({"JoinExpr": join}, skip_alias=True)
        if "joins" in head.arg_types:
            head.set("joins", joins)
        else:
            raise Unlowerable("JoinExpr")  # parenthesized join starting with a subquery
        return exp.Subquery(this=head, alias=self.alias(join.get("alias")))

    def alias(self, alias: Node | None) -> exp.TableAlias | None:
        if alias is None:
            return None
        out = exp.TableAlias(this=ident(need(alias.get("aliasname"), "Alias")))
        colnames = alias.get("colnames")
        if colnames:
            out.set("columns", [ident(need(string(c), "String")) for c in colnames])
        return out

    def range_var(self, rv: Node) -> exp.Table:
        """A `RangeVar`'s fields."""
        relname = rv.get("relname")
        if relname and self._offsets is None and "schemaname" not in rv and "catalogname" not in rv:
            # The common unqualified name with no double quote in the text: what the rest builds.
            table = exp.Table(this=ident(relname)) if rv.get("inh") else exp.Table(this=ident(relname), only=True)
            if rv.get("alias") is not None:
                table.set("alias", self.alias(rv["alias"]))
            return table
        catalog, schema = rv.get("catalogname"), rv.get("schemaname")
        parts = [n for n in (catalog, schema, rv.get("relname")) if n]
        idents = self.names(parts, rv.get("location", 0))
        args: dict[str, Any] = {"this": idents[-1]}
        if schema:
            args["db"] = idents[-2]
        if catalog:
            args["catalog"] = idents[0]
        if not rv.get("inh"):
            args["only"] = True
        table = exp.Table(**args)
        if rv.get("alias") is not None:
            table.set("alias", self.alias(rv["alias"]))
        return table

    def from_item(self, node: Node) -> exp.Expression:
        """A wrapped FROM item other than a join."""
        kind, fields = unwrap(node)
        if kind == "RangeVar":
            return self.range_var(fields)
        if kind == "RangeSubselect":
            sub = exp.Subquery(this=self.statement(need(fields.get("subquery"), kind)))
            if fields.get("lateral"):
                return exp.Lateral(this=sub, alias=self.alias(fields.get("alias")))
            if fields.get("alias") is not None:
                sub.set("alias", self.alias(fields["alias"]))
            return sub
        if kind == "RangeTableSample":
            return self.table_sample(fields)
        if kind == "RangeFunction":
            return self.range_function(fields)
        raise Unlowerable(kind)

    def table_sample(self, node: Node) -> exp.Expression:
        table = self.from_item(need(node.get("relation"), "RangeTableSample"))
        method, sample_args = need(node.get("method"), "RangeTableSample"), need(node.get("args"), "RangeTableSample")
        if not isinstance(table, exp.Table) or len(method) != 1 or len(sample_args) != 1:
            raise Unlowerable("RangeTableSample")  # sampling method with several arguments
        sample = exp.TableSample(method=exp.Var(this=need(string(method[0]), "String").upper()),
                                 percent=self.expr(sample_args[0]))
        if node.get("repeatable") is not None:
            sample.set("seed", self.expr(node["repeatable"]))
        table.set("sample", sample)
        return table

    def range_function(self, node: Node) -> exp.Expression:
        functions = need(node.get("functions"), "RangeFunction")
        if node.get("is_rowsfrom") or len(functions) != 1:
            raise Unlowerable("RangeFunction")  # ROWS FROM
        func, coldefs = list_items(functions[0]) or ({}, {})
        if coldefs:
            raise Unlowerable("RangeFunction")  # column definition list inside ROWS FROM
        call = self.expr(func)
        alias = self.alias(node.get("alias"))
        coldeflist = node.get("coldeflist")
        if coldeflist:
            # f(...) AS x(a int, b text): the alias names typed columns.
            if alias is None or alias.args.get("columns"):
                raise Unlowerable("RangeFunction")  # column definition list without an alias
            alias.set("columns", [self.column_def(c["ColumnDef"]) for c in coldeflist])
        out: exp.Lateral | exp.Table
        if node.get("lateral"):
            out = exp.Lateral(this=call, alias=alias)
        else:
            out = exp.Table(this=call, alias=alias)
        if node.get("ordinality"):
            out.set("ordinality", True)
        return out

    def column_def(self, col: Node) -> exp.ColumnDef:
        if col.get("constraints") or col.get("collClause") or col.get("is_not_null") or \
                col.get("raw_default") is not None:
            raise Unlowerable("ColumnDef")  # constraints in a column definition list
        return exp.ColumnDef(this=ident(need(col.get("colname"), "ColumnDef")),
                             kind=datatype(need(col.get("typeName"), "ColumnDef")))

    def returning(self, clause: Node | None) -> exp.Returning | None:
        if clause is None:
            return None
        if clause.get("options"):
            raise Unlowerable("ReturningClause")  # RETURNING WITH (OLD/NEW)
        return exp.Returning(expressions=[self.target(t["ResTarget"]) for t in clause.get("exprs") or ()])

    def insert(self, node: Node) -> exp.Expression:
        if node.get("override", "OVERRIDING_NOT_SET") != "OVERRIDING_NOT_SET":
            raise Unlowerable("InsertStmt")  # OVERRIDING
        table: exp.Expression = self.range_var(need(node.get("relation"), "InsertStmt"))
        cols = node.get("cols")
        if cols:
            names = []
            for item in cols:
                col = item["ResTarget"]
                if col.get("indirection"):
                    raise Unlowerable("ResTarget")  # indirection in an INSERT column list
                names.append(ident(col.get("name")))
            table = exp.Schema(this=table, expressions=names)
        args: dict[str, Any] = {"this": table}
        source = node.get("selectStmt")
        if source is None:
            args["default"] = True
        else:
            select = source.get("SelectStmt")
            if select is None:
                raise Unlowerable("InsertStmt")  # the parser always gives a SelectStmt (VALUES is one too)
            args["expression"] = self.select(select)
        if node.get("onConflictClause") is not None:
            args["conflict"] = self.on_conflict(node["onConflictClause"])
        returning = self.returning(node.get("returningClause"))
        if returning is not None:
            args["returning"] = returning
        if node.get("withClause") is not None:
            args["with_"] = self.with_(node["withClause"])
        return exp.Insert(**args)

    def on_conflict(self, oc: Node) -> exp.OnConflict:
        args: dict[str, Any] = {"duplicate": False}
        infer = oc.get("infer")
        if infer is not None:
            if infer.get("conname"):
                args["constraint"] = ident(infer["conname"])
            else:
                keys = []
                for item in infer.get("indexElems") or ():
                    elem = item["IndexElem"]
                    if (elem.get("collation") or elem.get("opclass") or elem.get("indexcolname")
                            or elem.get("ordering", "SORTBY_DEFAULT") != "SORTBY_DEFAULT"
                            or elem.get("nulls_ordering", "SORTBY_NULLS_DEFAULT") != "SORTBY_NULLS_DEFAULT"):
                        raise Unlowerable("IndexElem")  # collation / opclass in ON CONFLICT
                    name = elem.get("name")
                    key = exp.column(ident(name)) if name else wrap(self.expr(elem.get("expr")), P_ATOM)
                    keys.append(exp.Ordered(this=key, nulls_first=False))
                args["conflict_keys"] = keys
                if infer.get("whereClause") is not None:
                    args["index_predicate"] = exp.Where(this=self.expr(infer["whereClause"]))
        if oc.get("action") == "ONCONFLICT_NOTHING":
            args["action"] = exp.Var(this="DO NOTHING")
        else:
            args["action"] = exp.Var(this="DO UPDATE")
            args["expressions"] = self.set_list(oc.get("targetList") or ())
            if oc.get("whereClause") is not None:
                args["where"] = exp.Where(this=self.expr(oc["whereClause"]))
        return exp.OnConflict(**args)

    def set_list(self, targets: Sequence[Node]) -> list[exp.Expression]:
        """SET items (wrapped `ResTarget`s)."""
        out: list[exp.Expression] = []
        pending: list[exp.Expression] = []
        for item in targets:
            t = item["ResTarget"]
            val = t.get("val") or {}
            multi = val.get("MultiAssignRef")
            if multi is not None:
                # SET (a, b) = (...): one ResTarget per column, all sharing the source.
                if t.get("indirection"):
                    raise Unlowerable("MultiAssignRef")  # subscripted target
                pending.append(exp.column(ident(need(t.get("name"), "ResTarget"))))
                if multi.get("colno", 0) == multi.get("ncolumns", 0):
                    out.append(exp.EQ(this=exp.Tuple(expressions=pending), expression=self.multi_source(multi)))
                    pending = []
                continue
            column: exp.Expression = exp.column(ident(need(t.get("name"), "ResTarget")))
            if t.get("indirection"):
                column = apply_indirection(self, column, t["indirection"], target=True)
            out.append(exp.EQ(this=column, expression=self.expr(t.get("val"))))
        return out

    def multi_source(self, multi: Node) -> exp.Expression:
        """The right side of `SET (a, b) = ...`: a sub-select or a row."""
        source = multi.get("source") or {}
        sublink, row_expr = source.get("SubLink"), source.get("RowExpr")
        if sublink is not None and sublink.get("subLinkType") in ("MULTIEXPR_SUBLINK", "EXPR_SUBLINK"):
            return exp.Subquery(this=self.statement(need(sublink.get("subselect"), "SubLink")))
        if row_expr is not None:
            value = row(self, row_expr)
            explicit = row_expr.get("row_format", "COERCE_EXPLICIT_CALL") == "COERCE_EXPLICIT_CALL"
            if not isinstance(value, exp.Tuple) and not explicit:
                value = exp.Tuple(expressions=[value])
            return value
        raise Unlowerable("MultiAssignRef")  # a source other than a sub-select or ROW(...)

    def update(self, node: Node) -> exp.Expression:
        out = exp.Update(this=self.range_var(need(node.get("relation"), "UpdateStmt")),
                         expressions=self.set_list(node.get("targetList") or ()))
        self.from_clause(out, node.get("fromClause"), "from_")
        joins = out.args.get("joins")
        if joins:
            # sqlglot's shape for UPDATE ... FROM a JOIN b: the joins hang on the first FROM item.
            first = out.args["from_"].this
            if "joins" not in first.arg_types:
                raise Unlowerable("UpdateStmt")  # UPDATE ... FROM whose first item cannot carry joins
            out.set("joins", None)
            first.set("joins", joins)
        if node.get("whereClause") is not None:
            out.set("where", exp.Where(this=self.expr(node["whereClause"])))
        out.set("returning", self.returning(node.get("returningClause")))
        if node.get("withClause") is not None:
            out.set("with_", self.with_(node["withClause"]))
        return out

    def delete(self, node: Node) -> exp.Expression:
        out = exp.Delete(this=self.range_var(need(node.get("relation"), "DeleteStmt")))
        using_clause = node.get("usingClause")
        if using_clause:
            using = []
            for item in using_clause:
                head, joins = self.join_tree(item)
                if joins:
                    raise Unlowerable("DeleteStmt")  # joins in DELETE ... USING
                using.append(head)
            out.set("using", using)
        if node.get("whereClause") is not None:
            out.set("where", exp.Where(this=self.expr(node["whereClause"])))
        out.set("returning", self.returning(node.get("returningClause")))
        if node.get("withClause") is not None:
            out.set("with_", self.with_(node["withClause"]))
        return out

    # -- clauses -------------------------------------------------------------------------------

    def sort_by(self, s: Node) -> exp.Ordered:
        sort = s["SortBy"]
        direction = sort.get("sortby_dir", "SORTBY_DEFAULT")
        nulls = sort.get("sortby_nulls", "SORTBY_NULLS_DEFAULT")
        args: dict[str, Any] = {"this": self.expr(sort.get("node"))}
        desc = direction == "SORTBY_DESC"
        if direction in ("SORTBY_ASC", "SORTBY_DESC"):
            args["desc"] = desc
        if nulls == "SORTBY_NULLS_FIRST":
            args["nulls_first"] = True
        elif nulls == "SORTBY_NULLS_LAST":
            args["nulls_first"] = False
        else:
            args["nulls_first"] = desc
        out = exp.Ordered(**args)
        if nulls != "SORTBY_NULLS_DEFAULT":
            # sqlglot omits NULLS FIRST/LAST when it is the default; PostgreSQL keeps the spelling.
            out.meta["pg_nulls"] = "FIRST" if nulls == "SORTBY_NULLS_FIRST" else "LAST"
        if direction == "SORTBY_USING":
            # The IR has no place for the operator: a printer that does not know it would drop it.
            raise Unlowerable("SortBy")  # ORDER BY ... USING operator
        return out

    def window(self, w: Node, *, named: bool = False, func: exp.Expression | None = None) -> exp.Window:
        args: dict[str, Any] = {}
        name, refname = w.get("name"), w.get("refname")
        partition, order = w.get("partitionClause"), w.get("orderClause")
        if func is not None:
            args["this"] = func
            args["over"] = "OVER"
            if name and not (partition or order or refname):
                args["alias"] = ident(name)
                return exp.Window(**args)
        elif named:
            args["this"] = ident(need(name, "WindowDef"))
        if refname:
            if partition:
                raise Unlowerable("WindowDef")  # PARTITION BY after an existing window name
            args["alias"] = ident(refname)
        if partition:
            args["partition_by"] = self.exprs(partition)
        if order:
            args["order"] = exp.Order(expressions=[self.sort_by(s) for s in order])
        spec = self.frame(w)
        if spec is not None:
            args["spec"] = spec
        return exp.Window(**args)

    def frame(self, w: Node) -> exp.WindowSpec | None:
        opts: int = w.get("frameOptions", 0)
        if not opts & enums.FRAMEOPTION_NONDEFAULT:
            return None
        if opts & (enums.FRAMEOPTION_EXCLUDE_CURRENT_ROW | enums.FRAMEOPTION_EXCLUDE_GROUP
                   | enums.FRAMEOPTION_EXCLUDE_TIES):
            raise Unlowerable("WindowDef")  # frame EXCLUDE
        if opts & enums.FRAMEOPTION_ROWS:
            kind = "ROWS"
        elif opts & enums.FRAMEOPTION_RANGE:
            kind = "RANGE"
        else:
            kind = "GROUPS"
        args: dict[str, Any] = {"kind": kind}

        def bound(bits: tuple[int, int, int, int], offset: Node | None) -> tuple[Any, str | None]:
            unbounded_preceding, unbounded_following, current_row, offset_preceding = bits
            if opts & unbounded_preceding:
                return "UNBOUNDED", "PRECEDING"
            if opts & unbounded_following:
                return "UNBOUNDED", "FOLLOWING"
            if opts & current_row:
                return "CURRENT ROW", None
            if opts & offset_preceding:
                return self.expr(offset), "PRECEDING"
            return self.expr(offset), "FOLLOWING"

        args["start"], side = bound(_START_BITS, w.get("startOffset"))
        if side:
            args["start_side"] = side
        if opts & enums.FRAMEOPTION_BETWEEN:
            args["end"], side = bound(_END_BITS, w.get("endOffset"))
            if side:
                args["end_side"] = side
        return exp.WindowSpec(**args)


# The frame start's and end's bits: unbounded preceding, unbounded following, current row, offset
# preceding (else offset following).
_START_BITS = (enums.FRAMEOPTION_START_UNBOUNDED_PRECEDING, enums.FRAMEOPTION_START_UNBOUNDED_FOLLOWING,
               enums.FRAMEOPTION_START_CURRENT_ROW, enums.FRAMEOPTION_START_OFFSET_PRECEDING)
_END_BITS = (enums.FRAMEOPTION_END_UNBOUNDED_PRECEDING, enums.FRAMEOPTION_END_UNBOUNDED_FOLLOWING,
             enums.FRAMEOPTION_END_CURRENT_ROW, enums.FRAMEOPTION_END_OFFSET_PRECEDING)
