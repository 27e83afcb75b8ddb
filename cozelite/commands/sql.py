"""`cozelite sql ...`: the SQLParser contract on the command line.

SQL comes as the last argument or on stdin; errors go to stderr with exit code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click

from providers.errors import ProviderError
from sqlparser import (
    ColumnValue,
    InvalidArgumentError,
    PrimaryKeyValue,
    SQLParser,
    SQLParserError,
    TableColumn,
    new_parser,
    parser_for,
)

EXIT_ERROR = 2


class _Opts:
    def __init__(self, db_uri: str | None, dialect: str | None, style: str, portable_names: bool,
                 as_json: bool) -> None:
        self.db_uri = db_uri
        self.dialect = dialect
        self.style = style
        self.portable_names = portable_names
        self.as_json = as_json

    def parser(self, dialect: str | None = None) -> SQLParser:
        if dialect is not None:
            return new_parser(dialect, style=self.style, portable_names=self.portable_names)
        if self.db_uri:
            return parser_for(self.db_uri, style=self.style, portable_names=self.portable_names)
        return new_parser(self.dialect or "mysql", style=self.style, portable_names=self.portable_names)


@click.group(name="sql")
@click.option("--db-uri", help="Pick the dialect by database URI (sqlite:///app.db, postgresql://..., mysql://...).")
@click.option("--dialect", type=click.Choice(["mysql", "sqlite", "postgres"]),
              help="Pick the dialect by name (default mysql).")
@click.option("--style", type=click.Choice(["native", "compat"]), default="native", show_default=True,
              help="native: valid SQL for the engine; compat: byte-compatible with Coze Studio's Go output.")
@click.option("--no-portable-names", is_flag=True,
              help="Accept MySQL 8 reserved words as bare names where the engine does.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of plain text.")
@click.pass_context
def command(ctx: click.Context, db_uri: str | None, dialect: str | None, style: str, no_portable_names: bool,
            as_json: bool) -> None:
    """Rewrite and inspect single SQL statements."""
    if db_uri and dialect:
        raise click.UsageError("give --db-uri or --dialect, not both")
    ctx.obj = _Opts(db_uri, dialect, style, not no_portable_names, as_json)


def _read_sql(sql: str | None) -> str:
    if sql is not None and sql != "-":
        return sql
    if sys.stdin is None or sys.stdin.isatty():
        raise click.UsageError("give the SQL statement as an argument or on stdin")
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        _fail(f"stdin is not UTF-8 text (byte {err.start}): {err.reason}")
        raise AssertionError("unreachable") from err


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _run(opts: _Opts, fn: Callable[[], dict[str, Any]], plain_key: str) -> None:
    try:
        result = fn()
    except SQLParserError as err:
        if opts.as_json:
            payload = {"error": str(err), "type": type(err).__name__}
            for attr in ("line", "column", "token"):
                if hasattr(err, attr):
                    payload[attr] = getattr(err, attr)
            click.echo(json.dumps(payload, ensure_ascii=False), err=True)
            sys.exit(EXIT_ERROR)
        _fail(str(err))
        return
    if opts.as_json:
        click.echo(json.dumps(result, ensure_ascii=False, default=str))
    else:
        click.echo(result[plain_key])


def _value(text: str) -> Any:
    """A column value from the command line: JSON when it parses (18, true, null, "x"), else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _pairs(items: tuple[str, ...], what: str) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint=what)
        pairs.append((key, value))
    return pairs


sql_argument = click.argument("sql", required=False)


@command.command("op")
@sql_argument
@click.pass_obj
def op_cmd(opts: _Opts, sql: str | None) -> None:
    """Print the statement kind (SELECT, INSERT, ..., UNKNOWN)."""
    text = _read_sql(sql)
    _run(opts, lambda: {"operation": opts.parser().get_sql_operation(text).value}, "operation")


@command.command("table")
@sql_argument
@click.pass_obj
def table_cmd(opts: _Opts, sql: str | None) -> None:
    """Print the first table a SELECT/INSERT/UPDATE/DELETE names."""
    text = _read_sql(sql)
    _run(opts, lambda: {"table": opts.parser().get_table_name(text)}, "table")


@command.command("count-rows")
@sql_argument
@click.pass_obj
def count_rows_cmd(opts: _Opts, sql: str | None) -> None:
    """Print the number of rows an INSERT ... VALUES inserts."""
    text = _read_sql(sql)
    _run(opts, lambda: {"rows": opts.parser().get_insert_data_nums(text)}, "rows")


@command.command("rewrite")
@click.option("--table", "tables", multiple=True, metavar="OLD=NEW", help="Rename a table (repeatable).")
@click.option("--column", "columns", multiple=True, metavar="TABLE.OLD=NEW", help="Rename a column (repeatable).")
@click.option("--map", "mapping_json", metavar="JSON",
              help='The whole mapping as JSON: {"users": {"new_table_name": "t1", "column_map": {"id": "c1"}}}.')
@sql_argument
@click.pass_obj
def rewrite_cmd(opts: _Opts, tables: tuple[str, ...], columns: tuple[str, ...], mapping_json: str | None,
                sql: str | None) -> None:
    """Rename logical tables and columns to physical ones."""
    mapping: dict[str, dict[str, Any]] = {}
    if mapping_json:
        try:
            raw = json.loads(mapping_json)
        except ValueError as err:
            raise click.BadParameter(f"not JSON: {err}", param_hint="--map") from err
        if not isinstance(raw, dict):
            raise click.BadParameter("must be a JSON object", param_hint="--map")
        for name, spec in raw.items():
            if not isinstance(spec, dict):
                raise click.BadParameter(f"{name!r} must map to an object", param_hint="--map")
            mapping[name] = {"new_table_name": spec.get("new_table_name"), "column_map": spec.get("column_map")}
    for old, new in _pairs(tables, "--table"):
        mapping.setdefault(old, {"new_table_name": None, "column_map": None})["new_table_name"] = new
    for key, new in _pairs(columns, "--column"):
        table, dot, column = key.rpartition(".")
        if not dot or not table or not column:
            raise click.BadParameter(f"{key!r} is not TABLE.COLUMN", param_hint="--column")
        spec = mapping.setdefault(table, {"new_table_name": None, "column_map": None})
        spec["column_map"] = {**(spec["column_map"] or {}), column: new}
    text = _read_sql(sql)
    table_columns = {name: TableColumn(spec["new_table_name"], spec["column_map"]) for name, spec in mapping.items()}
    _run(opts, lambda: {"sql": opts.parser().parse_and_modify_sql(text, table_columns)}, "sql")


@command.command("filter")
@click.option("--op", "op", default="AND", show_default=True, help="AND or OR.")
@click.option("--condition", required=True, help="The condition to append, e.g. \"uid = 'u1'\".")
@sql_argument
@click.pass_obj
def filter_cmd(opts: _Opts, op: str, condition: str, sql: str | None) -> None:
    """Append a condition to the WHERE of a SELECT/UPDATE/DELETE."""
    text = _read_sql(sql)
    _run(opts, lambda: {"sql": opts.parser().append_sql_filter(text, op, condition)}, "sql")


@command.command("insert-cols")
@click.option("--col", "cols", multiple=True, metavar="NAME=VALUE", help="Column to add to every row (repeatable).")
@click.option("--pk", metavar="NAME=V1,V2,...", help="Primary key column and one value per row.")
@click.option("--param", "is_param", is_flag=True, help="Add ? placeholders instead of the values.")
@sql_argument
@click.pass_obj
def insert_cols_cmd(opts: _Opts, cols: tuple[str, ...], pk: str | None, is_param: bool, sql: str | None) -> None:
    """Add hidden columns (and a primary key) to every row of an INSERT."""
    add = [ColumnValue(name, _value(value)) for name, value in _pairs(cols, "--col")]
    pk_value = None
    if pk:
        [(name, values)] = _pairs((pk,), "--pk")
        pk_value = PrimaryKeyValue(name, tuple(_value(v) for v in values.split(",")) if values else ())
    text = _read_sql(sql)

    def work() -> dict[str, Any]:
        out, existing = opts.parser().add_columns_to_insert_sql(text, add, pk_value, is_param=is_param)
        return {"sql": out, "existing_columns": sorted(existing)}

    _run(opts, work, "sql")


@command.command("select-fields")
@click.option("--field", "fields", multiple=True, required=True, help="Field to add (repeatable).")
@sql_argument
@click.pass_obj
def select_fields_cmd(opts: _Opts, fields: tuple[str, ...], sql: str | None) -> None:
    """Add fields to a SELECT (unchanged for SELECT * and aggregates)."""
    text = _read_sql(sql)
    _run(opts, lambda: {"sql": opts.parser().add_select_fields_to_select_sql(text, list(fields))}, "sql")


_MAX_SCHEMA_BYTES = 4 * 1024 * 1024


def _schema_file(path: str | None) -> dict[str, dict[str, str]] | None:
    """A --schema file: JSON {table: {column: type}}; bounded, checked before the compiler sees it."""
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            data = f.read(_MAX_SCHEMA_BYTES + 1)
    except OSError as err:
        raise click.BadParameter(f"cannot read {path}: {err.strerror}", param_hint="--schema") from None
    if len(data) > _MAX_SCHEMA_BYTES:
        raise click.BadParameter(f"{path} is larger than {_MAX_SCHEMA_BYTES} bytes; give only the tables the "
                                 "statement reads", param_hint="--schema")
    try:
        schema = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise click.BadParameter(f"{path} is not JSON: {err}", param_hint="--schema") from None
    if not isinstance(schema, dict) or not all(
            isinstance(cols, dict) and all(isinstance(t, str) for t in cols.values()) for cols in schema.values()):
        raise click.BadParameter(f'{path} must be {{"table": {{"column": "type", ...}}, ...}}', param_hint="--schema")
    return schema


def schema_from_db(db_uri: str, read: str, sql: str) -> dict[str, dict[str, str]]:
    """The schema of the tables `sql` reads, from an open db provider (its logical column types;
    "PRIMARY KEY" on primary-key columns). A table the database lacks is left out (the translation
    then refuses what depends on its types)."""
    from sqlglot import exp

    from providers.db import open_db  # here: only this option needs the providers loaded

    stmt = new_parser(read, portable_names=False).compile(sql)
    names = sorted({t.name for t in stmt.tree.find_all(exp.Table) if t.name}) if stmt.tree is not None else []
    out: dict[str, dict[str, str]] = {}
    with open_db(db_uri) as rdb:
        for name in names[:_MAX_SCHEMA_TABLES]:
            try:
                table = rdb.get_table(name)
            except ProviderError:
                continue
            keys = {c for index in table.indexes if index.type.value == "PRIMARY KEY" for c in index.columns}
            out[table.name] = {c.name: str(c.data_type.value) + (" PRIMARY KEY" if c.name in keys else "")
                               for c in table.columns}
    return out


_MAX_SCHEMA_TABLES = 64


@command.command("translate")
@click.option("--read", "read", type=click.Choice(["mysql", "sqlite", "postgres"]), default="mysql",
              show_default=True, help="Dialect the statement is written in.")
@click.option("--write", "write", type=click.Choice(["mysql", "sqlite", "postgres"]),
              help="Dialect to print it for (default: the group's --dialect or --db-uri).")
@click.option("--schema-db", "schema_db", metavar="URI",
              help="Read the schema of the tables the statement reads from this database (a db provider URI).")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False),
              help='JSON file {"table": {"column": "type"}} (types as the source declares them, "PRIMARY KEY" '
                   "marking key columns): resolves implicit conversions, division and GROUP BY exactly.")
@sql_argument
@click.pass_obj
def translate_cmd(opts: _Opts, read: str, write: str | None, schema_db: str | None, schema_path: str | None,
                  sql: str | None) -> None:
    """Translate a statement from one dialect to another (native style): the same rows on the
    target, or an error naming what cannot be translated and why."""
    if write is None and opts.dialect is None and opts.db_uri is None:
        raise click.UsageError("give the target dialect: sql --dialect Y translate ..., or translate --write Y")
    if schema_db and schema_path:
        raise click.UsageError("give --schema or --schema-db, not both")
    schema = _schema_file(schema_path)
    text = _read_sql(sql)

    def work() -> dict[str, Any]:
        nonlocal schema
        if schema_db:
            try:
                schema = schema_from_db(schema_db, read, text)
            except ProviderError as err:
                raise InvalidArgumentError(f"--schema-db: {err}") from None
        parser = new_parser(write, style="native", portable_names=opts.portable_names) if write is not None \
            else opts.parser()
        target = parser.dialect.name
        return {"sql": parser.translate(text, read=read, schema=schema), "read": read, "write": target}

    _run(opts, work, "sql")
