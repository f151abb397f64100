"""Every streamed reply is checked exactly: the text the client received, and the row saved."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bench.client import Stream
from tests.fakes.scenario import expected_text


@dataclass(frozen=True)
class Expect:
    """What a request sent, and the exact reply the fake provider answers it with."""

    message: str
    text: str

    @classmethod
    def of(cls, model: str, history: list[dict[str, str]], message: str) -> Expect:
        return cls(message, expected_text(model, [*history, {"role": "user", "content": message}]))


def check_direct(streams: list[Stream]) -> Counter:
    problems: Counter = Counter()
    for stream in streams:
        if stream.error:
            problems[stream.error] += 1
        elif stream.reply_text() != stream.tag.text:
            problems["direct text differs from expected_text"] += 1
    return problems


def check_pen(bench, streams: list[Stream]) -> Counter:
    """Problems (kind -> count) of Pen's streams; empty when every reply was relayed and saved exactly."""
    problems: Counter = Counter()
    saved_ids: dict[int, str] = {}
    for stream in streams:
        if stream.error:
            problems[stream.error] += 1
        elif stream.first_text_at is None:
            problems["no reply text event"] += 1
        elif stream.reply_text() != stream.tag.text:
            problems["relayed text differs from what the fake sent"] += 1
        elif "is-error" in (stream.last_event or "") or "is-streaming" in (stream.last_event or ""):
            problems["final message is not complete"] += 1
        else:
            saved_ids[stream.message_id()] = stream.tag.text
    saved = bench.saved_replies(list(saved_ids))
    for message_id, text in saved_ids.items():
        status, content = saved.get(message_id, (None, None))
        if status != "complete":
            problems[f"saved with status {status}"] += 1
        elif content != text:
            problems["saved text differs from what the fake sent"] += 1
    return problems
