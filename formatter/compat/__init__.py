"""Compat style: TiDB's `Restore` format, byte-compatible with Coze Studio's Go implementation.

The Go contract restores with `RestoreStringSingleQuotes | RestoreStringWithoutCharset`, plus
`RestoreNameBackQuotes` in `append_sql_filter` and `add_select_fields_to_select_sql`
(`quote_names=True` here). The printer is its own walk over the sqlglot tree, one printer per
node type, registered in the dispatch table of `base` by the printer modules (`expressions`,
`functions`, `windows`, `tables`, `statements`, `ddl`, `alter`; `common` and `precedence` hold the
pieces several of them share). A node type without a printer, or a node carrying a part the
printer has no form for, raises `UnsupportedConstructError` naming it.

Options (keyword-only), all defaulting to what the Go contract does:
- `uppercase_keywords` (False): TiDB's `RestoreKeyWordUppercase`.
- `string_charset` (None): print string literals with this charset introducer, as TiDB does without
  `RestoreStringWithoutCharset` (TiDB's default flags use ``"utf8mb4"``: ``_UTF8MB4'x'``).
- `source_sql` (None): the text the tree was parsed from. sqlglot's tree forgets some spellings
  TiDB keeps (a function name's case and synonym, ``t1, t2`` vs ``t1 JOIN t2``, ``OVER w`` vs
  ``OVER (w)``, ``TABLE t``, ``INSERT ... SET``); with the text the printer picks TiDB's spelling,
  without it a canonical one with the same meaning. The contract should pass the statement here.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

# Importing the printer modules registers their node printers.
from formatter.compat import alter as _alter  # noqa: F401
from formatter.compat import ddl as _ddl  # noqa: F401
from formatter.compat import expressions as _expressions  # noqa: F401
from formatter.compat import functions as _functions  # noqa: F401
from formatter.compat import statements as _statements  # noqa: F401
from formatter.compat import tables as _tables  # noqa: F401
from formatter.compat import windows as _windows  # noqa: F401
from formatter.compat.base import Options, Restorer
from formatter.registry import Dialect, register_style
from sqlparser.errors import InvalidArgumentError

_OPTION_NAMES = ("uppercase_keywords", "string_charset", "source_sql")


@register_style("compat")
def render_compat(tree: exp.Expression, *, dialect: Dialect, quote_names: bool, consume: bool = False,
                  **options: Any) -> str:
    # The compat printer only reads the tree, so `consume` changes nothing here.
    unknown = sorted(set(options) - set(_OPTION_NAMES))
    if unknown:
        raise InvalidArgumentError(
            f"unknown compat option(s) {', '.join(unknown)}; known: {', '.join(_OPTION_NAMES)}")
    charset = options.get("string_charset")
    if charset is not None and (not isinstance(charset, str) or not charset.isidentifier()):
        raise InvalidArgumentError(f"string_charset must be a charset name such as 'utf8mb4', got {charset!r}")
    opts = Options(quote_names=bool(quote_names), uppercase_keywords=bool(options.get("uppercase_keywords", False)),
                   string_charset=charset, source_sql=options.get("source_sql"))
    return Restorer(opts).node(tree)
