"""Writing turns: send, regenerate, edit-and-resend, switch version, and linking legacy chats.

The active branch is one root-to-leaf path: `active` is true exactly on it, and ids grow
along it (a child is always written after its parent). Every function here commits once. One
that starts a reply also reads, in the same transaction, the conversation the provider is sent.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, select, update

from pen.chat.context import conversation_before
from pen.chat.generation import interrupt_stale
from pen.chat.service import has_unlinked_messages
from pen.extensions import db
from pen.models import Chat, Message
from pen.orm import utcnow


class TurnRefused(Exception):
    """The chat cannot take this action now (a reply is still being written)."""


BUSY = "A reply is still being written in this chat. Wait for it, or stop it first."
STALE = "This conversation changed in another tab or window. Reload the page to see it as it is now."


@dataclass(frozen=True)
class Reply:
    """A turn that starts a reply: the streaming assistant row, the user's message that it answers
    (None for a regenerate) and the conversation before it, as the provider is to be sent it."""

    assistant: Message
    user_message: Message | None
    conversation: tuple[dict[str, str], ...]


def commit_reply(chat: Chat, assistant: Message, user_message: Message | None = None) -> Reply:
    """Read the conversation before `assistant` inside the turn's transaction, then commit: one
    transaction (and one pooled connection) per send, not a second one just to read it back."""
    db.session.flush()
    budget = current_app.config["PEN_CONTEXT_BUDGET_CHARS"]
    conversation = tuple(conversation_before(chat.id, assistant.id, budget))
    db.session.commit()
    return Reply(assistant, user_message, conversation)


def refuse_if_off_branch(message: Message) -> None:
    """Branching acts on the branch shown; a message no longer on it comes from a stale page."""
    db.session.refresh(message)
    if not message.active:
        db.session.rollback()
        raise TurnRefused(STALE)


def lock_chat(chat: Chat, provider: str | None = None, model: str | None = None) -> Message | None:
    """Take the chat's row lock with the UPDATE that records the activity and the model choice (an
    UPDATE locks on all three backends), then refuse if a reply is streaming: two sends that race
    end as one message and one refusal. Returns the active branch's newest message.

    A streaming reply is always that newest message: nothing branches while one streams."""
    now = utcnow()
    activity = {"timestamp": now, "provider": provider, "model": model} if provider else {}
    db.session.execute(update(Chat).where(Chat.id == chat.id).values(updated_at=now, **activity))
    leaf = active_leaf(chat.id)
    if leaf is not None and leaf.status == "streaming":
        if not interrupt_stale(current_app.config["PEN_STREAM_STALE_SECONDS"], chat_id=chat.id):
            db.session.rollback()
            raise TurnRefused(BUSY)
        db.session.refresh(leaf)  # its server stopped: it is marked interrupted and the chat goes on
    if leaf is not None and leaf.parent_id is None:
        link_legacy_messages(chat.id)  # a chat Wingman wrote: link it once, before it branches
    return leaf


def active_leaf(chat_id: int) -> Message | None:
    return db.session.scalars(
        select(Message).where(Message.chat_id == chat_id, Message.active.is_(True)).order_by(Message.id.desc()).limit(1)
    ).first()


def new_assistant(chat: Chat, parent: Message, provider: str, model: str) -> Message:
    return Message(chat_id=chat.id, parent_id=parent.id, role="assistant", content="", provider=provider[:100],
                   model=model, status="streaming", updated_at=utcnow())


def send(chat: Chat, text: str, provider: str, model: str) -> Reply:
    """Save the user's message and a streaming assistant row in one transaction."""
    parent = lock_chat(chat, provider, model)
    return ask(chat, parent.id if parent else None, text, provider, model)


def ask(chat: Chat, parent_id: int | None, text: str, provider: str, model: str) -> Reply:
    """Write the user's message under `parent_id` and its streaming reply, and commit (a new chat
    calls this directly: nothing else can write into a chat that did not exist a moment ago)."""
    user_message = Message(chat_id=chat.id, parent_id=parent_id, role="user", content=text, provider=provider[:100],
                           model=model)
    db.session.add(user_message)
    db.session.flush()
    assistant = new_assistant(chat, user_message, provider, model)
    db.session.add(assistant)
    return commit_reply(chat, assistant, user_message)


def regenerate(chat: Chat, message: Message, provider: str, model: str) -> Reply:
    """A new version of an assistant reply, as a sibling; the old one stays reachable."""
    lock_chat(chat, provider, model)
    refuse_if_off_branch(message)
    parent = db.session.get(Message, message.parent_id) if message.parent_id else None
    if message.role != "assistant" or parent is None:
        db.session.rollback()
        raise TurnRefused("Only a reply can be regenerated.")
    deactivate_from(chat.id, message.id)
    assistant = new_assistant(chat, parent, provider, model)
    db.session.add(assistant)
    return commit_reply(chat, assistant)


def edit(chat: Chat, message: Message, text: str, provider: str, model: str) -> Reply:
    """A new version of a user message (a sibling), answered afresh; the old branch stays."""
    lock_chat(chat, provider, model)
    refuse_if_off_branch(message)
    if message.role != "user":
        db.session.rollback()
        raise TurnRefused("Only your own messages can be edited.")
    deactivate_from(chat.id, message.id)
    return ask(chat, message.parent_id, text, provider, model)


def switch_version(chat: Chat, message: Message, target_id: int) -> None:
    """Show sibling `target_id` instead of `message`, with the newest branch below it."""
    lock_chat(chat)
    refuse_if_off_branch(message)
    target = db.session.get(Message, target_id)
    if target is None or target.chat_id != chat.id or target.parent_id != message.parent_id or target.id == message.id:
        db.session.rollback()
        raise TurnRefused("That version does not exist.")
    deactivate_from(chat.id, message.id)
    children = _children_by_parent(chat.id, min(message.id, target.id))
    node = target
    while node is not None:
        node.active = True
        newest = children.get(node.id)
        node = db.session.get(Message, newest[-1]) if newest else None
    db.session.commit()


def deactivate_from(chat_id: int, message_id: int) -> None:
    """Take `message_id` and everything below it on the active branch off that branch."""
    db.session.execute(
        update(Message)
        .where(Message.chat_id == chat_id, Message.active.is_(True), Message.id >= message_id)
        .values(active=False)
    )


def _children_by_parent(chat_id: int, from_id: int) -> dict[int, list[int]]:
    rows = db.session.execute(
        select(Message.id, Message.parent_id).where(Message.chat_id == chat_id, Message.id > from_id).order_by(Message.id)
    ).all()
    children: dict[int, list[int]] = {}
    for message_id, parent_id in rows:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(message_id)
    return children


def link_legacy_messages(chat_id: int) -> int:
    """Chats written by Wingman have no `parent_id`: link each message to the one before it,
    once, so branching works on them too. Returns how many rows were linked."""
    if not has_unlinked_messages(chat_id):
        return 0
    rows = db.session.execute(
        select(Message.id, Message.parent_id).where(Message.chat_id == chat_id).order_by(Message.id)
    ).all()
    links = [{"mid": rows[i].id, "pid": rows[i - 1].id} for i in range(1, len(rows)) if rows[i].parent_id is None]
    if links:
        db.session.execute(
            update(Message.__table__).where(Message.__table__.c.id == bindparam("mid")).values(parent_id=bindparam("pid")),
            links,
        )
    return len(links)
