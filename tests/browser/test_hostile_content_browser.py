"""The XSS corpus as chat titles, prompt names and texts, user names and provider names, on every page
that shows them, in Chromium under the real CSP: no dialog, no canary, no blocked script.

(Messages and streamed model replies carry the corpus in tests/browser/test_chat_browser.py.)"""

import secrets

import pytest

from pen.extensions import db
from pen.models import Chat, Message, Prompt, Provider, User
from pen.security.passwords import hash_password
from tests.corpus import load_xss_payloads

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def short(payloads, limit=191):
    return [p for p in payloads if len(p) <= limit]


@pytest.fixture
def hostile_world(live_app):
    """An admin named with a payload, chats/prompts/providers/users named with the rest."""
    payloads = load_xss_payloads()
    names = short(payloads)
    tag = secrets.token_hex(3)
    with live_app.app_context():
        admin = User(name=names[0], email=f"xss-admin-{tag}@example.com", password=hash_password("correct horse battery"),
                     is_admin=True)
        db.session.add(admin)
        db.session.flush()
        for n, name in enumerate(names):
            chat = Chat(user_id=admin.id, name=name)
            db.session.add(chat)
            db.session.flush()
            db.session.add(Message(chat_id=chat.id, role="user", content=name, provider="Fake"))
            db.session.add(Prompt(user_id=admin.id, prompt_name=name, prompt_text=payloads[n % len(payloads)]))
            db.session.add(User(name=name, email=f"xss-{tag}-{n}@example.com", password="x"))
        for name in names[:60]:
            db.session.add(Provider(name=name, base_urls=["https://example.invalid/v1"],
                                    default_model=name[:191], auth_header="x-api-key", api_style="openai",
                                    models=[name[:191]]))
        db.session.commit()
        return {"email": admin.email, "chat_ids": [c.id for c in db.session.scalars(
            db.select(Chat).where(Chat.user_id == admin.id).order_by(Chat.id).limit(5))], "count": len(names)}


def test_hostile_names_and_titles_execute_nothing_on_any_page(browser, live_server, hostile_world):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/signin")
    page.fill("#email", hostile_world["email"])
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    pages = ["/", "/profile", "/settings", "/prompts", "/admin", "/settings/data"]
    pages += [f"/c/{chat_id}" for chat_id in hostile_world["chat_ids"]]
    pages += [f"/admin/users?page={n}" for n in range(1, hostile_world["count"] // 25 + 3)]
    visited = []
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status < 500, path
        page.wait_for_timeout(150)  # lazy parts (the chat list) load
        visited.append(path)
        assert page.evaluate("window.__xss") is None, path
        blocked_scripts = [v for v in page.evaluate("window.__csp") if v.startswith("script-src")]
        assert blocked_scripts == [], (path, blocked_scripts[:3])
    assert dialogs == [] and errors == []
    # nothing a page script could steal: the session cookie is HttpOnly, no token sits in web storage
    assert "pen_session" not in page.evaluate("document.cookie")
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    context.close()
