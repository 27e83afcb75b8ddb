"""docker/docker-compose.yml and docker/.env.example: valid YAML, cozelite alone by default (lite),
every server optional behind its profile and reachable only from the host's loopback, and every
*_URI shown in both forms (lite and server), each form one that `config show --check` accepts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from cozelite.config import ENV_VARS, LITE_URIS, RETRIEVAL_ENV, load_config, uri_problems
from cozelite.wiring import scheme_problems

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker" / "docker-compose.yml"
ENV_EXAMPLE = ROOT / "docker" / ".env.example"
PROFILES = {"mysql", "redis", "elasticsearch", "nats", "nsq", "minio"}
FORM = re.compile(r"^#\s+(lite|server):\s+([A-Z_]+)=(\S+)", re.MULTILINE)


def test_compose_is_valid_yaml_with_every_server_behind_a_profile() -> None:
    doc = yaml.safe_load(COMPOSE.read_text())
    services = doc["services"]
    assert "profiles" not in services["cozelite"]  # `up` with no profile: cozelite alone, lite
    assert services["cozelite"]["environment"]["COZE_LITE"] == "1"
    servers = {name: spec for name, spec in services.items() if name != "cozelite"}
    assert {p for spec in servers.values() for p in spec.get("profiles", [])} == PROFILES
    assert all(spec.get("profiles") for spec in servers.values()), "a server without a profile would always start"
    for name, spec in services.items():
        for port in spec.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"
        for volume in spec.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source.startswith("..") or source in doc["volumes"], f"{name}: undeclared volume {source}"


def test_every_uri_is_shown_in_its_lite_and_server_form_and_both_pass_the_check() -> None:
    forms: dict[str, dict[str, str]] = {}
    for kind, var, value in FORM.findall(ENV_EXAMPLE.read_text()):
        forms.setdefault(var, {})[kind] = value
    for area, var in ENV_VARS.items():
        assert "lite" in forms.get(var, {}), f"{var} has no '# lite: {var}=...' line"
        lite = load_config(env={var: forms[var]["lite"]}, lite=True)
        assert lite.uris[area].source == "env" and not uri_problems(lite) + scheme_problems(lite)
        assert lite.uri(area).split(":", 1)[0] == LITE_URIS[area].split(":", 1)[0]
    servers = {var: f["server"] for var, f in forms.items() if "server" in f}
    assert set(servers) == {"DB_URI", "KV_URI", "MQ_URI", "BLOB_URI", RETRIEVAL_ENV}
    config = load_config(env=servers, lite=True)
    assert not uri_problems(config) + scheme_problems(config)
    # Nothing is switched on by default: only the server profiles' passwords are set.
    active = [line.split("=", 1)[0] for line in ENV_EXAMPLE.read_text().splitlines()
              if line and not line.startswith("#")]
    assert active and not any(name.endswith("_URI") for name in active)


def _has_compose() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=60).returncode == 0


@pytest.mark.skipif(not _has_compose(), reason="docker compose is not installed")
def test_docker_compose_accepts_the_file() -> None:
    result = subprocess.run(["docker", "compose", "-f", str(COMPOSE), "config", "-q"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
