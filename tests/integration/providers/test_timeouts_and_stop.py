"""Timeouts fire within their bounds; closing a stream cuts the connection at once, from any thread."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from pen.providers import TextDelta, Timeout, stream_chat
from tests.fakes.fixtures import FAKE_KEY, fake_spec
from tests.fakes.scenario import expected_text

from .helpers import DIALECTS, MESSAGES, collect, collect_error

each_dialect = pytest.mark.parametrize("dialect", DIALECTS)


@pytest.fixture
def short(fast_settings):
    return replace(fast_settings, read_timeout=0.3)


@each_dialect
@pytest.mark.parametrize("model", ["fake-hang?seconds=5", "fake-echo?ttft=2"], ids=["no-headers", "no-body"])
def test_read_timeout_fires_within_its_bound(fake_provider, short, dialect, model):
    started = time.monotonic()
    text, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, model, MESSAGES, settings=short),
                              Timeout)
    elapsed = time.monotonic() - started
    assert text == "" and not err.after_first_token
    assert 0.3 <= elapsed < 0.9
    assert fake_provider.wait_for_disconnects(1)  # the fake sees the client go


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_keep_alives_reset_the_read_timeout(fake_provider, short, dialect):
    model = "fake-echo?ttft=0.7&keepalive=0.1"  # silent for longer than the read timeout, but for comments
    text, _ = collect(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, model, MESSAGES, settings=short))
    assert text == expected_text(model, MESSAGES)


@each_dialect
def test_total_timeout_caps_a_trickling_stream(fake_provider, fast_settings, dialect):
    settings = replace(fast_settings, total_timeout=0.5)
    started = time.monotonic()
    text, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-tokens-100?delay=0.05",
                                          MESSAGES, settings=settings), Timeout)
    assert 0.5 <= time.monotonic() - started < 0.9
    assert text and expected_text("fake-tokens-100", MESSAGES).startswith(text)
    assert err.after_first_token and "overall time limit" in err.user_message


@each_dialect
def test_timeout_before_the_first_token_fails_over(fake_provider, short, dialect):
    fake_provider.enqueue("hang", base="a")
    spec = fake_spec(fake_provider, dialect, [fake_provider.base_url(dialect, "a"), fake_provider.base_url(dialect, "b")])
    started = time.monotonic()
    text, _ = collect(stream_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=short))
    assert text == expected_text("fake-echo", MESSAGES)
    assert [r.base for r in fake_provider.requests] == ["a", "b"]
    assert time.monotonic() - started < 0.9


@each_dialect
def test_closing_the_stream_closes_the_connection_at_once(fake_provider, fast_settings, dialect):
    stream = stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-tokens-100?delay=0.05", MESSAGES,
                         settings=fast_settings)
    assert isinstance(next(stream), TextDelta)
    assert isinstance(next(stream), TextDelta)
    stream.close()
    assert stream.closed
    assert fake_provider.wait_for_disconnects(1, timeout=0.5)
    assert list(stream) == []  # a closed stream yields nothing more


@each_dialect
@pytest.mark.parametrize("model", ["fake-hang?seconds=5", "fake-echo?ttft=5", "fake-tokens-100?delay=0.2"],
                         ids=["before-headers", "before-body", "between-tokens"])
def test_close_from_another_thread_unblocks_the_reader(fake_provider, fast_settings, dialect, model):
    stream = stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, model, MESSAGES,
                         settings=replace(fast_settings, read_timeout=5))
    outcome: list[object] = []

    def consume() -> None:
        try:
            outcome.append([type(e).__name__ for e in stream])
        except Exception as exc:  # noqa: BLE001 - the test asserts there is none
            outcome.append(exc)

    reader = threading.Thread(target=consume)
    reader.start()
    time.sleep(0.15)  # the reader is blocked inside the HTTP exchange
    started = time.monotonic()
    stream.close()
    reader.join(2)
    assert not reader.is_alive() and time.monotonic() - started < 0.5
    assert isinstance(outcome[0], list) and "Finish" not in outcome[0]  # ends quietly, no error, no Finish
    assert fake_provider.wait_for_disconnects(1, timeout=1)


def test_context_manager_closes_the_stream(fake_provider, fast_settings):
    with stream_chat(fake_spec(fake_provider, "openai"), FAKE_KEY, "fake-tokens-100?delay=0.05", MESSAGES,
                     settings=fast_settings) as stream:
        next(stream)
    assert fake_provider.wait_for_disconnects(1, timeout=0.5)
