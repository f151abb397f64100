"""Your data, in Chromium: import ChatGPT's export (htmx multipart upload), download, delete all chats."""

import json
import secrets
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).parents[1] / "fixtures" / "chatgpt_conversations.json"


def sign_up(page, live_server) -> None:
    page.goto(live_server.url + "/signup")
    page.fill("#name", "Data Person")
    page.fill("#email", f"data-{secrets.token_hex(3)}@example.com")
    page.fill("#password", "correct horse battery")
    page.fill("#confirm", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")


def test_import_download_and_delete_all_chats(page, live_server):
    sign_up(page, live_server)
    page.goto(live_server.url + "/settings/data")
    assert page.locator("#data-counts").inner_text() == "0 chats · 0 prompts"

    page.click("#import-form button[type=submit]")  # no file chosen
    page.wait_for_selector("#file-errors")
    assert "Choose a file to import." in page.locator("#file-errors").inner_text()

    page.set_input_files("#file", str(SAMPLE))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector(".import-report")
    assert "6 chats with 14 messages" in page.locator(".import-report").inner_text()
    assert page.locator("#data-counts").inner_text() == "6 chats · 0 prompts"  # updated out of band

    with page.expect_download() as download:
        page.click("text=Download JSON")
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["format"] == "pen-export" and len(exported["chats"]) == 6

    page.check("#confirm")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Delete all my chats >> nth=-1")
    page.wait_for_selector("text=Deleted 6 chats.")
    assert page.locator("#data-counts").inner_text() == "0 chats · 0 prompts"
    assert page.console_errors == []
    # Last: Playwright's screenshot leaves style="" on inputs, which a later htmx swap would copy (CSP).
    screenshot(page, "data-deleted")
