"""The model picker: the providers a user can use × their models, and reading the choice back."""

from dataclasses import dataclass

from pen import connections
from pen.extensions import db
from pen.models import Chat, Provider, User


class ChoiceError(Exception):
    """The chosen provider/model cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Picker:
    choices: list[connections.ProviderChoice]
    selected: str | None  # option value "<provider id>:<model>"
    notice: str | None = None  # e.g. the chat's provider was disabled


def option_value(provider: Provider, model: str) -> str:
    return f"{provider.id}:{model}"


def picker_for(user: User, chat: Chat | None = None) -> Picker:
    choices = connections.usable_providers(user)
    by_name = {choice.provider.name: choice for choice in choices}
    if chat is not None and chat.provider:
        choice = by_name.get(chat.provider)
        if choice is not None and chat.model:
            if chat.model not in choice.models:
                choices = [c if c is not choice else _with_model(c, chat.model) for c in choices]
            return Picker(choices, option_value(choice.provider, chat.model))
        notice = f"{chat.provider} is not available any more (disabled, removed, or no key). Pick another model."
        default = connections.default_choice(user, choices)
        return Picker(choices, _value_for(default, by_name), notice)
    return Picker(choices, _value_for(connections.default_choice(user, choices), by_name))


def _with_model(choice: connections.ProviderChoice, model: str) -> connections.ProviderChoice:
    return connections.ProviderChoice(choice.provider, tuple(sorted({*choice.models, model}, key=str.lower)),
                                      choice.preferred_model, choice.connection)


def _value_for(default: tuple[str, str] | None, by_name) -> str | None:
    if default is None:
        return None
    return option_value(by_name[default[0]].provider, default[1])


def parse_choice(value: str | None, user: User, chat: Chat | None = None) -> tuple[connections.ProviderChoice, str]:
    """The provider (with the connection whose key it would use) and the model behind an option
    value, if this user may use them now."""
    provider_id, _, model = (value or "").partition(":")
    if not provider_id.isdigit() or not model:
        raise ChoiceError("Pick a model first." if connections.usable_providers(user) else NO_PROVIDERS)
    for choice in connections.usable_providers(user):
        if choice.provider.id == int(provider_id):
            allowed = set(choice.models)
            if chat is not None and chat.provider == choice.provider.name and chat.model:
                allowed.add(chat.model)
            if model not in allowed:
                raise ChoiceError(f"{model} is not one of {choice.provider.name}'s models. Pick another model.")
            return choice, model
    provider = db.session.get(Provider, int(provider_id))
    if provider is not None and provider.enabled:
        raise ChoiceError(str(connections.NoKey(provider.name)))
    raise ChoiceError("That provider is disabled or was removed. Pick another model.")


NO_PROVIDERS = "No AI provider is set up for you yet. Add an API key in Settings, or ask your admin to share one."
