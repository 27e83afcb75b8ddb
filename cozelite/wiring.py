"""URI -> provider, for every area, in one place.

`check_schemes` runs before anything is opened, so a URI whose scheme has no implementation fails
at start-up (listing the available schemes), never at first use. `open_providers` opens every area
and closes what it opened if a later one fails.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from cozelite.config import AREAS, Config, ConfigError, redact
from providers.errors import ProviderError
from providers.registry import ProviderURL, SchemeRegistry

log = logging.getLogger("cozelite.wiring")

# area -> (package, opener function). The package's SchemeRegistry lists the schemes.
OPENERS: dict[str, tuple[str, str]] = {
    "db": ("providers.db", "open_db"),
    "kv": ("providers.kv", "open_kv"),
    "search": ("providers.search", "open_search"),
    "mq": ("providers.mq", "open_mq"),
    "blob": ("providers.blob", "open_blob"),
}

# The order providers are closed in: consumers first (they may still write to the stores).
CLOSE_ORDER: tuple[str, ...] = ("mq", "search", "blob", "kv", "db")


class AreaUnavailable(Exception):
    """The area's package is not part of this build (its module or opener is missing)."""


def _area_module(area: str) -> tuple[Any, SchemeRegistry[Any]]:
    package, opener = OPENERS[area]
    try:
        module = importlib.import_module(package)
    except ImportError as err:
        raise AreaUnavailable(f"{area}: package {package} cannot be imported ({err})") from err
    if not callable(getattr(module, opener, None)):
        raise AreaUnavailable(f"{area}: {package}.{opener} does not exist yet")
    registries = [v for v in vars(module).values() if isinstance(v, SchemeRegistry)]
    # A package may hold several registries (search has retrieval too); prefer the area's own.
    wanted = "rdb" if area == "db" else area
    registry = next((r for r in registries if r.area == wanted), registries[0] if registries else None)
    if registry is None:
        raise AreaUnavailable(f"{area}: {package} has no scheme registry")
    return module, registry


def available_schemes(area: str) -> list[str]:
    try:
        return _area_module(area)[1].schemes()
    except AreaUnavailable:
        return []


def check_schemes(config: Config, *, areas: tuple[str, ...] = AREAS, allow_missing_areas: bool = False
                  ) -> list[str]:
    """Fail (ConfigError) when a configured URI names a scheme no implementation serves.

    Returns the areas that can be opened; an area whose package is missing from the build is
    skipped when `allow_missing_areas`, else an error.
    """
    present = []
    for area in areas:
        setting = config.uris[area]
        try:
            _, registry = _area_module(area)
        except AreaUnavailable as err:
            if allow_missing_areas:
                log.warning("area %s unavailable: %s", area, err)
                continue
            raise ConfigError(f"{area} provider is not available in this build: {err}") from None
        scheme = ProviderURL.parse(setting.value).scheme
        known = registry.schemes()
        if scheme not in known:
            hint = "" if config.lite.value == "true" else \
                " Run with --lite (or COZE_LITE=1) to use the embedded providers."
            raise ConfigError(
                f"{area}.uri {redact(setting.value)!r} (from {setting.source}) uses scheme {scheme!r}, which has no "
                f"implementation; available {area} schemes: {', '.join(known) or 'none'}.{hint}")
        present.append(area)
    return present


def with_param(uri: str, name: str, value: str) -> str:
    """`uri` with query parameter `name` set to `value` unless it is already there."""
    parts = urlsplit(uri)
    if ProviderURL.parse(uri).params.get(name) is not None:
        return uri
    query = parts.query + ("&" if parts.query else "") + urlencode({name: value})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


@dataclass
class Providers:
    """The open providers of a process, by area. Absent areas are missing from `opened`."""

    config: Config
    opened: dict[str, Any] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
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


def open_providers(config: Config, *, areas: tuple[str, ...] = AREAS, allow_missing_areas: bool = False,
                   base_url: str | None = None) -> Providers:
    """Open every area's provider from its URI. `base_url` is where this process serves presigned
    blob URLs (given to the file blob store unless its URI sets one)."""
    present = check_schemes(config, areas=areas, allow_missing_areas=allow_missing_areas)
    providers = Providers(config)
    for area in areas:
        if area not in present:
            providers.missing[area] = "not available in this build"
    for area in present:
        module, _ = _area_module(area)
        uri = config.uri(area)
        if area == "blob" and base_url and ProviderURL.parse(uri).scheme == "file":
            uri = with_param(uri, "base_url", base_url)
        try:
            providers.opened[area] = getattr(module, OPENERS[area][1])(uri)
        except ProviderError as err:
            providers.close()
            raise ConfigError(f"cannot open {area} provider {redact(uri)!r}: {err.message}") from err
        except Exception as err:
            providers.close()
            raise ConfigError(f"cannot open {area} provider {redact(uri)!r}: {type(err).__name__}: {err}") from err
    return providers
