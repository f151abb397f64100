"""Shared fixtures: `app` (per database backend), `client`, `runner`, `login`, `make_user`."""

import re
import secrets

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from config import TestConfig
from pen import create_app
from pen.extensions import db, limiter
from pen.schema import upgrade_schema
from tests.databases import backend_id, configured_backends, create_database, drop_database, empty_tables

pytest_plugins = ["tests.fakes.fixtures"]  # fake_provider, fake_spec, fast_settings for every test

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
DEFAULT_PASSWORD = "correct horse battery"


class PenClient(FlaskClient):
    """A test client that sends the CSRF token on unsafe requests (`csrf=False` to leave it off)
    and can speak as htmx (`htmx=True` adds `HX-Request: true`)."""

    def open(self, *args, csrf: bool = True, htmx: bool = False, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        headers = dict(kwargs.pop("headers", None) or {})
        if htmx:
            headers.setdefault("HX-Request", "true")
        if csrf and method in UNSAFE_METHODS:
            headers.setdefault("X-CSRFToken", self.csrf_token())
        return super().open(*args, headers=headers, **kwargs)

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)


@pytest.fixture(scope="session", params=configured_backends(), ids=backend_id)
def database_url(request, tmp_path_factory):
    url = create_database(request.param, tmp_path_factory.mktemp("db"))
    yield url
    drop_database(request.param, url)


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": database_url.render_as_string(hide_password=False)})
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    app.test_client_class = PenClient
    with app.app_context():
        upgrade_schema()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_app):
    """The app on one backend, with empty tables, fresh rate limits and its config restored after."""
    saved = dict(_app.config)
    with _app.app_context():
        empty_tables(db.engine, db.metadata)
    limiter.reset()
    yield _app
    generations = _app.extensions.get("pen_generations")
    if generations is not None:  # no reply thread may outlive its test and write into the next one
        generations.shutdown(timeout=10)
    _app.config.clear()
    _app.config.update(saved)


@pytest.fixture
def client(app) -> PenClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a user directly in the database; returns its id."""
    from pen.models import User
    from pen.security.passwords import hash_password

    counter = iter(range(1, 10_000))

    def make(name=None, email=None, password=DEFAULT_PASSWORD, *, admin=False, active=True, system_flag=None, hashed=True):
        n = next(counter)
        with app.app_context():
            user = User(
                name=name or f"User {n}",
                email=email or f"user{n}-{secrets.token_hex(3)}@example.com",
                password=hash_password(password) if hashed else password,
                is_admin=admin,
                is_active_account=active,
            )
            if system_flag:
                user.system_flag = system_flag
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def login(client, app):
    """Sign a user in through the real sign-in form; returns the client."""
    from pen.models import User

    def sign_in(user_id: int, password: str = DEFAULT_PASSWORD, *, remember: bool = False) -> PenClient:
        with app.app_context():
            email = db.session.get(User, user_id).email
        response = client.post("/signin", data={"email": email, "password": password, "remember": "y" if remember else ""})
        assert response.status_code in (303, 200), response.status_code
        return client

    return sign_in


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)
