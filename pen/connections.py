"""Which providers and models a user can use, and with which key.

A user's own connection (`ai_connections` row, `is_shared = false`) wins; otherwise a key the
admin shared for that provider (`is_shared = true`); providers that need no key work without one.
Keys are decrypted here and only here, right before a provider call.
"""

from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from pen.extensions import db
from pen.models import Connection, Provider, Setting, User
from pen.security.secrets import UnreadableSecret, reveal

ALLOW_USER_KEYS = "allow_user_keys"


class NoKey(Exception):
    """The user has no usable key for the provider."""

    def __init__(self, provider: str):
        super().__init__(f"No API key for {provider}. Add one in Settings, or ask your admin to share one.")
        self.provider = provider


class KeyUnreadable(Exception):
    """The stored key cannot be decrypted with the configured PEN_ENCRYPTION_KEY."""

    def __init__(self, provider: str):
        super().__init__(f"The stored key for {provider} is unreadable. Re-enter it in Settings.")
        self.provider = provider


@dataclass(frozen=True)
class ProviderChoice:
    provider: Provider
    models: tuple[str, ...]
    preferred_model: str | None  # the connection's selected model, else the provider's default
    connection: Connection | None = None  # whose key a call would use; None for a provider needing none


def user_keys_allowed() -> bool:
    setting = db.session.get(Setting, ALLOW_USER_KEYS)
    return allows_user_keys(setting.value if setting else None)


def allows_user_keys(setting_value: str | None) -> bool:
    """Users may add their own keys unless the admin turned it off (no row: allowed)."""
    return setting_value is None or setting_value == "1"


def own_connection(user: User, provider_name: str) -> Connection | None:
    return db.session.scalars(
        select(Connection)
        .where(Connection.user_id == user.id, Connection.api_provider == provider_name, Connection.is_shared.is_(False))
        .order_by(Connection.id.desc())
    ).first()


def shared_connection(provider_name: str) -> Connection | None:
    return db.session.scalars(
        select(Connection)
        .where(Connection.api_provider == provider_name, Connection.is_shared.is_(True))
        .order_by(Connection.id.desc())
    ).first()


def connection_for(user: User, provider: Provider) -> Connection | None:
    """The connection whose key a call for this user would use (own first, then shared)."""
    own = own_connection(user, provider.name) if user_keys_allowed() else None
    return own or shared_connection(provider.name)


def resolve_key(user: User, provider: Provider) -> str | None:
    """The plain-text key for a call, None when the provider needs none; NoKey / KeyUnreadable otherwise."""
    return key_of(provider, connection_for(user, provider))


def key_of(provider: Provider, connection: Connection | None) -> str | None:
    """The plain-text key of `connection` for a call to `provider` (see resolve_key)."""
    if connection is None:
        if provider.requires_auth:
            raise NoKey(provider.name)
        return None
    try:
        return reveal(connection.api_key)
    except UnreadableSecret as exc:
        raise KeyUnreadable(provider.name) from exc


def usable_providers(user: User) -> list[ProviderChoice]:
    """Enabled providers the user has a key for (own or shared) or that need none, with their models.

    One query (it runs on every send and every page with the model picker): each enabled provider
    joined with the user's own and the shared keys for it, and the user-keys setting as a column."""
    allowed = select(Setting.value).where(Setting.key == ALLOW_USER_KEYS).scalar_subquery()
    mine_or_shared = or_(and_(Connection.user_id == user.id, Connection.is_shared.is_(False)),
                         Connection.is_shared.is_(True))
    rows = db.session.execute(
        select(Provider, Connection, allowed)
        .outerjoin(Connection, and_(Connection.api_provider == Provider.name, mine_or_shared))
        .where(Provider.enabled.is_(True))
        .order_by(Provider.name, Provider.id, Connection.id)
    ).all()
    keys: dict[Provider, dict[bool, Connection]] = {}  # provider → {is_shared: its newest such key}
    for provider, connection, _ in rows:
        newest = keys.setdefault(provider, {})
        if connection is not None:
            newest[connection.is_shared] = connection
    own_allowed = allows_user_keys(rows[0][2]) if rows else True
    choices = []
    for provider, newest in keys.items():
        connection = (newest.get(False) if own_allowed else None) or newest.get(True)
        if connection is None and provider.requires_auth:
            continue
        models = model_list(provider, connection, user)
        preferred = (connection.selected_model if connection else None) or provider.default_model or None
        choices.append(ProviderChoice(provider, models, preferred or (models[0] if models else None), connection))
    return choices


def model_list(provider: Provider, connection: Connection | None, user: User) -> tuple[str, ...]:
    """The provider's cached model list, plus the models the user picked that it doesn't list."""
    models = list(provider.models or [])
    extras = [provider.default_model, connection.selected_model if connection else None]
    if user.default_provider == provider.name:
        extras.append(user.default_model)
    for model in extras:
        if model and model not in models:
            models.append(model)
    return tuple(sorted(models, key=str.lower))


def default_choice(user: User, choices: list[ProviderChoice]) -> tuple[str, str] | None:
    """(provider name, model) for a new chat: the user's default if usable, else the first usable."""
    by_name = {choice.provider.name: choice for choice in choices}
    preferred = by_name.get(user.default_provider or "")
    if preferred and user.default_model in preferred.models:
        return preferred.provider.name, user.default_model
    for choice in ([preferred] if preferred else []) + choices:
        if choice.preferred_model:
            return choice.provider.name, choice.preferred_model
    return None


# Prefixes that say which provider a key belongs to; at most their first 3 characters are shown.
KNOWN_KEY_PREFIXES = ("sk-", "pk-", "rk-", "gsk_", "xai-", "AIza", "hf_", "or-", "nvapi-", "glpat-", "ghp_")


def mask_key(key: str) -> str:
    """`sk-…1a2b`: up to 3 characters of a known prefix and the last 4; a short key (< 12) shows
    only `…` and its last 2 (or fewer). Never the whole key, never more than 4 secret characters."""
    if len(key) < 12:
        return "…" + (key[-2:] if len(key) >= 6 else key[-1:] if len(key) >= 3 else "")
    prefix = next((known[:3] for known in KNOWN_KEY_PREFIXES if key.startswith(known)), "")
    return f"{prefix}…{key[-4:]}"


def masked_key(connection: Connection) -> str:
    """The connection's key, masked; KeyUnreadable when it cannot be decrypted."""
    try:
        return mask_key(reveal(connection.api_key))
    except UnreadableSecret as exc:
        raise KeyUnreadable(connection.api_provider) from exc
