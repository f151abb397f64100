"""NUL characters: PostgreSQL cannot store them in text, so Pen removes them from every value it
writes, the same way on every backend; nothing fails, nothing is lost but the NUL itself."""

import io
import json

from pen.chat.generation import registry
from pen.extensions import db
from pen.models import Chat, Message, Prompt
from tests.integration.chat.conftest import add_fake_provider, add_key


def test_a_message_with_nul_characters_is_saved_without_them(app, client, make_user, login, fake_provider):
    user_id = make_user()
    provider_id = add_fake_provider(app, fake_provider)
    add_key(app, user_id)
    login(user_id)
    response = client.post("/chats/send", data={"message": "hello\x00 world", "model": f"{provider_id}:fake-echo"},
                           htmx=True)
    assert response.status_code == 200
    response.get_data()
    assert registry(app).wait_idle(10)
    with app.app_context():
        messages = db.session.scalars(db.select(Message).order_by(Message.id)).all()
        chat = db.session.scalars(db.select(Chat)).one()
    assert [m.content for m in messages] == ["hello world", "Echo: hello world"]
    assert chat.name == "hello world"


def test_a_reply_with_nul_characters_is_saved(app, client, make_user, login, fake_provider):
    user_id = make_user()
    provider_id = add_fake_provider(app, fake_provider, models=["fake-echo?text=a%00b"])
    add_key(app, user_id)
    login(user_id)
    client.post("/chats/send", data={"message": "hi", "model": f"{provider_id}:fake-echo?text=a%00b"}, htmx=True).get_data()
    assert registry(app).wait_idle(10)
    with app.app_context():
        reply = db.session.scalars(db.select(Message).where(Message.role == "assistant")).one()
    assert reply.status == "complete" and "\x00" not in reply.content and reply.content


def test_an_import_with_nul_characters_is_imported_without_them(app, client, make_user, login):
    user_id = make_user()
    login(user_id)
    export = {"format": "pen-export", "version": 1, "exported_at": "2026-01-01T00:00:00", "profile": {},
              "prompts": [{"name": "p\u0000", "text": "t\u0000"}], "connections": [],
              "chats": [{"name": "c\u0000", "timestamp": "2026-01-01T00:00:00", "created_at": "2026-01-01T00:00:00",
                         "messages": [{"id": 1, "parent": None, "role": "user", "content": "a\u0000b", "provider": "x",
                                       "status": "complete", "active": True, "timestamp": "2026-01-01T00:00:00"}]}]}
    response = client.post("/settings/data/import", htmx=True, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(json.dumps(export).encode()), "export.json")})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalars(db.select(Message.content)).all() == ["ab"]
        assert db.session.scalars(db.select(Prompt.prompt_name)).all() == ["p"]
