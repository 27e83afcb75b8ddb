"""SQLParser: the Python face of Coze Studio's Go `SQLParser` contract.

Each method is front end -> passes -> formatter, run under the depth guard of `limits`.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

import sqlglot
from sqlglot import exp

import formatter
from sqlparser import limits, result_cache
from sqlparser.dialect import Dialect
from sqlparser.errors import (
    InvalidArgumentError,
    SQLParserError,
    SQLSyntaxError,
    UnsupportedConstructError,
    UnsupportedStatementError,
)
from sqlparser.frontend import Frontend, Statement, TreeFacts
from sqlparser.ir import first_table
from sqlparser.passes.append_filter import append_filter
from sqlparser.passes.insert_columns import add_insert_columns, insert_row_count
from sqlparser.passes.policy import check_comments, check_policy, check_unlowered
from sqlparser.passes.rename import check_table_columns, rename_tables_reporting
from sqlparser.passes.scope_rows import scope_rows
from sqlparser.passes.select_fields import add_select_fields
from sqlparser.passes.translate import translate
from sqlparser.passes.translate_writes import check_write_schema
from sqlparser.registry import dialect_for_uri, get_dialect
from sqlparser.result_cache import MISS, ErrorEntry, Identity, ResultMemo, Unfreezable, freeze
from sqlparser.types import ColumnValue, OperationType, Policy, PrimaryKeyValue, SQLFilterOp, TableColumn

T = TypeVar("T")
P = ParamSpec("P")


_boundary = threading.local()


def _contract_errors(method: Callable[P, T]) -> Callable[P, T]:
    """Only the contract's errors leave a public method, argument checks included.

    A foreign exception is a compiler bug: it becomes a SQLParserError whose message starts with
    INTERNAL_ERROR (the contract fuzz tests look for it), the original as its __cause__. Only the
    outermost call on a thread converts: a RecursionError inside must reach the depth guard
    (`limits.run_guarded`), which retries the statement on a thread with a deep stack.
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        depth = getattr(_boundary, "depth", 0)
        _boundary.depth = depth + 1
        try:
            return method(*args, **kwargs)
        except SQLParserError:
            raise
        except RecursionError:
            if depth:
                raise
            raise SQLParserError("statement is nested too deeply to process; flatten it") from None
        except MemoryError:
            raise
        except Exception as exc:
            if depth:
                raise
            raise SQLParserError(f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc}; please report the statement") \
                from exc
        finally:
            _boundary.depth = depth

    return wrapper


def _same(value: Any) -> Any:
    # The memo's default store / load: results that are immutable are kept as they are.
    return value


def _result_bytes(kept: object) -> int:
    if isinstance(kept, str):
        return len(kept)
    if isinstance(kept, tuple):
        return sum(_result_bytes(v) + 16 for v in kept)
    return 16


class SQLParser:
    """Rewrites single SQL statements of one dialect. Build it with `parser_for` or `new_parser`.

    Thread-safe: holds no per-call state.
    """

    def __init__(self, dialect: Dialect, *, style: str = "native", portable_names: bool = True,
                 **native_options: Any) -> None:
        self.dialect = dialect
        self.style = formatter.check_style(style)
        self.portable_names = bool(portable_names)
        self.native_options = native_options
        # Whether the native options are the dialect's defaults, with which a front end prints a
        # statement it has to print anyway (`TreeFacts.printed`, `_printed`). Any other value, or
        # an unknown option (the printer refuses it), means every statement is printed.
        defaults = dialect.native_options
        self._default_native = all(k in defaults and type(v) is type(defaults[k]) and v == defaults[k]
                                   for k, v in native_options.items())
        self.frontend: Frontend = dialect.frontend(portable_names=self.portable_names)
        # Apps append the same few filter conditions over and over; parsing one costs as much as
        # the statement itself. Cached trees are copied before use (passes mutate trees).
        self._condition_cache = functools.lru_cache(maxsize=_CONDITION_CACHE_SIZE)(self._parse_condition_uncached)
        # Results of repeated calls (`sqlparser.result_cache`), shared by every parser of the same
        # configuration; None turns the memo off for this parser.
        self.memo: ResultMemo | None = result_cache.MEMO
        self._memo_frontend = self.frontend
        try:
            self._memo_config: tuple[object, ...] | None = (Identity(dialect), freeze(native_options)[0])
        except Unfreezable:
            self._memo_config = None

    def __repr__(self) -> str:
        return f"SQLParser(dialect={self.dialect.name!r}, style={self.style!r}, portable_names={self.portable_names})"

    # -- the contract -------------------------------------------------------------------------

    @_contract_errors
    def parse_and_modify_sql(self, sql: str, table_columns: Mapping[str, TableColumn]) -> str:
        """Rename logical tables and columns to their physical names."""
        renames_to_special = _check_table_columns(table_columns)

        def work() -> str:
            stmt = self._statement(sql)
            if not table_columns:
                return sql
            tree = self._tree(stmt, "rename tables")
            before = _special_names(tree) if renames_to_special else None
            facts = stmt.facts_for(tree)
            tree, changed = rename_tables_reporting(tree, table_columns, facts.names if facts is not None else None)
            if before is not None:
                _quote_renamed_specials(tree, before)
            elif not changed and facts is not None:  # the tree is as the front end made it: its facts hold
                printed = self._printed(facts)
                if printed is not None:
                    return printed
                return self._render(tree, source_sql=sql, quote_names=False,
                                    as_is=facts.native_as_is and self._default_native,
                                    no_unnest=facts.names is not None and not facts.names.unnest)
            return self._render(tree, source_sql=sql, quote_names=False)

        return self._memoized("parse_and_modify_sql", sql, table_columns, lambda: self._guarded(work, sql))

    @_contract_errors
    def get_sql_operation(self, sql: str) -> OperationType:
        return self._memoized("get_sql_operation", sql, None,
                              lambda: self._guarded(lambda: self._statement(sql).operation, sql))

    @_contract_errors
    def add_columns_to_insert_sql(
        self,
        sql: str,
        add_cols: Sequence[ColumnValue],
        primary_key_value: PrimaryKeyValue | None = None,
        is_param: bool = False,
    ) -> tuple[str, dict[str, bool]]:
        """Add hidden columns (and optionally a primary key, one value per row) to an INSERT."""
        if isinstance(add_cols, (str, bytes)) or not isinstance(add_cols, Sequence):
            raise InvalidArgumentError(f"add_cols must be a sequence of ColumnValue, got {type(add_cols).__name__}")
        for col in add_cols:
            if not isinstance(col, ColumnValue) or not isinstance(col.col_name, str) or not col.col_name:
                raise InvalidArgumentError(f"add_cols must hold ColumnValue with a non-empty col_name, got {col!r}")
            _check_name(col.col_name, "add_cols column name")
            _check_value(col.value, f"value of column {col.col_name!r}")
        if primary_key_value is not None:
            if not isinstance(primary_key_value, PrimaryKeyValue) or not isinstance(primary_key_value.col_name, str) \
                    or not primary_key_value.col_name:
                raise InvalidArgumentError(
                    f"primary_key_value must be a PrimaryKeyValue or None, got {primary_key_value!r}")
            _check_name(primary_key_value.col_name, "primary key column name")
            pk_values = primary_key_value.values
            if isinstance(pk_values, (str, bytes)) or not isinstance(pk_values, Sequence):
                raise InvalidArgumentError("primary_key_value.values must be a sequence (one value per row)")
            for value in pk_values:
                _check_value(value, f"value of primary key {primary_key_value.col_name!r}")

        def work() -> tuple[str, dict[str, bool]]:
            stmt = self._statement(sql)
            if not add_cols:
                self._tree(stmt, "add columns")
                return sql, {}
            tree, existing, changed = add_insert_columns(
                self._tree(stmt, "add columns"), add_cols, primary_key_value, is_param)
            if not changed:
                return sql, existing
            return self._render(tree, source_sql=sql, quote_names=False), existing

        # The dict is the caller's to change: kept as a tuple, a fresh dict on every hit.
        return self._memoized("add_columns_to_insert_sql", sql, (add_cols, primary_key_value, is_param),
                              lambda: self._guarded(work, sql),
                              store=lambda r: (r[0], tuple(r[1].items())), load=lambda r: (r[0], dict(r[1])))

    @_contract_errors
    def get_table_name(self, sql: str) -> str:
        """The first table a SELECT / INSERT / UPDATE / DELETE names."""

        def work() -> str:
            stmt = self._statement(sql)
            if stmt.tree is None:
                if stmt.table and stmt.operation in _DML:
                    return stmt.table
                raise UnsupportedStatementError("unsupported SQL statement type for table name extraction")
            return first_table(stmt.tree)

        return self._memoized("get_table_name", sql, None, lambda: self._guarded(work, sql))

    @_contract_errors
    def get_insert_data_nums(self, sql: str) -> int:
        """Number of rows an INSERT ... VALUES inserts."""
        return self._memoized(
            "get_insert_data_nums", sql, None,
            lambda: self._guarded(lambda: insert_row_count(self._tree(self._statement(sql), "count rows")), sql))

    @_contract_errors
    def append_sql_filter(self, sql: str, op: SQLFilterOp | str, condition: str) -> str:
        """AND/OR `condition` into the WHERE of a SELECT / UPDATE / DELETE (every arm of a UNION)."""
        filter_op = _filter_op(op)
        if not isinstance(sql, str) or sql == "":
            limits.check_sql_text(sql)
        if not isinstance(condition, str) or not condition.strip():
            if isinstance(condition, str) or condition is None:
                raise InvalidArgumentError("empty filter condition")
            raise InvalidArgumentError(f"filter condition must be a str, got {type(condition).__name__}")

        def work() -> str:
            stmt = self._statement(sql)
            if stmt.operation not in (OperationType.SELECT, OperationType.UPDATE, OperationType.DELETE):
                raise UnsupportedStatementError("append filter condition failed: only support SELECT/UPDATE/DELETE")
            tree = self._tree(stmt, "append filter")
            _refuse_values_arms(tree, "append a filter")
            cond = self.parse_condition(condition)
            return self._render(append_filter(tree, cond, filter_op), source_sql=sql, quote_names=True)

        return self._memoized("append_sql_filter", sql, (filter_op, condition), lambda: self._guarded(work, sql))

    @_contract_errors
    def add_select_fields_to_select_sql(self, sql: str, fields: Sequence[str]) -> str:
        """Add fields to a SELECT's list; unchanged when it selects * or aggregates."""
        if isinstance(fields, str):
            raise InvalidArgumentError("fields must be a sequence of column names, not a single str")
        if not isinstance(fields, Sequence):
            raise InvalidArgumentError(f"fields must be a sequence of column names, got {type(fields).__name__}")
        for name in fields:
            if not isinstance(name, str) or not name:
                raise InvalidArgumentError(f"field names must be non-empty str, got {name!r}")
            _check_name(name, "field name")

        def work() -> str:
            tree = self._tree(self._statement(sql), "add select fields")
            _refuse_values_arms(tree, "add select fields")
            tree, changed = add_select_fields(tree, fields)
            return self._render(tree, source_sql=sql, quote_names=True) if changed else sql

        return self._memoized("add_select_fields_to_select_sql", sql, fields, lambda: self._guarded(work, sql))

    # -- tenant safety and translation (issue 5) ----------------------------------------------

    @_contract_errors
    def scope_rows(self, sql: str, conditions: Mapping[str, str], *, fill_inserts: bool = False) -> str:
        """Row-level security: restrict every reference of each named table to the rows its condition allows.

        `conditions` maps a table name to a condition over that table's columns, unqualified
        (`{"orders": "uid = 'u1'"}`). Reads see only the allowed rows, wherever the table appears
        (joins, subqueries, CTEs, derived tables, INSERT ... SELECT); UPDATE and DELETE change only
        allowed rows, and may not move a row out of scope; an INSERT must give every column a
        condition pins its value (WITH CHECK). `fill_inserts=True` adds pinned columns an INSERT
        leaves out instead of refusing it. See `sqlparser.passes.scope_rows`.
        """
        if not isinstance(conditions, Mapping):
            raise InvalidArgumentError(f"conditions must map table name to condition, got {type(conditions).__name__}")
        for table, condition in conditions.items():
            if not isinstance(table, str) or not table:
                raise InvalidArgumentError(f"conditions keys must be non-empty table names, got {table!r}")
            _check_name(table, "conditions table name")
            if not isinstance(condition, str) or not condition.strip():
                raise InvalidArgumentError(f"empty condition for table {table!r}")
        if not isinstance(fill_inserts, bool):
            raise InvalidArgumentError(f"fill_inserts must be a bool, got {type(fill_inserts).__name__}")

        def work() -> str:
            stmt = self._statement(sql)
            tree = self._tree(stmt, "scope rows")
            parsed = {table: self.parse_condition(cond) for table, cond in conditions.items()}
            scoped = scope_rows(tree, parsed, fill_inserts=fill_inserts, show=self.dialect.policy.show)
            return self._render(scoped, source_sql=sql, quote_names=True)

        return self._memoized("scope_rows", sql, (conditions, fill_inserts), lambda: self._guarded(work, sql))

    @_contract_errors
    def check_policy(self, sql: str, policy: Policy) -> None:
        """Raise PolicyViolationError (its `rule` names the rule) unless `sql` complies with `policy`.

        Checked on the tree: statement kinds, the tables referenced (only `policy.tables`), and the
        dialect's denials (system schemas, file / sleep / network functions, ATTACH, COPY, ...).
        """
        if not isinstance(policy, Policy):
            raise InvalidArgumentError(f"policy must be a sqlparser.Policy, got {type(policy).__name__}")
        rules = self.dialect.policy

        def work() -> None:
            stmt = self._statement(sql)
            check_comments(sql, stmt.tree, rules)
            if stmt.tree is None:
                check_unlowered(stmt.unsupported or stmt.operation.value, stmt.operation, policy, rules)
            check_policy(stmt.tree, policy, rules, sql)

        # A security verdict: only "complies" is kept. A refusal (PolicyViolationError or any other
        # error) is decided afresh on every call, so a hit can never turn a denial into a pass or
        # name another rule.
        self._memoized("check_policy", sql, policy, lambda: self._guarded(work, sql), errors=False)

    @_contract_errors
    def translate(self, sql: str, *, read: str = "mysql",
                  schema: Mapping[str, Mapping[str, str]] | None = None,
                  write_schema: Mapping[str, Mapping[str, Sequence[Any]]] | None = None) -> str:
        """`sql`, written for the `read` dialect, as SQL with the same meaning for this parser's dialect.

        `schema` (optional): table -> column -> declared type as the source engine declares it
        ("PRIMARY KEY" in a type marks a key column). With it, implicit conversions, division and
        GROUP BY determinism resolve exactly; without it a construct whose meaning depends on a type
        the statement does not show is refused.
        `write_schema` ({table: {"unique": [[col, ...], ...], "columns": [col, ...]}}) gives the
        unique keys (and columns) that REPLACE / ON DUPLICATE KEY UPDATE need on PostgreSQL
        (`sqlparser.passes.translate_writes`).

        Raises UnsupportedConstructError naming the construct when it has no faithful translation.
        """
        get_dialect(read)  # an unknown name is refused on every call, hit or not
        table = self.dialect.translate
        keys = check_write_schema(write_schema) if write_schema is not None else None

        def work() -> str:
            source = new_parser(read, portable_names=self.portable_names)
            stmt = source.parse(sql)
            tree = self._tree(stmt, f"translate from {read}")
            tree = translate(tree, source=source.dialect.name, rules=table, schema=schema, write_schema=keys)
            return formatter.render(tree, style="native", dialect=self.dialect, quote_names=False, consume=True)

        return self._memoized("translate", sql, (read, schema, write_schema), lambda: self._guarded(work, sql))

    # -- building blocks, public for the CLI and later passes ---------------------------------

    @_contract_errors
    def parse(self, sql: str) -> Statement:
        """Parse one statement of this dialect (no depth guard: call through a contract method)."""
        limits.check_sql_text(sql)
        return self.frontend.parse(sql)

    def _statement(self, sql: str) -> Statement:
        # `parse` for the contract's methods: they run it inside `_guarded(..., sql)`, which has
        # checked the text, and their own boundary converts errors, so neither runs twice.
        return self.frontend.parse(sql)

    @_contract_errors
    def parse_condition(self, condition: str) -> exp.Expression:
        limits.check_sql_text(condition, what="filter condition")
        return self._condition_cache(condition).copy()

    def _parse_condition_uncached(self, condition: str) -> exp.Expression:
        try:
            return self.frontend.parse_condition(condition)
        except SQLSyntaxError as err:
            raise SQLSyntaxError(f"parse filter condition failed: {err.reason}", line=err.line,
                                 column=err.column, token=err.token, sql=condition) from None

    @_contract_errors
    def compile(self, sql: str) -> Statement:
        """Parse one statement of this dialect under the contract's limits and depth guard.

        The public way for other layers (providers, the app) to get a statement's IR: every error
        is a SQLParserError. The tree is the caller's to change.
        """
        return self._guarded(lambda: self._statement(sql), sql)

    @_contract_errors
    def render(self, tree: exp.Expression, *, quote_names: bool = False, consume: bool = False) -> str:
        """Print an IR tree in this parser's style and dialect. `consume=True` hands the tree over
        (the printer may change it instead of copying it)."""
        return self._render(tree, quote_names=quote_names, consume=consume)

    # -- internals ----------------------------------------------------------------------------

    def _memoized(self, method: str, sql: str, args: object, compute: Callable[[], T], *,
                  store: Callable[[T], Any] = _same, load: Callable[[Any], T] = _same,
                  errors: bool = True) -> T:
        """`compute()`, or what it returned (or raised) before for the same key (`result_cache`).

        Runs after the method's argument checks, so a bad argument is refused the same way on a
        hit. Results are kept from a text's second sight on (`ResultMemo.seen`). `store` / `load`
        turn a mutable result into what is kept and back (a fresh copy per hit); `errors=False`
        keeps only results, never refusals.
        """
        memo = self.memo
        frontend = self.frontend
        # Off for a statement too large to keep, for a parser whose front end was replaced or
        # patched (benchmarks of cold parses, tests that inject faults), for unkeyable options.
        if memo is None or type(sql) is not str or len(sql) > memo.max_text or self._memo_config is None \
                or frontend is not self._memo_frontend or "parse" in getattr(frontend, "__dict__", ()):
            return compute()
        if not memo.seen(sql):  # a text's first sight: nothing to key or keep yet
            return compute()
        try:
            frozen, cost = freeze(args)
        except Unfreezable:
            return compute()
        key = (self._memo_config, self.style, self.portable_names, method, sql, frozen)
        found = memo.get(key)
        if found is not MISS:
            if type(found) is ErrorEntry:
                raise found.exception()
            return load(found)
        try:
            result = compute()
        except SQLParserError as exc:
            entry = ErrorEntry.of(exc) if errors else None
            if entry is not None:
                memo.put(key, entry, len(sql) + cost + entry.cost)
            raise
        kept = store(result)
        memo.put(key, kept, len(sql) + cost + _result_bytes(kept))
        return result

    def _render(self, tree: exp.Expression, *, quote_names: bool, source_sql: str | None = None,
                consume: bool = True, as_is: bool = False, no_unnest: bool = False) -> str:
        # The contract's methods own the trees they print (fresh parses or cache copies): they
        # hand them over (`consume`), saving a deep copy per call. `render()` keeps the caller's.
        # `quote_names` is the Go code's RestoreNameBackQuotes flag: it shapes compat output only.
        # Native output quotes just the names that need it: quoting every name would change the
        # meaning of mixed-case names on PostgreSQL.
        # `as_is` / `no_unnest`: what the front end found out about this very tree (`TreeFacts`
        # `.native_as_is`, `.names`), which lets the native printer skip a walk or a rewrite.
        if self.style != "compat":
            return formatter.render(tree, style=self.style, dialect=self.dialect, quote_names=False,
                                    consume=consume, as_is=as_is, no_unnest=no_unnest, **self.native_options)
        # The compat printer reads the source text only to pick TiDB's spelling among equivalent
        # ones (count(1) vs COUNT(1), JOIN without ON), never for meaning.
        return formatter.render(tree, style=self.style, dialect=self.dialect, quote_names=quote_names,
                                source_sql=source_sql, consume=consume)

    def _printed(self, facts: TreeFacts) -> str | None:
        """The native text the front end printed for the facts' tree while parsing it, when it is
        what `_render` of that tree would print: the tree unchanged since (the caller knows),
        native style, the dialect's default options, sqlglot's default layout."""
        if self.style != "native" or not self._default_native or sqlglot.pretty:
            return None
        return facts.printed

    @staticmethod
    def _tree(stmt: Statement, action: str) -> exp.Expression:
        if stmt.tree is None:
            raise UnsupportedConstructError(stmt.unsupported or stmt.operation.value, f"cannot {action}")
        return stmt.tree

    @staticmethod
    def _guarded(fn: Callable[[], T], sql: str) -> T:
        limits.check_sql_text(sql)
        # A call allocates thousands of small linked objects (IR nodes point at their parents),
        # nearly all garbage when it returns: a cyclic collection during the call only traverses
        # the tree being built and promotes it. Paused for the call (`pause_gc`), the collector
        # runs at the first allocation after it. Re-enabled only if it was on when the call
        # started, so concurrent calls and applications that turned it off themselves are
        # respected; what one call leaves for it is bounded by the input limits.
        paused = pause_gc and gc.isenabled()
        if paused:
            gc.disable()
        try:
            return limits.run_guarded(fn, sql)
        except SQLParserError:
            raise
        except RecursionError:
            raise SQLParserError("statement is nested too deeply to process; flatten it") from None
        finally:
            if paused:
                gc.enable()


pause_gc = True
"""Pause Python's cyclic garbage collector for the length of one contract call (`SQLParser._guarded`);
measured: a cold rewrite of the corpus costs 5-8% less on PostgreSQL and SQLite, MySQL unchanged."""

INTERNAL_ERROR = "internal error in the SQL compiler"
"""How a foreign exception caught at the contract's boundary starts its message."""

_CONDITION_CACHE_SIZE = 1024
_DML = (OperationType.SELECT, OperationType.INSERT, OperationType.UPDATE, OperationType.DELETE)


def _check_name(name: str, what: str) -> None:
    # Names are printed into SQL text (quoted where needed): text no engine can take is refused here.
    if "\x00" in name:
        raise InvalidArgumentError(f"{what} {name!r} contains a NUL character")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(f"{what} {name!r} contains a lone surrogate (not valid Unicode)") from None


def _check_value(value: object, what: str) -> None:
    if isinstance(value, str):
        _check_name(value, what)
    elif isinstance(value, Decimal) and not value.is_finite():
        raise InvalidArgumentError(f"cannot insert the Decimal {value} as {what}: SQL has no literal for it")


def _check_table_columns(table_columns: Mapping[str, TableColumn]) -> bool:
    """Validate a rename map; returns whether it renames anything to a `_SPECIAL_NAMES` word.

    Runs on every rewrite, so the names are checked together (one NUL search and one UTF-8
    encoding of them all); only a map that fails is checked name by name, for the message.
    """
    if type(table_columns) is dict:
        special = _plain_map_specials(table_columns)
        if special is not None:
            return special
    # `type(...) is dict` first: the ABC isinstance test costs as much as the rest of a check.
    if type(table_columns) is dict or isinstance(table_columns, Mapping):
        for table, spec in table_columns.items():
            if isinstance(spec, TableColumn) and spec.column_map is not None \
                    and type(spec.column_map) is not dict and not isinstance(spec.column_map, Mapping):
                raise InvalidArgumentError(f"table_columns[{table!r}].column_map must be a mapping or None")
    check_table_columns(table_columns)
    names: list[str] = []
    new_names: list[str] = []
    for table, spec in table_columns.items():
        names.append(table)
        if spec.new_table_name:
            new_names.append(spec.new_table_name)
        if spec.column_map:
            names.extend(spec.column_map)
            new_names.extend(spec.column_map.values())
    text = "".join(names) + "".join(new_names)
    try:
        text.encode("utf-8")
        valid = "\x00" not in text
    except UnicodeEncodeError:  # a lone surrogate
        valid = False
    if not valid:
        _check_names_one_by_one(table_columns)
    return any(name.upper() in _SPECIAL_NAMES for name in new_names)


def _plain_map_specials(table_columns: dict[str, TableColumn]) -> bool | None:
    """`_check_table_columns` of the common map in one pass: every key a non-empty str, every value
    a TableColumn of str names and a dict column map, no NUL or lone surrogate in any name, no
    column mapped from or to an empty name alone. None when the map is anything else: the full
    checks then run and say what is wrong (or accept the other types they accept)."""
    parts: list[str] = []
    add = parts.append
    special = False
    specials = _SPECIAL_NAMES
    for table, spec in table_columns.items():
        if type(table) is not str or not table or type(spec) is not TableColumn:
            return None
        add(table)
        new = spec.new_table_name
        if new is not None:
            if type(new) is not str:
                return None
            if new:
                add(new)
                special = special or new.upper() in specials
        columns = spec.column_map
        if columns is not None:
            if type(columns) is not dict:
                return None
            for old, col in columns.items():
                if type(old) is not str or type(col) is not str or (not old) is not (not col):
                    return None
                add(old)
                add(col)
                special = special or col.upper() in specials
    text = "".join(parts)
    if "\x00" in text:
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    return special


def _check_names_one_by_one(table_columns: Mapping[str, TableColumn]) -> None:
    for table, spec in table_columns.items():
        _check_name(table, "table name")
        if spec.new_table_name:
            _check_name(spec.new_table_name, "new table name")
        for old, new in (spec.column_map or {}).items():
            _check_name(old, "column name")
            _check_name(new, "new column name")


def _refuse_values_arms(tree: exp.Expression, action: str) -> None:
    # `VALUES (1) UNION ALL SELECT ...`: a VALUES arm has neither a WHERE nor a select list.
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, exp.SetOperation):
            pending.extend(arm for arm in (node.this, node.expression) if isinstance(arm, exp.Expression))
        elif isinstance(node, exp.Values):
            raise UnsupportedConstructError("VALUES as an arm of a set operation",
                                            f"cannot {action}: it has no WHERE clause or select list; "
                                            "write it as SELECT ... instead")


# Words the printers read back as keywords when a name is written bare at a node the parser made:
# FROM DUAL (MySQL's dummy table), DEFAULT and MySQL's niladic functions as a column. A caller's
# physical name with such a spelling lands on a parser-made node (rename keeps the node), so it
# is quoted: then every style prints it as a name. All of them are reserved words, so the compat
# style quotes them anyway; plain names keep their Go spelling.
_SPECIAL_NAMES = frozenset({"DUAL", "DEFAULT", "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "LOCALTIME",
                            "LOCALTIMESTAMP", "CURRENT_USER", "CURRENT_ROLE"})


def _special_names(tree: exp.Expression) -> set[int]:
    return {id(i) for i in tree.find_all(exp.Identifier) if i.name.upper() in _SPECIAL_NAMES}


def _quote_renamed_specials(tree: exp.Expression, before: set[int]) -> None:
    for ident in tree.find_all(exp.Identifier):
        if id(ident) not in before and ident.name.upper() in _SPECIAL_NAMES:
            ident.set("quoted", True)


def _filter_op(op: SQLFilterOp | str) -> SQLFilterOp:
    # Exact spelling, as in Go: "aNd" is an error, not AND.
    if isinstance(op, SQLFilterOp):
        return op
    if op == "AND":
        return SQLFilterOp.AND
    if op == "OR":
        return SQLFilterOp.OR
    raise InvalidArgumentError(f"invalid filter operator: {op!r}; use SQLFilterOp.AND or SQLFilterOp.OR")


def new_parser(dialect: str, *, style: str = "native", portable_names: bool = True, **native_options: Any) -> SQLParser:
    """A parser for a dialect by name: "mysql", "sqlite" or "postgres"."""
    return SQLParser(get_dialect(dialect), style=style, portable_names=portable_names, **native_options)


def parser_for(db_uri: str, *, style: str = "native", portable_names: bool = True, **native_options: Any) -> SQLParser:
    """A parser for the dialect a db.uri selects (`sqlite:///app.db`, `postgresql+psycopg://...`)."""
    return SQLParser(dialect_for_uri(db_uri), style=style, portable_names=portable_names, **native_options)
