"""cozelite's SQL dialect translation compiler: one contract, three dialects (MySQL, SQLite, PostgreSQL)."""

from sqlparser.contract import SQLParser, new_parser, parser_for
from sqlparser.errors import (
    AmbiguousColumnError,
    InvalidArgumentError,
    PolicyViolationError,
    SQLParserError,
    SQLSyntaxError,
    UnsupportedConstructError,
    UnsupportedStatementError,
)
from sqlparser.types import ColumnValue, OperationType, Policy, PrimaryKeyValue, SQLFilterOp, TableColumn

__all__ = [
    "AmbiguousColumnError",
    "ColumnValue",
    "InvalidArgumentError",
    "OperationType",
    "Policy",
    "PolicyViolationError",
    "PrimaryKeyValue",
    "SQLFilterOp",
    "SQLParser",
    "SQLParserError",
    "SQLSyntaxError",
    "TableColumn",
    "UnsupportedConstructError",
    "UnsupportedStatementError",
    "new_parser",
    "parser_for",
]
