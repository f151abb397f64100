"""Anthropic messages API as the fake speaks it (both auth headers, both API versions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import MODEL_IDS, FakeChat, Usage, Wire, WireError, page, text_of

VERSIONS = ("2023-06-01", "2026-10-21")
_TYPES = {400: "invalid_request_error", 401: "authentication_error", 402: "billing_error", 403: "permission_error",
          404: "not_found_error", 408: "timeout_error", 413: "request_too_large", 429: "rate_limit_error",
          500: "api_error", 502: "api_error", 503: "api_error", 504: "timeout_error", 529: "overloaded_error"}
_MESSAGES = {"authentication_error": "invalid x-api-key", "not_found_error": "model: {model}",
             "rate_limit_error": "Number of request tokens has exceeded your per-minute rate limit.",
             "overloaded_error": "Overloaded", "api_error": "Internal server error",
             "billing_error": "Your credit balance is too low to access the Anthropic API.",
             "permission_error": "Your API key does not have permission to use the specified resource.",
             "timeout_error": "Request timed out", "invalid_request_error": "Invalid request"}
_FINISH = {"stop": "end_turn", "length": "max_tokens", "content_filter": "refusal"}


class AnthropicWire(Wire):
    name = "anthropic"

    def check_auth(self, headers: Mapping[str, str], query: Mapping[str, str], key: str | None) -> None:
        version = headers.get("anthropic-version")
        if version not in VERSIONS:
            raise self.error(400, "anthropic-version: header is required" if version is None
                             else f"anthropic-version: {version!r} is not a valid version")
        if key is None:
            return
        sent = headers.get("x-api-key")
        bearer = headers.get("authorization", "")
        if sent is None and bearer.startswith("Bearer "):
            sent = bearer[7:]
        if sent != key:
            raise self.error(401)

    def parse_chat(self, body: Any, headers: Mapping[str, str], *, stream: bool | None, strict: bool,
                   path_model: str = "") -> FakeChat:
        if not isinstance(body, Mapping) or not body.get("model") or not isinstance(body.get("messages"), list):
            raise self.error(400, "model: Field required; messages: Field required")
        if not isinstance(body.get("max_tokens"), int):
            raise self.error(400, "max_tokens: Field required")
        if headers.get("anthropic-version") == "2026-10-21":
            for field in ("temperature", "top_p", "top_k"):
                if field in body:
                    raise self.error(400, f"{field}: sampling parameters are not supported in API version 2026-10-21")
        messages = []
        for message in body["messages"]:
            role = message.get("role")
            if role not in ("user", "assistant"):
                raise self.error(400, f"messages: Unexpected role {role!r}. Use the top-level system parameter.")
            text = text_of(message.get("content"))
            if not text:
                raise self.error(400, "messages: text content blocks must be non-empty")
            messages.append({"role": role, "content": text})
        system = text_of(body.get("system")) or None
        return FakeChat(str(body["model"]), messages, system, body["max_tokens"], bool(body.get("stream")))

    def error(self, status: int, message: str | None = None, type_: str | None = None, *,
              model: str = "", retry_after: float | None = None) -> WireError:
        kind = type_ or _TYPES.get(status, "api_error")
        text = message or _MESSAGES.get(kind, "Error").format(model=model)
        return WireError(status, {"type": "error", "error": {"type": kind, "message": text},
                                  "request_id": "req_fake0123456789"})

    def quota_error(self) -> WireError:
        return WireError(429, {"type": "error", "request_id": "req_fake0123456789", "error": {
            "type": "rate_limit_error", "message": "You have reached your monthly spend limit.",
            "details": {"error_code": "enforced_spend_limit_reached"}}})

    def head(self, chat: FakeChat, usage: Usage, noise: bool) -> list[bytes]:
        message = {"id": f"msg_{chat.id}", "type": "message", "role": "assistant", "model": chat.model,
                   "content": [], "stop_reason": None, "stop_sequence": None,
                   "usage": {"input_tokens": usage[0], "output_tokens": 1}}
        frames = [self.sse({"type": "message_start", "message": message}, "message_start")]
        chat.text_index = 1 if noise else 0
        if noise:  # a thinking block first: text is not always at index 0
            frames += [
                self.sse({"type": "content_block_start", "index": 0,
                          "content_block": {"type": "thinking", "thinking": "", "signature": ""}}, "content_block_start"),
                self.sse({"type": "content_block_delta", "index": 0,
                          "delta": {"type": "thinking_delta", "thinking": "Hmm, not for display."}},
                         "content_block_delta"),
                self.sse({"type": "content_block_delta", "index": 0,
                          "delta": {"type": "signature_delta", "signature": "c2ln"}}, "content_block_delta"),
                self.sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
            ]
        frames.append(self.sse({"type": "content_block_start", "index": chat.text_index,
                                "content_block": {"type": "text", "text": ""}}, "content_block_start"))
        frames.append(self.keepalive() or b"")
        return frames

    def delta(self, chat: FakeChat, text: str) -> bytes:
        return self.sse({"type": "content_block_delta", "index": chat.text_index,
                         "delta": {"type": "text_delta", "text": text}}, "content_block_delta")

    def tail(self, chat: FakeChat, finish: str, usage: Usage | None) -> list[bytes]:
        delta = {"type": "message_delta", "delta": {"stop_reason": _FINISH[finish], "stop_sequence": None},
                 "usage": {"output_tokens": usage[1] if usage else 0}}
        return [self.sse({"type": "content_block_stop", "index": chat.text_index}, "content_block_stop"),
                self.sse(delta, "message_delta")]

    def terminator(self, chat: FakeChat, finish: str, usage: Usage | None) -> bytes:
        return self.sse({"type": "message_stop"}, "message_stop")

    def stream_error(self, type_: str | None, message: str | None) -> bytes:
        kind = type_ or "overloaded_error"
        return self.sse({"type": "error", "error": {"type": kind, "message": message or _MESSAGES.get(kind, "Error")}},
                        "error")

    def keepalive(self) -> bytes | None:
        return self.sse({"type": "ping"}, "ping")

    def noise(self, chat: FakeChat) -> list[bytes]:
        return [self.sse({"type": "content_block_future", "index": 9, "novel": True}, "content_block_future"),
                b": comment\n\n"]

    def completion(self, chat: FakeChat, text: str, finish: str, usage: Usage | None) -> Any:
        return {"id": f"msg_{chat.id}", "type": "message", "role": "assistant", "model": chat.model,
                "content": [{"type": "text", "text": text}], "stop_reason": _FINISH[finish], "stop_sequence": None,
                "usage": {"input_tokens": usage[0] if usage else 0, "output_tokens": usage[1] if usage else 0,
                          "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}

    def models(self, query: Mapping[str, str], page_size: int | None, bare: bool) -> Any:
        ids = list(MODEL_IDS)
        size = page_size or max(1, min(1000, int(query.get("limit", "20"))))
        start = ids.index(query["after_id"]) + 1 if query.get("after_id") in ids else 0
        chunk, more = page(ids, start, size)
        data = [{"type": "model", "id": i, "display_name": i.replace("-", " ").title(),
                 "created_at": "2026-09-01T00:00:00Z"} for i in chunk]
        return {"data": data, "has_more": more, "first_id": chunk[0] if chunk else None,
                "last_id": chunk[-1] if chunk else None}
