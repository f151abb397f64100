"""Which providers, models and keys a user can use (pen/connections.py)."""

import pytest
from cryptography.fernet import Fernet

from pen import connections
from pen.extensions import db
from pen.models import Connection, Provider, Setting, User
from pen.security.secrets import encrypt


def add_provider(name, *, requires_auth=True, enabled=True, models=None, default_model="m-default"):
    provider = Provider(name=name, base_urls=["http://127.0.0.1:9/v1"], default_model=default_model,
                        requires_auth=requires_auth, auth_header="Authorization: Bearer {key}", enabled=enabled,
                        models=models)
    db.session.add(provider)
    db.session.commit()
    return provider


def add_key(user_id, provider, key, *, shared=False, selected_model=None, encrypted=True):
    db.session.add(Connection(user_id=user_id, api_provider=provider, api_key=encrypt(key) if encrypted else key,
                              is_shared=shared, selected_model=selected_model))
    db.session.commit()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def test_own_key_wins_over_a_shared_key(ctx, make_user):
    admin_id, user_id = make_user(admin=True), make_user()
    provider = add_provider("OpenAI")
    add_key(admin_id, "OpenAI", "sk-shared", shared=True)
    user = db.session.get(User, user_id)
    assert connections.resolve_key(user, provider) == "sk-shared"
    add_key(user_id, "OpenAI", "sk-own")
    assert connections.resolve_key(user, provider) == "sk-own"


def test_own_keys_are_ignored_when_the_admin_disallows_them(ctx, make_user):
    admin_id, user_id = make_user(admin=True), make_user()
    provider = add_provider("OpenAI")
    add_key(admin_id, "OpenAI", "sk-shared", shared=True)
    add_key(user_id, "OpenAI", "sk-own")
    db.session.add(Setting(key=connections.ALLOW_USER_KEYS, value="0"))
    db.session.commit()
    assert connections.resolve_key(db.session.get(User, user_id), provider) == "sk-shared"


def test_no_key_and_unreadable_key_are_typed(ctx, make_user, app):
    user = db.session.get(User, make_user())
    provider = add_provider("Anthropic")
    with pytest.raises(connections.NoKey, match="Settings"):
        connections.resolve_key(user, provider)
    add_key(user.id, "Anthropic", "sk-ant")
    app.config["PEN_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    with pytest.raises(connections.KeyUnreadable, match="Re-enter"):
        connections.resolve_key(user, provider)


def test_legacy_plain_text_key_is_usable(ctx, make_user):
    user = db.session.get(User, make_user())
    provider = add_provider("Groq")
    add_key(user.id, "Groq", "gsk_plain_from_wingman", encrypted=False)
    assert connections.resolve_key(user, provider) == "gsk_plain_from_wingman"


def test_keyless_provider_needs_no_key(ctx, make_user):
    user = db.session.get(User, make_user())
    provider = add_provider("Ollama (local)", requires_auth=False)
    assert connections.resolve_key(user, provider) is None


def test_usable_providers_lists_enabled_ones_with_keys_and_their_models(ctx, make_user):
    user = db.session.get(User, make_user())
    add_provider("OpenAI", models=["gpt-b", "gpt-a"])
    add_provider("Anthropic")
    add_provider("Disabled", enabled=False, requires_auth=False)
    add_provider("Ollama (local)", requires_auth=False, default_model="")
    add_key(user.id, "OpenAI", "sk", selected_model="gpt-custom")
    choices = connections.usable_providers(user)
    assert [c.provider.name for c in choices] == ["Ollama (local)", "OpenAI"]
    openai = choices[1]
    assert openai.models == ("gpt-a", "gpt-b", "gpt-custom", "m-default")
    assert openai.preferred_model == "gpt-custom"
    assert choices[0].models == () and choices[0].preferred_model is None


def test_default_choice_prefers_the_users_default(ctx, make_user):
    user = db.session.get(User, make_user())
    add_provider("OpenAI", models=["gpt-a"])
    add_provider("Groq", models=["llama"])
    add_key(user.id, "OpenAI", "sk")
    add_key(user.id, "Groq", "gsk")
    choices = connections.usable_providers(user)
    assert connections.default_choice(user, choices) == ("Groq", "m-default")
    user.default_provider, user.default_model = "OpenAI", "gpt-a"
    assert connections.default_choice(user, choices) == ("OpenAI", "gpt-a")
