"""Per-user variables in the kv provider: get, set (optional TTL), delete, list by prefix.

A variable is the kv key `var:<user id>:<name>`, holding `{"v": value, "exp": ms|null}` as JSON
(the expiry is kept beside the value because the kv contract has no TTL read). The kv contract has
no key scan, so each user's names are kept in the hash `varidx:<user id>` (field = name, "1" live,
"0" deleted); listing reads it and drops names whose key has expired. The hash is rewritten with
only the live names when its tombstones outgrow it (a set by the same user racing that rewrite can
leave its name out of listings, never out of get/delete: the kv contract has no transaction).
Names come from a small alphabet, so every key stays under the kv contract's key limit and a name
can never reach another user's namespace.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from cozelite.flows.context import Caller
from cozelite.flows.errors import BadRequest, Conflict, NotFound, TooLarge
from cozelite.flows.metadata import now_ms

_NAME = re.compile(r"^[A-Za-z0-9_.:/-]+$")
MAX_TTL_SECONDS = 366 * 24 * 3600


@dataclass(frozen=True)
class Variable:
    name: str
    value: Any
    expires_at: int | None  # ms since the epoch


def _check_name(services: Any, name: object, what: str = "variable name") -> str:
    limit = services.settings.max_var_name_chars
    if not isinstance(name, str) or not name or len(name) > limit or not _NAME.match(name):
        raise BadRequest(f"{what} must be 1-{limit} characters of A-Z a-z 0-9 _ . : / -, got {name!r:.80}")
    return name


def _key(caller: Caller, name: str) -> str:
    return f"var:{caller.user_id}:{name}"


def _index(caller: Caller) -> str:
    return f"varidx:{caller.user_id}"


def _decode(name: str, raw: bytes | None) -> Variable | None:
    if raw is None:
        return None
    doc = json.loads(raw)
    expires = doc.get("exp")
    if expires is not None and expires <= now_ms():
        return None  # expired, not yet removed by the store
    return Variable(name=name, value=doc.get("v"), expires_at=expires)


def _live_names(services: Any, caller: Caller) -> dict[str, bytes]:
    index = services.kv.hgetall(_index(caller))
    return {name: flag for name, flag in index.items() if flag == b"1"}


def get_variable(services: Any, caller: Caller, name: str) -> Variable:
    _check_name(services, name)
    var = _decode(name, services.kv.get(_key(caller, name)))
    if var is None:
        raise NotFound(f"no variable {name!r}", code="variable_not_found")
    return var


def set_variable(services: Any, caller: Caller, name: str, value: Any, ttl_seconds: int | None = None) -> Variable:
    _check_name(services, name)
    if ttl_seconds is not None and (isinstance(ttl_seconds, bool) or not isinstance(ttl_seconds, int)
                                    or not 1 <= ttl_seconds <= MAX_TTL_SECONDS):
        raise BadRequest(f"ttl_seconds must be a whole number of seconds from 1 to {MAX_TTL_SECONDS}, or null")
    expires = now_ms() + ttl_seconds * 1000 if ttl_seconds else None
    body = json.dumps({"v": value, "exp": expires}, ensure_ascii=False, separators=(",", ":")).encode()
    limit = services.settings.max_var_value_bytes
    if len(body) > limit + 32:  # the envelope's own bytes are not the caller's
        raise TooLarge(f"variable value is {len(body)} bytes as JSON; at most {limit} (COZE_API_MAX_VAR_VALUE_BYTES)")
    kv = services.kv
    index = kv.hgetall(_index(caller))
    live = {n: flag for n, flag in index.items() if flag == b"1"}
    if len(index) > _compact_above(len(live)):
        live = _prune(services, caller, live)  # set and delete of ever new names: keep the index bounded
    if name not in live and len(live) >= services.settings.max_vars_per_user:
        live = _prune(services, caller, live)
        if len(live) >= services.settings.max_vars_per_user:
            raise Conflict(f"you have {len(live)} variables, the most a user may keep "
                           "(COZE_API_MAX_VARS_PER_USER); delete some first", code="too_many_variables")
    # Index first: a crash between the two leaves a listed name without a value (skipped when
    # listing), never a value that cannot be listed.
    kv.hset(_index(caller), name, "1")
    kv.set(_key(caller, name), body, ttl=ttl_seconds or None)
    return Variable(name=name, value=value, expires_at=expires)


def delete_variable(services: Any, caller: Caller, name: str) -> None:
    _check_name(services, name)
    if not services.kv.delete(_key(caller, name)):
        raise NotFound(f"no variable {name!r}", code="variable_not_found")
    services.kv.hset(_index(caller), name, "0")


def list_variables(services: Any, caller: Caller, prefix: str = "") -> list[Variable]:
    if prefix:
        _check_name(services, prefix, "prefix")
    names = sorted(n for n in _live_names(services, caller) if n.startswith(prefix))
    if not names:
        return []
    pipe = services.kv.pipeline()
    for n in names:
        pipe.get(_key(caller, n))
    found = [_decode(n, raw) for n, raw in zip(names, pipe.execute(), strict=True)]
    return [v for v in found if v is not None]


def _compact_above(live: int) -> int:
    """Index size (live names plus tombstones) beyond which it is rewritten with the live names only."""
    return 2 * live + 100


def _prune(services: Any, caller: Caller, live: dict[str, bytes]) -> dict[str, bytes]:
    """Mark expired names deleted; rewrite the index when most of it is tombstones."""
    kv = services.kv
    names = sorted(live)
    pipe = kv.pipeline()
    for n in names:
        pipe.get(_key(caller, n))
    still = {}
    for n, raw in zip(names, pipe.execute(), strict=True):
        if _decode(n, raw) is None:
            kv.hset(_index(caller), n, "0")
        else:
            still[n] = b"1"
    index = kv.hgetall(_index(caller))
    if len(index) > _compact_above(len(still)):
        kv.delete(_index(caller))
        if still:
            kv.hset(_index(caller), {n: "1" for n in still})
    return still
