"""Lower pglast's AST (PostgreSQL's own parse tree) into the IR (sqlglot expressions): statements
and their clauses. Expressions are lowered in `lower_expressions.py`.

The shapes follow what sqlglot's `read="postgres"` parser builds, so the shared passes and printers
work unchanged. Anything without a faithful IR form raises `Unlowerable` naming the pglast node;
the front end turns that into an unlowered `Statement`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from pglast import ast, enums
from sqlglot import exp

from dialects.postgres.names import ident
from dialects.postgres.precedence import P_ATOM, wrap
from sqlparser.ir import Unlowerable
from tests.postgres.pglast_oracle.lower_expressions import ExpressionLowerer, apply_indirection, row
from tests.postgres.pglast_oracle.nodes import need
from tests.postgres.pglast_oracle.type_names import datatype


class Lowerer(ExpressionLowerer):
    """One statement's lowering."""

    # -- statements ----------------------------------------------------------------------------

    def statement(self, node: Any) -> exp.Expression:
        if isinstance(node, ast.SelectStmt):
            return self.select(node)
        if isinstance(node, ast.InsertStmt):
            return self.insert(node)
        if isinstance(node, ast.UpdateStmt):
            return self.update(node)
        if isinstance(node, ast.DeleteStmt):
            return self.delete(node)
        raise Unlowerable(type(node).__name__)

    def with_(self, node: ast.WithClause | None) -> exp.With | None:
        if node is None:
            return None
        ctes = []
        for cte in node.ctes or ():
            if cte.search_clause or cte.cycle_clause:
                raise Unlowerable("CTESearchClause" if cte.search_clause else "CTECycleClause")
            alias = exp.TableAlias(this=ident(cte.ctename))
            if cte.aliascolnames:
                alias.set("columns", [ident(c.sval) for c in cte.aliascolnames])
            args: dict[str, Any] = {"this": self.statement(cte.ctequery), "alias": alias}
            mat = cte.ctematerialized
            if mat == enums.CTEMaterialize.CTEMaterializeAlways:
                args["materialized"] = True
            elif mat == enums.CTEMaterialize.CTEMaterializeNever:
                args["materialized"] = False
            ctes.append(exp.CTE(**args))
        return exp.With(expressions=ctes, recursive=bool(node.recursive))

    def select(self, node: ast.SelectStmt) -> exp.Expression:
        if node.op != enums.SetOperation.SETOP_NONE:
            query = self.set_operation(node)
        elif node.valuesLists:
            query = exp.Values(expressions=[exp.Tuple(expressions=self.exprs(row)) for row in node.valuesLists])
        else:
            query = exp.Select(expressions=[self.target(t) for t in node.targetList or ()])
            if node.distinctClause is not None:
                on = [d for d in node.distinctClause if d is not None]
                query.set("distinct", exp.Distinct(on=exp.Tuple(expressions=self.exprs(on))) if on
                          else exp.Distinct())
            self.from_clause(query, node.fromClause, "from_")
            if node.whereClause is not None:
                query.set("where", exp.Where(this=self.expr(node.whereClause)))
            if node.groupClause:
                if node.groupDistinct:
                    raise Unlowerable("GroupClause")  # GROUP BY DISTINCT
                query.set("group", exp.Group(expressions=self.exprs(node.groupClause)))
            if node.havingClause is not None:
                query.set("having", exp.Having(this=self.expr(node.havingClause)))
            if node.windowClause:
                query.set("windows", [self.window(w, named=True) for w in node.windowClause])
            if node.intoClause is not None:
                query.set("into", self.into(node.intoClause))
        if node.valuesLists and (node.sortClause or node.limitCount or node.limitOffset or node.lockingClause):
            raise Unlowerable("SelectStmt")  # VALUES with ORDER BY / LIMIT / FOR UPDATE
        if node.sortClause:
            query.set("order", exp.Order(expressions=[self.sort_by(s) for s in node.sortClause]))
        self.limit(query, node)
        if node.lockingClause:
            if not isinstance(query, exp.Select):
                raise Unlowerable("LockingClause")  # on a set operation
            query.set("locks", [self.lock(lc) for lc in node.lockingClause])
        if node.withClause is not None:
            query.set("with_", self.with_(node.withClause))
        return query

    def into(self, clause: ast.IntoClause) -> exp.Into:
        if clause.colNames or clause.options or clause.tableSpaceName or clause.accessMethod or clause.viewQuery:
            raise Unlowerable("IntoClause")  # column names or storage options
        if clause.onCommit != enums.OnCommitAction.ONCOMMIT_NOOP:
            raise Unlowerable("IntoClause")  # ON COMMIT
        rel = need(clause.rel, clause)
        persistence = rel.relpersistence
        return exp.Into(this=self.range_var(rel), temporary=persistence == "t", unlogged=persistence == "u")

    def limit(self, query: exp.Expression, node: ast.SelectStmt) -> None:
        option = node.limitOption
        if option == enums.LimitOption.LIMIT_OPTION_WITH_TIES:
            query.set("limit", exp.Fetch(
                direction="FIRST", count=self.expr(node.limitCount),
                limit_options=exp.LimitOptions(percent=False, rows=True, with_ties=True)))
        elif node.limitCount is not None:
            query.set("limit", exp.Limit(expression=self.expr(node.limitCount)))
        if node.limitOffset is not None:
            query.set("offset", exp.Offset(expression=self.expr(node.limitOffset)))

    def lock(self, lc: ast.LockingClause) -> exp.Lock:
        strength = lc.strength
        if strength == enums.LockClauseStrength.LCS_FORUPDATE:
            update = True
        elif strength == enums.LockClauseStrength.LCS_FORSHARE:
            update = False
        else:
            raise Unlowerable("LockingClause")  # FOR NO KEY UPDATE / FOR KEY SHARE
        wait: Any = None
        if lc.waitPolicy == enums.LockWaitPolicy.LockWaitError:
            wait = True
        elif lc.waitPolicy == enums.LockWaitPolicy.LockWaitSkip:
            wait = False
        args: dict[str, Any] = {"update": update}
        if wait is not None:
            args["wait"] = wait
        if lc.lockedRels:
            args["expressions"] = [self.range_var(r) for r in lc.lockedRels]
        return exp.Lock(**args)

    _SETOPS: ClassVar[dict[Any, tuple[type[exp.Expression], int]]] = {
        enums.SetOperation.SETOP_UNION: (exp.Union, 1),
        enums.SetOperation.SETOP_EXCEPT: (exp.Except, 1),
        enums.SetOperation.SETOP_INTERSECT: (exp.Intersect, 2),
    }

    def set_operation(self, node: ast.SelectStmt) -> exp.Expression:
        cls, level = self._SETOPS[node.op]

        def arm(child: ast.SelectStmt, right: bool) -> exp.Expression:
            lowered = self.select(child)
            child_level = self._SETOPS[child.op][1] if child.op != enums.SetOperation.SETOP_NONE else 99
            decorated = bool(child.sortClause or child.limitCount or child.limitOffset or child.withClause
                             or child.lockingClause)
            if decorated or child_level < level or (right and child_level == level):
                return exp.Subquery(this=lowered)
            return lowered

        return cls(this=arm(need(node.larg, node), False), expression=arm(need(node.rarg, node), True),
                   distinct=not node.all)

    def target(self, t: ast.ResTarget) -> exp.Expression:
        if t.indirection:
            raise Unlowerable("ResTarget")  # indirection
        value = self.expr(t.val)
        if t.name is not None:
            return exp.Alias(this=value, alias=ident(t.name))
        return value

    def from_clause(self, query: exp.Expression, items: Sequence[Any] | None, key: str) -> None:
        if not items:
            return
        first, joins = self.join_tree(items[0])
        for item in items[1:]:
            head, more = self.join_tree(item)
            joins.append(exp.Join(this=head))
            joins.extend(more)
        query.set(key, exp.From(this=first))
        if joins:
            query.set("joins", joins)

    def join_tree(self, node: Any) -> tuple[exp.Expression, list[exp.Join]]:
        if not isinstance(node, ast.JoinExpr):
            return self.from_item(node), []
        if node.join_using_alias is not None:
            raise Unlowerable("JoinExpr")  # USING (...) AS alias
        if node.alias is not None:
            return self.nested_join(node), []
        head, joins = self.join_tree(node.larg)
        right = self.nested_join(node.rarg) if isinstance(node.rarg, ast.JoinExpr) else self.from_item(node.rarg)
        args: dict[str, Any] = {"this": right}
        jt = node.jointype
        if jt == enums.JoinType.JOIN_LEFT:
            args["side"] = "LEFT"
        elif jt == enums.JoinType.JOIN_RIGHT:
            args["side"] = "RIGHT"
        elif jt == enums.JoinType.JOIN_FULL:
            args["side"] = "FULL"
        elif jt != enums.JoinType.JOIN_INNER:
            raise Unlowerable("JoinExpr")  # semi/anti joins: planner-internal join types
        if node.isNatural:
            args["method"] = "NATURAL"
        elif node.usingClause:
            args["using"] = [ident(u.sval) for u in node.usingClause]
        elif node.quals is not None:
            args["on"] = self.expr(node.quals)
        elif jt == enums.JoinType.JOIN_INNER:
            args["kind"] = "CROSS"
        joins.append(exp.Join(**args))
        return head, joins

    def nested_join(self, node: ast.JoinExpr) -> exp.Expression:
        """A parenthesized join, `(a JOIN b ON ...) [AS j]`: sqlglot hangs the joins on the first table."""
        alias = node.alias
        node.alias = None
        try:
            head, joins = self.join_tree(node)
        finally:
            node.alias = alias
        if "joins" in head.arg_types:
            head.set("joins", joins)
        else:
            raise Unlowerable("JoinExpr")  # parenthesized join starting with a subquery
        return exp.Subquery(this=head, alias=self.alias(alias))

    def alias(self, alias: ast.Alias | None) -> exp.TableAlias | None:
        if alias is None:
            return None
        out = exp.TableAlias(this=ident(need(alias.aliasname, alias)))
        if alias.colnames:
            out.set("columns", [ident(c.sval) for c in alias.colnames])
        return out

    def range_var(self, rv: ast.RangeVar) -> exp.Table:
        parts = [n for n in (rv.catalogname, rv.schemaname, rv.relname) if n]
        idents = self.names(parts, rv.location)
        args: dict[str, Any] = {"this": idents[-1]}
        if rv.schemaname:
            args["db"] = idents[-2]
        if rv.catalogname:
            args["catalog"] = idents[0]
        if not rv.inh:
            args["only"] = True
        table = exp.Table(**args)
        if rv.alias is not None:
            table.set("alias", self.alias(rv.alias))
        return table

    def from_item(self, node: Any) -> exp.Expression:
        if isinstance(node, ast.RangeVar):
            return self.range_var(node)
        if isinstance(node, ast.RangeSubselect):
            sub = exp.Subquery(this=self.statement(node.subquery))
            if node.lateral:
                return exp.Lateral(this=sub, alias=self.alias(node.alias))
            if node.alias is not None:
                sub.set("alias", self.alias(node.alias))
            return sub
        if isinstance(node, ast.RangeTableSample):
            table = self.from_item(node.relation)
            method, sample_args = need(node.method, node), need(node.args, node)
            if not isinstance(table, exp.Table) or len(method) != 1 or len(sample_args) != 1:
                raise Unlowerable("RangeTableSample")  # sampling method with several arguments
            sample = exp.TableSample(method=exp.Var(this=need(method[0].sval, method[0]).upper()),
                                     percent=self.expr(sample_args[0]))
            if node.repeatable is not None:
                sample.set("seed", self.expr(node.repeatable))
            table.set("sample", sample)
            return table
        if isinstance(node, ast.RangeFunction):
            functions = need(node.functions, node)
            if node.is_rowsfrom or len(functions) != 1:
                raise Unlowerable("RangeFunction")  # ROWS FROM
            func, coldefs = functions[0]
            if coldefs:
                raise Unlowerable("RangeFunction")  # column definition list inside ROWS FROM
            call = self.expr(func)
            alias = self.alias(node.alias)
            if node.coldeflist:
                # f(...) AS x(a int, b text): the alias names typed columns.
                if alias is None or alias.args.get("columns"):
                    raise Unlowerable("RangeFunction")  # column definition list without an alias
                alias.set("columns", [self.column_def(c) for c in node.coldeflist])
            out: exp.Lateral | exp.Table
            if node.lateral:
                out = exp.Lateral(this=call, alias=alias)
            else:
                out = exp.Table(this=call, alias=alias)
            if node.ordinality:
                out.set("ordinality", True)
            return out
        raise Unlowerable(type(node).__name__)

    def column_def(self, col: ast.ColumnDef) -> exp.ColumnDef:
        if col.constraints or col.collClause or col.is_not_null or col.raw_default is not None:
            raise Unlowerable("ColumnDef")  # constraints in a column definition list
        return exp.ColumnDef(this=ident(need(col.colname, col)), kind=datatype(need(col.typeName, col)))

    def returning(self, clause: Any) -> exp.Returning | None:
        if clause is None:
            return None
        if clause.options:
            raise Unlowerable("ReturningClause")  # RETURNING WITH (OLD/NEW)
        return exp.Returning(expressions=[self.target(t) for t in clause.exprs])

    def insert(self, node: ast.InsertStmt) -> exp.Expression:
        if node.override != enums.OverridingKind.OVERRIDING_NOT_SET:
            raise Unlowerable("InsertStmt")  # OVERRIDING
        table: exp.Expression = self.range_var(need(node.relation, node))
        if node.cols:
            cols = []
            for col in node.cols:
                if col.indirection:
                    raise Unlowerable("ResTarget")  # indirection in an INSERT column list
                cols.append(ident(col.name))
            table = exp.Schema(this=table, expressions=cols)
        args: dict[str, Any] = {"this": table}
        if node.selectStmt is None:
            args["default"] = True
        else:
            if not isinstance(node.selectStmt, ast.SelectStmt):
                raise Unlowerable("InsertStmt")  # the parser always gives a SelectStmt (VALUES is one too)
            args["expression"] = self.select(node.selectStmt)
        if node.onConflictClause is not None:
            args["conflict"] = self.on_conflict(node.onConflictClause)
        returning = self.returning(node.returningClause)
        if returning is not None:
            args["returning"] = returning
        if node.withClause is not None:
            args["with_"] = self.with_(node.withClause)
        return exp.Insert(**args)

    def on_conflict(self, oc: ast.OnConflictClause) -> exp.OnConflict:
        args: dict[str, Any] = {"duplicate": False}
        infer = oc.infer
        if infer is not None:
            if infer.conname:
                args["constraint"] = ident(infer.conname)
            else:
                keys = []
                for elem in infer.indexElems or ():
                    if elem.collation or elem.opclass or elem.ordering or elem.nulls_ordering or elem.indexcolname:
                        raise Unlowerable("IndexElem")  # collation / opclass in ON CONFLICT
                    key = exp.column(ident(elem.name)) if elem.name else wrap(self.expr(elem.expr), P_ATOM)
                    keys.append(exp.Ordered(this=key, nulls_first=False))
                args["conflict_keys"] = keys
                if infer.whereClause is not None:
                    args["index_predicate"] = exp.Where(this=self.expr(infer.whereClause))
        if oc.action == enums.OnConflictAction.ONCONFLICT_NOTHING:
            args["action"] = exp.Var(this="DO NOTHING")
        else:
            args["action"] = exp.Var(this="DO UPDATE")
            args["expressions"] = self.set_list(oc.targetList or ())
            if oc.whereClause is not None:
                args["where"] = exp.Where(this=self.expr(oc.whereClause))
        return exp.OnConflict(**args)

    def set_list(self, targets: Sequence[ast.ResTarget]) -> list[exp.Expression]:
        out: list[exp.Expression] = []
        pending: list[exp.Expression] = []
        for t in targets:
            if isinstance(t.val, ast.MultiAssignRef):
                # SET (a, b) = (...): one ResTarget per column, all sharing the source.
                if t.indirection:
                    raise Unlowerable("MultiAssignRef")  # subscripted target
                pending.append(exp.column(ident(need(t.name, t))))
                if t.val.colno == t.val.ncolumns:
                    source = t.val.source
                    if isinstance(source, ast.SubLink) and source.subLinkType in (
                            enums.SubLinkType.MULTIEXPR_SUBLINK, enums.SubLinkType.EXPR_SUBLINK):
                        value: exp.Expression = exp.Subquery(this=self.statement(source.subselect))
                    elif isinstance(source, ast.RowExpr):
                        value = row(self, source)
                        explicit = source.row_format == enums.CoercionForm.COERCE_EXPLICIT_CALL
                        if not isinstance(value, exp.Tuple) and not explicit:
                            value = exp.Tuple(expressions=[value])
                    else:
                        raise Unlowerable("MultiAssignRef")  # a source other than a sub-select or ROW(...)
                    out.append(exp.EQ(this=exp.Tuple(expressions=pending), expression=value))
                    pending = []
                continue
            column: exp.Expression = exp.column(ident(need(t.name, t)))
            if t.indirection:
                column = apply_indirection(self, column, t.indirection, target=True)
            out.append(exp.EQ(this=column, expression=self.expr(t.val)))
        return out

    def update(self, node: ast.UpdateStmt) -> exp.Expression:
        out = exp.Update(this=self.range_var(need(node.relation, node)),
                         expressions=self.set_list(node.targetList or ()))
        self.from_clause(out, node.fromClause, "from_")
        joins = out.args.get("joins")
        if joins:
            # sqlglot's shape for UPDATE ... FROM a JOIN b: the joins hang on the first FROM item.
            first = out.args["from_"].this
            if "joins" not in first.arg_types:
                raise Unlowerable("UpdateStmt")  # UPDATE ... FROM whose first item cannot carry joins
            out.set("joins", None)
            first.set("joins", joins)
        if node.whereClause is not None:
            out.set("where", exp.Where(this=self.expr(node.whereClause)))
        out.set("returning", self.returning(node.returningClause))
        if node.withClause is not None:
            out.set("with_", self.with_(node.withClause))
        return out

    def delete(self, node: ast.DeleteStmt) -> exp.Expression:
        out = exp.Delete(this=self.range_var(need(node.relation, node)))
        if node.usingClause:
            using = []
            for item in node.usingClause:
                head, joins = self.join_tree(item)
                if joins:
                    raise Unlowerable("DeleteStmt")  # joins in DELETE ... USING
                using.append(head)
            out.set("using", using)
        if node.whereClause is not None:
            out.set("where", exp.Where(this=self.expr(node.whereClause)))
        out.set("returning", self.returning(node.returningClause))
        if node.withClause is not None:
            out.set("with_", self.with_(node.withClause))
        return out

    # -- clauses -------------------------------------------------------------------------------

    def sort_by(self, s: ast.SortBy) -> exp.Ordered:
        args: dict[str, Any] = {"this": self.expr(s.node)}
        desc = s.sortby_dir == enums.SortByDir.SORTBY_DESC
        if s.sortby_dir in (enums.SortByDir.SORTBY_ASC, enums.SortByDir.SORTBY_DESC):
            args["desc"] = desc
        nulls = s.sortby_nulls
        if nulls == enums.SortByNulls.SORTBY_NULLS_FIRST:
            args["nulls_first"] = True
        elif nulls == enums.SortByNulls.SORTBY_NULLS_LAST:
            args["nulls_first"] = False
        else:
            args["nulls_first"] = desc
        out = exp.Ordered(**args)
        if nulls != enums.SortByNulls.SORTBY_NULLS_DEFAULT:
            # sqlglot omits NULLS FIRST/LAST when it is the default; PostgreSQL keeps the spelling.
            out.meta["pg_nulls"] = "FIRST" if nulls == enums.SortByNulls.SORTBY_NULLS_FIRST else "LAST"
        if s.sortby_dir == enums.SortByDir.SORTBY_USING:
            # The IR has no place for the operator: a printer that does not know it would drop it.
            raise Unlowerable("SortBy")  # ORDER BY ... USING operator
        return out

    def window(self, w: ast.WindowDef, *, named: bool = False, func: exp.Expression | None = None) -> exp.Window:
        args: dict[str, Any] = {}
        if func is not None:
            args["this"] = func
            args["over"] = "OVER"
            if w.name and not (w.partitionClause or w.orderClause or w.refname):
                args["alias"] = ident(w.name)
                return exp.Window(**args)
        elif named:
            args["this"] = ident(need(w.name, w))
        if w.refname:
            if w.partitionClause:
                raise Unlowerable("WindowDef")  # PARTITION BY after an existing window name
            args["alias"] = ident(w.refname)
        if w.partitionClause:
            args["partition_by"] = self.exprs(w.partitionClause)
        if w.orderClause:
            args["order"] = exp.Order(expressions=[self.sort_by(s) for s in w.orderClause])
        spec = self.frame(w)
        if spec is not None:
            args["spec"] = spec
        return exp.Window(**args)

    def frame(self, w: ast.WindowDef) -> exp.WindowSpec | None:
        opts = need(w.frameOptions, w)
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

        def bound(prefix: str, offset: Any) -> tuple[Any, str | None]:
            if opts & getattr(enums, f"FRAMEOPTION_{prefix}_UNBOUNDED_PRECEDING"):
                return "UNBOUNDED", "PRECEDING"
            if opts & getattr(enums, f"FRAMEOPTION_{prefix}_UNBOUNDED_FOLLOWING"):
                return "UNBOUNDED", "FOLLOWING"
            if opts & getattr(enums, f"FRAMEOPTION_{prefix}_CURRENT_ROW"):
                return "CURRENT ROW", None
            if opts & getattr(enums, f"FRAMEOPTION_{prefix}_OFFSET_PRECEDING"):
                return self.expr(offset), "PRECEDING"
            return self.expr(offset), "FOLLOWING"

        args["start"], side = bound("START", w.startOffset)
        if side:
            args["start_side"] = side
        if opts & enums.FRAMEOPTION_BETWEEN:
            args["end"], side = bound("END", w.endOffset)
            if side:
                args["end_side"] = side
        return exp.WindowSpec(**args)


