"""URI -> provider, for every area, in one place.

`check_schemes` runs before anything is opened, so a URI whose scheme has no implementation fails
at start-up (listing the available schemes), never at first use. `open_providers` opens every area
and closes what it opened if one fails. Both report every failing area in one error (one line per
area), so a user fixes the whole configuration in one run, not one area per run.

Search is document search plus retrieval: when the configuration names a retrieval provider
(`search.retrieval_uri`, e.g. Milvus), the search area is one `SearchProvider` whose documents are
served by `search.uri` and whose retrieval is served by that provider (providers/search/split.py).

Schemes cozelite knows and refuses (each area registry's `refusal`): Elasticsearch/OpenSearch and
NSQ. No such server can be installed where cozelite is tested, and an untested client is not
shipped; the error names what to use instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from cozelite.config import AREAS, RETRIEVAL_KEY, Config, ConfigError, redact
from providers.blob import BLOB
from providers.db import DB
from providers.errors import ProviderError
from providers.kv import KV
from providers.mq import MQ
from providers.registry import ProviderURL, SchemeRegistry
from providers.search import SEARCH, open_retrieval, retrieval_schemes
from providers.search.split import split_search

# Each area's scheme registry (Go CDK's URL mux): it lists the schemes and opens a URI.
REGISTRIES: dict[str, SchemeRegistry[Any]] = {"db": DB, "kv": KV, "search": SEARCH, "mq": MQ, "blob": BLOB}

# The order providers are closed in: consumers first (they may still write to the stores).
CLOSE_ORDER: tuple[str, ...] = ("mq", "search", "blob", "kv", "db")


def _scheme_problem(area: str, key: str, uri: str, source: str, config: Config) -> str | None:
    scheme = ProviderURL.parse(uri).scheme
    known = retrieval_schemes() if key == RETRIEVAL_KEY else REGISTRIES[area].schemes()
    if scheme in known:
        return None
    refused = REGISTRIES[area].refusal(scheme, uri)
    if refused:
        return f"{key} {redact(uri)!r} (from {source}): scheme {scheme!r} is not available: {refused}."
    hint = "" if config.lite.value == "true" else " Run with --lite (or COZE_LITE=1) to use the embedded providers."
    return (f"{key} {redact(uri)!r} (from {source}) uses scheme {scheme!r}, which has no "
            f"implementation; available {area} schemes: {', '.join(known) or 'none'}.{hint}")


def _raise_all(problems: list[str]) -> None:
    if len(problems) == 1:
        raise ConfigError(problems[0])
    if problems:
        raise ConfigError(f"{len(problems)} provider settings cannot start:\n" +
                          "\n".join(f"  - {p}" for p in problems))


def _scheme_problems(config: Config, areas: tuple[str, ...], retrieval: bool = True) -> dict[str, list[str]]:
    """Area -> its scheme problems (search: its own URI and, with `retrieval`, the retrieval URI)."""
    problems: dict[str, list[str]] = {}
    for area in areas:
        setting = config.uris[area]
        found = [_scheme_problem(area, f"{area}.uri", setting.value, setting.source, config)]
        if area == "search" and retrieval and config.retrieval is not None:
            r = config.retrieval
            found.append(_scheme_problem("search", RETRIEVAL_KEY, r.value, r.source, config))
        if any(found):
            problems[area] = [p for p in found if p]
    return problems


def scheme_problems(config: Config, *, areas: tuple[str, ...] = AREAS, retrieval: bool = True) -> list[str]:
    """One line per configured URI whose scheme no implementation serves (or is refused)."""
    return [p for found in _scheme_problems(config, areas, retrieval).values() for p in found]


def check_schemes(config: Config, *, areas: tuple[str, ...] = AREAS, retrieval: bool = True) -> None:
    """Fail (ConfigError) when configured URIs name schemes no implementation serves, listing the
    ones that do (an implementation whose driver package is missing serves none): every such area
    in one error. `retrieval=False`: search's separate retrieval URI is not used, so not checked."""
    _raise_all(scheme_problems(config, areas=areas, retrieval=retrieval))


def with_param(uri: str, name: str, value: str) -> str:
    """`uri` with query parameter `name` set to `value` unless it is already there."""
    parts = urlsplit(uri)
    if ProviderURL.parse(uri).params.get(name) is not None:
        return uri
    query = parts.query + ("&" if parts.query else "") + urlencode({name: value})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


@dataclass
class Providers:
    """The open providers of a process, by area. Areas not asked for are absent from `opened`."""

    config: Config
    opened: dict[str, Any] = field(default_factory=dict)
    closed: bool = False
    split_search: bool = True  # search opened with its separate retrieval provider (when configured)

    def __getitem__(self, area: str) -> Any:
        return self.opened[area]

    def get(self, area: str) -> Any | None:
        return self.opened.get(area)

    def items(self) -> Iterator[tuple[str, Any]]:
        return iter(self.opened.items())

    def scheme(self, area: str) -> str:
        """The URI scheme serving `area` ("duckdb+milvus" for search split across two providers)."""
        scheme = ProviderURL.parse(self.config.uri(area)).scheme
        if area == "search" and self.config.retrieval is not None and self.split_search:
            return f"{scheme}+{ProviderURL.parse(self.config.retrieval.value).scheme}"
        return scheme

    def close(self) -> list[str]:
        """Close every provider (mq first: its consumers drain); returns the errors, if any."""
        if self.closed:
            return []
        self.closed = True
        errors = []
        for area in CLOSE_ORDER:
            provider = self.opened.get(area)
            if provider is None:
                continue
            try:
                provider.close()
            except Exception as err:  # keep closing the others
                errors.append(f"{area}: {err}")
        return errors


def _open(area: str, uri: str) -> tuple[Any, str | None]:
    """(provider, None), or (None, the problem naming the area and the redacted URI). Each server
    driver bounds its own connect time, so a server that does not answer fails here, not hangs.
    Area "retrieval": search's separate retrieval provider."""
    try:
        if area == "retrieval":
            return open_retrieval(uri), None
        return REGISTRIES[area].open(uri), None
    except ProviderError as err:
        return None, f"cannot open {area} provider {redact(uri)!r}: {err.message}"
    except Exception as err:
        return None, f"cannot open {area} provider {redact(uri)!r}: {type(err).__name__}: {err}"


def open_providers(config: Config, *, areas: tuple[str, ...] = AREAS, base_url: str | None = None,
                   retrieval: bool = True) -> Providers:
    """Open the providers of `areas` from their URIs, all or none: every area is tried, and if any
    fails, those that opened are closed and one ConfigError lists every failure. `base_url` is
    where this process serves presigned blob URLs (given to the file blob store unless its URI
    sets one). An area whose scheme has no implementation is reported, and the others are still
    opened, so one run names every area that cannot start (a bad scheme and a server that is down).
    `retrieval=False` opens search without its separate retrieval provider (an offline backup copies
    the document store only and needs no retrieval server)."""
    bad_schemes = _scheme_problems(config, areas, retrieval)
    providers = Providers(config, split_search=retrieval)
    problems: list[str] = []
    for area in areas:
        if area in bad_schemes:
            problems += bad_schemes[area]
            continue
        uri = config.uri(area)
        if area == "blob" and base_url and ProviderURL.parse(uri).scheme == "file":
            uri = with_param(uri, "base_url", base_url)
        provider, problem = _open(area, uri)
        if area == "search" and retrieval and config.retrieval is not None:
            retrieval_provider, r_problem = _open("retrieval", config.retrieval.value)
            if r_problem:
                problems.append(r_problem)
            if provider is not None and retrieval_provider is not None:
                provider = split_search(provider, retrieval_provider)
            elif retrieval_provider is not None:
                retrieval_provider.close()
            elif provider is not None:
                provider.close()
                provider = None
        if problem:
            problems.append(problem)
        elif provider is not None:
            providers.opened[area] = provider
    if problems:
        providers.close()
        _raise_all(problems)
    return providers
