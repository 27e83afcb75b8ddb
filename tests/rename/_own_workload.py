"""Loader of the own real-world workload (tests/data/own_workload, see its README)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

OWN_WORKLOAD = Path(__file__).resolve().parents[1] / "data" / "own_workload"
_HEADER = re.compile(r"^-- (id|kind|source): (.+)$")


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # "read" | "write"
    source: str
    sql: str


def load_own_workload(dialect: str) -> list[Case]:
    text = (OWN_WORKLOAD / f"{dialect}.sql").read_text(encoding="utf-8")
    cases: list[Case] = []
    header: dict[str, str] = {}
    body: list[str] = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match and not body:
            header[match.group(1)] = match.group(2).strip()
            continue
        if not line.strip() and not body:
            continue
        body.append(line)
        if line.rstrip().endswith(";"):
            sql = "\n".join(body).strip()[:-1].rstrip()
            missing = {"id", "kind", "source"} - set(header)
            if missing or header["kind"] not in ("read", "write"):
                raise ValueError(f"own workload {dialect}: entry {header.get('id')!r} needs id, kind (read|write), "
                                 f"source; got {header}")
            cases.append(Case(header["id"], header["kind"], header["source"], sql))
            header, body = {}, []
    if body or header:
        raise ValueError(f"own workload {dialect}: unterminated entry {header.get('id')!r} (end it with ';')")
    ids = [c.id for c in cases]
    if len(ids) != len(set(ids)):
        raise ValueError(f"own workload {dialect}: duplicate ids")
    return cases
