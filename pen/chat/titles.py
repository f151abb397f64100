"""A short title for a new chat, asked of the same model once its first reply is done.

Runs on the generation's own thread after the reply was saved and shown, so it never delays
the reply. The title is only replaced if it is still the automatic one (the user may have
renamed the chat meanwhile)."""

import logging
import re

from flask import Flask
from sqlalchemy import update

from pen.chat.service import MARKDOWN_MARKS
from pen.extensions import db
from pen.models import Chat
from pen.providers import ProviderError, complete_chat

log = logging.getLogger(__name__)

PROMPT = (
    "Write a short title (3 to 6 words) for a conversation that starts like this. "
    "Answer with the title only, no quotes, no punctuation at the end.\n\n"
    "User: {question}\n\nAssistant: {answer}"
)
EXCERPT = 600
MAX_TITLE = 80


def clean(raw: str) -> str:
    """The model's answer as a title: first line, no "Title:", quotes, markdown or final period."""
    line = next((part.strip() for part in raw.strip().splitlines() if part.strip()), "")
    line = re.sub(r"^title\s*:\s*", "", line, flags=re.IGNORECASE)
    line = MARKDOWN_MARKS.sub(lambda m: m.group(1) or "", line)
    return " ".join(line.strip("\"'“”‘’ ").rstrip(".").split())[:MAX_TITLE]


def refine(app: Flask, turn, reply: str) -> None:
    if not app.config.get("PEN_AUTO_TITLE", True):
        return
    question = next((m["content"] for m in reversed(turn.messages) if m["role"] == "user"), "")
    prompt = PROMPT.format(question=question[:EXCERPT], answer=reply[:EXCERPT])
    try:
        completion = complete_chat(turn.provider, turn.api_key, turn.model, [{"role": "user", "content": prompt}],
                                   max_tokens=32, timeout=(5, 20))
    except ProviderError as err:
        log.info("title for chat %s not refined: %s", turn.chat_id, err.kind)
        return
    title = clean(completion.text)
    if not title:
        return
    with app.app_context():
        db.session.execute(
            update(Chat).where(Chat.id == turn.chat_id, Chat.name == turn.auto_title).values(name=title)
        )
        db.session.commit()
        db.session.remove()
