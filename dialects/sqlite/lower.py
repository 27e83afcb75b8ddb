"""Parse tree -> IR (sqlglot expression tree) for SQLite.

The shapes follow what sqlglot's own `read="sqlite"` parser builds, so that the shared passes and
printers work unchanged. Where sqlglot loses information SQLite cares about (a declared column type
whose affinity would change, `?NNN` and `$name` parameters, hex literals) the builder keeps the
original spelling instead. Statements the IR cannot represent faithfully raise `_Unsupported`;
the front end turns that into a classified Statement without a tree.
"""

from __future__ import annotations

from typing import Any

from antlr4 import ParserRuleContext
from antlr4.tree.Tree import TerminalNode
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect

from dialects.sqlite._generated.SQLiteParser import SQLiteParser as P
from dialects.sqlite.functions import TYPED_FUNCTIONS

_SQLGLOT_SQLITE = SqlglotDialect.get_or_raise("sqlite")
_FUNCTIONS: dict[str, Any] = _SQLGLOT_SQLITE.parser_class.FUNCTIONS


class Unsupported(Exception):
    """The statement is valid but the IR cannot hold it faithfully; `construct` names what."""

    def __init__(self, construct: str) -> None:
        super().__init__(construct)
        self.construct = construct


# ---------------------------------------------------------------------------------------------
# Names and literals


def unquote(text: str) -> tuple[str, bool]:
    """(name, quoted) for the text of a name token: "a""b", `a`, [a], 'a' or a bare word."""
    first = text[0]
    if first == '"':
        return text[1:-1].replace('""', '"'), True
    if first == "`":
        return text[1:-1].replace("``", "`"), True
    if first == "[":
        return text[1:-1], True
    if first == "'":
        return text[1:-1].replace("''", "'"), True
    return text, False


def _identifier_from_token(token: Any) -> exp.Identifier:
    name, quoted = unquote(token.text)
    ident = exp.Identifier(this=name, quoted=quoted)
    ident._meta = {"line": token.line, "col": token.column + 1, "start": token.start, "end": token.stop}
    return ident


def identifier(ctx: ParserRuleContext) -> exp.Identifier:
    """Identifier for any name rule (name, column_word, column_alias, ...): one token underneath."""
    node = ctx
    while not isinstance(node, TerminalNode):
        node = node.children[0]
    return _identifier_from_token(node.symbol)


def _table(ctx: P.Qualified_nameContext) -> exp.Table:
    table = exp.Table(this=identifier(ctx.table))
    if ctx.schema is not None:
        table.set("db", identifier(ctx.schema))
    return table


def _literal(ctx: P.LiteralContext) -> exp.Expression:
    token = ctx.start
    kind = token.type
    text = token.text
    if kind == P.NUMERIC_LITERAL:
        return exp.Literal.number(text)
    if kind == P.STRING_LITERAL:
        return exp.Literal.string(text[1:-1].replace("''", "'"))
    if kind == P.BLOB_LITERAL:
        return exp.HexString(this=text[2:-1])
    if kind == P.NULL:
        return exp.Null()
    if kind == P.CURRENT_TIMESTAMP:
        return exp.CurrentTimestamp()
    if kind == P.CURRENT_DATE:
        return exp.CurrentDate()
    return exp.CurrentTime()


def _parameter(text: str) -> exp.Expression:
    if text == "?":
        return exp.Placeholder()
    if text[0] == ":" and text[1:].replace("_", "a").isalnum():
        return exp.Placeholder(this=text[1:])
    if text[0] == "@" and text[1:].replace("_", "a").isalnum():
        return exp.Parameter(this=exp.Var(this=text[1:]))
    # ?NNN and $name (with TCL's :: and (...) suffixes) have no sqlglot node that prints them back.
    return exp.Var(this=text)


# ---------------------------------------------------------------------------------------------
# Type names: keep SQLite's affinity


def _affinity(type_text: str) -> str:
    upper = type_text.upper()
    if "INT" in upper:
        return "INTEGER"
    if "CHAR" in upper or "CLOB" in upper or "TEXT" in upper:
        return "TEXT"
    if "BLOB" in upper or not upper.strip():
        return "BLOB"
    if "REAL" in upper or "FLOA" in upper or "DOUB" in upper:
        return "REAL"
    return "NUMERIC"


_TYPE_CACHE: dict[str, exp.DataType] = {}


def data_type(ctx: P.Type_nameContext) -> exp.DataType:
    words = ctx.type_word()
    text = " ".join(w.start.text for w in words)
    numbers = ctx.signed_number()
    if numbers:
        text += "(" + ", ".join(n.getText() for n in numbers) + ")"
    cached = _TYPE_CACHE.get(text)
    if cached is None:
        cached = _build_type(text, len(words) == 1 and words[0].start.type not in _QUOTED_WORDS)
        if len(_TYPE_CACHE) < 4096:
            _TYPE_CACHE[text] = cached
    return cached.copy()


_QUOTED_WORDS = (P.QUOTED_IDENTIFIER, P.STRING_LITERAL)


def _build_type(text: str, one_bare_word: bool) -> exp.DataType:
    # sqlglot's types only for a single bare word (INT, VARCHAR(255), ...) whose sqlglot spelling
    # keeps SQLite's column affinity; anything else keeps its words as written (sqlglot would drop
    # or rename words, e.g. NUMERIC -> REAL changes the affinity).
    if one_bare_word:
        try:
            typed = exp.DataType.build(text, dialect="sqlite")
            if typed.this != exp.DataType.Type.USERDEFINED and _affinity(typed.sql("sqlite")) == _affinity(text):
                return typed
        except Exception:  # sqlglot knows no such type: keep the word as written
            pass
    return exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=text)


# ---------------------------------------------------------------------------------------------
# The builder


class Builder:
    """Walks one statement's parse tree and returns its IR. One instance per statement."""

    # -- statements ---------------------------------------------------------------------------

    def statement(self, ctx: P.Sql_stmtContext) -> exp.Expression:
        if ctx.EXPLAIN() is not None:
            raise Unsupported("EXPLAIN")
        body = ctx.children[-1]
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
            return exp.TruncateTable(expressions=[_table(body.qualified_name())])
        raise Unsupported(_statement_name(body))

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
        order = ctx.order_by_clause()
        if order is not None:
            tree.set("order", self.order_by(order))
        limit = ctx.limit_clause()
        if limit is not None:
            self._limit(tree, limit)
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
        values = ctx.values_clause()
        if values is not None:
            return self.values(values)
        select = exp.Select(expressions=[self.result_column(c) for c in ctx.result_column()])
        if ctx.DISTINCT() is not None:
            select.set("distinct", exp.Distinct())
        source = ctx.from_clause()
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
        windows = ctx.window_definition()
        if windows:
            select.set("windows", [self.window_definition(w) for w in windows])
        return select

    def values(self, ctx: P.Values_clauseContext) -> exp.Values:
        return exp.Values(expressions=[exp.Tuple(expressions=[self.expr(e) for e in row.expr()])
                                       for row in ctx.value_row()])

    def result_column(self, ctx: P.Result_columnContext) -> exp.Expression:
        first = ctx.start.type
        if first == P.STAR and ctx.expr() is None:
            return exp.Star()
        if ctx.table is not None:
            return exp.Column(this=exp.Star(), table=identifier(ctx.table))
        value = self.expr(ctx.expr())
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
            raise Unsupported("ON/USING without a JOIN")
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
        if kind is P.Table_refContext:
            table = _table(ctx.qualified_name())
            if ctx.index is not None:
                table.set("indexed", exp.Table(this=identifier(ctx.index)))
            elif ctx.INDEXED() is not None:
                table.set("indexed", False)
        elif kind is P.Table_function_refContext:
            name = ctx.qualified_name()
            ident = identifier(name.table)
            func = exp.Anonymous(this=ident if ident.quoted else ident.name,
                                 expressions=[self.expr(e) for e in ctx.expr()])
            if name.schema is not None:
                raise Unsupported("schema-qualified table-valued function")
            table = exp.Table(this=func)
        elif kind is P.Subquery_refContext:
            table = exp.Subquery(this=self.query(ctx.query()))
        else:
            first, joins = self.from_clause(ctx.from_clause())
            if joins:
                first.set("joins", joins)
            table = exp.Subquery(this=first)
        alias = ctx.table_alias()
        if alias is not None:
            name = alias.name() if alias.AS() is not None else alias.table_alias_bare()
            table.set("alias", exp.TableAlias(this=identifier(name)))
        return table

    def order_by(self, ctx: P.Order_by_clauseContext) -> exp.Order:
        return exp.Order(expressions=[self.ordering_term(t) for t in ctx.ordering_term()])

    def ordering_term(self, ctx: P.Ordering_termContext) -> exp.Ordered:
        desc = ctx.DESC() is not None
        ordered = exp.Ordered(this=self.expr(ctx.expr()))
        if desc:
            ordered.set("desc", True)
        elif ctx.ASC() is not None:
            ordered.set("desc", False)
        if ctx.NULLS() is not None:
            ordered.set("nulls_first", ctx.FIRST() is not None)
        else:
            # SQLite sorts NULLs first ascending, last descending; sqlglot records that default.
            ordered.set("nulls_first", not desc)
        return ordered

    def window_definition(self, ctx: P.Window_definitionContext) -> exp.Window:
        window = self.window_spec(ctx.window_spec())
        window.set("this", identifier(ctx.window_name()))
        return window

    def window_spec(self, ctx: P.Window_specContext, window: exp.Window | None = None) -> exp.Window:
        if window is None:
            window = exp.Window()
        if ctx.base is not None:
            window.set("alias", identifier(ctx.base))
        if ctx.PARTITION() is not None:
            window.set("partition_by", [self.expr(e) for e in ctx.expr()])
        order = ctx.order_by_clause()
        if order is not None:
            window.set("order", self.order_by(order))
        frame = ctx.frame_spec()
        if frame is not None:
            window.set("spec", self.frame_spec(frame))
        return window

    def frame_spec(self, ctx: P.Frame_specContext) -> exp.WindowSpec:
        spec = exp.WindowSpec(kind=ctx.start.text.upper())
        bounds = ctx.frame_bound()
        start_value, start_side = self._frame_bound(bounds[0])
        spec.set("start", start_value)
        if start_side:
            spec.set("start_side", start_side)
        if len(bounds) > 1:
            end_value, end_side = self._frame_bound(bounds[1])
            spec.set("end", end_value)
            if end_side:
                spec.set("end_side", end_side)
        if ctx.EXCLUDE() is not None:
            words = [c.getText().upper() for c in ctx.children]
            exclude = " ".join(words[words.index("EXCLUDE") + 1:])
            spec.set("exclude", exp.Var(this=exclude))
        return spec

    def _frame_bound(self, ctx: P.Frame_boundContext) -> tuple[Any, str | None]:
        side = None
        if ctx.PRECEDING() is not None:
            side = "PRECEDING"
        elif ctx.FOLLOWING() is not None:
            side = "FOLLOWING"
        if ctx.UNBOUNDED() is not None and ctx.expr() is None:
            return "UNBOUNDED", side
        if ctx.CURRENT() is not None and ctx.expr() is None:
            return "CURRENT ROW", None
        return self.expr(ctx.expr()), side

    # -- INSERT / UPDATE / DELETE -------------------------------------------------------------

    def insert_stmt(self, ctx: P.Insert_stmtContext) -> exp.Insert:
        table = _table(ctx.qualified_name())
        if ctx.alias is not None:
            table.set("alias", exp.TableAlias(this=identifier(ctx.alias)))
        target: exp.Expression = table
        columns = ctx.column_name_list()
        if columns is not None:
            target = exp.Schema(this=table, expressions=[identifier(n) for n in columns.name()])
        insert = exp.Insert(this=target)
        if ctx.REPLACE() is not None and ctx.INSERT() is None:
            insert.set("alternative", "REPLACE")
        elif ctx.conflict_action() is not None:
            insert.set("alternative", ctx.conflict_action().start.text.upper())
        query = ctx.query()
        if query is None:
            insert.set("default", True)
        else:
            insert.set("expression", self.query(query))
            upserts = ctx.upsert_clause()
            if len(upserts) > 1:
                raise Unsupported("more than one ON CONFLICT clause")
            if upserts:
                insert.set("conflict", self.upsert(upserts[0]))
        returning = ctx.returning_clause()
        if returning is not None:
            insert.set("returning", self.returning(returning))
        return insert

    def upsert(self, ctx: P.Upsert_clauseContext) -> exp.OnConflict:
        conflict = exp.OnConflict()
        keys = ctx.ordering_term()
        if keys:
            conflict.set("conflict_keys", [self.ordering_term(k) for k in keys])
            if ctx.target_where is not None:
                raise Unsupported("ON CONFLICT (...) WHERE")
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
        table = _table(ctx.qualified_name())
        if ctx.alias is not None:
            table.set("alias", exp.TableAlias(this=identifier(ctx.alias)))
        if ctx.index is not None:
            table.set("indexed", exp.Table(this=identifier(ctx.index)))
        elif ctx.INDEXED() is not None:
            table.set("indexed", False)
        return table

    def update_stmt(self, ctx: P.Update_stmtContext) -> exp.Update:
        if ctx.conflict_action() is not None:
            raise Unsupported("UPDATE OR " + ctx.conflict_action().start.text.upper())
        update = exp.Update(this=self._qualified_table(ctx.qualified_table_name()),
                            expressions=[self.set_item(s) for s in ctx.set_item()])
        source = ctx.from_clause()
        if source is not None:
            first, joins = self.from_clause(source)
            if joins:
                first.set("joins", joins)
            update.set("from_", exp.From(this=first))
        if ctx.where is not None:
            update.set("where", exp.Where(this=self.expr(ctx.where)))
        returning = ctx.returning_clause()
        if returning is not None:
            update.set("returning", self.returning(returning))
        return update

    def delete_stmt(self, ctx: P.Delete_stmtContext) -> exp.Delete:
        delete = exp.Delete(this=self._qualified_table(ctx.qualified_table_name()))
        if ctx.where is not None:
            delete.set("where", exp.Where(this=self.expr(ctx.where)))
        returning = ctx.returning_clause()
        if returning is not None:
            delete.set("returning", self.returning(returning))
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
        raise Unsupported(_statement_name(body))

    def create_table(self, ctx: P.Create_tableContext) -> exp.Create:
        table = _table(ctx.qualified_name())
        create = exp.Create(kind="TABLE", exists=ctx.if_not_exists() is not None)
        properties: list[exp.Expression] = []
        if ctx.TEMP() is not None or ctx.TEMPORARY() is not None:
            properties.append(exp.TemporaryProperty())
        query = ctx.query()
        if query is not None:
            create.set("this", table)
            create.set("expression", self.query(query))
        else:
            items: list[exp.Expression] = [self.column_def(c) for c in ctx.column_def()]
            items.extend(self._table_constraints(ctx))
            create.set("this", exp.Schema(this=table, expressions=items))
            for option in ctx.table_option():
                # sqlglot has no node for WITHOUT ROWID, and its SQLite printer cannot print the
                # StrictProperty its own parser builds: neither can be lowered faithfully.
                raise Unsupported("table option " + " ".join(c.getText() for c in option.children).upper())
        if properties:
            create.set("properties", exp.Properties(expressions=properties))
        return create

    def column_def(self, ctx: P.Column_defContext) -> exp.ColumnDef:
        column = exp.ColumnDef(this=identifier(ctx.name()))
        type_ctx = ctx.type_name()
        constraints: list[exp.ColumnConstraint] = []
        name: exp.Identifier | None = None
        for item in ctx.column_constraint():
            if item.start.type == P.CONSTRAINT:
                if name is not None:
                    raise Unsupported("CONSTRAINT name without a constraint")
                name = identifier(item.name())
                continue
            built = self.column_constraint(item)
            if name is not None:
                built[0].set("this", name)
                name = None
            constraints.extend(built)
        if name is not None:
            raise Unsupported("CONSTRAINT name without a constraint")
        if type_ctx is not None:
            words = [w.getText().upper() for w in type_ctx.type_word()]
            # `a INT GENERATED ALWAYS AS (...)`: the greedy type loop swallowed GENERATED ALWAYS.
            if len(words) >= 2 and words[-2:] == ["GENERATED", "ALWAYS"] and constraints \
                    and isinstance(constraints[0].args.get("kind"), exp.ComputedColumnConstraint):
                raise Unsupported("GENERATED ALWAYS after a type name")
            column.set("kind", data_type(type_ctx))
        if constraints:
            column.set("constraints", constraints)
        return column

    def column_constraint(self, ctx: P.Column_constraintContext) -> list[exp.ColumnConstraint]:
        first = ctx.start.type
        if first == P.DEFAULT:
            if ctx.expr() is not None:
                value: exp.Expression = exp.Paren(this=self.expr(ctx.expr()))
            elif ctx.signed_literal() is not None:
                signed = ctx.signed_literal()
                value = _literal(signed.literal())
                if signed.MINUS() is not None:
                    value = exp.Neg(this=value)
            else:
                value = exp.Literal.string(identifier(ctx.id_name()).name)
            kind: exp.Expression = exp.DefaultColumnConstraint(this=value)
        elif first == P.NULL:
            self._no_conflict(ctx)
            kind = exp.NotNullColumnConstraint(allow_null=True)
        elif first == P.NOT and ctx.NULL() is not None:
            self._no_conflict(ctx)
            kind = exp.NotNullColumnConstraint()
        elif first == P.PRIMARY:
            self._no_conflict(ctx)
            kind = exp.PrimaryKeyColumnConstraint()
            if ctx.DESC() is not None:
                kind.set("desc", True)
            elif ctx.ASC() is not None:
                raise Unsupported("PRIMARY KEY ASC")
            if ctx.AUTOINCREMENT() is not None:
                return [exp.ColumnConstraint(kind=kind), exp.ColumnConstraint(kind=exp.AutoIncrementColumnConstraint())]
        elif first == P.UNIQUE:
            self._no_conflict(ctx)
            kind = exp.UniqueColumnConstraint()
        elif first == P.CHECK:
            kind = exp.CheckColumnConstraint(this=self.expr(ctx.expr()))
        elif first == P.COLLATE:
            kind = exp.CollateColumnConstraint(this=identifier(ctx.column_alias()))
        elif first in (P.GENERATED, P.AS):
            stored = ctx.id_name()
            kind = exp.ComputedColumnConstraint(this=self.expr(ctx.expr()))
            if stored is not None:
                word = stored.getText().upper()
                if word not in ("STORED", "VIRTUAL"):
                    raise Unsupported(f"generated column storage {word}")
                kind.set("persisted", word == "STORED")
        elif first == P.REFERENCES:
            kind = self.reference(ctx.foreign_key_clause())
        else:
            raise Unsupported("column constraint " + ctx.start.text.upper())
        return [exp.ColumnConstraint(kind=kind)]

    def reference(self, ctx: P.Foreign_key_clauseContext) -> exp.Reference:
        table: exp.Expression = exp.Table(this=identifier(ctx.name()))
        columns = ctx.column_name_list()
        if columns is not None:
            table = exp.Schema(this=table, expressions=[identifier(n) for n in columns.name()])
        reference = exp.Reference(this=table)
        options = [" ".join(c.getText().upper() for c in action.children) for action in ctx.foreign_key_action()]
        if ctx.deferrable_clause() is not None:
            options.append(" ".join(c.getText().upper() for c in ctx.deferrable_clause().children))
        if options:
            reference.set("options", options)
        return reference

    @staticmethod
    def _no_conflict(ctx: ParserRuleContext) -> None:
        if ctx.conflict_clause() is not None:
            raise Unsupported("ON CONFLICT clause in a constraint")

    def _table_constraints(self, ctx: P.Create_tableContext) -> list[exp.Expression]:
        # `CONSTRAINT name` names the constraint right after it; a comma in between drops the name
        # (SQLite resets it at every comma), so such a name has no constraint to go with.
        out: list[exp.Expression] = []
        name: exp.Identifier | None = None
        for child in ctx.children:
            if isinstance(child, TerminalNode):
                if child.symbol.type == P.COMMA and name is not None:
                    raise Unsupported("CONSTRAINT name without a constraint")
                continue
            if type(child) is not P.Table_constraintContext:
                continue
            if child.start.type == P.CONSTRAINT:
                if name is not None:
                    raise Unsupported("CONSTRAINT name without a constraint")
                name = identifier(child.name())
                continue
            built = self.table_constraint(child)
            if name is not None:
                built = exp.Constraint(this=name, expressions=[built])
                name = None
            out.append(built)
        if name is not None:
            raise Unsupported("CONSTRAINT name without a constraint")
        return out

    def table_constraint(self, ctx: P.Table_constraintContext) -> exp.Expression:
        first = ctx.start.type
        if ctx.conflict_clause() is not None or ctx.AUTOINCREMENT() is not None:
            raise Unsupported("ON CONFLICT or AUTOINCREMENT in a table constraint")
        if first == P.PRIMARY:
            return exp.PrimaryKey(expressions=[self._key_part(t) for t in ctx.ordering_term()])
        if first == P.UNIQUE:
            return exp.UniqueColumnConstraint(
                this=exp.Schema(expressions=[self._key_part(t) for t in ctx.ordering_term()]))
        if first == P.CHECK:
            return exp.CheckColumnConstraint(this=self.expr(ctx.expr()))
        return exp.ForeignKey(expressions=[identifier(n) for n in ctx.column_name_list().name()],
                              reference=self.reference(ctx.foreign_key_clause()))

    def _key_part(self, ctx: P.Ordering_termContext) -> exp.Expression:
        if ctx.ASC() is not None or ctx.DESC() is not None or ctx.NULLS() is not None:
            raise Unsupported("ordered key column")
        value = self.expr(ctx.expr())
        if isinstance(value, exp.Column) and not value.table:
            return value.this
        raise Unsupported("expression in a key")

    def create_index(self, ctx: P.Create_indexContext) -> exp.Create:
        name = _table(ctx.qualified_name())
        index = exp.Index(this=name.this, table=exp.Table(this=identifier(ctx.name())))
        params = exp.IndexParameters(columns=[self.ordering_term(t) for t in ctx.ordering_term()])
        if ctx.expr() is not None:
            params.set("where", exp.Where(this=self.expr(ctx.expr())))
        index.set("params", params)
        if name.args.get("db") is not None:
            raise Unsupported("schema-qualified index name")
        return exp.Create(this=index, kind="INDEX", unique=ctx.UNIQUE() is not None,
                          exists=ctx.if_not_exists() is not None)

    def create_view(self, ctx: P.Create_viewContext) -> exp.Create:
        table: exp.Expression = _table(ctx.qualified_name())
        columns = ctx.column_name_list()
        if columns is not None:
            table = exp.Schema(this=table, expressions=[identifier(n) for n in columns.name()])
        create = exp.Create(this=table, kind="VIEW", expression=self.query(ctx.query()),
                            exists=ctx.if_not_exists() is not None)
        if ctx.TEMP() is not None or ctx.TEMPORARY() is not None:
            create.set("properties", exp.Properties(expressions=[exp.TemporaryProperty()]))
        return create

    def drop_stmt(self, ctx: P.Drop_stmtContext) -> exp.Drop:
        kind = ctx.children[1].symbol.text.upper()
        return exp.Drop(tables=[_table(ctx.qualified_name())], kind=kind, exists=ctx.EXISTS() is not None)

    def alter_table_stmt(self, ctx: P.Alter_table_stmtContext) -> exp.Alter:
        table = _table(ctx.qualified_name())
        action: exp.Expression
        if ctx.new_name is not None:
            action = exp.AlterRename(this=exp.Table(this=identifier(ctx.new_name)))
        elif ctx.old_column is not None:
            action = exp.RenameColumn(this=exp.Column(this=identifier(ctx.old_column)),
                                      to=exp.Column(this=identifier(ctx.new_column)))
        elif ctx.column_def() is not None:
            action = self.column_def(ctx.column_def())
        elif ctx.DROP() is not None and ctx.CONSTRAINT() is None and ctx.ALTER(1) is None:
            action = exp.Drop(tables=[exp.Column(this=identifier(ctx.name(0)))], kind="COLUMN")
        else:
            raise Unsupported("ALTER TABLE " + " ".join(c.getText().upper() for c in ctx.children[3:5]))
        return exp.Alter(this=table, kind="TABLE", actions=[action])

    # -- expressions --------------------------------------------------------------------------

    def expr(self, ctx: ParserRuleContext) -> exp.Expression:
        return _EXPR_HANDLERS[type(ctx)](self, ctx)

    def _left(self, ctx: ParserRuleContext) -> exp.Expression:
        """The left operand of an infix or postfix operator. `a NOT IN (1)` lowers to NOT(a IN (1)),
        which prints with the NOT in front: as a left operand that NOT would swallow the operator
        (`NOT a IN (1) = x` is NOT((a IN (1)) = x)), so it is parenthesized."""
        node = self.expr(ctx)
        return exp.Paren(this=node) if isinstance(node, exp.Not) else node

    def _expr(self, ctx: P.ExprContext) -> exp.Expression:
        children = ctx.children
        if len(children) == 1:
            return self.expr(children[0])
        # operand (op operand)*: AND binds tighter than OR, both associate to the left.
        terms: list[exp.Expression] = []  # the OR operands, each an AND chain
        current = self.expr(children[0])
        for i in range(1, len(children), 2):
            operand = self.expr(children[i + 1])
            if children[i].symbol.type == P.AND:
                current = exp.And(this=current, expression=operand)
            else:
                terms.append(current)
                current = operand
        terms.append(current)
        result = terms[0]
        for term in terms[1:]:
            result = exp.Or(this=result, expression=term)
        return result

    def _literal_expr(self, ctx: P.Literal_exprContext) -> exp.Expression:
        return _literal(ctx.children[0])

    def _parameter_expr(self, ctx: P.Parameter_exprContext) -> exp.Expression:
        return _parameter(ctx.start.text)

    def _column_expr(self, ctx: P.Column_exprContext) -> exp.Expression:
        ident = identifier(ctx.children[0])
        if not ident.quoted:
            lowered = ident.name.lower()
            if lowered == "true":
                return exp.Boolean(this=True)
            if lowered == "false":
                return exp.Boolean(this=False)
        return exp.Column(this=ident)

    def _qualified_column_expr(self, ctx: P.Qualified_column_exprContext) -> exp.Expression:
        names = ctx.name()
        first = identifier(ctx.any_name())
        if len(names) == 1:
            return exp.Column(this=identifier(names[0]), table=first)
        return exp.Column(this=identifier(names[1]), table=identifier(names[0]), db=first)

    def _function_expr(self, ctx: P.Function_exprContext) -> exp.Expression:
        name_token = ctx.function_name().start
        name, quoted = unquote(name_token.text)
        args_ctx = ctx.function_args()
        args: list[exp.Expression] = []
        distinct = False
        order = None
        if args_ctx is not None:
            if args_ctx.STAR() is not None:
                args = [exp.Star()]
            else:
                args = [self.expr(e) for e in args_ctx.expr()]
                distinct = args_ctx.DISTINCT() is not None
                if args_ctx.order_by_clause() is not None:
                    order = self.order_by(args_ctx.order_by_clause())
        func = self._call(name, quoted, args, distinct, order)
        if ctx.filter_clause() is not None:
            func = exp.Filter(this=func, expression=exp.Where(this=self.expr(ctx.filter_clause().expr())))
        over = ctx.over_clause()
        if over is not None:
            window = exp.Window(this=func, over="OVER")
            if over.window_spec() is not None:
                self.window_spec(over.window_spec(), window)
            else:
                window.set("alias", identifier(over.window_name()))
            func = window
        return func

    def _call(self, name: str, quoted: bool, args: list[exp.Expression], distinct: bool,
              order: exp.Order | None) -> exp.Expression:
        if distinct:
            args = [exp.Distinct(expressions=args)]
        if order is not None:
            if len(args) != 1 and not distinct:
                # group_concat(a, ',' ORDER BY b): sqlglot has no node for an ordered call with two args.
                raise Unsupported("ORDER BY in a multi-argument aggregate call")
            args = [exp.Order(this=args[0], expressions=order.expressions)]
        builder = None if quoted or name.lower() not in TYPED_FUNCTIONS else _FUNCTIONS.get(name.upper())
        if builder is not None:
            try:
                # As sqlglot's parser does: mypyc-compiled builders have no __code__ to inspect.
                try:
                    func = builder(args)
                except TypeError:
                    func = builder(args, dialect=_SQLGLOT_SQLITE)
                if not func.error_messages(args):
                    return func
            except Exception:  # wrong arity etc.: an Anonymous call prints back as written
                pass
        # A quoted name ("my func", '') keeps its quotes, as in sqlglot's own parser.
        return exp.Anonymous(this=exp.Identifier(this=name, quoted=True) if quoted else name, expressions=args)

    def _cast_expr(self, ctx: P.Cast_exprContext) -> exp.Expression:
        type_ctx = ctx.type_name()
        if type_ctx is None:
            raise Unsupported("CAST without a type")
        to = data_type(type_ctx)
        return exp.Cast(this=self.expr(ctx.expr()), to=to)

    def _case_expr(self, ctx: P.Case_exprContext) -> exp.Expression:
        exprs = ctx.expr()
        case = exp.Case()
        start = 0
        if ctx.operand is not None:
            case.set("this", self.expr(ctx.operand))
            start = 1
        end = len(exprs) - (1 if ctx.default is not None else 0)
        ifs = []
        for i in range(start, end, 2):
            ifs.append(exp.If(this=self.expr(exprs[i]), true=self.expr(exprs[i + 1])))
        case.set("ifs", ifs)
        if ctx.default is not None:
            case.set("default", self.expr(ctx.default))
        return case

    def _exists_expr(self, ctx: P.Exists_exprContext) -> exp.Expression:
        return exp.Exists(this=self.query(ctx.query()))

    def _subquery_expr(self, ctx: P.Subquery_exprContext) -> exp.Expression:
        return exp.Subquery(this=self.query(ctx.query()))

    def _paren_expr(self, ctx: P.Paren_exprContext) -> exp.Expression:
        exprs = ctx.expr()
        if len(exprs) == 1:
            return exp.Paren(this=self.expr(exprs[0]))
        return exp.Tuple(expressions=[self.expr(e) for e in exprs])

    def _raise_expr(self, ctx: P.Raise_exprContext) -> exp.Expression:
        raise Unsupported("RAISE")

    def _unary_expr(self, ctx: P.Unary_exprContext) -> exp.Expression:
        operand = self.expr(ctx.children[1])
        op = ctx.op.type
        if op == P.MINUS:
            return exp.Neg(this=operand)
        if op == P.TILDE:
            return exp.BitwiseNot(this=operand)
        # Unary plus: sqlglot has no node for it and drops it (so do we; it only strips affinity).
        return operand

    def _collate_expr(self, ctx: P.Collate_exprContext) -> exp.Expression:
        ident = identifier(ctx.collation)
        name: exp.Expression = exp.Var(this=ident.name) if not ident.quoted else exp.Literal.string(ident.name)
        return exp.Collate(this=self._left(ctx.children[0]), expression=name)

    def _binary_expr(self, ctx: P.Binary_exprContext) -> exp.Expression:
        left = self._left(ctx.children[0])
        right = self.expr(ctx.children[2])
        node = _BINARY[ctx.op.type]
        if node is exp.DPipe:
            return exp.DPipe(this=left, expression=right, safe=True)
        if node is exp.Div:
            # SQLite divides integers as integers: sqlglot's "typed" division.
            return exp.Div(this=left, expression=right, typed=True, safe=True)
        return node(this=left, expression=right)

    def _is_expr(self, ctx: P.Is_exprContext) -> exp.Expression:
        left = self._left(ctx.children[0])
        right = self.expr(ctx.children[-1])
        negate = ctx.NOT() is not None
        if ctx.DISTINCT() is not None:
            negate = not negate
        if isinstance(right, exp.Null):
            node: exp.Expression = exp.Is(this=left, expression=right)
            return exp.Not(this=node) if negate else node
        return exp.NullSafeNEQ(this=left, expression=right) if negate else exp.NullSafeEQ(this=left, expression=right)

    def _like_expr(self, ctx: P.Like_exprContext, escape: exp.Expression | None = None) -> exp.Expression:
        values = ctx.value_expr()
        left = self._left(values[0])
        right = self.expr(values[1])
        op = ctx.op.type
        node: exp.Expression
        if op == P.LIKE:
            node = exp.Like(this=left, expression=right)
        elif op == P.GLOB:
            node = exp.Glob(this=left, expression=right)
        elif op == P.REGEXP:
            node = exp.RegexpLike(this=left, expression=right)
        else:
            node = exp.Match(this=left, expression=right)
        if escape is not None:
            node = exp.Escape(this=node, expression=escape)
        if ctx.NOT() is not None:
            if op == P.LIKE and escape is None:
                node.set("negate", True)
                return node
            return exp.Not(this=node)
        return node

    def _escape_expr(self, ctx: P.Escape_exprContext) -> exp.Expression:
        # The validator made sure the left operand is a LIKE/GLOB/REGEXP/MATCH.
        return self._like_expr(ctx.children[0], escape=self.expr(ctx.children[2]))

    def _between_expr(self, ctx: P.Between_exprContext) -> exp.Expression:
        values = ctx.value_expr()
        node = exp.Between(this=self._left(values[0]), low=self.expr(values[1]), high=self.expr(values[2]))
        return exp.Not(this=node) if ctx.NOT() is not None else node

    def _in_expr(self, ctx: P.In_exprContext) -> exp.Expression:
        left = self._left(ctx.children[0])
        target = ctx.in_target()
        node = exp.In(this=left)
        if target.qualified_name() is not None:
            name = target.qualified_name()
            if target.OPEN_PAR() is not None:
                raise Unsupported("IN table-valued function")
            column = exp.Column(this=identifier(name.table))
            if name.schema is not None:
                column.set("table", identifier(name.schema))
            node.set("field", column)
        elif target.query() is not None:
            node.set("query", exp.Subquery(this=self.query(target.query())))
        else:
            node.set("expressions", [self.expr(e) for e in target.expr()])
        return exp.Not(this=node) if ctx.NOT() is not None else node

    def _null_test_expr(self, ctx: P.Null_test_exprContext) -> exp.Expression:
        node = exp.Is(this=self._left(ctx.children[0]), expression=exp.Null())
        return node if ctx.ISNULL() is not None else exp.Not(this=node)

    def _not_expr(self, ctx: P.Not_exprContext) -> exp.Expression:
        return exp.Not(this=self.expr(ctx.children[1]))


# Expression builders by parse-tree context class (built once; `Builder.expr` dispatches on it).
_EXPR_HANDLERS = {
    P.Literal_exprContext: Builder._literal_expr,
    P.Parameter_exprContext: Builder._parameter_expr,
    P.Column_exprContext: Builder._column_expr,
    P.Qualified_column_exprContext: Builder._qualified_column_expr,
    P.Function_exprContext: Builder._function_expr,
    P.Cast_exprContext: Builder._cast_expr,
    P.Case_exprContext: Builder._case_expr,
    P.Exists_exprContext: Builder._exists_expr,
    P.Subquery_exprContext: Builder._subquery_expr,
    P.Paren_exprContext: Builder._paren_expr,
    P.Raise_exprContext: Builder._raise_expr,
    P.Unary_exprContext: Builder._unary_expr,
    P.Collate_exprContext: Builder._collate_expr,
    P.Binary_exprContext: Builder._binary_expr,
    P.Is_exprContext: Builder._is_expr,
    P.Like_exprContext: Builder._like_expr,
    P.Escape_exprContext: Builder._escape_expr,
    P.Between_exprContext: Builder._between_expr,
    P.In_exprContext: Builder._in_expr,
    P.Null_test_exprContext: Builder._null_test_expr,
    P.Not_exprContext: Builder._not_expr,
    P.ExprContext: Builder._expr,
}


_BINARY: dict[int, type[exp.Expression]] = {
    P.PIPE2: exp.DPipe,
    P.PTR: exp.JSONExtract,
    P.PTR2: exp.JSONExtractScalar,
    P.STAR: exp.Mul,
    P.DIV: exp.Div,
    P.MOD: exp.Mod,
    P.PLUS: exp.Add,
    P.MINUS: exp.Sub,
    P.AMP: exp.BitwiseAnd,
    P.PIPE: exp.BitwiseOr,
    P.LT2: exp.BitwiseLeftShift,
    P.GT2: exp.BitwiseRightShift,
    P.LT: exp.LT,
    P.LT_EQ: exp.LTE,
    P.GT: exp.GT,
    P.GT_EQ: exp.GTE,
    P.ASSIGN: exp.EQ,
    P.EQ: exp.EQ,
    P.NOT_EQ1: exp.NEQ,
    P.NOT_EQ2: exp.NEQ,
}


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
