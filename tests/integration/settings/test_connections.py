"""Settings: a user's keys (added, replaced, masked, tested, deleted), models and new-chat defaults."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from pen.extensions import db
from pen.models import Connection, Setting, User
from pen.security.secrets import decrypt
from tests.integration.admin.helpers import FAKE_KEY, add_key, add_provider, row, rows

KEY = "sk-proj-0123456789abcdef1a2b"


@pytest.fixture
def user_id(make_user):
    return make_user("Uma User", "uma@example.com")


@pytest.fixture
def signed_in(login, user_id):
    return login(user_id)


def key_field(provider_id):
    return f"p{provider_id}-api_key"


def own_keys(app, user_id):
    return rows(app, select(Connection).where(Connection.user_id == user_id, Connection.is_shared.is_(False)))


def test_settings_needs_a_signed_in_user(client):
    assert client.get("/settings").status_code == 303
    assert client.post("/settings/defaults", htmx=True).status_code == 401


def test_the_page_lists_each_enabled_provider_with_its_key_status(app, signed_in, user_id, admin_id):
    add_provider(app, "OpenAI")
    add_provider(app, "Anthropic")
    add_provider(app, "Groq")
    add_provider(app, "Ollama (local)", requires_auth=False)
    add_provider(app, "Hidden", enabled=False)
    add_key(app, user_id, "OpenAI", KEY)
    add_key(app, admin_id, "Anthropic", "sk-ant-shared-000000", shared=True)
    page = signed_in.get("/settings").text
    assert "Your key</span> <code class=\"key-mask\">sk-…1a2b</code>" in page
    assert "Shared by admin" in page and "No key needed" in page and ">No key<" in page
    assert "Hidden" not in page and KEY not in page and "sk-ant-shared" not in page
    assert 'type="password"' in page and 'autocomplete="off"' in page


def test_adding_a_key_stores_ciphertext_and_answers_with_the_mask_only(app, signed_in, user_id):
    provider_id = add_provider(app, "OpenAI")
    response = signed_in.post(f"/settings/providers/{provider_id}/key", data={key_field(provider_id): KEY}, htmx=True)
    assert response.status_code == 200 and "Key saved." in response.text
    assert "sk-…1a2b" in response.text and KEY not in response.text and "<html" not in response.text
    assert 'id="defaults" aria-labelledby="defaults-title" hx-swap-oob="true"' in response.text
    [connection] = own_keys(app, user_id)
    assert connection.api_provider == "OpenAI" and KEY not in connection.api_key
    with app.app_context():
        assert decrypt(connection.api_key) == KEY


def test_adding_again_replaces_the_key_one_connection_per_provider(app, signed_in, user_id):
    provider_id = add_provider(app, "OpenAI")
    add_key(app, user_id, "OpenAI", "sk-legacy-duplicate-1")  # e.g. two rows left by Wingman
    add_key(app, user_id, "OpenAI", "sk-legacy-duplicate-2")
    signed_in.post(f"/settings/providers/{provider_id}/key", data={key_field(provider_id): KEY}, htmx=True)
    [connection] = own_keys(app, user_id)
    with app.app_context():
        assert decrypt(connection.api_key) == KEY


@pytest.mark.parametrize(
    ("key", "message"),
    [("", "Paste the API key."), ("    ", "Paste the API key."), ("x" * 10_240, "longer than any API key"),
     ("sk-abc def", "one line"), ("sk-abc\nAuthorization: evil", "one line")],
)
def test_bad_keys_are_refused_and_nothing_is_saved(app, signed_in, user_id, key, message):
    provider_id = add_provider(app, "OpenAI")
    response = signed_in.post(f"/settings/providers/{provider_id}/key", data={key_field(provider_id): key}, htmx=True)
    assert response.status_code == 422 and message in response.text
    assert "x" * 50 not in response.text and 'value=""' in response.text
    assert own_keys(app, user_id) == []


def test_keys_only_for_enabled_providers(app, signed_in, user_id):
    provider_id = add_provider(app, "Off", enabled=False)
    response = signed_in.post(f"/settings/providers/{provider_id}/key", data={key_field(provider_id): KEY}, htmx=True)
    assert response.status_code == 404 and own_keys(app, user_id) == []


def test_deleting_your_key(app, signed_in, user_id):
    add_provider(app, "OpenAI")
    connection_id = add_key(app, user_id, "OpenAI", KEY)
    response = signed_in.post(f"/settings/connections/{connection_id}/delete", htmx=True)
    assert response.status_code == 200 and "Key deleted." in response.text and ">No key<" in response.text
    assert own_keys(app, user_id) == []


def test_someone_elses_connection_is_a_404_and_stays_untouched(app, signed_in, make_user, admin_id):
    provider_id = add_provider(app, "OpenAI")
    other = make_user()
    theirs = add_key(app, other, "OpenAI", "sk-theirs-00000001", selected_model="m1")
    shared = add_key(app, admin_id, "OpenAI", "sk-shared-0000001", shared=True)
    for connection_id in (theirs, shared, 99999):
        assert signed_in.post(f"/settings/connections/{connection_id}/delete", htmx=True).status_code == 404
        response = signed_in.post(f"/settings/connections/{connection_id}/model", data={f"m{provider_id}-model": "x"}, htmx=True)
        assert response.status_code == 404
    assert row(app, Connection, theirs).selected_model == "m1"
    assert row(app, Connection, shared) is not None


def test_testing_your_key_against_the_fake_shows_the_model_count(app, signed_in, user_id, fake_openai):
    add_key(app, user_id, "Fake", FAKE_KEY)
    response = signed_in.post(f"/settings/providers/{fake_openai}/test", htmx=True)
    assert response.status_code == 200 and "Connected: 6 models available" in response.text
    assert 'id="connection-' in response.text


def test_testing_a_wrong_key_shows_why(app, signed_in, user_id, fake_openai):
    add_key(app, user_id, "Fake", "sk-wrong-0000000000")
    response = signed_in.post(f"/settings/providers/{fake_openai}/test", htmx=True)
    assert "The provider rejected the API key" in response.text and "sk-wrong-0000000000" not in response.text


def test_an_unreadable_key_says_re_enter_it_and_never_crashes(app, signed_in, user_id, fake_openai):
    add_key(app, user_id, "Fake", FAKE_KEY)
    app.config["PEN_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    page = signed_in.get("/settings")
    assert page.status_code == 200 and "Key unreadable — re-enter it" in page.text
    response = signed_in.post(f"/settings/providers/{fake_openai}/test", htmx=True)
    assert response.status_code == 200 and "unreadable. Re-enter it" in response.text
    response = signed_in.post(f"/settings/providers/{fake_openai}/key", data={key_field(fake_openai): FAKE_KEY}, htmx=True)
    assert "Your key" in response.text


def test_picking_a_default_model_from_the_list_or_typed(app, signed_in, user_id):
    provider_id = add_provider(app, "OpenAI", models=["gpt-a", "gpt-b"])
    connection_id = add_key(app, user_id, "OpenAI", KEY)
    page = signed_in.get("/settings").text
    assert f'list="models-{provider_id}"' in page and '<option value="gpt-b">' in page
    field = f"m{provider_id}-model"
    for model in ("gpt-b", "my-fine-tune:v2"):
        response = signed_in.post(f"/settings/connections/{connection_id}/model", data={field: model}, htmx=True)
        assert response.status_code == 200 and "Default model saved." in response.text
        assert row(app, Connection, connection_id).selected_model == model
    bad = signed_in.post(f"/settings/connections/{connection_id}/model", data={field: "m" * 300}, htmx=True)
    assert bad.status_code == 422 and row(app, Connection, connection_id).selected_model == "my-fine-tune:v2"


def test_defaults_for_new_chats(app, signed_in, user_id):
    provider_id = add_provider(app, "OpenAI", models=["gpt-a", "gpt-b"])
    add_provider(app, "Groq", models=["llama"])  # no key: not offered
    add_key(app, user_id, "OpenAI", KEY)
    page = signed_in.get("/settings").text
    assert '<optgroup label="OpenAI">' in page and "Groq" not in page.split('id="defaults"')[1]
    response = signed_in.post("/settings/defaults", data={"choice": f"{provider_id}:gpt-b"}, htmx=True)
    assert response.status_code == 200 and "Saved." in response.text
    saved = row(app, User, user_id)
    assert (saved.default_provider, saved.default_model) == ("OpenAI", "gpt-b")
    assert f'value="{provider_id}:gpt-b" selected' in response.text or f'selected value="{provider_id}:gpt-b"' in response.text
    bad = signed_in.post("/settings/defaults", data={"choice": "999:gpt-b"}, htmx=True)
    assert bad.status_code == 422 and row(app, User, user_id).default_model == "gpt-b"
    signed_in.post("/settings/defaults", data={"choice": ""}, htmx=True)
    assert row(app, User, user_id).default_provider is None


def test_the_new_chats_hint_says_what_is_missing(app, signed_in, user_id):
    def defaults_card() -> str:
        return signed_in.get("/settings").text.split('id="defaults"')[1].split("</section>")[0]

    assert "Add a key above to choose a model." in defaults_card()
    provider_id = add_provider(app, "OpenAI", models=[], default_model="")  # a key, but no model listed yet
    connection_id = add_key(app, user_id, "OpenAI", KEY)
    card = defaults_card()
    assert "Add a key above" not in card and "No models are listed for your providers yet" in card
    signed_in.post(f"/settings/connections/{connection_id}/model", data={f"m{provider_id}-model": "gpt-typed"}, htmx=True)
    card = defaults_card()
    assert "No models are listed" not in card and f'value="{provider_id}:gpt-typed"' in card


def test_when_the_admin_disallows_personal_keys_the_forms_are_hidden(app, signed_in, user_id):
    provider_id = add_provider(app, "OpenAI")
    add_key(app, user_id, "OpenAI", KEY)
    with app.app_context():
        db.session.add(Setting(key="allow_user_keys", value="0"))
        db.session.commit()
    page = signed_in.get("/settings").text
    assert "switched off personal keys" in page and key_field(provider_id) not in page
    assert "not used while personal keys are off" in page
    response = signed_in.post(f"/settings/providers/{provider_id}/key", data={key_field(provider_id): "sk-new-000000000"}, htmx=True)
    assert response.status_code == 403
    with app.app_context():
        [connection] = own_keys(app, user_id)
        assert decrypt(connection.api_key) == KEY


def test_your_data_card_links_to_the_data_page_only_when_it_exists(app, signed_in):
    page = signed_in.get("/settings").text
    assert ("/data" in page) == ("data.index" in app.view_functions)
    assert "Your data" in page
