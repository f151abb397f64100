"""Scenarios of the fake provider: the grammar of scripted model names, and the deterministic reply.

See the docstring of ``tests/fakes/provider.py`` for the grammar. A benchmark or test computes
the reply the fake will send with ``expected_text(model, messages, max_tokens)``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl

__all__ = [
    "Scenario",
    "UnknownScenario",
    "expected_text",
    "expected_usage",
    "parse_scenario",
    "reply_tokens",
]

VOCAB = ("pen", "ink", "paper", "quill", "café", "naïve", "日本語", "🙂", "lorem", "ipsum", "über",
         "déjà", "vu", "Ω", "nib", "zebra")

# name -> (kind, name of the integer argument that may follow: "tokens-200", "error-429"…)
_NAMES = {
    "echo": ("echo", None),
    "tokens": ("echo", "tokens"),
    "slow": ("slow", None),
    "error": ("error", "status"),
    "quota": ("quota", None),
    "hang": ("hang", None),
    "drop-after": ("drop", "after"),
    "stream-error-after": ("stream_error", "after"),
    "no-terminator": ("no_terminator", None),
    "no-done": ("no_done", None),
    "noise": ("noise", None),
    "length": ("length", None),
    "filter": ("filter", None),
    "bad-utf8": ("bad_utf8", None),
    "strict": ("strict", None),
    "models-bare": ("models_bare", None),
    "models-paged": ("models_paged", None),
}
_FLOAT_PARAMS = {"ttft", "delay", "keepalive", "retry_after", "retry_after_ms", "retry_after_date", "seconds"}
_INT_PARAMS = {"tokens", "times", "blank", "usage", "chunk", "html", "page_size", "status", "after"}
_STR_PARAMS = {"type", "body", "text", "message"}


class UnknownScenario(ValueError):
    """The model name is not a fake model (the fake answers 404 model not found)."""


@dataclass(frozen=True)
class Scenario:
    kind: str = "echo"
    tokens: int | None = None
    text: str | None = None
    status: int | None = None
    after: int | None = None
    ttft: float = 0.0
    delay: float = 0.0
    keepalive: float = 0.0
    retry_after: float | None = None
    retry_after_ms: float | None = None
    retry_after_date: float | None = None
    times: int | None = None
    type: str | None = None
    message: str | None = None
    html: int = 0
    body: str | None = None
    seconds: float = 30.0
    blank: int = 0
    usage: int = 1
    chunk: int = 0
    page_size: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def fails(self) -> bool:
        return self.kind in ("error", "quota", "hang")

    def succeeded(self) -> Scenario:
        """The scenario once its ``times`` failures are used up: a normal reply."""
        return replace(self, kind="echo")


def parse_scenario(model: str) -> Scenario:
    """Parse ``fake[-name[-N]][?k=v&k=v]`` (``,`` also separates params; ``:latest`` is ignored)."""
    name, _, query = model.partition("?")
    name = name.removesuffix(":latest")
    if name != "fake" and not name.startswith("fake-"):
        raise UnknownScenario(model)
    rest = name[5:]
    kind, values = "echo", {}
    if rest:
        kind, arg_name, arg = _split_name(rest, model)
        if arg is not None:
            values[arg_name] = arg
    if kind == "slow":
        kind = "echo"
        values = {"tokens": 20, "ttft": 0.2, "delay": 0.05} | values
    values.update(_params(query.replace(",", "&")))
    if kind == "error" and values.get("status") == 429 and not any(k.startswith("retry_after") for k in values):
        values["retry_after"] = 1.0
    return Scenario(kind=kind, **values)


def _split_name(rest: str, model: str) -> tuple[str, str | None, int | None]:
    """("kind", argument name, argument) for the part after "fake-", e.g. "tokens-200"."""
    if rest in _NAMES:
        kind, arg_name = _NAMES[rest]
        return kind, arg_name, None
    name, _, number = rest.rpartition("-")
    if name in _NAMES and _NAMES[name][1] and number.isdigit():
        kind, arg_name = _NAMES[name]
        return kind, arg_name, int(number)
    raise UnknownScenario(model)


def _params(query: str) -> dict[str, object]:
    values: dict[str, object] = {}
    extra: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in _FLOAT_PARAMS:
            values[key] = float(value)
        elif key in _INT_PARAMS:
            values[key] = int(value)
        elif key in _STR_PARAMS:
            values[key] = value
        else:
            extra[key] = value
    if extra:
        values["extra"] = extra
    return values


def _last_user(messages: Sequence[Mapping[str, str]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return str(message.get("content") or "")
    return ""


def split_tokens(text: str) -> list[str]:
    return re.findall(r"\s+|\S+\s*", text)


def reply_tokens(scenario: Scenario, messages: Sequence[Mapping[str, str]],
                 max_tokens: int | None = None) -> tuple[list[str], str]:
    """(text chunks of the reply, finish: "stop" | "length" | "content_filter")."""
    if scenario.text is not None:
        tokens = split_tokens(scenario.text)
    elif scenario.tokens is not None:
        seed = hashlib.sha256(_last_user(messages).encode()).digest()
        tokens = [VOCAB[(seed[i % 32] + i) % len(VOCAB)] + " " for i in range(scenario.tokens)]
    else:
        tokens = split_tokens("Echo: " + _last_user(messages))
    finish = "stop"
    if scenario.kind == "length":
        finish = "length"
    elif scenario.kind == "filter":
        tokens, finish = [], "content_filter"  # stopped by the provider's filter before any text
    if max_tokens is not None and len(tokens) > max_tokens:
        tokens, finish = tokens[:max_tokens], "length"
    return tokens, finish


def expected_text(model: str, messages: Sequence[Mapping[str, str]], max_tokens: int | None = None) -> str:
    """The exact reply text the fake sends for ``model`` (a scenario string) and ``messages``.

    ``messages`` are ``{"role", "content"}`` dicts (the system prompt does not matter). For
    ``bad-utf8`` a client that decodes with replacement sees U+FFFD at the start of the second chunk.
    """
    scenario = parse_scenario(model)
    tokens, _ = reply_tokens(scenario, messages, max_tokens)
    if scenario.kind == "bad_utf8" and len(tokens) > 1:
        tokens[1] = "\ufffd" + tokens[1]
    return "".join(tokens)


def expected_usage(model: str, messages: Sequence[Mapping[str, str]], system: str | None = None,
                   max_tokens: int | None = None) -> tuple[int, int]:
    """(input tokens, output tokens) the fake reports: words of the prompt, chunks of the reply."""
    words = sum(len(str(m.get("content") or "").split()) for m in messages) + len((system or "").split())
    tokens, _ = reply_tokens(parse_scenario(model), messages, max_tokens)
    return words, len(tokens)
