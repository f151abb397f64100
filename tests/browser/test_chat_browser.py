"""The chat in Chromium: streaming, stop, reload, versions, rename, delete, hostile content."""

import time

import pytest

from tests.browser.conftest import screenshot, sign_in_chat_account
from tests.corpus import load_xss_payloads
from tests.fakes.scenario import expected_text

pytestmark = pytest.mark.browser

LAST_REPLY = "#messages .msg-assistant:last-child"


def choose(page, allow, model: str) -> None:
    value = allow(model)
    if page.locator(f'select[name=model] option[value="{value}"]').count() == 0:
        page.reload()  # the picker lists the models the provider had when the page was made
    page.select_option("select[name=model]", value=value)


def send(page, allow, text: str, model: str = "fake-echo") -> None:
    choose(page, allow, model)
    sent = page.locator("#messages .msg-user").count()
    page.fill("#composer-input", text)
    page.keyboard.press("Enter")
    wait_until(page, f"document.querySelectorAll('#messages .msg-user').length > {sent}")


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a JS expression (page.wait_for_function would eval it in the page, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for: {expression}"
        time.sleep(0.03)


def wait_done(page, timeout=20_000) -> None:
    page.wait_for_selector(f"{LAST_REPLY}:not(.is-streaming)", timeout=timeout)


def reply_text(page) -> str:
    return page.locator(f"{LAST_REPLY} .msg-body").inner_text()


def test_tokens_arrive_progressively_and_render_as_markdown(page, live_server, chat_account):
    send(page, chat_account, "Tell me **something**", model="fake-tokens-40?delay=0.04")
    lengths = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        state = page.evaluate(f"""() => {{ const a = document.querySelector('{LAST_REPLY}');
            return a ? [a.classList.contains('is-streaming'), a.querySelector('.msg-body').innerText.length] : [true, 0]; }}""")
        if not state[0]:
            break
        if state[1] and (not lengths or state[1] != lengths[-1]):
            lengths.append(state[1])
        time.sleep(0.02)
    assert len(lengths) >= 3 and lengths == sorted(lengths), lengths
    assert len(reply_text(page).split()) == 40
    assert page.locator("#messages .msg-user .msg-body").inner_text() == "Tell me **something**"  # user text as typed
    assert page.url.startswith(live_server.url + "/c/")
    assert page.locator("#composer-input").input_value() == ""
    assert page.evaluate("document.activeElement.id") == "composer-input"  # focus back in the composer
    assert page.console_errors == []


def test_stop_mid_stream_then_reload_shows_the_same_partial_reply(page, chat_account):
    send(page, chat_account, "count", model="fake-tokens-200?delay=0.03")
    wait_until(page, f"document.querySelector('{LAST_REPLY} .msg-body')?.innerText.length > 20")
    page.keyboard.press("Escape")  # Esc stops, like the Stop button
    wait_done(page)
    assert "Stopped." in page.locator(LAST_REPLY).inner_text()
    before = page.locator(f"{LAST_REPLY} .msg-body").inner_html()
    assert 0 < len(before.split()) < 200
    page.reload()
    assert page.locator(f"{LAST_REPLY} .msg-body").inner_html() == before
    assert page.console_errors == []


def test_reload_mid_stream_follows_the_reply_to_its_end(page, chat_account):
    model = "fake-tokens-60?delay=0.04"
    send(page, chat_account, "keep going", model=model)
    wait_until(page, f"document.querySelector('{LAST_REPLY} .msg-body')?.innerText.length > 5")
    page.reload()
    assert page.locator(LAST_REPLY).get_attribute("class").count("is-streaming") == 1
    assert page.locator("#composer-input").is_disabled()
    wait_done(page)
    expected = expected_text(model, [{"role": "user", "content": "keep going"}])
    assert reply_text(page).split() == expected.split()
    wait_until(page, "!document.querySelector('#composer-input').disabled")
    assert page.console_errors == []


def test_regenerate_and_switch_between_versions(page, chat_account):
    send(page, chat_account, "first answer please")
    wait_done(page)
    first = reply_text(page)
    choose(page, chat_account, "fake-tokens-5")
    page.hover(LAST_REPLY)
    page.click(f"{LAST_REPLY} [aria-label=Regenerate]")
    page.wait_for_selector(f"{LAST_REPLY} .versions")
    wait_done(page)
    assert "2/2" in page.locator(f"{LAST_REPLY} .versions").inner_text() and reply_text(page) != first
    page.click(f"{LAST_REPLY} [aria-label='Previous version']")
    wait_until(page, "document.querySelector('#messages .msg-assistant:last-child .versions')?.innerText.includes('1/2')")
    assert reply_text(page) == first
    screenshot(page, "chat-versions")
    assert page.console_errors == []


def test_edit_a_message_and_resend(page, chat_account):
    send(page, chat_account, "original question")
    wait_done(page)
    page.hover("#messages .msg-user")
    page.click("#messages .msg-user [aria-label=Edit]")
    page.click("#messages .edit-form [data-cancel]")
    page.wait_for_selector("#messages .msg-user [aria-label=Edit]")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Edit"  # cancelled: focus is back
    page.click("#messages .msg-user [aria-label=Edit]")
    page.fill("#messages .edit-form textarea", "edited question")
    page.click("#messages .edit-form button[type=submit]")
    wait_until(page, "document.querySelector('#messages .msg-user .msg-body')?.innerText === 'edited question'")
    wait_done(page)
    assert reply_text(page) == "Echo: edited question"
    assert "2/2" in page.locator("#messages .msg-user .versions").inner_text()


def test_rename_and_delete_a_chat(page, live_server, chat_account):
    send(page, chat_account, "a chat to rename")
    wait_done(page)
    page.click(".title-button")
    page.click("#chat-header [data-cancel]")
    page.wait_for_selector(".title-button")
    assert page.evaluate("document.activeElement.classList.contains('title-button')")  # cancelled: focus is back
    page.click(".title-button")
    page.fill("#rename-input", "Renamed in the browser")
    page.keyboard.press("Enter")
    page.wait_for_selector(".title-button:has-text('Renamed in the browser')")
    assert page.locator(".chat-link[aria-current=page]").inner_text() == "Renamed in the browser"
    assert page.title() == "Renamed in the browser · Pen"
    assert page.evaluate("document.activeElement.classList.contains('title-button')")  # focus stays on the title
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("[aria-label='Delete chat']")
    page.wait_for_url(live_server.url + "/")
    assert page.locator(".chat-link:has-text('Renamed in the browser')").count() == 0
    response = page.go_back()  # pages are no-store: Back asks the server, which no longer has the chat
    assert response is not None and response.status == 404
    assert page.locator("#messages .msg").count() == 0
    page.console_errors = []  # Chromium logs the 404 it was just shown


def test_a_failed_or_stopped_reply_shows_no_typing_dots(page, chat_account):
    """The pulsing dots say "writing": an empty reply that ended (error, stopped) must not keep them."""
    dots = f"getComputedStyle(document.querySelector('{LAST_REPLY} .msg-body'), '::after').content"
    send(page, chat_account, "this will fail", model="fake-error-500")
    wait_done(page)
    assert page.locator(f"{LAST_REPLY}.is-error").count() == 1
    assert page.evaluate(dots) == "none"
    page.reload()
    assert page.evaluate(dots) == "none"
    send(page, chat_account, "and this waits", model="fake-hang")
    assert page.evaluate(dots) != "none"  # still writing: the dots are shown
    page.keyboard.press("Escape")
    wait_done(page)
    assert page.evaluate(dots) == "none"
    assert page.console_errors == []


def test_the_refined_title_reaches_the_open_page(page, live_app, chat_account):
    live_app.config["PEN_AUTO_TITLE"] = True
    try:
        # the title call takes as long as the reply's first token: the reply's end is shown well before
        send(page, chat_account, "capital of France", model="fake-slow?ttft=0.3")
        wait_done(page)
        assert page.locator(".title-button").inner_text() == "capital of France"
        assert page.locator(".title-watch").count() == 1
        wait_until(page, "document.querySelector('.title-button').textContent.trim() !== 'capital of France'", timeout=10)
    finally:
        live_app.config["PEN_AUTO_TITLE"] = False
    refined = page.locator(".title-button").inner_text()
    assert page.locator(".chat-link[aria-current=page]").inner_text() == refined
    assert page.title() == f"{refined} · Pen"
    assert page.locator(".title-watch").count() == 0
    assert page.locator("#composer-input").is_enabled()
    screenshot(page, "chat-refined-title")
    assert page.console_errors == []


def test_hostile_content_as_message_and_reply_executes_nothing(page, chat_account):
    payloads = load_xss_payloads()
    assert len(payloads) >= 100
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    batch = 40
    for start in range(0, len(payloads), batch):
        send(page, chat_account, "\n\n".join(payloads[start:start + batch]))  # the fake echoes it back as the reply
        wait_done(page)
        assert page.evaluate("window.__xss") is None
    page.reload()  # the saved page renders the same content again
    page.wait_for_timeout(300)
    assert dialogs == [] and page.evaluate("window.__xss") is None
    assert page.locator(".msg-body :is(script, iframe, object, embed, svg, math, img, form, style, base, meta)").count() == 0
    dangerous = page.evaluate("""() => [...document.querySelectorAll('.msg-body *')].flatMap(el =>
        [...el.attributes].map(a => a.name).filter(n => /^(on|hx-|data-hx|style$|srcdoc$)/.test(n)))""")
    assert dangerous == []
    schemes = page.evaluate("() => [...document.querySelectorAll('.msg-body a')].map(a => a.protocol)")
    assert set(schemes) <= {"http:", "https:", "mailto:"}


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)])
def test_chat_page_screenshots(browser, live_server, live_app, fake_provider, scheme, width):
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 860})
    page = context.new_page()
    page.console_errors = []
    allow = sign_in_chat_account(live_app, live_server, page, fake_provider)
    send(page, allow, "Show me some markdown:\n\n- a list\n- `code`\n\n```python\nprint('hi')\n```")
    wait_done(page)
    send(page, allow, "And a longer answer", model="fake-tokens-60?delay=0")
    wait_done(page)
    screenshot(page, f"chat-{scheme}-{width}")
    context.close()


def long_chat(page, live_app, allow) -> int:
    """A chat of 130 messages, open in `page` (its latest 50 shown)."""
    from pen.extensions import db
    from pen.models import Message

    send(page, allow, "seed a chat")
    wait_done(page)
    chat_id = int(page.url.rsplit("/", 1)[1])
    with live_app.app_context():
        parent = db.session.scalars(db.select(Message.id).where(Message.chat_id == chat_id).order_by(Message.id.desc())).first()
        for n in range(128):
            message = Message(chat_id=chat_id, role="user" if n % 2 == 0 else "assistant", content=f"filler {n}",
                              provider="Fake", model="fake-echo", parent_id=parent)
            db.session.add(message)
            db.session.flush()
            parent = message.id
        db.session.commit()
    page.reload()
    return chat_id


def test_editing_the_system_prompt_of_a_long_chat_keeps_the_reader_in_place(page, live_app, chat_account):
    long_chat(page, live_app, chat_account)
    assert page.locator("#messages .msg").count() == 50
    scroll_top = "document.getElementById('chat-scroll').scrollTop"
    before = page.evaluate(scroll_top)
    page.click("#chat-header [aria-label='System prompt']")
    page.wait_for_selector("#system-prompt-input")
    assert page.evaluate("document.activeElement.id") == "system-prompt-input"
    assert page.locator("#system-prompt-input").is_visible()
    page.wait_for_timeout(400)
    assert page.locator("#messages .msg").count() == 50, "opening the editor loaded older pages"
    assert abs(page.evaluate(scroll_top) - before) < 5
    screenshot(page, "chat-system-editor-long-chat")
    page.fill("#system-prompt-input", "Be brief.")
    page.click("#system-prompt button[type=submit]")
    page.wait_for_selector("#system-prompt .system-view")
    assert page.locator("#messages .msg").count() == 50 and abs(page.evaluate(scroll_top) - before) < 5
    assert page.console_errors == []


def test_new_chat_and_search_stay_in_view_while_the_chat_list_scrolls(page, live_app, chat_account):
    from pen.extensions import db
    from pen.models import Chat

    send(page, chat_account, "the first of many")
    wait_done(page)
    chat_id = int(page.url.rsplit("/", 1)[1])
    with live_app.app_context():
        user_id = db.session.get(Chat, chat_id).user_id
        db.session.add_all(Chat(user_id=user_id, name=f"Chat {n}") for n in range(60))
        db.session.commit()
    page.reload()
    page.evaluate("document.querySelector('.sidebar-body').scrollTop = 100000")
    page.wait_for_timeout(200)
    assert page.evaluate("document.querySelector('.sidebar-body').scrollTop") > 300
    for selector in (".new-chat", ".chat-filter input"):
        box = page.locator(selector).bounding_box()
        assert box is not None and 0 <= box["y"] < 150, (selector, box)
    screenshot(page, "sidebar-scrolled")
    page.fill(".chat-filter input", "Chat 42")
    wait_until(page, "document.querySelectorAll('#chat-list .chat-link').length === 1")


def test_older_messages_load_on_scroll_up_and_the_view_stays_put(page, live_app, chat_account):
    long_chat(page, live_app, chat_account)
    assert page.locator("#messages .msg").count() == 50
    anchor = page.locator("#messages .msg").first
    anchor_text = anchor.inner_text()
    anchor.scroll_into_view_if_needed()
    page.evaluate("document.getElementById('chat-scroll').scrollTop -= 5000")  # to the top: the loader shows
    wait_until(page, "document.querySelectorAll('#messages .msg').length === 100")
    top_before = page.evaluate("document.querySelector('#messages .msg:nth-child(51)') !== null")
    assert top_before
    box = page.locator("#messages .msg", has_text=anchor_text).first.bounding_box()
    assert box is not None and -50 < box["y"] < 860, "the message that was in view is still in view"


def test_copy_buttons_copy_code_and_whole_replies(browser, live_server, live_app, fake_provider):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.console_errors = []
    allow = sign_in_chat_account(live_app, live_server, page, fake_provider)
    send(page, allow, "code:\n\n```python\nprint('copied')\n```")
    wait_done(page)
    page.click(f"{LAST_REPLY} [data-copy-code]")
    wait_until(page, "document.querySelector('[data-copy-code].is-copied') !== null")
    assert page.locator(f"{LAST_REPLY} [data-copy-code]").inner_text() == "Copied"
    wait_until(page, "document.querySelector('[data-copy-code]').textContent === 'Copy'", timeout=5)
    assert page.evaluate("navigator.clipboard.readText()") == "print('copied')\n"
    page.hover(LAST_REPLY)
    page.click(f"{LAST_REPLY} [data-copy-message]")
    assert page.evaluate("navigator.clipboard.readText()") == "Echo: code:\n\n```python\nprint('copied')\n```"
    context.close()
