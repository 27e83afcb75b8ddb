"""plan / apply / status of a MySQL migrations folder on a database the db provider opens.

Each pending file runs in one transaction of the target (SQLite and PostgreSQL: its DDL, its data
statements, the notes and its revisions row commit together or not at all). The schema each file
starts from is read from the database's own catalog (plus the notes); `plan` reads it the same way
and evolves it in memory without running anything.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlglot import exp

from cozelite.migrate import files as mfiles
from cozelite.migrate import ops, reader, revisions
from cozelite.migrate.describe import schema_sql
from cozelite.migrate.model import MigrationError
from cozelite.migrate.mysql import MySQLTarget
from cozelite.migrate.postgres import PostgresTarget
from cozelite.migrate.sqlite import SQLiteTarget
from cozelite.migrate.target import Step, Target
from providers.db import open_db
from providers.db.catalog import CatalogSession, catalog_session
from providers.db.contract import RDB
from providers.errors import ProviderError
from sqlparser import SQLParser, parser_for
from sqlparser.errors import SQLParserError

_TARGETS: dict[str, type[Target]] = {"sqlite": SQLiteTarget, "postgres": PostgresTarget, "mysql": MySQLTarget}


@dataclass
class StatementPlan:
    file: str
    line: int
    source: str  # the MySQL statement as written
    kind: str  # "translated" | "skipped" (no effect on the target: SET NAMES, USE, ...) | "refused" (plan)
    steps: list[Step] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # parts dropped on purpose (ENGINE=, foreign keys)
    why: str = ""


@dataclass
class FilePlan:
    file: str
    checksum: str
    statements: list[StatementPlan] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Result:
    engine: str
    files: list[FilePlan] = field(default_factory=list)  # pending files: planned (plan) or applied (apply)
    already_applied: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        st = [s for f in self.files for s in f.statements]
        return {"files": len(self.files), "statements": len(st),
                "translated": sum(s.kind == "translated" for s in st), "skipped": sum(s.kind == "skipped" for s in st),
                "refused": sum(s.kind == "refused" for s in st),
                "target_statements": sum(len([x for x in s.steps if not x.internal]) for s in st),
                "ignored_parts": sum(len(s.ignored) for s in st)}


@dataclass(frozen=True)
class FileStatus:
    file: str
    state: str  # "applied" | "pending" | "changed" (applied, but the file's checksum differs) | "missing"
    applied_at: str | None = None


@dataclass
class Options:
    read: str = "mysql"
    # qualifier -> "" (drop it) or the schema (PostgreSQL) / database (MySQL, MariaDB) the history runs in
    database_map: Mapping[str, str] = field(default_factory=dict)
    default_collation: str | None = None  # the source database's default collation, if not binary

    def namespace(self) -> str | None:
        """The one schema / database a non-empty mapping names (None: the one the URI names).

        The planners keep one schema at a time, so every qualifier mapped to a name must map to the
        same one; unqualified names go there too, as they go to the current database in MySQL."""
        names = {v for v in self.database_map.values() if v}
        if len(names) > 1:
            raise MigrationError(f"--database-map maps qualifiers to {', '.join(sorted(names))}: one history runs in "
                                 "one schema / database; map every qualifier to the same name (or drop them: NAME=)")
        if not names:
            return None
        name = names.pop()
        if not _NAMESPACE.fullmatch(name):
            raise MigrationError(f"--database-map ...={name!r}: a schema / database name is 1-63 letters, digits, "
                                 "'_' or '$', not starting with a digit")
        return name

    def qualifier(self) -> Callable[[str | None, str], str]:
        mapping = {k.lower(): v for k, v in self.database_map.items()}
        self.namespace()  # refuse a map the planners cannot follow before anything runs

        def resolve(db: str | None, table: str) -> str:
            if not db:
                return table
            if db.lower() not in mapping:
                raise MigrationError(f"`{db}`.`{table}` names database {db!r}: pass --database-map {db}= to drop the "
                                     f"qualifier, or --database-map {db}=NAME to put the tables in schema / database "
                                     "NAME (the target URI names the one database the tables go to otherwise)")
            return table  # mapped: the session runs in the mapped schema / database (Migrator._session)
        return resolve


_NAMESPACE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,62}")


def parse_database_map(items: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise MigrationError(f"--database-map {item!r}: write NAME= to drop the qualifier NAME, or NAME=OTHER to "
                                 "map it to the schema / database OTHER")
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


class Migrator:
    """The engine on one open db provider."""

    def __init__(self, rdb: RDB, uri: str, options: Options | None = None) -> None:
        self.rdb = rdb
        self.uri = uri
        self.options = options or Options()
        if self.options.read.lower() != "mysql":
            raise MigrationError(f"--read {self.options.read}: only MySQL migration folders are translated")
        self.source = parser_for("mysql://")
        self.target_parser: SQLParser = parser_for(uri)

    # -- helpers ---------------------------------------------------------------------------------

    @contextmanager
    def _session(self, *, foreign_keys_off: bool = False, create: bool = False) -> Iterator[CatalogSession]:
        """A catalog session in the schema / database the database map names (Options.namespace):
        PostgreSQL: the schema (apply creates it if missing), first on the transaction's search_path;
        MySQL / MariaDB: the database (apply creates it), made current for the session and restored after;
        SQLite: only `main`, the one database the provider opens (it allows no ATTACH)."""
        namespace = self.options.namespace()
        with catalog_session(self.rdb, foreign_keys_off=foreign_keys_off) as s:
            if namespace is None:
                yield s
                return
            quoted = self.target_parser.render(exp.Column(this=exp.Identifier(this=namespace, quoted=True)),
                                               quote_names=True)
            if s.engine == "sqlite":
                if namespace.lower() != "main":
                    raise MigrationError(f"--database-map ...={namespace}: SQLite has one database here, `main` (the "
                                         "file the URI names; the db provider attaches no other): map the qualifier "
                                         "to main or drop it (NAME=)")
                yield s
                return
            if s.engine == "postgres":
                if create:  # apply only: plan, status and schema read a missing schema as empty
                    s.run(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
                s.run(f"SET LOCAL search_path TO {quoted}")
                yield s
                return
            saved = s.query("SELECT DATABASE()")[0][0]
            if create:
                s.run(f"CREATE DATABASE IF NOT EXISTS {quoted}")
            elif not s.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", [namespace]):
                raise MigrationError(f"--database-map ...={namespace}: database {namespace!r} does not exist yet "
                                     "(apply creates it; plan and status read an existing one)")
            s.run(f"USE {quoted}")
            try:
                yield s
            finally:
                if saved:  # the pooled connection goes back to the URI's database
                    s.run("USE " + self.target_parser.render(
                        exp.Column(this=exp.Identifier(this=str(saved), quoted=True)), quote_names=True))

    def _target(self, session: CatalogSession) -> Target:
        cls = _TARGETS[session.engine]
        if cls is MySQLTarget:
            version = session.query("SELECT VERSION()")[0][0]
            target: Target = MySQLTarget(self.target_parser, {}, mariadb="mariadb" in str(version).lower())
        else:
            target = cls(self.target_parser, {})
        target.load(session)
        return target

    def _setup(self) -> None:
        with self._session(create=True) as s:
            s.run(revisions.create_sql(self.target_parser, s.engine))
            for step in _TARGETS[s.engine](self.target_parser, {}).setup():
                s.run(step.sql)

    def _pending(self, folder: str) -> tuple[list[mfiles.MigrationFile], list[str]]:
        found = mfiles.discover(folder)
        with self._session() as s:
            done = revisions.read(s)
        for f in found:
            rev = done.get(f.name)
            if rev is not None and rev.checksum != f.checksum:
                raise MigrationError(f"{f.name} was applied on {rev.applied_at} with checksum {rev.checksum[:12]}..., "
                                     f"but the file now has {f.checksum[:12]}...: an applied migration must not "
                                     "change; add a new file for the change")
        return [f for f in found if f.name not in done], [f.name for f in found if f.name in done]

    def plan_statement(self, target: Target, f: mfiles.MigrationFile, st: mfiles.Statement) -> StatementPlan:
        where = f"{f.name}:{st.line}"
        try:
            tree = self.source.compile(st.sql).tree
            op = reader.read(tree, self.options.qualifier(), self.options.default_collation, target.table_collation)
            if isinstance(target, MySQLTarget):
                target.tree = tree
            target.statement = f"{where}: {_short(st.sql)}"
            steps = target.plan(op)
        except (MigrationError, SQLParserError) as err:
            raise MigrationError(f"{where}: {_short(st.sql)}: {err}") from err
        except Exception as err:  # a bug of the engine must still name the statement
            raise MigrationError(f"{where}: {_short(st.sql)}: internal error of the migration engine "
                                 f"({type(err).__name__}: {err}); please report it") from err
        skipped = isinstance(op, ops.Skip) or (isinstance(op, ops.ForeignKeyChecks) and not steps)
        plan = StatementPlan(f.name, st.line, st.sql, "skipped" if skipped else "translated", steps)
        if isinstance(op, ops.Skip):
            plan.why = op.why
        elif skipped:
            plan.why = "FOREIGN_KEY_CHECKS: keys whose parent table is made later wait for it (docs/migrations.md)"
        actions = op.actions if isinstance(op, ops.AlterTable) else op.keys if isinstance(op, ops.CreateTable) else []
        plan.ignored = [a.what for a in actions if isinstance(a, ops.Ignored)]
        return plan

    # -- the three commands ----------------------------------------------------------------------

    def status(self, folder: str) -> list[FileStatus]:
        found = mfiles.discover(folder)
        with self._session() as s:
            done = revisions.read(s)
        out = []
        for f in found:
            rev = done.pop(f.name, None)
            state = "pending" if rev is None else "applied" if rev.checksum == f.checksum else "changed"
            out.append(FileStatus(f.name, state, rev.applied_at if rev else None))
        out += [FileStatus(name, "missing", rev.applied_at) for name, rev in sorted(done.items())]
        return out

    def schema(self) -> str:
        """The database's schema as MySQL CREATE TABLEs (catalog + notes): what the history built."""
        with self._session() as s:
            target = self._target(s)
        return schema_sql([t for _, t in sorted(target.schema.items())], self.source)

    def plan(self, folder: str, *, keep_going: bool = False) -> Result:
        """`keep_going`: a refused statement is recorded (kind "refused", why) and planning goes on
        from the schema as it was before it: a report of everything a folder needs, not a plan to run."""
        pending, done = self._pending(folder)
        with self._session() as s:
            target = self._target(s)
            result = Result(s.engine, already_applied=done)
        for f in pending:
            fp = FilePlan(f.name, f.checksum)
            for st in mfiles.split(f.text, f.name):
                saved = copy.deepcopy({k: v for k, v in vars(target).items() if k != "parser"})
                try:
                    fp.statements.append(self.plan_statement(target, f, st))
                except MigrationError as err:
                    if not keep_going:
                        raise
                    vars(target).update(saved)
                    fp.statements.append(StatementPlan(f.name, st.line, st.sql, "refused", why=str(err)))
            try:
                end = target.end_of_file(f.name)
            except MigrationError as err:
                if not keep_going:
                    raise MigrationError(f"{f.name}: {err}") from err
                target.fk_checks, target.deferred = True, {}
                fp.statements.append(StatementPlan(f.name, 0, "(end of file)", "refused", why=str(err)))
            else:
                if end and fp.statements:  # made for the file's last statement (counts stay per statement)
                    fp.statements[-1].steps += end
            result.files.append(fp)
        return result

    def apply(self, folder: str, *, progress: Callable[[FilePlan], None] | None = None) -> Result:
        self._setup()
        pending, done = self._pending(folder)
        result = Result("", already_applied=done)
        for f in pending:
            statements = mfiles.split(f.text, f.name)
            started = time.perf_counter()
            fp = FilePlan(f.name, f.checksum)
            keys_off = self._keys_off(f, statements)
            with self._session(foreign_keys_off=keys_off) as s:
                result.engine = s.engine
                if s.engine == "postgres":  # two migrators at once: the second waits, then skips the file
                    s.query("SELECT pg_advisory_xact_lock(hashtext('cozelite_migrate'))")
                if f.name in revisions.read(s):  # (SQLite: BEGIN IMMEDIATE already serialises writers)
                    result.already_applied.append(f.name)
                    continue
                target = self._target(s)
                ran: list[str] = []
                try:
                    self._run_file(target, f, statements, s, fp, ran)
                except BaseException:
                    if s.engine == "mysql" and not target.fk_checks:  # the pooled connection goes back as it was
                        s.run("SET FOREIGN_KEY_CHECKS = 1")
                    raise
                try:
                    for step in target.notes_steps():
                        s.run(step.sql)
                    if s.engine == "sqlite":
                        broken = s.query("SELECT * FROM pragma_foreign_key_check")
                        if broken:
                            why = (" (it ran with foreign keys off, as it rebuilds or drops a table a key "
                                   "references: its data statements did not cascade or set NULL; move them to a "
                                   "file of their own)" if keys_off else "")
                            if keys_off and target.checks_were_off:
                                why = (" (it sets FOREIGN_KEY_CHECKS=0: its rows are checked once, when the file "
                                       "ends, and each must have its parent then; MySQL would keep the orphan)")
                            raise MigrationError(f"{f.name}: the file breaks foreign keys: {broken[:3]!r}{why}; "
                                                 "nothing of it was applied")
                    s.run(revisions.insert_sql(self.target_parser, f.name, f.checksum, len(statements)))
                except ProviderError as err:
                    raise MigrationError(f"{f.name}: recording the migration failed: {err.message}") from err
            fp.seconds = time.perf_counter() - started
            result.files.append(fp)
            if progress is not None:
                progress(fp)
        return result

    def _run_file(self, target: Target, f: mfiles.MigrationFile, statements: list[mfiles.Statement],
                  s: CatalogSession, fp: FilePlan, ran: list[str]) -> None:
        for st in statements:
            plan = self._plan_in_file(target, f, st, s, ran)
            for step in plan.steps:
                try:
                    s.run(step.sql)
                except ProviderError as err:
                    raise MigrationError(self._failure(s, f, st, step.sql, err.message, ran)) from err
            fp.statements.append(plan)
            ran.append(f"line {st.line}")
        end = mfiles.Statement("(end of file: deferred foreign keys)", statements[-1].line if statements else 1)
        try:
            steps = target.end_of_file(f.name)
        except MigrationError as err:
            raise MigrationError(self._failure(s, f, end, None, f"{f.name}: {err}", ran, planned=True)) from err
        for step in steps:
            try:
                s.run(step.sql)
            except ProviderError as err:
                raise MigrationError(self._failure(s, f, end, step.sql, err.message, ran)) from err
        if steps and fp.statements:  # made for the file's last statement (counts stay per statement)
            fp.statements[-1].steps += steps

    def _keys_off(self, f: mfiles.MigrationFile, statements: list[mfiles.Statement]) -> bool:
        """SQLite: whether the file must run with foreign keys off (SQLite's rebuild procedure, when it
        rebuilds or drops a table a key references). Otherwise they stay on, so the file's own data
        statements cascade, set NULL and are refused as in MySQL. Planned first, without running."""
        with self._session() as s:
            if s.engine != "sqlite":
                return False
            keyed = s.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%' LIMIT 1")
            if not keyed and not any("references" in st.sql.lower() for st in statements):
                return False  # no key exists or is made: nothing referenced can be rebuilt (no planning)
            target = self._target(s)
            for st in statements:
                try:
                    self.plan_statement(target, f, st)
                except MigrationError:
                    return True  # the run reports it
            # FOREIGN_KEY_CHECKS=0: a dump's rows come in table order, children before parents; they
            # are checked once, by foreign_key_check before the commit
            return bool(getattr(target, "needs_keys_off", True)) or target.checks_were_off

    def _plan_in_file(self, target: Target, f: mfiles.MigrationFile, st: mfiles.Statement, s: CatalogSession,
                      ran: list[str]) -> StatementPlan:
        try:
            return self.plan_statement(target, f, st)
        except MigrationError as err:
            raise MigrationError(self._failure(s, f, st, None, str(err), ran, planned=True)) from err

    @staticmethod
    def _failure(s: CatalogSession, f: mfiles.MigrationFile, st: mfiles.Statement, step: str | None, cause: str,
                 ran: list[str], planned: bool = False) -> str:
        head = cause if planned else f"{f.name}:{st.line}: {_short(st.sql)}: {cause}"
        if step is not None and step.strip() != st.sql.strip():
            head += f" (while running the translated statement: {_short(step)})"
        if s.transactional_ddl:
            return head + f"; the database is as it was before {f.name} (rolled back)"
        return (head + f"; {s.engine} commits each DDL statement on its own: "
                + (f"the statements at {', '.join(ran)} of {f.name} were applied and stay" if ran
                   else f"nothing of {f.name} was applied")
                + "; the file is not recorded as applied")


def _short(sql: str, n: int = 120) -> str:
    one = " ".join(sql.split())
    return one if len(one) <= n else one[:n - 3] + "..."


# -- the Python API --------------------------------------------------------------------------------

def _run(db: str | RDB, uri: str | None, options: Options, fn: Callable[[Migrator], object]) -> object:
    if isinstance(db, str):
        with open_db(db) as rdb:
            return fn(Migrator(rdb, db, options))
    if uri is None:
        raise MigrationError("an open RDB needs its URI (uri=...) to choose the printer")
    return fn(Migrator(db, uri, options))


def plan(folder: str, db: str | RDB, *, uri: str | None = None, read: str = "mysql",
         database_map: Mapping[str, str] | None = None, default_collation: str | None = None,
         keep_going: bool = False) -> Result:
    """The target statements of the folder's pending files, without applying them."""
    opts = Options(read, dict(database_map or {}), default_collation)
    out = _run(db, uri, opts, lambda m: m.plan(folder, keep_going=keep_going))
    assert isinstance(out, Result)
    return out


def apply(folder: str, db: str | RDB, *, uri: str | None = None, read: str = "mysql",
          database_map: Mapping[str, str] | None = None, default_collation: str | None = None,
          progress: Callable[[FilePlan], None] | None = None) -> Result:
    """Apply the folder's pending files in order; MigrationError names file, statement and cause."""
    opts = Options(read, dict(database_map or {}), default_collation)
    out = _run(db, uri, opts, lambda m: m.apply(folder, progress=progress))
    assert isinstance(out, Result)
    return out


def status(folder: str, db: str | RDB, *, uri: str | None = None,
           database_map: Mapping[str, str] | None = None) -> list[FileStatus]:
    """Each file applied / pending / changed / missing (`database_map`: the schema the history runs in)."""
    out = _run(db, uri, Options(database_map=dict(database_map or {})), lambda m: m.status(folder))
    assert isinstance(out, list)
    return out


def describe(db: str | RDB, *, uri: str | None = None, database_map: Mapping[str, str] | None = None) -> str:
    """The schema `db` holds, as MySQL CREATE TABLE statements."""
    out = _run(db, uri, Options(database_map=dict(database_map or {})), lambda m: m.schema())
    assert isinstance(out, str)
    return out


def apply_folder(folder: str, rdb: RDB, uri: str, **kwargs: object) -> Result:
    """The app's one call: bring `rdb` (opened from `uri`) up to the folder's schema."""
    return apply(folder, rdb, uri=uri, **kwargs)  # type: ignore[arg-type]


__all__ = ["FilePlan", "FileStatus", "Migrator", "Options", "Result", "StatementPlan", "apply", "apply_folder",
           "describe", "parse_database_map", "plan", "status"]
