"""The "Your data" page: counts, download, import form, and deleting all of one's chats."""

import json

from sqlalchemy import func, select

from pen.extensions import db
from pen.models import Chat, Message, Prompt
from tests.integration.data.conftest import upload


def count(app, model, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_your_data_page_shows_counts_and_the_three_actions(app, client, login, make_user, make_chat):
    user_id = make_user()
    make_chat(user_id)
    make_chat(user_id, "Another")
    login(user_id)
    page = client.get("/settings/data").get_data(as_text=True)
    assert "<h1 class=\"page-title\">Your data</h1>" in page
    assert "2 chats · 0 prompts" in page
    assert 'href="/settings/data/export.json"' in page
    assert 'id="import-form"' in page and 'enctype="multipart/form-data"' in page
    assert 'id="delete-chats-form"' in page and "hx-confirm=" in page
    assert page.count('id="data-counts"') == 1  # no out-of-band copy in the full page


def test_the_page_needs_a_signed_in_user(client):
    response = client.get("/settings/data")
    assert response.status_code in (302, 303) and "/signin" in response.headers["Location"]


def test_the_settings_page_links_here(app, client, login, make_user):
    if "settings.index" not in app.view_functions:
        return  # the settings page is not built yet
    login(make_user())
    assert 'href="/settings/data"' in client.get("/settings").get_data(as_text=True)


def test_deleting_all_chats_needs_the_box_ticked(app, client, login, make_user, make_chat):
    user_id = make_user()
    make_chat(user_id)
    login(user_id)
    response = client.post("/settings/data/delete-chats", data={}, htmx=True)
    assert response.status_code == 422 and "Tick the box to confirm." in response.get_data(as_text=True)
    assert count(app, Chat) == 1


def test_deleting_all_chats_deletes_only_mine_and_keeps_my_prompts(app, client, login, make_user, make_chat):
    mine, theirs = make_user(), make_user()
    make_chat(mine)
    make_chat(mine, "Second")
    their_chat = make_chat(theirs)
    with app.app_context():
        db.session.add(Prompt(user_id=mine, prompt_name="Keep", prompt_text="me"))
        db.session.commit()
    login(mine)
    response = client.post("/settings/data/delete-chats", data={"confirm": "y"}, htmx=True)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "Deleted 2 chats." in fragment
    assert 'id="data-counts" class="muted" hx-swap-oob="true">0 chats · 1 prompt<' in fragment
    assert count(app, Chat, Chat.user_id == mine) == 0 and count(app, Prompt, Prompt.user_id == mine) == 1
    assert count(app, Chat, Chat.user_id == theirs) == 1 and count(app, Message, Message.chat_id == their_chat) == 5


def test_deleting_without_the_csrf_token_is_refused(app, client, login, make_user, make_chat):
    user_id = make_user()
    make_chat(user_id)
    login(user_id)
    assert client.post("/settings/data/delete-chats", data={"confirm": "y"}, csrf=False).status_code == 400
    assert count(app, Chat) == 1


def test_an_htmx_import_answers_the_form_with_updated_counts(app, client, login, make_user):
    login(make_user())
    document = {"format": "pen-export", "version": 1, "prompts": [{"name": "P", "text": "T"}],
                "chats": [{"name": "One", "messages": [{"id": 1, "role": "user", "content": "hi"}]}]}
    response = upload(client, json.dumps(document), headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.lstrip().startswith("<form id=\"import-form\"")
    assert response.headers["HX-Trigger"] == "chats-changed"
    assert "1 chat with 1 message, 1 prompt" in fragment and "Go to your chats" in fragment
    assert 'hx-swap-oob="true">1 chat · 1 prompt<' in fragment
