"""The schema a database holds, printed back as MySQL CREATE TABLEs: the engine's catalog plus the
notes (MySQL types, comments, collations, index names) the targets cannot hold themselves."""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from cozelite.migrate.model import Table
from cozelite.migrate.target import check_constraint, fk_constraint, ident, table_ref
from sqlparser import SQLParser


def _mysql_type(t: Table, name: str) -> exp.DataType:
    col = t.column(name)
    assert col is not None
    return exp.DataType.build(col.type.sql(), dialect="mysql")


def create_table(t: Table, expr: Callable[[str], exp.Expression]) -> exp.Create:
    """`expr`: a kept MySQL expression text (CHECK, generated column) back to its tree."""
    items: list[exp.Expression] = []
    for c in t.columns:
        cons: list[exp.Expression] = []
        if c.generated is not None:
            cons.append(exp.ComputedColumnConstraint(this=expr(c.generated), persisted=c.stored))
        if not c.nullable:
            cons.append(exp.NotNullColumnConstraint())
        if c.default is not None:
            d = c.default
            value: exp.Expression
            if d.kind == "now":
                value = exp.CurrentTimestamp()
            elif d.kind == "number":
                value = exp.Literal.number(d.value)
            elif d.kind == "json":  # printed back as written: MySQL allows no literal default on JSON
                value = exp.Paren(this=exp.Anonymous(this="JSON_OBJECT" if d.value == "{}" else "JSON_ARRAY"))
            else:
                value = exp.Literal.string(d.value)
            cons.append(exp.DefaultColumnConstraint(this=value))
        if c.on_update_now:
            cons.append(exp.OnUpdateColumnConstraint(this=exp.CurrentTimestamp()))
        if c.auto_increment:
            cons.append(exp.AutoIncrementColumnConstraint())
        if c.collation and c.collation != t.collation:
            cons.append(exp.CollateColumnConstraint(this=exp.Var(this=c.collation)))
        if c.comment:
            cons.append(exp.CommentColumnConstraint(this=exp.Literal.string(c.comment)))
        if c.check is not None:
            cons.append(exp.CheckColumnConstraint(this=expr(c.check)))
        items.append(exp.ColumnDef(this=ident(c.name), kind=_mysql_type(t, c.name),
                                   constraints=[exp.ColumnConstraint(kind=k) for k in cons]))
    if t.primary_key:
        items.append(exp.PrimaryKey(expressions=[ident(c) for c in t.primary_key]))
    for i in t.indexes:
        cols = [exp.Column(this=ident(c)) for c in i.columns]
        if i.unique:
            items.append(exp.UniqueColumnConstraint(this=exp.Schema(this=ident(i.name), expressions=cols)))
        else:
            items.append(exp.IndexColumnConstraint(this=ident(i.name), expressions=cols,
                                                   kind="FULLTEXT" if i.fulltext else None))
    items += [check_constraint(k.name, expr(k.expr)) for k in t.checks]
    items += [fk_constraint(fk) for fk in t.foreign_keys]
    props: list[exp.Expression] = []
    if t.collation:
        props.append(exp.CollateProperty(this=exp.Var(this=t.collation)))
    if t.comment:
        props.append(exp.SchemaCommentProperty(this=exp.Literal.string(t.comment)))
    return exp.Create(this=exp.Schema(this=table_ref(t.name), expressions=items), kind="TABLE",
                      properties=exp.Properties(expressions=props) if props else None)


def schema_sql(tables: list[Table], mysql: SQLParser) -> str:
    def expr(text: str) -> exp.Expression:
        tree = mysql.compile(f"SELECT {text}").tree
        assert isinstance(tree, exp.Select)
        return tree.expressions[0]
    return "\n".join(mysql.render(create_table(t, expr), quote_names=True) + ";" for t in tables)
