"""OpenAI chat completions, and every OpenAI-compatible server (Groq, Mistral, OpenRouter, …)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..events import Completion, TextDelta
from ..sse import SSEEvent
from . import ChatCall, Dialect, Event, HttpRequest, load_json, raise_if_error, text_messages

FINISH_REASONS = {"stop": "stop", "length": "length", "content_filter": "content_filter"}


def _is_openai(call: ChatCall) -> bool:
    return call.spec.is_provider("openai", "openai.com")


def _is_mistral(call: ChatCall) -> bool:
    return call.spec.is_provider("mistral", "mistral.ai")


def _usage(obj: Mapping[str, Any] | None) -> tuple[Any, Any]:
    usage = obj if isinstance(obj, Mapping) else {}
    return usage.get("prompt_tokens"), usage.get("completion_tokens")


class OpenAIDialect(Dialect):
    style = "openai"
    finish_reasons = FINISH_REASONS

    def chat_request(self, call: ChatCall) -> HttpRequest:
        messages = [{"role": "system", "content": call.system}] if call.system else []
        messages += [{"role": r, "content": c} for r, c in text_messages(call.messages, drop_empty=False)]
        body: dict[str, Any] = {"model": call.model, "messages": messages, "stream": call.stream}
        if call.stream and not _is_mistral(call):  # Mistral answers 422 to unknown fields
            body["stream_options"] = {"include_usage": True}
        if call.max_tokens is not None:
            # OpenAI's reasoning models reject max_tokens; most compatible servers only know it
            body["max_completion_tokens" if _is_openai(call) else "max_tokens"] = call.max_tokens
        if call.temperature is not None:
            body["temperature"] = call.temperature
        return HttpRequest("POST", "/chat/completions", json=body)

    def parse_stream(self, items: Iterator[SSEEvent], call: ChatCall) -> Iterator[Event]:
        reason: str | None = None
        usage: Any = None
        for event in items:
            if event.data.startswith("[DONE]"):
                yield self.finish(reason, *_usage(usage))
                return
            obj = load_json(event.data)
            if not isinstance(obj, Mapping):
                continue
            raise_if_error(obj)
            choices = obj.get("choices")
            if isinstance(choices, list) and choices and isinstance(choices[0], Mapping):
                delta = choices[0].get("delta")
                if isinstance(delta, Mapping):
                    for key in ("content", "refusal"):
                        text = delta.get(key)
                        if isinstance(text, str) and text:
                            yield TextDelta(text)
                reason = choices[0].get("finish_reason") or reason
            if isinstance(obj.get("usage"), Mapping):
                usage = obj["usage"]
        if reason:  # lenient servers: a finish_reason and a clean end without [DONE]
            yield self.finish(reason, *_usage(usage))
            return
        raise self.truncated()

    def parse_completion(self, obj: Any, call: ChatCall) -> Completion:
        raise_if_error(obj)
        choice = (obj.get("choices") or [{}])[0] if isinstance(obj, Mapping) else {}
        message = choice.get("message") or {}
        text = message.get("content") or message.get("refusal") or ""
        return Completion(str(text), self.finish(choice.get("finish_reason"), *_usage(obj.get("usage"))))

    def models_request(self, page_token: str | None) -> HttpRequest:
        return HttpRequest("GET", "/models")

    def parse_models(self, obj: Any) -> tuple[list[str], str | None]:
        items = obj.get("data") if isinstance(obj, Mapping) else obj  # Together: a bare array
        ids = [m.get("id") for m in items or [] if isinstance(m, Mapping)]
        return [i for i in ids if isinstance(i, str) and i], None
