"""The chat page, the chat list, rename, delete, model and system prompt; ownership everywhere."""

from datetime import timedelta

import pytest

from pen.extensions import db
from pen.models import Chat, Message
from pen.orm import utcnow
from tests.integration.chat.conftest import add_fake_provider


def make_chat(app, user_id, name="Chat", *, messages=0, age=timedelta(0)):
    with app.app_context():
        chat = Chat(user_id=user_id, name=name, timestamp=utcnow() - age, provider="Fake", model="fake-echo")
        db.session.add(chat)
        db.session.flush()
        parent = None
        for n in range(messages):
            message = Message(chat_id=chat.id, role="user" if n % 2 == 0 else "assistant", content=f"message {n}",
                              provider="Fake", model="fake-echo", parent_id=parent)
            db.session.add(message)
            db.session.flush()
            parent = message.id
        db.session.commit()
        return chat.id


def test_home_for_a_new_user_without_a_key_says_what_to_do(client, make_user, login):
    login(make_user())
    page = client.get("/")
    assert page.status_code == 200
    assert "No AI provider is set up for you yet" in page.text and "ask your admin" in page.text
    assert "No chats yet." in page.text


def test_chat_list_is_grouped_newest_first_and_only_mine(chat_user, app, make_user):
    other = make_user()
    make_chat(app, other, "Someone else's")
    make_chat(app, chat_user.user_id, "Old one", age=timedelta(days=30))
    make_chat(app, chat_user.user_id, "Last week", age=timedelta(days=3))
    make_chat(app, chat_user.user_id, "Yesterday's", age=timedelta(days=1))
    make_chat(app, chat_user.user_id, "Fresh")
    html = chat_user.client.get("/").text
    order = [html.index(label) for label in ("Today", "Fresh", "Yesterday", "Yesterday&#39;s", "Previous 7 days",
                                             "Last week", "Older", "Old one")]
    assert order == sorted(order)
    assert "Someone else" not in html


def test_chat_list_pages_with_a_cursor(chat_user, app):
    for n in range(45):
        make_chat(app, chat_user.user_id, f"Chat {n:02}", age=timedelta(minutes=n))
    first = chat_user.client.get("/chats", htmx=True).text
    assert "Chat 00" in first and "Chat 39" in first and "Chat 40" not in first
    assert 'class="chat-list-more"' in first
    cursor = first.split("after=")[1].split("&")[0].split('"')[0]
    second = chat_user.client.get(f"/chats?after={cursor}&group=Today", htmx=True).text
    assert "Chat 40" in second and "Chat 44" in second and "Chat 39" not in second
    assert "chat-list-more" not in second and "<h2" not in second  # same group continues: no new heading


def test_chat_list_filter_narrows_by_title(chat_user, app):
    make_chat(app, chat_user.user_id, "Pasta recipes")
    make_chat(app, chat_user.user_id, "Tax questions")
    make_chat(app, chat_user.user_id, "100% sure_thing")
    assert "Pasta" in chat_user.client.get("/chats?q=pasta", htmx=True).text
    assert "Tax" not in chat_user.client.get("/chats?q=pasta", htmx=True).text
    assert "No chats match." in chat_user.client.get("/chats?q=zzz", htmx=True).text
    percent = chat_user.client.get("/chats?q=%25", htmx=True).text  # a literal %, not a wildcard
    assert "100% sure_thing" in percent and "Pasta" not in percent


def test_chat_page_shows_the_latest_page_and_loads_older_ones(chat_user, app):
    chat_id = make_chat(app, chat_user.user_id, "Long", messages=120)
    page = chat_user.client.get(f"/c/{chat_id}").text
    assert "message 119" in page and "message 70" in page and "message 69" not in page
    assert page.index("message 70") < page.index("message 119")  # newest at the bottom
    older_url = page.split('class="older-loader" hx-get="')[1].split('"')[0].replace("&amp;", "&")
    older = chat_user.client.get(older_url, htmx=True).text
    assert "message 69" in older and "message 20" in older and "message 19" not in older
    oldest = chat_user.client.get(older.split('hx-get="')[1].split('"')[0].replace("&amp;", "&"), htmx=True).text
    assert "message 0" in oldest and "older-loader" not in oldest


def test_rename_inline(chat_user, app):
    chat_id = make_chat(app, chat_user.user_id, "Before")
    form = chat_user.client.get(f"/c/{chat_id}/rename", htmx=True)
    assert 'value="Before"' in form.text
    response = chat_user.client.post(f"/c/{chat_id}/rename", data={"name": "  After   all "}, htmx=True)
    assert response.status_code == 200 and "After all" in response.text and 'id="chat-list"' in response.text
    assert chat_user.chats()[0].name == "After all"
    assert chat_user.client.post(f"/c/{chat_id}/rename", data={"name": ""}, htmx=True).status_code == 422
    assert chat_user.client.post(f"/c/{chat_id}/rename", data={"name": "x" * 192}, htmx=True).status_code == 422
    assert chat_user.chats()[0].name == "After all"


def test_delete_chat_removes_its_messages(chat_user, app):
    keep = make_chat(app, chat_user.user_id, "Keep", messages=2)
    gone = make_chat(app, chat_user.user_id, "Gone", messages=3)
    response = chat_user.client.post(f"/c/{gone}/delete", htmx=True)
    assert response.headers["HX-Redirect"] == "/"
    assert [c.id for c in chat_user.chats()] == [keep]
    assert len(chat_user.messages()) == 2


def test_changing_the_model_is_remembered_on_the_chat(chat_user, app):
    second = add_fake_provider(app, chat_user.fake, name="Second", models=["other-model"])
    from tests.integration.chat.conftest import add_key

    add_key(app, chat_user.user_id, "Second")
    chat_id = make_chat(app, chat_user.user_id)
    assert chat_user.client.post(f"/c/{chat_id}/model", data={"model": f"{second}:other-model"}, htmx=True).status_code == 204
    chat = chat_user.chats()[0]
    assert (chat.provider, chat.model) == ("Second", "other-model")
    assert f'value="{second}:other-model" selected' in chat_user.client.get(f"/c/{chat_id}").text
    bad = chat_user.client.post(f"/c/{chat_id}/model", data={"model": f"{second}:nope"}, htmx=True)
    assert bad.status_code == 422 and chat_user.chats()[0].model == "other-model"


def test_a_chat_whose_provider_was_disabled_says_so_and_offers_another(chat_user, app):
    from pen.models import Provider

    second = add_fake_provider(app, chat_user.fake, name="Backup", models=["backup-model"], style="ollama")
    chat_id = make_chat(app, chat_user.user_id)
    with app.app_context():
        db.session.get(Provider, chat_user.provider_id).enabled = False
        db.session.commit()
    page = chat_user.client.get(f"/c/{chat_id}").text
    assert "Fake is not available any more" in page
    assert f'value="{second}:fake-echo" selected' in page  # the backup provider's default model


def test_system_prompt_can_be_set_shown_and_removed(chat_user, app):
    chat_id = make_chat(app, chat_user.user_id)
    assert 'name="system_prompt"' in chat_user.client.get(f"/c/{chat_id}/system?edit=1", htmx=True).text
    shown = chat_user.client.post(f"/c/{chat_id}/system", data={"system_prompt": "Be brief."}, htmx=True)
    assert "Be brief." in shown.text and chat_user.chats()[0].system_prompt == "Be brief."
    assert "Be brief." in chat_user.client.get(f"/c/{chat_id}").text
    chat_user.send("hi", chat_id=chat_id).get_data()
    chat_user.wait()
    assert chat_user.fake.requests[-1].json["messages"][0] == {"role": "system", "content": "Be brief."}
    chat_user.client.post(f"/c/{chat_id}/system", data={"system_prompt": ""}, htmx=True)
    assert chat_user.chats()[0].system_prompt is None
    too_long = chat_user.client.post(f"/c/{chat_id}/system", data={"system_prompt": "x" * 20_001}, htmx=True)
    assert too_long.status_code == 422


def test_model_and_time_on_replies(chat_user):
    chat_user.send("hi").get_data()
    chat_user.wait()
    page = chat_user.client.get(f"/c/{chat_user.last_chat_id()}").text
    assert '<span class="msg-model"' in page and "fake-echo</span>" in page and "<time datetime=" in page


@pytest.fixture
def foreign(other_user):
    return other_user


FOREIGN_ROUTES = [
    ("get", "/c/{chat}"), ("get", "/c/{chat}/messages?before=99999"), ("get", "/c/{chat}/title"),
    ("get", "/c/{chat}/rename"), ("post", "/c/{chat}/rename"), ("post", "/c/{chat}/delete"),
    ("post", "/c/{chat}/model"), ("get", "/c/{chat}/system"), ("post", "/c/{chat}/system"),
    ("get", "/messages/{message}"), ("get", "/messages/{message}/edit"), ("post", "/messages/{message}/edit"),
    ("post", "/messages/{message}/regenerate"), ("post", "/messages/{message}/switch"),
    ("post", "/messages/{message}/stop"), ("get", "/messages/{message}/stream"),
]


@pytest.mark.parametrize(("method", "path"), FOREIGN_ROUTES)
def test_another_users_chat_or_message_is_404_everywhere(chat_user, foreign, method, path):
    url = path.format(chat=foreign["chat_id"], message=foreign["message_id"])
    data = {"name": "x", "model": chat_user.model(), "message": "x", "to": 1, "system_prompt": "x"}
    response = getattr(chat_user.client, method)(url, data=data, htmx=True) if method == "post" else \
        chat_user.client.get(url, htmx=True)
    assert response.status_code == 404
    with chat_user.app.app_context():
        chat = db.session.get(Chat, foreign["chat_id"])
        message = db.session.get(Message, foreign["message_id"])
        assert chat.name == "Not yours" and message.content == "secret" and not message.stop_requested


def test_foreign_chat_cannot_be_stopped_from_the_composer(chat_user, foreign):
    assert chat_user.client.post("/chats/stop", data={"chat_id": foreign["chat_id"]}, htmx=True).status_code == 404


@pytest.mark.parametrize("path", ["/c/abc", "/c/-1", "/messages/x/stop", "/c/99999999", "/messages/0"])
def test_malformed_or_unknown_ids_are_404(chat_user, path):
    assert chat_user.client.get(path).status_code in (404, 405)


def test_chat_list_refreshes_when_chats_change_elsewhere(chat_user):
    for path in ("/", "/profile"):
        page = chat_user.client.get(path).text
        nav = page.split('id="chat-list"')[1].split(">")[0]
        assert 'chats-changed from:body' in nav and 'hx-get="/chats"' in nav


def test_chat_page_offers_markdown_and_json_downloads(chat_user, app):
    chat_id = make_chat(app, chat_user.user_id, "Downloadable", messages=2)
    page = chat_user.client.get(f"/c/{chat_id}").text
    for url in (f"/c/{chat_id}/export.md", f"/c/{chat_id}/export.json"):
        assert f'href="{url}"' in page
        assert chat_user.client.get(url).status_code == 200
