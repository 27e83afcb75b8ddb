"""SQLite dialect: our own ANTLR grammar (grammars/SQLite*.g4), lowered into the IR.

The front end is imported on first use: loading the generated parser deserializes its ATN
(~150 ms), which a process that never parses SQLite should not pay when the registry imports
every dialect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialects.sqlite import native, policy, translate
from sqlparser.dialect import Dialect

if TYPE_CHECKING:
    from dialects.sqlite.frontend import SQLiteFrontend


def sqlite_frontend(*, portable_names: bool = True, cache: bool = True) -> SQLiteFrontend:
    from dialects.sqlite.frontend import SQLiteFrontend

    return SQLiteFrontend(portable_names=portable_names, cache=cache)


def clear_cache() -> None:
    """Forget the front end's cached statements (benchmarks: `bench/profile_rewrite.py --ab` looks
    for `clear_cache` in the module of `DIALECT.frontend`, which is this one); lazy, as above."""
    from dialects.sqlite.frontend import clear_cache as clear

    clear()


DIALECT = Dialect(
    name="sqlite",
    schemes=("sqlite", "sqlite+apsw", "sqlite+pysqlite"),
    frontend=sqlite_frontend,
    sqlglot_dialect="sqlite",
    native_normalizers=native.NATIVE_NORMALIZERS,
    native_options={},
    policy=policy.RULES,
    translate=translate.RULES,
)
