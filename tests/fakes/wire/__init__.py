"""The fake provider's wire formats, one module per dialect (the shapes of PROVIDERS.md §1–§4).

A ``Wire`` parses a chat request into a ``FakeChat`` (or raises ``WireError`` like the real
service would) and renders answers: stream frames, a whole completion, errors, model lists.
The streaming engine in ``provider.py`` decides timing, drops and noise.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BAD_MARK", "MODEL_IDS", "FakeChat", "Wire", "WireError", "dumps"]

MODEL_IDS = ("fake-echo", "fake-length", "fake-noise", "fake-slow", "fake-tokens-20")
EMBEDDING_MODEL = "fake-embedding"
BAD_MARK = "\u27e6BAD\u27e7"  # replaced by an invalid UTF-8 byte in the encoded frame
Usage = tuple[int, int]


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class WireError(Exception):
    """An error answer in the dialect's shape: ``status`` and a JSON body."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


@dataclass
class FakeChat:
    model: str
    messages: list[dict[str, str]]
    system: str | None
    max_tokens: int | None
    stream: bool
    include_usage: bool = False
    text_index: int = 0  # index of the text content block (anthropic puts a thinking block first)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:24])
    created: int = field(default_factory=lambda: int(time.time()))

    def usage(self, output_tokens: int) -> Usage:
        words = sum(len(m["content"].split()) for m in self.messages) + len((self.system or "").split())
        return words, output_tokens


def text_of(content: Any) -> str:
    """A message content: a string, or a list of text blocks/parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, Mapping))
    return ""


class Wire:
    name = ""
    stream_content_type = "text/event-stream"
    sse_fields = True
    """Whether the real service's stream can hold SSE comments and ``id:``/``retry:`` fields
    (Gemini's cannot: google-genai reads only ``data:`` lines)."""

    # -- requests -----------------------------------------------------------------------------
    def check_auth(self, headers: Mapping[str, str], query: Mapping[str, str], key: str | None) -> None:
        """Raise ``WireError`` (the dialect's 401 shape) unless ``key`` was sent the expected way.
        ``key`` None: auth is off, check only the other required headers."""

    def parse_chat(self, body: Any, headers: Mapping[str, str], *, stream: bool | None, strict: bool,
                   path_model: str = "") -> FakeChat:
        raise NotImplementedError

    # -- errors -------------------------------------------------------------------------------
    def error(self, status: int, message: str | None = None, type_: str | None = None, *,
              model: str = "", retry_after: float | None = None) -> WireError:
        raise NotImplementedError

    def quota_error(self) -> WireError:
        raise NotImplementedError

    def not_found(self, model: str) -> WireError:
        return self.error(404, model=model)

    # -- streams ------------------------------------------------------------------------------
    def sse(self, data: Any, event: str | None = None) -> bytes:
        text = data if isinstance(data, str) else dumps(data)
        return ((f"event: {event}\n" if event else "") + f"data: {text}\n\n").encode()

    def head(self, chat: FakeChat, usage: Usage, noise: bool) -> list[bytes]:
        return []

    def delta(self, chat: FakeChat, text: str) -> bytes:
        raise NotImplementedError

    def tail(self, chat: FakeChat, finish: str, usage: Usage | None) -> list[bytes]:
        """Frames after the text and before the terminator (finish reason, usage)."""
        return []

    def terminator(self, chat: FakeChat, finish: str, usage: Usage | None) -> bytes:
        raise NotImplementedError

    def stream_error(self, type_: str | None, message: str | None) -> bytes:
        raise NotImplementedError

    def keepalive(self) -> bytes | None:
        return b": keep-alive\n\n"

    def noise(self, chat: FakeChat) -> list[bytes]:
        """Extra frames a client must ignore (unknown events, comments, thinking…)."""
        return [b": OPENROUTER PROCESSING\n\n"]

    def completion(self, chat: FakeChat, text: str, finish: str, usage: Usage | None) -> Any:
        raise NotImplementedError

    def models(self, query: Mapping[str, str], page_size: int | None, bare: bool) -> Any:
        raise NotImplementedError


def page(ids: list[str], start: int, size: int) -> tuple[list[str], bool]:
    chunk = ids[start : start + size]
    return chunk, start + size < len(ids)
