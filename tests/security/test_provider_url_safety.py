"""Provider URLs: only admins set them, private targets can be refused, and a key only ever goes to
its own provider."""

import dataclasses

import pytest

from pen.chat.generation import registry
from pen.extensions import db
from pen.models import Connection, Message, Provider
from pen.providers import configure, get_settings
from pen.security.secrets import encrypt

PRIVATE_URLS = [
    "http://127.0.0.1:11434", "http://localhost:8080/v1", "http://169.254.169.254/latest", "http://10.0.0.5/v1",
    "http://192.168.1.10/v1", "http://[::1]:8000/v1", "http://[::ffff:127.0.0.1]/v1", "http://2130706433/v1",
    "http://0177.0.0.1/v1", "http://0x7f.1/v1", "http://[64:ff9b::7f00:1]/v1", "http://0.0.0.0/v1",
]


@pytest.fixture
def blocking(app):
    saved = get_settings()
    app.config["PEN_BLOCK_PRIVATE_PROVIDER_URLS"] = True
    configure(dataclasses.replace(saved, block_private_urls=True))
    yield
    configure(saved)


def provider_form(url: str) -> dict:
    return {"name": "Sneaky", "api_style": "openai", "base_urls": url, "auth_header": "Authorization: Bearer {key}",
            "requires_auth": "y", "default_model": "m", "enabled": "y"}


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_admins_cannot_save_a_private_provider_url_when_blocking(app, world, as_user, blocking, url):
    response = as_user(world.admin).post("/admin/providers/new", data=provider_form(url), htmx=True)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalars(db.select(Provider).where(Provider.name == "Sneaky")).first() is None


def test_a_private_url_stored_before_blocking_is_refused_at_call_time(app, world, as_user, blocking, fake_provider):
    client = as_user(world.owner)  # the world's provider points at the fake on 127.0.0.1
    body = client.post("/chats/send", data={"message": "hi", "model": f"{world.provider}:fake-echo"},
                       htmx=True).get_data(as_text=True)
    assert registry(app).wait_idle(10)
    with app.app_context():
        reply = db.session.scalars(db.select(Message).order_by(Message.id.desc())).first()
    assert reply.status == "error" and reply.error_kind == "network"
    assert fake_provider.requests == [] and "msg-alert" in body


def test_without_blocking_local_providers_work(app, world, as_user):
    response = as_user(world.admin).post("/admin/providers/new", data=provider_form("http://127.0.0.1:11434/v1"),
                                         htmx=True)
    assert response.status_code in (200, 303)


def test_non_admins_cannot_set_any_provider_url(app, world, as_user):
    for user in (world.owner, world.other):
        response = as_user(user).post(f"/admin/providers/{world.provider}", data=provider_form("http://evil.example"),
                                      htmx=True)
        assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Provider, world.provider).name == "Fake"


def test_a_key_is_only_sent_to_its_own_providers_urls(app, world, as_user, fake_provider):
    with app.app_context():
        keyless = Provider(name="Keyless", base_urls=[fake_provider.base_url("openai", "keyless")],
                           default_model="fake-echo", auth_header="Authorization: Bearer {key}", api_style="openai",
                           requires_auth=False, models=["fake-echo"])
        other_keyed = Provider(name="OtherKeyed", base_urls=[fake_provider.base_url("openai", "other")],
                               default_model="fake-echo", auth_header="x-other-key", api_style="openai",
                               models=["fake-echo"])
        db.session.add_all([keyless, other_keyed])
        db.session.flush()
        db.session.add(Connection(user_id=world.owner, api_provider="OtherKeyed", api_key=encrypt("sk-other-provider")))
        db.session.commit()
        keyless_id = keyless.id
    fake_provider.auth_required = False
    client = as_user(world.owner)
    client.post("/chats/send", data={"message": "hi", "model": f"{keyless_id}:fake-echo"}, htmx=True).get_data()
    assert registry(app).wait_idle(10)
    [request] = [r for r in fake_provider.requests if r.base == "keyless"]
    sent_headers = " ".join(f"{k}: {v}" for k, v in request.headers.items())
    assert "sk-test-key-123" not in sent_headers and "sk-other-provider" not in sent_headers
