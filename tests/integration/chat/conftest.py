"""Chat fixtures: a provider pointing at the fake, a signed-in user with a key, and SSE helpers."""

import re
from dataclasses import dataclass

import pytest

from pen.chat.generation import registry
from pen.extensions import db
from pen.models import Chat, Connection, Message, Provider
from pen.security.secrets import encrypt
from tests.fakes.fixtures import FAKE_KEY

MODELS = ["fake-echo", "fake-slow", "fake-tokens-200"]


def sse_events(body: str) -> list[str]:
    """The data of each SSE event in a response body (comments dropped)."""
    events = []
    for block in body.split("\n\n"):
        data = [line[6:] if line.startswith("data: ") else line[5:] for line in block.split("\n") if line.startswith("data:")]
        if data:
            events.append("\n".join(data))
    return events


def is_body_update(event: str) -> bool:
    """A growing reply's body (a new chat's first event also swaps the chat list out of band)."""
    return '-body" hx-swap-oob="innerHTML"' in event


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@dataclass
class ChatUser:
    app: object
    client: object
    user_id: int
    provider_id: int
    fake: object

    def model(self, name: str = "fake-echo") -> str:
        return f"{self.provider_id}:{name}"

    def allow(self, model: str) -> None:
        """Put a fake scenario model on the provider's model list (the picker only offers listed models)."""
        with self.app.app_context():
            provider = db.session.get(Provider, self.provider_id)
            if model not in provider.models:
                provider.models = [*provider.models, model]
                db.session.commit()

    def send(self, text: str, model: str = "fake-echo", chat_id: int | None = None, *, listed: bool = True, **kwargs):
        if listed:
            self.allow(model)
        data = {"message": text, "model": self.model(model), "chat_id": chat_id or ""}
        return self.client.post("/chats/send", data=data, htmx=True, **kwargs)

    def wait(self, timeout: float = 10) -> None:
        assert registry(self.app).wait_idle(timeout), "a reply is still being generated"

    def messages(self, chat_id: int | None = None) -> list[Message]:
        with self.app.app_context():
            query = db.select(Message).order_by(Message.id)
            if chat_id:
                query = query.where(Message.chat_id == chat_id)
            return db.session.scalars(query).all()

    def chats(self) -> list[Chat]:
        with self.app.app_context():
            return db.session.scalars(db.select(Chat).order_by(Chat.id)).all()

    def last_chat_id(self) -> int:
        return self.chats()[-1].id


def add_fake_provider(app, fake, *, name="Fake", style="openai", models=None, enabled=True) -> int:
    base = fake.url + ("/v1" if style == "openai" else "/v1beta" if style == "gemini" else "")
    auth = {"openai": "Authorization: Bearer {key}", "anthropic": "x-api-key", "gemini": "x-goog-api-key",
            "ollama": "Authorization: Bearer {key}"}[style]
    with app.app_context():
        provider = Provider(name=name, base_urls=[base], default_model="fake-echo", auth_header=auth, api_style=style,
                            models=models or MODELS, enabled=enabled, requires_auth=style != "ollama")
        db.session.add(provider)
        db.session.commit()
        return provider.id


def add_key(app, user_id: int, provider: str = "Fake", key: str = FAKE_KEY) -> None:
    with app.app_context():
        db.session.add(Connection(user_id=user_id, api_provider=provider, api_key=encrypt(key)))
        db.session.commit()


@pytest.fixture
def chat_user(app, client, make_user, login, fake_provider) -> ChatUser:
    user_id = make_user(name="Chatter")
    provider_id = add_fake_provider(app, fake_provider)
    add_key(app, user_id)
    login(user_id)
    return ChatUser(app, client, user_id, provider_id, fake_provider)


@pytest.fixture
def other_user(app, make_user):
    """A second signed-in user (their own client) with one chat and message."""
    user_id = make_user(name="Other")
    with app.app_context():
        chat = Chat(user_id=user_id, name="Not yours")
        db.session.add(chat)
        db.session.flush()
        message = Message(chat_id=chat.id, role="assistant", content="secret", provider="Fake", model="m",
                          status="streaming")
        db.session.add(message)
        db.session.commit()
        return {"user_id": user_id, "chat_id": chat.id, "message_id": message.id}
