"""Exports (everything as JSON, one chat as Markdown or JSON) and importing Pen's JSON back."""

import json

import pytest
from sqlalchemy import func, select

from config import TestConfig
from pen import create_app
from pen.data import export as export_module
from pen.extensions import db
from pen.models import Chat, Connection, Message, Prompt
from pen.schema import upgrade_schema
from pen.security.secrets import encrypt
from tests.conftest import DEFAULT_PASSWORD, PenClient
from tests.integration.data.conftest import upload

SECRET_KEY_VALUE = "sk-proj-NeverExportThisKey123456789"


@pytest.fixture
def owner(app, make_user, make_chat):
    """A user with two chats (one with branches), two prompts and a connection; returns the user id."""
    user_id = make_user(name="Olive Owner", email="olive@example.com")
    make_chat(user_id, "Branches")
    make_chat(user_id, "Second chat ✓")
    with app.app_context():
        db.session.add_all([
            Prompt(user_id=user_id, prompt_name="Translate", prompt_text="Translate into French:"),
            Prompt(user_id=user_id, prompt_name="Review", prompt_text="Review this code.\nBe kind."),
            Connection(user_id=user_id, api_key=encrypt(SECRET_KEY_VALUE), api_provider="OpenAI", selected_model="gpt-4o"),
        ])
        db.session.commit()
    return user_id


def export_json(client) -> dict:
    response = client.get("/settings/data/export.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def test_download_everything_is_a_json_attachment_without_keys(client, login, owner):
    login(owner)
    response = client.get("/settings/data/export.json")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"].startswith("attachment; filename=pen-export-")
    assert response.mimetype == "application/json"
    body = response.get_data(as_text=True)
    assert SECRET_KEY_VALUE not in body and "gAAAAA" not in body and "password" not in body
    document = json.loads(body)
    assert (document["format"], document["version"]) == ("pen-export", 1)
    assert document["profile"]["email"] == "olive@example.com" and document["profile"]["name"] == "Olive Owner"
    assert [p["name"] for p in document["prompts"]] == ["Translate", "Review"]
    assert document["connections"] == [{"provider": "OpenAI", "selected_model": "gpt-4o", "shared": False,
                                        "created_at": document["connections"][0]["created_at"], "updated_at": None}]
    chat = document["chats"][0]
    assert (chat["name"], chat["provider"], chat["model"], chat["system_prompt"]) == ("Branches", "OpenAI", "gpt-4o", "Answer in one line.")
    assert chat["created_at"] == "2026-03-01T09:00:00.123Z"
    assert [(m["id"], m["parent"], m["role"], m["active"]) for m in chat["messages"]] == [
        (1, None, "user", True), (2, 1, "assistant", False), (3, 1, "assistant", True), (4, 3, "user", True),
        (5, 4, "assistant", True)]
    assert chat["messages"][2]["input_tokens"] == 12 and chat["messages"][4]["error_kind"] == "rate_limited"


def test_export_then_import_into_another_user_gives_identical_chats(app, client, login, owner, make_user):
    login(owner)
    exported = export_json(client)
    client.post("/signout")
    other = make_user(email="other@example.com")
    login(other)
    response = upload(client, json.dumps(exported))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "2 chats with 10 messages, 2 prompts" in response.get_data(as_text=True)
    again = export_json(client)
    assert again["chats"] == exported["chats"]
    assert [(p["name"], p["text"]) for p in again["prompts"]] == [(p["name"], p["text"]) for p in exported["prompts"]]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Connection).where(Connection.user_id == other)) == 0
        assert db.session.scalar(select(func.count()).select_from(Prompt).where(Prompt.system_flag == "PEN")) == 4


def test_an_export_imports_into_another_pen_instance(client, login, owner, tmp_path):
    login(owner)
    exported = export_json(client)
    elsewhere = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'elsewhere.db'}"})
    elsewhere.test_client_class = PenClient
    with elsewhere.app_context():
        upgrade_schema()
    visitor = elsewhere.test_client()
    signup = {"name": "New", "email": "olive@example.com", "password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD}
    assert visitor.post("/signup", data=signup).status_code == 303
    assert upload(visitor, json.dumps(exported)).status_code == 200
    assert export_json(visitor)["chats"] == exported["chats"]
    with elsewhere.app_context():
        db.engine.dispose()


def test_importing_the_same_export_twice_duplicates_nothing(client, login, owner):
    login(owner)
    exported = json.dumps(export_json(client))
    page = upload(client, exported).get_data(as_text=True)
    assert "0 chats with 0 messages, 0 prompts" in page
    assert "Already here, not duplicated: 2 chats, 2 prompts" in page
    assert len(export_json(client)["chats"]) == 2


def test_ids_in_a_file_never_reach_another_users_chat(app, client, login, make_user, make_chat):
    victim = make_user(email="victim@example.com")
    victim_chat = make_chat(victim, "Private")
    with app.app_context():
        victim_messages = db.session.scalars(select(Message.id).where(Message.chat_id == victim_chat)).all()
    attacker = make_user(email="attacker@example.com")
    login(attacker)
    crafted = {"format": "pen-export", "version": 1, "chats": [{
        "id": victim_chat, "chat_id": victim_chat, "user_id": victim, "name": "Injected",
        "messages": [{"id": victim_messages[0], "chat_id": victim_chat, "parent": None, "role": "user", "content": "pwned"},
                     {"id": victim_messages[-1], "parent": victim_messages[0], "role": "assistant", "content": "ok"}]}]}
    assert upload(client, json.dumps(crafted)).status_code == 200
    with app.app_context():
        assert db.session.scalars(select(Message.id).where(Message.chat_id == victim_chat)).all() == victim_messages
        injected = db.session.scalars(select(Chat).where(Chat.name == "Injected")).one()
        assert injected.user_id == attacker and injected.id != victim_chat
        ids = db.session.scalars(select(Message.id).where(Message.chat_id == injected.id).order_by(Message.id)).all()
        assert not set(ids) & set(victim_messages)
        parents = db.session.scalars(select(Message.parent_id).where(Message.chat_id == injected.id).order_by(Message.id)).all()
        assert parents == [None, ids[0]]


def test_the_export_reads_chats_in_batches_and_keeps_their_order(app, client, login, make_user, monkeypatch):
    user_id = make_user()
    with app.app_context():
        for n in range(7):
            chat = Chat(user_id=user_id, name=f"Chat {n}")
            db.session.add(chat)
            db.session.flush()
            db.session.add(Message(chat_id=chat.id, role="user", content=f"message {n}", provider="OpenAI"))
        db.session.commit()
    monkeypatch.setattr(export_module, "BATCH", 3)
    login(user_id)
    chats = export_json(client)["chats"]
    assert [c["name"] for c in chats] == [f"Chat {n}" for n in range(7)]
    assert [c["messages"][0]["content"] for c in chats] == [f"message {n}" for n in range(7)]


def test_markdown_download_shows_the_active_branch_with_roles_and_models(app, client, login, owner):
    login(owner)
    with app.app_context():
        chat_id = db.session.scalars(select(Chat.id).where(Chat.name == "Branches")).one()
    response = client.get(f"/c/{chat_id}/export.md")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"] == f"attachment; filename=pen-chat-{chat_id}-branches.md"
    text = response.get_data(as_text=True)
    assert text.startswith("# Branches\n")
    assert "> Answer in one line." in text
    assert "### You" in text and "### Assistant · gpt-4o" in text
    assert "Four." in text and "Five." not in text  # the replaced version is not on the branch shown
    assert text.index("What is 2 + 2?") < text.index("Four.") < text.index("ünïcødé")
    assert "*(error: Rate limited: try again in 20 s.)*" in text


def test_one_chat_as_json_imports_back_as_the_same_chat(app, client, login, owner, make_user):
    login(owner)
    with app.app_context():
        chat_id = db.session.scalars(select(Chat.id).where(Chat.name == "Branches")).one()
    response = client.get(f"/c/{chat_id}/export.json")
    assert response.headers["Content-Disposition"] == f"attachment; filename=pen-chat-{chat_id}-branches.json"
    document = json.loads(response.get_data(as_text=True))
    assert document["format"] == "pen-export" and len(document["chats"]) == 1 and "profile" not in document
    client.post("/signout")
    login(make_user())
    assert upload(client, json.dumps(document)).status_code == 200
    assert export_json(client)["chats"] == document["chats"]


@pytest.mark.parametrize("suffix", ["export.md", "export.json"])
def test_another_users_chat_download_is_404(app, client, login, owner, make_user, suffix):
    with app.app_context():
        chat_id = db.session.scalars(select(Chat.id).where(Chat.user_id == owner)).first()
    login(make_user())
    assert client.get(f"/c/{chat_id}/{suffix}").status_code == 404
    assert client.get(f"/c/999999/{suffix}").status_code == 404


def test_downloads_need_a_signed_in_user(client, owner):
    assert client.get("/settings/data/export.json").status_code in (302, 303)
    assert client.get("/c/1/export.md").status_code in (302, 303)
