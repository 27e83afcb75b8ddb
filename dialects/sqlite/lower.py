"""Parse tree -> IR (sqlglot expression tree) for SQLite: statements, SELECT and DML.

The shapes follow what sqlglot's own `read="sqlite"` parser builds, so that the shared passes and
printers work unchanged. Expressions are lowered in `lower_expressions.py`, DDL in `lower_ddl.py`,
names/literals/types in `leaves.py`. Statements the IR cannot represent faithfully raise
`Unlowerable`; the front end turns that into a classified Statement without a tree.
"""

from __future__ import annotations

from antlr4 import ParserRuleContext
from antlr4.tree.Tree import TerminalNode
from sqlglot import exp

from dialects.sqlite._generated.SQLiteParser import SQLiteParser as P
from dialects.sqlite.leaves import identifier, table_ref
from dialects.sqlite.lower_ddl import DDLLowerer
from sqlparser.ir import Unlowerable, set_statement_modifiers


class Lowerer(DDLLowerer):
    """Walks one statement's parse tree and returns its IR. One instance per statement."""

    # -- statements ---------------------------------------------------------------------------

    def statement(self, ctx: P.Sql_stmtContext) -> exp.Expression:
        children = ctx.children
        if len(children) > 1:  # EXPLAIN (QUERY PLAN)? before the statement, its last child
            raise Unlowerable("EXPLAIN")
        body = children[-1]
        kind = type(body)
        if kind is P.Select_stmtContext:
            return self.select_stmt(body)
        if kind is P.With_stmtContext:
            return self.with_stmt(body)
        if kind is P.Insert_stmtContext:
            return self.insert_stmt(body)
        if kind is P.Update_stmtContext:
            return self.update_stmt(body)
        if kind is P.Delete_stmtContext:
            return self.delete_stmt(body)
        if kind is P.Create_stmtContext:
            return self.create_stmt(body)
        if kind is P.Drop_stmtContext:
            return self.drop_stmt(body)
        if kind is P.Alter_table_stmtContext:
            return self.alter_table_stmt(body)
        if kind is P.Truncate_stmtContext:
            return exp.TruncateTable(expressions=[table_ref(body.qualified_name())])
        raise Unlowerable(_statement_name(body))

    def with_stmt(self, ctx: P.With_stmtContext) -> exp.Expression:
        with_ = self.with_clause(ctx.with_clause())
        body = ctx.children[1]
        kind = type(body)
        if kind is P.Select_stmtContext:
            tree = self.select_stmt(body)
        elif kind is P.Insert_stmtContext:
            tree = self.insert_stmt(body)
        elif kind is P.Update_stmtContext:
            tree = self.update_stmt(body)
        else:
            tree = self.delete_stmt(body)
        tree.set("with_", with_)
        return tree

    def with_clause(self, ctx: P.With_clauseContext) -> exp.With:
        ctes = []
        for cte in ctx.common_table_expression():
            alias = exp.TableAlias(this=identifier(cte.name()))
            columns = cte.column_name_list()
            if columns is not None:
                alias.set("columns", [identifier(n) for n in columns.name()])
            node = exp.CTE(this=self.query(cte.query()), alias=alias)
            if cte.MATERIALIZED() is not None:
                node.set("materialized", cte.NOT() is None)
            ctes.append(node)
        with_ = exp.With(expressions=ctes)
        if ctx.RECURSIVE() is not None:
            with_.set("recursive", True)
        return with_

    def query(self, ctx: P.QueryContext) -> exp.Expression:
        tree = self.select_stmt(ctx.select_stmt())
        if ctx.with_clause() is not None:
            tree.set("with_", self.with_clause(ctx.with_clause()))
        return tree

    # -- SELECT -------------------------------------------------------------------------------

    def select_stmt(self, ctx: P.Select_stmtContext) -> exp.Expression:
        children = ctx.children
        tree = self.select_core(children[0])
        i = 1
        n = len(children)
        while i < n and type(children[i]) is P.Compound_operatorContext:
            op = children[i]
            right = self.select_core(children[i + 1])
            first = op.start.type
            if first == P.UNION:
                tree = exp.Union(this=tree, expression=right, distinct=op.ALL() is None)
            elif first == P.INTERSECT:
                tree = exp.Intersect(this=tree, expression=right, distinct=True)
            else:
                tree = exp.Except(this=tree, expression=right, distinct=True)
            i += 2
        for child in children[i:]:  # order_by_clause? limit_clause?
            if type(child) is P.Order_by_clauseContext:
                tree.set("order", self.order_by(child))
            else:
                self._limit(tree, child)
        return tree

    def _limit(self, tree: exp.Expression, ctx: P.Limit_clauseContext) -> None:
        if ctx.offset is None:
            tree.set("limit", exp.Limit(expression=self.expr(ctx.limit)))
        elif ctx.COMMA() is not None:
            # LIMIT <offset>, <count>
            tree.set("limit", exp.Limit(expression=self.expr(ctx.offset)))
            tree.set("offset", exp.Offset(expression=self.expr(ctx.limit)))
        else:
            tree.set("limit", exp.Limit(expression=self.expr(ctx.limit)))
            tree.set("offset", exp.Offset(expression=self.expr(ctx.offset)))

    def select_core(self, ctx: P.Select_coreContext) -> exp.Expression:
        children = ctx.children
        if type(children[0]) is P.Values_clauseContext:
            return self.values(children[0])
        # One pass over the children instead of one generated accessor (a full scan) per part.
        columns: list[exp.Expression] = []
        source = None
        windows = []
        for child in children:
            kind = type(child)
            if kind is P.Result_columnContext:
                columns.append(self.result_column(child))
            elif kind is P.From_clauseContext:
                source = child
            elif kind is P.Window_definitionContext:
                windows.append(child)
        select = exp.Select(expressions=columns)
        quantifier = children[1]  # SELECT (DISTINCT | ALL)? result_column ...
        if isinstance(quantifier, TerminalNode) and quantifier.symbol.type == P.DISTINCT:
            select.set("distinct", exp.Distinct())
        if source is not None:
            first, joins = self.from_clause(source)
            select.set("from_", exp.From(this=first))
            if joins:
                select.set("joins", joins)
        if ctx.where is not None:
            select.set("where", exp.Where(this=self.expr(ctx.where)))
        if ctx.group_by:
            select.set("group", exp.Group(expressions=[self.expr(e) for e in ctx.group_by]))
        if ctx.having is not None:
            select.set("having", exp.Having(this=self.expr(ctx.having)))
        if windows:
            select.set("windows", [self.window_definition(w) for w in windows])
        return select

    def values(self, ctx: P.Values_clauseContext) -> exp.Values:
        # VALUES row (COMMA row)*, each row OPEN_PAR expr (COMMA expr)* CLOSE_PAR
        return exp.Values(expressions=[exp.Tuple(expressions=[self.expr(e) for e in row.children[1:-1:2]])
                                       for row in ctx.children[1::2]])

    def result_column(self, ctx: P.Result_columnContext) -> exp.Expression:
        first = ctx.children[0]
        if type(first) is not P.ExprContext:  # STAR, or table DOT STAR
            if ctx.table is not None:
                return exp.Column(this=exp.Star(), table=identifier(ctx.table))
            return exp.Star()
        value = self.expr(first)
        alias = ctx.alias or ctx.alias_bare
        if alias is not None:
            return exp.Alias(this=value, alias=identifier(alias))
        return value

    def from_clause(self, ctx: P.From_clauseContext) -> tuple[exp.Expression, list[exp.Join]]:
        children = ctx.children
        first = self.table_or_subquery(children[0])
        joins: list[exp.Join] = []
        i = 1
        n = len(children)
        if n > 1 and type(children[1]) is P.Join_constraintContext:
            raise Unlowerable("ON/USING without a JOIN")
        while i < n:
            op = children[i]
            join = self._join(op, self.table_or_subquery(children[i + 1]))
            i += 2
            if i < n and type(children[i]) is P.Join_constraintContext:
                constraint = children[i]
                if constraint.ON() is not None:
                    join.set("on", self.expr(constraint.expr()))
                else:
                    join.set("using", [identifier(n) for n in constraint.column_name_list().name()])
                i += 1
            elif op.COMMA() is None and join.args.get("kind") != "CROSS" and not join.args.get("method"):
                # A bare JOIN prints as a comma in sqlglot; like sqlglot's parser, spell out ON TRUE.
                join.set("on", exp.Boolean(this=True))
            joins.append(join)
        return first, joins

    def _join(self, op: P.Join_operatorContext, table: exp.Expression) -> exp.Join:
        join = exp.Join(this=table)
        if op.COMMA() is not None:
            # A comma join stays a comma (a Join without kind prints as one). sqlglot's parser
            # makes it a CROSS JOIN, which SQLite's planner reads as "keep this table order".
            return join
        words = op.join_keyword()
        for word in words:
            kind = word.start.type
            if kind == P.NATURAL:
                join.set("method", "NATURAL")
            elif kind in (P.LEFT, P.RIGHT, P.FULL):
                join.set("side", word.start.text.upper())
            elif kind == P.INNER:
                join.set("kind", "INNER")
            elif kind == P.CROSS:
                join.set("kind", "CROSS")
            elif kind == P.OUTER:
                join.set("kind", "OUTER")
        return join

    def table_or_subquery(self, ctx: P.Table_or_subqueryContext) -> exp.Expression:
        kind = type(ctx)
        table: exp.Table | exp.Subquery
        children = ctx.children
        if kind is P.Table_refContext:
            # qualified_name table_alias? (INDEXED BY name | NOT INDEXED)?
            table = table_ref(children[0])
            if ctx.index is not None:
                table.set("indexed", exp.Table(this=identifier(ctx.index)))
            elif isinstance(children[-1], TerminalNode) and children[-1].symbol.type == P.INDEXED:
                table.set("indexed", False)
        elif kind is P.Table_function_refContext:
            table = self.table_function(ctx.qualified_name(), ctx.expr())
        elif kind is P.Subquery_refContext:
            table = exp.Subquery(this=self.query(ctx.query()))
        else:
            first, joins = self.from_clause(ctx.from_clause())
            if joins:
                first.set("joins", joins)
            table = exp.Subquery(this=first)
        alias = next((child for child in children if type(child) is P.Table_aliasContext), None)
        if alias is not None:
            # AS name | table_alias_bare: the name is the alias's last child either way
            table.set("alias", exp.TableAlias(this=identifier(alias.children[-1])))
        return table

    # -- INSERT / UPDATE / DELETE -------------------------------------------------------------

    def insert_stmt(self, ctx: P.Insert_stmtContext) -> exp.Insert:
        # (INSERT (OR conflict_action)? | REPLACE) INTO qualified_name (AS alias=name)?
        # column_name_list? (query upsert_clause* | DEFAULT VALUES) returning_clause?, read in one
        # pass over the children instead of one generated accessor (a full scan) per part.
        children = ctx.children
        name = columns = action = query = returning = None
        upserts = []
        for child in children:
            kind = type(child)
            if kind is P.Qualified_nameContext:
                name = child
            elif kind is P.Column_name_listContext:
                columns = child
            elif kind is P.Conflict_actionContext:
                action = child
            elif kind is P.QueryContext:
                query = child
            elif kind is P.Upsert_clauseContext:
                upserts.append(child)
            elif kind is P.Returning_clauseContext:
                returning = child
        table = table_ref(name)
        if ctx.alias is not None:
            table.set("alias", exp.TableAlias(this=identifier(ctx.alias)))
        target: exp.Expression = table
        if columns is not None:
            target = exp.Schema(this=table, expressions=[identifier(n) for n in columns.name()])
        insert = exp.Insert(this=target)
        if children[0].symbol.type == P.REPLACE:  # REPLACE INTO (INSERT OR REPLACE is a conflict action)
            insert.set("alternative", "REPLACE")
        elif action is not None:
            insert.set("alternative", action.start.text.upper())
        if query is None:
            insert.set("default", True)
        else:
            insert.set("expression", self.query(query))
            if len(upserts) > 1:
                raise Unlowerable("more than one ON CONFLICT clause")
            if upserts:
                insert.set("conflict", self.upsert(upserts[0]))
        if returning is not None:
            insert.set("returning", self.returning(returning))
        return insert

    def upsert(self, ctx: P.Upsert_clauseContext) -> exp.OnConflict:
        conflict = exp.OnConflict()
        keys = ctx.ordering_term()
        if keys:
            conflict.set("conflict_keys", [self.ordering_term(k) for k in keys])
            if ctx.target_where is not None:
                raise Unlowerable("ON CONFLICT (...) WHERE")
        if ctx.NOTHING() is not None:
            conflict.set("action", exp.Var(this="DO NOTHING"))
        else:
            conflict.set("action", exp.Var(this="DO UPDATE"))
            conflict.set("expressions", [self.set_item(s) for s in ctx.set_item()])
            if ctx.where is not None:
                conflict.set("where", exp.Where(this=self.expr(ctx.where)))
        return conflict

    def returning(self, ctx: P.Returning_clauseContext) -> exp.Returning:
        return exp.Returning(expressions=[self.result_column(c) for c in ctx.result_column()])

    def set_item(self, ctx: P.Set_itemContext) -> exp.Expression:
        value = self.expr(ctx.expr())
        names = ctx.column_name_list()
        if names is not None:
            target: exp.Expression = exp.Tuple(expressions=[exp.Column(this=identifier(n)) for n in names.name()])
        else:
            target = exp.Column(this=identifier(ctx.name()))
        return exp.EQ(this=target, expression=value)

    def _qualified_table(self, ctx: P.Qualified_table_nameContext) -> exp.Table:
        # qualified_name (AS alias=name)? (INDEXED BY index=name | NOT INDEXED)?
        children = ctx.children
        table = table_ref(children[0])
        if ctx.alias is not None:
            table.set("alias", exp.TableAlias(this=identifier(ctx.alias)))
        if ctx.index is not None:
            table.set("indexed", exp.Table(this=identifier(ctx.index)))
        elif isinstance(children[-1], TerminalNode) and children[-1].symbol.type == P.INDEXED:
            table.set("indexed", False)
        return table

    def update_stmt(self, ctx: P.Update_stmtContext) -> exp.Update:
        # UPDATE (OR conflict_action)? qualified_table_name SET set_item (COMMA set_item)*
        # (FROM from_clause)? (WHERE where=expr)? returning_clause?, read in one pass
        table = action = source = returning = None
        items = []
        for child in ctx.children:
            kind = type(child)
            if kind is P.Set_itemContext:
                items.append(child)
            elif kind is P.Qualified_table_nameContext:
                table = child
            elif kind is P.Conflict_actionContext:
                action = child
            elif kind is P.From_clauseContext:
                source = child
            elif kind is P.Returning_clauseContext:
                returning = child
        update = exp.Update(this=self._qualified_table(table), expressions=[self.set_item(s) for s in items])
        if action is not None:
            # sqlglot's Update has no conflict-action field: the words ride in the hint slot,
            # which every generator prints right after UPDATE (sqlparser.ir.STATEMENT_MODIFIERS).
            set_statement_modifiers(update, ("OR", action.start.text.upper()))
        if source is not None:
            first, joins = self.from_clause(source)
            if joins:
                first.set("joins", joins)
            update.set("from_", exp.From(this=first))
        if ctx.where is not None:
            update.set("where", exp.Where(this=self.expr(ctx.where)))
        if returning is not None:
            update.set("returning", self.returning(returning))
        return update

    def delete_stmt(self, ctx: P.Delete_stmtContext) -> exp.Delete:
        # DELETE FROM qualified_table_name (WHERE where=expr)? returning_clause?
        children = ctx.children
        delete = exp.Delete(this=self._qualified_table(children[2]))
        if ctx.where is not None:
            delete.set("where", exp.Where(this=self.expr(ctx.where)))
        last = children[-1]
        if type(last) is P.Returning_clauseContext:
            delete.set("returning", self.returning(last))
        return delete

    # -- DDL ----------------------------------------------------------------------------------

    def create_stmt(self, ctx: P.Create_stmtContext) -> exp.Expression:
        body = ctx.children[1]
        kind = type(body)
        if kind is P.Create_tableContext:
            return self.create_table(body)
        if kind is P.Create_indexContext:
            return self.create_index(body)
        if kind is P.Create_viewContext:
            return self.create_view(body)
        raise Unlowerable(_statement_name(body))


_STATEMENT_NAMES = {
    P.Create_triggerContext: "CREATE TRIGGER",
    P.Create_virtual_tableContext: "CREATE VIRTUAL TABLE",
    P.Analyze_stmtContext: "ANALYZE",
    P.Attach_stmtContext: "ATTACH",
    P.Detach_stmtContext: "DETACH",
    P.Begin_stmtContext: "BEGIN",
    P.Commit_stmtContext: "COMMIT",
    P.Rollback_stmtContext: "ROLLBACK",
    P.Savepoint_stmtContext: "SAVEPOINT",
    P.Release_stmtContext: "RELEASE",
    P.Pragma_stmtContext: "PRAGMA",
    P.Reindex_stmtContext: "REINDEX",
    P.Vacuum_stmtContext: "VACUUM",
}


def _statement_name(ctx: ParserRuleContext) -> str:
    return _STATEMENT_NAMES.get(type(ctx), type(ctx).__name__.removesuffix("Context").upper())

