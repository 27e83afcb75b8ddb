"""Prometheus metrics of one app, in its own registry (so several apps in a process never clash).

- `cozelite_providers_info{db_provider="sqlite", kv_provider="lmdb", ...}`: which backend each area runs.
- `cozelite_provider_up{area, provider}`: 1 when the last probe succeeded.
- `cozelite_provider_ping_seconds{area, provider}`: probe latency.
- `cozelite_http_requests_total{method, route, status}`.
- `cozelite_http_request_seconds{method, route}`: request latency (a histogram), per route template.
- `cozelite_provider_operations_total{area, op, implementation}`, `..._operation_errors_total` and
  `..._operation_seconds_total`: every provider operation, as the provider's portable type counts
  it (`Portable.stats()`); read at scrape time, so the providers keep no second set of counters.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from cozelite.config import AREAS
from cozelite.wiring import Providers
from providers.portable import Portable

_OP_LABELS = ["area", "op", "implementation"]


class ProviderOperations(Collector):
    """Per-operation calls, errors and seconds of every open provider, from `stats()` when scraped."""

    def __init__(self, providers: Providers) -> None:
        self.providers = providers

    @staticmethod
    def _families() -> tuple[CounterMetricFamily, CounterMetricFamily, CounterMetricFamily]:
        return (CounterMetricFamily("cozelite_provider_operations", "Provider operations called.",
                                    labels=_OP_LABELS),
                CounterMetricFamily("cozelite_provider_operation_errors", "Provider operations that raised.",
                                    labels=_OP_LABELS),
                CounterMetricFamily("cozelite_provider_operation_seconds", "Time spent in provider operations.",
                                    labels=_OP_LABELS))

    def describe(self) -> Iterable[Metric]:
        # The names without samples: registering must not read the providers.
        return self._families()

    def collect(self) -> Iterable[Metric]:
        calls, errors, seconds = self._families()
        for area, provider in self.providers.items():
            # Every area's portable class is a Portable; anything else keeps no stats to export.
            if not isinstance(provider, Portable):
                continue
            for op, stats in sorted(provider.stats().items()):
                labels = [area, op, provider.implementation]
                calls.add_metric(labels, stats.calls)
                errors.add_metric(labels, stats.errors)
                seconds.add_metric(labels, stats.seconds)
        return calls, errors, seconds


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
        self.latency = Histogram("cozelite_http_request_seconds", "HTTP request latency, per route template.",
                                 ["method", "route"], registry=self.registry,
                                 buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                                          10.0))
        self.registry.register(ProviderOperations(providers))
        for area in AREAS:
            self.up.labels(area, providers.scheme(area)).set(0)

    def observe_probe(self, area: str, provider: str, seconds: float, ok: bool) -> None:
        self.ping.labels(area, provider).observe(seconds)
        self.up.labels(area, provider).set(1 if ok else 0)

    def render(self) -> bytes:
        return generate_latest(self.registry)
