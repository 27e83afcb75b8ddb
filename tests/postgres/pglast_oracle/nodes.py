"""Reading pglast nodes under the type checker.

pglast types every node field as optional, because PostgreSQL's node structs allow NULL
everywhere; the parser fills the fields a node kind always has, and leaves empty lists as None.
"""

from __future__ import annotations

from typing import TypeVar

from pglast import ast

from sqlparser.ir import Unlowerable

_T = TypeVar("_T")


def need(value: _T | None, node: ast.Node) -> _T:
    """A field `node`'s kind always has. Missing, the tree is not one the lowering knows: refuse
    it, naming the node, rather than guess."""
    if value is None:
        raise Unlowerable(type(node).__name__)
    return value
