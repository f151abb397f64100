"""A page costs the same number of SQL queries whatever the size of the data behind it."""

from datetime import timedelta

from sqlalchemy import insert

from pen.chat.turns import link_legacy_messages
from pen.extensions import db
from pen.models import Chat, Message
from pen.orm import utcnow

MAX_QUERIES_PER_PAGE = 8


def add_chat(app, user_id: int, messages: int, name: str = "Chat") -> int:
    """A chat with one active branch of `messages` alternating messages (a bulk insert)."""
    now = utcnow()
    with app.app_context():
        chat = Chat(user_id=user_id, name=name, provider="Fake", model="fake-echo")
        db.session.add(chat)
        db.session.commit()
        rows = [{"chat_id": chat.id, "role": "user" if i % 2 == 0 else "assistant", "provider": "Fake",
                 "status": "complete", "active": True, "content": f"message {i} with `code` and **bold**",
                 "timestamp": now - timedelta(seconds=messages - i), "created_at": now - timedelta(seconds=messages - i)}
                for i in range(messages)]
        if rows:
            db.session.execute(insert(Message), rows)
        link_legacy_messages(chat.id)  # each message answers the one before it: one active branch
        db.session.commit()
        return chat.id


def queries_for(client, statements, path: str, **kwargs) -> list[str]:
    client.get(path, **kwargs)  # warm: first-request work (caches, templates) is not what is measured
    statements.clear()
    response = client.get(path, **kwargs)
    assert response.status_code == 200
    return list(statements)


def test_chat_page_queries_do_not_grow_between_10_and_1000_messages(app, client, make_user, login, statements):
    user_id = make_user()
    login(user_id)
    small, big = add_chat(app, user_id, 10, "Small"), add_chat(app, user_id, 1000, "Big")
    small_queries = queries_for(client, statements, f"/c/{small}")
    big_queries = queries_for(client, statements, f"/c/{big}")
    assert len(big_queries) <= len(small_queries), "\n".join(big_queries)
    assert len(big_queries) <= MAX_QUERIES_PER_PAGE, "\n".join(big_queries)


def test_older_page_and_chat_list_queries_do_not_grow(app, client, make_user, login, statements):
    user_id = make_user()
    login(user_id)
    small, big = add_chat(app, user_id, 10, "Small"), add_chat(app, user_id, 1000, "Big")
    for _ in range(60):
        add_chat(app, user_id, 0, "Empty")
    with app.app_context():
        middle = db.session.scalars(db.select(Message.id).where(Message.chat_id == big).order_by(Message.id)
                                    .offset(500).limit(1)).one()
    older_big = queries_for(client, statements, f"/c/{big}/messages?before={middle}", headers={"HX-Request": "true"})
    older_small = queries_for(client, statements, f"/c/{small}/messages?before={10**9}", headers={"HX-Request": "true"})
    assert len(older_big) <= len(older_small) <= MAX_QUERIES_PER_PAGE
    chat_list = queries_for(client, statements, "/chats", headers={"HX-Request": "true"})
    assert len(chat_list) <= 3, "\n".join(chat_list)
