"""Issue 13's two DDL numbers on the MySQL corpus, measured and printed in one place.

- agreement of the MySQL front end with the corpus labels on DDL rows (CREATE, ALTER, DROP,
  TRUNCATE) and overall;
- the share of accepted CREATE and ALTER rows with a tree whose compat printing is byte for byte
  TiDB's `restored` text (rows without a tree, Unlowerable, do not count).

Run with `-s` to see them: python -m pytest -q -s tests/mysql/test_ddl_corpus.py
"""

from __future__ import annotations

import formatter
from sqlparser import SQLParserError, new_parser
from tests.corpus._corpus import load_corpus

DDL_KINDS = ("CREATE", "ALTER", "DROP", "TRUNCATE")
DDL_AGREEMENT_FLOOR = 0.99
"""Measured 996/1009 = 98.7% when written, 1002/1009 = 99.3% now; the rest are TiDB extensions MySQL 8
rejects (listed with their reasons in tests/corpus/mysql_known_gaps.json) and executable comments
around partitioning (refused on purpose)."""
COMPAT_TARGET = 0.97
"""Issue 13: the compat printer matches TiDB's restored text for >= 97% of accepted CREATE / ALTER rows."""


def test_ddl_agreement_and_compat_bytes() -> None:
    parser = new_parser("mysql", portable_names=False)
    agree = total = ddl_agree = ddl_total = 0
    printed = exact = 0
    for row in load_corpus("mysql"):
        try:
            statement = parser.parse(row["sql"])
            accepted = True
        except SQLParserError:
            statement, accepted = None, False
        total += 1
        agree += accepted == row["syntax_ok"]
        if row["kind"] in DDL_KINDS:
            ddl_total += 1
            ddl_agree += accepted == row["syntax_ok"]
        if (row["kind"] in ("CREATE", "ALTER") and row["syntax_ok"] and row.get("restored") is not None
                and statement is not None and statement.tree is not None):
            printed += 1
            try:
                out = formatter.render(statement.tree, style="compat", dialect=parser.dialect, quote_names=True,
                                       uppercase_keywords=True, string_charset="utf8mb4", source_sql=row["sql"])
            except SQLParserError:
                continue
            exact += out == row["restored"]
    print(f"\nMySQL corpus agreement: DDL {ddl_agree}/{ddl_total} = {ddl_agree / ddl_total:.2%}, "
          f"overall {agree}/{total} = {agree / total:.2%}; compat CREATE+ALTER byte-exact "
          f"{exact}/{printed} = {exact / printed:.2%}")
    assert ddl_agree / ddl_total >= DDL_AGREEMENT_FLOOR
    assert printed >= 450 and exact / printed >= COMPAT_TARGET
