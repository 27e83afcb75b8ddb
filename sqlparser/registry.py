"""The dialect registry: dialects register themselves; a db.uri scheme picks one.

Every package under `dialects/` is imported on first use and calls `register_dialect` from its
`__init__.py`, so adding a dialect is adding a folder: there is no list of names here.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from sqlparser.errors import InvalidArgumentError
from sqlparser.frontend import FrontendFactory


@dataclass(frozen=True)
class Dialect:
    """A registered dialect: its names, the URI schemes that select it, and how to build its parts."""

    name: str
    schemes: tuple[str, ...]
    frontend: FrontendFactory
    # sqlglot's name for the dialect, used by the native printer.
    sqlglot_dialect: str
    # Dialect-specific rewrites applied to a copy of the IR just before native printing
    # (placeholder style, quoting rules, ...). Each takes (tree, options) and returns a tree.
    native_normalizers: tuple[Callable[[exp.Expression, dict[str, Any]], exp.Expression], ...] = ()
    # Options the native printer accepts for this dialect, with their defaults.
    native_options: dict[str, Any] = field(default_factory=dict)


_DIALECTS: dict[str, Dialect] = {}
_SCHEMES: dict[str, Dialect] = {}
_loaded = False
_lock = threading.Lock()


def register_dialect(dialect: Dialect) -> None:
    if dialect.name in _DIALECTS:
        raise RuntimeError(f"dialect {dialect.name!r} is registered twice")
    for scheme in dialect.schemes:
        if scheme in _SCHEMES:
            raise RuntimeError(f"URI scheme {scheme!r} is claimed by {_SCHEMES[scheme].name!r} and {dialect.name!r}")
    _DIALECTS[dialect.name] = dialect
    for scheme in dialect.schemes:
        _SCHEMES[scheme] = dialect


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        import dialects

        for module in pkgutil.iter_modules(dialects.__path__):
            if module.ispkg and not module.name.startswith("_"):
                importlib.import_module(f"dialects.{module.name}")
        _loaded = True


def dialects_by_name() -> dict[str, Dialect]:
    _load_all()
    return dict(_DIALECTS)


def get_dialect(name: str) -> Dialect:
    _load_all()
    try:
        return _DIALECTS[name]
    except KeyError:
        known = sorted(_DIALECTS)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise InvalidArgumentError(f"unknown dialect {name!r}; known dialects: {', '.join(known)}.{hint}") from None


def dialect_for_uri(db_uri: str) -> Dialect:
    """The dialect a db.uri selects, by its scheme (`sqlite:///app.db`, `postgresql+psycopg://...`)."""
    _load_all()
    if not isinstance(db_uri, str) or ("://" not in db_uri and not db_uri.endswith(":")):
        raise InvalidArgumentError(
            f"not a database URI: {db_uri!r}; expected scheme://..., for example sqlite:///var/data/sqlite/app.db"
        )
    scheme = db_uri.split(":", 1)[0].lower()
    try:
        return _SCHEMES[scheme]
    except KeyError:
        known = sorted(_SCHEMES)
        raise InvalidArgumentError(
            f"unknown database URI scheme {scheme!r} in {_redact(db_uri)!r}; known schemes: {', '.join(known)}"
        ) from None


def _redact(uri: str) -> str:
    # Never echo a password from a URI into an error message.
    head, sep, rest = uri.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return uri
    creds, _, host = rest.partition("@")
    user = creds.split(":", 1)[0]
    return f"{head}://{user}:***@{host}" if ":" in creds else uri
