"""Health probes: each area's `ping()` is a real round trip (a write and read back)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.concurrency import run_in_threadpool

from cozelite.config import AREAS, redact
from cozelite.wiring import Providers
from providers.errors import ProviderError

PING_TIMEOUT_S = 5.0


async def probe(providers: Providers, area: str, observe: Any = None) -> dict[str, Any]:
    """{"status": "ok"|"error", "provider": scheme, ...} for one area."""
    result: dict[str, Any] = {"area": area, "uri": redact(providers.config.uri(area)),
                              "provider": providers.scheme(area)}
    provider = providers.get(area)
    if provider is None:
        return {**result, "status": "error", "error": f"{area} provider unavailable: not opened"}
    start = time.perf_counter()
    error: str | None = None
    try:
        await asyncio.wait_for(run_in_threadpool(provider.ping), PING_TIMEOUT_S)
    except TimeoutError:
        error = f"ping timed out after {PING_TIMEOUT_S:g} s"
    except ProviderError as err:
        error = f"{err.code.value}: {err.message}"
    except Exception as err:  # a probe must report, never crash the endpoint
        error = f"{type(err).__name__}: {err}"
    elapsed = time.perf_counter() - start
    if observe is not None:
        observe(area, result["provider"], elapsed, error is None)
    result["latency_ms"] = round(elapsed * 1000, 3)
    if error is None:
        return {**result, "status": "ok"}
    return {**result, "status": "error", "error": error}


async def probe_all(providers: Providers, observe: Any = None) -> dict[str, Any]:
    results = await asyncio.gather(*(probe(providers, area, observe) for area in AREAS))
    ok = all(r["status"] == "ok" for r in results)
    return {"status": "ok" if ok else "error", "providers": {r["area"]: r for r in results}}
