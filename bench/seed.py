"""The benchmark database: users, a provider pointing at the fake, and bulk chats and messages.

Rows are written with SQLAlchemy Core `executemany` in batches (the ORM one by one would take
minutes for 50,000 messages). Ids are assigned here so each message can point at its parent;
PostgreSQL's sequences are moved past them afterwards.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, insert, select, text

from pen.extensions import db
from pen.models import Chat, Connection, Message, Provider, User
from pen.orm import utcnow
from pen.security.passwords import hash_password
from pen.security.secrets import encrypt

PASSWORD = "bench password, not a secret"  # noqa: S105
FAKE_KEY = "sk-test-key-123"
STREAM_EMAIL = "stream@example.com"
BIG_EMAIL = "big@example.com"
BATCH = 5000

WORDS = ["pen", "ink", "paper", "quill", "nib", "draft", "margin", "chapter", "verse", "letter", "notebook", "index",
         "page", "line", "word", "sentence", "story", "author", "reader", "editor", "proof", "print", "press", "type",
         "font", "serif"]


@dataclass(frozen=True)
class Seeded:
    provider_id: int
    stream_user_id: int
    stream_chat_ids: list[int]
    stream_history: dict[int, list[dict[str, str]]]  # what Pen sends the provider before a new message
    big_user_id: int
    big_chat_id: int  # the chat with `big_messages` messages
    big_chat_oldest_page_before: int  # a `before` id for an older-page fetch in the middle of it
    small_chat_id: int  # a chat of the same user with `history_per_chat` messages
    chats: int
    messages: int


def seed(fake_url: str, models: list[str], *, stream_chats: int, big_chats: int, big_messages: int,
         history_per_chat: int = 4) -> Seeded:
    """Fill an empty (migrated) database; runs inside an app context."""
    password = hash_password(PASSWORD)
    provider = Provider(name="Fake", base_urls=[fake_url + "/v1"], default_model=models[0], api_style="openai",
                        auth_header="Authorization: Bearer {key}", models=models)
    stream_user = User(name="Streamer", email=STREAM_EMAIL, password=password)
    big_user = User(name="Big Data", email=BIG_EMAIL, password=password)
    db.session.add_all([provider, stream_user, big_user])
    db.session.flush()
    for user in (stream_user, big_user):
        db.session.add(Connection(user_id=user.id, api_provider=provider.name, api_key=encrypt(FAKE_KEY)))
    db.session.commit()

    big_chats = max(1, big_chats)  # the big chat itself
    rng = random.Random(9)
    now = utcnow()
    stream_ids = _chats(stream_user.id, stream_chats, now, "Stream chat")
    big_ids = _chats(big_user.id, big_chats, now - timedelta(minutes=1), "Chat")
    big_chat_id = big_ids[0]  # the newest: first in the list
    message_rows: list[dict] = []
    first_id = _next_id(Message)
    for chat_ids, per_chat in ((stream_ids, 2), (big_ids[1:], history_per_chat), ([big_chat_id], big_messages)):
        message_rows += _conversation_rows(chat_ids, per_chat, now, rng, models[0], first_id + len(message_rows))
    _insert(Message.__table__, message_rows)
    _fix_sequences()
    big_ids_in_chat = [r["id"] for r in message_rows if r["chat_id"] == big_chat_id]
    middle = big_ids_in_chat[len(big_ids_in_chat) // 2] if big_ids_in_chat else 0
    history: dict[int, list[dict[str, str]]] = {chat_id: [] for chat_id in stream_ids}
    for row in message_rows:
        if row["chat_id"] in history:
            history[row["chat_id"]].append({"role": row["role"], "content": row["content"]})
    return Seeded(provider.id, stream_user.id, stream_ids, history, big_user.id, big_chat_id, middle,
                  big_ids[1] if len(big_ids) > 1 else big_chat_id, len(stream_ids) + len(big_ids), len(message_rows))


def _chats(user_id: int, count: int, newest, label: str) -> list[int]:
    first = _next_id(Chat)
    rows = [{"id": first + i, "user_id": user_id, "name": f"{label} {count - i}: {WORDS[i % len(WORDS)]} notes",
             "timestamp": newest - timedelta(minutes=37 * i), "created_at": newest - timedelta(minutes=37 * i + 5),
             "provider": "Fake", "model": None} for i in range(count)]
    _insert(Chat.__table__, rows)
    return [row["id"] for row in rows]


def _conversation_rows(chat_ids: list[int], per_chat: int, now, rng: random.Random, model: str,
                       next_id: int) -> list[dict]:
    """One active branch of `per_chat` alternating messages per chat, ids from `next_id` on."""
    rows: list[dict] = []
    for chat_id in chat_ids:
        parent = None
        for i in range(per_chat):
            role = "user" if i % 2 == 0 else "assistant"
            stamp = now - timedelta(seconds=(per_chat - i) * 30)
            rows.append({"id": next_id, "chat_id": chat_id, "role": role, "provider": "Fake",
                         "model": model if role == "assistant" else None, "parent_id": parent, "active": True,
                         "status": "complete", "timestamp": stamp, "created_at": stamp,
                         "content": _question(rng) if role == "user" else _answer(rng, i)})
            parent = next_id
            next_id += 1
    return rows


def _question(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30))).capitalize() + "?"


def _answer(rng: random.Random, i: int) -> str:
    """A reply of realistic shape: paragraphs, a list, inline code, sometimes a code block."""
    sentence = lambda: " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."  # noqa: E731
    parts = [" ".join(sentence() for _ in range(3)), "\n".join(f"- **{rng.choice(WORDS)}**: {sentence()}" for _ in range(3)),
             f"Use `{rng.choice(WORDS)}()` then {sentence()}"]
    if i % 6 == 1:
        parts.append("```python\ndef draft(page):\n    return [line.strip() for line in page if line]\n```")
    return "\n\n".join(parts)


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _insert(table, rows: list[dict]) -> None:
    with db.engine.begin() as connection:
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(table), rows[start:start + BATCH])


def _fix_sequences() -> None:
    """PostgreSQL: explicit ids leave the id sequences behind; move them past the largest id."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as connection:
        for table in ("chats", "chat_messages"):
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            ))
