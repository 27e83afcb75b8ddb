"""The base of the compat printer: options, the per-node-type printer table, names and literals.

TiDB's `Restore` writes through a context with three kinds of output: keywords (upper-cased only
under the `RestoreKeyWordUppercase` flag), names (back-quoted only under `RestoreNameBackQuotes`)
and strings (single-quoted, `'` doubled, optionally preceded by a charset introducer). `Restorer`
is that context for the sqlglot tree.

The node printers live in the other modules of this package and register here with `@printer`,
one per sqlglot node type (or trait class, such as `exp.Func`). A printer prints a child with
`Restorer.node`, which looks the child's type up in the table, so no printer module imports another
to print a child: the package's imports form no cycle (the helpers several modules share sit in
`common` and `precedence`, below the printer modules, beside this one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from sqlparser.errors import UnsupportedConstructError
from sqlparser.mysql8_reserved import is_mysql8_reserved as _is_reserved

# A printer takes the node its type was registered for; `Any` because each printer narrows it.
NodePrinter = Callable[["Restorer", Any], str]

# Keyed by sqlglot node type or trait class (`exp.Func`, `exp.Binary` are not `exp.Expression`s).
_PRINTERS: dict[type[exp.Expr], NodePrinter] = {}


def printer(*node_types: type[exp.Expr]) -> Callable[[NodePrinter], NodePrinter]:
    """Register `fn` as the printer of `node_types`; a type registered twice is a programming error."""

    def decorate(fn: NodePrinter) -> NodePrinter:
        for node_type in node_types:
            if node_type in _PRINTERS:
                raise RuntimeError(f"compat printer for {node_type.__name__} is registered twice")
            _PRINTERS[node_type] = fn
        return fn

    return decorate


@dataclass(frozen=True)
class Options:
    """The restore flags, as keyword options of the compat style.

    - `quote_names`: every name back-quoted (TiDB `RestoreNameBackQuotes`). Without it names are
      written plain, except names MySQL 8 or SQLite could not read back plain (reserved words, names
      with characters outside ``[A-Za-z0-9_$]``, starting with a digit or `$`): those are back-quoted anyway,
      because the printed SQL must mean what the tree means.
    - `uppercase_keywords`: keywords and built-in function names upper-cased (TiDB
      `RestoreKeyWordUppercase`). The Go contract does not set it: keywords are then written as
      TiDB's code spells them (upper case, with a few lower-case exceptions such as ``for update``).
    - `string_charset`: when set (for example ``"utf8mb4"``), every plain string literal carries
      that charset introducer (``_UTF8MB4'x'``), as TiDB prints without `RestoreStringWithoutCharset`.
      The Go contract sets WithoutCharset, so the default is no introducer.
    - `source_sql`: the statement text the tree was parsed from. Without the upper-case flag TiDB
      writes a function name as the user typed it; sqlglot keeps only a canonical name, so the
      typed spelling is recovered from the source span when the text is given (else upper case).
    """

    quote_names: bool = False
    uppercase_keywords: bool = False
    string_charset: str | None = None
    source_sql: str | None = None


MARIADB_RESERVED_WORDS: frozenset[str] = frozenset(
    """
    CURRENT_ROLE DELETE_DOMAIN_ID DO_DOMAIN_IDS IGNORE_DOMAIN_IDS MASTER_DEMOTE_TO_REPLICA
    MASTER_DEMOTE_TO_SLAVE OFFSET PAGE_CHECKSUM PARSE_VCOL_EXPR PORTION REF_SYSTEM_ID RETURNING
    SQL_BUFFER_RESULT SQL_CACHE SQL_NO_CACHE STATS_AUTO_RECALC STATS_PERSISTENT STATS_SAMPLE_PAGES
    """.split()
)
"""Words MariaDB reserves and MySQL 8 does not (MariaDB is served by the mysql dialect): compat
text back-quotes them too. The same list as `dialects.mysql.names.MARIADB_RESERVED_WORDS` (the
formatter imports no dialect; tests/security/test_quoting.py keeps the two equal)."""

_PLAIN_NAME = re.compile(r"[A-Za-z0-9_$\u0080-\uffff]+")


class Restorer:
    """Prints one tree. Stateless apart from the options, so one instance per `render` call."""

    def __init__(self, options: Options) -> None:
        self.options = options

    # -- dispatch ---------------------------------------------------------------------------

    def node(self, node: exp.Expr | None) -> str:
        if node is None:
            raise UnsupportedConstructError("missing part", "the tree lacks a part the statement needs")
        for node_type in type(node).__mro__:
            fn = _PRINTERS.get(node_type)
            if fn is not None:
                return fn(self, node)
        raise UnsupportedConstructError(type(node).__name__, "the compat (TiDB) printer has no form for it")

    # -- TiDB's three writers ---------------------------------------------------------------

    def kw(self, text: str) -> str:
        return text.upper() if self.options.uppercase_keywords else text

    def name(self, text: str) -> str:
        if self.options.quote_names or self._needs_quotes(text):
            return "`" + text.replace("`", "``") + "`"
        return text

    @staticmethod
    def _needs_quotes(text: str) -> bool:
        if not text or not _PLAIN_NAME.fullmatch(text) or text.isdigit():
            return True
        # A leading digit or `$` is bare-readable in MySQL (`$` deprecated since 8.0.32) but not in
        # SQLite (a number, a parameter): compat text must read back on the parser's dialect too.
        # (This covers 1e5 and 0x1f too, which would read back as numbers.)
        if text[0].isdigit() or text[0] == "$":
            return True
        return _is_reserved(text) or text.upper() in MARIADB_RESERVED_WORDS

    def string(self, value: str, *, introducer: bool = True) -> str:
        body = "'" + _escape_string(value) + "'"
        charset = self.options.string_charset
        if introducer and charset:
            return "_" + self.kw(charset) + body
        return body

    def func_name(self, node: exp.Expr, canonical: str, aliases: tuple[str, ...] = ()) -> str:
        """A built-in function's name: as typed when the source is known and the typed name is the
        canonical one or one of its exact synonyms (`aliases`), else the canonical name."""
        typed = self.typed_name(node)
        name = canonical
        if typed is not None and typed.upper() in (canonical.upper(), *(a.upper() for a in aliases)):
            name = typed
        return name.upper() if self.options.uppercase_keywords or name is canonical else name

    def typed_name(self, node: exp.Expr) -> str | None:
        """The name a function node was typed with, when the source is known: its own span, or (for
        nodes sqlglot builds without one) the word before the `(` that opens its first argument."""
        source = self.options.source_sql
        if source is None:
            return None
        meta = node.meta if node._meta else None  # avoid creating an empty meta dict on every node
        if meta and "start" in meta and "end" in meta:
            typed = source[meta["start"]: meta["end"] + 1]
            return typed if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", typed) else None
        before = self.source_before(node)
        match = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*\($", before) if before else None
        return match.group(1) if match else None

    def source_before(self, node: exp.Expr) -> str | None:
        """The source text before `node`'s first token, right-stripped; None when unknown.

        sqlglot drops some spellings the TiDB output depends on (``t1, t2`` vs ``t1 JOIN t2``,
        ``OVER w`` vs ``OVER (w)``, ``DATE 'x'`` vs ``CAST('x' AS DATE)``); each pair means the same,
        so the printer reads the source only to pick TiDB's spelling, never to decide meaning.
        """
        source = self.options.source_sql
        if source is None:
            return None
        starts = [n.meta["start"] for n in node.walk() if n._meta and "start" in n.meta]
        if not starts:
            return None
        start = min(starts)
        if start > len(source):
            return None
        return source[:start].rstrip()

    def source_ends_with_word(self, node: exp.Expr, *words: str) -> bool:
        before = self.source_before(node)
        if before is None:
            return False
        upper = before.upper()
        return any(upper.endswith(w) and (len(upper) == len(w) or not (upper[-len(w) - 1].isalnum()
                                                                      or upper[-len(w) - 1] == "_"))
                   for w in words)


def _escape_string(value: str) -> str:
    """TiDB doubles the quote and writes every other character as is. MySQL would read a lone
    backslash as an escape, changing the value, so backslashes are doubled too, except before
    `%` and `_`, where MySQL keeps the backslash (``'a\\_b'`` is the three characters a, \\, _ ...)."""
    out = []
    n = len(value)
    for i, ch in enumerate(value):
        if ch == "'":
            out.append("''")
        elif ch == "\\":
            nxt = value[i + 1] if i + 1 < n else ""
            out.append("\\" if nxt in ("%", "_") else "\\\\")
        elif ch == "\x00":
            out.append("\\0")
        else:
            out.append(ch)
    return "".join(out)


def check_args(node: exp.Expr, handled: Iterable[str]) -> None:
    """Refuse a node that carries an argument its printer would silently drop."""
    allowed = set(handled)
    for key, value in node.args.items():
        if key in allowed or value is None or value is False or value == []:
            continue
        raise UnsupportedConstructError(
            f"{type(node).__name__}.{key}", "the compat (TiDB) printer has no form for this part of the node")
