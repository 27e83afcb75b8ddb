"""Users and API keys. A key is shown once when created; only its SHA-256 is stored.

A key is `czk_` plus 32 random bytes (URL-safe base64): guessing one is hopeless, so a plain hash
(no salt, no slow KDF) is enough, and it lets a request find its key by an indexed lookup. The
stored hash is compared in constant time anyway."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from cozelite.flows.context import Caller
from cozelite.flows.errors import BadRequest, Conflict, NotFound, Unauthorized
from cozelite.flows.metadata import eq, new_id, now_ms
from providers.errors import ErrorCode, ProviderError

KEY_PREFIX = "czk_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")
# A well-formed key: the prefix and 43 base64url characters. Anything else is refused before a lookup.
_KEY = re.compile(r"^czk_[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class User:
    id: str
    name: str
    created_at: int


@dataclass(frozen=True)
class ApiKey:
    id: str
    user_id: str
    prefix: str
    created_at: int
    revoked_at: int | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def add_user(services: Any, name: str) -> User:
    if not isinstance(name, str) or not _NAME.match(name):
        raise BadRequest(f"user name {name!r} must be 1-128 characters: letters, digits and _ . @ -, "
                         "starting with a letter or digit")
    user = User(id=new_id("usr"), name=name, created_at=now_ms())
    try:
        services.db.insert_data("users", [{"id": user.id, "name": user.name, "created_at": user.created_at}])
    except ProviderError as err:
        if err.code is ErrorCode.ALREADY_EXISTS:
            raise Conflict(f"a user named {name!r} already exists") from None
        raise
    return user


def get_user(services: Any, name: str) -> User:
    rows = services.db.select_data("users", where=eq(name=name), limit=1).result_set.rows
    if not rows:
        raise NotFound(f"no user named {name!r}; create one with `cozelite users add {name}`")
    r = rows[0]
    return User(id=r["id"], name=r["name"], created_at=int(r["created_at"]))


def list_users(services: Any) -> list[User]:
    rows = services.db.select_data("users").result_set.rows
    return sorted((User(id=r["id"], name=r["name"], created_at=int(r["created_at"])) for r in rows),
                  key=lambda u: u.name)


def create_key(services: Any, user_name: str) -> tuple[ApiKey, str]:
    """A new key for the user: (its record, the key itself, shown this once)."""
    user = get_user(services, user_name)
    token = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(id=new_id("key"), user_id=user.id, prefix=token[:12], created_at=now_ms(), revoked_at=None)
    services.db.insert_data("api_keys", [{"id": key.id, "user_id": key.user_id, "key_hash": _hash(token),
                                          "prefix": key.prefix, "created_at": key.created_at}])
    return key, token


def list_keys(services: Any, user_name: str) -> list[ApiKey]:
    user = get_user(services, user_name)
    rows = services.db.select_data("api_keys", where=eq(user_id=user.id)).result_set.rows
    return sorted((_key(r) for r in rows), key=lambda k: k.created_at)


def revoke_key(services: Any, key_id: str) -> ApiKey:
    rows = services.db.select_data("api_keys", where=eq(id=key_id), limit=1).result_set.rows
    if not rows:
        raise NotFound(f"no API key with id {key_id!r}; `cozelite keys list USER` shows the ids")
    key = _key(rows[0])
    if key.revoked_at is None:
        services.db.update_data("api_keys", {"revoked_at": now_ms()}, where=eq(id=key_id))
    return _key(services.db.select_data("api_keys", where=eq(id=key_id), limit=1).result_set.rows[0])


def authenticate(services: Any, token: str) -> Caller:
    """The caller a key belongs to; Unauthorized for a malformed, unknown or revoked key."""
    if not isinstance(token, str) or not _KEY.match(token):
        raise Unauthorized("the API key is malformed; send `Authorization: Bearer czk_...` with a key from "
                           "`cozelite keys create USER`", code="invalid_key")
    digest = _hash(token)
    rows = services.db.select_data("api_keys", where=eq(key_hash=digest), limit=1).result_set.rows
    if not rows or not hmac.compare_digest(str(rows[0]["key_hash"]), digest):
        raise Unauthorized("unknown API key", code="invalid_key")
    if rows[0].get("revoked_at") is not None:
        raise Unauthorized("this API key was revoked; create a new one with `cozelite keys create USER`",
                           code="revoked_key")
    users = services.db.select_data("users", where=eq(id=rows[0]["user_id"]), limit=1).result_set.rows
    if not users:
        raise Unauthorized("the user of this API key no longer exists", code="invalid_key")
    return Caller(user_id=users[0]["id"], name=users[0]["name"])


def _key(r: dict[str, Any]) -> ApiKey:
    revoked = r.get("revoked_at")
    return ApiKey(id=r["id"], user_id=r["user_id"], prefix=r["prefix"], created_at=int(r["created_at"]),
                  revoked_at=None if revoked is None else int(revoked))
