"""Anthropic messages API (named SSE events, ``system`` top-level, ``max_tokens`` required)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..events import Completion, TextDelta
from ..settings import ProviderSettings
from ..sse import SSEEvent
from . import ChatCall, Dialect, Event, HttpRequest, load_json, raise_if_error, text_messages

FINISH_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "content_filter",
}
NO_SAMPLING_FROM = "2026-10-21"  # API versions from this date refuse temperature/top_p/top_k


def _input_total(usage: Mapping[str, Any]) -> int | None:
    parts = [usage.get(k) for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")]
    numbers = [p for p in parts if isinstance(p, int)]
    return sum(numbers) if numbers else None


class AnthropicDialect(Dialect):
    style = "anthropic"
    version_prefix = "/v1"
    finish_reasons = FINISH_REASONS

    def headers(self, call_settings: ProviderSettings) -> dict[str, str]:
        return {"anthropic-version": call_settings.anthropic_version}

    def chat_request(self, call: ChatCall) -> HttpRequest:
        messages = [{"role": r, "content": c} for r, c in text_messages(call.messages, drop_empty=True)]
        body: dict[str, Any] = {
            "model": call.model,
            "max_tokens": call.max_tokens or call.settings.default_max_tokens,
            "messages": messages,
            "stream": call.stream,
        }
        if call.system:
            body["system"] = call.system
        if call.temperature is not None and call.settings.anthropic_version < NO_SAMPLING_FROM:
            body["temperature"] = call.temperature
        return HttpRequest("POST", "/v1/messages", json=body)

    def parse_stream(self, items: Iterator[SSEEvent], call: ChatCall) -> Iterator[Event]:
        reason: str | None = None
        input_tokens: int | None = None
        output_tokens: Any = None
        for event in items:
            obj = load_json(event.data)
            if not isinstance(obj, Mapping):
                continue
            name = event.event or obj.get("type")
            if name == "error":
                raise_if_error(obj)
            elif name == "message_start":
                usage = (obj.get("message") or {}).get("usage") or {}
                input_tokens = _input_total(usage)
                output_tokens = usage.get("output_tokens", output_tokens)
            elif name == "content_block_delta":
                delta = obj.get("delta") or {}
                text = delta.get("text") if delta.get("type") == "text_delta" else None
                if isinstance(text, str) and text:
                    yield TextDelta(text)
            elif name == "message_delta":
                reason = (obj.get("delta") or {}).get("stop_reason") or reason
                usage = obj.get("usage") or {}
                output_tokens = usage.get("output_tokens", output_tokens)  # cumulative
                input_tokens = _input_total(usage) or input_tokens
            elif name == "message_stop":
                yield self.finish(reason, input_tokens, output_tokens)
                return
            # ping, content_block_start/stop and unknown event types are ignored
        raise self.truncated()

    def parse_completion(self, obj: Any, call: ChatCall) -> Completion:
        raise_if_error(obj)
        blocks = obj.get("content") or []
        text = "".join(b.get("text", "") for b in blocks if isinstance(b, Mapping) and b.get("type") == "text")
        usage = obj.get("usage") or {}
        return Completion(text, self.finish(obj.get("stop_reason"), _input_total(usage), usage.get("output_tokens")))

    def models_request(self, page_token: str | None) -> HttpRequest:
        params = {"limit": "1000"}
        if page_token:
            params["after_id"] = page_token
        return HttpRequest("GET", "/v1/models", params=params)

    def parse_models(self, obj: Any) -> tuple[list[str], str | None]:
        data = obj.get("data") if isinstance(obj, Mapping) else None
        ids = [m.get("id") for m in data or [] if isinstance(m, Mapping)]
        more = obj.get("has_more") and obj.get("last_id")
        return [i for i in ids if isinstance(i, str) and i], (str(more) if more else None)
