"""Sending a message: saved first, streamed as SSE, refused cleanly when it cannot be sent."""

import pytest

from pen.extensions import db
from pen.models import Chat, Provider, Setting
from tests.integration.chat.conftest import add_fake_provider, is_body_update, sse_events, text_of


def test_send_saves_both_rows_and_streams_the_reply(chat_user):
    response = chat_user.send("Hello there")
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"].startswith("no-cache")
    events = sse_events(response.get_data(as_text=True))
    assert 'class="msg msg-user"' in events[0] and "Hello there" in events[0]
    assert 'class="msg msg-assistant is-streaming"' in events[0]
    assert 'hx-swap-oob="outerHTML"' in events[-1] and "Echo: Hello there" in text_of(events[-1])
    chat_user.wait()
    user, assistant = chat_user.messages()
    assert (user.role, user.content, user.status) == ("user", "Hello there", "complete")
    assert (assistant.role, assistant.status, assistant.content) == ("assistant", "complete", "Echo: Hello there")
    assert assistant.parent_id == user.id and assistant.provider == "Fake" and assistant.model == "fake-echo"
    assert assistant.output_tokens == 3 and assistant.duration_ms is not None


def test_first_message_names_a_new_chat_and_moves_the_page_to_it(chat_user):
    events = sse_events(chat_user.send("Plan a **trip** to Lisbon\nwith kids").get_data(as_text=True))
    [chat] = chat_user.chats()
    assert chat.name == "Plan a trip to Lisbon" and chat.provider == "Fake" and chat.model == "fake-echo"
    assert f'data-url="/c/{chat.id}"' in events[0]  # the composer now sends into this chat
    assert 'id="chat-list" hx-swap-oob="innerHTML"' in events[0] and "Plan a trip to Lisbon" in events[0]


def test_later_messages_go_to_the_same_chat_and_carry_the_history(chat_user):
    chat_user.send("first").get_data()
    chat_id = chat_user.last_chat_id()
    chat_user.fake.reset()
    chat_user.send("second", chat_id=chat_id).get_data()
    chat_user.wait()
    assert len(chat_user.chats()) == 1
    sent = chat_user.fake.requests[-1].json["messages"]
    assert [m["content"] for m in sent] == ["first", "Echo: first", "second"]


def test_reply_streams_in_several_updates(chat_user):
    body = chat_user.send("go", model="fake-tokens-200?delay=0.002").get_data(as_text=True)
    updates = [e for e in sse_events(body) if is_body_update(e)]
    assert len(updates) >= 3
    chat_user.wait()
    assert len(chat_user.messages()[-1].content.split()) == 200


def test_system_prompt_of_a_new_chat_is_saved_and_sent(chat_user):
    data = {"message": "hi", "model": chat_user.model(), "chat_id": "", "system_prompt": "Answer in French."}
    chat_user.client.post("/chats/send", data=data, htmx=True).get_data()
    chat_user.wait()
    assert chat_user.chats()[0].system_prompt == "Answer in French."
    assert chat_user.fake.requests[0].json["messages"][0] == {"role": "system", "content": "Answer in French."}


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_message_is_not_sent(chat_user, text):
    response = chat_user.send(text)
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#composer-error"
    assert "Type a message first" in response.text
    assert chat_user.messages() == [] and chat_user.chats() == [] and chat_user.fake.requests == []


def test_oversize_message_is_refused_with_the_limit(chat_user):
    response = chat_user.send("x" * 200_000)
    assert response.status_code == 422 and "limit is 100,000" in response.text
    assert chat_user.messages() == []


def test_unknown_model_is_refused_before_anything_is_written(chat_user):
    response = chat_user.send("hi", model="gpt-nonexistent", listed=False)
    assert response.status_code == 422 and "not one of Fake" in response.text
    assert chat_user.messages() == [] and chat_user.fake.requests == []


def test_disabled_provider_is_refused(chat_user):
    with chat_user.app.app_context():
        db.session.get(Provider, chat_user.provider_id).enabled = False
        db.session.commit()
    response = chat_user.send("hi")
    assert response.status_code == 422 and "disabled" in response.text
    assert chat_user.messages() == []


def test_no_key_points_to_settings(app, client, make_user, login, fake_provider):
    provider_id = add_fake_provider(app, fake_provider)
    login(make_user())
    response = client.post("/chats/send", data={"message": "hi", "model": f"{provider_id}:fake-echo"}, htmx=True)
    assert response.status_code == 422 and "Settings" in response.text


def test_shared_key_is_used_when_the_user_has_none(app, client, make_user, login, fake_provider):
    from pen.models import Connection
    from pen.security.secrets import encrypt

    admin_id, user_id = make_user(admin=True), make_user()
    provider_id = add_fake_provider(app, fake_provider)
    with app.app_context():
        db.session.add(Connection(user_id=admin_id, api_provider="Fake", api_key=encrypt("sk-test-key-123"), is_shared=True))
        db.session.commit()
    login(user_id)
    response = client.post("/chats/send", data={"message": "hi", "model": f"{provider_id}:fake-echo"}, htmx=True)
    assert response.status_code == 200
    response.get_data()
    assert fake_provider.requests[0].headers["authorization"] == "Bearer sk-test-key-123"


def test_double_submit_gives_one_message(chat_user):
    response = chat_user.send("slow one", model="fake-slow?ttft=0.5")
    chat_id = chat_user.last_chat_id()
    second = chat_user.send("again", chat_id=chat_id)
    assert second.status_code == 409 and "still being written" in second.text
    response.get_data()
    chat_user.wait()
    assert [m.content for m in chat_user.messages() if m.role == "user"] == ["slow one"]


def test_someone_elses_chat_id_is_404(chat_user, other_user):
    response = chat_user.send("hi", chat_id=other_user["chat_id"])
    assert response.status_code == 404
    assert len(chat_user.messages(other_user["chat_id"])) == 1


def test_sending_needs_csrf_and_sign_in(chat_user, app):
    data = {"message": "hi", "model": chat_user.model()}
    assert chat_user.client.post("/chats/send", data=data, csrf=False).status_code == 400
    anonymous = app.test_client()
    assert anonymous.post("/chats/send", data=data, htmx=True, csrf=False).status_code in (400, 401)


def test_send_rate_limit_per_user(chat_user, app):
    app.config["PEN_SEND_LIMIT"] = "2 per minute"
    for _ in range(2):
        assert chat_user.send("hi").status_code == 200
        chat_user.wait()
    limited = chat_user.send("hi")
    assert limited.status_code == 429


def test_user_keys_disallowed_falls_back_to_nothing(chat_user):
    with chat_user.app.app_context():
        db.session.add(Setting(key="allow_user_keys", value="0"))
        db.session.commit()
    response = chat_user.send("hi")
    assert response.status_code == 422


def test_chat_timestamp_moves_with_activity(chat_user):
    chat_user.send("one").get_data()
    chat_user.wait()
    first = chat_user.chats()[0].timestamp
    chat_user.send("two", chat_id=chat_user.last_chat_id()).get_data()
    chat_user.wait()
    with chat_user.app.app_context():
        assert db.session.get(Chat, chat_user.last_chat_id()).timestamp >= first
