"""SQLite DDL -> IR: CREATE TABLE / INDEX / VIEW, column definitions and constraints, DROP,
ALTER TABLE. The statement dispatch lives in `lower.py`."""

from __future__ import annotations

from antlr4 import ParserRuleContext
from antlr4.tree.Tree import TerminalNode
from sqlglot import exp

from dialects.sqlite._generated.SQLiteParser import SQLiteParser as P
from dialects.sqlite.leaves import data_type, identifier, literal, table_ref
from dialects.sqlite.lower_expressions import ExpressionLowerer
from sqlparser.ir import Unlowerable


class DDLLowerer(ExpressionLowerer):
    """Lowers the DDL statements; `lower.Lowerer` adds queries and DML."""

    def create_table(self, ctx: P.Create_tableContext) -> exp.Create:
        table = table_ref(ctx.qualified_name())
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
                raise Unlowerable("table option " + " ".join(c.getText() for c in option.children).upper())
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
                    raise Unlowerable("CONSTRAINT name without a constraint")
                name = identifier(item.name())
                continue
            built = self.column_constraint(item)
            if name is not None:
                built[0].set("this", name)
                name = None
            constraints.extend(built)
        if name is not None:
            raise Unlowerable("CONSTRAINT name without a constraint")
        if type_ctx is not None:
            words = [w.getText().upper() for w in type_ctx.type_word()]
            # `a INT GENERATED ALWAYS AS (...)`: the greedy type loop swallowed GENERATED ALWAYS.
            if len(words) >= 2 and words[-2:] == ["GENERATED", "ALWAYS"] and constraints \
                    and isinstance(constraints[0].args.get("kind"), exp.ComputedColumnConstraint):
                raise Unlowerable("GENERATED ALWAYS after a type name")
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
                value = literal(signed.literal())
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
                raise Unlowerable("PRIMARY KEY ASC")
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
                    raise Unlowerable(f"generated column storage {word}")
                kind.set("persisted", word == "STORED")
        elif first == P.REFERENCES:
            kind = self.reference(ctx.foreign_key_clause())
        else:
            raise Unlowerable("column constraint " + ctx.start.text.upper())
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
            raise Unlowerable("ON CONFLICT clause in a constraint")

    def _table_constraints(self, ctx: P.Create_tableContext) -> list[exp.Expression]:
        # `CONSTRAINT name` names the constraint right after it; a comma in between drops the name
        # (SQLite resets it at every comma), so such a name has no constraint to go with.
        out: list[exp.Expression] = []
        name: exp.Identifier | None = None
        for child in ctx.children:
            if isinstance(child, TerminalNode):
                if child.symbol.type == P.COMMA and name is not None:
                    raise Unlowerable("CONSTRAINT name without a constraint")
                continue
            if type(child) is not P.Table_constraintContext:
                continue
            if child.start.type == P.CONSTRAINT:
                if name is not None:
                    raise Unlowerable("CONSTRAINT name without a constraint")
                name = identifier(child.name())
                continue
            built = self.table_constraint(child)
            if name is not None:
                built = exp.Constraint(this=name, expressions=[built])
                name = None
            out.append(built)
        if name is not None:
            raise Unlowerable("CONSTRAINT name without a constraint")
        return out

    def table_constraint(self, ctx: P.Table_constraintContext) -> exp.Expression:
        first = ctx.start.type
        if ctx.conflict_clause() is not None or ctx.AUTOINCREMENT() is not None:
            raise Unlowerable("ON CONFLICT or AUTOINCREMENT in a table constraint")
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
            raise Unlowerable("ordered key column")
        value = self.expr(ctx.expr())
        if isinstance(value, exp.Column) and not value.table:
            name: exp.Expression = value.this
            return name
        raise Unlowerable("expression in a key")

    def create_index(self, ctx: P.Create_indexContext) -> exp.Create:
        name = table_ref(ctx.qualified_name())
        index = exp.Index(this=name.this, table=exp.Table(this=identifier(ctx.name())))
        params = exp.IndexParameters(columns=[self.ordering_term(t) for t in ctx.ordering_term()])
        if ctx.expr() is not None:
            params.set("where", exp.Where(this=self.expr(ctx.expr())))
        index.set("params", params)
        if name.args.get("db") is not None:
            raise Unlowerable("schema-qualified index name")
        return exp.Create(this=index, kind="INDEX", unique=ctx.UNIQUE() is not None,
                          exists=ctx.if_not_exists() is not None)

    def create_view(self, ctx: P.Create_viewContext) -> exp.Create:
        table: exp.Expression = table_ref(ctx.qualified_name())
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
        return exp.Drop(tables=[table_ref(ctx.qualified_name())], kind=kind, exists=ctx.EXISTS() is not None)

    def alter_table_stmt(self, ctx: P.Alter_table_stmtContext) -> exp.Alter:
        table = table_ref(ctx.qualified_name())
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
            raise Unlowerable("ALTER TABLE " + " ".join(c.getText().upper() for c in ctx.children[3:5]))
        return exp.Alter(this=table, kind="TABLE", actions=[action])

