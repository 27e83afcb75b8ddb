"""SQLite target: native ALTERs where SQLite has them (ADD COLUMN, RENAME COLUMN / TABLE, indexes),
everything else by SQLite's documented table rebuild (https://sqlite.org/lang_altertable.html#otheralter):
create the new shape under a temporary name, copy the rows, drop the old table, rename, recreate
indexes and triggers; the engine runs it with foreign keys off in one transaction and checks
`PRAGMA foreign_key_check` before committing.

Index names are per schema in SQLite but per table in MySQL: an index keeps its MySQL name unless
another table has one of that name; then it is `<table>__<index>` (the notes map one to the other).
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from cozelite.migrate import ops
from cozelite.migrate.model import Column, Index, MigrationError, MySQLType, Table
from cozelite.migrate.target import (
    NOTES,
    Step,
    Target,
    alter,
    check_constraint,
    checks_for,
    col_ref,
    create_index,
    drop_index,
    drop_table,
    fk_constraint,
    ident,
    implicit_default,
    literal_default,
    note_column,
    note_indexes,
    notes_ddl,
    notes_replace,
    notes_rows,
    read_notes,
    rename_table,
    table_ref,
)
from cozelite.migrate.typemap import collation_rule, rule
from providers.db.catalog import CatalogSession

_REBUILD_PREFIX = "_cozelite_new_"


class SQLiteTarget(Target):
    engine = "sqlite"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.physical: dict[tuple[str, str], str] = {}  # (table, index) lower -> SQLite index name
        self.foreign_triggers: dict[str, list[str]] = {}  # table lower -> trigger SQL not made by us
        # a planned step rebuilds or drops a table a foreign key references: with foreign keys on, its
        # DROP TABLE would delete the rows (cascading to the children), so the file runs with them off
        self.needs_keys_off = False

    # -- reading the database --------------------------------------------------------------------

    def load(self, session: CatalogSession) -> None:
        notes = read_notes(session)
        for name in session.tables():
            cat = session.describe(name)
            note = notes.get(name, {})
            tnote = note.get("", {})
            logical = {phys: log for log, phys in (tnote.get("physical") or {}).items()}
            t = Table(name=name, comment=tnote.get("comment"), collation=tnote.get("collation"))
            for c in cat.columns:
                col = note_column(note.get(c.name)) or Column(c.name, _guess_type(c.declared))
                col.name = c.name
                col.nullable = c.nullable
                col.auto_increment = c.identity
                t.columns.append(col)
            t.primary_key = list(cat.primary_key)
            for idx in cat.indexes:
                if idx.primary:
                    continue
                log = logical.get(idx.name, idx.name)
                t.indexes.append(Index(log, idx.unique, list(idx.columns)))
                self.physical[(name.lower(), log.lower())] = idx.name
            note_indexes(t, tnote)
            ours = {self._trigger_name(name, c.name).lower() for c in t.columns}
            self.foreign_triggers[name.lower()] = [sql for trig, sql in cat.triggers
                                                   if trig.lower() not in ours and "__on_update" not in trig]
            self.schema[name.lower()] = t

    def setup(self) -> list[Step]:
        return [self.step(notes_ddl("TEXT"), internal=True)]

    def notes_steps(self) -> list[Step]:
        rows: list[tuple[str, str, str]] = []
        for _, t in sorted(self.schema.items()):
            phys = {i.name: self.physical[(t.name.lower(), i.name.lower())] for i in t.indexes
                    if (t.name.lower(), i.name.lower()) in self.physical}
            rows += notes_rows(t, {"physical": phys})
        return [self.step(s, internal=True) for s in notes_replace(rows)]

    def _referenced(self, name: str) -> bool:
        return any(fk.ref_table.lower() == name.lower() for t in self.schema.values() for fk in t.foreign_keys)

    # -- names -----------------------------------------------------------------------------------

    @staticmethod
    def _trigger_name(table: str, column: str) -> str:
        return f"{table}__{column}__on_update"

    def _index_phys(self, table: str, index: str) -> str:
        taken = {v.lower() for k, v in self.physical.items() if k != (table.lower(), index.lower())}
        taken |= {t.lower() for t in self.schema}
        name = index if index.lower() not in taken else f"{table}__{index}"
        n = 2
        while name.lower() in taken:
            name, n = f"{table}__{index}_{n}", n + 1
        self.physical[(table.lower(), index.lower())] = name
        return name

    # -- definitions -----------------------------------------------------------------------------

    def column_def(self, col: Column, table: Table) -> exp.ColumnDef:
        r = rule(col.type.name)
        assert r is not None
        cons: list[exp.Expression] = []
        if col.generated is not None:
            # SQLite has both kinds; its ADD COLUMN cannot add a STORED one (the ALTER rebuilds)
            value = self.translate_expr(col.generated, table, condition=False, what=f"generated column {col.name!r}")
            if col.type.name == "DECIMAL" and len(col.type.params) == 2:
                # MySQL rounds a value to the column's scale when it stores it; SQLite's NUMERIC does not
                value = exp.Round(this=value, decimals=exp.Literal.number(col.type.params[1]))
            cons.append(exp.ComputedColumnConstraint(this=value, persisted=col.stored))
        if col.auto_increment:
            if [c.lower() for c in table.primary_key] != [col.name.lower()]:
                raise MigrationError(f"SQLite: AUTO_INCREMENT column {col.name!r} of {table.name!r} must be the "
                                     "whole primary key (SQLite's AUTOINCREMENT is its INTEGER PRIMARY KEY)")
            cons += [exp.PrimaryKeyColumnConstraint(), exp.AutoIncrementColumnConstraint()]
            kind = exp.DataType.build("INTEGER")
        elif r.sqlite == "INTEGER" and [c.lower() for c in table.primary_key] == [col.name.lower()]:
            # "INTEGER PRIMARY KEY" would alias the rowid and number rows MySQL refuses (no value
            # given); "INT" has the same INTEGER affinity without the alias.
            kind = exp.DataType(this=exp.DataType.Type.USERDEFINED, kind="INT")
        else:
            kind = exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=r.sqlite)
        if not col.nullable and not col.auto_increment:
            cons.append(exp.NotNullColumnConstraint())
        default = literal_default(col)
        if default is not None:
            cons.append(exp.DefaultColumnConstraint(this=default))
        coll = collation_rule(col.collation)
        if col.collation and coll is None:
            raise MigrationError(f"column {col.name!r}: collation {col.collation} has no documented mapping")
        if coll is not None and coll.sqlite:
            cons.append(exp.CollateColumnConstraint(this=exp.Var(this=coll.sqlite)))
        for _, cond in checks_for(col, "sqlite"):
            cons.append(exp.CheckColumnConstraint(this=cond))
        if col.check is not None:
            cons.append(exp.CheckColumnConstraint(this=self.translate_expr(
                col.check, table, condition=True, what=f"CHECK of column {col.name!r}")))
        return exp.ColumnDef(this=ident(col.name), kind=kind, constraints=[exp.ColumnConstraint(kind=c) for c in cons])

    def create_table(self, t: Table, physical_name: str) -> exp.Create:
        items: list[exp.Expression] = [self.column_def(c, t) for c in t.columns]
        if t.primary_key and not any(c.auto_increment for c in t.columns):
            items.append(exp.PrimaryKey(expressions=[ident(c) for c in t.primary_key]))
        for chk in t.checks:
            items.append(check_constraint(chk.name, self.translate_expr(chk.expr, t, condition=True,
                                                                        what=f"CHECK {chk.name!r}")))
        # foreign keys live in the table's definition (SQLite has no ADD CONSTRAINT: a change rebuilds);
        # the provider's connections run with foreign_keys=ON, so the app gets them enforced
        items += [fk_constraint(fk) for fk in t.foreign_keys]
        return exp.Create(this=exp.Schema(this=table_ref(physical_name), expressions=items), kind="TABLE")

    def index_step(self, t: Table, idx: Index) -> list[Step]:
        if idx.fulltext:
            return []
        return [self.step(create_index(t.name, self._index_phys(t.name, idx.name), idx.columns, idx.unique))]

    def trigger_steps(self, t: Table) -> list[Step]:
        out = []
        for c in t.columns:
            if not c.on_update_now:
                continue
            tn, cn, trig = self.name(t.name), self.name(c.name), self.name(self._trigger_name(t.name, c.name))
            # MySQL sets the column on an update that does not set it itself.
            out.append(Step(f"CREATE TRIGGER {trig} AFTER UPDATE ON {tn} FOR EACH ROW WHEN NEW.{cn} IS OLD.{cn} "
                            f"BEGIN UPDATE {tn} SET {cn} = CURRENT_TIMESTAMP WHERE rowid = NEW.rowid; END"))
        out += [Step(sql) for sql in self.foreign_triggers.get(t.name.lower(), [])]
        return out

    # -- operations ------------------------------------------------------------------------------

    def plan(self, op: ops.Op) -> list[Step]:
        if isinstance(op, ops.ForeignKeyChecks):
            # a deferred key stays in the CREATE's REFERENCES (SQLite checks a missing parent on DML
            # only): nothing to run, the model and the notes hold it from the start
            return self.foreign_key_checks(op.on, "here")
        if isinstance(op, ops.CreateTable):
            return self._create(op)
        if isinstance(op, ops.DropTable):
            return self._drop(op)
        if isinstance(op, ops.AlterTable):
            return self._alter(op)
        if isinstance(op, ops.Truncate):
            out = []
            for name in op.tables:
                t = self.table(name)
                ops.check_not_referenced(self.schema, t.name, [t.name], "truncate")
                out.append(self.step(exp.Delete(this=table_ref(t.name))))
                if any(c.auto_increment for c in t.columns):  # MySQL's TRUNCATE restarts AUTO_INCREMENT
                    out.append(self.step(_delete_sequence(t.name)))
            return out
        if isinstance(op, ops.Data):
            return [self.step(op.tree)]
        return []

    def _create(self, op: ops.CreateTable) -> list[Step]:
        if op.table.name.lower() in self.schema:
            if op.if_not_exists:
                return []
            raise MigrationError(f"table {op.table.name!r} already exists")
        t = op.table.copy()
        for key in op.keys:
            ops.apply_action(t, key)
        ops.check_table(t)
        ops.check_references(self.schema, t, defer=self.defer_key)
        out = [self.step(self.create_table(t, t.name))]
        self.schema[t.name.lower()] = t
        for idx in t.indexes:
            out += self.index_step(t, idx)
        out += self.trigger_steps(t)
        if t.auto_increment_start and any(c.auto_increment for c in t.columns):
            out.append(self.step(exp.Insert(
                this=exp.Schema(this=table_ref("sqlite_sequence"), expressions=[ident("name"), ident("seq")]),
                expression=exp.Values(expressions=[exp.Tuple(expressions=[
                    exp.Literal.string(t.name), exp.Literal.number(t.auto_increment_start - 1)])]))))
        return out

    def _drop(self, op: ops.DropTable) -> list[Step]:
        out = []
        for name in op.names:
            t = self.schema.get(name.lower())
            if t is None:
                if op.if_exists:
                    continue
                raise MigrationError(f"table {name!r} does not exist")
            ops.check_not_referenced(self.schema, t.name, op.names, "drop")
            self.needs_keys_off |= self._referenced(t.name)
            out.append(self.step(drop_table(t.name)))
            for key in [k for k in self.physical if k[0] == t.name.lower()]:
                del self.physical[key]
            del self.schema[t.name.lower()]
        return out

    def _alter(self, op: ops.AlterTable) -> list[Step]:
        before = self.table(op.table)
        ops.check_referenced_types(self.schema, before, op.actions)
        after = before.copy()
        source: dict[str, str | None] = {c.name: c.name for c in before.columns}
        native: list[tuple[ops.Action, Table]] = []
        rebuild = False
        for action in op.actions:
            state = after.copy()
            ops.apply_action(after, action)
            if isinstance(action, ops.AddColumn):
                source[action.column.name] = None
                c = action.column
                rebuild |= bool(c.auto_increment or (not c.nullable and c.default is None and c.generated is None)
                                or (c.default is not None and c.default.kind == "now") or c.on_update_now
                                or (c.generated is not None and c.stored))
                rebuild |= after.columns[-1] is not c  # FIRST / AFTER: a native ADD COLUMN appends
            elif isinstance(action, ops.DropColumn):
                source = {k: v for k, v in source.items() if k.lower() != action.name.lower()}
                rebuild = True
            elif isinstance(action, ops.ModifyColumn):
                old = next(k for k in source if k.lower() == action.old_name.lower())
                source[action.column.name] = source.pop(old)
                rebuild = True
            elif isinstance(action, ops.RenameColumn):
                old = next(k for k in source if k.lower() == action.old.lower())
                source[action.new] = source.pop(old)
            elif isinstance(action, (ops.SetDefault, ops.AddPrimaryKey, ops.DropPrimaryKey, ops.AddForeignKey,
                                     ops.DropForeignKey, ops.AddCheck, ops.DropCheck, ops.DropConstraint)):
                rebuild = True
            native.append((action, state))
        ops.check_table(after)
        if after.name.lower() != before.name.lower() and after.name.lower() in self.schema:
            raise MigrationError(f"table {after.name!r} already exists")
        others = {k: v for k, v in self.schema.items() if v is not before}
        ops.check_references({**others, after.name.lower(): after}, after, defer=self.defer_key)
        # columns renamed through a rebuild: children's REFERENCES text still names the old column
        renamed = {old.lower(): new for new, old in source.items() if old is not None and old != new}
        stale = [t for t in self.schema.values() if rebuild and t is not before and any(
            fk.ref_table.lower() == before.name.lower() and any(c.lower() in renamed for c in fk.ref_columns)
            for fk in t.foreign_keys)]
        if rebuild:
            out = self._rebuild(before, after, source)
        else:
            out = []
            for action, state in native:
                out += self._native(action, state, after)
        ops.follow_parent(self.schema, before.name, after.name, renamed)
        for child in stale:
            out += self._rebuild(child, child, {c.name: c.name for c in child.columns})
        ai = next((c for c in after.columns if c.auto_increment), None)
        for action in op.actions:  # after a rebuild too: it carries the old counter over first
            if isinstance(action, ops.AutoIncrement) and ai is not None:
                out.append(self.step(_delete_sequence(after.name)))
                out.append(self.step(exp.Insert(
                    this=exp.Schema(this=table_ref("sqlite_sequence"), expressions=[ident("name"), ident("seq")]),
                    expression=exp.select(exp.Literal.string(after.name), exp.Greatest(
                        this=exp.Literal.number(action.value - 1),
                        expressions=[exp.func("COALESCE", exp.Max(this=col_ref(ai.name)), exp.Literal.number(0))]))
                    .from_(table_ref(after.name)))))
        del self.schema[before.name.lower()]
        self.schema[after.name.lower()] = after
        return out

    def _native(self, action: ops.Action, state: Table, after: Table) -> list[Step]:
        name = state.name
        if isinstance(action, ops.AddColumn):
            return [self.step(alter(name, self.column_def(action.column, after)))]
        if isinstance(action, ops.RenameColumn):
            return [self.step(alter(name, exp.RenameColumn(this=col_ref(action.old), to=col_ref(action.new))))]
        if isinstance(action, ops.AddIndex):
            out = self.index_step(state, action.index)
            for gone in state.indexes:  # an index InnoDB made for a foreign key, replaced by this one
                if gone.implicit and after.index(gone.name) is None:
                    phys = self.physical.pop((name.lower(), gone.name.lower()), None)
                    if phys is not None:
                        out.append(self.step(drop_index(phys)))
            return out
        if isinstance(action, ops.DropIndex):
            idx = state.index(action.name)
            assert idx is not None
            phys = self.physical.pop((name.lower(), idx.name.lower()), None)
            return [] if idx.fulltext or phys is None else [self.step(drop_index(phys))]
        if isinstance(action, ops.RenameIndex):
            idx = state.index(action.old)
            assert idx is not None
            phys = self.physical.pop((name.lower(), idx.name.lower()), None)
            if idx.fulltext or phys is None:
                return []
            # SQLite has no ALTER INDEX ... RENAME: the index is made again under its new name.
            renamed = Index(action.new, idx.unique, idx.columns)
            return [self.step(drop_index(phys)), *self.index_step(state, renamed)]
        if isinstance(action, ops.Rename):
            for key in [k for k in self.physical if k[0] == name.lower()]:
                self.physical[(action.new.lower(), key[1])] = self.physical.pop(key)
            return [self.step(rename_table(name, action.new))]
        return []  # comments, ignored options: notes only

    def _rebuild(self, before: Table, after: Table, source: dict[str, str | None]) -> list[Step]:
        self.needs_keys_off |= self._referenced(before.name)
        tmp = _REBUILD_PREFIX + after.name
        out = [self.step(self.create_table(after, tmp))]
        cols: list[str] = []
        values: list[exp.Expression] = []
        for c in after.columns:
            if c.generated is not None:
                continue  # computed again by the new table
            old = source.get(c.name)
            if old is not None:
                cols.append(c.name)
                values.append(col_ref(old))
            elif not c.nullable and c.default is None and not c.auto_increment:
                cols.append(c.name)
                values.append(implicit_default(c))
        if cols:
            out.append(self.step(exp.Insert(
                this=exp.Schema(this=table_ref(tmp), expressions=[ident(c) for c in cols]),
                expression=exp.select(*values).from_(table_ref(before.name)))))
        if any(c.auto_increment for c in after.columns) and any(c.auto_increment for c in before.columns):
            # DROP TABLE forgets the AUTOINCREMENT counter: carry it over (MySQL keeps it).
            out.append(self.step(_delete_sequence(tmp)))
            out.append(self.step(exp.Insert(
                this=exp.Schema(this=table_ref("sqlite_sequence"), expressions=[ident("name"), ident("seq")]),
                expression=exp.select(exp.Literal.string(tmp), col_ref("seq")).from_(table_ref("sqlite_sequence"))
                .where(exp.EQ(this=col_ref("name"), expression=exp.Literal.string(before.name))))))
        out.append(self.step(drop_table(before.name)))
        out.append(self.step(rename_table(tmp, after.name)))
        for key in [k for k in self.physical if k[0] == before.name.lower()]:
            del self.physical[key]
        self.schema.pop(before.name.lower(), None)  # its index names are free again
        for idx in after.indexes:
            out += self.index_step(after, idx)
        out += self.trigger_steps(after)
        self.schema[before.name.lower()] = before  # _alter moves it
        return out


def _delete_sequence(table: str) -> exp.Delete:
    return exp.Delete(this=table_ref("sqlite_sequence"),
                      where=exp.Where(this=exp.EQ(this=col_ref("name"), expression=exp.Literal.string(table))))


def _guess_type(declared: str) -> MySQLType:
    """A column without notes (made outside the migrations): its MySQL type from SQLite's declared one."""
    head = declared.split("(", 1)[0].strip().upper() or "TEXT"
    guess = {"INTEGER": "BIGINT", "INT": "INT", "REAL": "DOUBLE", "NUMERIC": "DECIMAL", "BLOB": "BLOB"}.get(head)
    if guess is None:
        guess = head if rule(head) is not None else "TEXT"
    return MySQLType(guess, (65, 30) if guess == "DECIMAL" else ())


__all__ = ["NOTES", "SQLiteTarget"]
