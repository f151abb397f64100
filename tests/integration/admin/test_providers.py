"""Admin: the providers list, create/edit with validation, enable/disable, delete, seeding."""

import pytest
from sqlalchemy import select

from pen.extensions import db
from pen.models import Chat, Connection, Message, Provider, User
from pen.providers import CATALOG
from tests.integration.admin.helpers import add_key, add_provider, row, rows

VALID = {
    "name": "My Proxy",
    "api_style": "openai",
    "base_urls": "https://proxy.example.com/v1/\nhttps://backup.example.com/v1",
    "auth_header": "Authorization: Bearer {key}",
    "requires_auth": "y",
    "default_model": "gpt-x",
    "extra_headers": "X-Team: pen",
    "enabled": "y",
}


def providers_named(app, name):
    return rows(app, select(Provider).where(Provider.name == name))


def test_the_list_shows_each_provider_with_its_details_and_key_count(app, as_admin, admin_id, make_user):
    add_provider(app, "OpenAI", base_urls=["https://api.openai.com/v1"], default_model="gpt-6-luna")
    add_provider(app, "Ollama (local)", requires_auth=False, enabled=False, base_urls=["http://localhost:11434"])
    for user_id in (make_user(), make_user()):
        add_key(app, user_id, "OpenAI", "sk-user-key-0001")
    add_key(app, admin_id, "OpenAI", "sk-shared-key-0001", shared=True)
    page = as_admin.get("/admin").text
    assert "OpenAI" in page and "https://api.openai.com/v1" in page and "gpt-6-luna" in page
    assert "2 users" in page and ">shared<" in page
    assert "Ollama (local)" in page and "no key needed" in page and "Disabled" in page


def test_creating_a_provider_stores_normalised_values(app, as_admin):
    response = as_admin.post("/admin/providers/new", data=VALID, htmx=True)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/admin"
    [provider] = providers_named(app, "My Proxy")
    assert provider.base_urls == ["https://proxy.example.com/v1", "https://backup.example.com/v1"]
    assert provider.extra_headers == {"X-Team": "pen"} and provider.default_model == "gpt-x"
    assert provider.requires_auth and provider.enabled and provider.api_style == "openai"
    assert "Saved My Proxy." in as_admin.get("/admin").text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("base_urls", "api.example.com/v1", "must start with http"),
        ("base_urls", "javascript:alert(1)", "must start with http"),
        ("base_urls", "https://user:secret@api.example.com/v1", "must not contain a user name or password"),
        ("base_urls", "   ", "at least one base URL"),
        ("auth_header", "Authorization: Bearer {key}\r\nX-Injected: 1", "line breaks"),
        ("auth_header", "Authorization: Bearer", "must contain {key}"),
        ("auth_header", "Bad Header: {key}", "not a valid HTTP header name"),
        ("extra_headers", "X-Evil: a\x01b", "without line breaks"),
        ("extra_headers", "no colon here", "Name: value"),
        ("name", "", "This field is required"),
        ("api_style", "soap", "Not a valid choice"),
    ],
)
def test_bad_provider_input_is_refused_with_a_message_and_nothing_saved(app, as_admin, field, value, message):
    response = as_admin.post("/admin/providers/new", data={**VALID, field: value}, htmx=True)
    assert response.status_code == 422 and message in response.text
    assert 'id="provider-form"' in response.text and "<html" not in response.text
    assert rows(app, select(Provider)) == []


def test_a_private_base_url_is_refused_when_the_policy_blocks_them(app, as_admin):
    app.config["PEN_BLOCK_PRIVATE_PROVIDER_URLS"] = True
    response = as_admin.post("/admin/providers/new", data={**VALID, "base_urls": "http://127.0.0.1:11434"})
    assert response.status_code == 422 and "private or local addresses" in response.text


def test_a_name_longer_than_the_messages_provider_column_is_refused(app, as_admin):
    response = as_admin.post("/admin/providers/new", data={**VALID, "name": "x" * 101}, htmx=True)
    assert response.status_code == 422
    assert as_admin.post("/admin/providers/new", data={**VALID, "name": "y" * 100}, htmx=True).status_code in (200, 303)


def test_duplicate_names_are_refused_case_insensitively(app, as_admin):
    add_provider(app, "OpenAI")
    response = as_admin.post("/admin/providers/new", data={**VALID, "name": "openai"}, htmx=True)
    assert response.status_code == 422 and "already exists" in response.text
    other = add_provider(app, "Groq")
    response = as_admin.post(f"/admin/providers/{other}", data={**VALID, "name": "OPENAI"}, htmx=True)
    assert response.status_code == 422 and row(app, Provider, other).name == "Groq"


def test_editing_keeps_the_form_values_and_renaming_carries_keys_and_chats_along(app, as_admin, make_user):
    provider_id = add_provider(app, "OpenAI", base_urls=["https://api.openai.com/v1"])
    user_id = make_user()
    add_key(app, user_id, "OpenAI", "sk-user-key-0001")
    with app.app_context():
        db.session.get(User, user_id).default_provider = "OpenAI"
        chat = Chat(user_id=user_id, name="c", provider="OpenAI", model="m")
        db.session.add(chat)
        db.session.flush()
        db.session.add(Message(chat_id=chat.id, content="hi", role="assistant", provider="OpenAI"))
        db.session.commit()
    form = as_admin.get(f"/admin/providers/{provider_id}").text
    assert "https://api.openai.com/v1</textarea>" in form and 'value="OpenAI"' in form
    response = as_admin.post(f"/admin/providers/{provider_id}", data={**VALID, "name": "OpenAI EU"})
    assert response.status_code == 303
    assert row(app, Provider, provider_id).name == "OpenAI EU"
    [connection] = rows(app, select(Connection))
    assert connection.api_provider == "OpenAI EU"
    assert row(app, User, user_id).default_provider == "OpenAI EU"
    assert [c.provider for c in rows(app, select(Chat))] == ["OpenAI EU"]
    assert [m.provider for m in rows(app, select(Message))] == ["OpenAI EU"]


def test_unknown_provider_ids_are_404(as_admin):
    assert as_admin.get("/admin/providers/999").status_code == 404
    assert as_admin.post("/admin/providers/999/delete", htmx=True).status_code == 404


def test_disable_and_enable(app, as_admin):
    provider_id = add_provider(app, "OpenAI")
    response = as_admin.post(f"/admin/providers/{provider_id}/disable", htmx=True)
    assert response.status_code == 200 and "OpenAI is disabled" in response.text and 'id="providers"' in response.text
    assert not row(app, Provider, provider_id).enabled
    as_admin.post(f"/admin/providers/{provider_id}/enable", htmx=True)
    assert row(app, Provider, provider_id).enabled


def test_a_disabled_provider_is_no_longer_offered_and_its_chats_learn_why(app, as_admin, make_user):
    from pen import connections

    provider_id = add_provider(app, "OpenAI")
    user_id = make_user()
    add_key(app, user_id, "OpenAI", "sk-user-key-0001")
    as_admin.post(f"/admin/providers/{provider_id}/disable", htmx=True)
    with app.app_context():
        assert connections.usable_providers(db.session.get(User, user_id)) == []


def test_delete_is_refused_while_chats_use_the_provider_and_offers_disable(app, as_admin, make_user):
    provider_id = add_provider(app, "OpenAI")
    user_id = make_user()
    add_key(app, user_id, "OpenAI", "sk-user-key-0001")
    with app.app_context():
        chat = Chat(user_id=user_id, name="c", provider="Other", model="m")
        db.session.add(chat)
        db.session.flush()
        db.session.add(Message(chat_id=chat.id, content="hi", role="assistant", provider="OpenAI"))
        db.session.commit()
    response = as_admin.post(f"/admin/providers/{provider_id}/delete", htmx=True)
    assert response.status_code == 409
    assert "OpenAI is used by 1 message" in response.text and "Disable OpenAI" in response.text
    assert row(app, Provider, provider_id) is not None and len(rows(app, select(Connection))) == 1


def test_delete_removes_the_provider_with_every_key_for_it(app, as_admin, admin_id, make_user):
    provider_id = add_provider(app, "OpenAI")
    add_provider(app, "Groq")
    for user_id in (make_user(), make_user()):
        add_key(app, user_id, "OpenAI", "sk-user-key-0001")
        add_key(app, user_id, "Groq", "gsk_user_key_0001")
    add_key(app, admin_id, "OpenAI", "sk-shared-key-001", shared=True)
    response = as_admin.post(f"/admin/providers/{provider_id}/delete", htmx=True)
    assert response.status_code == 200 and "Deleted OpenAI with 2 user keys and its shared key." in response.text
    assert row(app, Provider, provider_id) is None
    assert {c.api_provider for c in rows(app, select(Connection))} == {"Groq"}


def test_seed_from_catalog_adds_the_missing_providers_once_and_never_overwrites(app, as_admin):
    edited = add_provider(app, "openai", base_urls=["https://my-gateway.example.com/v1"], default_model="mine")
    response = as_admin.post("/admin/providers/seed", htmx=True)
    assert response.status_code == 200 and f"Added {len(CATALOG) - 1} providers" in response.text
    names = sorted(p.name for p in rows(app, select(Provider)))
    assert len(names) == len(CATALOG) and "OpenAI" not in names and "openai" in names
    assert row(app, Provider, edited).base_urls == ["https://my-gateway.example.com/v1"]
    assert row(app, Provider, edited).default_model == "mine"
    again = as_admin.post("/admin/providers/seed", htmx=True)
    assert "nothing was changed" in again.text and len(rows(app, select(Provider))) == len(CATALOG)
    anthropic = rows(app, select(Provider).where(Provider.name == "Anthropic"))[0]
    assert anthropic.api_style == "anthropic" and anthropic.auth_header == "x-api-key" and anthropic.enabled
    ollama = rows(app, select(Provider).where(Provider.name == "Ollama (local)"))[0]
    assert not ollama.requires_auth and not ollama.enabled  # local servers wait for the admin
