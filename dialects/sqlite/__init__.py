"""SQLite dialect: our own ANTLR grammar (grammars/SQLite*.g4), lowered into the IR."""

from dialects.sqlite.frontend import SQLiteFrontend
from dialects.sqlite.native import NATIVE_NORMALIZERS
from sqlparser.registry import Dialect, register_dialect

register_dialect(
    Dialect(
        name="sqlite",
        schemes=("sqlite", "sqlite+apsw", "sqlite+pysqlite"),
        frontend=SQLiteFrontend,
        sqlglot_dialect="sqlite",
        native_normalizers=NATIVE_NORMALIZERS,
    )
)
