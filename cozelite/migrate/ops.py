"""The operations a migration statement performs, and their effect on the logical schema (MySQL's
rules: MODIFY replaces the whole column definition, dropping a column drops it from its indexes,
an unnamed index is named after its first column)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from cozelite.migrate.model import Column, Default, Index, MigrationError, Table

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
class Ignored:
    what: str  # recorded in the plan, nothing runs (ENGINE=, ALGORITHM=, foreign keys, ...)


Action = (AddColumn | DropColumn | ModifyColumn | RenameColumn | SetDefault | AddIndex | DropIndex | RenameIndex
          | AddPrimaryKey | DropPrimaryKey | TableComment | TableCollation | AutoIncrement | Rename
          | Ignored)


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


Op = CreateTable | DropTable | AlterTable | Truncate | Data | Skip


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


def apply_action(table: Table, action: Action) -> None:
    """Change `table` (in place) as MySQL does for one action; MigrationError as MySQL would refuse."""
    if isinstance(action, AddColumn):
        if table.column(action.column.name) is not None:
            raise MigrationError(f"column {action.column.name!r} already exists in {table.name!r}")
        _place(table, action.column, action.position)
    elif isinstance(action, DropColumn):
        col = _need(table, action.name)
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
    elif isinstance(action, DropIndex):
        dropped = table.index(action.name)
        if dropped is None:
            raise MigrationError(f"index {action.name!r} does not exist on {table.name!r}")
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
    elif isinstance(action, DropPrimaryKey):
        if not table.primary_key:
            raise MigrationError(f"table {table.name!r} has no primary key to drop")
        table.primary_key = []
    elif isinstance(action, TableComment):
        table.comment = action.text
    elif isinstance(action, TableCollation):
        table.collation = action.collation
    elif isinstance(action, AutoIncrement):
        table.auto_increment_start = action.value
    elif isinstance(action, Rename):
        table.name = action.new
    # Ignored: nothing


def _rename_refs(table: Table, old: str, new: str) -> None:
    low = old.lower()
    for idx in table.indexes:
        idx.columns = [new if c.lower() == low else c for c in idx.columns]
    table.primary_key = [new if c.lower() == low else c for c in table.primary_key]


def check_table(table: Table) -> None:
    """What MySQL checks once a statement is complete."""
    ai = [c for c in table.columns if c.auto_increment]
    if len(ai) > 1:
        raise MigrationError(f"table {table.name!r} has more than one AUTO_INCREMENT column")
    if ai:
        keyed = [table.primary_key] + [i.columns for i in table.indexes]
        if not any(k and k[0].lower() == ai[0].name.lower() for k in keyed):
            raise MigrationError(f"AUTO_INCREMENT column {ai[0].name!r} of {table.name!r} must be a key's first column")
