"""Helpers over the IR (sqlglot's expression tree) that every layer may use: front ends, passes,
printers and providers. Nothing here knows a dialect."""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from sqlparser.errors import UnsupportedStatementError
from sqlparser.types import OperationType


class Unlowerable(Exception):
    """A valid statement the IR cannot represent faithfully (a trigger body, an exotic clause).

    Front ends raise it while lowering and turn it into a Statement without a tree, whose
    `unsupported` is `construct`: only classification works on such a statement.
    """

    def __init__(self, construct: str, detail: str = "") -> None:
        super().__init__(construct + (f" ({detail})" if detail else ""))
        self.construct = construct
        self.detail = detail


# -- node groups: one name per meaning ------------------------------------------------------------
# Typed by sqlglot's base class Expr: Query (like Func and Condition) is a trait class that is not
# an Expression, though every concrete node is.

DML_WRITES: tuple[type[exp.Expr], ...] = (exp.Insert, exp.Update, exp.Delete)
"""Statements that change rows and that the Go contract classifies (INSERT / UPDATE / DELETE)."""

ROW_WRITES: tuple[type[exp.Expr], ...] = (*DML_WRITES, exp.Merge)
"""Every node that changes rows, MERGE included: what a filter on an outer SELECT cannot restrict."""

DML_STATEMENTS: tuple[type[exp.Expr], ...] = (exp.Query, *DML_WRITES)
"""Statements that read or change rows: queries (SELECT, set operations) and the DML writes."""


def operation_of(tree: exp.Expr) -> OperationType:
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


def first_table(tree: exp.Expr) -> str:
    """The table the Go contract's GetTableName reports: the leftmost plain table of the statement."""
    if isinstance(tree, exp.Select):
        source = tree.args.get("from_") or tree.args.get("from")
        if source is None:
            raise UnsupportedStatementError("no table found in SELECT")
        table = source.this
        if not isinstance(table, exp.Table) or not table.name:
            raise UnsupportedStatementError("unsupported SELECT FROM structure (not a table)")
        return table.name
    if isinstance(tree, DML_WRITES):
        target = tree.this
        if isinstance(target, exp.Schema):
            target = target.this
        if not isinstance(target, exp.Table) or not target.name:
            raise UnsupportedStatementError(f"unsupported {type(tree).__name__.upper()} structure (not a table)")
        return target.name
    raise UnsupportedStatementError("unsupported SQL statement type for table name extraction")


def select_arms(tree: exp.Expr) -> list[exp.Expr]:
    """The simple statements a compound query is made of, left to right.

    Every arm of a UNION / INTERSECT / EXCEPT, through parenthesized arms; any other statement is
    its own only arm. Callers decide which kinds of arm they can work on.
    """
    if isinstance(tree, exp.SetOperation):
        return select_arms(tree.left) + select_arms(tree.right)
    if isinstance(tree, exp.Subquery):
        return select_arms(tree.this)
    return [tree]


def line_column(sql: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of the character at `offset` in `sql` (clamped into the text)."""
    offset = max(0, min(offset, len(sql)))
    line = sql.count("\n", 0, offset) + 1
    column = offset - (sql.rfind("\n", 0, offset) + 1) + 1
    return line, column


# -- write forms: statement modifiers -------------------------------------------------------------

STATEMENT_MODIFIERS = "statement_modifiers"
"""Meta key marking the Var a front end puts in a write statement's `hint` slot to keep words
that sit between the statement keyword and the table and that sqlglot has no field for: MySQL's
LOW_PRIORITY / DELAYED / HIGH_PRIORITY / QUICK / IGNORE on UPDATE and DELETE, SQLite's
`UPDATE OR <action>`. sqlglot prints the hint slot right after the keyword, so every generator
prints them in place; the Var's text starts with a space for that reason."""


def modifiers_node(words: tuple[str, ...]) -> exp.Var:
    """The hint-slot node holding `words` (upper case, in the order written)."""
    node = exp.Var(this=" " + " ".join(words))
    node.meta[STATEMENT_MODIFIERS] = True
    return node


def statement_modifiers(stmt: exp.Expr) -> tuple[str, ...]:
    """The modifier words of a write statement (`("LOW_PRIORITY", "IGNORE")`, `("OR", "REPLACE")`)."""
    hint = stmt.args.get("hint")
    if isinstance(hint, exp.Var) and hint._meta and hint.meta.get(STATEMENT_MODIFIERS):
        return tuple(hint.name.split())
    return ()


def set_statement_modifiers(stmt: exp.Expr, words: tuple[str, ...]) -> None:
    """Replace a write statement's modifier words (none: the slot is emptied)."""
    stmt.set("hint", modifiers_node(words) if words else None)


def conflict_action(stmt: exp.Expr) -> str | None:
    """What a write does when a row violates a constraint, where the statement says so:
    REPLACE (MySQL REPLACE, SQLite REPLACE / OR REPLACE), IGNORE (MySQL IGNORE, SQLite OR IGNORE),
    ABORT / FAIL / ROLLBACK (SQLite OR ...); None for the engine's default."""
    if isinstance(stmt, exp.Insert):
        alternative = stmt.args.get("alternative")
        if alternative:
            return str(alternative).upper()
        return "IGNORE" if stmt.args.get("ignore") else None
    words = statement_modifiers(stmt)
    if len(words) == 2 and words[0] == "OR":
        return words[1]
    return "IGNORE" if "IGNORE" in words else None


def any_node(tree: exp.Expr, name_test: Callable[[exp.Identifier], bool],
             node_test: Callable[[exp.Expr], bool] | None = None) -> bool:
    """Whether a name of `tree` passes `name_test`, or another node `node_test`; stops at the first.

    The native printers ask this on every render (is there anything to fix, so that the tree must
    be copied first?), so the walk is lean: breadth-first over a list that is its own queue (no
    generator); a name is tested where it is met and not looked into, a literal skipped (their
    arguments are text and flags, never nodes)."""
    identifier, literal, expression = exp.Identifier, exp.Literal, exp.Expr
    queue: list[exp.Expr] = [tree]
    push = queue.append
    i = 0
    while i < len(queue):
        node = queue[i]
        i += 1
        cls = type(node)
        if cls is identifier:
            if name_test(node):  # type: ignore[arg-type]
                return True
            continue
        if cls is literal:
            continue
        if node_test is not None and node_test(node):
            return True
        for value in node.args.values():
            if type(value) is list:
                for item in value:
                    if isinstance(item, expression):
                        push(item)
            elif isinstance(value, expression):
                push(value)
    return False
