"""The catalog model: what the provider knows about a table beyond what the engine stores, and how an
ALTER TABLE operation changes a table's logical spec.

Engines store physical types (SQLite: INTEGER/TEXT/REAL); the provider records the logical ones
(INT, VARCHAR(40), JSON, ...) it was given, so `get_table` returns what `create_table` was given.
Tables created by raw SQL have no record: their logical types are guessed from the declared ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from providers.db.entity import AlterTableAction, AlterTableOperation, Column, DataType, Index, IndexType, Table
from providers.db.validation import check_name, enum_value, invalid
from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass

# Names of the provider's catalog tables (reserved: users cannot create or query them).
TABLES = "_cozelite_rdb_tables"
COLUMNS = "_cozelite_rdb_columns"

_DECLARED: dict[str, DataType] = {
    "INT": DataType.INT, "INTEGER": DataType.BIGINT, "BIGINT": DataType.BIGINT, "TINYINT": DataType.INT,
    "SMALLINT": DataType.INT, "BOOL": DataType.BOOLEAN, "BOOLEAN": DataType.BOOLEAN, "VARCHAR": DataType.VARCHAR,
    "CHAR": DataType.VARCHAR, "JSON": DataType.JSON, "TIMESTAMP": DataType.TIMESTAMP,
    "DATETIME": DataType.TIMESTAMP, "FLOAT": DataType.FLOAT, "REAL": DataType.DOUBLE, "DOUBLE": DataType.DOUBLE,
}


def logical_type(declared: str) -> tuple[DataType, int | None]:
    """Best guess of the logical type of a column created by raw SQL (no catalog entry)."""
    upper = declared.upper()
    base = upper.split("(", 1)[0].strip()
    length = None
    if "(" in upper:
        try:
            length = int(upper.split("(", 1)[1].split(")", 1)[0].split(",")[0])
        except ValueError:
            length = None
    kind = _DECLARED.get(base, DataType.TEXT)
    return kind, length if kind is DataType.VARCHAR else None


def default_text(dflt: str | None) -> str | None:
    """A column default as the engine reports it (an SQL literal) -> the string the contract uses."""
    if dflt is None:
        return None
    if len(dflt) >= 2 and dflt[0] == dflt[-1] == "'":
        return dflt[1:-1].replace("''", "'")
    return dflt


@dataclass(frozen=True)
class Change:
    """One applied ALTER operation: what an engine has to do to its table."""

    action: AlterTableAction
    column: Column | None = None  # ADD / MODIFY: the new definition; RENAME: the column renamed
    old_name: str | None = None  # RENAME: the column's former name
    index: Index | None = None  # ADD INDEX


def apply_alter(spec: Table, source: MutableMapping[str, str | None], op: AlterTableOperation) -> Change:
    """Apply one operation to the logical `spec` (checking it against the table as it is by now).

    `source` maps each column of the new spec to the old column its values come from (None for a
    new column), for engines that rebuild the table to change it.
    """
    action = enum_value(AlterTableAction, op.action, "alter action")
    name = spec.name
    if action in (AlterTableAction.ADD_COLUMN, AlterTableAction.DROP_COLUMN, AlterTableAction.MODIFY_COLUMN,
                  AlterTableAction.RENAME_COLUMN) and op.column is None:
        raise invalid(f"column is required for {action.value} operation")
    col = op.column
    if action is AlterTableAction.ADD_COLUMN:
        assert col is not None
        check_name("column", col.name)
        if spec.column(col.name) is not None:
            raise ProviderError(ErrorCode.ALREADY_EXISTS, f"column {col.name!r} already exists in {name!r}")
        spec.columns.append(col)
        source[col.name] = None
        col.data_type = enum_value(DataType, col.data_type, "data type")
        return Change(action, column=col)
    if action is AlterTableAction.DROP_COLUMN:
        assert col is not None
        if spec.column(col.name) is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"column {col.name!r} does not exist in {name!r}")
        if len(spec.columns) == 1:
            raise invalid(f"cannot drop {col.name!r}, the last column of {name!r}; drop the table instead")
        spec.columns = [c for c in spec.columns if c.name != col.name]
        source.pop(col.name, None)
        for idx in spec.indexes:
            idx.columns = [c for c in idx.columns if c != col.name]
        spec.indexes = [i for i in spec.indexes if i.columns]
        return Change(action, column=col)
    if action is AlterTableAction.MODIFY_COLUMN:
        assert col is not None
        pos = next((i for i, c in enumerate(spec.columns) if c.name == col.name), None)
        if pos is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"column {col.name!r} does not exist in {name!r}")
        spec.columns[pos] = col
        return Change(action, column=col)
    if action is AlterTableAction.RENAME_COLUMN:
        assert col is not None
        if not op.old_name:
            raise invalid("column and old name are required for RENAME COLUMN operation")
        old = spec.column(op.old_name)
        if old is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"column {op.old_name!r} does not exist in {name!r}")
        check_name("column", col.name)
        if spec.column(col.name) is not None:
            raise ProviderError(ErrorCode.ALREADY_EXISTS, f"column {col.name!r} already exists in {name!r}")
        old_name = old.name
        old.name = col.name
        source[col.name] = source.pop(old_name)
        for idx in spec.indexes:
            idx.columns = [col.name if c == old_name else c for c in idx.columns]
        return Change(action, column=old, old_name=old_name)
    # ADD INDEX
    if op.index is None:
        raise invalid("index is required for ADD INDEX operation")
    idx = Index(name=op.index.name, type=enum_value(IndexType, op.index.type, "index type"),
                columns=list(op.index.columns))
    for c in idx.columns:
        if spec.column(c) is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"index {idx.name!r}: column {c!r} not in {name!r}")
    if idx.type is IndexType.PRIMARY_KEY:
        if any(i.type is IndexType.PRIMARY_KEY for i in spec.indexes):
            raise ProviderError(ErrorCode.ALREADY_EXISTS, f"table {name!r} already has a primary key")
        spec.indexes.append(idx)
        return Change(action, index=idx)
    check_name("index", idx.name)
    if any(i.name == idx.name for i in spec.indexes):
        raise ProviderError(ErrorCode.ALREADY_EXISTS, f"index {idx.name!r} already exists on {name!r}")
    if not idx.columns:
        raise invalid(f"index {idx.name!r} has no columns")
    spec.indexes.append(idx)
    return Change(action, index=idx)


# -- the engine's own catalog, read and changed in one transaction (the migration engine's door) ---

@dataclass(frozen=True)
class CatalogColumn:
    """A column as the engine's catalog reports it."""

    name: str
    declared: str  # the type as declared / formatted by the engine (lower-case on PostgreSQL)
    nullable: bool
    default: str | None  # the default's SQL text as the engine keeps it
    identity: bool = False  # AUTO_INCREMENT / identity / SQLite's INTEGER PRIMARY KEY rowid alias
    on_update_now: bool = False  # MySQL's ON UPDATE CURRENT_TIMESTAMP (other engines: a trigger)
    generated: str | None = None  # a generated column: "virtual" or "stored"
    expression: str | None = None  # its expression as the engine prints it (MySQL / MariaDB)


@dataclass(frozen=True)
class CatalogForeignKey:
    name: str  # "" where the engine does not keep it (SQLite)
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str  # RESTRICT | CASCADE | SET NULL | NO ACTION | SET DEFAULT, as the engine reports it
    on_update: str


@dataclass(frozen=True)
class CatalogIndex:
    name: str  # the engine's name (MySQL: per table; SQLite and PostgreSQL: per schema)
    unique: bool
    primary: bool
    columns: tuple[str, ...]


@dataclass(frozen=True)
class CatalogTable:
    name: str
    columns: tuple[CatalogColumn, ...]
    indexes: tuple[CatalogIndex, ...]  # the primary key included (primary=True)
    triggers: tuple[tuple[str, str], ...] = ()  # (name, SQL) where the engine keeps the text (SQLite)
    foreign_keys: tuple[CatalogForeignKey, ...] = ()

    @property
    def primary_key(self) -> tuple[str, ...]:
        return next((i.columns for i in self.indexes if i.primary), ())


class CatalogSession:
    """Statements and catalog queries on one connection, in one transaction (where the engine has
    transactional DDL: SQLite and PostgreSQL; MySQL/MariaDB commit each DDL statement on their own).

    Made by `catalog_session(rdb)`; native errors leave as ProviderError with the driver's code."""

    engine: str  # "sqlite" | "postgres" | "mysql"
    transactional_ddl: bool

    def __init__(self, engine: str, handle: Any, classify: Callable[[BaseException], ErrorClass]) -> None:
        self.engine = engine
        self.transactional_ddl = engine != "mysql"
        self._h = handle
        self._classify = classify

    def run(self, sql: str) -> None:
        """One complete statement, no parameters."""
        try:
            self._h.execute(sql)
            if self.engine != "sqlite":
                self._h.fetchall() if self._h.description else None
        except ProviderError:
            raise
        except Exception as err:
            code, hint = self._classify(err)
            raise ProviderError(code, f"{hint + ': ' if hint else ''}{type(err).__name__}: {err}") from err

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query; placeholders are `?` on every engine."""
        try:
            if self.engine == "sqlite":
                return [tuple(r) for r in self._h.execute(sql, tuple(params)).fetchall()]
            self._h.execute(sql.replace("%", "%%").replace("?", "%s"), list(params))
            return [tuple(r) for r in self._h.fetchall()] if self._h.description else []
        except ProviderError:
            raise
        except Exception as err:
            code, hint = self._classify(err)
            raise ProviderError(code, f"{hint + ': ' if hint else ''}{type(err).__name__}: {err}") from err

    def tables(self, *, internal: bool = False) -> list[str]:
        """Names of the schema's base tables (without the provider's own `_cozelite_*` ones unless asked)."""
        if self.engine == "sqlite":
            rows = self.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
                              "ESCAPE '\\' ORDER BY name")
        elif self.engine == "postgres":
            rows = self.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                              "AND table_type = 'BASE TABLE' ORDER BY table_name")
        else:
            rows = self.query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                              "AND table_type = 'BASE TABLE' ORDER BY table_name")
        names = [str(r[0]) for r in rows]
        return names if internal else [n for n in names if not n.lower().startswith("_cozelite_")]

    def describe(self, table: str) -> CatalogTable:
        """The table as the engine's catalog has it; NOT_FOUND when there is no such table."""
        if table not in self.tables(internal=True):
            raise ProviderError(ErrorCode.NOT_FOUND, f"table {table!r} does not exist")
        if self.engine == "sqlite":
            return self._describe_sqlite(table)
        if self.engine == "postgres":
            return self._describe_postgres(table)
        return self._describe_mysql(table)

    def _describe_sqlite(self, table: str) -> CatalogTable:
        cols = self.query("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) "
                          "ORDER BY cid", [table])
        pk = [r for r in cols if r[4]]
        pk.sort(key=lambda r: r[4])
        sql = (self.query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]) or [("",)])[0][0]
        rowid_alias = len(pk) == 1 and str(pk[0][1]).upper() == "INTEGER"
        autoinc = rowid_alias and "AUTOINCREMENT" in str(sql or "").upper()
        # hidden: 0 a column, 1 a virtual table's hidden one, 2 / 3 a VIRTUAL / STORED generated one
        columns = tuple(CatalogColumn(str(r[0]), str(r[1] or ""), not r[2] and not r[4], r[3],
                                      identity=bool(autoinc and r[4]),
                                      generated={2: "virtual", 3: "stored"}.get(int(r[5] or 0)))
                        for r in cols if r[5] in (0, 2, 3))
        indexes = [CatalogIndex(f"{table}.PRIMARY", True, True, tuple(str(r[0]) for r in pk))] if pk else []
        for _seq, name, unique, origin, _partial in self.query("SELECT seq, name, \"unique\", origin, partial "
                                                               "FROM pragma_index_list(?)", [table]):
            if origin == "pk":
                continue
            info = self.query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [name])
            indexes.append(CatalogIndex(str(name), bool(unique), False, tuple(str(r[0]) for r in info)))
        triggers = tuple((str(r[0]), str(r[1])) for r in self.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name", [table]))
        fks: dict[int, list[tuple[Any, ...]]] = {}
        for r in self.query("SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete "
                            "FROM pragma_foreign_key_list(?) ORDER BY id, seq", [table]):
            fks.setdefault(int(r[0]), []).append(r)
        foreign = tuple(CatalogForeignKey("", tuple(str(r[3]) for r in rs), str(rs[0][2]),
                                          tuple(str(r[4]) for r in rs), str(rs[0][6]), str(rs[0][5]))
                        for _, rs in sorted(fks.items()))
        return CatalogTable(table, columns, tuple(indexes), triggers, foreign)

    def _describe_postgres(self, table: str) -> CatalogTable:
        cols = self.query(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, "
            "CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END, a.attidentity <> '', "
            "a.attgenerated FROM pg_attribute a "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = (quote_ident(current_schema()) || '.' || quote_ident(?))::regclass "
            "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", [table])
        columns = tuple(CatalogColumn(str(r[0]), str(r[1]), bool(r[2]), r[3], bool(r[4]),
                                      generated="stored" if r[5] == "s" else None) for r in cols)
        idx = self.query(
            "SELECT ic.relname, x.indisunique, x.indisprimary, ARRAY(SELECT a.attname FROM unnest(x.indkey) "
            "WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum "
            "ORDER BY k.n) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid "
            "WHERE x.indrelid = (quote_ident(current_schema()) || '.' || quote_ident(?))::regclass "
            "ORDER BY ic.relname", [table])
        indexes = tuple(CatalogIndex(str(r[0]), bool(r[1]), bool(r[2]), tuple(str(c) for c in r[3])) for r in idx)
        rules = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
        fk = self.query(
            "SELECT c.conname, ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n), r.relname, "
            "ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n) "
            "JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n), "
            "c.confdeltype, c.confupdtype FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid "
            "WHERE c.contype = 'f' AND c.conrelid = (quote_ident(current_schema()) || '.' || quote_ident(?))::regclass "
            "ORDER BY c.conname", [table])
        foreign = tuple(CatalogForeignKey(str(r[0]), tuple(str(c) for c in r[1]), str(r[2]),
                                          tuple(str(c) for c in r[3]), rules[str(r[4])], rules[str(r[5])]) for r in fk)
        return CatalogTable(table, columns, indexes, foreign_keys=foreign)

    def _describe_mysql(self, table: str) -> CatalogTable:
        cols = self.query(
            "SELECT column_name, column_type, is_nullable = 'YES', column_default, extra LIKE '%auto_increment%', "
            "LOWER(extra) LIKE '%on update%', LOWER(extra), generation_expression FROM information_schema.columns "
            "WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position", [table])
        columns = tuple(CatalogColumn(str(r[0]), str(r[1]), bool(r[2]), None if "generated" in str(r[6]) else r[3],
                                      bool(r[4]), bool(r[5]),
                                      generated=("stored" if "stored" in str(r[6]) else "virtual")
                                      if "generated" in str(r[6]) else None,
                                      expression=r[7] if "generated" in str(r[6]) else None) for r in cols)
        rows = self.query(
            "SELECT index_name, non_unique = 0, column_name FROM information_schema.statistics "
            "WHERE table_schema = DATABASE() AND table_name = ? ORDER BY index_name, seq_in_index", [table])
        grouped: dict[str, tuple[bool, list[str]]] = {}
        for name, unique, col in rows:
            grouped.setdefault(str(name), (bool(unique), []))[1].append(str(col))
        indexes = tuple(CatalogIndex(n, u, n == "PRIMARY", tuple(c)) for n, (u, c) in sorted(grouped.items()))
        fk_rows = self.query(
            "SELECT k.constraint_name, k.column_name, k.referenced_table_name, k.referenced_column_name, "
            "r.delete_rule, r.update_rule FROM information_schema.key_column_usage k "
            "JOIN information_schema.referential_constraints r ON r.constraint_schema = k.constraint_schema "
            "AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name "
            "WHERE k.table_schema = DATABASE() AND k.table_name = ? AND k.referenced_table_name IS NOT NULL "
            "ORDER BY k.constraint_name, k.ordinal_position", [table])
        fks: dict[str, list[tuple[Any, ...]]] = {}
        for r in fk_rows:
            fks.setdefault(str(r[0]), []).append(r)
        foreign = tuple(CatalogForeignKey(n, tuple(str(r[1]) for r in rs), str(rs[0][2]),
                                          tuple(str(r[3]) for r in rs), str(rs[0][4]), str(rs[0][5]))
                        for n, rs in sorted(fks.items()))
        return CatalogTable(table, columns, indexes, foreign_keys=foreign)


@contextmanager
def catalog_session(rdb: Any, *, foreign_keys_off: bool = False) -> Iterator[CatalogSession]:
    """One transaction on the provider's engine for schema changes and catalog reads: committed
    when the block ends, rolled back when it raises (MySQL/MariaDB: DDL commits on its own).

    `foreign_keys_off` (SQLite): foreign keys off for the block, as SQLite's table-rebuild procedure
    needs (the pragma cannot change inside a transaction); the caller checks `foreign_key_check`."""
    rdb.check_open()
    driver = rdb.driver
    # The drivers' transactions are private (`SQLiteDriver._conn` / `_write`, `ServerDriver._tx`):
    # the public driver API (driver.RDBDriver) is one statement per call, and the DB-API
    # connections under it have no public way to be reached. This module is the db package's own
    # schema tool, next to the drivers, so it uses their transactions directly rather than open a
    # second connection: SQLite's must be the thread's own (BEGIN IMMEDIATE, the guard's state
    # checks) and a server's comes from the driver's pool.
    if rdb.implementation == "sqlite":  # one connection per thread
        conn = driver._conn()
        if foreign_keys_off:
            conn.execute("PRAGMA foreign_keys=OFF")
        try:
            with driver._write() as c:
                yield CatalogSession("sqlite", c, driver.classify_error)
        finally:
            if foreign_keys_off:
                conn.execute("PRAGMA foreign_keys=ON")
        return
    with driver._tx() as cur:
        yield CatalogSession(driver.name, cur, driver.classify_error)
