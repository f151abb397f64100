"""What the provider is sent (trimmed to a budget), and the title a new chat gets."""

import html
import re
import time

from pen.chat.context import conversation_before
from pen.chat.titles import clean
from pen.chat.views import title_tag
from pen.extensions import db
from pen.models import Chat, Message
from tests.integration.chat.conftest import sse_events


def build_chat(app, user_id, turns):
    with app.app_context():
        chat = Chat(user_id=user_id, name="c")
        db.session.add(chat)
        db.session.flush()
        parent = None
        for role, content, status in turns:
            message = Message(chat_id=chat.id, role=role, content=content, provider="Fake", status=status,
                              parent_id=parent)
            db.session.add(message)
            db.session.flush()
            parent = message.id
        reply = Message(chat_id=chat.id, role="assistant", content="", provider="Fake", status="streaming",
                        parent_id=parent)
        db.session.add(reply)
        db.session.commit()
        return chat.id, reply.id


def test_context_is_trimmed_from_the_oldest_side(app, make_user):
    turns = [("user" if n % 2 == 0 else "assistant", f"{n:02d}" + "x" * 98, "complete") for n in range(10)]
    turns.append(("user", "latest question", "complete"))
    chat_id, reply_id = build_chat(app, make_user(), turns)
    with app.app_context():
        messages = conversation_before(chat_id, reply_id, budget_chars=450)
    assert messages[-1] == {"role": "user", "content": "latest question"}
    assert messages[0]["role"] == "user" and len(messages) <= 5
    assert all(not m["content"].startswith("00") for m in messages)


def test_the_latest_message_is_sent_even_over_budget(app, make_user):
    chat_id, reply_id = build_chat(app, make_user(), [("user", "y" * 5000, "complete")])
    with app.app_context():
        assert conversation_before(chat_id, reply_id, budget_chars=100) == [{"role": "user", "content": "y" * 5000}]


def test_failed_and_empty_replies_are_left_out_and_same_roles_merged(app, make_user):
    turns = [("user", "q1", "complete"), ("assistant", "partial", "error"), ("user", "q1 again", "complete"),
             ("assistant", "", "stopped"), ("user", "q3", "complete")]
    chat_id, reply_id = build_chat(app, make_user(), turns)
    with app.app_context():
        assert conversation_before(chat_id, reply_id, budget_chars=10_000) == [
            {"role": "user", "content": "q1\n\nq1 again\n\nq3"}]


def test_a_new_chat_gets_a_refined_title_once_the_reply_is_done(chat_user, app):
    app.config["PEN_AUTO_TITLE"] = True
    chat_user.send("what is the capital of France").get_data()
    chat_user.wait()
    import time

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and chat_user.chats()[0].name == "what is the capital of France":
        time.sleep(0.05)
    title_request = chat_user.fake.requests[-1].json
    assert "short title" in title_request["messages"][0]["content"]
    assert chat_user.chats()[0].name.startswith("Echo: Write a short title")  # the fake echoes the prompt


def test_a_renamed_chat_keeps_the_users_title(chat_user, app):
    app.config["PEN_AUTO_TITLE"] = True
    chat_user.send("original", model="fake-slow?ttft=0.3").get_data()
    chat_id = chat_user.last_chat_id()
    chat_user.client.post(f"/c/{chat_id}/rename", data={"name": "Mine"}, htmx=True)
    chat_user.wait()
    import time

    time.sleep(0.5)
    assert chat_user.chats()[0].name == "Mine"


def test_titles_are_cleaned():
    assert clean('"Capital of France."\nmore') == "Capital of France"
    assert clean("Title: **Trip planning**") == "Trip planning"
    assert clean("   ") == ""


WATCHER = re.compile(r'<span class="title-watch" id="title-watch-\d+" hidden hx-get="([^"]+)"')


def wait_for_title_change(chat_user, old: str) -> str:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and chat_user.chats()[-1].name == old:
        time.sleep(0.05)
    return chat_user.chats()[-1].name


def test_the_open_page_picks_up_the_refined_title(chat_user, app):
    """A new chat's finished reply carries a watcher; once the title is refined, the watcher's
    request answers the header and the chat's link with it (the page is not reloaded)."""
    app.config["PEN_AUTO_TITLE"] = True
    slow = "fake-slow?ttft=0.3"  # the title call takes as long: the reply's end is sent well before it
    body = chat_user.send("what is the capital of France", model=slow).get_data(as_text=True)
    final = sse_events(body)[-1]
    watcher = html.unescape(WATCHER.search(final).group(1))
    assert f"was={title_tag('what is the capital of France')}" in watcher and "left=10" in watcher
    assert "capital" not in watcher  # the user's words stay out of URLs and access logs
    chat_user.wait()
    refined = wait_for_title_change(chat_user, "what is the capital of France")
    assert refined != "what is the capital of France"
    answer = chat_user.client.get(watcher, htmx=True)
    page = answer.get_data(as_text=True)
    chat_id = chat_user.last_chat_id()
    assert answer.status_code == 200 and f'<span id="title-watch-{chat_id}" hx-swap-oob="delete">' in page
    assert f'id="chat-item-{chat_id}"' in page and 'id="chat-header"' in page
    assert page.count('hx-swap-oob="outerHTML"') == 2
    assert html.escape(refined, quote=False) in page and f'data-title="{html.escape(refined)} · Pen"' in page


def test_the_watcher_asks_again_a_few_times_then_stops(chat_user, app):
    chat_user.send("hello there").get_data()
    chat_user.wait()
    chat_id = chat_user.last_chat_id()
    again = chat_user.client.get(f"/c/{chat_id}/title/refined?was={title_tag('hello there')}&left=3", htmx=True).get_data(as_text=True)
    assert "left=2" in html.unescape(WATCHER.search(again).group(1))
    done = chat_user.client.get(f"/c/{chat_id}/title/refined?was={title_tag('hello there')}&left=0", htmx=True).get_data(as_text=True)
    assert done.strip() == f'<span id="title-watch-{chat_id}" hx-swap-oob="delete"></span>'  # the watch ends
    capped = chat_user.client.get(f"/c/{chat_id}/title/refined?was={title_tag('hello there')}&left=999", htmx=True).get_data(as_text=True)
    assert "left=9" in html.unescape(WATCHER.search(capped).group(1))


def test_only_a_new_chats_first_reply_watches_its_title(chat_user, app):
    app.config["PEN_AUTO_TITLE"] = True
    chat_user.send("first").get_data()
    chat_user.wait()
    chat_id = chat_user.last_chat_id()
    body = chat_user.send("second", chat_id=chat_id).get_data(as_text=True)
    assert "title-watch" not in body
    chat_user.wait()


def test_a_title_changed_before_the_reply_ends_comes_with_its_end_and_is_not_watched(chat_user, app):
    app.config["PEN_AUTO_TITLE"] = True
    response = chat_user.send("original", model="fake-slow?ttft=0.3", buffered=False)
    chat_id = chat_user.last_chat_id()
    assert chat_user.client.post(f"/c/{chat_id}/rename", data={"name": "Mine"}, htmx=True).status_code == 200
    body = response.get_data(as_text=True)
    final = sse_events(body)[-1]
    assert 'class="msg msg-assistant"' in final and "title-watch" not in body
    assert 'id="chat-header"' in final and ">Mine</button>" in final  # the new title comes with the reply's end
    chat_user.wait()
