"""PolicyRules: what `check_policy` denies on a dialect, and the denials every dialect shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sqlglot import exp

Show = Callable[[exp.Expr], str]
"""How a node reads in an error message (`PolicyRules.show`)."""


def show_default(node: exp.Expr) -> str:
    """A node as sqlglot's default dialect writes it: `?`, `?1`, `:name`, `@name` and `$name` read as
    written (the SQLite forms), but a positional `$1` reads `@1` and quoted names use double quotes."""
    return node.sql()


@dataclass(frozen=True)
class PolicyRules:
    """A dialect's denials. Names are lower-case; `extend` builds a dialect's table over the base."""

    # Schemas (and catalogs) that hold the engine's own data: information_schema, pg_catalog, ...
    system_schemas: frozenset[str] = frozenset()
    # Tables that are the engine's own, by exact name and by prefix (sqlite_master, pg_*, ...).
    system_tables: frozenset[str] = frozenset()
    system_table_prefixes: tuple[str, ...] = ()
    # Functions that reach outside the user's tables (files, sleep, network, server state).
    denied_functions: frozenset[str] = frozenset()
    # Table-valued functions allowed in FROM (json_each, generate_series, ...); all others are denied.
    table_functions: frozenset[str] = frozenset()
    # IR node types denied wherever they appear, with the rule they break.
    denied_nodes: tuple[tuple[type[exp.Expr], str], ...] = ()
    # Statements the front end parses but cannot lower (Statement.unsupported, lower-case) -> rule.
    # Any other unlowered statement breaks "unchecked-construct": what cannot be checked is denied.
    unlowered: Mapping[str, str] = field(default_factory=dict)
    # Comments the engine executes (MySQL `/*! ... */`, MariaDB `/*M! ... */`), by their text's start.
    executable_comments: tuple[str, ...] = ()
    # Every comment of the statement text, for dialects with executable comments (the tree keeps
    # most comments but not those after the last token).
    comments_of: Callable[[str], list[str]] | None = None
    # Types that look into the catalog when a value is cast to them (PostgreSQL regclass, ...).
    denied_types: frozenset[str] = frozenset()
    # How a node reads in an error message: as the dialect writes it, so that a parameter the user
    # wrote as `$1` is not shown as sqlglot's default `@1`. The passes' messages all go through it.
    show: Show = show_default

    def extend(self, *, system_schemas: Iterable[str] = (), system_tables: Iterable[str] = (),
               system_table_prefixes: Iterable[str] = (), denied_functions: Iterable[str] = (),
               table_functions: Iterable[str] = (),
               denied_nodes: Iterable[tuple[type[exp.Expr], str]] = (),
               unlowered: Mapping[str, str] | None = None, executable_comments: Iterable[str] = (),
               comments_of: Callable[[str], list[str]] | None = None,
               denied_types: Iterable[str] = (),
               show: Show | None = None) -> PolicyRules:
        return PolicyRules(
            system_schemas=self.system_schemas | {s.lower() for s in system_schemas},
            system_tables=self.system_tables | {t.lower() for t in system_tables},
            system_table_prefixes=self.system_table_prefixes + tuple(p.lower() for p in system_table_prefixes),
            denied_functions=self.denied_functions | {f.lower() for f in denied_functions},
            table_functions=self.table_functions | {f.lower() for f in table_functions},
            denied_nodes=self.denied_nodes + tuple(denied_nodes),
            unlowered={**self.unlowered, **{k.lower(): v for k, v in (unlowered or {}).items()}},
            executable_comments=self.executable_comments + tuple(executable_comments),
            comments_of=comments_of or self.comments_of,
            denied_types=self.denied_types | {t.lower() for t in denied_types},
            show=show or self.show,
        )


# Denied in every dialect: statements that leave the user's data (the front ends lower them when
# they can; an opaque Command is denied because nothing about it can be checked).
BASE_RULES = PolicyRules(
    system_schemas=frozenset({"information_schema"}),
    # cozelite's own bookkeeping tables (the db provider's catalog, ping and rebuild tables): the
    # provider reserves the prefix, so no user table has it, whatever a policy lists.
    system_table_prefixes=("_cozelite",),
    denied_nodes=(
        (exp.Command, "opaque-statement"),
        (exp.Into, "select-into"),
        (exp.Copy, "copy"),
        (exp.LoadData, "load-data"),
        (exp.Attach, "attach"),
        (exp.Detach, "attach"),
        (exp.Pragma, "pragma"),
        (exp.Set, "set"),
        (exp.Use, "use"),
        (exp.Grant, "grant"),
        (exp.Kill, "kill"),
        (exp.Lock, "lock"),
        (exp.Install, "install"),
        (exp.Export, "export"),
        (exp.Execute, "execute"),
        (exp.ExecuteSql, "execute"),
        (exp.ToFile, "file-access"),
        (exp.SessionParameter, "system-variable"),
        (exp.Merge, "merge"),
    ),
)
