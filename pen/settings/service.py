"""A user's connections: store a key (encrypted), show it masked, test it, pick models and defaults.

The plain-text key exists only inside `check_provider`, for the provider call; everything that
reaches a template is a `ConnectionRow` (status and mask) or a `CheckOutcome` (messages, counts).
"""

import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, select

from pen import connections, providers
from pen.extensions import db
from pen.models import Connection, Provider, User
from pen.security.secrets import encrypt

log = logging.getLogger(__name__)

# What a provider row says about the key a call would use.
OWN, UNREADABLE, SHARED, KEYLESS, NONE = "own", "unreadable", "shared", "keyless", "none"


@dataclass(frozen=True)
class CheckOutcome:
    """The result of "Test" or "Refresh models", safe to render: no key, only messages and counts."""

    ok: bool
    message: str
    detail: str | None = None  # the provider's own words (redacted by the provider service)
    models: tuple[str, ...] = ()
    latency_ms: int | None = None
    warning: str | None = None


@dataclass(frozen=True)
class ConnectionRow:
    provider: Provider
    own: Connection | None  # the user's own connection, even while user keys are switched off
    status: str  # OWN | UNREADABLE | SHARED | KEYLESS | NONE
    mask: str | None  # `sk-…1a2b` for OWN
    models: tuple[str, ...]

    @property
    def model(self) -> str | None:
        return (self.own.selected_model if self.own else None) or self.provider.default_model or None


def provider_settings() -> providers.ProviderSettings:
    return current_app.extensions.get("pen.providers") or providers.get_settings()


def check_provider(user: User, provider: Provider, model: str | None = None) -> CheckOutcome:
    """List the provider's models with the key a call for `user` would use (own, shared, none)."""
    try:
        key = connections.resolve_key(user, provider)
    except (connections.NoKey, connections.KeyUnreadable) as exc:
        return CheckOutcome(False, str(exc))
    result = providers.check(provider, key, settings=provider_settings())
    latency = round(result.latency_ms)
    if not result.ok:
        return CheckOutcome(False, result.error.user_message, result.error.provider_message, latency_ms=latency)
    warning = None
    if model and model not in result.models:
        warning = f"The model '{model}' is not in this provider's list: it may not exist or the key may not use it."
    count = len(result.models)
    message = f"Connected: {count} model{'' if count == 1 else 's'} available, {latency} ms."
    return CheckOutcome(True, message, models=result.models, latency_ms=latency, warning=warning)


def enabled_providers() -> list[Provider]:
    return db.session.scalars(select(Provider).where(Provider.enabled.is_(True)).order_by(Provider.name)).all()


def connection_rows(user: User) -> list[ConnectionRow]:
    """One row per enabled provider: which key a call would use, masked."""
    own = {
        c.api_provider: c
        for c in db.session.scalars(
            select(Connection)
            .where(Connection.user_id == user.id, Connection.is_shared.is_(False))
            .order_by(Connection.id)
        )
    }
    shared = set(db.session.scalars(select(Connection.api_provider).where(Connection.is_shared.is_(True))))
    allowed = connections.user_keys_allowed()
    rows = [_row(user, p, own.get(p.name), p.name in shared, allowed) for p in enabled_providers()]
    return sorted(rows, key=lambda row: row.status == NONE)  # the ones that work first, each group by name


def connection_row(user: User, provider: Provider) -> ConnectionRow:
    shared = connections.shared_connection(provider.name) is not None
    own = connections.own_connection(user, provider.name)
    return _row(user, provider, own, shared, connections.user_keys_allowed())


def _row(user: User, provider: Provider, own: Connection | None, shared: bool, allowed: bool) -> ConnectionRow:
    status, mask = NONE, None
    if own is not None and allowed:
        try:
            status, mask = OWN, connections.masked_key(own)
        except connections.KeyUnreadable:
            status = UNREADABLE
    elif shared:
        status = SHARED
    elif not provider.requires_auth:
        status = KEYLESS
    return ConnectionRow(provider, own, status, mask, connections.model_list(provider, own, user))


def save_key(user: User, provider: Provider, key: str) -> Connection:
    """Store the user's key for the provider, encrypted; one connection per user and provider."""
    own = connections.own_connection(user, provider.name)
    if own is None:
        own = Connection(user_id=user.id, api_provider=provider.name, is_shared=False)
        db.session.add(own)
    own.api_key = encrypt(key)
    db.session.flush()
    db.session.execute(
        delete(Connection).where(
            Connection.user_id == user.id,
            Connection.api_provider == provider.name,
            Connection.is_shared.is_(False),
            Connection.id != own.id,
        )
    )
    db.session.commit()
    log.info("api key saved: user=%s provider=%r", user.id, provider.name)
    return own


def delete_key(connection: Connection) -> None:
    db.session.delete(connection)
    db.session.commit()
    log.info("api key deleted: user=%s provider=%r", connection.user_id, connection.api_provider)


def set_model(connection: Connection, model: str | None) -> None:
    connection.selected_model = model or None
    db.session.commit()


def default_choices(user: User) -> list[connections.ProviderChoice]:
    return connections.usable_providers(user)


def set_defaults(user: User, provider: str | None, model: str | None) -> None:
    user.default_provider, user.default_model = provider or None, model or None
    db.session.commit()
