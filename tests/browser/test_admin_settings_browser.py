"""Admin seeds the catalog and points OpenAI at the fake provider; a user adds a key and tests it."""

import secrets

import pytest

from pen.extensions import db
from pen.models import User
from pen.security.passwords import hash_password
from tests.browser.conftest import screenshot
from tests.fakes.fixtures import FAKE_KEY

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def make_account(app, name: str, *, admin: bool = False) -> str:
    email = f"{name.lower()}-{secrets.token_hex(3)}@example.com"
    with app.app_context():
        db.session.add(User(name=name, email=email, password=hash_password(PASSWORD), is_admin=admin))
        db.session.commit()
    return email


def whole_page(page, name: str, width: int | None = None) -> None:
    """Screenshot the whole page: the app shell scrolls inside `.content`, so grow the viewport."""
    width = width or page.viewport_size["width"]
    height = page.evaluate("Math.max(document.querySelector('.content')?.scrollHeight || 0, innerHeight)")
    page.set_viewport_size({"width": width, "height": height + 60})
    page.wait_for_timeout(400)  # the sidebar slides away when the width crosses 768 px
    screenshot(page, name)


def sign_in(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/signin")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")


def test_admin_points_a_provider_at_the_fake_and_a_user_tests_their_key(page, browser, live_server, live_app,
                                                                         fake_provider):
    admin_email, user_email = make_account(live_app, "Admin", admin=True), make_account(live_app, "Writer")

    sign_in(page, live_server, admin_email)
    page.click("nav >> text=Admin")
    page.wait_for_url(live_server.url + "/admin")
    page.click("text=Seed from catalog")
    page.wait_for_selector("#providers >> text=/Added \\d+ providers|already here/")
    openai = page.locator("#providers tbody", has=page.locator("strong", has_text="OpenAI")).first
    assert openai.locator("text=Enabled").is_visible()
    whole_page(page, "admin-providers")

    openai.locator("text=Edit").click()
    page.wait_for_selector("#provider-form")
    page.fill("#base_urls", fake_provider.url + "/v1")
    page.fill("#default_model", "fake-echo")
    whole_page(page, "admin-provider-edit")
    page.click("#provider-form button[type=submit]")
    page.wait_for_url(live_server.url + "/admin")
    assert "Saved OpenAI." in page.locator("#toasts").inner_text()
    assert fake_provider.url + "/v1" in page.locator("#providers").inner_text()
    openai = page.locator("#providers tbody", has=page.locator("strong", has_text="OpenAI")).first
    openai.locator("button", has_text="Test").click()  # the admin has no key for it yet
    page.wait_for_selector("#providers .row-notice >> text=No API key for OpenAI")
    screenshot(page, "admin-provider-test-no-key")
    page.click("text=Sign out")
    page.wait_for_url(live_server.url + "/signin")

    sign_in(page, live_server, user_email)
    page.click("nav >> text=Settings")
    page.wait_for_url(live_server.url + "/settings")
    row = page.locator(".connection", has=page.locator("h3", has_text="OpenAI")).first
    row.locator("input[type=password]").fill(FAKE_KEY)
    row.locator("button", has_text="Add key").click()
    row = page.locator(".connection", has=page.locator("h3", has_text="OpenAI")).first
    row.locator(".key-mask").wait_for()
    assert row.locator(".key-mask").inner_text() == "sk-…-123"
    assert FAKE_KEY not in page.content()
    row.locator("button", has_text="Test").click()
    page.wait_for_selector(".connection .form-saved >> text=Connected")
    assert "6 models available" in row.inner_text()
    assert fake_provider.last_request.headers["authorization"] == f"Bearer {FAKE_KEY}"
    assert "fake-echo" in page.locator("#defaults select").inner_text()
    whole_page(page, "settings-connections")

    page.set_viewport_size({"width": 390, "height": 844})
    whole_page(page, "settings-connections-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []

    dark = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    try:
        admin_page = dark.new_page()
        sign_in(admin_page, live_server, admin_email)
        admin_page.goto(live_server.url + "/admin")
        whole_page(admin_page, "admin-providers-dark")
        admin_page.goto(live_server.url + "/admin/users")
        admin_page.fill("#user-search", user_email.split("@")[0].upper())
        admin_page.press("#user-search", "Enter")
        admin_page.wait_for_selector("#users >> text=1 user matching")
        assert "q=" in admin_page.url  # the search is in the address bar (back button, reload)
        admin_page.click("#users summary:has-text('Reset password')")
        admin_page.click("#users form.stack button:has-text('Reset')")
        admin_page.wait_for_selector("#users .temp-password")
        whole_page(admin_page, "admin-users-dark")
        admin_page.set_viewport_size({"width": 390, "height": 844})
        admin_page.goto(live_server.url + "/admin")
        whole_page(admin_page, "admin-providers-dark-390")
        assert admin_page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls inside
    finally:
        dark.close()
