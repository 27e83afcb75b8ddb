"""cozelite/wiring.py: each area's registry by name, and all-or-nothing opening."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cozelite.config import AREAS, ConfigError, load_config
from cozelite.wiring import REGISTRIES, open_providers
from providers.registry import SchemeRegistry


def test_every_area_has_its_registry_and_the_lite_schemes() -> None:
    assert set(REGISTRIES) == set(AREAS)
    lite = {"db": "sqlite", "kv": "lmdb", "search": "duckdb", "mq": "mem", "blob": "file"}
    for area, scheme in lite.items():
        assert scheme in REGISTRIES[area].schemes()


def test_a_failing_open_closes_the_providers_opened_before_it(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    closed: list[str] = []

    class Opened:
        def close(self) -> None:
            closed.append("db")

    good: SchemeRegistry[Any] = SchemeRegistry("db")
    good.register("sqlite")(lambda url: Opened())
    bad: SchemeRegistry[Any] = SchemeRegistry("kv")

    @bad.register("lmdb")
    def fail(url: Any) -> Any:
        raise OSError("disk on fire")

    monkeypatch.setitem(REGISTRIES, "db", good)
    monkeypatch.setitem(REGISTRIES, "kv", bad)
    with pytest.raises(ConfigError, match=r"cannot open kv provider.*disk on fire"):
        open_providers(load_config(env={}, lite=True), areas=("db", "kv"))
    assert closed == ["db"]
