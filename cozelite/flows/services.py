"""`Services`: what every flow works with, built once when the server starts, closed when it stops.

It holds the open providers (cozelite/wiring.py), the SQL parsers (the engine's, for `db.uri`, and
MySQL's: users and the app's migration files write MySQL, Coze Studio's dialect) and the flows'
limits (`FlowSettings`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from cozelite.config import ConfigError
from cozelite.flows.errors import Unavailable
from cozelite.wiring import Providers
from sqlparser import SQLParser, new_parser, parser_for


@dataclass(frozen=True)
class FlowSettings:
    """Bounds on what one request may ask for. Each can be set by `COZE_API_<NAME>` (upper case)."""

    # Uploaded file bytes at most (413 beyond).
    max_upload_bytes: int = 10 * 1024 * 1024
    # Rows one SQL statement or record list returns at most (the statement is cut, not refused).
    max_sql_rows: int = 1000
    # Characters of one SQL body at most.
    max_sql_chars: int = 64 * 1024
    # Bound parameters of one SQL body at most.
    max_sql_params: int = 1000
    # Variables: name characters, value bytes, live variables per user.
    max_var_name_chars: int = 128
    max_var_value_bytes: int = 64 * 1024
    max_vars_per_user: int = 1000
    # Seconds a presigned download URL stays valid by default, and at most.
    presign_seconds: int = 15 * 60
    max_presign_seconds: int = 7 * 24 * 3600
    # Fields of one user table at most, and tables of one database.
    max_fields: int = 64
    max_tables_per_database: int = 32

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FlowSettings:
        env = os.environ if env is None else env
        values: dict[str, int] = {}
        for f in fields(cls):
            name = "COZE_API_" + f.name.upper()
            raw = env.get(name)
            if raw is None or raw == "":
                continue
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
            if value < 1:
                raise ConfigError(f"{name} must be at least 1, got {raw!r}")
            values[f.name] = value
        return cls(**values)


class Services:
    """The providers and parsers the flows use. The server builds one at start-up (`create_app`)
    and closes it at shutdown; `close()` runs the registered closers (newest first), then closes
    the providers."""

    def __init__(self, providers: Providers, settings: FlowSettings | None = None) -> None:
        self.providers = providers
        self.settings = settings or FlowSettings()
        self.db_uri = providers.config.uri("db")
        # The engine's parser: what the db provider runs. MySQL's: what users and migrations write.
        self.parser: SQLParser = parser_for(self.db_uri)
        self.mysql: SQLParser = new_parser("mysql")
        self._closers: list[Callable[[], object]] = []
        self.closed = False
        # Per-flow caches of derived, immutable results (e.g. user_sql's compiled plans), by flow.
        self.caches: dict[str, Any] = {}

    def _area(self, area: str) -> Any:
        provider = self.providers.get(area)
        if provider is None:
            raise Unavailable(f"the {area} provider is not open in this process; start the server with every area")
        return provider

    @property
    def db(self) -> Any:
        return self._area("db")

    @property
    def kv(self) -> Any:
        return self._area("kv")

    @property
    def blob(self) -> Any:
        return self._area("blob")

    @property
    def mq(self) -> Any:
        return self._area("mq")

    @property
    def search(self) -> Any:
        """Document search and retrieval (one `SearchProvider`, split across two servers when
        `search.retrieval_uri` is configured)."""
        return self._area("search")

    @property
    def retrieval(self) -> Any:
        return self._area("search")

    def add_closer(self, fn: Callable[[], object]) -> None:
        """Run `fn` at shutdown, before the providers close (e.g. stop a consumer)."""
        self._closers.append(fn)

    def close(self) -> list[str]:
        """Run the closers, then close the providers; returns the errors, if any."""
        if self.closed:
            return []
        self.closed = True
        errors: list[str] = []
        for fn in reversed(self._closers):
            try:
                fn()
            except Exception as err:  # keep closing the rest
                errors.append(f"{getattr(fn, '__qualname__', fn)}: {err}")
        return errors + self.providers.close()
