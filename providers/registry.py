"""URI-scheme registries: one per provider area, mapping schemes to openers (Go CDK's URL mux).

Usage in an area (``providers/kv/__init__.py``)::

    KV = SchemeRegistry("kv", modules=("providers.kv.lmdb",))   # the area's registry
    @KV.register("lmdb")                         # in providers/kv/lmdb.py: implementation "lmdb"
    def open_lmdb(url: ProviderURL) -> KVStore: ...
    def open_kv(uri: str) -> KVStore: return KV.open(uri)

An implementation is named after its module (``providers/kv/lmdb.py`` is "lmdb") unless `register`
is given ``name=``; `implementations()` maps each name to its schemes, so the conformance suites can
check that every implementation has an entry.

An unknown scheme fails listing the known ones; an opener rejects query parameters it does not
document (use `url.take_params(...)` / `url.reject_unknown_params()`).
"""

from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from providers.errors import ErrorCode, ProviderError

T = TypeVar("T")

# The password of `scheme://user:password@host...`, found on the raw text rather than through
# urlsplit, which cuts the authority at the first unencoded / ? or # inside a password and would then
# print the rest of it as the path. The greedy middle takes the last @ that is followed by something
# shaped like a host and [:port], then the end or / ? #: a password may hold any of @ / ? # itself,
# so this errs towards hiding too much (a query value holding @) rather than too little.
_USERINFO_PASSWORD = re.compile(
    r"(//[^/?#@:\s]*:)(.+)(@(?:\[[0-9A-Fa-f:.]*\]|[A-Za-z0-9._~%!$&'()*+,;=-]*)(?::[0-9]*)?(?=[/?#]|$))",
    re.DOTALL)
# Query parameters whose value is a credential: names containing one of these words, or exactly one
# of the short names. The value runs to the next & (a # or ? inside it is part of the secret).
_SECRET_WORDS = ("password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key",
                 "access_key", "accesskey", "auth", "credential", "private_key", "privatekey", "signature")
_SECRET_NAMES = ("sk", "key", "pass", "pw", "sig")
_SECRET_PARAM = re.compile(
    r"([?&#;](?:[^=&#;?]*(?:" + "|".join(map(re.escape, _SECRET_WORDS)) + r")[^=&#;?]*|"
    + "|".join(map(re.escape, _SECRET_NAMES)) + r")=)[^&]*", re.IGNORECASE)


# Schemes whose URI names a local file or directory. Besides SQLAlchemy's forms they take the form
# cozelite's design writes, `scheme://./relative/path` (and `scheme://../path`): urlsplit reads the
# "." as a host, which these schemes never have, so it is read back as the start of a relative path.
LOCAL_PATH_SCHEMES: frozenset[str] = frozenset({"sqlite", "duckdb", "lmdb", "file", "milvus"})
_RELATIVE_AUTHORITIES = (".", "..")


@dataclass(frozen=True)
class ProviderURL:
    """A parsed provider URI. For file-like schemes (`LOCAL_PATH_SCHEMES`) `path` follows
    SQLAlchemy's sqlite URLs: three slashes are relative to the working directory, four are
    absolute — `lmdb:///var/data/kv` -> "var/data/kv", `lmdb:////srv/kv` -> "/srv/kv"; and
    `lmdb://./var/data/kv` -> "./var/data/kv" (relative, the design's form).
    The password never appears in repr()."""

    raw: str = field(repr=False)
    scheme: str
    username: str | None
    password: str | None = field(repr=False)
    host: str | None
    port: int | None
    path: str
    params: dict[str, str]

    @classmethod
    def parse(cls, uri: str) -> ProviderURL:
        if not isinstance(uri, str) or ":" not in uri:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"not a provider URI: {uri!r} (expected scheme://...)")
        parts = urlsplit(uri)
        scheme = parts.scheme.lower()
        path = unquote(parts.path)
        host = parts.hostname or None
        if not parts.netloc and path.startswith("/"):
            path = path[1:]
        elif scheme in LOCAL_PATH_SCHEMES and parts.netloc in _RELATIVE_AUTHORITIES:
            path, host = parts.netloc + path, None
        try:
            port = parts.port
        except ValueError as err:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"bad port in {cls._redact(uri)!r}") from err
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        return cls(uri, scheme, parts.username, parts.password, host, port, path, params)

    @staticmethod
    def _redact(uri: str) -> str:
        """`uri` with the userinfo password and credential-like query parameters replaced by ***,
        also when the password holds unencoded / ? # @ or the URI does not parse."""
        shown = _USERINFO_PASSWORD.sub(r"\1***\3", uri)
        return _SECRET_PARAM.sub(r"\1***", shown)

    @property
    def redacted(self) -> str:
        return self._redact(self.raw)

    def local_dir(self) -> str:
        """The directory a file-like URI names (three slashes: relative, four: absolute); a host or
        no path at all is INVALID_ARGUMENT, saying which form to use."""
        if self.host:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT,
                f"{self.scheme} URI {self.redacted!r} has a host; use {self.scheme}:///relative/dir or "
                f"{self.scheme}:////absolute/dir")
        if not self.path:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"{self.scheme} URI {self.redacted!r} names no directory")
        return self.path

    def reject_unknown_params(self, known: Iterable[str]) -> None:
        unknown = sorted(set(self.params) - set(known))
        if unknown:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT,
                f"unknown parameter(s) {', '.join(unknown)} in {self.redacted!r}; "
                f"known: {', '.join(sorted(known)) or 'none'}")


class SchemeRegistry(Generic[T]):
    """Maps URI schemes to openers for one provider area."""

    def __init__(self, area: str, *, modules: Iterable[str] = ()) -> None:
        self.area = area
        self._openers: dict[str, Callable[..., T]] = {}
        self._names: dict[str, str] = {}  # scheme -> implementation name
        # Implementation modules imported lazily on first use, so that an optional dependency
        # (a server driver) is only needed when its scheme is used.
        self._modules = tuple(modules)
        self._loaded = False
        self._import_errors: dict[str, str] = {}
        # Schemes users will try that have no implementation on purpose (no such server could be
        # tested here): opening one says why and what to use instead.
        self._refused: dict[str, str] = {}
        # Refused scheme -> the scheme whose URI, with the same rest, is the equivalent.
        self._instead: dict[str, str] = {}

    def register(self, *schemes: str, name: str | None = None
                 ) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Register an opener for `schemes`. `name` is the implementation's name; by default the last
        part of the opener's module name (``providers.kv.lmdb`` -> "lmdb")."""

        # An opener takes the parsed URI and the keyword arguments its implementation documents.
        def decorate(opener: Callable[..., T]) -> Callable[..., T]:
            implementation = name or opener.__module__.rsplit(".", 1)[-1]
            for scheme in schemes:
                if scheme in self._openers:
                    raise RuntimeError(f"{self.area}: scheme {scheme!r} registered twice")
                self._openers[scheme] = opener
                self._names[scheme] = implementation
            return opener

        return decorate

    def refuse(self, *schemes: str, why: str, instead: str | None = None) -> None:
        """Declare `schemes` unsupported on purpose; `why` says so and names what to use instead.
        `instead`: a scheme that takes the same URI rest (badger://./kv -> lmdb://./kv); the refusal
        of a URI then names that equivalent URI."""
        for scheme in schemes:
            if scheme in self._openers:
                raise RuntimeError(f"{self.area}: scheme {scheme!r} is both registered and refused")
            self._refused[scheme] = why
            if instead is not None:
                self._instead[scheme] = instead

    def refusal(self, scheme: str, uri: str | None = None) -> str | None:
        """Why `scheme` is refused on purpose, or None. With `uri` (of that scheme), the reason ends
        with the equivalent URI when the registry knows one."""
        why = self._refused.get(scheme)
        if why is None or uri is None or scheme not in self._instead:
            return why
        rest = uri.split(":", 1)[1] if ":" in uri else ""
        return f"{why}; the equivalent URI is {ProviderURL._redact(self._instead[scheme] + ':' + rest)!r}"

    def _load(self) -> None:
        if not self._loaded:
            for module in self._modules:
                try:
                    importlib.import_module(module)
                except ImportError as err:
                    # Its schemes stay unknown; the error for an unknown scheme says why.
                    self._import_errors[module] = f"{type(err).__name__}: {err}"
            self._loaded = True

    def schemes(self) -> list[str]:
        self._load()
        return sorted(self._openers)

    def implementations(self) -> dict[str, tuple[str, ...]]:
        """Implementation name -> its schemes, sorted."""
        self._load()
        found: dict[str, list[str]] = {}
        for scheme in sorted(self._names):
            found.setdefault(self._names[scheme], []).append(scheme)
        return {name: tuple(schemes) for name, schemes in sorted(found.items())}

    def has(self, uri: str) -> bool:
        self._load()
        return ProviderURL.parse(uri).scheme in self._openers

    def open(self, uri: str, **kwargs: Any) -> T:
        self._load()
        url = ProviderURL.parse(uri)
        opener = self._openers.get(url.scheme)
        refused = self.refusal(url.scheme, uri)
        if refused is not None:
            raise ProviderError(ErrorCode.UNIMPLEMENTED,
                                f"{self.area}: {url.scheme}:// ({url.redacted!r}) is not supported: {refused}")
        if opener is None:
            known = self.schemes()
            close = difflib.get_close_matches(url.scheme, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            failed = "".join(f"; {module} could not be imported ({error})"
                             for module, error in self._import_errors.items())
            raise ProviderError(
                ErrorCode.UNIMPLEMENTED,
                f"no {self.area} provider for scheme {url.scheme!r} in {url.redacted!r}; "
                f"available: {', '.join(known) or 'none'}{hint}{failed}")
        return opener(url, **kwargs)
