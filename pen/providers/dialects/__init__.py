"""Dialects: how each ``api_style`` builds requests and reads answers. No HTTP happens here.

A dialect turns a ``ChatCall`` into an ``HttpRequest`` and turns parsed stream items (SSE events
or NDJSON lines), JSON answers and model listings into Pen's events. The client
(``client.py``) owns the transport, retries and failover.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ProviderError, TruncatedStream, Unavailable, error_for, parse_error_fields
from ..events import Completion, Finish, TextDelta, make_finish
from ..settings import ProviderSettings
from ..spec import ProviderSpec

__all__ = ["MALFORMED", "ChatCall", "Dialect", "HttpRequest", "get_dialect"]

Event = TextDelta | Finish
MALFORMED = (AttributeError, KeyError, IndexError, TypeError, ValueError)
"""What reading an unexpected JSON shape raises; turned into ``Unavailable``, never let through."""


@dataclass(frozen=True)
class ChatCall:
    spec: ProviderSpec
    model: str
    messages: tuple[Mapping[str, str], ...]
    system: str | None
    max_tokens: int | None
    temperature: float | None
    stream: bool
    settings: ProviderSettings


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    """Appended to the base URL (see ``Dialect.url``)."""
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def load_json(text: str | bytes) -> Any:
    """Parsed JSON, or None when the text is not JSON (a malformed event is skipped, not fatal)."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def raise_if_error(obj: Any) -> None:
    """Raise the typed error carried by a mid-stream error object (any dialect's shape)."""
    if not isinstance(obj, Mapping):
        return
    if obj.get("error") is not None or obj.get("object") == "error" or obj.get("type") == "error":
        raise error_for(None, parse_error_fields(obj))


def text_messages(messages: Iterable[Mapping[str, str]], *, drop_empty: bool) -> list[tuple[str, str]]:
    """(role, content) pairs with roles checked; empty turns dropped where the API rejects them."""
    pairs = []
    for message in messages:
        role, content = message.get("role"), message.get("content")
        if role not in ("user", "assistant"):
            raise ValueError(f"message role must be 'user' or 'assistant', not {role!r}")
        content = "" if content is None else str(content)
        if drop_empty and not content.strip():
            continue
        pairs.append((role, content))
    return pairs


class Dialect:
    """Base class; subclasses set ``style`` and implement the request builders and parsers."""

    style = ""
    stream_format = "sse"  # or "ndjson"
    network_hint = ""
    version_prefix = ""  # a path segment the base URL may or may not already end with ("/v1")
    finish_reasons: Mapping[str, str] = {}

    def url(self, base: str, path: str) -> str:
        base = base.rstrip("/")
        if self.version_prefix and path.startswith(self.version_prefix + "/") and base.endswith(self.version_prefix):
            path = path[len(self.version_prefix):]
        return base + path

    def headers(self, call_settings: ProviderSettings) -> dict[str, str]:
        """Dialect headers added to every request (besides auth, which comes from the spec)."""
        return {}

    def chat_request(self, call: ChatCall) -> HttpRequest:
        raise NotImplementedError

    def parse_stream(self, items: Iterator[Any], call: ChatCall) -> Iterator[Event]:
        """Events from the stream's items; raises ``TruncatedStream`` if the terminator never came."""
        raise NotImplementedError

    def events(self, items: Iterator[Any], call: ChatCall) -> Iterator[Event]:
        """``parse_stream``, with a malformed event (a wrong JSON shape) raised as a typed error."""
        try:
            yield from self.parse_stream(items, call)
        except MALFORMED as exc:
            raise Unavailable("The provider's stream was not in the expected format.",
                              provider_message=type(exc).__name__) from exc

    def parse_completion(self, obj: Any, call: ChatCall) -> Completion:
        raise NotImplementedError

    def models_request(self, page_token: str | None) -> HttpRequest:
        raise NotImplementedError

    def parse_models(self, obj: Any) -> tuple[list[str], str | None]:
        """(model ids on this page, token of the next page or None)."""
        raise NotImplementedError

    def finish(self, raw_reason: str | None, input_tokens: Any = None, output_tokens: Any = None) -> Finish:
        return make_finish(raw_reason, self.finish_reasons, input_tokens, output_tokens)

    @staticmethod
    def truncated() -> ProviderError:
        return TruncatedStream()


@functools.cache
def get_dialect(api_style: str) -> Dialect:
    from . import anthropic, gemini, ollama, openai  # here: those modules import this one

    classes: dict[str, type[Dialect]] = {
        "openai": openai.OpenAIDialect,
        "anthropic": anthropic.AnthropicDialect,
        "gemini": gemini.GeminiDialect,
        "ollama": ollama.OllamaDialect,
    }
    if api_style not in classes:
        raise ValueError(f"unknown api_style {api_style!r}")
    return classes[api_style]()
