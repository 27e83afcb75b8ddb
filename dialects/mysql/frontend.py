"""MySQL front end: sqlglot read="mysql" plus the checks that make it as strict as MySQL 8.

(Minimal first version; strictness rules land with the MySQL dialect work.)
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from sqlparser.errors import SQLSyntaxError
from sqlparser.frontend import Statement, operation_of


class MySQLFrontend:
    def __init__(self, *, portable_names: bool = True) -> None:
        self.portable_names = portable_names

    def parse(self, sql: str) -> Statement:
        try:
            trees = sqlglot.parse(sql, read="mysql")
        except (ParseError, TokenError) as err:
            raise _syntax_error(err, sql) from None
        trees = [t for t in trees if t is not None]
        if len(trees) != 1:
            raise SQLSyntaxError("expected exactly one statement", line=1, column=1, token=None, sql=sql)
        tree = trees[0]
        if isinstance(tree, exp.Command):
            raise SQLSyntaxError("unrecognized statement", line=1, column=1, token=sql.split()[0], sql=sql)
        return Statement(sql=sql, operation=operation_of(tree), tree=tree)

    def parse_condition(self, condition: str) -> exp.Expression:
        return self.parse(f"SELECT * FROM t WHERE {condition}").tree.args["where"].this


def _syntax_error(err: Exception, sql: str) -> SQLSyntaxError:
    errors = getattr(err, "errors", None) or [{}]
    first = errors[0]
    return SQLSyntaxError(first.get("description") or str(err), line=first.get("line") or 1,
                          column=first.get("col") or 1, token=first.get("highlight"), sql=sql)
