"""PostgreSQL dialect: libpg_query (pglast) parses, `lower` builds the IR, sqlglot prints.

Accepts what PostgreSQL's parser accepts, plus MySQL-style `?` placeholders and backquoted names
(see compat_lexer). Native output prints placeholders as `$1..$n` (default) or psycopg's `%s`:
`new_parser("postgres", placeholder="%s")`.
"""

from dialects.postgres.frontend import PostgresFrontend
from dialects.postgres.native import SQLGLOT_DIALECT, placeholder_style, quote_names
from sqlparser.registry import Dialect, register_dialect

register_dialect(
    Dialect(
        name="postgres",
        schemes=("postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2", "postgresql+asyncpg"),
        frontend=PostgresFrontend,
        sqlglot_dialect=SQLGLOT_DIALECT,
        native_normalizers=(quote_names, placeholder_style),
        native_options={"placeholder": "$n"},
    )
)
