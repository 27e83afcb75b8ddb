"""The logical schema a migration history builds: MySQL's view of tables, columns and indexes.

The planners compare a table before and after a statement and print the target's statements; the
model of a database is read back from its own catalog plus the side table of notes (notes.py) that
keeps what the target cannot hold (the MySQL type, comments, collations, logical index names).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any


class MigrationError(Exception):
    """A migration could not be planned or applied; the message names file, statement and cause."""


@dataclass
class MySQLType:
    name: str  # the MySQL base name (typemap.RULES key): INT, VARCHAR, DECIMAL, ENUM, ...
    params: tuple[int, ...] = ()  # VARCHAR(n), DECIMAL(p, s), DATETIME(fsp)
    values: tuple[str, ...] = ()  # ENUM / SET members
    unsigned: bool = False

    def sql(self) -> str:
        """The type as MySQL prints it (for messages, notes and the MariaDB target)."""
        if self.values:
            inner = ", ".join("'" + v.replace("'", "''") + "'" for v in self.values)
            text = f"{self.name}({inner})"
        elif self.params:
            text = f"{self.name}({', '.join(str(p) for p in self.params)})"
        else:
            text = self.name
        return text + (" UNSIGNED" if self.unsigned else "")


@dataclass
class Default:
    kind: str  # "string" | "number" | "null" | "now" | "json" (an empty object / array) | "expr"
    value: str = ""  # the string / the number's text / the expression's MySQL text; "now": the fsp


@dataclass
class Column:
    name: str
    type: MySQLType
    nullable: bool = True
    default: Default | None = None
    auto_increment: bool = False
    on_update_now: bool = False
    comment: str | None = None
    collation: str | None = None  # the effective one (column's, else table's, else the default)
    check: str | None = None  # a column-level CHECK: the condition as MySQL text (MariaDB names it after the column)
    generated: str | None = None  # GENERATED ALWAYS AS (expr): the expression as MySQL text
    stored: bool = False  # a generated column's STORED (else VIRTUAL)


@dataclass
class Index:
    name: str  # MySQL's name (per table)
    unique: bool
    columns: list[str]
    fulltext: bool = False  # FULLTEXT / SPATIAL: kept by MySQL targets only (see docs/migrations.md)
    implicit: bool = False  # made by InnoDB for a FOREIGN KEY; a later index that can serve it replaces it


# MySQL's referential actions; InnoDB's NO ACTION is RESTRICT (checked at once), the default.
FK_ACTIONS = ("RESTRICT", "CASCADE", "SET NULL", "NO ACTION")


@dataclass
class ForeignKey:
    name: str  # MySQL's constraint name (unique per database); `<table>_ibfk_<n>` when none is given
    columns: list[str]
    ref_table: str
    ref_columns: list[str]
    on_delete: str = "RESTRICT"
    on_update: str = "RESTRICT"


@dataclass
class Check:
    name: str  # MariaDB's name: given, else `CONSTRAINT_<n>`
    expr: str  # the condition as MySQL text (printed by the MySQL printer, names quoted)


@dataclass
class Table:
    name: str
    columns: list[Column] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    comment: str | None = None
    collation: str | None = None  # the table's default collation
    auto_increment_start: int | None = None
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)  # table-level CHECKs (column ones are on the column)

    def column(self, name: str) -> Column | None:
        low = name.lower()
        return next((c for c in self.columns if c.name.lower() == low), None)

    def index(self, name: str) -> Index | None:
        low = name.lower()
        return next((i for i in self.indexes if i.name.lower() == low), None)

    def foreign_key(self, name: str) -> ForeignKey | None:
        low = name.lower()
        return next((f for f in self.foreign_keys if f.name.lower() == low), None)

    def check_named(self, name: str) -> Check | None:
        low = name.lower()
        return next((c for c in self.checks if c.name.lower() == low), None)

    def copy(self) -> Table:
        return copy.deepcopy(self)


def column_to_json(col: Column) -> dict[str, Any]:
    return asdict(col)


def column_from_json(data: dict[str, Any]) -> Column:
    t = data["type"]
    d = data.get("default")
    return Column(name=data["name"], type=MySQLType(t["name"], tuple(t["params"]), tuple(t["values"]), t["unsigned"]),
                  nullable=data["nullable"], default=None if d is None else Default(d["kind"], d["value"]),
                  auto_increment=data["auto_increment"], on_update_now=data["on_update_now"],
                  comment=data.get("comment"), collation=data.get("collation"), check=data.get("check"),
                  generated=data.get("generated"), stored=bool(data.get("stored")))


def constraints_to_json(t: Table) -> dict[str, Any]:
    return {"foreign_keys": [asdict(f) for f in t.foreign_keys], "checks": [asdict(c) for c in t.checks]}


def constraints_from_json(t: Table, data: dict[str, Any]) -> None:
    t.foreign_keys = [ForeignKey(f["name"], list(f["columns"]), f["ref_table"], list(f["ref_columns"]),
                                 f["on_delete"], f["on_update"]) for f in data.get("foreign_keys") or []]
    t.checks = [Check(c["name"], c["expr"]) for c in data.get("checks") or []]
