"""Helpers over the IR (sqlglot's expression tree) that every layer may use: front ends, passes,
printers and providers. Nothing here knows a dialect."""

from __future__ import annotations

from sqlglot import exp

from sqlparser.errors import UnsupportedStatementError
from sqlparser.types import OperationType


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


def first_table(tree: exp.Expression) -> str:
    """The table the Go contract's GetTableName reports: the leftmost plain table of the statement."""
    if isinstance(tree, exp.Select):
        source = tree.args.get("from_") or tree.args.get("from")
        if source is None:
            raise UnsupportedStatementError("no table found in SELECT")
        table = source.this
        if not isinstance(table, exp.Table) or not table.name:
            raise UnsupportedStatementError("unsupported SELECT FROM structure (not a table)")
        return table.name
    if isinstance(tree, (exp.Insert, exp.Update, exp.Delete)):
        target = tree.this
        if isinstance(target, exp.Schema):
            target = target.this
        if not isinstance(target, exp.Table) or not target.name:
            raise UnsupportedStatementError(f"unsupported {type(tree).__name__.upper()} structure (not a table)")
        return target.name
    raise UnsupportedStatementError("unsupported SQL statement type for table name extraction")


# -- from fe --


def line_column(sql: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of `offset` in `sql`; an offset outside the text is clamped to it."""
    offset = max(0, min(offset, len(sql)))
    line = sql.count("\n", 0, offset) + 1
    return line, offset - (sql.rfind("\n", 0, offset) + 1) + 1


class Unlowerable(Exception):
    """A valid statement holds a construct the IR cannot represent faithfully. The message is the
    construct's name; front ends turn it into a Statement without a tree (`unsupported` = the name)."""

    def __init__(self, construct: str) -> None:
        super().__init__(construct)
        self.construct = construct
