"""Writing imported chats and prompts: the plain records every importer produces, and their insertion.

Importers (Pen JSON, ChatGPT, Nova) first turn their input into these records, validating all
of it; only then is anything written. Rows get new ids; a message's `parent` is an index into
its chat's message list and becomes the new `parent_id`. Callers own the transaction.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from pen.extensions import db
from pen.models import Chat, Message, Prompt
from pen.orm import utcnow
from pen.web.fields import TEXT_MAX

NAME_MAX = TEXT_MAX  # chats.name, prompts.prompt_name
PROVIDER_MAX = 100  # chat_messages.provider
MODEL_MAX = TEXT_MAX
STATUSES = ("complete", "streaming", "stopped", "error")
EXTRA_FIELDS = ("error", "error_kind", "finish_reason", "input_tokens", "output_tokens", "latency_ms", "duration_ms")
BATCH = 200  # chats per round of INSERTs


@dataclass
class NewMessage:
    role: str
    content: str
    provider: str = ""
    model: str | None = None
    status: str = "complete"
    active: bool = True
    timestamp: datetime | None = None
    created_at: datetime | None = None  # defaults to `timestamp`
    parent: int | None = None  # index of the parent in the chat's message list
    extra: dict = field(default_factory=dict)  # error, error_kind, finish_reason, token counts, latency

    def columns(self) -> dict:
        stamp = self.timestamp or utcnow()
        return {
            "role": self.role, "content": self.content, "provider": self.provider, "model": self.model,
            "status": self.status, "active": self.active, "timestamp": stamp, "created_at": self.created_at or stamp,
            **{name: self.extra.get(name) for name in EXTRA_FIELDS},
        }


@dataclass
class NewChat:
    name: str
    messages: list[NewMessage]
    created_at: datetime | None = None
    timestamp: datetime | None = None  # last activity
    updated_at: datetime | None = None
    provider: str | None = None
    model: str | None = None
    system_prompt: str | None = None


@dataclass
class NewPrompt:
    name: str
    text: str
    created_at: datetime | None = None
    updated_at: datetime | None = None


def clip(value: str | None, limit: int) -> str | None:
    """Labels longer than their column are shortened (names, providers, models), never refused."""
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


def save_chats(user_id: int, chats: list[NewChat]) -> list[int]:
    """Insert chats and their messages, `BATCH` chats per round of statements; returns the chat ids."""
    chat_ids = []
    for start in range(0, len(chats), BATCH):
        batch = chats[start:start + BATCH]
        rows = [chat_row(user_id, chat) for chat in batch]
        db.session.add_all(rows)
        db.session.flush()
        ids = [row.id for row in rows]
        append_many([(chat_id, chat.messages, None) for chat_id, chat in zip(ids, batch, strict=True)])
        for row in rows:
            db.session.expunge(row)
        chat_ids += ids
    return chat_ids


def chat_row(user_id: int, chat: NewChat) -> Chat:
    stamps = [m.timestamp for m in chat.messages if m.timestamp]
    created = chat.created_at or min(stamps, default=None) or utcnow()
    return Chat(
        user_id=user_id, name=clip(chat.name, NAME_MAX) or "Untitled", created_at=created,
        timestamp=chat.timestamp or max(stamps, default=None) or created, updated_at=chat.updated_at,
        provider=clip(chat.provider, MODEL_MAX), model=clip(chat.model, MODEL_MAX), system_prompt=chat.system_prompt,
    )


def append_messages(chat_id: int, messages: list[NewMessage], *, parent_id: int | None = None) -> None:
    """Add messages to an existing chat; those without a parent hang under `parent_id`."""
    append_many([(chat_id, messages, parent_id)])


def append_many(groups: list[tuple[int, list[NewMessage], int | None]]) -> None:
    """Insert the messages of several chats in one batch, then link each to its parent's new id."""
    rows = [[Message(chat_id=chat_id, **message.columns()) for message in messages] for chat_id, messages, _ in groups]
    db.session.add_all([row for chat_rows in rows for row in chat_rows])
    db.session.flush()
    for chat_rows, (_, messages, parent_id) in zip(rows, groups, strict=True):
        ids = [row.id for row in chat_rows]
        for row, message in zip(chat_rows, messages, strict=True):
            row.parent_id = ids[message.parent] if message.parent is not None else parent_id
    db.session.flush()
    for chat_rows in rows:
        for row in chat_rows:
            db.session.expunge(row)


def save_prompt(user_id: int, prompt: NewPrompt) -> bool:
    """Insert a prompt unless the user already has one with the same name and text; True if inserted."""
    name = clip(prompt.name, NAME_MAX) or "Untitled"
    existing = db.session.scalars(
        select(Prompt.prompt_text).where(Prompt.user_id == user_id, Prompt.prompt_name == name)
    ).all()
    if prompt.text in existing:
        return False
    row = Prompt(user_id=user_id, prompt_name=name, prompt_text=prompt.text,
                 created_datetime=prompt.created_at or utcnow(), updated_datetime=prompt.updated_at)
    db.session.add(row)
    db.session.flush()
    db.session.expunge(row)
    return True
