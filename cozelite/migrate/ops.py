"""The operations a migration statement performs, and their effect on the logical schema (MySQL's
rules: MODIFY replaces the whole column definition, dropping a column drops it from its indexes,
an unnamed index is named after its first column)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlglot import exp

from cozelite.migrate.model import Check, Column, Default, ForeignKey, Index, MigrationError, MySQLType, Table
from cozelite.migrate.typemap import rule

Schema = dict[str, Table]  # lower-cased name -> table


# -- ALTER TABLE actions -----------------------------------------------------------------------

@dataclass
class AddColumn:
    column: Column
    position: str | None = None  # None: last; "": FIRST; else AFTER this column


@dataclass
class DropColumn:
    name: str


@dataclass
class ModifyColumn:  # MODIFY (old == new name) and CHANGE
    old_name: str
    column: Column
    position: str | None = None


@dataclass
class RenameColumn:
    old: str
    new: str


@dataclass
class SetDefault:
    name: str
    default: Default | None


@dataclass
class AddIndex:
    index: Index


@dataclass
class DropIndex:
    name: str


@dataclass
class RenameIndex:
    old: str
    new: str


@dataclass
class AddPrimaryKey:
    columns: list[str]


@dataclass
class DropPrimaryKey:
    pass


@dataclass
class TableComment:
    text: str


@dataclass
class AutoIncrement:
    value: int  # ALTER TABLE ... AUTO_INCREMENT = n: the next id is max(n, largest id + 1)


@dataclass
class TableCollation:
    collation: str | None  # the table's new default collation (columns added later inherit it)


@dataclass
class Rename:
    new: str


@dataclass
class AddForeignKey:
    fk: ForeignKey  # name "" : MySQL's `<table>_ibfk_<n>`
    index_name: str = ""  # FOREIGN KEY idx (...): the implicit index's name (and MariaDB's constraint name)


@dataclass
class DropForeignKey:
    name: str


@dataclass
class AddCheck:
    check: Check  # name "": MariaDB's `CONSTRAINT_<n>`


@dataclass
class DropCheck:
    name: str


@dataclass
class DropConstraint:
    name: str  # MariaDB's DROP CONSTRAINT: a CHECK or a FOREIGN KEY of that name


@dataclass
class Ignored:
    what: str  # recorded in the plan, nothing runs (ENGINE=, ALGORITHM=, foreign keys, ...)


Action = (AddColumn | DropColumn | ModifyColumn | RenameColumn | SetDefault | AddIndex | DropIndex | RenameIndex
          | AddPrimaryKey | DropPrimaryKey | TableComment | TableCollation | AutoIncrement | Rename
          | AddForeignKey | DropForeignKey | AddCheck | DropCheck | DropConstraint | Ignored)


# -- statements --------------------------------------------------------------------------------

@dataclass
class CreateTable:
    table: Table  # columns and options; keys come in `keys`
    if_not_exists: bool
    keys: list[Action] = field(default_factory=list)


@dataclass
class DropTable:
    names: list[str]
    if_exists: bool


@dataclass
class AlterTable:
    table: str
    actions: list[Action]


@dataclass
class Truncate:
    tables: list[str]


@dataclass
class Data:
    tree: exp.Expression  # INSERT / UPDATE / DELETE, qualifiers mapped


@dataclass
class Skip:
    why: str


@dataclass
class ForeignKeyChecks:
    on: bool  # SET FOREIGN_KEY_CHECKS: off, a key may name a table the file creates later (docs/migrations.md)


Op = CreateTable | DropTable | AlterTable | Truncate | Data | Skip | ForeignKeyChecks


# -- effect on the model -----------------------------------------------------------------------

def _need(table: Table, name: str) -> Column:
    col = table.column(name)
    if col is None:
        raise MigrationError(f"column {name!r} does not exist in {table.name!r}")
    return col


def _place(table: Table, col: Column, position: str | None) -> None:
    if position is None:
        table.columns.append(col)
    elif position == "":
        table.columns.insert(0, col)
    else:
        after = _need(table, position)
        table.columns.insert(table.columns.index(after) + 1, col)


def _index_name(table: Table, columns: list[str]) -> str:
    base = columns[0]
    name, n = base, 2
    while table.index(name) is not None or name.upper() == "PRIMARY":
        name, n = f"{base}_{n}", n + 1
    return name


_QUOTED = re.compile(r"`((?:[^`]|``)*)`")


def expr_columns(text: str) -> set[str]:
    """The (lower-cased) names an expression's MySQL text quotes: its columns (the reader prints every
    name quoted)."""
    return {m.replace("``", "`").lower() for m in _QUOTED.findall(text)}


def rename_in_expr(text: str, old: str, new: str) -> str:
    low = old.lower()
    return _QUOTED.sub(lambda m: "`" + new.replace("`", "``") + "`" if m.group(1).replace("``", "`").lower() == low
                       else m.group(0), text)


def _covers(columns: list[str], key: list[str]) -> bool:
    """An index on `columns` can serve a foreign key on `key` (its leading columns, as InnoDB needs)."""
    return [c.lower() for c in columns[:len(key)]] == [c.lower() for c in key]


def _replace_implicit(table: Table, columns: list[str], keep: Index | None = None) -> None:
    """InnoDB drops an index it made for a foreign key once another index can serve that key."""
    table.indexes = [i for i in table.indexes if i is keep or not (i.implicit and _covers(columns, i.columns))]


def _served(table: Table, fk: ForeignKey, without: Index | None = None) -> bool:
    keys = [table.primary_key] + [i.columns for i in table.indexes if i is not without and not i.fulltext]
    return any(k and _covers(k, fk.columns) for k in keys)


def _unique_name(taken: list[str], base: str) -> str:
    low = {t.lower() for t in taken}
    n = 1
    while f"{base}{n}".lower() in low:
        n += 1
    return f"{base}{n}"


def apply_action(table: Table, action: Action) -> None:
    """Change `table` (in place) as MySQL does for one action; MigrationError as MySQL would refuse."""
    if isinstance(action, (AddForeignKey, DropForeignKey, AddCheck, DropCheck, DropConstraint)):
        _constraint_action(table, action)
        return
    if isinstance(action, AddColumn):
        if table.column(action.column.name) is not None:
            raise MigrationError(f"column {action.column.name!r} already exists in {table.name!r}")
        _place(table, action.column, action.position)
    elif isinstance(action, DropColumn):
        col = _need(table, action.name)
        low = col.name.lower()
        for fk in table.foreign_keys:
            if low in (c.lower() for c in fk.columns):
                raise MigrationError(f"cannot drop column {col.name!r}: foreign key {fk.name!r} uses it "
                                     "(drop the foreign key first)")
        for chk in table.checks:
            if low in expr_columns(chk.expr):
                raise MigrationError(f"cannot drop column {col.name!r}: CHECK {chk.name!r} uses it")
        table.columns.remove(col)
        if not table.columns:
            raise MigrationError(f"cannot drop {col.name!r}, the last column of {table.name!r}")
        for idx in table.indexes:
            idx.columns = [c for c in idx.columns if c.lower() != col.name.lower()]
        table.indexes = [i for i in table.indexes if i.columns]
        table.primary_key = [c for c in table.primary_key if c.lower() != col.name.lower()]
    elif isinstance(action, ModifyColumn):
        old = _need(table, action.old_name)
        new = action.column
        if not same_type(new.type, old.type):
            for fk in table.foreign_keys:
                if old.name.lower() in (c.lower() for c in fk.columns):
                    raise MigrationError(f"cannot change the type of column {old.name!r}: foreign key {fk.name!r} "
                                         "uses it (MariaDB refuses it, error 1832): drop the key, change the "
                                         "columns, add the key again")
        if new.name.lower() != old.name.lower() and table.column(new.name) is not None:
            raise MigrationError(f"column {new.name!r} already exists in {table.name!r}")
        pos = table.columns.index(old)
        if action.position is None:
            table.columns[pos] = new
        else:
            table.columns.remove(old)
            _place(table, new, action.position)
        _rename_refs(table, old.name, new.name)
        if any(c.lower() == new.name.lower() for c in table.primary_key):
            new.nullable = False
    elif isinstance(action, RenameColumn):
        col = _need(table, action.old)
        if table.column(action.new) is not None:
            raise MigrationError(f"column {action.new!r} already exists in {table.name!r}")
        old_name, col.name = col.name, action.new
        _rename_refs(table, old_name, action.new)
    elif isinstance(action, SetDefault):
        _need(table, action.name).default = action.default
    elif isinstance(action, AddIndex):
        idx = action.index
        for c in idx.columns:
            _need(table, c)
        idx.columns = [_need(table, c).name for c in idx.columns]
        if not idx.name:
            idx.name = _index_name(table, idx.columns)
        if table.index(idx.name) is not None:
            raise MigrationError(f"index {idx.name!r} already exists on {table.name!r}")
        table.indexes.append(idx)
        if not idx.fulltext:
            _replace_implicit(table, idx.columns, keep=idx)
    elif isinstance(action, DropIndex):
        dropped = table.index(action.name)
        if dropped is None:
            raise MigrationError(f"index {action.name!r} does not exist on {table.name!r}")
        for fk in table.foreign_keys:
            if _covers(dropped.columns, fk.columns) and not _served(table, fk, without=dropped):
                raise MigrationError(f"cannot drop index {dropped.name!r}: needed in foreign key {fk.name!r}")
        table.indexes.remove(dropped)
    elif isinstance(action, RenameIndex):
        renamed = table.index(action.old)
        if renamed is None:
            raise MigrationError(f"index {action.old!r} does not exist on {table.name!r}")
        if table.index(action.new) is not None:
            raise MigrationError(f"index {action.new!r} already exists on {table.name!r}")
        renamed.name = action.new
    elif isinstance(action, AddPrimaryKey):
        if table.primary_key:
            raise MigrationError(f"table {table.name!r} already has a primary key (drop it first)")
        table.primary_key = [_need(table, c).name for c in action.columns]
        for c in table.primary_key:
            _need(table, c).nullable = False
        _replace_implicit(table, table.primary_key)
    elif isinstance(action, DropPrimaryKey):
        if not table.primary_key:
            raise MigrationError(f"table {table.name!r} has no primary key to drop")
        old_pk, table.primary_key = table.primary_key, []
        for fk in table.foreign_keys:
            if _covers(old_pk, fk.columns) and not _served(table, fk):
                raise MigrationError(f"cannot drop the primary key of {table.name!r}: needed in foreign key "
                                     f"{fk.name!r}")
    elif isinstance(action, TableComment):
        table.comment = action.text
    elif isinstance(action, TableCollation):
        table.collation = action.collation
    elif isinstance(action, AutoIncrement):
        table.auto_increment_start = action.value
    elif isinstance(action, Rename):
        prefix = f"{table.name}_ibfk_".lower()
        for fk in table.foreign_keys:  # MariaDB renames the names it made (`<table>_ibfk_<n>`)
            if fk.name.lower().startswith(prefix):
                fk.name = f"{action.new}_ibfk_{fk.name[len(prefix):]}"
        table.name = action.new
    # Ignored: nothing


def _constraint_action(table: Table, action: Action) -> None:
    if isinstance(action, AddForeignKey):
        fk = action.fk
        fk.columns = [_need(table, c).name for c in fk.columns]
        if len(fk.columns) != len(fk.ref_columns):
            raise MigrationError(f"foreign key on {table.name!r}: {len(fk.columns)} columns reference "
                                 f"{len(fk.ref_columns)}")
        if not fk.name:
            fk.name = _unique_name([f.name for f in table.foreign_keys], f"{table.name}_ibfk_")
        if table.foreign_key(fk.name) is not None:
            raise MigrationError(f"foreign key {fk.name!r} already exists on {table.name!r}")
        if not _served_by_explicit(table, fk):
            # InnoDB makes an index for the key (named as the constraint, else as an unnamed KEY)
            idx = Index(action.index_name or "", False, list(fk.columns), implicit=True)
            idx.name = idx.name or _index_name(table, idx.columns)
            if table.index(idx.name) is not None:
                raise MigrationError(f"index {idx.name!r} already exists on {table.name!r}")
            table.indexes.append(idx)
            _replace_implicit(table, idx.columns, keep=idx)
        table.foreign_keys.append(fk)
    elif isinstance(action, DropForeignKey):
        fk_found = table.foreign_key(action.name)
        if fk_found is None:
            raise MigrationError(f"foreign key {action.name!r} does not exist on {table.name!r}")
        table.foreign_keys.remove(fk_found)  # its index stays, as in MySQL
    elif isinstance(action, AddCheck):
        chk = action.check
        for c in expr_columns(chk.expr):
            _need(table, c)
        taken = [c.name for c in table.checks] + [c.name for c in table.columns if c.check]
        if not chk.name:
            chk.name = _unique_name(taken, "CONSTRAINT_")
        elif chk.name.lower() in (t.lower() for t in taken):
            raise MigrationError(f"CHECK {chk.name!r} already exists on {table.name!r}")
        table.checks.append(chk)
    elif isinstance(action, DropCheck):
        found = table.check_named(action.name)
        col = next((c for c in table.columns if c.check and c.name.lower() == action.name.lower()), None)
        if found is not None:
            table.checks.remove(found)
        elif col is not None:
            raise MigrationError(f"CHECK {action.name!r} is the CHECK of column {col.name!r}: MariaDB cannot drop a "
                                 "column's CHECK by name; MODIFY the column without it")
        else:
            raise MigrationError(f"CHECK {action.name!r} does not exist on {table.name!r}")
    elif isinstance(action, DropConstraint):
        if table.foreign_key(action.name) is not None:
            _constraint_action(table, DropForeignKey(action.name))
        else:
            _constraint_action(table, DropCheck(action.name))


def _served_by_explicit(table: Table, fk: ForeignKey) -> bool:
    keys = [table.primary_key] + [i.columns for i in table.indexes if not i.implicit and not i.fulltext]
    return any(k and _covers(k, fk.columns) for k in keys)


def _rename_refs(table: Table, old: str, new: str) -> None:
    low = old.lower()
    for idx in table.indexes:
        idx.columns = [new if c.lower() == low else c for c in idx.columns]
    table.primary_key = [new if c.lower() == low else c for c in table.primary_key]
    for fk in table.foreign_keys:
        fk.columns = [new if c.lower() == low else c for c in fk.columns]
        if fk.ref_table.lower() == table.name.lower():  # a self-reference follows too
            fk.ref_columns = [new if c.lower() == low else c for c in fk.ref_columns]
    for chk in table.checks:
        chk.expr = rename_in_expr(chk.expr, old, new)
    for col in table.columns:
        if col.check:
            col.check = rename_in_expr(col.check, old, new)
        if col.generated:
            col.generated = rename_in_expr(col.generated, old, new)


def follow_parent(schema: Schema, old_table: str, new_table: str, renamed: dict[str, str]) -> list[Table]:
    """Other tables' foreign keys follow a referenced table's new name and renamed columns (as MySQL's
    do); returns the tables whose keys changed."""
    out = []
    for t in schema.values():
        changed = False
        for fk in t.foreign_keys:
            if fk.ref_table.lower() != old_table.lower() or t.name.lower() in (old_table.lower(), new_table.lower()):
                continue
            fk.ref_table = new_table
            fk.ref_columns = [renamed.get(c.lower(), c) for c in fk.ref_columns]
            changed = True
        if changed:
            out.append(t)
    return out


def same_type(a: MySQLType, b: MySQLType) -> bool:
    """The same MySQL type; an integer's display width (INT(10), as the catalog prints it) is no part."""
    ints = ("TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT")
    return (a.name, a.values, a.unsigned, () if a.name in ints else a.params) == \
        (b.name, b.values, b.unsigned, () if b.name in ints else b.params)


def check_referenced_types(schema: Schema, table: Table, actions: list[Action]) -> None:
    """MySQL refuses to change the type of a column another table's foreign key references."""
    for action in actions:
        if not isinstance(action, ModifyColumn):
            continue
        old = table.column(action.old_name)
        if old is None or same_type(old.type, action.column.type):
            continue
        for t in schema.values():
            for fk in t.foreign_keys:
                if t.name.lower() != table.name.lower() and fk.ref_table.lower() == table.name.lower() \
                        and old.name.lower() in (c.lower() for c in fk.ref_columns):
                    raise MigrationError(f"cannot change the type of column {old.name!r}: foreign key {fk.name!r} "
                                         f"of {t.name!r} references it (MariaDB refuses it, error 1832): drop the "
                                         "key, change the columns, add the key again")


def check_not_referenced(schema: Schema, name: str, going: list[str], what: str) -> None:
    """MySQL refuses to drop or truncate a table another table's foreign key references."""
    gone = {n.lower() for n in going}
    for t in schema.values():
        if t.name.lower() in gone:
            continue
        for fk in t.foreign_keys:
            if fk.ref_table.lower() == name.lower():
                raise MigrationError(f"cannot {what} {name!r}: foreign key {fk.name!r} of {t.name!r} references it "
                                     "(drop the foreign key first)")


def check_references(schema: Schema, table: Table, *, defer: Callable[[Table, ForeignKey], bool] | None = None,
                     only: set[str] | None = None) -> None:
    """Each foreign key of `table` names an existing table and columns that are its primary key or a
    unique key: SQLite and PostgreSQL need one (InnoDB accepts any index; such a key is refused here).

    `defer(table, fk)`: asked when the parent table does not exist; True: FOREIGN_KEY_CHECKS is off and
    the key is checked later (Target.defer_key). `only`: check just the keys of these (lower) names."""
    for fk in table.foreign_keys:
        if only is not None and fk.name.lower() not in only:
            continue
        for other in schema.values():
            if other is not table and other.name.lower() != table.name.lower() \
                    and other.foreign_key(fk.name) is not None:
                raise MigrationError(f"foreign key name {fk.name!r} of {table.name!r} is taken by {other.name!r}: "
                                     "MySQL's constraint names are per database (errno 121)")
        parent = table if fk.ref_table.lower() == table.name.lower() else schema.get(fk.ref_table.lower())
        if parent is None and defer is not None and defer(table, fk):
            continue
        if parent is None:
            raise MigrationError(f"foreign key {fk.name!r} of {table.name!r} references table {fk.ref_table!r}, "
                                 "which does not exist (create it first)")
        cols = []
        for c in fk.ref_columns:
            col = parent.column(c)
            if col is None:
                raise MigrationError(f"foreign key {fk.name!r} references column {c!r}, not in {parent.name!r}")
            cols.append(col.name)
            child = table.column(fk.columns[len(cols) - 1])
            if child is not None and not _key_types_match(child.type, col.type):
                raise MigrationError(f"foreign key {fk.name!r} of {table.name!r}: column {child.name!r} "
                                     f"({child.type.sql()}) cannot reference {parent.name}.{col.name} "
                                     f"({col.type.sql()}): MySQL refuses it (errno 150: integer and DECIMAL key "
                                     "columns need the same type and sign, the others the same kind of type)")
        fk.ref_table, fk.ref_columns = parent.name, cols
        want = {c.lower() for c in cols}
        keys = [parent.primary_key] + [i.columns for i in parent.indexes if i.unique and not i.fulltext]
        if not any(k and {c.lower() for c in k} == want and len(k) == len(cols) for k in keys):
            raise MigrationError(f"foreign key {fk.name!r} of {table.name!r} references {parent.name}"
                                 f"({', '.join(cols)}), which is not its primary key or a unique key: SQLite and "
                                 "PostgreSQL need one (add a UNIQUE key on those columns)")


def check_table(table: Table) -> None:
    """What MySQL checks once a statement is complete."""
    ai = [c for c in table.columns if c.auto_increment]
    if len(ai) > 1:
        raise MigrationError(f"table {table.name!r} has more than one AUTO_INCREMENT column")
    if ai:
        keyed = [table.primary_key] + [i.columns for i in table.indexes]
        if not any(k and k[0].lower() == ai[0].name.lower() for k in keyed):
            raise MigrationError(f"AUTO_INCREMENT column {ai[0].name!r} of {table.name!r} must be a key's first column")


def _key_types_match(a: MySQLType, b: MySQLType) -> bool:
    """InnoDB's rule for a key column and the column it references: the size and sign of integer and
    fixed-point types must be the same; a string's length need not be."""
    exact = ("TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT", "DECIMAL")
    if a.name in exact or b.name in exact:
        return (a.name, a.unsigned, a.params if a.name == "DECIMAL" else ()) == \
            (b.name, b.unsigned, b.params if b.name == "DECIMAL" else ())
    ra, rb = rule(a.name), rule(b.name)
    return ra is None or rb is None or ra.family == rb.family
