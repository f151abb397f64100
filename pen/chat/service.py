"""Chats and messages: ownership-checked lookups, pages, titles, rename and delete."""

import re
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, delete, or_, select

from pen.extensions import db
from pen.models import Chat, Message
from pen.web.fields import TEXT_MAX, contains

MESSAGE_PAGE = 50
CHAT_PAGE = 40
TITLE_MAX = TEXT_MAX
AUTO_TITLE_CHARS = 60


def get_chat_or_404(chat_id: int) -> Chat:
    """The signed-in user's chat, or 404 (another user's chat does not exist for them)."""
    chat = db.session.scalars(select(Chat).where(Chat.id == chat_id, Chat.user_id == current_user.id)).first()
    if chat is None:
        abort(404)
    return chat


def get_message_or_404(message_id: int) -> tuple[Message, Chat]:
    row = db.session.execute(
        select(Message, Chat).join(Chat, Chat.id == Message.chat_id)
        .where(Message.id == message_id, Chat.user_id == current_user.id)
    ).first()
    if row is None:
        abort(404)
    return row[0], row[1]


MARKDOWN_MARKS = re.compile(r"^[#>\-*+\s]+|[*_`~]+|!?\[([^\]]*)\]\([^)]*\)")


def auto_title(text: str) -> str:
    """A title from the first message: its first line without markdown marks, cut at a word boundary."""
    lines = (MARKDOWN_MARKS.sub(lambda m: m.group(1) or "", part).strip() for part in text.strip().splitlines())
    line = " ".join(next((part for part in lines if part), "New chat").split())
    if len(line) <= AUTO_TITLE_CHARS:
        return line
    cut = line[:AUTO_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",.;:-")
    return (cut or line[:AUTO_TITLE_CHARS]) + "…"


def clean_title(name: str) -> str:
    return " ".join(name.split())[:TITLE_MAX]


@dataclass(frozen=True)
class ChatCursor:
    """Keyset position in the chat list (newest activity first)."""

    timestamp: datetime
    chat_id: int

    def encode(self) -> str:
        return f"{self.timestamp.isoformat()}_{self.chat_id}"

    @classmethod
    def decode(cls, raw: str | None) -> "ChatCursor | None":
        if not raw or "_" not in raw:
            return None
        stamp, _, chat_id = raw.rpartition("_")
        try:
            return cls(datetime.fromisoformat(stamp), int(chat_id))
        except ValueError:
            return None


def chat_page(user_id: int, *, after: ChatCursor | None = None, query: str = "", limit: int = CHAT_PAGE):
    """One page of the user's chats, newest activity first; returns (chats, next cursor or None)."""
    statement = select(Chat.id, Chat.name, Chat.timestamp).where(Chat.user_id == user_id)
    if query:
        statement = statement.where(contains(Chat.name, query))
    if after:
        statement = statement.where(
            or_(Chat.timestamp < after.timestamp, and_(Chat.timestamp == after.timestamp, Chat.id < after.chat_id))
        )
    rows = db.session.execute(statement.order_by(Chat.timestamp.desc(), Chat.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = ChatCursor(rows[-1].timestamp, rows[-1].id) if more else None
    return rows, cursor


def message_page(chat_id: int, *, before_id: int | None = None, limit: int = MESSAGE_PAGE):
    """The latest page of the active branch (or the page before `before_id`), oldest first."""
    statement = select(Message).where(Message.chat_id == chat_id, Message.active.is_(True))
    if before_id is not None:
        statement = statement.where(Message.id < before_id)
    rows = db.session.scalars(statement.order_by(Message.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    return list(reversed(rows[:limit])), more


@dataclass(frozen=True)
class Versions:
    """Where a message sits among its siblings (regenerated or edited versions)."""

    index: int
    total: int
    previous_id: int | None
    next_id: int | None


def has_unlinked_messages(chat_id: int) -> bool:
    """Rows Wingman wrote have no `parent_id`: a reply without a parent means a linear legacy chat
    (Pen links such chats the first time it writes to them; see turns.link_legacy_messages)."""
    return db.session.scalar(
        select(Message.id)
        .where(Message.chat_id == chat_id, Message.parent_id.is_(None), Message.role != "user")
        .limit(1)
    ) is not None


def versions_for(chat_id: int, messages: list[Message]) -> dict[int, Versions]:
    """Sibling positions for the messages of one page, in one query (two for a legacy chat)."""
    parents = {m.parent_id for m in messages if m.parent_id is not None}
    has_roots = any(m.parent_id is None for m in messages) and not has_unlinked_messages(chat_id)
    if not parents and not has_roots:
        return {}
    conditions = [Message.parent_id.in_(parents)] if parents else []
    if has_roots:
        conditions.append(and_(Message.parent_id.is_(None), Message.role == "user"))
    rows = db.session.execute(
        select(Message.id, Message.parent_id).where(Message.chat_id == chat_id, or_(*conditions)).order_by(Message.id)
    ).all()
    groups: dict[int | None, list[int]] = {}
    for message_id, parent_id in rows:
        groups.setdefault(parent_id, []).append(message_id)
    result = {}
    for message in messages:
        siblings = groups.get(message.parent_id, [message.id])
        if message.id not in siblings:
            continue
        index = siblings.index(message.id)
        result[message.id] = Versions(
            index + 1,
            len(siblings),
            siblings[index - 1] if index > 0 else None,
            siblings[index + 1] if index + 1 < len(siblings) else None,
        )
    return result


def streaming_message_ids(chat_id: int) -> list[int]:
    return list(
        db.session.scalars(select(Message.id).where(Message.chat_id == chat_id, Message.status == "streaming"))
    )


def rename_chat(chat: Chat, name: str) -> None:
    chat.name = clean_title(name)
    db.session.commit()


def delete_chat(chat: Chat) -> None:
    db.session.execute(delete(Message).where(Message.chat_id == chat.id))
    db.session.delete(chat)
    db.session.commit()

