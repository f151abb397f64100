"""Failover across base URLs before the first token, never after it; Retry-After honoured once."""

from __future__ import annotations

import time

import pytest

from pen.providers import (
    AuthError,
    BadRequest,
    ModelNotFound,
    NetworkError,
    RateLimited,
    TruncatedStream,
    Unavailable,
    complete_chat,
    list_models,
    stream_chat,
)
from tests.fakes.fixtures import FAKE_KEY, fake_spec, unused_port
from tests.fakes.scenario import Scenario, expected_text

from .helpers import DIALECTS, MESSAGES, collect, collect_error, first_chunks

each_dialect = pytest.mark.parametrize("dialect", DIALECTS)


def two_bases(fake, dialect):
    return fake_spec(fake, dialect, [fake.base_url(dialect, "a"), fake.base_url(dialect, "b")])


@each_dialect
def test_refused_connection_fails_over_to_the_next_base_url(fake_provider, fast_settings, dialect):
    dead = f"http://127.0.0.1:{unused_port()}" + {"openai": "/v1", "gemini": "/v1beta"}.get(dialect, "")
    spec = fake_spec(fake_provider, dialect, [dead, fake_provider.base_url(dialect, "b")])
    text, _ = collect(stream_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings))
    assert text == expected_text("fake-echo", MESSAGES)
    assert [r.base for r in fake_provider.requests] == ["b"]


@each_dialect
@pytest.mark.parametrize("scenario", ["error-500", "error-503", "error-529", "error-502?html=1",
                                      "stream-error-after-0", "drop-after-0"])
def test_server_failure_before_the_first_token_fails_over(fake_provider, fast_settings, dialect, scenario):
    fake_provider.enqueue(scenario, base="a")
    text, finish = collect(stream_chat(two_bases(fake_provider, dialect), FAKE_KEY, "fake-echo", MESSAGES,
                                       settings=fast_settings))
    assert text == expected_text("fake-echo", MESSAGES) and finish.reason == "stop"
    assert [r.base for r in fake_provider.requests] == ["a", "b"]


@each_dialect
@pytest.mark.parametrize(("scenario", "error"), [("drop-after-2", TruncatedStream),
                                                 ("stream-error-after-2", Unavailable)])
def test_no_failover_once_a_token_was_yielded(fake_provider, fast_settings, dialect, scenario, error):
    fake_provider.enqueue(scenario, base="a")
    text, err = collect_error(stream_chat(two_bases(fake_provider, dialect), FAKE_KEY, "fake-echo", MESSAGES,
                                          settings=fast_settings), error)
    assert text == first_chunks("fake-echo", 2)
    assert err.after_first_token and not err.retryable
    assert [r.base for r in fake_provider.requests] == ["a"]


@each_dialect
@pytest.mark.parametrize(("scenario", "error"), [("error-400", BadRequest), ("error-401", AuthError),
                                                 ("error-404", ModelNotFound), ("quota", RateLimited)])
def test_client_errors_are_not_retried_elsewhere(fake_provider, fast_settings, dialect, scenario, error):
    fake_provider.enqueue(scenario, base="a")
    collect_error(stream_chat(two_bases(fake_provider, dialect), FAKE_KEY, "fake-echo", MESSAGES,
                              settings=fast_settings), error)
    assert [r.base for r in fake_provider.requests] == ["a"]


@each_dialect
def test_when_every_base_url_fails_the_last_error_is_raised(fake_provider, fast_settings, dialect):
    fake_provider.enqueue("error-500", base="a")
    fake_provider.enqueue("error-503", base="b")
    _, err = collect_error(stream_chat(two_bases(fake_provider, dialect), FAKE_KEY, "fake-echo", MESSAGES,
                                       settings=fast_settings), Unavailable)
    assert err.status == 503


@each_dialect
def test_no_base_url_is_a_clear_network_error(fake_provider, fast_settings, dialect):
    _, err = collect_error(stream_chat(fake_spec(fake_provider, dialect, []), FAKE_KEY, "fake-echo", MESSAGES,
                                       settings=fast_settings), NetworkError)
    assert "No base URL" in err.user_message


@each_dialect
def test_complete_chat_and_list_models_fail_over_too(fake_provider, fast_settings, dialect):
    fake_provider.enqueue("error-500", base="a", count=2)
    spec = two_bases(fake_provider, dialect)
    assert complete_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings).text == \
        expected_text("fake-echo", MESSAGES)
    assert list_models(spec, FAKE_KEY, settings=fast_settings)
    assert [r.base for r in fake_provider.requests] == ["a", "b", "a", "b"]


@each_dialect
@pytest.mark.parametrize("header", ["retry_after_ms=150", "retry_after=0.15"])
def test_short_retry_after_is_waited_out_and_retried_once(fake_provider, fast_settings, dialect, header):
    model = f"fake-error-429?{header}&times=1"
    started = time.monotonic()
    text, _ = collect(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, model, MESSAGES, settings=fast_settings))
    elapsed = time.monotonic() - started
    assert text == expected_text(model, MESSAGES)
    assert len(fake_provider.requests) == 2
    assert 0.15 <= elapsed < 1.5


def test_retry_after_as_an_http_date_is_honoured(fake_provider, fast_settings):
    dialect = "anthropic"  # the header is read the same way for every dialect
    model = "fake-error-429?retry_after_date=1&times=1"
    started = time.monotonic()
    collect(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, model, MESSAGES, settings=fast_settings))
    assert len(fake_provider.requests) == 2
    assert time.monotonic() - started < 2.5


@each_dialect
def test_a_second_429_is_surfaced_not_retried_again(fake_provider, fast_settings, dialect):
    _, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-error-429?retry_after_ms=50",
                                       MESSAGES, settings=fast_settings), RateLimited)
    assert len(fake_provider.requests) == 2
    assert err.retry_after == pytest.approx(0.05)


@each_dialect
def test_retry_after_above_the_cap_is_surfaced_with_the_wait(fake_provider, fast_settings, dialect):
    started = time.monotonic()
    _, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-error-429?retry_after=5",
                                       MESSAGES, settings=fast_settings), RateLimited)
    assert time.monotonic() - started < 1
    assert err.retry_after == 5 and err.retryable and "5 seconds" in err.user_message
    assert len(fake_provider.requests) == 1


@each_dialect
def test_429_without_retry_after_is_surfaced_at_once(fake_provider, fast_settings, dialect):
    fake_provider.enqueue(Scenario(kind="error", status=429))
    _, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-echo", MESSAGES,
                                       settings=fast_settings), RateLimited)
    assert err.retry_after is None and err.retryable
    assert len(fake_provider.requests) == 1


@each_dialect
def test_unreachable_server_is_a_network_error_naming_the_host(fast_settings, dialect):
    spec = fake_spec(None, dialect, [f"http://127.0.0.1:{unused_port()}"])
    _, err = collect_error(stream_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings), NetworkError)
    assert "127.0.0.1" in err.user_message and err.retryable and err.status is None
    assert ("Is Ollama running" in err.user_message) is (dialect == "ollama")
