"""TranslateRules: how a dialect expresses statements read in another dialect, and the node builders
every table uses.

A table maps IR node types to rewrites; the pass that applies it (`sqlparser.passes.translate`)
refuses whatever the table does not vouch for. Nodes a rewrite builds are marked `generated` so
that the allowlist check does not judge them as user input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.errors import ErrorLevel

from sqlparser.ir import DML_STATEMENTS

Rewrite = Callable[[exp.Expression], exp.Expression]
"""A table entry: the node to print instead of the given one (the same node when nothing changes)."""

GENERATED = "cozelite_translated"
"""Meta key marking nodes a rewrite built, so the allowlist check does not judge them as user input."""

VALUE_TYPE = "cozelite_value_type"
"""Meta key: the type class the translate pass inferred for a node *in the source dialect* before any
rewrite ("int", "real", "numeric", "text", "date", "bool"), absent when unknown (no schema, a
derived column, ...). Rewrites whose meaning depends on a type read it with `value_type`."""

RESOLVED = "cozelite_resolved"
"""Meta key on a Column: True when the schema lists it in a table of its scope, False when a schema
was given and no table in scope has it (an alias, or SQLite's double-quoted string), absent without
a schema."""

NO_AFFINITY = "cozelite_no_affinity"
"""Meta key on a Column read from a derived table or CTE whose output is an expression, not a
column: SQLite gives such a value no type affinity, so it compares with literals by storage class."""

SCHEMA_KEYS = "cozelite_schema_keys"
"""Meta key on a Table node: the primary-key columns (lower case) the schema gives for it."""

COLUMNS = "cozelite_columns"
"""Meta key on a Table node: the lower-case column names the schema lists for it."""

DECLARED = "cozelite_declared"
"""Meta key on a Table node: the table's name as the schema spells it (for case-sensitive targets)."""

SCHEMA_GIVEN = "cozelite_schema_given"
"""Meta key on the statement: True when the caller gave a schema."""


@dataclass(frozen=True)
class TranslateRules:
    """How to express statements read in `sources` on the `target` dialect."""

    target: str
    sources: frozenset[str]
    # IR node type -> rewrite. Looked up by exact type first, then along the type's MRO.
    rewrites: Mapping[type[exp.Expr], Rewrite] = field(default_factory=dict)
    # Function node types that mean the same on the sources and the target once rewritten.
    functions: frozenset[type[exp.Expr]] = frozenset()
    # Names of user-written functions sqlglot keeps as Anonymous that mean the same on both.
    anonymous: frozenset[str] = frozenset()
    # Node types refused wherever they remain after rewriting, with the reason.
    denied: Mapping[type[exp.Expr], str] = field(default_factory=dict)
    # Statement types this table can translate.
    statements: tuple[type[exp.Expr], ...] = DML_STATEMENTS
    # Applied to every node after its rewrite, children first (PostgreSQL: truth values vs numbers).
    post: Rewrite | None = None
    # Tables for other source dialects (source name -> table), for the same target.
    by_source: Mapping[str, TranslateRules] = field(default_factory=dict)

    def for_source(self, source: str) -> TranslateRules | None:
        """The table that translates statements read in `source`, or None."""
        if source in self.sources:
            return self
        return self.by_source.get(source)


def value_type(node: exp.Expression | None) -> str | None:
    """The source-side type class the pass inferred for `node` (see VALUE_TYPE), or None."""
    if node is None:
        return None
    while isinstance(node, exp.Paren) and VALUE_TYPE not in node.meta:
        node = node.this
    kind = node.meta.get(VALUE_TYPE)
    return kind if isinstance(kind, str) else None


def construct_name(node: exp.Expr) -> str:
    """How an error names a node the target cannot take: functions as MySQL spells them."""
    if isinstance(node, exp.Anonymous):
        return f"function {node.name.upper()}()"
    if isinstance(node, exp.Func):
        # The name as MySQL spells it (sqlglot's LPAD is a Pad node). Printed only to read the
        # name: what MySQL cannot print (arrays, ...) must not log sqlglot's warnings.
        written = node.sql(dialect="mysql", unsupported_level=ErrorLevel.IGNORE).split("(", 1)[0].strip() \
            or type(node).sql_names()[0]
        return f"function {written.upper()}()"
    return type(node).__name__.upper()


# -- building nodes in a rewrite ----------------------------------------------------------------


def generated(node: exp.Expression) -> exp.Expression:
    """Mark a node a rewrite built (not its user-written operands: mark before attaching them)."""
    node.meta[GENERATED] = True
    return node


def call(name: str, *args: exp.Expression) -> exp.Anonymous:
    """A function call the rewrite chose (so it passes the allowlist)."""
    node = exp.Anonymous(this=name, expressions=list(args))
    node.meta[GENERATED] = True
    return node


def string(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def number(value: int | str) -> exp.Literal | exp.Neg:
    # sqlglot builds a negative number as Neg(Literal).
    return exp.Literal.number(value)


def by_name(table: Mapping[str, Rewrite]) -> Rewrite:
    """A rewrite for Anonymous calls, dispatched on the lower-case function name."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        fn = table.get(node.name.lower()) if isinstance(node, exp.Anonymous) else None
        return fn(node) if fn is not None else node

    return rewrite
