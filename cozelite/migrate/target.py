"""What every target engine's planner shares: IR builders for the statements, printing through the
target parser's native printer, the side table of schema notes, and the planner interface.

Statements are sqlglot trees printed by `parser_for(target_uri).render(tree)`. The few statements
sqlglot has no node for (PostgreSQL identity changes, CREATE COLLATION, trigger functions,
RENAME CONSTRAINT; SQLite triggers) are fixed templates whose every name is printed by the same
printer (`Target.name`): no user text reaches them unquoted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from cozelite.migrate import ops
from cozelite.migrate.model import (
    Column,
    ForeignKey,
    Index,
    MigrationError,
    Table,
    column_from_json,
    column_to_json,
    constraints_from_json,
    constraints_to_json,
)
from cozelite.migrate.typemap import rule
from providers.db.catalog import CatalogSession
from sqlparser import SQLParser
from sqlparser.errors import SQLParserError

NOTES = "_cozelite_schema_notes"


@dataclass
class Step:
    sql: str
    internal: bool = False  # bookkeeping (notes): `plan` shows it only when asked


def ident(name: str) -> exp.Identifier:
    return exp.Identifier(this=name, quoted=True)


def table_ref(name: str) -> exp.Table:
    return exp.Table(this=ident(name))


def col_ref(name: str) -> exp.Column:
    return exp.Column(this=ident(name))


def alter(table: str, *actions: exp.Expression) -> exp.Alter:
    return exp.Alter(this=table_ref(table), kind="TABLE", actions=list(actions))


def create_index(table: str, name: str, columns: list[str], unique: bool) -> exp.Create:
    return exp.Create(this=exp.Index(this=ident(name), table=table_ref(table),
                                     params=exp.IndexParameters(columns=[col_ref(c) for c in columns])),
                      kind="INDEX", unique=unique)


def drop_index(name: str) -> exp.Drop:
    return exp.Drop(tables=[table_ref(name)], kind="INDEX")


def drop_table(name: str) -> exp.Drop:
    return exp.Drop(tables=[table_ref(name)], kind="TABLE")


def rename_table(old: str, new: str) -> exp.Alter:
    return alter(old, exp.AlterRename(this=table_ref(new)))


def literal_default(col: Column) -> exp.Expression | None:
    d = col.default
    if d is None:
        return None
    if d.kind in ("string", "json"):  # an empty JSON object / array as its text ('{}', '[]')
        return exp.Literal.string(d.value)
    if d.kind == "number":
        return exp.Literal.number(d.value)
    if d.kind == "now":
        return exp.CurrentTimestamp()
    raise MigrationError(f"column {col.name!r}: DEFAULT ({d.value}) (an expression) is not translated")


def implicit_default(col: Column) -> exp.Expression:
    """The value MySQL gives existing rows for a new NOT NULL column without a default."""
    r = rule(col.type.name)
    family = r.family if r else "string"
    if col.type.name == "ENUM" and col.type.values:
        return exp.Literal.string(col.type.values[0])
    if family in ("int", "decimal", "float"):
        return exp.Literal.number(0)
    if family == "string":
        return exp.Literal.string("")
    raise MigrationError(f"column {col.name!r}: a NOT NULL {col.type.sql()} column without DEFAULT cannot be added "
                         "to a table with rows (give it a DEFAULT)")


# MySQL's integer ranges, and the ones the target's own type already enforces: a CHECK covers the gap
# (SQLite's INTEGER is 64-bit; PostgreSQL holds TINYINT in SMALLINT, INT UNSIGNED in BIGINT).
INT_RANGES: dict[tuple[str, bool], tuple[int, int | None]] = {
    ("TINYINT", False): (-128, 127), ("TINYINT", True): (0, 255),
    ("SMALLINT", False): (-32768, 32767), ("SMALLINT", True): (0, 65535),
    ("MEDIUMINT", False): (-8388608, 8388607), ("MEDIUMINT", True): (0, 16777215),
    ("INT", False): (-2147483648, 2147483647), ("INT", True): (0, 4294967295),
    ("BIGINT", True): (0, None),
}
_PG_NATIVE: dict[tuple[str, bool], tuple[int, int | None]] = {
    ("SMALLINT", False): (-32768, 32767), ("INT", False): (-2147483648, 2147483647)}
NATIVE_RANGES: dict[str, dict[tuple[str, bool], tuple[int, int | None]]] = {"sqlite": {}, "postgres": _PG_NATIVE}


def checks_for(col: Column, engine: str) -> list[tuple[str, exp.Expression]]:
    """(name suffix, condition) of the CHECKs that stand in for what the engine's type lacks."""
    c = col_ref(col.name)
    out: list[tuple[str, exp.Expression]] = []
    bounds = INT_RANGES.get((col.type.name, col.type.unsigned))
    native = NATIVE_RANGES[engine].get((col.type.name, col.type.unsigned))
    if bounds is not None and bounds != native:
        lo, hi = bounds
        cond: exp.Expression = exp.GTE(this=c.copy(), expression=exp.Literal.number(lo))
        if hi is not None and (native is None or native[1] != hi):
            cond = exp.Between(this=c.copy(), low=exp.Literal.number(lo), high=exp.Literal.number(hi))
        out.append(("range", cond))
    elif col.type.unsigned and bounds is None:
        out.append(("unsigned", exp.GTE(this=c.copy(), expression=exp.Literal.number(0))))
    if col.type.name == "ENUM" and col.type.values:
        out.append(("enum", exp.In(this=c.copy(), expressions=[exp.Literal.string(v) for v in col.type.values])))
    if engine == "sqlite":
        # SQLite keeps 'abc' in an INTEGER column as text; MySQL refuses it (a number-looking text
        # is converted by the column's affinity before the CHECK sees it, as MySQL converts it)
        r = rule(col.type.name)
        family = r.family if r is not None else ""
        kinds = {"int": ("integer",), "decimal": ("integer", "real"), "float": ("integer", "real")}.get(family)
        if kinds is not None:
            out.append(("type", exp.In(this=exp.Anonymous(this="typeof", expressions=[c.copy()]),
                                       expressions=[exp.Literal.string(k) for k in (*kinds, "null")])))
        if col.type.name in ("VARCHAR", "CHAR") and col.type.params:
            out.append(("len", exp.LTE(this=exp.Length(this=c.copy()),
                                       expression=exp.Literal.number(col.type.params[0]))))
        if col.type.name == "JSON":
            out.append(("json", exp.Anonymous(this="json_valid", expressions=[c.copy()])))
        # dates are text in SQLite: the CHECK refuses what MySQL refuses ('2024-02-31', 'soon')
        fn = {"DATE": "date", "DATETIME": "datetime", "TIMESTAMP": "datetime", "TIME": "time"}.get(col.type.name)
        if fn is not None:
            valid = exp.Not(this=exp.Is(this=exp.Anonymous(this=fn, expressions=[c.copy()]), expression=exp.null()))
            out.append(("date", exp.Or(this=valid, expression=exp.Is(this=c.copy(), expression=exp.null()))))
    return out


def fk_constraint(fk: ForeignKey) -> exp.Constraint:
    """CONSTRAINT name FOREIGN KEY (...) REFERENCES t (...) [ON DELETE a] [ON UPDATE a]; RESTRICT, InnoDB's
    default, is printed (SQLite's and PostgreSQL's default NO ACTION checks at the statement's end)."""
    options = [f"ON DELETE {fk.on_delete}", f"ON UPDATE {fk.on_update}"]
    return exp.Constraint(this=ident(fk.name), expressions=[exp.ForeignKey(
        expressions=[ident(c) for c in fk.columns],
        reference=exp.Reference(this=exp.Schema(this=table_ref(fk.ref_table), expressions=[ident(c) for c in
                                                                                           fk.ref_columns]),
                                options=options))])


def check_constraint(name: str, cond: exp.Expression) -> exp.Constraint:
    return exp.Constraint(this=ident(name), expressions=[exp.CheckColumnConstraint(this=cond)])


class Target:
    """One target engine's planner. Subclasses turn each operation into statements and keep the
    logical schema (`schema`) up to date as they go."""

    engine = ""

    def __init__(self, parser: SQLParser, schema: ops.Schema) -> None:
        self.parser = parser
        self.schema = schema
        # SET FOREIGN_KEY_CHECKS=0 within a file: a key whose parent does not exist yet is deferred
        # (name -> the statement that made it) and checked when checks come back on or the file ends
        self.fk_checks = True
        self.checks_were_off = False  # SQLite: the file runs with foreign keys off (data in any order)
        self.deferred: dict[str, str] = {}
        self.statement = ""  # "file:line: text" of the statement being planned (the engine sets it)

    # -- FOREIGN_KEY_CHECKS ----------------------------------------------------------------------

    def defer_key(self, table: Table, fk: ForeignKey) -> bool:
        """ops.check_references' `defer`: whether a key whose parent is missing waits (checks off)."""
        if self.fk_checks:
            return False
        self.deferred.setdefault(fk.name.lower(), self.statement)
        return True

    def is_deferred(self, fk: ForeignKey) -> bool:
        return fk.name.lower() in self.deferred

    def foreign_key_checks(self, on: bool, why: str) -> list[Step]:
        """Checks turned on (`why`: where) or off; on: every deferred key is checked now and made."""
        out = self.resolve_deferred(why) if on and not self.fk_checks else []
        self.fk_checks = on
        self.checks_were_off |= not on
        return out

    def end_of_file(self, file: str) -> list[Step]:
        """What the file's end needs: checks come back on (they are per session, and the session ends)."""
        return [] if self.fk_checks else self.foreign_key_checks(True, f"at the end of {file}")

    def resolve_deferred(self, why: str) -> list[Step]:
        """Check the deferred keys (a dropped one is gone) and any key whose parent is missing (a
        deferred `<table>_ibfk_<n>` renamed with its table), as check_references does; the steps that
        make the deferred ones."""
        out: list[Step] = []
        pending, self.deferred = self.deferred, {}
        for owner in list(self.schema.values()):
            for fk in list(owner.foreign_keys):
                name, parent = fk.name.lower(), fk.ref_table.lower()
                if name not in pending and (parent in self.schema or parent == owner.name.lower()):
                    continue
                try:
                    ops.check_references(self.schema, owner, only={name})
                except MigrationError as err:
                    made = pending.get(name, "a statement")
                    raise MigrationError(f"{err}: FOREIGN_KEY_CHECKS came back on {why}, and the key was made by "
                                         f"{made} while checks were off: the referenced table must exist by then") \
                        from err
                if name in pending:
                    out += self.deferred_key_steps(owner, fk)
        return out

    def deferred_key_steps(self, table: Table, fk: ForeignKey) -> list[Step]:
        """The statements that make a deferred key (targets that left it out of the CREATE)."""
        return []

    # -- printing --------------------------------------------------------------------------------

    def render(self, tree: exp.Expression) -> str:
        return self.parser.render(tree, quote_names=True)

    def name(self, text: str) -> str:
        """A name quoted by the target's printer (for the fixed templates)."""
        return self.render(exp.Column(this=ident(text)))

    def step(self, tree: exp.Expression, *, internal: bool = False) -> Step:
        return Step(self.render(tree), internal)

    def translate_expr(self, text: str, table: Table, *, condition: bool, what: str) -> exp.Expression:
        """A CHECK condition or a generated column's expression (MySQL text) as the target's IR, through
        the compiler's translate() with the table's MySQL types (division, implicit casts resolve by
        them); what has no faithful translation is refused with the construct's name."""
        quoted = "`" + table.name.replace("`", "``") + "`"
        sql = f"SELECT 1 FROM {quoted} WHERE {text}" if condition else f"SELECT {text} FROM {quoted}"
        schema = {table.name: {c.name: c.type.sql() for c in table.columns}}
        try:
            tree = self.parser.compile(self.parser.translate(sql, read="mysql", schema=schema)).tree
        except SQLParserError as err:
            raise MigrationError(f"{what} ({text}) does not translate to {self.engine}: {err}") from err
        if tree is None:
            raise MigrationError(f"{what} ({text}): the translation has no tree")
        if condition:
            where = tree.args.get("where")
            assert where is not None
            return where.this
        node = tree.expressions[0]
        return node.this if isinstance(node, exp.Alias) else node

    # -- schema ----------------------------------------------------------------------------------

    def table(self, name: str) -> Table:
        t = self.schema.get(name.lower())
        if t is None:
            raise MigrationError(f"table {name!r} does not exist")
        return t

    def table_collation(self, name: str) -> str | None:
        t = self.schema.get(name.lower())
        return t.collation if t else None

    def plan(self, op: ops.Op) -> list[Step]:
        raise NotImplementedError

    def setup(self) -> list[Step]:
        """Statements that create the engine's bookkeeping tables (idempotent)."""
        return []

    def notes_steps(self) -> list[Step]:
        """Statements that write the notes of the whole schema (engines that need notes)."""
        return []

    def load(self, session: CatalogSession) -> None:
        raise NotImplementedError


# -- notes: the side table (SQLite and PostgreSQL) ---------------------------------------------

def notes_ddl(text_type: str) -> exp.Create:
    cols = [exp.ColumnDef(this=ident(n), kind=exp.DataType.build(text_type),
                          constraints=[exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())])
            for n in ("tbl", "col", "body")]
    return exp.Create(this=exp.Schema(this=table_ref(NOTES), expressions=[
        *cols, exp.PrimaryKey(expressions=[ident("tbl"), ident("col")])]), kind="TABLE", exists=True)


def table_note(t: Table, extra: dict[str, Any]) -> str:
    return json.dumps({"comment": t.comment, "collation": t.collation,
                       "indexes": [[i.name, i.unique, i.columns, i.fulltext, i.implicit] for i in t.indexes],
                       **constraints_to_json(t), **extra}, sort_keys=True)


def note_indexes(t: Table, tnote: dict[str, Any]) -> None:
    """The FULLTEXT indexes (only in the notes) and which indexes InnoDB would have made for a foreign key."""
    implicit = set()
    for entry in tnote.get("indexes") or []:
        if entry[3]:  # FULLTEXT: only in the notes
            t.indexes.append(Index(entry[0], entry[1], list(entry[2]), fulltext=True))
        if len(entry) > 4 and entry[4]:
            implicit.add(str(entry[0]).lower())
    for i in t.indexes:
        i.implicit = i.name.lower() in implicit
    constraints_from_json(t, tnote)


def notes_rows(t: Table, extra: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = [(t.name, "", table_note(t, extra))]
    rows += [(t.name, c.name, json.dumps(column_to_json(c), sort_keys=True)) for c in t.columns]
    return rows


def notes_replace(rows: list[tuple[str, str, str]]) -> list[exp.Expression]:
    """Statements that replace every note by `rows` (the whole schema's, written once per file)."""
    out: list[exp.Expression] = [exp.Delete(this=table_ref(NOTES))]
    for start in range(0, len(rows), 200):
        out.append(exp.Insert(this=exp.Schema(this=table_ref(NOTES), expressions=[ident("tbl"), ident("col"),
                                                                                   ident("body")]),
                              expression=exp.Values(expressions=[exp.Tuple(expressions=[exp.Literal.string(v)
                                                                                         for v in r])
                                                                 for r in rows[start:start + 200]])))
    return out


def read_notes(session: CatalogSession) -> dict[str, dict[str, Any]]:
    """tbl -> {"": table note, col: column note} (empty when the side table does not exist)."""
    if NOTES not in session.tables(internal=True):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for tbl, col, body in session.query(f"SELECT tbl, col, body FROM {NOTES}"):
        out.setdefault(str(tbl), {})[str(col)] = json.loads(body)
    return out


def note_column(note: dict[str, Any] | None) -> Column | None:
    return None if note is None else column_from_json(note)
