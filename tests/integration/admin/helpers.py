"""Fixtures and helpers shared by the admin and settings tests (imported by both conftests)."""

import pytest

from pen.extensions import db
from pen.models import Connection, Provider, User
from pen.security.secrets import encrypt
from tests.fakes.fixtures import FAKE_KEY

__all__ = ["FAKE_KEY", "add_key", "add_provider", "admin_id", "as_admin", "fake_openai", "fast_calls", "row"]

BEARER = "Authorization: Bearer {key}"


def add_provider(app, name="OpenAI", **fields) -> int:
    values = {"api_style": "openai", "base_urls": ["http://127.0.0.1:9/v1"], "auth_header": BEARER,
              "requires_auth": True, "default_model": "m-default", "enabled": True, **fields}
    with app.app_context():
        provider = Provider(name=name, **values)
        db.session.add(provider)
        db.session.commit()
        return provider.id


def add_key(app, user_id, provider, key, *, shared=False, encrypted=True, selected_model=None) -> int:
    with app.app_context():
        connection = Connection(user_id=user_id, api_provider=provider, api_key=encrypt(key) if encrypted else key,
                                is_shared=shared, selected_model=selected_model)
        db.session.add(connection)
        db.session.commit()
        return connection.id


def row(app, model, ident):
    """A fresh copy of one row (None when gone), read in its own app context."""
    with app.app_context():
        found = db.session.get(model, ident)
        if found is not None:
            db.session.expunge(found)
        return found


def rows(app, statement):
    with app.app_context():
        return db.session.scalars(statement).all()


@pytest.fixture
def admin_id(make_user) -> int:
    return make_user("Ada Admin", "ada@example.com", admin=True)


@pytest.fixture
def as_admin(client, login, admin_id):
    """The client, signed in as an admin."""
    return login(admin_id)


@pytest.fixture(autouse=True)
def fast_calls(app, fast_settings):
    """Provider calls made by the app use sub-second connect and short read timeouts."""
    saved = app.extensions.get("pen.providers")
    app.extensions["pen.providers"] = fast_settings
    yield fast_settings
    app.extensions["pen.providers"] = saved  # the session app is shared: put back what the next test expects


@pytest.fixture
def fake_openai(app, fake_provider) -> int:
    """An enabled OpenAI-style provider named "Fake" that points at the fake provider."""
    return add_provider(app, "Fake", base_urls=[fake_provider.base_url("openai")], default_model="fake-echo")


def user(app, user_id) -> User:
    return row(app, User, user_id)
