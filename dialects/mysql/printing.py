"""Native printing for MySQL: the normalizers run on a copy of the IR before sqlglot's MySQL generator."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from dialects.mysql.frontend import TYPED_LITERAL


def typed_literals(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """Print DATE / TIME / TIMESTAMP literals as literals, not as the CAST sqlglot reads them as."""
    for cast in list(tree.find_all(exp.Cast)):
        keyword = cast.meta.get(TYPED_LITERAL) if cast._meta else None
        if keyword is not None and isinstance(cast.this, exp.Literal):
            text = f"{keyword} {cast.this.sql(dialect='mysql')}"
            if cast is tree:
                return exp.Var(this=text)
            cast.replace(exp.Var(this=text))
    return tree


NATIVE_NORMALIZERS = (typed_literals,)
