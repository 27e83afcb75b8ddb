"""PostgreSQL dialect: libpg_query (pglast) parses, `lower` builds the IR, sqlglot prints.

Accepts what PostgreSQL's parser accepts, plus MySQL-style `?` placeholders and backquoted names
(see compat_lexer). Native output prints placeholders as `$1..$n` (default) or psycopg's `%s`:
`new_parser("postgres", placeholder="%s")`.
"""

from dialects.postgres import policy, translate
from dialects.postgres.frontend import PostgresFrontend
from dialects.postgres.native import NATIVE_NORMALIZERS, SQLGLOT_DIALECT
from sqlparser.dialect import Dialect

DIALECT = Dialect(
    name="postgres",
    schemes=("postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2", "postgresql+asyncpg"),
    frontend=PostgresFrontend,
    sqlglot_dialect=SQLGLOT_DIALECT,
    native_normalizers=NATIVE_NORMALIZERS,
    native_options={"placeholder": "$n"},
    policy=policy.RULES,
    translate=translate.RULES,
)
