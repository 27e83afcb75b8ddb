"""`cozelite users ...` and `cozelite keys ...`: the API's users and their keys.

They open only the db provider of the configuration (the metadata tables live there, created
when missing), so they work while `cozelite serve` runs on the same data (SQLite allows it, a
server database does anyway). A key is printed once, when created; only its hash is stored."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from cozelite.commands.config import config_options, resolve

T = TypeVar("T")


@contextlib.contextmanager
def _services(kwargs: dict[str, Any]) -> Iterator[Any]:
    from cozelite.config import ConfigError, prepare_data_dirs
    from cozelite.flows.metadata import ensure_schema
    from cozelite.flows.services import Services
    from cozelite.wiring import open_providers

    config = resolve(kwargs)
    try:
        prepare_data_dirs(config)
        providers = open_providers(config, areas=("db",))
    except ConfigError as err:
        raise click.ClickException(str(err)) from None
    services = Services(providers)
    try:
        ensure_schema(services)
        yield services
    finally:
        services.close()


def _run(fn: Callable[[], T]) -> T:
    from cozelite.flows.errors import FlowError
    from providers.errors import ProviderError

    try:
        return fn()
    except FlowError as err:
        raise click.ClickException(err.message) from None
    except ProviderError as err:
        raise click.ClickException(f"the db provider failed: {err.message}") from None


@click.group("users")
def users_command() -> None:
    """Manage the API's users."""


@users_command.command("add")
@click.argument("name")
@click.option("--with-key", is_flag=True, help="Also create an API key for the user and print it on a second line.")
@config_options
def users_add(name: str, with_key: bool, **kwargs: Any) -> None:
    """Create user NAME (letters, digits, _ . @ -; unique) and print its id."""
    from cozelite.flows.users import add_user, create_key

    with _services(kwargs) as services:
        user = _run(lambda: add_user(services, name))
        click.echo(user.id)
        if with_key:
            key, token = _run(lambda: create_key(services, name))
            click.echo(f"key id {key.id} (revoke with `cozelite keys revoke {key.id}`)", err=True)
            click.echo(token)


@users_command.command("list")
@config_options
def users_list(**kwargs: Any) -> None:
    """Print every user: id and name."""
    from cozelite.flows.users import list_users

    with _services(kwargs) as services:
        for user in _run(lambda: list_users(services)):
            click.echo(f"{user.id}  {user.name}")


@click.group("keys")
def keys_command() -> None:
    """Manage API keys (Bearer tokens of the /v1 API)."""


@keys_command.command("create")
@click.argument("user")
@config_options
def keys_create(user: str, **kwargs: Any) -> None:
    """Create an API key for USER (a user name) and print it. It is shown only this once: store it."""
    from cozelite.flows.users import create_key

    with _services(kwargs) as services:
        key, token = _run(lambda: create_key(services, user))
    click.echo(f"key id {key.id} (revoke with `cozelite keys revoke {key.id}`)", err=True)
    click.echo(token)


@keys_command.command("list")
@click.argument("user")
@config_options
def keys_list(user: str, **kwargs: Any) -> None:
    """Print USER's keys: id, first characters, created and revoked times (ms since the epoch)."""
    from cozelite.flows.users import list_keys

    with _services(kwargs) as services:
        for key in _run(lambda: list_keys(services, user)):
            revoked = "active" if key.revoked_at is None else f"revoked {key.revoked_at}"
            click.echo(f"{key.id}  {key.prefix}...  created {key.created_at}  {revoked}")


@keys_command.command("revoke")
@click.argument("key_id")
@config_options
def keys_revoke(key_id: str, **kwargs: Any) -> None:
    """Revoke key KEY_ID (from `keys list`): requests with it get 401 from then on."""
    from cozelite.flows.users import revoke_key

    with _services(kwargs) as services:
        key = _run(lambda: revoke_key(services, key_id))
    click.echo(f"revoked {key.id}")
