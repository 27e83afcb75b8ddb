"""URI -> provider, for every area, in one place.

`check_schemes` runs before anything is opened, so a URI whose scheme has no implementation fails
at start-up (listing the available schemes), never at first use. `open_providers` opens every area
and closes what it opened if a later one fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from cozelite.config import AREAS, Config, ConfigError, redact
from providers.blob import BLOB
from providers.db import DB
from providers.errors import ProviderError
from providers.kv import KV
from providers.mq import MQ
from providers.registry import ProviderURL, SchemeRegistry
from providers.search import SEARCH

# Each area's scheme registry (Go CDK's URL mux): it lists the schemes and opens a URI.
REGISTRIES: dict[str, SchemeRegistry[Any]] = {"db": DB, "kv": KV, "search": SEARCH, "mq": MQ, "blob": BLOB}

# The order providers are closed in: consumers first (they may still write to the stores).
CLOSE_ORDER: tuple[str, ...] = ("mq", "search", "blob", "kv", "db")


def check_schemes(config: Config, *, areas: tuple[str, ...] = AREAS) -> None:
    """Fail (ConfigError) when a configured URI names a scheme no implementation serves, listing
    the ones that do (an implementation whose driver package is missing serves none)."""
    for area in areas:
        setting = config.uris[area]
        scheme = ProviderURL.parse(setting.value).scheme
        known = REGISTRIES[area].schemes()
        if scheme not in known:
            hint = "" if config.lite.value == "true" else \
                " Run with --lite (or COZE_LITE=1) to use the embedded providers."
            raise ConfigError(
                f"{area}.uri {redact(setting.value)!r} (from {setting.source}) uses scheme {scheme!r}, which has no "
                f"implementation; available {area} schemes: {', '.join(known) or 'none'}.{hint}")


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

    def __getitem__(self, area: str) -> Any:
        return self.opened[area]

    def get(self, area: str) -> Any | None:
        return self.opened.get(area)

    def items(self) -> Iterator[tuple[str, Any]]:
        return iter(self.opened.items())

    def scheme(self, area: str) -> str:
        return ProviderURL.parse(self.config.uri(area)).scheme

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


def open_providers(config: Config, *, areas: tuple[str, ...] = AREAS, base_url: str | None = None) -> Providers:
    """Open the providers of `areas` from their URIs, all or none: if one fails, those already open
    are closed. `base_url` is where this process serves presigned blob URLs (given to the file
    blob store unless its URI sets one)."""
    check_schemes(config, areas=areas)
    providers = Providers(config)
    for area in areas:
        uri = config.uri(area)
        if area == "blob" and base_url and ProviderURL.parse(uri).scheme == "file":
            uri = with_param(uri, "base_url", base_url)
        try:
            providers.opened[area] = REGISTRIES[area].open(uri)
        except ProviderError as err:
            providers.close()
            raise ConfigError(f"cannot open {area} provider {redact(uri)!r}: {err.message}") from err
        except Exception as err:
            providers.close()
            raise ConfigError(f"cannot open {area} provider {redact(uri)!r}: {type(err).__name__}: {err}") from err
    return providers
