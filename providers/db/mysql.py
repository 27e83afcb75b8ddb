"""`mysql://user:password@host:3306/dbname` -> user tables on a MySQL or MariaDB server, through PyMySQL.

Schemes: ``mysql``, ``mysql+pymysql``, ``mariadb`` (one implementation, "mysql"). The database must
exist; the provider creates its catalog tables (`_cozelite_rdb_*`) in it.

Query parameters:
- ``pool_size`` (default 8): connections kept open; a call waits for a free one up to
  ``pool_timeout`` seconds (default 10), then fails with UNAVAILABLE.
- ``connect_timeout`` (seconds, default 5): connecting longer than this fails (UNAVAILABLE).
- ``statement_timeout_ms`` (default 30000, 0 = none): the server stops a longer statement
  (MariaDB ``max_statement_time``, MySQL ``max_execution_time``); the socket read timeout is a
  little longer still, so a call never hangs on a server that stopped answering.

Sessions run with a strict ``sql_mode`` (a value that does not fit is an error, never truncated),
UTC, utf8mb4. Tables are InnoDB, ``utf8mb4_bin`` (comparisons are exact, as in SQLite).
Statements are IR trees printed by the compiler's MySQL dialect; PyMySQL binds the values.
"""

from __future__ import annotations

import functools
import socket
from typing import Any

import pymysql
from sqlglot import exp
from sqlglot.dialects.mysql import MySQL
from sqlglot.tokens import TokenType

from providers.db import DB, catalog
from providers.db import statements as ir
from providers.db.catalog import Change
from providers.db.contract import RDB
from providers.db.entity import AlterTableAction, Column, DataType, Index, IndexType, Table, TableOption
from providers.db.pool import ConnectionPool
from providers.db.server import COMMON_PARAMS, ServerDriver, float_to_text, int_param
from providers.db.validation import Layout, invalid, varchar_length
from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass
from providers.registry import ProviderURL
from sqlparser import parser_for
from sqlparser.errors import SQLParserError

_PHYSICAL = {
    DataType.INT: "INT", DataType.BIGINT: "BIGINT", DataType.BOOLEAN: "TINYINT", DataType.TEXT: "TEXT",
    DataType.JSON: "LONGTEXT", DataType.TIMESTAMP: "DATETIME(6)", DataType.FLOAT: "DOUBLE", DataType.DOUBLE: "DOUBLE",
}
_CHECKS = {DataType.BOOLEAN: "__c__ IN (0, 1)", DataType.JSON: "JSON_VALID(__c__)"}
_SQL_MODE = "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"

# Error numbers (MySQL / MariaDB server errors and PyMySQL client errors) -> portable code and hint.
_VALUE = ErrorClass(ErrorCode.INVALID_ARGUMENT, "a value does not fit its column's type or size")
_LOST = ErrorClass(ErrorCode.UNAVAILABLE, "the connection to the server was lost; retry")
_ERRNO: dict[int, ErrorClass] = {
    1062: ErrorClass(ErrorCode.ALREADY_EXISTS, "duplicate key"),
    1050: ErrorClass(ErrorCode.ALREADY_EXISTS), 1060: ErrorClass(ErrorCode.ALREADY_EXISTS),
    1061: ErrorClass(ErrorCode.ALREADY_EXISTS),
    1146: ErrorClass(ErrorCode.NOT_FOUND), 1051: ErrorClass(ErrorCode.NOT_FOUND), 1091: ErrorClass(ErrorCode.NOT_FOUND),
    1049: ErrorClass(ErrorCode.NOT_FOUND, "the database does not exist"),
    1452: ErrorClass(ErrorCode.FAILED_PRECONDITION, "a foreign key does not match"),
    1451: ErrorClass(ErrorCode.FAILED_PRECONDITION, "a foreign key references the row"),
    1048: ErrorClass(ErrorCode.INVALID_ARGUMENT, "NULL in a NOT NULL column"),
    1264: _VALUE, 1265: _VALUE, 1366: _VALUE, 1406: _VALUE, 1292: _VALUE, 1367: _VALUE, 3819: _VALUE, 4025: _VALUE,
    1045: ErrorClass(ErrorCode.PERMISSION_DENIED), 1044: ErrorClass(ErrorCode.PERMISSION_DENIED),
    1142: ErrorClass(ErrorCode.PERMISSION_DENIED),
    1205: ErrorClass(ErrorCode.UNAVAILABLE, "lock wait timeout; retry"),
    1213: ErrorClass(ErrorCode.UNAVAILABLE, "deadlock; retry"),
    1969: ErrorClass(ErrorCode.UNAVAILABLE, "statement timeout (statement_timeout_ms)"),
    3024: ErrorClass(ErrorCode.UNAVAILABLE, "statement timeout (statement_timeout_ms)"),
    2003: ErrorClass(ErrorCode.UNAVAILABLE, "cannot reach the server"),
    2006: _LOST, 2013: _LOST, 2014: _LOST, 2055: _LOST, 0: _LOST,
}
_DISCONNECT = {2006, 2013, 2014, 2055, 0}


def classify_error(err: BaseException) -> ErrorClass:
    if isinstance(err, ProviderError):
        return ErrorClass(err.code)
    if isinstance(err, pymysql.err.MySQLError) and err.args and isinstance(err.args[0], int):
        known = _ERRNO.get(err.args[0])
        if known is not None:
            return known
    if isinstance(err, pymysql.err.InterfaceError) or isinstance(err, (ConnectionError, socket.timeout)):
        return _LOST
    if isinstance(err, (pymysql.err.ProgrammingError, pymysql.err.DataError, pymysql.err.IntegrityError,
                        pymysql.err.OperationalError, SQLParserError, TypeError, ValueError)):
        return ErrorClass(ErrorCode.INVALID_ARGUMENT)
    return ErrorClass(ErrorCode.INTERNAL)


@functools.lru_cache(maxsize=2048)
def pyformat(sql: str) -> str:
    """Printed MySQL text -> PyMySQL's text: each `?` placeholder becomes %s and every other % is
    doubled (PyMySQL formats the statement with %). The compiler's MySQL tokens say which `?` are
    placeholders, so a `?` in a string or a name is left alone."""
    marks = {t.start for t in MySQL().tokenize(sql) if t.token_type is TokenType.PLACEHOLDER and t.text == "?"}
    return "".join("%s" if i in marks else ("%%" if ch == "%" else ch) for i, ch in enumerate(sql))


class MySQLDriver(ServerDriver):
    """The PyMySQL driver of `RDB` (see the module docstring for the URI)."""

    name = "mysql"
    dialect = "mysql"
    NO_LIMIT = 18446744073709551615  # MySQL's "no limit" for LIMIT ? OFFSET ?
    LIKE_ESCAPE = "\x00"  # MariaDB reads ESCAPE '' as the default backslash
    CATALOG_DDL = (
        "CREATE TABLE IF NOT EXISTS `_cozelite_rdb_tables` (tbl VARCHAR(64) PRIMARY KEY, comment TEXT, "
        "collation_name VARCHAR(64), auto_increment BIGINT, created_at BIGINT, updated_at BIGINT) "
        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
        "CREATE TABLE IF NOT EXISTS `_cozelite_rdb_columns` (tbl VARCHAR(64), col VARCHAR(64), data_type VARCHAR(16), "
        "length INT, comment TEXT, PRIMARY KEY (tbl, col)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
        "CREATE TABLE IF NOT EXISTS `_cozelite_rdb_ping` (v VARCHAR(64)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    )

    def __init__(self, url: ProviderURL, database: str, *, pool_size: int, pool_timeout: float, connect_timeout: int,
                 statement_timeout_ms: int) -> None:
        self._connect_args: dict[str, Any] = dict(
            host=url.host or "localhost", port=url.port or 3306, user=url.username or "root",
            password=url.password or "", database=database, charset="utf8mb4", autocommit=False,
            connect_timeout=connect_timeout, sql_mode=_SQL_MODE, init_command="SET time_zone = '+00:00'")
        if statement_timeout_ms:
            # A backstop under the server's own timeout: the socket gives up a little later.
            self._connect_args.update(read_timeout=statement_timeout_ms / 1000 + 10,
                                      write_timeout=statement_timeout_ms / 1000 + 10)
        self.statement_timeout_ms = statement_timeout_ms
        where = f"mysql {self._connect_args['host']}:{self._connect_args['port']}/{database}"
        pool: ConnectionPool[pymysql.connections.Connection[Any]] = ConnectionPool(
            self._connect, lambda c: c.close(), size=pool_size, timeout=pool_timeout, what=where)
        super().__init__(url, parser_for(url.raw), pool, row_id=None, upsert_style="on_duplicate_key")

    def _connect(self) -> pymysql.connections.Connection[Any]:
        conn = pymysql.connect(**self._connect_args)
        if self.statement_timeout_ms:
            try:
                with conn.cursor() as cur:
                    if "mariadb" in conn.get_server_info().lower():
                        cur.execute("SET SESSION max_statement_time = %s", [self.statement_timeout_ms / 1000])
                    else:
                        cur.execute("SET SESSION max_execution_time = %s", [self.statement_timeout_ms])
            except BaseException:
                conn.close()
                raise
        return conn

    def classify_error(self, err: BaseException) -> ErrorClass:
        return classify_error(err)

    def _broken(self, err: BaseException) -> bool:
        if isinstance(err, pymysql.err.InterfaceError) or isinstance(err, (ConnectionError, socket.timeout)):
            return True
        return isinstance(err, pymysql.err.OperationalError) and bool(err.args) and err.args[0] in _DISCONNECT

    def _driver_sql(self, sql: str) -> str:
        return pyformat(sql)

    # -- schema ----------------------------------------------------------------------------------

    def _column_def(self, col: Column, *, in_pk: bool = False) -> exp.ColumnDef:
        physical = f"VARCHAR({varchar_length(col)})" if col.data_type is DataType.VARCHAR else _PHYSICAL[col.data_type]
        check = None
        if col.data_type in _CHECKS:
            check = ir.condition_template(_CHECKS[col.data_type], "mysql", col.name)
        definition = ir.column_def(col, exp.DataType.build(physical, dialect="mysql"), check=check,
                                   not_null=in_pk, check_named=False)
        for now in definition.find_all(exp.CurrentTimestamp):
            now.set("this", exp.Literal.number(6))  # DATETIME(6) takes CURRENT_TIMESTAMP(6) only
        if col.auto_increment:
            definition.append("constraints", exp.ColumnConstraint(kind=exp.AutoIncrementColumnConstraint()))
        return definition

    def _create_ddl(self, spec: Table, layout: Layout) -> list[str]:
        auto = [c for c in spec.columns if c.auto_increment]
        if auto and (len(auto) > 1 or auto[0].data_type not in (DataType.INT, DataType.BIGINT)
                     or layout.primary_key[:1] != [auto[0].name]):
            raise invalid("AUTO_INCREMENT needs one INT/BIGINT column that leads the primary key")
        defs = [self._column_def(c, in_pk=c.name in layout.primary_key) for c in spec.columns]
        tree = ir.create_table(spec.name, defs, layout.primary_key, if_not_exists=True)
        props: list[exp.Expression] = [exp.EngineProperty(this=exp.var("InnoDB"))]
        opts = spec.options or TableOption()
        if auto and opts.auto_increment is not None:
            props.append(exp.AutoIncrementProperty(this=exp.Literal.number(max(opts.auto_increment, 1))))
        props += [exp.CharacterSetProperty(this=exp.var("utf8mb4"), default=True),
                  exp.CollateProperty(this=exp.var("utf8mb4_bin"))]
        tree.set("properties", exp.Properties(expressions=props))
        return [self._render(tree)] + [self._render(ir.create_index(i.name, spec.name, i)) for i in layout.indexes]

    def _exists(self, cur: Any, name: str) -> bool:
        cur.execute("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                    "AND TABLE_NAME = %s", [name])
        return bool(cur.fetchall())

    def _primary_key(self, cur: Any, name: str) -> list[str]:
        cur.execute("SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                    "AND TABLE_NAME = %s AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX", [name])
        return [r[0] for r in cur.fetchall()]

    def _describe_physical(self, cur: Any, name: str) -> tuple[list[Column], list[Index], int | None]:
        cur.execute("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA FROM "
                    "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s "
                    "ORDER BY ORDINAL_POSITION", [name])
        columns = []
        for col, declared, nullable, default, extra in cur.fetchall():
            kind, length = catalog.logical_type(declared)
            if default is not None and default.upper() == "NULL":
                default = None  # MariaDB reports "no default" on a nullable column as NULL
            elif default is not None and default.lower().startswith("current_timestamp"):
                default = "CURRENT_TIMESTAMP"
            columns.append(Column(name=col, data_type=kind, length=length, not_null=nullable == "NO",
                                  default_value=catalog.default_text(default),
                                  auto_increment="auto_increment" in (extra or "").lower()))
        cur.execute("SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS WHERE "
                    "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s ORDER BY INDEX_NAME, SEQ_IN_INDEX", [name])
        grouped: dict[str, Index] = {}
        for idx, non_unique, col in cur.fetchall():
            index_type = IndexType.PRIMARY_KEY if idx == "PRIMARY" else (
                IndexType.NORMAL_KEY if int(non_unique) else IndexType.UNIQUE_KEY)
            grouped.setdefault(idx, Index(name=idx, type=index_type, columns=[])).columns.append(col)
        auto_next = None
        if any(c.auto_increment for c in columns):
            cur.execute("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                        "AND TABLE_NAME = %s", [name])
            got = cur.fetchall()
            auto_next = int(got[0][0]) if got and got[0][0] is not None else 1
        return columns, list(grouped.values()), auto_next

    def _alter(self, cur: Any, name: str, before: Table, spec: Table, changes: list[Change]) -> None:
        """One ALTER TABLE for the column changes (InnoDB applies it whole or not at all), then the
        indexes. MySQL commits DDL itself: each statement is atomic, the sequence is not."""
        pk = next((i.columns for i in spec.indexes if i.type is IndexType.PRIMARY_KEY), [])
        actions: list[exp.Expression] = []
        after: list[str] = []
        for change in changes:
            col = change.column
            if change.action is AlterTableAction.ADD_COLUMN:
                assert col is not None
                actions.append(self._column_def(col))
            elif change.action is AlterTableAction.DROP_COLUMN:
                assert col is not None
                actions += ir.from_template("ALTER TABLE t DROP COLUMN __c__", "mysql", {"c": col.name}).args["actions"]
            elif change.action is AlterTableAction.MODIFY_COLUMN:
                assert col is not None
                actions.append(exp.ModifyColumn(this=self._column_def(col, in_pk=col.name in pk)))
                old = before.column(col.name)
                if old is not None and float_to_text(old.data_type, col.data_type):
                    # MySQL prints 1.0 as '1'; the contract keeps SQLite's '1.0'.
                    after.append(self._template(
                        "UPDATE __t__ SET __c__ = CONCAT(__c__, '.0') "
                        "WHERE LOCATE('.', __c__) = 0 AND LOCATE('e', __c__) = 0", t=name, c=col.name))
            elif change.action is AlterTableAction.RENAME_COLUMN:
                assert col is not None and change.old_name is not None
                actions.append(exp.RenameColumn(this=ir.column(change.old_name), to=ir.column(col.name)))
            else:
                idx = change.index
                assert idx is not None
                if idx.type is IndexType.PRIMARY_KEY:
                    actions.append(exp.AddConstraint(expressions=[
                        exp.PrimaryKey(expressions=[ir.ident(c) for c in idx.columns])]))
                else:
                    after.insert(0, self._render(ir.create_index(idx.name, name, idx)))
        if actions:
            cur.execute(self._render(exp.Alter(this=ir.table(name), kind="TABLE", actions=actions)), [])
        for sql in after:
            cur.execute(sql, [])

    def _upsert_updated(self, affected: int, inserted: int) -> int:
        # ON DUPLICATE KEY UPDATE counts 1 per inserted row and 2 per updated one.
        return (affected - inserted) // 2


@DB.register("mysql", "mysql+pymysql", "mariadb", name="mysql")
def open_mysql(url: ProviderURL) -> RDB:
    url.reject_unknown_params(COMMON_PARAMS)
    database = url.path.removeprefix("/")
    if not database or "/" in database:
        raise invalid(f"mysql URI needs a database name: {url.redacted!r}, for example "
                      "mysql://user:password@127.0.0.1:3306/app")
    driver = MySQLDriver(url, database, pool_size=int_param(url, "pool_size", 8, minimum=1),
                         pool_timeout=int_param(url, "pool_timeout", 10, minimum=1),
                         connect_timeout=int_param(url, "connect_timeout", 5, minimum=1),
                         statement_timeout_ms=int_param(url, "statement_timeout_ms", 30000))
    return RDB(driver, name="mysql")
