"""How both styles print a folded run of plain literals (`sqlparser.literal_runs.LiteralRun`).

Each item is printed by the style's own printer as the node the front end lowers it to, joined the
way the style joins the unfolded nodes, so the text is the unfolded tree's text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlglot.generator as generator_module
from sqlglot import exp
from sqlglot.generator import Generator

from formatter.compat.base import Restorer, printer
from sqlparser.errors import UnsupportedConstructError
from sqlparser.literal_runs import LiteralRun, is_run, render


@printer(exp.Tag)
def compat_literal_run(r: Restorer, node: exp.Tag) -> str:
    if not is_run(node):
        raise UnsupportedConstructError("Tag", "the compat (TiDB) printer has no form for it")
    # TiDB joins IN items and row values with "," and the INSERT printer wraps each row node in
    # its own parentheses: a run of rows prints as the inside of those, `1,2),(3,4`.
    text = render(node, r.node, item_sep=",", row_sep=",", row_open="(", row_close=")", or_sep=" OR ")
    return text[1:-1] if LiteralRun(node).kind == "rows" else text


def _tag_sql(generator: Any, node: Any) -> str:
    if is_run(node):
        return render(node, generator.sql, item_sep=", ", row_sep=", ", row_open="(", row_close=")", or_sep=" OR ")
    return _SQLGLOT_TAG_SQL(generator, node)


# Native style: sqlglot's generators print a folded run through their handler of `exp.Tag` (no
# front end makes one otherwise). Installed on sqlglot's base generator, not only on the ones
# `formatter.native` keeps: dialect fix-ups and error messages print subtrees with `.sql(dialect=)`,
# a fresh generator each time. A generator class builds its dispatch table once (from its
# `*_sql` methods); tables built before this import get the handler too.
_SQLGLOT_TAG_SQL: Callable[[Any, Any], str] = Generator.tag_sql
Generator.tag_sql = _tag_sql  # type: ignore[method-assign,assignment]
for _cls, _dispatch in getattr(generator_module, "_DISPATCH_CACHE", {}).items():
    if getattr(_cls, "tag_sql", None) is _tag_sql:
        _dispatch[exp.Tag] = _tag_sql
