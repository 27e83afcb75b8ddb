"""Issue 11, Medium 5: the server limits resolve like the provider URIs (defaults -> [server] in
cozelite.toml -> COZE_SERVER_* -> flags), and a bad value is an error naming where it came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from cozelite.config import ConfigError, load_config
from cozelite.server.limits import LIMITS, ServerLimits, effective_max_connections, load_limits
from tests.app.conftest import cozelite as run_cli


def test_defaults_are_bounded() -> None:
    limits, sources = load_limits(None, env={})
    assert limits == ServerLimits()
    assert all(s.source == "default" for s in sources.values())
    for name in ("header_timeout", "body_timeout", "keepalive_timeout", "write_timeout"):
        assert 0 < getattr(limits, name) <= 60
    assert 0 < limits.max_connections <= 4096 and 0 < limits.max_body_bytes <= 16 << 20
    assert 1024 <= limits.max_header_bytes <= 64 << 10


def test_file_then_env_then_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cozelite.toml").write_text("lite = true\n[server]\nheader_timeout = 3\nmax_connections = 7\n"
                                            "max_body_bytes = 100\n")
    config = load_config(env={})  # the rest of the configuration accepts the [server] table
    env = {"COZE_SERVER_MAX_CONNECTIONS": "9", "COZE_SERVER_BODY_TIMEOUT": "2.5"}
    limits, sources = load_limits(config.config_file, env=env, flags={"max_body_bytes": 50})
    got = (limits.header_timeout, limits.max_connections, limits.body_timeout, limits.max_body_bytes)
    assert got == (3, 9, 2.5, 50)
    assert sources["header_timeout"].source == "file" and sources["max_connections"].source == "env"
    assert sources["max_body_bytes"].source == "flag" and sources["keepalive_timeout"].source == "default"


@pytest.mark.parametrize(("env", "where"), [
    ({"COZE_SERVER_HEADER_TIMEOUT": "0"}, "COZE_SERVER_HEADER_TIMEOUT"),
    ({"COZE_SERVER_HEADER_TIMEOUT": "nan"}, "COZE_SERVER_HEADER_TIMEOUT"),
    ({"COZE_SERVER_BODY_TIMEOUT": "inf"}, "COZE_SERVER_BODY_TIMEOUT"),
    ({"COZE_SERVER_MAX_CONNECTIONS": "1.5"}, "COZE_SERVER_MAX_CONNECTIONS"),
    ({"COZE_SERVER_MAX_CONNECTIONS": "-1"}, "COZE_SERVER_MAX_CONNECTIONS"),
    ({"COZE_SERVER_MAX_HEADER_BYTES": "10"}, "COZE_SERVER_MAX_HEADER_BYTES"),
    ({"COZE_SERVER_MAX_BODY_BYTES": "lots"}, "COZE_SERVER_MAX_BODY_BYTES"),
])
def test_bad_values_name_their_source(env: dict[str, str], where: str) -> None:
    with pytest.raises(ConfigError, match=where):
        load_limits(None, env=env)


@pytest.mark.parametrize("table", ["[server]\nheader_timout = 3\n", "[server]\nmax_connections = true\n",
                                   "[server]\nmax_connections = \"x\"\n", "server = 3\n"])
def test_bad_file_entries_are_errors(tmp_path: Path, table: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(table)
    with pytest.raises(ConfigError, match=r"server"):
        load_limits(path, env={})


def test_the_connection_limit_leaves_descriptors_for_the_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    import resource

    def fake(which: int) -> tuple[int, int]:
        return (256, 256)

    monkeypatch.setattr(resource, "getrlimit", fake)
    assert effective_max_connections(10_000) == 64
    assert effective_max_connections(10) == 10


def test_serve_has_one_flag_per_limit(tmp_path: Path) -> None:
    out = run_cli("serve", "--help", cwd=tmp_path)
    assert out.returncode == 0
    for lim in LIMITS:
        assert lim.flag in out.stdout and lim.env_var in out.stdout


def test_a_bad_flag_value_is_a_clean_cli_error(tmp_path: Path) -> None:
    out = run_cli("serve", "--lite", "--header-timeout", "0", cwd=tmp_path)
    assert out.returncode != 0 and "--header-timeout" in out.stderr and "Traceback" not in out.stderr
