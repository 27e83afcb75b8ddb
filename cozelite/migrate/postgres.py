"""PostgreSQL target: every MySQL ALTER action as PostgreSQL's own (ALTER COLUMN TYPE ... USING,
SET/DROP DEFAULT, SET/DROP NOT NULL, RENAME, COMMENT ON, identity columns for AUTO_INCREMENT,
a trigger for ON UPDATE CURRENT_TIMESTAMP, CHECKs for UNSIGNED and ENUM, ICU collations), and
MySQL's column order (FIRST / AFTER) by a table rebuild when appending would differ (postgres_rebuild.py).

Index names are per schema in PostgreSQL: an index keeps its MySQL name unless another table has one
of that name, then `<table>__<index>` (cut to 63 bytes with a hash); the notes map them. The
primary key is the constraint `<table>_pkey`; CHECKs are `<column>__unsigned` / `<column>__enum`
(constraint names are per table); triggers `<column>__on_update`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlglot import exp

from cozelite.migrate import ops, postgres_rebuild
from cozelite.migrate.model import Column, ForeignKey, Index, MigrationError, MySQLType, Table
from cozelite.migrate.target import (
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
from cozelite.migrate.typemap import PG_ICU_COLLATIONS, collation_rule, rule
from providers.db.catalog import CatalogSession

_MAX_NAME = 63
_ON_UPDATE_FN = "cozelite_on_update_now"


def _fit(name: str) -> str:
    if len(name.encode()) <= _MAX_NAME:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return name.encode()[:_MAX_NAME - 9].decode(errors="ignore") + "_" + digest


def pg_type(t: MySQLType) -> exp.DataType:
    r = rule(t.name)
    assert r is not None
    text = r.unsigned_postgres if t.unsigned and r.unsigned_postgres else r.postgres
    if "{n}" in text:
        if t.name in ("ENUM", "SET"):
            n = max((len(v) for v in t.values), default=1)
            if t.name == "SET":
                n = max(1, sum(len(v) + 1 for v in t.values))
            text = text.replace("{n}", str(n))
        elif t.params:
            text = text.replace("{n}", str(t.params[0]))
        elif t.name in ("DATETIME", "TIMESTAMP"):
            text = text.replace("({n})", "(0)")
        else:
            text = text.replace("({n})", "(1)")  # CHAR without a length is CHAR(1)
    if "{p}" in text:
        p, s = ([*list(t.params), 10, 0])[:2] if t.params else (10, 0)
        text = text.replace("{p}", str(p)).replace("{s}", str(s))
    return exp.DataType.build(text, dialect="postgres")


class PostgresTarget(Target):
    engine = "postgres"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.physical: dict[tuple[str, str], str] = {}
        self.catalog_names: set[str] = set()  # relation names in the schema not made by us
        self.collations_made: set[str] = set()
        self.function_made = False
        self.reorder_made = False  # the column-order rebuild's function (pg_temp) is in this file
        # columns the current action's steps drop and add again (so PostgreSQL puts them last)
        self.readded: list[str] = []

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
                col = note_column(note.get(c.name)) or Column(c.name, MySQLType("TEXT"))
                col.name, col.nullable, col.auto_increment = c.name, c.nullable, c.identity
                t.columns.append(col)
            t.primary_key = list(cat.primary_key)
            for idx in cat.indexes:
                if idx.primary:
                    continue
                log = logical.get(idx.name, idx.name)
                t.indexes.append(Index(log, idx.unique, list(idx.columns)))
                self.physical[(name.lower(), log.lower())] = idx.name
            note_indexes(t, tnote)
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

    # -- names and pieces ------------------------------------------------------------------------

    def _index_phys(self, table: str, index: str) -> str:
        taken = {v.lower() for k, v in self.physical.items() if k != (table.lower(), index.lower())}
        taken |= {t.lower() for t in self.schema} | {f"{t.lower()}_pkey" for t in self.schema}
        name = _fit(index) if _fit(index).lower() not in taken else _fit(f"{table}__{index}")
        n = 2
        while name.lower() in taken:
            name, n = _fit(f"{table}__{index}_{n}"), n + 1
        self.physical[(table.lower(), index.lower())] = name
        return name

    def _collation(self, col: Column) -> tuple[list[Step], exp.Expression | None]:
        if not col.collation:
            return [], None
        coll = collation_rule(col.collation)
        if coll is None:
            raise MigrationError(f"column {col.name!r}: collation {col.collation} has no documented mapping")
        if coll.postgres is None:
            return [], None
        steps = []
        if coll.postgres in PG_ICU_COLLATIONS and coll.postgres not in self.collations_made:
            self.collations_made.add(coll.postgres)
            # No sqlglot node for CREATE COLLATION: a fixed template (the name is ours, the locale a constant).
            steps.append(Step(f"CREATE COLLATION IF NOT EXISTS {self.name(coll.postgres)} (provider = icu, "
                              f"locale = '{PG_ICU_COLLATIONS[coll.postgres]}', deterministic = false)"))
        return steps, exp.Column(this=ident(coll.postgres))

    def column_def(self, col: Column, table: Table, *, start: int | None = None) -> tuple[list[Step], exp.ColumnDef]:
        pre, collate = self._collation(col)
        cons: list[exp.Expression] = []
        if col.generated is not None:
            uses = ops.expr_columns(col.generated)
            other = [c.name for c in table.columns if c.generated is not None and c.name.lower() in uses]
            if other:
                raise MigrationError(f"generated column {col.name!r} uses generated column {other[0]!r}: "
                                     "PostgreSQL's generated columns cannot use each other")
            # PostgreSQL before 18 has STORED generated columns only: a VIRTUAL one is stored (same values)
            cons.append(exp.ComputedColumnConstraint(this=self.translate_expr(
                col.generated, table, condition=False, what=f"generated column {col.name!r}"), persisted=True))
        if col.auto_increment:
            if col.type.name not in ("TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT"):
                raise MigrationError(f"AUTO_INCREMENT on {col.type.sql()} column {col.name!r}: only integers")
            cons.append(exp.GeneratedAsIdentityColumnConstraint(
                this=False, start=exp.Literal.number(start) if start else None))
        if not col.nullable:
            cons.append(exp.NotNullColumnConstraint())
        default = literal_default(col)
        if default is not None and not col.auto_increment:
            cons.append(exp.DefaultColumnConstraint(this=default))
        if collate is not None:
            cons.append(exp.CollateColumnConstraint(this=collate))
        constraints = [exp.ColumnConstraint(kind=c) for c in cons]
        for suffix, cond in self._check_conds(col, table):  # named: a later MODIFY drops them by name
            constraints.append(exp.ColumnConstraint(this=ident(_fit(f"{col.name}__{suffix}")),
                                                    kind=exp.CheckColumnConstraint(this=cond)))
        return pre, exp.ColumnDef(this=ident(col.name), kind=pg_type(col.type), constraints=constraints)

    def _check_conds(self, col: Column, table: Table) -> list[tuple[str, exp.Expression]]:
        """The mapping's CHECKs of the column, and its own CHECK (`<column>__check`)."""
        out = checks_for(col, "postgres")
        if col.check is not None:
            out.append(("check", self.translate_expr(col.check, table, condition=True,
                                                     what=f"CHECK of column {col.name!r}")))
        return out

    def _checks(self, table: Table, col: Column) -> list[Step]:
        return [self.step(alter(table.name, exp.AddConstraint(expressions=[exp.Constraint(
            this=ident(_fit(f"{col.name}__{suffix}")), expressions=[exp.CheckColumnConstraint(this=cond)])])))
            for suffix, cond in self._check_conds(col, table)]

    def _drop_checks(self, table: str, col: Column) -> list[Step]:
        suffixes = [suffix for suffix, _ in checks_for(col, "postgres")] + (["check"] if col.check else [])
        return [self.step(alter(table, exp.Drop(tables=[ident(_fit(f"{col.name}__{suffix}"))], kind="CONSTRAINT",
                                                exists=True)))
                for suffix in suffixes]

    def _drop_constraint(self, table: str, name: str) -> Step:
        return self.step(alter(table, exp.Drop(tables=[ident(name)], kind="CONSTRAINT")))

    def _implicit_indexes(self, before: Table, after: Table) -> list[Step]:
        """Indexes InnoDB makes for a foreign key, or drops once another index serves it."""
        out: list[Step] = []
        name = before.name
        for gone in before.indexes:
            if gone.implicit and after.index(gone.name) is None:
                phys = self.physical.pop((name.lower(), gone.name.lower()), None)
                if phys is not None:
                    out.append(self.step(drop_index(phys)))
        for made in after.indexes:
            if made.implicit and before.index(made.name) is None:
                out += self.index_steps(after, made)
        return out

    def _comment(self, table: str, col: Column | None, text: str | None) -> Step:
        target: exp.Expression = table_ref(table) if col is None else exp.Column(this=ident(col.name),
                                                                                 table=ident(table))
        return self.step(exp.Comment(this=target, kind="TABLE" if col is None else "COLUMN",
                                     expression=exp.Literal.string(text) if text else exp.null()))

    def _trigger(self, table: str, col: Column) -> list[Step]:
        out = []
        if not self.function_made:
            self.function_made = True
            # No sqlglot node for a PL/pgSQL function: a fixed template; the column comes as an argument.
            out.append(Step(
                f"CREATE OR REPLACE FUNCTION {self.name(_ON_UPDATE_FN)}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN IF to_jsonb(NEW) -> TG_ARGV[0] IS NOT DISTINCT FROM to_jsonb(OLD) -> TG_ARGV[0] THEN "
                "NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], LOCALTIMESTAMP)); END IF; "
                "RETURN NEW; END $$"))
        arg = col.name.replace("'", "''")
        out.append(Step(f"CREATE TRIGGER {self.name(_fit(col.name + '__on_update'))} BEFORE UPDATE ON "
                        f"{self.name(table)} FOR EACH ROW EXECUTE FUNCTION {self.name(_ON_UPDATE_FN)}('{arg}')"))
        return out

    def _drop_trigger(self, table: str, col: Column) -> Step:
        return Step(f"DROP TRIGGER IF EXISTS {self.name(_fit(col.name + '__on_update'))} ON {self.name(table)}")

    def index_steps(self, t: Table, idx: Index) -> list[Step]:
        if idx.fulltext:
            return []
        return [self.step(create_index(t.name, self._index_phys(t.name, idx.name), idx.columns, idx.unique))]

    def _pkey(self, table: str, columns: list[str]) -> exp.Expression:
        return exp.Constraint(this=ident(_fit(f"{table}_pkey")),
                              expressions=[exp.PrimaryKey(expressions=[ident(c) for c in columns])])

    # -- operations ------------------------------------------------------------------------------

    def plan(self, op: ops.Op) -> list[Step]:
        if isinstance(op, ops.ForeignKeyChecks):
            return self.foreign_key_checks(op.on, "here")
        if isinstance(op, ops.CreateTable):
            return self._create(op)
        if isinstance(op, ops.DropTable):
            out = []
            for name in op.names:
                t = self.schema.get(name.lower())
                if t is None:
                    if op.if_exists:
                        continue
                    raise MigrationError(f"table {name!r} does not exist")
                ops.check_not_referenced(self.schema, t.name, op.names, "drop")
                out.append(self.step(drop_table(t.name)))
                for key in [k for k in self.physical if k[0] == t.name.lower()]:
                    del self.physical[key]
                del self.schema[t.name.lower()]
            return out
        if isinstance(op, ops.AlterTable):
            return self._alter(op)
        if isinstance(op, ops.Truncate):
            tables = [table_ref(self.table(n).name) for n in op.tables]
            return [Step(f"TRUNCATE TABLE {', '.join(self.render(t) for t in tables)} RESTART IDENTITY")]
        if isinstance(op, ops.Data):
            out = [self.step(op.tree)]
            if isinstance(op.tree, exp.Insert):
                target = op.tree.find(exp.Table)
                t = self.schema.get(target.name.lower()) if target else None
                ai = next((c for c in t.columns if c.auto_increment), None) if t else None
                schema = op.tree.this if isinstance(op.tree.this, exp.Schema) else None
                named = [c.name.lower() for c in schema.expressions] if schema is not None else None
                # only an INSERT that gives the AUTO_INCREMENT column values can get ahead of the identity
                if t is not None and ai is not None and (named is None or ai.name.lower() in named):
                    out.append(self._sync_identity(t, ai))
            return out
        return []

    def deferred_key_steps(self, table: Table, fk: ForeignKey) -> list[Step]:
        """ALTER TABLE ... ADD CONSTRAINT: PostgreSQL checks the rows already there (MySQL would not)."""
        return [self.step(alter(table.name, exp.AddConstraint(expressions=[fk_constraint(fk)])))]

    def _sync_identity(self, t: Table, col: Column) -> Step:
        """MySQL moves AUTO_INCREMENT past explicit values; an identity does not: move it."""
        tn, cn = self.name(t.name), self.name(col.name)
        lit = t.name.replace("'", "''")
        cl = col.name.replace("'", "''")
        return Step(f"SELECT setval(pg_get_serial_sequence('{_quote_for_regclass(lit)}', '{cl}'), "
                    f"GREATEST((SELECT MAX({cn}) FROM {tn}), 1), (SELECT MAX({cn}) FROM {tn}) IS NOT NULL)")

    def _create(self, op: ops.CreateTable) -> list[Step]:
        if op.table.name.lower() in self.schema:
            if op.if_not_exists:
                return []
            raise MigrationError(f"table {op.table.name!r} already exists")
        t = op.table.copy()
        for key in op.keys:
            ops.apply_action(t, key)
        ops.check_table(t)
        out: list[Step] = []
        items: list[exp.Expression] = []
        for c in t.columns:
            pre, cd = self.column_def(c, t, start=t.auto_increment_start if c.auto_increment else None)
            out += pre
            items.append(cd)
        if t.primary_key:
            items.append(self._pkey(t.name, t.primary_key))
        ops.check_references({**self.schema, t.name.lower(): t}, t, defer=self.defer_key)
        for chk in t.checks:
            items.append(check_constraint(_fit(chk.name), self.translate_expr(chk.expr, t, condition=True,
                                                                              what=f"CHECK {chk.name!r}")))
        # names kept: per table in PostgreSQL. With FOREIGN_KEY_CHECKS=0 every key waits for checks to
        # come back on (a dump's rows come in table order): ALTER TABLE then checks the rows once
        if not self.fk_checks:
            for fk in t.foreign_keys:
                self.deferred.setdefault(fk.name.lower(), self.statement)
        items += [fk_constraint(fk) for fk in t.foreign_keys if not self.is_deferred(fk)]
        out.append(self.step(exp.Create(this=exp.Schema(this=table_ref(t.name), expressions=items), kind="TABLE")))
        self.schema[t.name.lower()] = t
        for idx in t.indexes:
            out += self.index_steps(t, idx)
        if t.comment:
            out.append(self._comment(t.name, None, t.comment))
        for c in t.columns:
            if c.comment:
                out.append(self._comment(t.name, c, c.comment))
            if c.on_update_now:
                out += self._trigger(t.name, c)
        return out

    def _alter(self, op: ops.AlterTable) -> list[Step]:
        t = self.table(op.table)
        ops.check_referenced_types(self.schema, t, op.actions)
        out: list[Step] = []
        native = [c.name for c in t.columns]  # the catalog's order (each statement leaves MySQL's)
        old_name = t.name
        renamed: dict[str, str] = {}
        for action in op.actions:
            state = t.copy()
            ops.apply_action(t, action)
            self.readded = []
            out += self._action(action, state, t)
            native = postgres_rebuild.native_order(native, action)
            for name in self.readded:
                native = [c for c in native if c.lower() != name.lower()] + [name]
            if isinstance(action, ops.RenameColumn):
                renamed[action.old.lower()] = action.new
            elif isinstance(action, ops.ModifyColumn) and action.old_name.lower() != action.column.name.lower():
                renamed[action.old_name.lower()] = action.column.name
        ops.check_table(t)
        ops.check_references(self.schema, t, defer=self.defer_key)
        ops.follow_parent(self.schema, old_name, t.name, renamed)  # PostgreSQL's keys follow by themselves
        # FIRST / AFTER: PostgreSQL appends; a rebuild puts the columns in MySQL's order
        reorder = postgres_rebuild.reorder_steps(self, t.name, native, [c.name for c in t.columns],
                                                 function_made=self.reorder_made)
        self.reorder_made |= bool(reorder)
        out += reorder
        if t.name.lower() != op.table.lower():
            del self.schema[op.table.lower()]
            self.schema[t.name.lower()] = t
        return out

    def _action(self, action: ops.Action, before: Table, after: Table) -> list[Step]:
        name = before.name
        if isinstance(action, ops.AddColumn):
            c = action.column
            pre, cd = self.column_def(c, after)
            out = pre
            fill = not c.nullable and c.default is None and not c.auto_increment
            if fill:  # existing rows get MySQL's implicit default, then the column has none
                cd.append("constraints", exp.ColumnConstraint(kind=exp.DefaultColumnConstraint(
                    this=implicit_default(c))))
            if c.generated is not None and fill:
                fill = False
                cd.set("constraints", [k for k in cd.args.get("constraints") or []
                                       if not isinstance(k.args.get("kind"), exp.DefaultColumnConstraint)])
            out.append(self.step(alter(name, cd)))
            if fill:
                out.append(self.step(alter(name, exp.AlterColumn(this=ident(c.name), drop=True))))
            if c.comment:
                out.append(self._comment(name, c, c.comment))
            if c.on_update_now:
                out += self._trigger(name, c)
            return out
        if isinstance(action, ops.DropColumn):
            col = before.column(action.name)
            assert col is not None
            out = []
            # MySQL takes the column out of a multi-column index; PostgreSQL would drop the index.
            for idx in before.indexes:
                if len(idx.columns) > 1 and any(c.lower() == col.name.lower() for c in idx.columns) \
                        and not idx.fulltext:
                    phys = self.physical.pop((name.lower(), idx.name.lower()), None)
                    if phys:
                        out.append(self.step(drop_index(phys)))
            if col.on_update_now:
                out.append(self._drop_trigger(name, col))
            out.append(self.step(alter(name, exp.Drop(tables=[col_ref(col.name)], kind="COLUMN"))))
            for idx in after.indexes:
                if (name.lower(), idx.name.lower()) not in self.physical:
                    out += self.index_steps(after, idx)
            for idx in before.indexes:
                if after.index(idx.name) is None:
                    self.physical.pop((name.lower(), idx.name.lower()), None)
            return out
        if isinstance(action, ops.ModifyColumn):
            old = before.column(action.old_name)
            assert old is not None
            return self._modify(name, old, action.column, after)
        if isinstance(action, ops.RenameColumn):
            old = before.column(action.old)
            new = after.column(action.new)
            assert old is not None and new is not None
            return self._modify(name, old, new, after)
        if isinstance(action, ops.SetDefault):
            col = after.column(action.name)
            assert col is not None
            default = literal_default(col)
            ac = exp.AlterColumn(this=ident(col.name), default=default) if default is not None \
                else exp.AlterColumn(this=ident(col.name), drop=True)
            return [self.step(alter(name, ac))]
        if isinstance(action, ops.AddIndex):
            return self.index_steps(before, action.index) + self._implicit_indexes(before, after)
        if isinstance(action, ops.AddForeignKey):
            add = alter(name, exp.AddConstraint(expressions=[fk_constraint(action.fk)]))
            if not self.fk_checks:  # deferred: made when checks come back on (as in _create)
                self.deferred.setdefault(action.fk.name.lower(), self.statement)
                return self._implicit_indexes(before, after)
            return [*self._implicit_indexes(before, after), self.step(add)]
        if isinstance(action, (ops.DropForeignKey, ops.DropCheck, ops.DropConstraint)):
            fk = before.foreign_key(action.name)
            chk = before.check_named(action.name)
            if fk is not None and not isinstance(action, ops.DropCheck):
                if self.deferred.pop(fk.name.lower(), None) is not None:
                    return []  # never made: it waited for FOREIGN_KEY_CHECKS
                return [self._drop_constraint(name, fk.name)]
            assert chk is not None  # ops.apply_action refused the rest
            return [self._drop_constraint(name, _fit(chk.name))]
        if isinstance(action, ops.AddCheck):
            return [self.step(alter(name, exp.AddConstraint(expressions=[check_constraint(
                _fit(action.check.name), self.translate_expr(action.check.expr, after, condition=True,
                                                             what=f"CHECK {action.check.name!r}"))])))]
        if isinstance(action, ops.DropIndex):
            dropped = before.index(action.name)
            assert dropped is not None
            phys = self.physical.pop((name.lower(), dropped.name.lower()), None)
            return [] if phys is None else [self.step(drop_index(phys))]
        if isinstance(action, ops.RenameIndex):
            renamed = before.index(action.old)
            assert renamed is not None
            phys = self.physical.pop((name.lower(), renamed.name.lower()), None)
            if phys is None:
                return []
            new_phys = self._index_phys(name, action.new)
            if new_phys == phys:
                return []
            return [self.step(exp.Alter(this=table_ref(phys), kind="INDEX",
                                        actions=[exp.AlterRename(this=table_ref(new_phys))]))]
        if isinstance(action, ops.AddPrimaryKey):
            return [self.step(alter(name, exp.AddConstraint(expressions=[self._pkey(name, after.primary_key)]))),
                    *self._implicit_indexes(before, after)]
        if isinstance(action, ops.DropPrimaryKey):
            return [self.step(alter(name, exp.Drop(tables=[ident(_fit(f"{name}_pkey"))], kind="CONSTRAINT")))]
        if isinstance(action, ops.TableComment):
            return [self._comment(name, None, action.text)]
        if isinstance(action, ops.AutoIncrement):
            ai = next((c for c in after.columns if c.auto_increment), None)
            if ai is None:
                return []
            tn, cn = self.name(name), self.name(ai.name)
            lit, cl = _quote_for_regclass(name.replace("'", "''")), ai.name.replace("'", "''")
            # no sqlglot node for setval on an identity's sequence: a fixed template, names printed
            return [Step(f"SELECT setval(pg_get_serial_sequence('{lit}', '{cl}'), "
                         f"GREATEST({action.value}, COALESCE((SELECT MAX({cn}) FROM {tn}), 0) + 1), false)")]
        if isinstance(action, ops.Rename):
            out = [self.step(rename_table(name, action.new))]
            if before.primary_key:
                out.append(self.step(exp.Alter(this=table_ref(_fit(f"{name}_pkey")), kind="INDEX",
                                               actions=[exp.AlterRename(this=table_ref(_fit(f"{action.new}_pkey")))])))
            for key in [k for k in self.physical if k[0] == name.lower()]:
                self.physical[(action.new.lower(), key[1])] = self.physical.pop(key)
            for fk_old, fk_new in zip(before.foreign_keys, after.foreign_keys, strict=True):
                if fk_old.name != fk_new.name and fk_old.name.lower() in self.deferred:  # not made yet
                    self.deferred[fk_new.name.lower()] = self.deferred.pop(fk_old.name.lower())
                elif fk_old.name != fk_new.name:  # no sqlglot node for RENAME CONSTRAINT: names printed
                    out.append(Step(f"ALTER TABLE {self.name(action.new)} RENAME CONSTRAINT "
                                    f"{self.name(fk_old.name)} TO {self.name(fk_new.name)}"))
            return out
        return []

    def _modify(self, table: str, old: Column, new: Column, after: Table) -> list[Step]:
        if old.generated is not None or new.generated is not None:
            if old.generated == new.generated and old.stored == new.stored and old.type == new.type \
                    and old.name == new.name and old.check == new.check:
                pass  # a rename-free no-op on the expression: nullability / comment below
            elif old.name != new.name and old.generated == new.generated and old.type == new.type:
                return [self.step(alter(table, exp.RenameColumn(this=col_ref(old.name), to=col_ref(new.name))))]
            else:
                raise MigrationError(f"MODIFY/CHANGE of generated column {old.name!r} on PostgreSQL: it cannot "
                                     "change a generation expression or type in place (drop the column and add it)")
        out: list[Step] = []
        if old.on_update_now:
            out.append(self._drop_trigger(table, old))
        out += self._drop_checks(table, old)
        if old.name != new.name:
            out.append(self.step(alter(table, exp.RenameColumn(this=col_ref(old.name), to=col_ref(new.name)))))
        pre, collate = self._collation(new)
        out += pre
        old_type, new_type = pg_type(old.type), pg_type(new.type)
        retyped = old_type != new_type or old.collation != new.collation
        # PostgreSQL cannot change the type of a column a generated column uses (MySQL can): those
        # are dropped first and added again after, with their indexes (the values are recomputed)
        deps = [c for c in after.columns if retyped and c.generated is not None and c is not new
                and new.name.lower() in ops.expr_columns(c.generated)]
        for dep in deps:
            for idx in after.indexes:
                if dep.name.lower() in (c.lower() for c in idx.columns):
                    self.physical.pop((table.lower(), idx.name.lower()), None)
            out.append(self.step(alter(table, exp.Drop(tables=[col_ref(dep.name)], kind="COLUMN"))))
            self.readded.append(dep.name)
        if retyped:
            if old.default is not None and not old.auto_increment:  # the old default may not cast
                out.append(self.step(alter(table, exp.AlterColumn(this=ident(new.name), drop=True))))
            # Within a family no USING: PostgreSQL's assignment cast refuses a too-long string as
            # MySQL's strict mode does (an explicit CAST to VARCHAR(n) would cut it silently).
            same = rule(old.type.name) is not None and rule(old.type.name).family == rule(new.type.name).family  # type: ignore[union-attr]
            using = None if same else exp.Cast(this=col_ref(new.name), to=new_type.copy())
            out.append(self.step(alter(table, exp.AlterColumn(this=ident(new.name), dtype=new_type,
                                                              collate=collate, using=using))))
        if old.auto_increment and not new.auto_increment:
            out.append(Step(f"ALTER TABLE {self.name(table)} ALTER COLUMN {self.name(new.name)} DROP IDENTITY"))
        if new.nullable != old.nullable or (old.auto_increment and not new.auto_increment):
            out.append(self.step(alter(table, exp.AlterColumn(this=ident(new.name), allow_null=True,
                                                              drop=new.nullable))))
        if new.auto_increment and not old.auto_increment:
            out.append(Step(f"ALTER TABLE {self.name(table)} ALTER COLUMN {self.name(new.name)} "
                            "ADD GENERATED BY DEFAULT AS IDENTITY"))
            out.append(self._sync_identity(after, new))
        if not new.auto_increment and (new.default != old.default or old_type != new_type):
            default = literal_default(new)
            out.append(self.step(alter(table, exp.AlterColumn(this=ident(new.name), default=default)
                                       if default is not None else exp.AlterColumn(this=ident(new.name), drop=True))))
        out += self._checks(after, new)
        if new.comment != old.comment:
            out.append(self._comment(table, new, new.comment))
        if new.on_update_now:
            out += self._trigger(table, new)
        for dep in deps:
            pre, cd = self.column_def(dep, after)
            out += [*pre, self.step(alter(table, cd))]
            if dep.comment:
                out.append(self._comment(table, dep, dep.comment))
            for idx in after.indexes:
                if dep.name.lower() in (c.lower() for c in idx.columns) and not idx.fulltext:
                    out += self.index_steps(after, idx)
        return out


def _quote_for_regclass(name: str) -> str:
    """A table name as a regclass text literal: double-quoted so case and odd characters survive."""
    return '"' + name.replace('"', '""') + '"'
