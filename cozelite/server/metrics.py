"""Prometheus metrics of one app, in its own registry (so several apps in a process never clash).

- `cozelite_providers_info{db_provider="sqlite", kv_provider="lmdb", ...}`: which backend each area runs.
- `cozelite_provider_up{area, provider}`: 1 when the last probe succeeded.
- `cozelite_provider_ping_seconds{area, provider}`: probe latency.
- `cozelite_http_requests_total{method, route, status}`.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from cozelite.config import AREAS
from cozelite.wiring import Providers


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self, providers: Providers) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        info = Info("cozelite_providers", "The backend serving each provider area.", registry=self.registry)
        info.info({f"{area}_provider": providers.scheme(area) for area in AREAS})
        self.up = Gauge("cozelite_provider_up", "1 when the provider's last probe succeeded.",
                        ["area", "provider"], registry=self.registry)
        self.ping = Histogram("cozelite_provider_ping_seconds", "Provider probe latency.", ["area", "provider"],
                              registry=self.registry,
                              buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0))
        self.requests = Counter("cozelite_http_requests", "HTTP requests served.", ["method", "route", "status"],
                                registry=self.registry)
        for area in AREAS:
            self.up.labels(area, providers.scheme(area)).set(0)

    def observe_probe(self, area: str, provider: str, seconds: float, ok: bool) -> None:
        self.ping.labels(area, provider).observe(seconds)
        self.up.labels(area, provider).set(1 if ok else 0)

    def render(self) -> bytes:
        return generate_latest(self.registry)
