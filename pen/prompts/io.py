"""Export the user's prompts as JSON, and import such a file.

The file is a JSON list: `[{"name": "…", "text": "…", "created_at": "2024-05-01T09:30:00.000Z",
"updated_at": "…"}, …]` (the same fields as a prompt in Pen's full account export). The timestamps
are optional. An import is checked whole before anything is written, then written in one
transaction; a prompt whose name and text the user already has (or that the file repeats) is skipped.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NoReturn

from flask import current_app
from sqlalchemy import select

from pen.extensions import db
from pen.models import Prompt
from pen.orm import utcnow
from pen.prompts.forms import name_rule, text_rule
from pen.web.fields import normalise_newlines

MAX_ITEMS = 10_000
NAME_BATCH = 500


class InvalidPromptFile(ValueError):
    """The file cannot be imported; the message says why. Nothing was written."""


@dataclass(frozen=True)
class NewPrompt:
    name: str
    text: str
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ImportReport:
    added: int
    skipped: int


def iso(moment: datetime | None) -> str | None:
    """Naive UTC → ISO 8601 with milliseconds and Z."""
    return moment.isoformat(timespec="milliseconds") + "Z" if moment else None


def export_json(user_id: int) -> str:
    rows = db.session.execute(
        select(Prompt.prompt_name, Prompt.prompt_text, Prompt.created_datetime, Prompt.updated_datetime)
        .where(Prompt.user_id == user_id).order_by(Prompt.id)
    )
    items = [{"name": name, "text": text, "created_at": iso(created), "updated_at": iso(updated)}
             for name, text, created, updated in rows]
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}.get(type(value), "a value")


def parse_file(raw: bytes) -> list[NewPrompt]:
    """Every prompt in the file, checked; raises InvalidPromptFile on the first problem."""
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidPromptFile("The file is not UTF-8 text. Nothing was imported.") from exc
    except json.JSONDecodeError as exc:
        raise InvalidPromptFile(f"The file is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}). "
                                "Nothing was imported.") from exc
    except RecursionError as exc:
        raise InvalidPromptFile("The file's JSON is nested too deeply. Nothing was imported.") from exc
    if not isinstance(document, list):
        raise InvalidPromptFile(f"The file should hold a JSON list of prompts, like [{{\"name\": …, \"text\": …}}]; "
                                f"it holds {describe(document)}. Nothing was imported.")
    if len(document) > MAX_ITEMS:
        raise InvalidPromptFile(f"The file holds {len(document):,} prompts; at most {MAX_ITEMS:,} can be imported "
                                "at once. Nothing was imported.")
    return [parse_item(item, number) for number, item in enumerate(document, start=1)]


def parse_item(item: object, number: int) -> NewPrompt:
    where = f"Prompt {number}"
    if not isinstance(item, dict):
        refuse(f"{where} should be an object with a name and a text; it is {describe(item)}.")
    name, text = item.get("name"), item.get("text")
    for key, value in (("name", name), ("text", text)):
        if not isinstance(value, str):
            refuse(f"{where}: “{key}” should be text; it is {describe(value) if key in item else 'missing'}.")
    name, text = normalise_newlines(name).strip(), normalise_newlines(text)
    problem = name_rule(name) or text_rule(text)
    if problem:
        refuse(f"{where}: {problem}")
    return NewPrompt(name, text, parse_time(item, "created_at", where), parse_time(item, "updated_at", where))


def parse_time(item: dict, key: str, where: str) -> datetime | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        refuse(f"{where}: “{key}” should be a date and time in ISO 8601 or null; it is {describe(value)}.")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        refuse(f"{where}: “{key}” is not a date and time ({value[:40]!r}).")
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if not 1900 <= moment.year <= 9999:
        refuse(f"{where}: “{key}” is out of range ({value[:40]!r}).")
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def refuse(message: str) -> NoReturn:
    raise InvalidPromptFile(message + " Nothing was imported.")


def import_prompts(user_id: int, prompts: list[NewPrompt]) -> ImportReport:
    """Insert the prompts the user does not have yet (same name and same text), in one transaction."""
    seen = existing_pairs(user_id, {prompt.name for prompt in prompts})
    flag, now, added = current_app.config["PEN_SYSTEM_FLAG"], utcnow(), 0
    try:
        for prompt in prompts:
            if (prompt.name, prompt.text) in seen:
                continue
            seen.add((prompt.name, prompt.text))
            db.session.add(Prompt(user_id=user_id, prompt_name=prompt.name, prompt_text=prompt.text,
                                  created_datetime=prompt.created_at or now, updated_datetime=prompt.updated_at,
                                  system_flag=flag))
            added += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ImportReport(added=added, skipped=len(prompts) - added)


def existing_pairs(user_id: int, names: set[str]) -> set[tuple[str, str]]:
    """(name, text) of the user's prompts with one of these names, compared exactly in Python
    (MySQL's collations would call "A" and "a " equal)."""
    pairs: set[tuple[str, str]] = set()
    ordered = sorted(names)
    for start in range(0, len(ordered), NAME_BATCH):
        batch = ordered[start:start + NAME_BATCH]
        rows = db.session.execute(select(Prompt.prompt_name, Prompt.prompt_text)
                                  .where(Prompt.user_id == user_id, Prompt.prompt_name.in_(batch)))
        pairs.update((name, text) for name, text in rows)
    return pairs
