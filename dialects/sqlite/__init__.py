"""SQLite dialect: our own ANTLR grammar (grammars/SQLite*.g4), lowered into the IR.

The front end is imported on first use: loading the generated parser deserializes its ATN
(~150 ms), which a process that never parses SQLite should not pay when the registry imports
every dialect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialects.sqlite.native import NATIVE_NORMALIZERS
from sqlparser.registry import Dialect, register_dialect

if TYPE_CHECKING:
    from dialects.sqlite.frontend import SQLiteFrontend


def sqlite_frontend(*, portable_names: bool = True, cache: bool = True) -> SQLiteFrontend:
    from dialects.sqlite.frontend import SQLiteFrontend

    return SQLiteFrontend(portable_names=portable_names, cache=cache)


register_dialect(
    Dialect(
        name="sqlite",
        schemes=("sqlite", "sqlite+apsw", "sqlite+pysqlite"),
        frontend=sqlite_frontend,
        sqlglot_dialect="sqlite",
        native_normalizers=NATIVE_NORMALIZERS,
    )
)
