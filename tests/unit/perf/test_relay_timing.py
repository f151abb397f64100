"""The relay coalesces renders, but the end of a reply is sent the moment it ends: a pause to let
more text arrive must not delay the final message (it cost up to 50 ms per reply)."""

import threading
import time

from pen.chat import relay
from pen.chat.generation import Generation, Turn
from pen.providers import ProviderSpec


def generation() -> Generation:
    spec = ProviderSpec(name="Fake", api_style="openai", base_urls=("http://127.0.0.1:9/v1",))
    return Generation(None, Turn(message_id=1, chat_id=1, provider=spec, api_key=None, model="m",
                                 messages=({"role": "user", "content": "hi"},)))


def end(gen: Generation) -> None:
    with gen.condition:
        gen.done = True
        gen.condition.notify_all()
    gen.ended.set()


def test_the_final_message_is_not_held_back_by_the_coalescing_pause(monkeypatch):
    monkeypatch.setattr(relay, "MIN_INTERVAL", 5.0)  # a pause far longer than the test
    gen = generation()
    events = relay.relay(relay.LiveSource(gen), lambda text: f"update {text}", lambda: "final")
    gen._append("first ")
    assert "update first" in next(events)
    gen._append("second ")  # the relay now pauses up to MIN_INTERVAL before rendering again
    ended_at = []
    threading.Timer(0.2, lambda: (ended_at.append(time.monotonic()), end(gen))).start()
    assert "final" in next(events)
    assert time.monotonic() - ended_at[0] < 1.0


def test_text_arriving_during_the_pause_is_sent_in_one_update(monkeypatch):
    monkeypatch.setattr(relay, "MIN_INTERVAL", 0.3)
    gen = generation()
    events = relay.relay(relay.LiveSource(gen), lambda text: f"update {text}", lambda: "final")
    gen._append("a ")
    assert "update a " in next(events)
    for word in ("b ", "c ", "d "):
        gen._append(word)
    assert "update a b c d " in next(events)
    end(gen)
    assert "final" in next(events)
