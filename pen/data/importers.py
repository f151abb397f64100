"""Reading an uploaded import: size limit, zip/JSON decoding, format detection, and Pen's own format.

Everything is validated into plain records (`restore.NewChat`, `NewPrompt`) before anything is
written; a file that is truncated, malformed or too large raises `InvalidImport` with a reason a
user can act on. ChatGPT's `conversations.json` is read by `chatgpt.py`.
"""

import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO

from pen.data.restore import (
    EXTRA_FIELDS,
    MODEL_MAX,
    NAME_MAX,
    PROVIDER_MAX,
    STATUSES,
    NewChat,
    NewMessage,
    NewPrompt,
    clip,
)
from pen.web.fields import human_size

PEN_FORMAT = "pen-export"
PEN_VERSION = 1
CONTENT_MAX_BYTES = 16 * 1024 * 1024 - 1  # MEDIUMTEXT on MySQL/MariaDB
SHORT_FIELDS = {"error_kind": 32, "finish_reason": 32}
INT_FIELDS = ("input_tokens", "output_tokens", "latency_ms", "duration_ms")


class InvalidImport(ValueError):
    """The file cannot be imported; the message says why. Nothing was written."""


@dataclass
class ImportPlan:
    source: str  # "Pen export" / "ChatGPT export"
    chats: list[NewChat] = field(default_factory=list)
    prompts: list[NewPrompt] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> count (messages or conversations left out)


class ImportTooLarge(InvalidImport):
    """Over the import limit (answered with 413)."""


def too_large(limit: int, what: str = "The file") -> ImportTooLarge:
    return ImportTooLarge(f"{what} is larger than {human_size(limit)}, the most this server imports at once.")


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """At most `limit` bytes of the upload; a larger file is refused without reading the rest."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    if not data.strip():
        raise InvalidImport("The file is empty.")
    return data


def load_document(data: bytes, limit: int) -> object:
    """The JSON document in `data` (or in the `conversations.json` of a ChatGPT export zip)."""
    if data.startswith(b"PK\x03\x04"):
        data = unzip_conversations(data, limit)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidImport("The file is not UTF-8 text: choose a Pen export or ChatGPT's conversations.json.") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            raise InvalidImport("The file ends in the middle of the JSON: it looks truncated. Download it again.") from exc
        raise InvalidImport(f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from exc


def unzip_conversations(data: bytes, limit: int) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            member = next((i for i in archive.infolist() if i.filename.rsplit("/", 1)[-1] == "conversations.json"), None)
            if member is None:
                raise InvalidImport("The zip file has no conversations.json (ChatGPT's export has one).")
            if member.file_size > limit:
                raise too_large(limit, "conversations.json")
            with archive.open(member) as handle:
                return read_limited(handle, limit)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise InvalidImport("The zip file is damaged or truncated.") from exc


def parse_document(document: object) -> ImportPlan:
    """Pen's export (an object with `"format": "pen-export"`) or ChatGPT's (a list of conversations)."""
    from pen.data.chatgpt import parse_chatgpt

    if isinstance(document, dict) and document.get("format") == PEN_FORMAT:
        return parse_pen(document)
    if isinstance(document, list):
        return parse_chatgpt(document)
    raise InvalidImport("This is not a Pen export or a ChatGPT conversations.json.")


def parse_upload(stream: IO[bytes], limit: int) -> ImportPlan:
    return parse_document(load_document(read_limited(stream, limit), limit))


# ---------- Pen's own export ----------

def parse_pen(document: dict) -> ImportPlan:
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidImport("The Pen export has no format version.")
    if version > PEN_VERSION:
        raise InvalidImport(f"This export was made by a newer Pen (format version {version}); this Pen reads version {PEN_VERSION}.")
    plan = ImportPlan("Pen export")
    for index, item in enumerate(listed(document, "prompts", "prompts")):
        plan.prompts.append(pen_prompt(item, f"prompts[{index}]"))
    for index, item in enumerate(listed(document, "chats", "chats")):
        plan.chats.append(pen_chat(item, f"chats[{index}]"))
    return plan


def listed(record: dict, key: str, path: str) -> list:
    value = record.get(key)
    if value is None:
        return []
    require(isinstance(value, list), path, "should be a list")
    return value


def require(condition: bool, path: str, problem: str) -> None:
    if not condition:
        raise InvalidImport(f"The Pen export is malformed: {path} {problem}. Nothing was imported.")


def text_field(record: dict, key: str, path: str, *, required: bool = False, limit: int | None = None) -> str | None:
    value = record.get(key)
    if value is None:
        require(not required, f"{path}.{key}", "is missing")
        return None
    require(isinstance(value, str), f"{path}.{key}", "should be text")
    return clip(value, limit) if limit else value


def time_field(record: dict, key: str, path: str) -> datetime | None:
    value = record.get(key)
    if value is None:
        return None
    require(isinstance(value, str), f"{path}.{key}", "should be an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError) as exc:
        raise InvalidImport(f"The Pen export is malformed: {path}.{key} is not a time ({value[:40]!r}). "
                            "Nothing was imported.") from exc
    # MySQL/MariaDB DATETIME holds the years 1000 to 9999
    require(1000 <= moment.year <= 9999, f"{path}.{key}", "is outside the years 1000 to 9999")
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def pen_prompt(item: object, path: str) -> NewPrompt:
    require(isinstance(item, dict), path, "should be an object")
    return NewPrompt(
        name=text_field(item, "name", path, required=True), text=text_field(item, "text", path, required=True),
        created_at=time_field(item, "created_at", path), updated_at=time_field(item, "updated_at", path),
    )


def pen_chat(item: object, path: str) -> NewChat:
    require(isinstance(item, dict), path, "should be an object")
    raw = listed(item, "messages", f"{path}.messages")
    messages = [pen_message(message, f"{path}.messages[{i}]") for i, message in enumerate(raw)]
    return NewChat(
        name=text_field(item, "name", path, limit=NAME_MAX) or "Untitled",
        messages=link_parents(raw, messages, path),
        created_at=time_field(item, "created_at", path), timestamp=time_field(item, "timestamp", path),
        updated_at=time_field(item, "updated_at", path), provider=text_field(item, "provider", path, limit=MODEL_MAX),
        model=text_field(item, "model", path, limit=MODEL_MAX), system_prompt=text_field(item, "system_prompt", path),
    )


def pen_message(item: object, path: str) -> NewMessage:
    require(isinstance(item, dict), path, "should be an object")
    role = text_field(item, "role", path, required=True)
    require(0 < len(role) <= 50, f"{path}.role", "should be 1 to 50 characters")
    content = text_field(item, "content", path, required=True)
    require(len(content) * 4 <= CONTENT_MAX_BYTES or len(content.encode()) <= CONTENT_MAX_BYTES,
            f"{path}.content", "is larger than 16 MB")
    status = item.get("status", "complete")
    require(status in STATUSES, f"{path}.status", f"should be one of {', '.join(STATUSES)}")
    active = item.get("active", True)
    require(isinstance(active, bool), f"{path}.active", "should be true or false")
    return NewMessage(
        role=role, content=content, provider=text_field(item, "provider", path, limit=PROVIDER_MAX) or "",
        model=text_field(item, "model", path, limit=MODEL_MAX),
        status="stopped" if status == "streaming" else status,  # nothing is generating it here
        active=active, timestamp=time_field(item, "timestamp", path), created_at=time_field(item, "created_at", path),
        extra=message_extras(item, path),
    )


def message_extras(item: dict, path: str) -> dict:
    extras = {}
    for name in EXTRA_FIELDS:
        value = item.get(name)
        if value is None:
            continue
        if name in INT_FIELDS:
            require(isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31,
                    f"{path}.{name}", "should be a whole number")
            extras[name] = value
        else:
            extras[name] = text_field(item, name, path, limit=SHORT_FIELDS.get(name))
    return extras


def link_parents(raw: list, messages: list[NewMessage], path: str) -> list[NewMessage]:
    """Resolve export-local `id`/`parent` into list positions, parents first (file order otherwise kept)."""
    position: dict = {}
    for index, item in enumerate(raw):
        key = item.get("id")
        require(isinstance(key, (int, str)) and not isinstance(key, bool), f"{path}.messages[{index}].id",
                "should be a number or text")
        require(key not in position, f"{path}.messages[{index}].id", f"repeats id {key!r}")
        position[key] = index
    parents = []
    for index, item in enumerate(raw):
        parent = item.get("parent")
        require(parent is None or (not isinstance(parent, bool) and parent in position),
                f"{path}.messages[{index}].parent", f"refers to {parent!r}, which is not a message of this chat")
        parents.append(None if parent is None else position[parent])
    order = parents_first(parents, path)
    new_index = {old: new for new, old in enumerate(order)}
    result = []
    for old in order:
        message = messages[old]
        message.parent = None if parents[old] is None else new_index[parents[old]]
        result.append(message)
    return result


def parents_first(parents: list[int | None], path: str) -> list[int]:
    """Positions ordered so every parent comes before its children; refuses cycles."""
    placed: set[int] = set()
    order: list[int] = []
    for start in range(len(parents)):
        chain: list[int] = []
        in_chain: set[int] = set()
        node = start
        while node is not None and node not in placed:
            require(node not in in_chain, f"{path}.messages", "has a loop of parents")
            chain.append(node)
            in_chain.add(node)
            node = parents[node]
        for index in reversed(chain):
            placed.add(index)
            order.append(index)
    return order
