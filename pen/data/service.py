"""What the "Your data" page does: import a validated plan in one transaction, delete all chats."""

import logging
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select

from pen.data.importers import ImportPlan
from pen.data.restore import NAME_MAX, clip, save_chats, save_prompt
from pen.extensions import db
from pen.models import Chat, Message, Prompt

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    source: str
    chats: int = 0
    messages: int = 0
    prompts: int = 0
    chats_present: int = 0  # the same chat (name and creation time) is already there: not duplicated
    prompts_present: int = 0
    skipped: Counter = field(default_factory=Counter)

    def skipped_text(self) -> str:
        return ", ".join(f"{count} × {reason}" for reason, count in self.skipped.most_common())


def import_plan(user_id: int, plan: ImportPlan) -> ImportReport:
    """Write a validated plan for this user in one transaction: all of it, or nothing."""
    report = ImportReport(plan.source, skipped=plan.skipped)
    try:
        existing = {(name, created) for name, created in db.session.execute(
            select(Chat.name, Chat.created_at).where(Chat.user_id == user_id))}
        fresh = []
        for chat in plan.chats:
            key = (clip(chat.name, NAME_MAX), chat.created_at)
            if chat.created_at is not None and key in existing:
                report.chats_present += 1
                continue
            existing.add(key)
            fresh.append(chat)
        save_chats(user_id, fresh)
        report.chats = len(fresh)
        report.messages = sum(len(chat.messages) for chat in fresh)
        for prompt in plan.prompts:
            if save_prompt(user_id, prompt):
                report.prompts += 1
            else:
                report.prompts_present += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("import: user=%s source=%s chats=%s messages=%s prompts=%s", user_id, plan.source, report.chats,
             report.messages, report.prompts)
    return report


def chat_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Chat).where(Chat.user_id == user_id))


def prompt_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Prompt).where(Prompt.user_id == user_id))


def delete_all_chats(user_id: int) -> int:
    """Delete every chat of the user with its messages, in one transaction; returns how many."""
    count = chat_count(user_id)
    chat_ids = select(Chat.id).where(Chat.user_id == user_id).scalar_subquery()
    db.session.execute(delete(Message).where(Message.chat_id.in_(chat_ids)))
    db.session.execute(delete(Chat).where(Chat.user_id == user_id))
    db.session.commit()
    log.info("all chats deleted: user=%s chats=%s", user_id, count)
    return count
