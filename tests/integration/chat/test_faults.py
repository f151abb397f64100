"""No lost messages: for every fault the provider can produce, the user's message is stored and the
reply ends in a final state holding whatever text arrived, with a reason the user can act on."""

import pytest

from pen.providers import ProviderSettings, configure, get_settings
from tests.integration.chat.conftest import sse_events, text_of

FAULTS = [
    # model scenario, expected status, error kind, text that must have been kept, words in the message
    ("fake-error-401", "error", "auth", "", "API key"),
    ("fake-error-429?retry_after=60", "error", "rate_limited", "", "60"),
    ("fake-error-500", "error", "unavailable", "", ""),
    ("fake-error-529", "error", "unavailable", "", ""),
    ("fake-hang?seconds=5", "error", "timeout", "", ""),
    ("fake-drop-after-3", "error", "truncated_stream", "cut", ""),
    ("fake-no-terminator", "error", "truncated_stream", "Echo", ""),
    ("fake-stream-error-after-2", "error", "unavailable", "", ""),
]


@pytest.fixture
def quick_timeouts():
    saved = get_settings()
    configure(ProviderSettings(connect_timeout=1.0, read_timeout=0.5, total_timeout=5.0, retry_after_cap=0.5))
    yield
    configure(saved)


@pytest.mark.parametrize(("model", "status", "kind", "kept", "words"), FAULTS, ids=[f[0] for f in FAULTS])
def test_every_fault_ends_in_a_final_state_with_the_user_message_kept(chat_user, quick_timeouts, model, status, kind,
                                                                         kept, words):
    body = chat_user.send("Tell me a story, word by word", model=model).get_data(as_text=True)
    chat_user.wait(15)
    user, assistant = chat_user.messages()
    assert user.content == "Tell me a story, word by word" and user.status == "complete"
    assert assistant.status == status and assistant.error_kind == kind, (assistant.status, assistant.error)
    assert words in (assistant.error or "")
    if kept:
        assert assistant.content, "the text received before the fault is kept"
    final = sse_events(body)[-1]
    assert "msg-alert" in final and "Retry" in final  # the reason and a retry button, never a blank bubble
    assert "Traceback" not in body


def test_partial_text_before_a_drop_is_kept_exactly(chat_user, quick_timeouts):
    chat_user.send("one two three four five six", model="fake-drop-after-3").get_data()
    chat_user.wait()
    assistant = chat_user.messages()[-1]
    assert assistant.content.strip() == "Echo: one two"  # exactly the three chunks that arrived


def test_retry_reruns_the_same_turn_as_a_new_version(chat_user, quick_timeouts):
    chat_user.send("hello", model="fake-error-500").get_data()
    chat_user.wait()
    failed = chat_user.messages()[-1]
    branch = chat_user.client.post(f"/messages/{failed.id}/regenerate", data={"model": chat_user.model()},
                                   htmx=True).text
    chat_user.wait()
    retried = chat_user.messages()[-1]
    assert retried.parent_id == failed.parent_id and retried.status == "complete" and retried.content == "Echo: hello"
    assert f'id="msg-{retried.id}"' in branch and f'id="msg-{failed.id}"' not in branch
    assert "2/2" in text_of(chat_user.client.get(f"/c/{retried.chat_id}").text)


def test_a_crash_inside_pen_is_an_error_not_a_spinning_reply(chat_user, monkeypatch):
    import pen.chat.generation as generation

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(generation, "stream_chat", explode)
    chat_user.send("hi").get_data()
    chat_user.wait()
    assistant = chat_user.messages()[-1]
    assert assistant.status == "error" and assistant.error_kind == "internal" and "boom" not in assistant.error


def test_a_stop_that_breaks_the_stream_mid_read_is_a_stop_not_a_crash(chat_user, monkeypatch):
    import pen.chat.generation as generation

    class BrokenByStop:
        """What a Stop from another thread can leave: the next read raises a plain ValueError."""

        def __init__(self, *args, **kwargs):
            self.owner = None

        def __iter__(self):
            return self

        def __next__(self):
            for live in list(generation.registry(chat_user.app).live.values()):
                live.stop_event.set()
            raise ValueError("generator already executing")

        def close(self):
            pass

    monkeypatch.setattr(generation, "stream_chat", BrokenByStop)
    chat_user.send("hi").get_data()
    chat_user.wait()
    assert chat_user.messages()[-1].status == "stopped"
