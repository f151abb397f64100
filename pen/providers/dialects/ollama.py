"""Ollama's native API: ``/api/chat`` (NDJSON stream) and ``/api/tags``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..events import Completion, TextDelta
from . import ChatCall, Dialect, Event, HttpRequest, load_json, raise_if_error, text_messages

FINISH_REASONS = {"stop": "stop", "length": "length"}


class OllamaDialect(Dialect):
    style = "ollama"
    stream_format = "ndjson"
    network_hint = " Is Ollama running, and is the base URL right (e.g. http://localhost:11434)?"
    finish_reasons = FINISH_REASONS

    def url(self, base: str, path: str) -> str:
        base = base.rstrip("/").removesuffix("/v1")  # tolerate the OpenAI-compatible base URL
        return super().url(base.removesuffix("/api"), path)

    def chat_request(self, call: ChatCall) -> HttpRequest:
        messages = [{"role": "system", "content": call.system}] if call.system else []
        messages += [{"role": r, "content": c} for r, c in text_messages(call.messages, drop_empty=False)]
        body: dict[str, Any] = {"model": call.model, "messages": messages, "stream": call.stream}
        options: dict[str, Any] = {}
        if call.max_tokens is not None:
            options["num_predict"] = call.max_tokens
        if call.temperature is not None:
            options["temperature"] = call.temperature
        if options:
            body["options"] = options
        return HttpRequest("POST", "/api/chat", json=body)

    def _finish(self, obj: Mapping[str, Any]):
        return self.finish(obj.get("done_reason") or "stop", obj.get("prompt_eval_count"), obj.get("eval_count"))

    def parse_stream(self, items: Iterator[str], call: ChatCall) -> Iterator[Event]:
        for line in items:
            obj = load_json(line)
            if not isinstance(obj, Mapping):
                continue
            raise_if_error(obj)
            text = (obj.get("message") or {}).get("content")
            if isinstance(text, str) and text:
                yield TextDelta(text)
            if obj.get("done") is True:
                yield self._finish(obj)
                return
        raise self.truncated()

    def parse_completion(self, obj: Any, call: ChatCall) -> Completion:
        raise_if_error(obj)
        return Completion(str((obj.get("message") or {}).get("content") or ""), self._finish(obj))

    def models_request(self, page_token: str | None) -> HttpRequest:
        return HttpRequest("GET", "/api/tags")

    def parse_models(self, obj: Any) -> tuple[list[str], str | None]:
        models = obj.get("models") if isinstance(obj, Mapping) else None
        ids = [m.get("model") or m.get("name") for m in models or [] if isinstance(m, Mapping)]
        return [i for i in ids if isinstance(i, str) and i], None
