"""Browser tests: Playwright for Python driving Debian's Chromium against a live Pen server."""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from config import TestConfig
from pen import create_app
from pen.extensions import db
from pen.schema import upgrade_schema

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("live")
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'live.db'}",
                                  # every browser test signs in from 127.0.0.1
                                  "PEN_SIGNIN_LIMIT_PER_IP": "1000 per minute", "PEN_SIGNUP_LIMIT_PER_IP": "1000 per hour"})
    app.instance_path = str(root)
    with app.app_context():
        upgrade_schema()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    server = LiveServer(live_app).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (see .ci/run)")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test; failing pages and console errors are reported."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.console_errors = []

    def on_console(message):
        # Chromium logs every 4xx as "Failed to load resource"; 422s and 404s are expected answers.
        if message.type == "error" and "the server responded with a status of 4" not in message.text:
            page.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def chat_account(live_app, live_server, page, fake_provider):
    """A user with a key for a provider that points at the fake, signed in on `page`.
    Returns a callable that registers extra fake models on the provider."""
    return sign_in_chat_account(live_app, live_server, page, fake_provider)


def sign_in_chat_account(live_app, live_server, page, fake_provider):
    import secrets

    from pen.models import Connection, Provider, User
    from pen.security.passwords import hash_password
    from pen.security.secrets import encrypt

    email = f"chat-{secrets.token_hex(4)}@example.com"
    with live_app.app_context():
        provider = db.session.scalars(db.select(Provider).where(Provider.name == "Fake")).first()
        if provider is None:
            provider = Provider(name="Fake", base_urls=[fake_provider.url + "/v1"], default_model="fake-echo",
                                auth_header="Authorization: Bearer {key}", api_style="openai", models=["fake-echo"])
            db.session.add(provider)
        user = User(name="Browser Chatter", email=email, password=hash_password("correct horse battery"))
        db.session.add(user)
        db.session.flush()
        db.session.add(Connection(user_id=user.id, api_provider="Fake", api_key=encrypt("sk-test-key-123")))
        db.session.commit()
        provider_id = provider.id
    page.goto(live_server.url + "/signin")
    page.fill("#email", email)
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    def allow(model: str) -> str:
        with live_app.app_context():
            row = db.session.get(Provider, provider_id)
            if model not in row.models:
                row.models = [*row.models, model]
                db.session.commit()
        return f"{provider_id}:{model}"

    return allow
