"""What a dialect's front end is: text in, a validated statement lowered into the IR out.

The IR is sqlglot's expression tree. Front ends decide validity (each accepts what its engine
accepts); passes and printers only ever see the IR.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlglot import exp

from sqlparser.types import OperationType


@dataclass(frozen=True)
class Statement:
    """One parsed statement.

    `tree` is the IR, or None when the IR cannot represent the statement faithfully (for example a
    trigger body); then `unsupported` names the construct, and only classification works on it.
    `table` is the first table the statement names (FROM / INTO / UPDATE / DELETE FROM), when the
    front end could not lower the tree but still knows it.
    """

    sql: str
    operation: OperationType
    tree: exp.Expression | None
    unsupported: str | None = None
    table: str | None = None


class Frontend(Protocol):
    """A dialect's parser. Built once per SQLParser with the parser's options; must be thread-safe."""

    def parse(self, sql: str) -> Statement:
        """Parse exactly one statement. Raise SQLSyntaxError (line, column, token) when invalid."""
        ...

    def parse_condition(self, condition: str) -> exp.Expression:
        """Parse a boolean expression, as it would appear after WHERE, in this dialect."""
        ...


class FrontendFactory(Protocol):
    def __call__(self, *, portable_names: bool) -> Frontend: ...


def operation_of(tree: exp.Expression) -> OperationType:
    """Classify an IR statement the way the Go contract does (TiDB's statement node types)."""
    # A bare VALUES ROW(...) statement is a query too (TiDB parses it into a SelectStmt).
    if isinstance(tree, (exp.Query, exp.Values)):
        return OperationType.SELECT
    for node_type, op in _OPERATION_BY_NODE:
        if isinstance(tree, node_type):
            if op is OperationType.CREATE and tree.args.get("kind", "").upper() != "TABLE":
                return OperationType.UNKNOWN
            if op is OperationType.DROP and tree.args.get("kind", "").upper() != "TABLE":
                return OperationType.UNKNOWN
            return op
    return OperationType.UNKNOWN


_OPERATION_BY_NODE: tuple[tuple[type[exp.Expression], OperationType], ...] = (
    (exp.Insert, OperationType.INSERT),
    (exp.Update, OperationType.UPDATE),
    (exp.Delete, OperationType.DELETE),
    (exp.Create, OperationType.CREATE),
    (exp.Alter, OperationType.ALTER),
    (exp.Drop, OperationType.DROP),
    (exp.TruncateTable, OperationType.TRUNCATE),
)
