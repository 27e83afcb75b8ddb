"""How both styles print a folded run of plain literals (`sqlparser.literal_runs.LiteralRun`).

Each item is printed by the style's own printer as the node the front end lowers it to, joined the
way the style joins the unfolded nodes, so the text is the unfolded tree's text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

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


def native_handler(original: Callable[[Any, Any], str] | None) -> Callable[[Any, Any], str]:
    """The handler of `exp.Tag` in a sqlglot generator: folded runs, else sqlglot's `original`."""

    def handler(generator: Any, node: Any) -> str:
        if is_run(node):
            return render(node, generator.sql, item_sep=", ", row_sep=", ", row_open="(", row_close=")",
                          or_sep=" OR ")
        if original is None:
            raise UnsupportedConstructError("Tag", "sqlglot's generator has no form for it")
        return original(generator, node)

    return handler
