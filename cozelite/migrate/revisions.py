"""The revisions table: one row per applied file (name, sha256 checksum, when, how many statements),
written in the file's own transaction where the engine has transactional DDL."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from sqlglot import exp

from cozelite.migrate.target import ident, table_ref
from providers.db.catalog import CatalogSession
from sqlparser import SQLParser

TABLE = "_cozelite_migrations"


@dataclass(frozen=True)
class Revision:
    file: str
    checksum: str
    applied_at: str
    statements: int


def create_sql(parser: SQLParser, engine: str) -> str:
    text = "VARCHAR(255)" if engine == "mysql" else "TEXT"
    cols = [exp.ColumnDef(this=ident(n), kind=exp.DataType.build(t, dialect="mysql"),
                          constraints=[exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())])
            for n, t in (("file", text), ("checksum", "VARCHAR(64)"), ("applied_at", "VARCHAR(32)"),
                         ("statements", "INT"))]
    tree = exp.Create(this=exp.Schema(this=table_ref(TABLE), expressions=[
        *cols, exp.PrimaryKey(expressions=[ident("file")])]), kind="TABLE", exists=True)
    return parser.render(tree, quote_names=True)


def insert_sql(parser: SQLParser, file: str, checksum: str, statements: int) -> str:
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    tree = exp.Insert(this=exp.Schema(this=table_ref(TABLE), expressions=[
        ident("file"), ident("checksum"), ident("applied_at"), ident("statements")]),
        expression=exp.Values(expressions=[exp.Tuple(expressions=[
            exp.Literal.string(file), exp.Literal.string(checksum), exp.Literal.string(now),
            exp.Literal.number(statements)])]))
    return parser.render(tree, quote_names=True)


def read(session: CatalogSession) -> dict[str, Revision]:
    if TABLE not in session.tables(internal=True):
        return {}
    rows = session.query(f"SELECT file, checksum, applied_at, statements FROM {TABLE} ORDER BY file")
    return {str(r[0]): Revision(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows}
