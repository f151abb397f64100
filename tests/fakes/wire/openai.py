"""OpenAI chat completions (and the Mistral-like strict mode) as the fake speaks it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import EMBEDDING_MODEL, MODEL_IDS, FakeChat, Usage, Wire, WireError, text_of

_ERRORS = {
    400: ("Invalid request: 'messages' is malformed.", "invalid_request_error", None),
    401: ("Incorrect API key provided. You can find your API key in your account settings.",
          "invalid_request_error", "invalid_api_key"),
    403: ("Country, region, or territory not supported", "request_forbidden", "unsupported_country_region_territory"),
    404: ("The model `{model}` does not exist or you do not have access to it.", "invalid_request_error",
          "model_not_found"),
    408: ("Request timed out.", "timeout", None),
    413: ("Request too large.", "invalid_request_error", None),
    422: ("Unprocessable entity.", "invalid_request_error", None),
    429: ("Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request. Sorry about that!", "server_error", None),
    502: ("Bad gateway.", "server_error", None),
    503: ("The server is overloaded or not ready yet.", "server_error", "server_is_overloaded"),
    504: ("Gateway timeout.", "timeout", None),
}
_FINISH = {"stop": "stop", "length": "length", "content_filter": "content_filter"}


def _masked(key: str) -> str:
    return f"{key[:3]}****{key[-4:]}" if len(key) > 8 else "****"


class OpenAIWire(Wire):
    name = "openai"

    def check_auth(self, headers: Mapping[str, str], query: Mapping[str, str], key: str | None) -> None:
        if key is None:
            return
        value = headers.get("authorization", "")
        if not value.startswith("Bearer "):
            raise self.error(401, "You didn't provide an API key. You need to provide your API key in an "
                                  "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
        if value[7:] != key:
            raise self.error(401, f"Incorrect API key provided: {_masked(value[7:])}. You can find your API "
                                  "key at https://platform.example/account/api-keys.")

    def parse_chat(self, body: Any, headers: Mapping[str, str], *, stream: bool | None, strict: bool,
                   path_model: str = "") -> FakeChat:
        if not isinstance(body, Mapping) or not isinstance(body.get("messages"), list) or not body.get("model"):
            raise self.error(400, "'model' and 'messages' are required properties.")
        if strict:
            for field in ("stream_options", "max_completion_tokens", "seed"):
                if field in body:
                    raise WireError(422, {
                        "object": "error",
                        "message": {"detail": [{"type": "extra_forbidden", "loc": ["body", field],
                                                "msg": "Extra inputs are not permitted", "input": body[field]}]},
                        "type": "invalid_request_error", "param": None, "code": None})
        system_parts, messages = [], []
        for message in body["messages"]:
            role, text = message.get("role"), text_of(message.get("content"))
            if role in ("system", "developer"):
                system_parts.append(text)
            elif role in ("user", "assistant"):
                messages.append({"role": role, "content": text})
            else:
                raise self.error(400, f"Invalid value for 'role': {role!r}.")
        streaming = bool(body.get("stream"))
        options = body.get("stream_options") or {}
        max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
        return FakeChat(str(body["model"]), messages, "\n".join(system_parts) or None, max_tokens, streaming,
                        include_usage=streaming and bool(options.get("include_usage")))

    def error(self, status: int, message: str | None = None, type_: str | None = None, *,
              model: str = "", retry_after: float | None = None) -> WireError:
        default_message, default_type, code = _ERRORS.get(status, ("Error.", "api_error", None))
        return WireError(status, {"error": {"message": message or default_message.format(model=model),
                                            "type": type_ or default_type, "param": None, "code": code}})

    def quota_error(self) -> WireError:
        return WireError(429, {"error": {
            "message": "You exceeded your current quota, please check your plan and billing details.",
            "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}})

    def _chunk(self, chat: FakeChat, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        chunk: dict[str, Any] = {"id": f"chatcmpl-{chat.id}", "object": "chat.completion.chunk",
                                 "created": chat.created, "model": chat.model, "system_fingerprint": None,
                                 "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
        if chat.include_usage:
            chunk["usage"] = None
        return chunk

    def head(self, chat: FakeChat, usage: Usage, noise: bool) -> list[bytes]:
        return [self.sse(self._chunk(chat, {"role": "assistant", "content": "", "refusal": None}))]

    def delta(self, chat: FakeChat, text: str) -> bytes:
        return self.sse(self._chunk(chat, {"content": text}) | {"obfuscation": "x7Qp"})

    def tail(self, chat: FakeChat, finish: str, usage: Usage | None) -> list[bytes]:
        frames = [self.sse(self._chunk(chat, {}, _FINISH[finish]))]
        if chat.include_usage and usage:
            chunk = self._chunk(chat, {})
            chunk["choices"] = []
            chunk["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1],
                              "total_tokens": usage[0] + usage[1]}
            frames.append(self.sse(chunk))
        return frames

    def terminator(self, chat: FakeChat, finish: str, usage: Usage | None) -> bytes:
        return b"data: [DONE]\n\n"

    def stream_error(self, type_: str | None, message: str | None) -> bytes:
        return self.sse({"error": {"message": message or "The server had an error while processing your request.",
                                   "type": type_ or "server_error", "param": None, "code": None}})

    def completion(self, chat: FakeChat, text: str, finish: str, usage: Usage | None) -> Any:
        body: dict[str, Any] = {
            "id": f"chatcmpl-{chat.id}", "object": "chat.completion", "created": chat.created, "model": chat.model,
            "choices": [{"index": 0, "finish_reason": _FINISH[finish], "logprobs": None,
                         "message": {"role": "assistant", "content": text, "refusal": None, "annotations": []}}],
            "service_tier": "default", "system_fingerprint": None}
        if usage:
            body["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1],
                             "total_tokens": usage[0] + usage[1]}
        return body

    def models(self, query: Mapping[str, str], page_size: int | None, bare: bool) -> Any:
        data = [{"id": i, "object": "model", "created": 1764200000, "owned_by": "fake"}
                for i in (*MODEL_IDS, EMBEDDING_MODEL)]
        return data if bare else {"object": "list", "data": data}
