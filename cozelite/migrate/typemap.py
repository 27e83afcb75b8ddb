"""The documented mapping (docs/migrations.md): MySQL column types and collations -> what SQLite and
PostgreSQL hold. One table in code; the planners print from it and the differential test compares
the engines' catalogs through it (`family`), so the doc, the planners and the test cannot drift.

A MySQL type here is its base name as sqlglot's MySQL reader names it (`INT`, `UINT` = INT UNSIGNED,
`VARCHAR`, ...). Choices (each one in the doc, with why):
- UNSIGNED: PostgreSQL gets the next wider signed type plus `CHECK (col >= 0)`; BIGINT UNSIGNED stays
  BIGINT (+ CHECK): identity columns must be integers, and ids above 2^63-1 do not occur in practice
  (such a value is refused, not wrapped). SQLite: INTEGER + the same CHECK.
- ENUM: a VARCHAR of the longest member + `CHECK (col IN (...))` on both (no PostgreSQL type: a type
  makes every later MODIFY of the member list a multi-step dance, a CHECK is replaced in one step).
- SET: VARCHAR/TEXT holding the comma list; membership is not checked (documented loss).
- JSON: PostgreSQL JSON (keeps the text as written, as MariaDB's LONGTEXT does), SQLite TEXT +
  `CHECK (json_valid(col))`.
- Lengths (VARCHAR(n), CHAR(n)): PostgreSQL enforces them; SQLite gets `CHECK (length(col) <= n)`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeRule:
    family: str  # what the differential compares: int, decimal, float, string, binary, datetime, date, time
    sqlite: str  # declared type (its affinity is SQLite's rule on this name)
    postgres: str  # "{n}" / "{p},{s}" are the MySQL parameters
    unsigned_postgres: str | None = None  # the wider PostgreSQL type for the UNSIGNED variant
    note: str = ""


# MySQL base type -> rule. sqlglot names the UNSIGNED integers UTINYINT ... UBIGINT, UDECIMAL.
RULES: dict[str, TypeRule] = {
    "TINYINT": TypeRule("int", "INTEGER", "SMALLINT", "SMALLINT", "TINYINT(1)/BOOL: values 0/1, not a boolean"),
    "SMALLINT": TypeRule("int", "INTEGER", "SMALLINT", "INTEGER"),
    "MEDIUMINT": TypeRule("int", "INTEGER", "INTEGER", "INTEGER"),
    "INT": TypeRule("int", "INTEGER", "INTEGER", "BIGINT"),
    "BIGINT": TypeRule("int", "INTEGER", "BIGINT", "BIGINT", "UNSIGNED values above 2^63-1 are refused"),
    "YEAR": TypeRule("int", "INTEGER", "SMALLINT"),
    "BIT": TypeRule("int", "INTEGER", "BIGINT", note="b'..' literals are not translated"),
    "DECIMAL": TypeRule("decimal", "NUMERIC", "NUMERIC({p},{s})", "NUMERIC({p},{s})",
                        "SQLite keeps 15 significant digits (REAL storage)"),
    "FLOAT": TypeRule("float", "REAL", "REAL", "REAL"),
    "DOUBLE": TypeRule("float", "REAL", "DOUBLE PRECISION", "DOUBLE PRECISION"),
    "CHAR": TypeRule("string", "TEXT", "VARCHAR({n})", note="PostgreSQL CHAR pads; MySQL strips on read: VARCHAR"),
    "VARCHAR": TypeRule("string", "TEXT", "VARCHAR({n})"),
    "TINYTEXT": TypeRule("string", "TEXT", "TEXT"),
    "TEXT": TypeRule("string", "TEXT", "TEXT"),
    "MEDIUMTEXT": TypeRule("string", "TEXT", "TEXT"),
    "LONGTEXT": TypeRule("string", "TEXT", "TEXT"),
    "ENUM": TypeRule("string", "TEXT", "VARCHAR({n})", note="CHECK (col IN (...)) on both"),
    "SET": TypeRule("string", "TEXT", "VARCHAR({n})", note="membership not checked"),
    "JSON": TypeRule("string", "TEXT", "JSON", note="MariaDB: LONGTEXT + json_valid; families compare as string"),
    "BINARY": TypeRule("binary", "BLOB", "BYTEA"),
    "VARBINARY": TypeRule("binary", "BLOB", "BYTEA"),
    "TINYBLOB": TypeRule("binary", "BLOB", "BYTEA"),
    "BLOB": TypeRule("binary", "BLOB", "BYTEA"),
    "MEDIUMBLOB": TypeRule("binary", "BLOB", "BYTEA"),
    "LONGBLOB": TypeRule("binary", "BLOB", "BYTEA"),
    "DATE": TypeRule("date", "TEXT", "DATE", note="SQLite: ISO text 'YYYY-MM-DD'"),
    "TIME": TypeRule("time", "TEXT", "TIME", note="SQLite: ISO text"),
    "DATETIME": TypeRule("datetime", "TEXT", "TIMESTAMP({n})", note="SQLite: ISO text; no time zone"),
    "TIMESTAMP": TypeRule("datetime", "TEXT", "TIMESTAMP({n})",
                          note="stored without zone (sessions run in UTC, as the db provider's)"),
}

# sqlglot's reader names -> MySQL base names above.
ALIASES: dict[str, str] = {
    "UTINYINT": "TINYINT", "USMALLINT": "SMALLINT", "UMEDIUMINT": "MEDIUMINT", "UINT": "INT", "UBIGINT": "BIGINT",
    "UDECIMAL": "DECIMAL", "UDOUBLE": "DOUBLE", "UFLOAT": "FLOAT", "INTEGER": "INT", "BOOLEAN": "TINYINT",
    "BOOL": "TINYINT", "NUMERIC": "DECIMAL", "DEC": "DECIMAL", "FIXED": "DECIMAL", "REAL": "DOUBLE",
    "TIMESTAMPTZ": "TIMESTAMP", "TIMESTAMPLTZ": "TIMESTAMP", "INT1": "TINYINT", "INT2": "SMALLINT",
    "INT3": "MEDIUMINT", "INT4": "INT", "INT8": "BIGINT", "NCHAR": "CHAR", "NVARCHAR": "VARCHAR",
    "DOUBLE PRECISION": "DOUBLE",
}
UNSIGNED_NAMES = frozenset(("UTINYINT", "USMALLINT", "UMEDIUMINT", "UINT", "UBIGINT", "UDECIMAL", "UDOUBLE", "UFLOAT"))

# Family of a type name as each engine's catalog prints it (MariaDB column_type, PostgreSQL
# format_type, SQLite declared type): the comparison's side of the same table.
_CATALOG_FAMILY: dict[str, str] = {
    # MariaDB
    "tinyint": "int", "smallint": "int", "mediumint": "int", "int": "int", "bigint": "int", "year": "int",
    "bit": "int", "decimal": "decimal", "float": "float", "double": "float", "char": "string",
    "varchar": "string", "tinytext": "string", "text": "string", "mediumtext": "string", "longtext": "string",
    "enum": "string", "set": "string", "json": "string", "binary": "binary", "varbinary": "binary",
    "tinyblob": "binary", "blob": "binary", "mediumblob": "binary", "longblob": "binary", "date": "date",
    "time": "time", "datetime": "datetime", "timestamp": "datetime",
    # PostgreSQL
    "integer": "int", "numeric": "decimal", "real": "float", "double precision": "float",
    "character varying": "string", "character": "string", "jsonb": "string", "bytea": "binary",
    "timestamp without time zone": "datetime", "timestamp with time zone": "datetime",
    "time without time zone": "time",
}

# SQLite's declared types carry an affinity, not a family: the expected family there is the
# affinity's, which is what the mapping promises (dates are ISO text, decimals NUMERIC).
SQLITE_AFFINITY_FAMILY = {"INTEGER": "int", "INT": "int", "TEXT": "string", "REAL": "float", "NUMERIC": "decimal",
                          "BLOB": "binary"}


def base_name(name: str) -> str:
    upper = name.upper()
    return ALIASES.get(upper, upper)


def rule(name: str) -> TypeRule | None:
    return RULES.get(base_name(name))


def catalog_family(engine: str, declared: str) -> str:
    """The family of a type as an engine's catalog prints it ("int(10) unsigned", "character varying(40)")."""
    text = declared.strip().lower()
    if engine == "sqlite":
        return SQLITE_AFFINITY_FAMILY.get(text.split("(", 1)[0].strip().upper(), "string")
    head = text.split("(", 1)[0].replace(" unsigned", "").replace(" zerofill", "").strip()
    if (head.startswith("time") and "zone" in head) or head.startswith("timestamp"):
        return "datetime" if head.startswith("timestamp") else "time"
    return _CATALOG_FAMILY.get(head, "other:" + head)


def expected_family(engine: str, mysql_family: str) -> str:
    """The family `engine` holds for a MySQL column of `mysql_family`, by the mapping above."""
    if engine != "sqlite":
        return mysql_family
    if mysql_family in ("date", "time", "datetime"):
        return "string"  # ISO text
    return mysql_family


def expected_generated(engine: str, mysql_kind: str | None) -> str | None:
    """The kind of generated column `engine` holds for MySQL's: PostgreSQL (before 18) stores every one."""
    if mysql_kind is not None and engine == "postgres":
        return "stored"
    return mysql_kind


def expected_fk_action(engine: str, action: str) -> str:
    """A referential action as the comparison sees it: InnoDB's NO ACTION is RESTRICT (checked at once),
    and the targets are given RESTRICT explicitly."""
    return "RESTRICT" if action.upper() == "NO ACTION" else action.upper()


# -- collations ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CollationRule:
    case_insensitive: bool
    accent_insensitive: bool
    sqlite: str | None  # None: SQLite's default BINARY
    postgres: str | None  # None: the database's deterministic default; else a collation name
    note: str = ""


# The PostgreSQL ICU collations the migration creates when a column needs them.
PG_ICU_COLLATIONS: dict[str, str] = {
    "cozelite_ci_ai": "und-u-ks-level1",  # case- and accent-insensitive (MySQL *_ci: 'a' = 'A' = 'á')
}

COLLATIONS: dict[str, CollationRule] = {
    "utf8mb4_bin": CollationRule(False, False, None, "C", "byte order, as MySQL's _bin"),
    "utf8mb4_general_ci": CollationRule(True, True, "NOCASE", "cozelite_ci_ai",
                                        "SQLite NOCASE folds ASCII letters only"),
    "utf8mb4_unicode_ci": CollationRule(True, True, "NOCASE", "cozelite_ci_ai",
                                        "SQLite NOCASE folds ASCII letters only"),
    "utf8mb4_unicode_520_ci": CollationRule(True, True, "NOCASE", "cozelite_ci_ai"),
    "utf8mb4_0900_ai_ci": CollationRule(True, True, "NOCASE", "cozelite_ci_ai",
                                        "MariaDB < 11.4 lacks it: utf8mb4_unicode_520_ci there"),
    "utf8_general_ci": CollationRule(True, True, "NOCASE", "cozelite_ci_ai"),
    "utf8_bin": CollationRule(False, False, None, "C"),
    "ascii_bin": CollationRule(False, False, None, "C"),
    "ascii_general_ci": CollationRule(True, True, "NOCASE", "cozelite_ci_ai"),
    "latin1_swedish_ci": CollationRule(True, True, "NOCASE", "cozelite_ci_ai"),
    "binary": CollationRule(False, False, None, "C"),
}

# MariaDB spells some MySQL 8 collations differently.
MARIADB_COLLATION = {"utf8mb4_0900_ai_ci": "utf8mb4_unicode_520_ci", "utf8mb4_0900_bin": "utf8mb4_bin"}


def collation_rule(name: str | None) -> CollationRule | None:
    """The rule of a collation: its own, else by MySQL's naming (`*_bin` binary, `*_ci` case-insensitive)."""
    if name is None:
        return None
    low = name.lower()
    if low in COLLATIONS:
        return COLLATIONS[low]
    if low.endswith("_bin"):
        return COLLATIONS["utf8mb4_bin"]
    if low.endswith("_ci"):
        return COLLATIONS["utf8mb4_general_ci"]
    return None
