"""Gemini API (generateContent / streamGenerateContent?alt=sse, models list) as the fake speaks it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import EMBEDDING_MODEL, MODEL_IDS, FakeChat, Usage, Wire, WireError, page, text_of

_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           408: "DEADLINE_EXCEEDED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "UNAVAILABLE",
           503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
_CODES = {name: code for code, name in _STATUS.items()}
_MESSAGES = {400: "Request contains an invalid argument.",
             403: "Method doesn't allow unregistered callers (callers without established identity). "
                  "Please use API Key or other form of API consumer identity to call this API.",
             404: "models/{model} is not found for API version v1beta, or is not supported for generateContent.",
             429: "Resource has been exhausted (e.g. check quota).",
             500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
             503: "The model is overloaded. Please try again later.",
             504: "Deadline expired before operation could complete."}
_FINISH = {"stop": "STOP", "length": "MAX_TOKENS", "content_filter": "SAFETY"}


def _usage(usage: Usage | None, final: bool) -> dict[str, int]:
    if not usage:
        return {}
    if not final:
        return {"promptTokenCount": usage[0], "totalTokenCount": usage[0]}
    return {"promptTokenCount": usage[0], "candidatesTokenCount": usage[1], "totalTokenCount": sum(usage)}


class GeminiWire(Wire):
    name = "gemini"
    sse_fields = False

    def check_auth(self, headers: Mapping[str, str], query: Mapping[str, str], key: str | None) -> None:
        if key is None:
            return
        sent = headers.get("x-goog-api-key", query.get("key"))
        if sent is None:
            raise self.error(403)
        if sent != key:
            raise WireError(400, {"error": {
                "code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
                "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                             "domain": "googleapis.com",
                             "metadata": {"service": "generativelanguage.googleapis.com"}}]}})

    def parse_chat(self, body: Any, headers: Mapping[str, str], *, stream: bool | None, strict: bool,
                   path_model: str = "") -> FakeChat:
        if not isinstance(body, Mapping) or not isinstance(body.get("contents"), list):
            raise self.error(400, "* GenerateContentRequest.contents: contents is not specified")
        messages = []
        for content in body["contents"]:
            role = content.get("role", "user")
            if role not in ("user", "model"):
                raise self.error(400, f"Please use a valid role: user, model. Got {role!r}.")
            text = text_of(content.get("parts"))
            if not text:
                raise self.error(400, "* GenerateContentRequest.contents.parts: contents.parts must not be empty.")
            messages.append({"role": "assistant" if role == "model" else "user", "content": text})
        system = text_of((body.get("systemInstruction") or body.get("system_instruction") or {}).get("parts")) or None
        config = body.get("generationConfig") or {}
        return FakeChat(path_model, messages, system, config.get("maxOutputTokens"), bool(stream))

    def error(self, status: int, message: str | None = None, type_: str | None = None, *,
              model: str = "", retry_after: float | None = None) -> WireError:
        name = type_ or _STATUS.get(status, "UNKNOWN")
        details = []
        if retry_after is not None:
            details.append({"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{retry_after:g}s"})
        body: dict[str, Any] = {"code": status, "message": message or _MESSAGES.get(status, "Error.").format(model=model),
                                "status": name}
        if details:
            body["details"] = details
        return WireError(status, {"error": body})

    def quota_error(self) -> WireError:
        return self.error(400, "User location is not supported for the API use without a billing account linked.",
                          "FAILED_PRECONDITION")

    def _chunk(self, chat: FakeChat, text: str, finish: str | None, usage: dict[str, int]) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}
        if finish:
            candidate["finishReason"] = finish
        return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": chat.model, "responseId": chat.id}

    def delta(self, chat: FakeChat, text: str) -> bytes:
        words = sum(len(m["content"].split()) for m in chat.messages)
        return self.sse(self._chunk(chat, text, None, {"promptTokenCount": words, "totalTokenCount": words}))

    def terminator(self, chat: FakeChat, finish: str, usage: Usage | None) -> bytes:
        if finish == "content_filter":  # a blocked prompt: no candidates at all
            return self.sse({"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": _usage(usage, False),
                             "modelVersion": chat.model, "responseId": chat.id})
        return self.sse(self._chunk(chat, "", _FINISH[finish], _usage(usage, True)))

    def stream_error(self, type_: str | None, message: str | None) -> bytes:
        name = type_ or "INTERNAL"
        code = _CODES.get(name, 500)
        return self.sse({"error": {"code": code, "message": message or _MESSAGES.get(code, "Error."), "status": name}})

    def keepalive(self) -> bytes | None:
        return None  # Gemini sends no comments while it thinks

    def noise(self, chat: FakeChat) -> list[bytes]:
        thought = {"candidates": [{"content": {"role": "model", "parts": [{"text": "Thinking, not shown.",
                                                                             "thought": True}]}, "index": 0}],
                   "modelVersion": chat.model, "responseId": chat.id}
        usage_only = {"usageMetadata": {"promptTokenCount": 1, "totalTokenCount": 1}, "modelVersion": chat.model}
        return [self.sse(thought), self.sse(usage_only)]

    def completion(self, chat: FakeChat, text: str, finish: str, usage: Usage | None) -> Any:
        if finish == "content_filter":
            return {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": _usage(usage, False),
                    "modelVersion": chat.model}
        return self._chunk(chat, text, _FINISH[finish], _usage(usage, True))

    def models(self, query: Mapping[str, str], page_size: int | None, bare: bool) -> Any:
        entries = [(i, ["generateContent", "countTokens"]) for i in MODEL_IDS] + [(EMBEDDING_MODEL, ["embedContent"])]
        size = page_size or max(1, min(1000, int(query.get("pageSize", "50"))))
        start = int(query.get("pageToken") or 0)
        chunk, more = page([e[0] for e in entries], start, size)
        methods = dict(entries)
        body: dict[str, Any] = {"models": [
            {"name": f"models/{i}", "version": "001", "displayName": i, "description": "A fake model.",
             "inputTokenLimit": 1048576, "outputTokenLimit": 65536, "supportedGenerationMethods": methods[i],
             "temperature": 1.0, "maxTemperature": 2.0, "topP": 0.95, "topK": 64}
            for i in chunk]}
        if more:
            body["nextPageToken"] = str(start + size)
        return body
