"""The prompt library: ownership-checked lookups, search, create, edit, duplicate, delete.

The `prompts` table is shared with Wingman: rows Pen writes carry `PEN_SYSTEM_FLAG`; Wingman's rows
of the same user are listed and editable too, and keep their own flag when edited.
"""

from dataclasses import dataclass

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import case, func, or_, select

from pen.extensions import db
from pen.models import Prompt
from pen.orm import utcnow
from pen.web.fields import LIKE_ESCAPE, TEXT_MAX, contains, escape_like

PAGE_SIZE = 50
PICKER_SIZE = 8
NAME_MAX = TEXT_MAX
SORTS = ("name", "updated")
COPY_SUFFIX = " (copy)"


def get_prompt_or_404(prompt_id: int) -> Prompt:
    """The signed-in user's prompt, or 404 (another user's prompt does not exist for them)."""
    prompt = db.session.scalars(select(Prompt).where(Prompt.id == prompt_id, Prompt.user_id == current_user.id)).first()
    if prompt is None:
        abort(404)
    return prompt


def updated_at():
    return func.coalesce(Prompt.updated_datetime, Prompt.created_datetime)


def matching(statement, query: str):
    if not query:
        return statement
    return statement.where(or_(contains(Prompt.prompt_name, query), contains(Prompt.prompt_text, query)))


@dataclass(frozen=True)
class PromptPage:
    prompts: list[Prompt]
    page: int
    more: bool
    total: int


def prompt_page(user_id: int, *, query: str = "", sort: str = "name", page: int = 1) -> PromptPage:
    """One page of the user's prompts matching `query` (name or text), by name or most recently updated."""
    order = (updated_at().desc(), Prompt.id.desc()) if sort == "updated" else (func.lower(Prompt.prompt_name), Prompt.id)
    statement = matching(select(Prompt).where(Prompt.user_id == user_id), query).order_by(*order)
    rows = db.session.scalars(statement.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    total = db.session.scalar(matching(select(func.count(Prompt.id)).where(Prompt.user_id == user_id), query))
    return PromptPage(list(rows[:PAGE_SIZE]), page, len(rows) > PAGE_SIZE, total or 0)


def picker_matches(user_id: int, query: str, limit: int = PICKER_SIZE) -> list[Prompt]:
    """The "/" picker: names starting with the query, then names holding it, then texts holding it;
    with no query, the most recently updated."""
    statement = matching(select(Prompt).where(Prompt.user_id == user_id), query)
    if query:
        lowered = func.lower(Prompt.prompt_name)
        escaped = escape_like(query.lower())
        rank = case((lowered.like(f"{escaped}%", escape=LIKE_ESCAPE), 0), (lowered.like(f"%{escaped}%", escape=LIKE_ESCAPE), 1),
                    else_=2)
        statement = statement.order_by(rank, lowered, Prompt.id)
    else:
        statement = statement.order_by(updated_at().desc(), Prompt.id.desc())
    return list(db.session.scalars(statement.limit(limit)))


def all_prompts(user_id: int) -> list[Prompt]:
    return list(db.session.scalars(select(Prompt).where(Prompt.user_id == user_id)
                                   .order_by(func.lower(Prompt.prompt_name), Prompt.id)))


def create_prompt(user_id: int, name: str, text: str) -> Prompt:
    now = utcnow()
    prompt = Prompt(user_id=user_id, prompt_name=name, prompt_text=text, created_datetime=now, updated_datetime=now,
                    system_flag=current_app.config["PEN_SYSTEM_FLAG"])
    db.session.add(prompt)
    db.session.commit()
    return prompt


def update_prompt(prompt: Prompt, name: str, text: str) -> None:
    """Edit in place; a Wingman row keeps its `system_flag`."""
    prompt.prompt_name, prompt.prompt_text, prompt.updated_datetime = name, text, utcnow()
    db.session.commit()


def copy_name(name: str) -> str:
    return name[: NAME_MAX - len(COPY_SUFFIX)] + COPY_SUFFIX


def duplicate_prompt(prompt: Prompt) -> Prompt:
    """A copy is Pen's own row, whoever wrote the original."""
    return create_prompt(prompt.user_id, copy_name(prompt.prompt_name), prompt.prompt_text)


def delete_prompt(prompt: Prompt) -> None:
    db.session.delete(prompt)
    db.session.commit()


def is_pen_row(prompt: Prompt) -> bool:
    return prompt.system_flag == current_app.config["PEN_SYSTEM_FLAG"]


def preview(text: str, limit: int = 160) -> str:
    """The start of a prompt's text on one line."""
    line = " ".join(text[: limit * 4].split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
