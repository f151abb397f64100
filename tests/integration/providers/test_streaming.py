"""Pen's four dialects against the live fake provider: what they send, and what they read."""

from __future__ import annotations

import time

import pytest

from pen.providers import (
    AuthError,
    TextDelta,
    TruncatedStream,
    Unavailable,
    check,
    complete_chat,
    list_models,
    stream_chat,
)
from tests.fakes.fixtures import FAKE_KEY, fake_spec
from tests.fakes.scenario import expected_text, expected_usage

from .helpers import DIALECTS, MESSAGES, collect, collect_error, first_chunks

pytestmark = pytest.mark.parametrize("dialect", DIALECTS)


@pytest.mark.parametrize("model", ["fake-echo", "fake-tokens-200", "fake-noise", "fake-slow?ttft=0&delay=0"])
def test_streamed_text_reassembles_exactly_with_usage(fake_provider, fast_settings, dialect, model):
    stream = stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, model, MESSAGES, settings=fast_settings)
    text, finish = collect(stream)
    assert text == expected_text(model, MESSAGES)
    assert (finish.reason, finish.truncated_by_limit) == ("stop", False)
    assert (finish.input_tokens, finish.output_tokens) == expected_usage(model, MESSAGES)


@pytest.mark.parametrize("model", ["fake-bad-utf8", "fake-bad-utf8?chunk=3"])
def test_invalid_utf8_becomes_a_replacement_character(fake_provider, fast_settings, dialect, model):
    text, finish = collect(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, model, MESSAGES,
                                       settings=fast_settings))
    assert text == expected_text(model, MESSAGES)
    assert "\ufffd" in text and finish.reason == "stop"


def test_multibyte_characters_split_across_every_chunk_boundary(fake_provider, fast_settings, dialect):
    model = "fake-echo?chunk=1"  # every byte of every frame in its own HTTP chunk
    text, _ = collect(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, model, MESSAGES, settings=fast_settings))
    assert text == expected_text(model, MESSAGES)


def test_token_cap_is_a_complete_reply_marked_as_cut(fake_provider, fast_settings, dialect):
    text, finish = collect(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-tokens-50", MESSAGES,
                                       max_tokens=5, settings=fast_settings))
    assert text == expected_text("fake-tokens-50", MESSAGES, max_tokens=5)
    assert (finish.reason, finish.truncated_by_limit, finish.output_tokens) == ("length", True, 5)


def test_content_filter_stop_has_no_text(fake_provider, fast_settings, dialect):
    text, finish = collect(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-filter", MESSAGES,
                                       settings=fast_settings))
    assert text == ""
    expected = {"openai": "content_filter", "anthropic": "refusal", "gemini": "prompt_blocked:SAFETY",
                "ollama": "stop"}[dialect]
    assert finish.raw_reason == expected
    assert finish.reason == ("stop" if dialect == "ollama" else "content_filter")


def test_stream_without_terminator_raises_truncated_after_the_text(fake_provider, fast_settings, dialect):
    text, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-no-terminator",
                                          MESSAGES, settings=fast_settings), TruncatedStream)
    assert text == expected_text("fake-echo", MESSAGES)
    assert err.after_first_token and not err.retryable
    assert len(fake_provider.requests) == 1


def test_dropped_connection_keeps_the_partial_text_and_is_not_retried(fake_provider, fast_settings, dialect):
    spec = fake_spec(fake_provider, dialect, [fake_provider.base_url(dialect, "a"), fake_provider.base_url(dialect, "b")])
    text, err = collect_error(stream_chat(spec, FAKE_KEY, "fake-drop-after-3", MESSAGES, settings=fast_settings),
                              TruncatedStream)
    assert text == first_chunks("fake-echo", 3)
    assert err.after_first_token and err.kind == "truncated_stream"
    assert [r.base for r in fake_provider.requests] == ["a"]


def test_mid_stream_error_event_is_typed_and_flagged(fake_provider, fast_settings, dialect):
    text, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-stream-error-after-2",
                                          MESSAGES, settings=fast_settings), Unavailable)
    assert text == first_chunks("fake-echo", 2)
    assert err.after_first_token and not err.retryable
    assert err.provider_message


def test_key_travels_only_in_the_configured_header(fake_provider, fast_settings, dialect):
    collect(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings))
    complete_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings)
    list_models(fake_spec(fake_provider, dialect), FAKE_KEY, settings=fast_settings)
    expected_header = {"openai": ("authorization", f"Bearer {FAKE_KEY}"), "anthropic": ("x-api-key", FAKE_KEY),
                       "gemini": ("x-goog-api-key", FAKE_KEY),
                       "ollama": ("authorization", f"Bearer {FAKE_KEY}")}[dialect]
    assert len(fake_provider.requests) == 3
    for request in fake_provider.requests:
        assert FAKE_KEY not in request.raw_path
        assert FAKE_KEY.encode() not in request.body
        assert request.headers[expected_header[0]] == expected_header[1]
        assert [v for v in request.headers.values() if FAKE_KEY in v] == [expected_header[1]]


def test_system_prompt_and_history_are_sent_the_dialects_way(fake_provider, fast_settings, dialect):
    collect(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-echo", MESSAGES, system="Be brief.",
                        max_tokens=100, settings=fast_settings))
    body = fake_provider.last_request.json
    if dialect == "anthropic":
        assert body["system"] == "Be brief." and body["max_tokens"] == 100
        assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    elif dialect == "gemini":
        assert body["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
        assert [c["role"] for c in body["contents"]] == ["user", "model", "user"]
        assert body["generationConfig"] == {"maxOutputTokens": 100}
        assert fake_provider.last_request.query == {"alt": "sse"}
    else:
        assert body["messages"][0] == {"role": "system", "content": "Be brief."}
        assert [m["role"] for m in body["messages"][1:]] == ["user", "assistant", "user"]
    headers = fake_provider.last_request.headers
    assert headers["user-agent"] == "Pen"
    assert headers["accept-encoding"] == "identity"


def test_complete_chat_returns_the_whole_reply(fake_provider, fast_settings, dialect):
    completion = complete_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-tokens-12", MESSAGES,
                               settings=fast_settings)
    assert completion.text == expected_text("fake-tokens-12", MESSAGES)
    assert completion.finish.reason == "stop"
    assert (completion.finish.input_tokens, completion.finish.output_tokens) == expected_usage("fake-tokens-12", MESSAGES)


def test_complete_chat_tolerates_blank_lines_before_the_body(fake_provider, fast_settings, dialect):
    model = "fake-echo?blank=3&ttft=0.03"
    completion = complete_chat(fake_spec(fake_provider, dialect), FAKE_KEY, model, MESSAGES, settings=fast_settings)
    assert completion.text == expected_text(model, MESSAGES)


def test_list_models_is_sorted_and_complete_over_pages(fake_provider, fast_settings, dialect):
    fake_provider.enqueue("models-paged", count=10)
    models = list_models(fake_spec(fake_provider, dialect), FAKE_KEY, settings=fast_settings)
    names = ["fake-echo", "fake-length", "fake-noise", "fake-slow", "fake-tokens-20"]
    expected = {"openai": sorted([*names, "fake-embedding"]), "ollama": [f"{n}:latest" for n in names]}
    assert models == expected.get(dialect, names)  # gemini drops the embedding-only model
    pages = {"anthropic": 3, "gemini": 3}.get(dialect, 1)
    assert len(fake_provider.requests) == pages


def test_check_reports_ok_with_models_or_the_typed_error(fake_provider, fast_settings, dialect):
    result = check(fake_spec(fake_provider, dialect), FAKE_KEY, settings=fast_settings)
    assert result.ok and "fake-echo" in "".join(result.models) and result.error is None
    if dialect != "ollama":  # Ollama has no keys
        bad = check(fake_spec(fake_provider, dialect), "sk-wrong-key-0000", settings=fast_settings)
        assert not bad.ok and isinstance(bad.error, AuthError)
        assert "sk-wrong-key-0000" not in str(bad.error)


def test_no_key_for_a_provider_that_needs_one_fails_before_any_request(fake_provider, fast_settings, dialect):
    with pytest.raises(AuthError, match="No API key"):
        collect(stream_chat(fake_spec(fake_provider, dialect), None, "fake-echo", MESSAGES, settings=fast_settings))
    assert fake_provider.requests == []


def test_keyless_local_provider_sends_no_auth_header(fake_provider, fast_settings, dialect):
    fake_provider.auth_required = False
    spec = fake_spec(fake_provider, dialect, requires_auth=False)
    text, _ = collect(stream_chat(spec, None, "fake-echo", MESSAGES, settings=fast_settings))
    assert text == expected_text("fake-echo", MESSAGES)
    headers = fake_provider.last_request.headers
    assert not {"authorization", "x-api-key", "x-goog-api-key"} & set(headers)


def test_extra_headers_from_the_provider_row_are_sent(fake_provider, fast_settings, dialect):
    spec = fake_spec(fake_provider, dialect, extra_headers={"HTTP-Referer": "https://pen.example", "X-Title": "Pen"})
    collect(stream_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings))
    headers = fake_provider.last_request.headers
    assert (headers["http-referer"], headers["x-title"]) == ("https://pen.example", "Pen")


def test_each_event_is_yielded_as_it_arrives(fake_provider, fast_settings, dialect):
    stream = stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-tokens-4?delay=0.3", MESSAGES,
                         settings=fast_settings)
    started = time.monotonic()
    first = next(stream)
    assert isinstance(first, TextDelta)
    assert time.monotonic() - started < 0.25  # not buffered until the end (3 × 0.3 s)
    stream.close()
