"""The one harness protocol of the conformance suites (Go CDK's drivertest, in pytest).

Each area's suite (`tests/conformance/<area>.py`) declares the implementations it runs against::

    IMPLEMENTATIONS = implementations(
        Implementation("lmdb", uri=lambda ctx: f"lmdb:///{ctx.tmp}/kv?...", options={"max_value_bytes": 2**20}),
        Implementation("redis", uri=lambda ctx: ctx.server("redis").uri(...), servers=("redis",),
                       unsupported={"injectable_clock": "a server keeps its own clock"}),
    )

and gets its `impl` fixture from `impl_fixture(IMPLEMENTATIONS)`. A test that needs a promise only
some implementations keep calls `require(impl, "promise")`: it is skipped with the reason the
implementation's `unsupported` table gives, so every difference is written down, never silent
(`keeps(impl, "promise")` asks without skipping, for a test that only adapts). `covers(IMPLEMENTATIONS,
REGISTRY)` fails when the area's registry has an implementation the suite does not declare.
`tests/conformance/lifecycle.py` runs the shared lifecycle suite (ping, close, backup, context
manager) over the implementations of every area; the promises it asks about are "backup" (a live
backup into a directory; server drivers: UNIMPLEMENTED) and "restore" (the backup opens as a store
that holds the data), and it reads the option "restore_uri" (backup directory -> URI of the store
opened on it) where opening the backup's only file with the same scheme is not how to restore.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest


@dataclass(frozen=True)
class Context:
    """What a URI factory may use: a fresh temporary directory and the request (for server fixtures)."""

    tmp: Path
    request: pytest.FixtureRequest

    def server(self, fixture: str) -> Any:
        """A session fixture that started a server (its object knows the address)."""
        return self.request.getfixturevalue(fixture)


@dataclass(frozen=True)
class Implementation:
    name: str  # the implementation's registry name (the URI scheme family: "lmdb", "redis", "file")
    uri: Callable[[Context], str]  # a URI of a fresh, empty store for one test
    servers: tuple[str, ...] = ()  # fixtures that start the servers it needs
    unsupported: Mapping[str, str] = field(default_factory=dict)  # promise -> why it cannot be kept
    options: Mapping[str, Any] = field(default_factory=dict)  # area-specific facts about this setup

    def option(self, key: str) -> Any:
        return self.options[key]


def implementations(*impls: Implementation) -> dict[str, Implementation]:
    table: dict[str, Implementation] = {}
    for impl in impls:
        if impl.name in table:
            raise ValueError(f"implementation {impl.name!r} is declared twice")
        table[impl.name] = impl
    return table


@dataclass(frozen=True)
class Bound:
    """An implementation bound to one test: its URI is fresh for this test."""

    impl: Implementation
    uri: str
    ctx: Context

    @property
    def name(self) -> str:
        return self.impl.name

    def option(self, key: str) -> Any:
        return self.impl.option(key)

    def fresh_uri(self) -> str:
        """Another URI of the same implementation, for tests that open a second store."""
        return self.impl.uri(self.ctx)

    def uri_at(self, directory: Path) -> str:
        """The implementation's URI for a store under `directory` (file-backed ones keep their data
        there; for a test that needs the store somewhere else, or somewhere it cannot be)."""
        return self.impl.uri(Context(directory, self.ctx.request))


def impl_fixture(table: Mapping[str, Implementation]) -> Any:
    """The `impl` fixture of a suite: parametrised over `table`, bound to the test's tmp_path."""

    @pytest.fixture(params=sorted(table))
    def impl(request: pytest.FixtureRequest, tmp_path: Path) -> Bound:
        chosen = table[request.param]
        for server in chosen.servers:
            request.getfixturevalue(server)
        ctx = Context(tmp_path, request)
        return Bound(chosen, chosen.uri(ctx), ctx)

    return impl


def require(impl: Bound | Implementation, *promises: str) -> None:
    """Skip, with the written reason, where the implementation cannot keep one of `promises`."""
    chosen = impl.impl if isinstance(impl, Bound) else impl
    for promise in promises:
        reason = chosen.unsupported.get(promise)
        if reason is not None:
            pytest.skip(f"{chosen.name} does not keep {promise!r}: {reason}")


def keeps(impl: Bound | Implementation, promise: str) -> bool:
    """Whether the implementation keeps `promise` (its `unsupported` table does not name it)."""
    chosen = impl.impl if isinstance(impl, Bound) else impl
    return promise not in chosen.unsupported


class Registry(Protocol):
    """What `covers` reads of a `providers.registry.SchemeRegistry`."""

    def implementations(self) -> dict[str, tuple[str, ...]]: ...


def covers(table: Mapping[str, Implementation], registry: Registry | Iterable[str],
           scheme_to_name: Callable[[str], str] | None = None) -> None:
    """Assert every implementation the area's registry knows has an entry in `table`.

    `covers(IMPLEMENTATIONS, KV)` reads the registry's implementation names. The older form
    `covers(table, schemes, scheme_to_name)` (the schemes and a scheme -> name mapping) still works.
    """
    if scheme_to_name is None:
        assert not isinstance(registry, Iterable), "covers(table, schemes) needs scheme_to_name"
        names = set(registry.implementations())
    else:
        assert isinstance(registry, Iterable), "covers(table, registry) takes no scheme_to_name"
        names = {scheme_to_name(s) for s in registry}
    missing = sorted(names - set(table))
    assert not missing, f"registered implementations without a conformance entry: {missing}"
