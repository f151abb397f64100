"""What a chat call yields: text deltas, then exactly one ``Finish``; or a ``Completion`` at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Completion", "Finish", "TextDelta", "make_finish"]

STOP, LENGTH, CONTENT_FILTER, OTHER = "stop", "length", "content_filter", "other"


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Finish:
    reason: str
    """Normalised: ``"stop" | "length" | "content_filter" | "other"``."""
    input_tokens: int | None
    output_tokens: int | None
    truncated_by_limit: bool
    """The reply stopped at the token cap: complete, but cut (show "reply cut at the token limit")."""
    raw_reason: str = ""
    """The provider's own value (``end_turn``, ``MAX_TOKENS``, ``prompt_blocked:SAFETY``…)."""


@dataclass(frozen=True)
class Completion:
    text: str
    finish: Finish


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def make_finish(raw_reason: object, mapping: Mapping[str, str], input_tokens: object = None,
                output_tokens: object = None) -> Finish:
    """A ``Finish`` with the raw reason normalised through the dialect's ``mapping`` (an entry for
    ``"name"`` also covers ``"name:detail"``, e.g. Gemini's ``prompt_blocked:SAFETY``)."""
    raw = str(raw_reason) if raw_reason else ""
    reason = (mapping.get(raw) or mapping.get(raw.partition(":")[0], OTHER)) if raw else STOP
    return Finish(
        reason=reason,
        input_tokens=_int_or_none(input_tokens),
        output_tokens=_int_or_none(output_tokens),
        truncated_by_limit=reason == LENGTH,
        raw_reason=raw,
    )
