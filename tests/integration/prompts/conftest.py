"""Prompt fixtures: a signed-in user with helpers to add prompts (Pen's or Wingman's) and read them back."""

import re
from dataclasses import dataclass
from datetime import datetime

import pytest

from pen.extensions import db
from pen.models import Chat, Prompt


@dataclass
class PromptUser:
    app: object
    client: object
    user_id: int

    def add(self, name: str, text: str = "Some text", *, user_id: int | None = None, flag: str = "PEN",
            updated: datetime | None = None, created: datetime | None = None) -> int:
        with self.app.app_context():
            prompt = Prompt(user_id=user_id or self.user_id, prompt_name=name, prompt_text=text, system_flag=flag,
                            updated_datetime=updated)
            if created:
                prompt.created_datetime = created
            db.session.add(prompt)
            db.session.commit()
            return prompt.id

    def rows(self, user_id: int | None = None) -> list[Prompt]:
        with self.app.app_context():
            query = db.select(Prompt).where(Prompt.user_id == (user_id or self.user_id)).order_by(Prompt.id)
            return list(db.session.scalars(query))

    def get(self, prompt_id: int) -> Prompt | None:
        with self.app.app_context():
            return db.session.get(Prompt, prompt_id)

    def add_chat(self, user_id: int | None = None, system_prompt: str | None = None) -> int:
        with self.app.app_context():
            chat = Chat(user_id=user_id or self.user_id, name="A chat", system_prompt=system_prompt)
            db.session.add(chat)
            db.session.commit()
            return chat.id

    def chat(self, chat_id: int) -> Chat:
        with self.app.app_context():
            return db.session.get(Chat, chat_id)


@pytest.fixture
def writer(app, client, make_user, login) -> PromptUser:
    user_id = make_user(name="Writer")
    login(user_id)
    return PromptUser(app, client, user_id)


@pytest.fixture
def stranger(app, make_user) -> int:
    """Another user (not signed in)."""
    return make_user(name="Stranger")


def names_in(html: str) -> list[str]:
    """Prompt names in the order a list or picker shows them."""
    return re.findall(r'class="(?:prompt-name|prompt-option-title)">([^<]*)', html)
