"""Admin: a key shared with every user (encrypted, masked), and whether users may add their own."""

from cryptography.fernet import Fernet
from sqlalchemy import select

from pen import connections
from pen.extensions import db
from pen.models import Connection, Provider, User
from pen.security.secrets import decrypt
from tests.integration.admin.helpers import FAKE_KEY, add_key, add_provider, rows

SHARED = "sk-shared-0123456789abcd"


def test_sharing_a_key_stores_it_encrypted_and_shows_only_the_mask(app, as_admin, admin_id):
    provider_id = add_provider(app, "OpenAI")
    response = as_admin.post(f"/admin/providers/{provider_id}/shared-key", data={"api_key": SHARED}, htmx=True)
    assert response.status_code == 200 and "Shared key saved" in response.text
    assert "sk-…abcd" in response.text and SHARED not in response.text
    [connection] = rows(app, select(Connection))
    assert connection.is_shared and connection.user_id == admin_id and connection.api_provider == "OpenAI"
    assert connection.api_key != SHARED and SHARED not in connection.api_key
    with app.app_context():
        assert decrypt(connection.api_key) == SHARED
    assert SHARED not in as_admin.get(f"/admin/providers/{provider_id}").text


def test_sharing_again_replaces_the_shared_key(app, as_admin):
    provider_id = add_provider(app, "OpenAI")
    for key in ("sk-first-0000000001", "sk-second-000000002"):
        as_admin.post(f"/admin/providers/{provider_id}/shared-key", data={"api_key": key}, htmx=True)
    [connection] = rows(app, select(Connection))
    with app.app_context():
        assert decrypt(connection.api_key) == "sk-second-000000002"


def test_users_without_their_own_key_use_the_shared_one(app, as_admin, make_user, fake_openai):
    as_admin.post(f"/admin/providers/{fake_openai}/shared-key", data={"api_key": FAKE_KEY}, htmx=True)
    user_id = make_user()
    with app.app_context():
        user = db.session.get(User, user_id)
        provider = db.session.get(Provider, fake_openai)
        assert connections.resolve_key(user, provider) == FAKE_KEY
        assert [c.provider.name for c in connections.usable_providers(user)] == ["Fake"]


def test_removing_the_shared_key(app, as_admin, admin_id):
    provider_id = add_provider(app, "OpenAI")
    add_key(app, admin_id, "OpenAI", SHARED, shared=True)
    response = as_admin.post(f"/admin/providers/{provider_id}/shared-key/delete", htmx=True)
    assert "Shared key removed" in response.text and "No shared key" in response.text
    assert rows(app, select(Connection)) == []


def test_bad_shared_keys_are_refused_and_nothing_is_saved(app, as_admin):
    provider_id = add_provider(app, "OpenAI")
    for key, message in (("", "Paste the API key"), ("   ", "Paste the API key"), ("k" * 10_240, "longer than any API key"),
                         ("sk-abc\r\nX-Injected: 1", "one line")):
        response = as_admin.post(f"/admin/providers/{provider_id}/shared-key", data={"api_key": key}, htmx=True)
        assert response.status_code == 422 and message in response.text, key[:20]
        assert 'type="password"' in response.text and "k" * 100 not in response.text
    assert rows(app, select(Connection)) == []


def test_an_unreadable_shared_key_says_so(app, as_admin, admin_id):
    provider_id = add_provider(app, "OpenAI")
    add_key(app, admin_id, "OpenAI", SHARED, shared=True)
    app.config["PEN_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    page = as_admin.get(f"/admin/providers/{provider_id}")
    assert page.status_code == 200 and "Key unreadable — re-enter it" in page.text


def test_the_admin_can_switch_personal_keys_off_and_on(app, as_admin, make_user, login, client):
    response = as_admin.post("/admin/policy", data={}, htmx=True)
    assert response.status_code == 200 and "Saved." in response.text
    with app.app_context():
        assert not connections.user_keys_allowed()
    assert 'name="allow_user_keys"' in response.text and "checked" not in response.text
    as_admin.post("/admin/policy", data={"allow_user_keys": "y"}, htmx=True)
    with app.app_context():
        assert connections.user_keys_allowed()
