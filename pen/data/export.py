"""Exports: everything a user owns as one streamed JSON document, one chat as JSON or Markdown.

The JSON (`"format": "pen-export", "version": 1`) is what `importers.parse_pen` reads back.
Chats are read 200 at a time with their messages in one query per batch, as plain rows (no ORM
identity map), and written out as they are read: memory stays flat for any number of chats.
Keys are never exported: connections list only provider and model.
"""

import json
import re
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from pen.data.restore import EXTRA_FIELDS
from pen.extensions import db
from pen.models import Chat, Connection, Message, Prompt, User
from pen.orm import utcnow

FORMAT = "pen-export"
VERSION = 1
BATCH = 200

CHAT_COLUMNS = (Chat.id, Chat.name, Chat.timestamp, Chat.created_at, Chat.updated_at, Chat.provider, Chat.model,
                Chat.system_prompt)
MESSAGE_COLUMNS = (Message.id, Message.chat_id, Message.parent_id, Message.role, Message.content, Message.provider,
                   Message.model, Message.status, Message.active, Message.timestamp, Message.created_at,
                   Message.error, Message.error_kind, Message.finish_reason, Message.input_tokens,
                   Message.output_tokens, Message.latency_ms, Message.duration_ms)


def iso(moment: datetime | None) -> str | None:
    """Naive UTC → ISO 8601 with milliseconds and Z."""
    return moment.isoformat(timespec="milliseconds") + "Z" if moment else None


def envelope() -> dict:
    return {"format": FORMAT, "version": VERSION, "exported_at": iso(utcnow())}


def export_all(user_id: int) -> Iterator[str]:
    """The whole export of one user, as JSON text in pieces (for a streamed response)."""
    user = db.session.get(User, user_id)
    head = envelope() | {"profile": profile(user), "prompts": prompts(user_id), "connections": connections(user_id)}
    yield json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "chats": ['
    separator = "\n"
    for chat in iter_chats(Chat.user_id == user_id):
        yield separator + json.dumps(chat, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def export_chat(chat: Chat) -> str:
    records = list(iter_chats(Chat.id == chat.id))
    return json.dumps(envelope() | {"chats": records}, ensure_ascii=False, indent=1) + "\n"


def profile(user: User) -> dict:
    return {"name": user.name, "email": user.email, "created_at": iso(user.created_at),
            "default_provider": user.default_provider, "default_model": user.default_model}


def prompts(user_id: int) -> list[dict]:
    rows = db.session.execute(
        select(Prompt.prompt_name, Prompt.prompt_text, Prompt.created_datetime, Prompt.updated_datetime)
        .where(Prompt.user_id == user_id).order_by(Prompt.id)
    )
    return [{"name": name, "text": text, "created_at": iso(created), "updated_at": iso(updated)}
            for name, text, created, updated in rows]


def connections(user_id: int) -> list[dict]:
    rows = db.session.execute(
        select(Connection.api_provider, Connection.selected_model, Connection.is_shared, Connection.created_at,
               Connection.updated_at).where(Connection.user_id == user_id).order_by(Connection.id)
    )
    return [{"provider": provider, "selected_model": model, "shared": shared, "created_at": iso(created),
             "updated_at": iso(updated)} for provider, model, shared, created, updated in rows]


def iter_chats(condition) -> Iterator[dict]:
    """Chat records (with all their messages, every branch) matching `condition`, in id order, batched."""
    after = 0
    while True:
        chats = db.session.execute(
            select(*CHAT_COLUMNS).where(condition, Chat.id > after).order_by(Chat.id).limit(BATCH)
        ).all()
        if not chats:
            return
        by_chat: dict[int, list] = {chat.id: [] for chat in chats}
        rows = db.session.execute(
            select(*MESSAGE_COLUMNS).where(Message.chat_id.in_(by_chat)).order_by(Message.chat_id, Message.id)
        )
        for row in rows:
            by_chat[row.chat_id].append(row)
        for chat in chats:
            yield chat_record(chat, by_chat[chat.id])
        after = chats[-1].id


def chat_record(chat, messages: list) -> dict:
    local = {row.id: number for number, row in enumerate(messages, start=1)}
    return {
        "name": chat.name, "timestamp": iso(chat.timestamp), "created_at": iso(chat.created_at),
        "updated_at": iso(chat.updated_at), "provider": chat.provider, "model": chat.model,
        "system_prompt": chat.system_prompt,
        "messages": [message_record(row, local) for row in messages],
    }


def message_record(row, local: dict[int, int]) -> dict:
    return {
        "id": local[row.id], "parent": local.get(row.parent_id), "role": row.role, "content": row.content,
        "provider": row.provider, "model": row.model, "status": row.status, "active": bool(row.active),
        "timestamp": iso(row.timestamp), "created_at": iso(row.created_at),
        **{name: getattr(row, name) for name in EXTRA_FIELDS},
    }


ROLE_LABELS = {"user": "You", "assistant": "Assistant", "system": "System"}


def chat_markdown(chat: Chat) -> str:
    """The branch currently shown, in order, with roles and model names."""
    rows = db.session.execute(
        select(Message.role, Message.content, Message.model, Message.provider, Message.status, Message.error,
               Message.timestamp).where(Message.chat_id == chat.id, Message.active.is_(True)).order_by(Message.id)
    ).all()
    lines = [f"# {chat.name}", "", f"*Exported from Pen on {utcnow():%Y-%m-%d %H:%M} UTC · {len(rows)} messages*", ""]
    if chat.system_prompt:
        lines += ["> **System prompt**", *[f"> {line}" for line in chat.system_prompt.splitlines()], ""]
    for role, content, model, provider, status, error, stamp in rows:
        label = ROLE_LABELS.get(role, role.title())
        if role == "assistant" and (model or provider):
            label += f" · {model or provider}"
        lines += ["---", "", f"### {label}", f"*{stamp:%Y-%m-%d %H:%M}*", "", content.rstrip()]
        if status == "error":
            lines += ["", f"*(error: {error or 'the reply failed'})*"]
        elif status == "stopped":
            lines += ["", "*(stopped)*"]
        lines.append("")
    return "\n".join(lines)


def download_name(chat: Chat, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", chat.name.lower()).strip("-")[:60] or "chat"
    return f"pen-chat-{chat.id}-{slug}.{extension}"
