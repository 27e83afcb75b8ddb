"""docs/configuration.md names every configuration key, environment variable and flag the code reads
(read from the code, so a new one fails here until it is documented)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from cozelite.commands.serve import command as serve
from cozelite.config import AREAS, ENV_VARS, RETRIEVAL_ENV
from cozelite.server.limits import LIMITS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "configuration.md").read_text()


def _env_vars_in_code() -> set[str]:
    names: set[str] = set()
    for path in [*(ROOT / "cozelite").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]:
        names |= set(re.findall(r"[\"'](COZE(?:LITE)?_[A-Z][A-Z0-9_]*[A-Z0-9])[\"']", path.read_text()))
    return names


def test_every_key_variable_and_flag_is_documented() -> None:
    wanted = {"`lite`", "`data_dir`", *(f"[{area}] uri" for area in AREAS), "[search] retrieval_uri",
              *(f"`{var}`" for var in ENV_VARS.values()), f"`{RETRIEVAL_ENV}`"}
    for lim in LIMITS:
        wanted |= {f"`{lim.name}`", f"`{lim.env_var}`", f"`{lim.flag}`"}
    for param in serve.params:
        if isinstance(param, click.Option):
            wanted |= {f"`{opt}" for opt in param.opts + param.secondary_opts if opt != "--help"}
    wanted |= {f"`{name}" for name in _env_vars_in_code() if name != "COZE_SERVER_"}
    missing = sorted(w for w in wanted if w not in DOC)
    assert not missing, f"docs/configuration.md does not mention: {missing}"
