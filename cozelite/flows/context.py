"""Who is calling: the tenant every flow acts for. It comes from the API key, never from a body."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    user_id: str
    name: str
