"""Google Gemini API: ``generateContent`` / ``streamGenerateContent?alt=sse``; key in a header only."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from ..events import Completion, TextDelta
from ..sse import SSEEvent
from . import ChatCall, Dialect, Event, HttpRequest, load_json, raise_if_error, text_messages

FINISH_REASONS = {"STOP": "stop", "MAX_TOKENS": "length"} | {
    reason: "content_filter"
    for reason in ("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                   "LANGUAGE", "prompt_blocked")
}


def _model_path(model: str) -> str:
    model = model.removeprefix("models/")
    return "/models/" + quote(model, safe="")


def _usage(usage: Mapping[str, Any]) -> tuple[Any, Any]:
    output = usage.get("candidatesTokenCount")
    thoughts = usage.get("thoughtsTokenCount")
    if isinstance(output, int) and isinstance(thoughts, int):
        output += thoughts
    return usage.get("promptTokenCount"), output


def _chunk(obj: Mapping[str, Any]) -> tuple[list[str], str | None]:
    """(texts, finish reason) of one response chunk; a blocked prompt has no candidates."""
    candidates = obj.get("candidates")
    if not isinstance(candidates, list) or not candidates or not isinstance(candidates[0], Mapping):
        block = (obj.get("promptFeedback") or {}).get("blockReason")
        return [], (f"prompt_blocked:{block}" if block else None)
    candidate = candidates[0]
    parts = (candidate.get("content") or {}).get("parts") or []
    texts = [p["text"] for p in parts
             if isinstance(p, Mapping) and isinstance(p.get("text"), str) and p["text"] and not p.get("thought")]
    return texts, candidate.get("finishReason")


class GeminiDialect(Dialect):
    style = "gemini"
    finish_reasons = FINISH_REASONS

    def chat_request(self, call: ChatCall) -> HttpRequest:
        contents = [{"role": "model" if role == "assistant" else "user", "parts": [{"text": text}]}
                    for role, text in text_messages(call.messages, drop_empty=True)]
        body: dict[str, Any] = {"contents": contents}
        if call.system:
            body["systemInstruction"] = {"parts": [{"text": call.system}]}
        config: dict[str, Any] = {}
        if call.max_tokens is not None:
            config["maxOutputTokens"] = call.max_tokens
        if call.temperature is not None:
            config["temperature"] = call.temperature
        if config:
            body["generationConfig"] = config
        if call.stream:
            return HttpRequest("POST", _model_path(call.model) + ":streamGenerateContent",
                               params={"alt": "sse"}, json=body)
        return HttpRequest("POST", _model_path(call.model) + ":generateContent", json=body)

    def parse_stream(self, items: Iterator[SSEEvent], call: ChatCall) -> Iterator[Event]:
        usage: Mapping[str, Any] = {}
        for event in items:
            obj = load_json(event.data)
            if not isinstance(obj, Mapping):
                continue
            raise_if_error(obj)
            if isinstance(obj.get("usageMetadata"), Mapping):
                usage = obj["usageMetadata"]  # cumulative: keep the last
            texts, reason = _chunk(obj)
            for text in texts:
                yield TextDelta(text)
            if reason:  # no terminator event: the chunk with a finishReason is the last
                yield self.finish(reason, *_usage(usage))
                return
        raise self.truncated()

    def parse_completion(self, obj: Any, call: ChatCall) -> Completion:
        raise_if_error(obj)
        texts, reason = _chunk(obj)
        return Completion("".join(texts), self.finish(reason or "OTHER", *_usage(obj.get("usageMetadata") or {})))

    def models_request(self, page_token: str | None) -> HttpRequest:
        params = {"pageSize": "1000"}
        if page_token:
            params["pageToken"] = page_token
        return HttpRequest("GET", "/models", params=params)

    def parse_models(self, obj: Any) -> tuple[list[str], str | None]:
        models = obj.get("models") if isinstance(obj, Mapping) else None
        ids = []
        for model in models or []:
            if not isinstance(model, Mapping) or not isinstance(model.get("name"), str):
                continue
            methods = model.get("supportedGenerationMethods")
            if isinstance(methods, list) and "generateContent" not in methods:
                continue
            ids.append(model["name"].removeprefix("models/"))
        token = obj.get("nextPageToken") if isinstance(obj, Mapping) else None
        return ids, (str(token) if token else None)
