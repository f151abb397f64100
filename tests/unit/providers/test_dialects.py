"""Dialect parsers on hand-written streams: the corner cases of PROVIDERS.md §1–§4."""

from __future__ import annotations

import json

import pytest

from pen.providers.dialects import ChatCall, get_dialect
from pen.providers.errors import AuthError, TruncatedStream, Unavailable
from pen.providers.events import Finish, TextDelta
from pen.providers.settings import ProviderSettings
from pen.providers.spec import ProviderSpec
from pen.providers.sse import SSEEvent


def call(style: str, name: str = "Test", base: str = "https://api.example.com/v1", **kwargs) -> ChatCall:
    spec = ProviderSpec(name, style, (base,))
    fields = {"model": "m", "messages": ({"role": "user", "content": "Hi"},), "system": None, "max_tokens": None,
              "temperature": None, "stream": True, "settings": ProviderSettings()} | kwargs
    return ChatCall(spec, **fields)


def sse(*items) -> list[SSEEvent]:
    return [SSEEvent(name, data if isinstance(data, str) else json.dumps(data)) for name, data in items]


def run(style: str, items) -> list:
    return list(get_dialect(style).parse_stream(iter(items), call(style)))


def text_of(events) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def test_openai_ignores_empty_null_and_role_only_deltas_and_reads_the_usage_chunk():
    events = run("openai", sse(
        ("", {"choices": [{"delta": {"role": "assistant", "content": ""}, "finish_reason": None}], "usage": None}),
        ("", {"choices": [{"delta": {"content": None}}]}),
        ("", {"choices": [{"delta": {"content": "Hel"}}], "obfuscation": "zz"}),
        ("", {"choices": [{"delta": {"content": "lo"}}]}),
        ("", "not json at all"),
        ("", {"choices": [{"delta": {}, "finish_reason": "length"}]}),
        ("", {"choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 3}}),
        ("", "[DONE]"),
    ))
    assert text_of(events) == "Hello"
    assert events[-1] == Finish("length", 12, 3, True, "length")
    assert all(e.text for e in events if isinstance(e, TextDelta))


def test_openai_stream_that_just_ends_is_truncated():
    with pytest.raises(TruncatedStream):
        run("openai", sse(("", {"choices": [{"delta": {"content": "Hi"}}]})))


def test_openai_top_level_error_object_mid_stream_is_raised():  # vLLM's envelope
    with pytest.raises(Unavailable):
        run("openai", sse(("", {"object": "error", "message": "boom", "type": "InternalServerError", "code": 500})))


def test_anthropic_reads_text_blocks_at_any_index_and_ignores_unknown_events():
    events = run("anthropic", sse(
        ("message_start", {"type": "message_start", "message": {"usage": {
            "input_tokens": 10, "cache_read_input_tokens": 5, "output_tokens": 1}}}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking"}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                 "delta": {"type": "thinking_delta", "thinking": "secret"}}),
        ("ping", {"type": "ping"}),
        ("brand_new_event", {"type": "brand_new_event"}),
        ("content_block_delta", {"type": "content_block_delta", "index": 1,
                                 "delta": {"type": "text_delta", "text": "Answer"}}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 9}}),
        ("message_stop", {"type": "message_stop"}),
    ))
    assert text_of(events) == "Answer"
    assert events[-1] == Finish("stop", 15, 9, False, "end_turn")


def test_anthropic_without_message_stop_is_truncated_and_error_event_is_typed():
    with pytest.raises(TruncatedStream):
        run("anthropic", sse(("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}})))
    with pytest.raises(AuthError):
        run("anthropic", sse(("error", {"type": "error", "error": {"type": "authentication_error", "message": "x"}})))


def test_gemini_skips_thoughts_and_chunks_without_candidates():
    events = run("gemini", sse(
        ("", {"usageMetadata": {"promptTokenCount": 4}}),
        ("", {"candidates": [{"content": {"parts": [{"text": "plan", "thought": True}, {"text": "Hi"}]}}]}),
        ("", {"candidates": [{"content": {"parts": [{"text": " there"}]}, "finishReason": "MAX_TOKENS"}],
              "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 2, "thoughtsTokenCount": 3}}),
    ))
    assert text_of(events) == "Hi there"
    assert events[-1] == Finish("length", 4, 5, True, "MAX_TOKENS")


def test_gemini_blocked_prompt_is_a_content_filter_finish():
    events = run("gemini", sse(("", {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}})))
    assert events == [Finish("content_filter", None, None, False, "prompt_blocked:PROHIBITED_CONTENT")]


def test_gemini_safety_and_unknown_finish_reasons_are_normalised():
    assert get_dialect("gemini").finish("RECITATION").reason == "content_filter"
    assert get_dialect("gemini").finish("MALFORMED_FUNCTION_CALL").reason == "other"
    assert get_dialect("anthropic").finish("pause_turn").reason == "other"
    assert get_dialect("openai").finish("tool_calls").reason == "other"


def test_ollama_needs_done_true():
    lines = [json.dumps({"message": {"content": "Hi"}, "done": False}),
             json.dumps({"message": {"content": ""}, "done": True, "done_reason": "stop",
                         "prompt_eval_count": 3, "eval_count": 1})]
    events = list(get_dialect("ollama").parse_stream(iter(lines), call("ollama")))
    assert events == [TextDelta("Hi"), Finish("stop", 3, 1, False, "stop")]
    with pytest.raises(TruncatedStream):
        list(get_dialect("ollama").parse_stream(iter(lines[:1]), call("ollama")))


@pytest.mark.parametrize(("style", "name", "base", "key"), [
    ("openai", "OpenAI", "https://api.openai.com/v1", "max_completion_tokens"),
    ("openai", "My proxy", "https://api.openai.com/v1", "max_completion_tokens"),
    ("openai", "Groq", "https://api.groq.com/openai/v1", "max_tokens"),
    ("openai", "Mistral", "https://api.mistral.ai/v1", "max_tokens"),
])
def test_openai_output_cap_field_depends_on_the_provider(style, name, base, key):
    request = get_dialect(style).chat_request(call(style, name, base, max_tokens=99))
    assert request.json[key] == 99
    assert ("stream_options" in request.json) is (name != "Mistral")


def test_requests_refuse_roles_other_than_user_and_assistant():
    with pytest.raises(ValueError, match="role"):
        get_dialect("openai").chat_request(call("openai", messages=({"role": "system", "content": "x"},)))


def test_request_paths_join_the_base_url_the_dialects_way():
    assert get_dialect("anthropic").url("https://api.anthropic.com", "/v1/messages") == \
        "https://api.anthropic.com/v1/messages"
    assert get_dialect("anthropic").url("https://api.anthropic.com/v1/", "/v1/messages") == \
        "https://api.anthropic.com/v1/messages"
    assert get_dialect("ollama").url("http://localhost:11434/v1", "/api/chat") == "http://localhost:11434/api/chat"
    request = get_dialect("gemini").chat_request(call("gemini", model="tuned/a b?c"))
    assert request.path == "/models/tuned%2Fa%20b%3Fc:streamGenerateContent" and request.params == {"alt": "sse"}
    assert get_dialect("gemini").chat_request(call("gemini", stream=False)).params == {}


def test_model_listings_of_every_shape():
    assert get_dialect("openai").parse_models([{"id": "b"}, {"id": "a"}, {"x": 1}]) == (["b", "a"], None)
    assert get_dialect("anthropic").parse_models({"data": [{"id": "c"}], "has_more": True, "last_id": "c"}) == \
        (["c"], "c")
    gemini = {"models": [{"name": "models/g", "supportedGenerationMethods": ["generateContent"]},
                         {"name": "models/e", "supportedGenerationMethods": ["embedContent"]}],
              "nextPageToken": "t2"}
    assert get_dialect("gemini").parse_models(gemini) == (["g"], "t2")
    assert get_dialect("ollama").parse_models({"models": [{"name": "a:latest"}, {"model": "b:7b"}]}) == \
        (["a:latest", "b:7b"], None)


@pytest.mark.parametrize(("style", "items"), [
    ("anthropic", sse(("message_start", {"type": "message_start", "message": "not an object"}))),
    ("anthropic", sse(("content_block_delta", {"type": "content_block_delta", "delta": ["x"]}))),
    ("gemini", sse(("", {"candidates": [{"content": "not an object"}]}))),
    ("ollama", ['{"message": "text", "done": false}']),
])
def test_unexpected_json_shapes_become_a_typed_error(style, items):
    with pytest.raises(Unavailable, match="not in the expected format"):
        list(get_dialect(style).events(iter(items), call(style)))


def test_odd_but_harmless_values_are_tolerated():
    events = list(get_dialect("openai").events(iter(sse(
        ("", {"choices": [{"delta": {"content": "ok"}, "finish_reason": 7}], "usage": 5}), ("", "[DONE]"))),
        call("openai")))
    assert events == [TextDelta("ok"), Finish("other", None, None, False, "7")]
