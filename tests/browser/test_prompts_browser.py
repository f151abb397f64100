"""The prompt library in Chromium: /prompts, the composer's "/" picker, variables, system prompts."""

import pytest

from tests.browser.conftest import screenshot, sign_in_chat_account
from tests.browser.test_chat_browser import wait_done, wait_until

pytestmark = pytest.mark.browser

PICKER = "#prompt-picker"
OPTIONS = "#prompt-picker [role=option]"


def add_prompts(live_app, prompts: list[tuple[str, str]], flag: str = "PEN") -> None:
    """Prompts for the most recently created user (the one `chat_account` signed in)."""
    from pen.extensions import db
    from pen.models import Prompt, User

    with live_app.app_context():
        user_id = db.session.scalars(db.select(User.id).order_by(User.id.desc())).first()
        for name, text in prompts:
            db.session.add(Prompt(user_id=user_id, prompt_name=name, prompt_text=text, system_flag=flag))
        db.session.commit()


def create_in_page(page, live_server, name: str, text: str) -> None:
    page.goto(live_server.url + "/prompts")
    page.click("text=New prompt")
    page.fill("#new-name", name)
    page.fill("#new-text", text)
    page.click("#prompt-editor button[type=submit]")
    page.wait_for_selector(f"#prompt-editor .form-saved:has-text('Saved “{name}”')")
    page.wait_for_selector(f"#prompt-list .prompt-name:text-is('{name}')")


def open_picker(page, query: str) -> list[str]:
    page.click("#composer-input")
    page.keyboard.type("/" + query)
    wait_until(page, f"document.querySelector('{PICKER}[data-open]') !== null"
                     f" && document.querySelector('#composer-input').value === {('/' + query)!r}")
    page.wait_for_timeout(250)  # the last keystroke's list has arrived
    return page.locator(f"{OPTIONS} .prompt-option-name").all_inner_texts()


def test_slash_filter_pick_fill_and_send(page, live_server, chat_account):
    create_in_page(page, live_server, "Translate", "Translate into {{language|French}}: {{text}}")
    create_in_page(page, live_server, "Summarise", "Summarise this in three bullet points.")
    create_in_page(page, live_server, "Tone check", "Is this polite? {{text}}")
    page.goto(live_server.url + "/")
    shown = open_picker(page, "tra")
    assert len(shown) == 1 and shown[0].startswith("Translate") and "2 to fill in" in shown[0]
    assert page.get_attribute("#composer-input", "aria-activedescendant") == page.get_attribute(OPTIONS, "id")
    page.keyboard.press("Enter")  # chooses; does not send "/tra"
    page.wait_for_selector(f"{PICKER} form[data-prompt-fill]")
    assert page.locator("#messages .msg-user").count() == 0
    assert page.input_value("#fill-v0") == "French"  # the default, ready to change
    assert page.evaluate("document.activeElement.id") == "fill-v0"
    page.fill("#fill-v1", "Good morning, everyone")
    page.keyboard.press("Enter")
    wait_until(page, f"document.querySelector('{PICKER}').hidden")
    filled = "Translate into French: Good morning, everyone"
    assert page.input_value("#composer-input") == filled
    assert page.evaluate("document.activeElement.id") == "composer-input"
    screenshot(page, "prompts-filled-composer")
    page.keyboard.press("Enter")  # now it sends, as usual
    page.wait_for_selector("#messages .msg-user")
    assert page.locator("#messages .msg-user .msg-body").inner_text() == filled
    wait_done(page)
    assert page.console_errors == []


def test_picker_keyboard_mouse_and_escape(page, live_server, live_app, chat_account):
    add_prompts(live_app, [("Alpha", "alpha text"), ("Beta", "beta text"), ("Gamma", "gamma text {{x}}")])
    page.goto(live_server.url + "/")
    assert len(open_picker(page, "")) == 3
    first = page.get_attribute("#composer-input", "aria-activedescendant")
    page.keyboard.press("ArrowDown")
    second = page.get_attribute("#composer-input", "aria-activedescendant")
    assert second != first and page.get_attribute(f"#{second}", "aria-selected") == "true"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # wraps to the last
    assert page.get_attribute("#composer-input", "aria-activedescendant") == page.locator(OPTIONS).last.get_attribute("id")
    page.keyboard.press("Escape")
    wait_until(page, f"document.querySelector('{PICKER}').hidden")
    assert page.input_value("#composer-input") == "/"  # Esc closes the picker, keeps the text, stops nothing
    page.keyboard.type("b")
    page.wait_for_timeout(300)
    assert page.is_hidden(PICKER)  # stays closed until the "/" is gone
    page.fill("#composer-input", "")
    open_picker(page, "be")
    page.click(f"{OPTIONS}:has-text('Beta')")  # the mouse works too
    wait_until(page, "document.querySelector('#composer-input').value === 'beta text'")
    assert page.is_hidden(PICKER)
    page.fill("#composer-input", "")
    open_picker(page, "gam")
    page.keyboard.press("Enter")
    page.wait_for_selector("#fill-v0")
    page.keyboard.press("Escape")  # cancels the form; the text typed so far stays
    wait_until(page, f"document.querySelector('{PICKER}').hidden")
    assert page.input_value("#composer-input") == "/gam"
    assert page.locator("#messages .msg-user").count() == 0
    assert page.console_errors == []


def test_a_required_blank_is_asked_for_again(page, live_server, live_app, chat_account):
    add_prompts(live_app, [("Needs", "Hello {{who}}")])
    page.goto(live_server.url + "/")
    open_picker(page, "need")
    page.keyboard.press("Enter")
    page.wait_for_selector("#fill-v0")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{PICKER} .field-errors:has-text('Fill in “who”.')")
    page.fill("#fill-v0", "world")
    page.click(f"{PICKER} button[type=submit]")
    wait_until(page, "document.querySelector('#composer-input').value === 'Hello world'")
    assert page.console_errors == []


def test_library_search_sort_edit_duplicate_delete(page, live_server, live_app, chat_account):
    add_prompts(live_app, [("zeta", "last by name"), ("Alpha", "first by name"), ("Middle", "find ME here")])
    add_prompts(live_app, [("Old Wingman prompt", "from the other app")], flag="WINGMAN")
    page.goto(live_server.url + "/prompts")
    names = page.locator("#prompt-list .prompt-name")
    assert names.all_inner_texts() == ["Alpha", "Middle", "Old Wingman prompt", "zeta"]
    assert page.locator("#prompt-list .prompt-item:has-text('Old Wingman prompt') .badge").inner_text() == "Wingman"
    page.fill("#prompt-search input[name=q]", "find me")
    wait_until(page, "document.querySelectorAll('#prompt-list .prompt-name').length === 1")
    assert names.all_inner_texts() == ["Middle"]
    page.fill("#prompt-search input[name=q]", "")
    wait_until(page, "document.querySelectorAll('#prompt-list .prompt-name').length === 4")
    page.select_option("select[name=sort]", "updated")
    page.wait_for_timeout(300)
    # Edit
    item = page.locator("#prompt-list .prompt-item:has-text('Alpha')")
    item.locator("text=Edit").click()
    editing = page.locator("#prompt-list .prompt-item.is-editing")
    editing.locator("input[name$=-name]").fill("")
    editing.locator("button[type=submit]").click()
    page.wait_for_selector("#prompt-list .is-editing .field-errors:has-text('Give the prompt a name.')")
    editing.locator("input[name$=-name]").fill("Alpha edited")
    editing.locator("button[type=submit]").click()
    page.wait_for_selector("#prompt-list .prompt-name:text-is('Alpha edited')")
    # Duplicate
    page.locator("#prompt-list .prompt-item:has-text('Alpha edited') button:has-text('Duplicate')").click()
    page.wait_for_selector("#prompt-list .prompt-name:text-is('Alpha edited (copy)')")
    # Delete, with a confirmation first
    page.locator("#prompt-list .prompt-item:has-text('zeta') button:has-text('Delete')").click()
    confirm = page.locator("#prompt-list .prompt-confirm")
    assert "Delete “zeta”?" in confirm.inner_text()
    confirm.locator("button:has-text('Cancel')").click()
    page.wait_for_selector("#prompt-list .prompt-name:text-is('zeta')")
    page.locator("#prompt-list .prompt-item:has-text('zeta') button:has-text('Delete')").click()
    page.locator("#prompt-list .prompt-confirm button[type=submit]").click()
    page.wait_for_selector("#prompt-list .is-deleted:has-text('Deleted “zeta”.')")
    page.reload()
    assert "zeta" not in page.locator("#prompt-list").inner_text()
    # "Use" opens a new chat with the prompt in the message box
    page.locator("#prompt-list .prompt-item:has-text('Middle') a:has-text('Use')").first.click()
    wait_until(page, "document.querySelector('#composer-input')?.value === 'find ME here'")
    assert page.url == live_server.url + "/"
    assert page.console_errors == []


def test_use_as_system_prompt_in_a_chat_and_for_a_new_chat(page, live_server, live_app, chat_account):
    add_prompts(live_app, [("Pirate", "You are a pirate."), ("Voice", "Speak {{style|briefly}}.")])
    page.goto(live_server.url + "/")
    page.fill("#composer-input", "hello")
    page.keyboard.press("Enter")
    wait_done(page)
    page.click("#chat-header [aria-label='System prompt']")  # the new chat's page, before any reload
    page.wait_for_selector("#system-prompt .system-library select")
    assert page.locator("#chat-header #system-prompt").count() == 0
    assert page.locator(".chat-system > #system-prompt").count() == 1  # above the thread, not in the header
    screenshot(page, "prompts-system-choice")
    page.select_option("#system-prompt .system-library select", label="Pirate")
    page.wait_for_selector("#system-prompt .system-view")
    assert page.locator("#system-prompt .system-view .plain").text_content() == "You are a pirate."
    page.reload()
    assert page.locator("#system-prompt .plain").text_content() == "You are a pirate."  # it was saved
    # A new chat from the library page, with the prompt (defaults filled in) as its system prompt
    page.goto(live_server.url + "/prompts")
    page.locator("#prompt-list .prompt-item:has-text('Voice') a:has-text('Use as system prompt')").click()
    page.wait_for_selector(f"{PICKER} form[data-prompt-fill]")
    page.click(f"{PICKER} button[type=submit]")
    wait_until(page, "document.querySelector('#composer-system-input').value === 'Speak briefly.'")
    assert page.get_attribute("#composer-system", "open") is not None
    assert "system_prompt" not in page.url
    page.wait_for_selector("#composer-system select[data-prompt-use]")  # the library, loaded once opened
    page.select_option("#composer-system select[data-prompt-use]", label="Pirate")
    wait_until(page, "document.querySelector('#composer-system-input').value === 'You are a pirate.'")
    screenshot(page, "prompts-new-chat-system")
    page.fill("#composer-input", "ahoy")
    page.keyboard.press("Enter")
    wait_done(page)
    page.reload()  # the new chat's page shows its system prompt
    assert page.locator("#system-prompt .plain").text_content() == "You are a pirate."
    assert page.console_errors == []


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)])
def test_prompt_screens(browser, live_server, live_app, fake_provider, scheme, width):
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 860})
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    sign_in_chat_account(live_app, live_server, page, fake_provider)
    add_prompts(live_app, [
        ("Translate", "Translate into {{language|French}}, keeping the tone: {{text}}"),
        ("Code review", "Review this code for bugs, naming and tests. Be specific and kind.\n\n{{code}}"),
        ("Meeting notes", "Turn these notes into a summary with decisions and action items (owner, date)."),
        ("Email — polite decline", "Write a short, warm email declining the invitation to {{event}}."),
    ])
    add_prompts(live_app, [("Wingman's blog outline", "Outline a blog post about {{topic|remote work}}.")], flag="WINGMAN")
    page.goto(live_server.url + "/prompts")
    screenshot(page, f"prompts-{scheme}-{width}")
    page.click("text=New prompt")
    page.click("#prompt-editor button[type=submit]")
    page.wait_for_selector("#prompt-editor .field-errors")
    page.locator("#prompt-list .prompt-item").nth(1).locator("button:has-text('Edit')").click()
    page.wait_for_selector("#prompt-list .is-editing")
    screenshot(page, f"prompts-editing-{scheme}-{width}")
    page.set_input_files("#prompt-import input[type=file]", files=[{"name": "bad.json", "mimeType": "application/json",
                                                                   "buffer": b'{"name": "not a list"}'}])
    page.click("#prompt-import button[type=submit]")
    page.wait_for_selector("#prompt-import .form-error")
    page.locator(".prompt-io").scroll_into_view_if_needed()
    screenshot(page, f"prompts-import-{scheme}-{width}")
    page.goto(live_server.url + "/")
    open_picker(page, "")
    screenshot(page, f"prompts-picker-{scheme}-{width}")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{PICKER} form[data-prompt-fill]")
    screenshot(page, f"prompts-fill-{scheme}-{width}")
    assert page.console_errors == []
    context.close()
