"""A small world for the security suite: an owner with a chat, messages, a prompt and a key; another
user; an admin; a provider pointing at the fake LLM. Ids are real rows."""

from dataclasses import dataclass

import pytest

from pen.extensions import db
from pen.models import Chat, Connection, Message, Prompt, Provider
from pen.security.secrets import encrypt
from tests.conftest import DEFAULT_PASSWORD
from tests.fakes.fixtures import FAKE_KEY


@dataclass
class World:
    owner: int
    other: int
    admin: int
    provider: int
    connection: int
    chat: int
    question: int
    reply: int
    prompt: int

    def ids(self) -> dict[str, int]:
        return {"chat_id": self.chat, "message_id": self.reply, "prompt_id": self.prompt,
                "connection_id": self.connection, "provider_id": self.provider, "user_id": self.other}


@pytest.fixture
def world(app, make_user, fake_provider) -> World:
    admin = make_user(name="Admin", admin=True)
    owner = make_user(name="Owner")
    other = make_user(name="Other")
    with app.app_context():
        provider = Provider(name="Fake", base_urls=[fake_provider.url + "/v1"], default_model="fake-echo",
                            auth_header="Authorization: Bearer {key}", api_style="openai", models=["fake-echo"])
        db.session.add(provider)
        connection = Connection(user_id=owner, api_provider="Fake", api_key=encrypt(FAKE_KEY))
        chat = Chat(user_id=owner, name="Owner's chat", provider="Fake", model="fake-echo")
        prompt = Prompt(user_id=owner, prompt_name="Owner's prompt", prompt_text="Summarise {{topic}}")
        db.session.add_all([connection, chat, prompt])
        db.session.flush()
        question = Message(chat_id=chat.id, role="user", content="question", provider="Fake", model="fake-echo")
        db.session.add(question)
        db.session.flush()
        reply = Message(chat_id=chat.id, role="assistant", content="answer", provider="Fake", model="fake-echo",
                        parent_id=question.id)
        db.session.add(reply)
        db.session.commit()
        return World(owner, other, admin, provider.id, connection.id, chat.id, question.id, reply.id, prompt.id)


@pytest.fixture
def as_user(app):
    """A fresh client signed in as the given user."""

    def sign_in(user_id: int):
        from pen.models import User

        client = app.test_client()
        with app.app_context():
            email = db.session.get(User, user_id).email
        response = client.post("/signin", data={"email": email, "password": DEFAULT_PASSWORD})
        assert response.status_code == 303
        return client

    return sign_in
