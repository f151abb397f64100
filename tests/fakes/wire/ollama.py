"""Ollama's native API (/api/chat NDJSON, /api/tags) as the fake speaks it. No auth, like Ollama."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from . import MODEL_IDS, FakeChat, Usage, Wire, WireError, dumps, text_of

_FINISH = {"stop": "stop", "length": "length", "content_filter": "stop"}


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class OllamaWire(Wire):
    name = "ollama"
    stream_content_type = "application/x-ndjson"

    def parse_chat(self, body: Any, headers: Mapping[str, str], *, stream: bool | None, strict: bool,
                   path_model: str = "") -> FakeChat:
        if not isinstance(body, Mapping) or not body.get("model"):
            raise self.error(400, "model is required")
        system_parts, messages = [], []
        for message in body.get("messages") or []:
            role, text = message.get("role"), text_of(message.get("content"))
            if role == "system":
                system_parts.append(text)
            elif role in ("user", "assistant"):
                messages.append({"role": role, "content": text})
            else:
                raise self.error(400, f"invalid role: {role}")
        options = body.get("options") or {}
        return FakeChat(str(body["model"]), messages, "\n".join(system_parts) or None, options.get("num_predict"),
                        body.get("stream", True) is not False)

    def error(self, status: int, message: str | None = None, type_: str | None = None, *,
              model: str = "", retry_after: float | None = None) -> WireError:
        default = f'model "{model}" not found, try pulling it first' if status == 404 else "an error occurred"
        return WireError(status, {"error": message or default})

    def quota_error(self) -> WireError:
        return self.error(402, "quota exceeded")

    def _line(self, obj: Any) -> bytes:
        return (dumps(obj) + "\n").encode()

    def delta(self, chat: FakeChat, text: str) -> bytes:
        return self._line({"model": chat.model, "created_at": _now(),
                           "message": {"role": "assistant", "content": text}, "done": False})

    def _final(self, chat: FakeChat, text: str, finish: str, usage: Usage | None) -> dict[str, Any]:
        final: dict[str, Any] = {"model": chat.model, "created_at": _now(),
                                 "message": {"role": "assistant", "content": text}, "done": True,
                                 "done_reason": _FINISH[finish], "total_duration": 4883583458,
                                 "load_duration": 1334875, "prompt_eval_duration": 342546000,
                                 "eval_duration": 4535599000}
        if usage:
            final |= {"prompt_eval_count": usage[0], "eval_count": usage[1]}
        return final

    def terminator(self, chat: FakeChat, finish: str, usage: Usage | None) -> bytes:
        return self._line(self._final(chat, "", finish, usage))

    def stream_error(self, type_: str | None, message: str | None) -> bytes:
        return self._line({"error": message or "an error was encountered while running the model: unexpected EOF"})

    def keepalive(self) -> bytes | None:
        return None  # Ollama sends nothing while it loads a model

    def noise(self, chat: FakeChat) -> list[bytes]:
        return [b"\n", b"   \n"]

    def completion(self, chat: FakeChat, text: str, finish: str, usage: Usage | None) -> Any:
        return self._final(chat, text, finish, usage)

    def models(self, query: Mapping[str, str], page_size: int | None, bare: bool) -> Any:
        return {"models": [{"name": f"{i}:latest", "model": f"{i}:latest", "modified_at": "2026-11-01T09:32:18Z",
                            "size": 3825819519, "digest": "fe938a131f40" + "0" * 52,
                            "details": {"format": "gguf", "family": "llama", "families": None,
                                        "parameter_size": "7B", "quantization_level": "Q4_0"}}
                           for i in MODEL_IDS]}

