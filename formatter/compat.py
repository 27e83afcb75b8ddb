"""Compat style: TiDB `Restore` format, byte-compatible with Coze Studio's Go implementation.

Placeholder until the compat printer lands: sqlglot's MySQL generator, unformatted.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from formatter import register_style


@register_style("compat")
def render_compat(tree: exp.Expression, *, dialect: Any, quote_names: bool, **options: Any) -> str:
    return tree.sql(dialect="mysql", identify=quote_names)
