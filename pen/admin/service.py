"""Admin work on providers: the catalog, create/edit/enable/delete, model lists, shared keys,
the user-keys policy, and re-encrypting every stored key under the newest encryption key."""

import logging
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from pen import connections, providers
from pen.extensions import db
from pen.models import Chat, Connection, Message, Provider, Setting, User
from pen.orm import utcnow
from pen.security.secrets import UnreadableSecret, encrypt, looks_encrypted, rotate
from pen.settings.service import CheckOutcome, check_provider

log = logging.getLogger(__name__)


class DuplicateName(Exception):
    """Another provider already has this name (names are compared case-insensitively)."""


class ProviderInUse(Exception):
    def __init__(self, provider: Provider, chats: int, messages: int):
        self.chats, self.messages = chats, messages
        what = f"{chats} chat{'s' if chats != 1 else ''}" if chats else f"{messages} message{'s' if messages != 1 else ''}"
        super().__init__(f"{provider.name} is used by {what}, so it cannot be deleted. Disable it instead.")


class UnreadableKeys(Exception):
    def __init__(self, count: int):
        self.count = count
        super().__init__(f"{count} stored key(s) cannot be decrypted with any configured key.")


@dataclass(frozen=True)
class ProviderRow:
    provider: Provider
    user_keys: int  # users with their own key for it
    shared: bool


@dataclass(frozen=True)
class Deleted:
    name: str
    user_keys: int
    shared_keys: int


@dataclass(frozen=True)
class Rotation:
    rotated: int
    plain_text: int  # legacy plain-text keys (Wingman's), left as they are
    unreadable: int


# --- providers ---------------------------------------------------------------------------------


def provider_rows() -> list[ProviderRow]:
    counts = dict(
        db.session.execute(
            select(Connection.api_provider, func.count(func.distinct(Connection.user_id)))
            .where(Connection.is_shared.is_(False))
            .group_by(Connection.api_provider)
        ).all()
    )
    shared = set(db.session.scalars(select(Connection.api_provider).where(Connection.is_shared.is_(True))))
    rows = db.session.scalars(select(Provider).order_by(func.lower(Provider.name))).all()
    return [ProviderRow(p, counts.get(p.name, 0), p.name in shared) for p in rows]


def find_by_name(name: str, *, other_than: int | None = None) -> Provider | None:
    query = select(Provider).where(func.lower(Provider.name) == name.strip().lower())
    if other_than is not None:
        query = query.where(Provider.id != other_than)
    return db.session.scalars(query).first()


def seed_catalog() -> list[str]:
    """Add the catalog providers that are missing (by name, case-insensitive); never touch an
    existing row. Local keyless servers start disabled until an admin points them somewhere."""
    existing = {name.lower() for name in db.session.scalars(select(Provider.name))}
    added = []
    for entry in providers.CATALOG:
        if entry.name.lower() in existing:
            continue
        db.session.add(Provider(
            name=entry.name, api_style=entry.api_style, base_urls=list(entry.base_urls), auth_header=entry.auth_header,
            requires_auth=entry.requires_auth, default_model=entry.default_model, enabled=entry.requires_auth,
        ))
        added.append(entry.name)
    db.session.commit()
    if added:
        log.info("providers seeded from the catalog: %s", ", ".join(added))
    return added


def save_provider(provider: Provider | None, values: dict) -> Provider:
    """Create (`provider` None) or update a provider from validated form values, in one transaction.
    A rename carries the users' keys, shared keys, defaults, chats and messages over to the new name."""
    if find_by_name(values["name"], other_than=provider.id if provider else None):
        raise DuplicateName(values["name"])
    if provider is None:
        provider = Provider(**values)
        db.session.add(provider)
    else:
        old_name = provider.name
        for name, value in values.items():
            setattr(provider, name, value)
        if old_name != provider.name:
            _rename_references(old_name, provider.name)
    db.session.commit()
    log.info("provider saved: id=%s name=%r enabled=%s", provider.id, provider.name, provider.enabled)
    return provider


def _rename_references(old: str, new: str) -> None:
    db.session.execute(update(Connection).where(Connection.api_provider == old).values(api_provider=new))
    db.session.execute(update(User).where(User.default_provider == old).values(default_provider=new))
    db.session.execute(update(Chat).where(Chat.provider == old).values(provider=new))
    db.session.execute(update(Message).where(Message.provider == old).values(provider=new))


def set_enabled(provider: Provider, enabled: bool) -> None:
    provider.enabled = enabled
    db.session.commit()
    log.info("provider %s: %r", "enabled" if enabled else "disabled", provider.name)


def delete_provider(provider: Provider) -> Deleted:
    """Delete a provider no chat uses, with every key for it (users' and shared) in one transaction."""
    chats = db.session.scalar(select(func.count()).select_from(Chat).where(Chat.provider == provider.name))
    messages = db.session.scalar(select(func.count()).select_from(Message).where(Message.provider == provider.name))
    if chats or messages:
        raise ProviderInUse(provider, chats, messages)
    name = provider.name
    own = db.session.execute(delete(Connection).where(Connection.api_provider == name, Connection.is_shared.is_(False)))
    shared = db.session.execute(delete(Connection).where(Connection.api_provider == name, Connection.is_shared.is_(True)))
    db.session.execute(update(User).where(User.default_provider == name).values(default_provider=None, default_model=None))
    db.session.delete(provider)
    db.session.commit()
    log.info("provider deleted: %r (user keys=%s, shared keys=%s)", name, own.rowcount, shared.rowcount)
    return Deleted(name, own.rowcount, shared.rowcount)


def refresh_models(provider: Provider, admin: User) -> CheckOutcome:
    """List the models with the admin's own or the shared key and store them on the provider;
    an empty default model becomes the first one listed."""
    outcome = check_provider(admin, provider)
    if not outcome.ok:
        return outcome
    provider.models = list(outcome.models)
    provider.models_refreshed_at = utcnow()
    if not provider.default_model and outcome.models:
        provider.default_model = outcome.models[0]
    db.session.commit()
    count = len(outcome.models)
    return CheckOutcome(True, f"Stored {count} model{'' if count == 1 else 's'} for {provider.name}.",
                        models=outcome.models, latency_ms=outcome.latency_ms)


# --- shared keys and the user-keys policy ------------------------------------------------------


def shared_key_status(provider: Provider) -> tuple[str, str | None]:
    """("none" | "shared" | "unreadable", mask)."""
    connection = connections.shared_connection(provider.name)
    if connection is None:
        return "none", None
    try:
        return "shared", connections.masked_key(connection)
    except connections.KeyUnreadable:
        return "unreadable", None


def set_shared_key(provider: Provider, admin: User, key: str) -> None:
    """Share a key for the provider with every user (one shared key per provider; stored encrypted)."""
    db.session.execute(delete(Connection).where(Connection.api_provider == provider.name, Connection.is_shared.is_(True)))
    db.session.add(Connection(user_id=admin.id, api_provider=provider.name, api_key=encrypt(key), is_shared=True))
    db.session.commit()
    log.info("shared key set: provider=%r by admin=%s", provider.name, admin.id)


def remove_shared_key(provider: Provider) -> int:
    result = db.session.execute(
        delete(Connection).where(Connection.api_provider == provider.name, Connection.is_shared.is_(True))
    )
    db.session.commit()
    log.info("shared key removed: provider=%r", provider.name)
    return result.rowcount


def set_user_keys_allowed(allowed: bool) -> None:
    setting = db.session.get(Setting, connections.ALLOW_USER_KEYS) or Setting(key=connections.ALLOW_USER_KEYS)
    setting.value = "1" if allowed else "0"
    db.session.add(setting)
    db.session.commit()
    log.info("user keys %s", "allowed" if allowed else "disallowed")


# --- encryption key rotation -------------------------------------------------------------------


def rotate_keys(*, skip_unreadable: bool = False) -> Rotation:
    """Re-encrypt every stored key under the newest PEN_ENCRYPTION_KEY, in one transaction.
    Unreadable keys abort the whole run (nothing changes) unless `skip_unreadable`."""
    rotated = plain = 0
    unreadable = []
    for connection in db.session.scalars(select(Connection).order_by(Connection.id)):
        if not looks_encrypted(connection.api_key):
            plain += 1
            continue
        try:
            connection.api_key = rotate(connection.api_key)
            rotated += 1
        except UnreadableSecret:
            unreadable.append(connection.id)
    if unreadable and not skip_unreadable:
        db.session.rollback()
        raise UnreadableKeys(len(unreadable))
    db.session.commit()
    log.info("encryption keys rotated: %s re-encrypted, %s plain text, %s unreadable", rotated, plain, len(unreadable))
    return Rotation(rotated, plain, len(unreadable))
