"""Only Stop cancels a reply: a client going away does not, and a reopened chat follows it live."""

import time

from pen.chat.generation import registry
from pen.extensions import db
from pen.models import Message
from pen.orm import utcnow
from tests.integration.chat.conftest import is_body_update, sse_events, text_of

SLOW = "fake-tokens-60?delay=0.02"


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def streaming_reply(chat_user) -> Message:
    return next(m for m in chat_user.messages() if m.role == "assistant")


def open_stream(chat_user, model=SLOW):
    """Send, and return an iterator over the SSE answer's chunks (read on this thread, like a server)."""
    response = chat_user.send("count for me", model=model, buffered=False)
    return response, (chunk.decode() if isinstance(chunk, bytes) else chunk for chunk in response.response)


def read_until(chunks, predicate) -> list[str]:
    parts = []
    for chunk in chunks:
        parts.append(chunk)
        if predicate(chunk):
            return parts
    return parts


LONG = "fake-tokens-200?delay=0.02"  # 4 s: a stop that works ends it long before


def test_stop_ends_the_reply_and_keeps_the_partial_text(chat_user, app):
    response, chunks = open_stream(chat_user, model=LONG)
    parts = read_until(chunks, is_body_update)
    reply = streaming_reply(chat_user)
    started = time.monotonic()
    assert chat_user.client.post(f"/messages/{reply.id}/stop", htmx=True).status_code == 204
    parts += list(chunks)
    response.close()
    assert time.monotonic() - started < 2.5
    chat_user.wait()
    stopped = streaming_reply(chat_user)
    assert stopped.status == "stopped" and stopped.content and len(stopped.content.split()) < 150
    assert "Stopped." in text_of(sse_events("".join(parts))[-1])
    assert chat_user.fake.wait_for_disconnects(1), "the provider connection was closed"


def test_stop_reaches_a_generation_running_in_another_worker(chat_user, app):
    response, chunks = open_stream(chat_user, model=LONG)
    read_until(chunks, is_body_update)
    reply = streaming_reply(chat_user)
    with app.app_context():  # what the stop route on another worker does: only the database flag
        db.session.get(Message, reply.id).stop_requested = True
        db.session.commit()
    started = time.monotonic()
    list(chunks)
    response.close()
    assert time.monotonic() - started < 2.5  # the supervisor polls the flag twice a second
    chat_user.wait()
    assert streaming_reply(chat_user).status == "stopped"


def test_composer_stop_stops_the_chats_reply(chat_user):
    response, chunks = open_stream(chat_user)
    read_until(chunks, is_body_update)
    chat_id = chat_user.last_chat_id()
    assert chat_user.client.post("/chats/stop", data={"chat_id": chat_id}, htmx=True).status_code == 204
    list(chunks)
    response.close()
    chat_user.wait()
    assert streaming_reply(chat_user).status == "stopped"


def test_stop_on_a_finished_reply_changes_nothing(chat_user):
    chat_user.send("hi").get_data()
    chat_user.wait()
    reply = streaming_reply(chat_user)
    assert chat_user.client.post(f"/messages/{reply.id}/stop", htmx=True).status_code == 204
    after = streaming_reply(chat_user)
    assert (after.status, after.content, after.stop_requested) == ("complete", "Echo: hi", False)


def test_a_client_that_goes_away_does_not_end_the_reply(chat_user):
    response = chat_user.send("count for me", model=SLOW, buffered=False)
    chunks = iter(response.response)
    next(chunks)  # the first event arrived; then the browser tab closes
    response.close()
    chat_user.wait(15)
    reply = streaming_reply(chat_user)
    assert reply.status == "complete" and len(reply.content.split()) == 60


def test_reopened_chat_follows_the_reply_live_to_the_end(chat_user):
    response = chat_user.send("count for me", model=SLOW, buffered=False)
    next(iter(response.response))
    response.close()
    reply = streaming_reply(chat_user)
    page = chat_user.client.get(f"/c/{reply.chat_id}")
    assert f'hx-sse:connect="/messages/{reply.id}/stream"' in page.text
    assert 'id="composer-input"' in page.text and "disabled" in page.text.split('id="composer-input"')[1].split(">")[0]
    body = chat_user.client.get(f"/messages/{reply.id}/stream", htmx=True).get_data(as_text=True)
    final = sse_events(body)[-1]
    assert "is-streaming" not in final and len(text_of(final).split()) > 60
    assert streaming_reply(chat_user).status == "complete"


def test_following_from_another_worker_reads_the_checkpoints(chat_user, app):
    response = chat_user.send("count for me", model=SLOW, buffered=False)
    next(iter(response.response))
    response.close()
    reply = streaming_reply(chat_user)
    generation = registry(app).live.pop(reply.id)  # this worker no longer knows it: like another process
    try:
        body = chat_user.client.get(f"/messages/{reply.id}/stream", htmx=True).get_data(as_text=True)
    finally:
        generation.join(15)
    events = sse_events(body)
    assert len(events) >= 2 and "Echo" not in events[-1]
    assert streaming_reply(chat_user).status == "complete"
    assert len(text_of(events[-1]).split()) > 60


def test_checkpoints_reach_the_database_while_streaming(chat_user):
    response, chunks = open_stream(chat_user, model="fake-tokens-80?delay=0.05")
    read_until(chunks, is_body_update)
    response.close()  # the browser leaves; the reply goes on and is checkpointed
    assert wait_for(lambda: len(streaming_reply(chat_user).content) > 0, timeout=3)
    assert streaming_reply(chat_user).status == "streaming"
    chat_user.wait(15)


def test_a_reply_left_streaming_by_a_dead_worker_is_marked_interrupted_when_read(chat_user, app):
    chat_user.send("hi").get_data()
    chat_user.wait()
    reply = streaming_reply(chat_user)
    with app.app_context():
        row = db.session.get(Message, reply.id)
        row.status, row.content = "streaming", "partial text from before the crash"
        row.updated_at = utcnow().replace(year=2020)
        db.session.commit()
    page = chat_user.client.get(f"/c/{reply.chat_id}")
    assert "Interrupted" in page.text and "partial text from before the crash" in page.text
    after = streaming_reply(chat_user)
    assert after.status == "stopped" and after.content == "partial text from before the crash"


def leave_stale_reply(chat_user, app) -> Message:
    """A finished turn whose reply is then made to look left `streaming` by a dead worker."""
    chat_user.send("hi").get_data()
    chat_user.wait()
    reply = streaming_reply(chat_user)
    with app.app_context():
        row = db.session.get(Message, reply.id)
        row.status, row.content, row.updated_at = "streaming", "half a reply", utcnow().replace(year=2020)
        db.session.commit()
    return reply


def test_following_a_reply_whose_worker_died_ends_as_interrupted(chat_user, app):
    reply = leave_stale_reply(chat_user, app)
    started = time.monotonic()
    body = chat_user.client.get(f"/messages/{reply.id}/stream", htmx=True).get_data(as_text=True)
    assert time.monotonic() - started < 3
    assert "Interrupted" in sse_events(body)[-1] and streaming_reply(chat_user).status == "stopped"


def test_a_reply_whose_worker_died_does_not_block_the_next_message(chat_user, app):
    reply = leave_stale_reply(chat_user, app)
    response = chat_user.send("next question", chat_id=reply.chat_id)
    assert response.status_code == 200
    response.get_data()
    chat_user.wait()
    assert [m.status for m in chat_user.messages()][-3:] == ["stopped", "complete", "complete"]


def test_stop_clears_a_reply_whose_worker_died(chat_user, app):
    reply = leave_stale_reply(chat_user, app)
    assert chat_user.client.post(f"/messages/{reply.id}/stop", htmx=True).status_code == 204
    stopped = streaming_reply(chat_user)
    assert stopped.status == "stopped" and stopped.content == "half a reply"


def test_deleting_a_chat_stops_its_reply_even_on_another_worker(chat_user, app):
    response, chunks = open_stream(chat_user, model=LONG)
    read_until(chunks, is_body_update)
    response.close()
    reply = streaming_reply(chat_user)
    with app.app_context():  # what "delete all my chats" on another worker does: the rows go
        db.session.execute(db.delete(Message).where(Message.chat_id == reply.chat_id))
        db.session.commit()
    generation = registry(app).get(reply.id)
    assert generation is not None and generation.join(3), "the reply kept running for a deleted chat"
    assert chat_user.fake.wait_for_disconnects(1)
