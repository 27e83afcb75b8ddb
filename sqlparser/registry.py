"""The dialect registry: every package under `dialects/` declares one `DIALECT`; a db.uri scheme picks one.

The packages are imported on first use and their `DIALECT` read, so adding a dialect is adding a
folder: there is no list of names here, and a dialect never calls into the registry.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import threading

from sqlparser.dialect import Dialect
from sqlparser.errors import InvalidArgumentError

_DIALECTS: dict[str, Dialect] = {}
_SCHEMES: dict[str, Dialect] = {}
_loaded = False
_lock = threading.Lock()


def _discover() -> tuple[dict[str, Dialect], dict[str, Dialect]]:
    """Import every dialect package and index its DIALECT by name and by URI scheme."""
    import dialects

    by_name: dict[str, Dialect] = {}
    by_scheme: dict[str, Dialect] = {}
    for module in pkgutil.iter_modules(dialects.__path__):
        if not module.ispkg or module.name.startswith("_"):
            continue
        package = importlib.import_module(f"dialects.{module.name}")
        dialect = getattr(package, "DIALECT", None)
        if not isinstance(dialect, Dialect):
            raise RuntimeError(f"dialects/{module.name}/__init__.py must declare DIALECT = Dialect(...)")
        if dialect.name in by_name:
            raise RuntimeError(f"dialect {dialect.name!r} is declared twice")
        for scheme in dialect.schemes:
            if scheme in by_scheme:
                raise RuntimeError(
                    f"URI scheme {scheme!r} is claimed by {by_scheme[scheme].name!r} and {dialect.name!r}")
            by_scheme[scheme] = dialect
        by_name[dialect.name] = dialect
    return by_name, by_scheme


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        # Indexed completely before publishing: a declaration error leaves no half-filled registry.
        by_name, by_scheme = _discover()
        _DIALECTS.update(by_name)
        _SCHEMES.update(by_scheme)
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
