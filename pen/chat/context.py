"""What the provider is sent: the system prompt and the active branch before the reply,
trimmed from the oldest side to a budget so long chats keep working."""

from sqlalchemy import select

from pen.extensions import db
from pen.models import Message

FETCH_BATCH = 200


def conversation_before(chat_id: int, reply_id: int, budget_chars: int) -> list[dict[str, str]]:
    """The active messages before the reply, newest kept first within `budget_chars`, in order.

    Empty or failed turns are left out, consecutive turns of one role are merged (Anthropic and
    Gemini want alternating roles), and the conversation starts with a user turn.
    """
    kept: list[tuple[str, str]] = []
    used = 0
    before = reply_id
    while True:
        rows = db.session.execute(
            select(Message.id, Message.role, Message.content, Message.status)
            .where(Message.chat_id == chat_id, Message.active.is_(True), Message.id < before)
            .order_by(Message.id.desc())
            .limit(FETCH_BATCH)
        ).all()
        for row in rows:
            if row.role not in ("user", "assistant") or not row.content.strip():
                continue
            if row.role == "assistant" and row.status == "error":
                continue
            if kept and used + len(row.content) > budget_chars:
                return _tidy(kept)
            kept.append((row.role, row.content))
            used += len(row.content)
        if len(rows) < FETCH_BATCH:
            return _tidy(kept)
        before = rows[-1].id


def _tidy(newest_first: list[tuple[str, str]]) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = []
    for role, content in reversed(newest_first):
        if messages and messages[-1]["role"] == role:
            messages[-1]["content"] += "\n\n" + content
        else:
            messages.append({"role": role, "content": content})
    while messages and messages[0]["role"] != "user":
        messages.pop(0)
    return messages
