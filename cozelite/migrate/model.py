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
    kind: str  # "string" | "number" | "null" | "now" | "expr"
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


@dataclass
class Index:
    name: str  # MySQL's name (per table)
    unique: bool
    columns: list[str]
    fulltext: bool = False  # FULLTEXT / SPATIAL: kept by MySQL targets only (see docs/migrations.md)


@dataclass
class Table:
    name: str
    columns: list[Column] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    comment: str | None = None
    collation: str | None = None  # the table's default collation
    auto_increment_start: int | None = None

    def column(self, name: str) -> Column | None:
        low = name.lower()
        return next((c for c in self.columns if c.name.lower() == low), None)

    def index(self, name: str) -> Index | None:
        low = name.lower()
        return next((i for i in self.indexes if i.name.lower() == low), None)

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
                  comment=data.get("comment"), collation=data.get("collation"))
