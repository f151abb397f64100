"""Small helpers shared by the provider integration tests."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

from pen.providers import Finish, ProviderError, TextDelta
from tests.fakes.scenario import expected_text

DIALECTS = ("openai", "anthropic", "gemini", "ollama")
MESSAGES = [
    {"role": "user", "content": "First question"},
    {"role": "assistant", "content": "First answer"},
    {"role": "user", "content": "Straße, naïve café — 日本語 🙂 ok?"},
]


def collect(events: Iterable[TextDelta | Finish]) -> tuple[str, Finish]:
    """The reply text and the final event; checks that exactly one Finish comes, last."""
    parts: list[str] = []
    finishes: list[Finish] = []
    for event in events:
        assert not finishes, "nothing may follow the Finish event"
        if isinstance(event, TextDelta):
            assert event.text, "empty deltas are not yielded"
            parts.append(event.text)
        else:
            finishes.append(event)
    assert len(finishes) == 1
    return "".join(parts), finishes[0]


def collect_error(events: Iterable[TextDelta | Finish], error: type[ProviderError] = ProviderError
                  ) -> tuple[str, ProviderError]:
    """The text that arrived before the stream raised ``error`` (which it must)."""
    parts: list[str] = []
    with pytest.raises(error) as caught:
        for event in events:
            assert isinstance(event, TextDelta), "no Finish on a failed stream"
            parts.append(event.text)
    return "".join(parts), caught.value


def first_chunks(model: str, count: int) -> str:
    """The text of the first ``count`` chunks the fake sends for ``model`` and ``MESSAGES``."""
    return "".join(re.findall(r"\s+|\S+\s*", expected_text(model, MESSAGES))[:count])
