"""Sign up → empty chat home → sign out → sign in, in Chromium."""

import secrets

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_sign_up_sign_out_sign_in(page, live_server):
    email = f"browser-{secrets.token_hex(3)}@example.com"
    page.goto(live_server.url + "/signup")
    screenshot(page, "signup")
    page.fill("#name", "Browser User")
    page.fill("#email", email)
    page.fill("#password", "correct horse battery")
    page.fill("#confirm", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert page.locator("#welcome h2").inner_text() == "What can I help with?"
    assert "No AI provider is set up for you yet" in page.locator("#welcome").inner_text()
    assert page.locator(".nav-link:has-text('Browser User')").count() == 1
    assert page.locator("select[name=model]").is_disabled()
    assert page.locator("select[name=model] option").all_inner_texts() == ["No models yet"]
    assert page.locator("#composer-input").is_disabled()
    screenshot(page, "home-empty")

    page.click("text=Sign out")
    page.wait_for_url(live_server.url + "/signin")

    page.fill("#email", email)
    page.fill("#password", "wrong password!")
    page.click("button[type=submit]")
    page.wait_for_selector(".form-error")
    assert "Wrong email or password." in page.locator(".form-error").inner_text()

    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert page.locator("#welcome h2").is_visible()
    screenshot(page, "home-after-signin")
    assert page.console_errors == []


def test_signup_validation_errors_show_in_place(page, live_server):
    page.goto(live_server.url + "/signup")
    page.fill("#name", "X")
    page.fill("#email", "not-an-email")
    page.fill("#password", "short")
    page.fill("#confirm", "different")
    page.click("button[type=submit]")
    page.wait_for_selector("#email-errors")
    assert "valid email" in page.locator("#email-errors").inner_text()
    assert page.url == live_server.url + "/signup"
    screenshot(page, "signup-errors")
    assert page.console_errors == []


def test_mobile_sidebar_opens_and_closes(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    email = f"mobile-{secrets.token_hex(3)}@example.com"
    page.goto(live_server.url + "/signup")
    page.fill("#name", "Mobile")
    page.fill("#email", email)
    page.fill("#password", "correct horse battery")
    page.fill("#confirm", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    sidebar = page.locator("#sidebar")
    visibility = "getComputedStyle(document.getElementById('sidebar')).visibility"
    assert not sidebar.is_visible() or sidebar.bounding_box()["x"] < 0
    assert page.evaluate(visibility) == "hidden"  # closed: out of the tab order
    for _ in range(4):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('#sidebar') === null")
    page.click(".menu-button")
    page.wait_for_timeout(300)
    assert sidebar.bounding_box()["x"] >= 0 and page.evaluate(visibility) == "visible"
    screenshot(page, "home-mobile-menu")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert sidebar.bounding_box()["x"] < 0 and page.evaluate(visibility) == "hidden"
    assert page.console_errors == []
