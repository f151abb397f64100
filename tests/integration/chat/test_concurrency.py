"""Parallel streams: no database locks, no connection held while waiting, every reply exact."""

import logging
import threading

from pen.extensions import db
from tests.fakes.scenario import expected_text
from tests.integration.chat.conftest import sse_events, text_of


def clients_of(chat_user, count):
    """`count` clients sharing the signed-in session (like tabs of one browser)."""
    cookie = chat_user.client.get_cookie("pen_session")
    clients = []
    for _ in range(count):
        client = chat_user.app.test_client()
        client.set_cookie(cookie.key, cookie.value)
        clients.append(client)
    return clients


def test_twenty_parallel_streams_on_one_database(chat_user, caplog):
    model = "fake-tokens-40?delay=0.01"
    chat_user.allow(model)
    results, errors = {}, []

    def run(n, client):
        try:
            data = {"message": f"question {n}", "model": chat_user.model(model), "chat_id": ""}
            body = client.post("/chats/send", data=data, htmx=True).get_data(as_text=True)
            results[n] = text_of(sse_events(body)[-1])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    caplog.set_level(logging.WARNING)
    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(clients_of(chat_user, 20))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    chat_user.wait(30)
    assert errors == [] and len(results) == 20
    replies = {m.chat_id: m for m in chat_user.messages() if m.role == "assistant"}
    questions = {m.chat_id: m.content for m in chat_user.messages() if m.role == "user"}
    assert len(replies) == 20
    for chat_id, reply in replies.items():
        expected = expected_text(model, [{"role": "user", "content": questions[chat_id]}])
        assert (reply.status, reply.content) == ("complete", expected)
    assert "database is locked" not in caplog.text and "checkpoint failed" not in caplog.text


def test_two_tabs_stream_in_two_chats_at_once(chat_user):
    model = "fake-tokens-30?delay=0.01"
    chat_user.allow(model)
    tab_a, tab_b = clients_of(chat_user, 2)
    bodies = {}

    def run(name, client):
        data = {"message": f"from {name}", "model": chat_user.model(model), "chat_id": ""}
        bodies[name] = client.post("/chats/send", data=data, htmx=True).get_data(as_text=True)

    threads = [threading.Thread(target=run, args=item) for item in (("a", tab_a), ("b", tab_b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    chat_user.wait()
    assert len(chat_user.chats()) == 2
    assert all(m.status == "complete" for m in chat_user.messages())
    assert "from a" in bodies["a"] and "from b" in bodies["b"]


def test_a_stream_holds_no_database_connection_while_it_waits(chat_user, app):
    response = chat_user.send("wait for it", model="fake-slow?ttft=1.5", buffered=False)
    chunks = iter(response.response)
    next(chunks)  # the first event is out; the reply's first token is 1.5 s away
    with app.app_context():
        assert db.engine.pool.checkedout() == 0
    for _ in chunks:
        pass
    response.close()
    chat_user.wait()


def test_a_send_that_raced_another_is_refused_on_every_backend(chat_user, app):
    """Request B read the chat before request A's whole send committed: B must still see A's reply."""
    import pytest

    from pen.chat import turns
    from pen.models import Chat

    chat_user.send("first").get_data()
    chat_user.wait()
    chat_id = chat_user.last_chat_id()

    def request_a():
        with app.app_context():
            turns.send(db.session.get(Chat, chat_id), "from A", "Fake", "fake-echo")
            db.session.remove()

    with app.app_context():
        chat = db.session.get(Chat, chat_id)  # B's first read: on REPEATABLE READ this fixes its snapshot
        thread = threading.Thread(target=request_a)
        thread.start()
        thread.join(10)
        with pytest.raises(turns.TurnRefused):
            turns.send(chat, "from B", "Fake", "fake-echo")
    questions = [m.content for m in chat_user.messages(chat_id) if m.role == "user"]
    assert questions == ["first", "from A"]
