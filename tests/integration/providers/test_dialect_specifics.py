"""Provider-specific adjustments (PROVIDERS.md §6) and per-dialect leniency, against the fake."""

from __future__ import annotations

import pytest

from pen.providers import (
    BadRequest,
    ProviderSettings,
    TruncatedStream,
    complete_chat,
    list_models,
    stream_chat,
)
from tests.fakes.fixtures import FAKE_KEY, fake_spec
from tests.fakes.scenario import expected_text

from .helpers import MESSAGES, collect, collect_error


def test_openai_gets_max_completion_tokens_and_compatible_servers_max_tokens(fake_provider, fast_settings):
    collect(stream_chat(fake_spec(fake_provider, "openai", name="OpenAI"), FAKE_KEY, "fake-echo", MESSAGES,
                        max_tokens=64, settings=fast_settings))
    body = fake_provider.last_request.json
    assert body["max_completion_tokens"] == 64 and "max_tokens" not in body
    assert body["stream_options"] == {"include_usage": True}
    assert "temperature" not in body  # only sent when the caller sets it
    collect(stream_chat(fake_spec(fake_provider, "openai", name="Groq"), FAKE_KEY, "fake-echo", MESSAGES,
                        max_tokens=64, temperature=0.2, settings=fast_settings))
    body = fake_provider.last_request.json
    assert body["max_tokens"] == 64 and "max_completion_tokens" not in body
    assert body["temperature"] == 0.2


def test_mistral_gets_no_stream_options_and_passes_strict_validation(fake_provider, fast_settings):
    spec = fake_spec(fake_provider, "openai", name="Mistral")
    text, _ = collect(stream_chat(spec, FAKE_KEY, "fake-strict", MESSAGES, max_tokens=50, settings=fast_settings))
    assert text == expected_text("fake-strict", MESSAGES)
    assert "stream_options" not in fake_provider.last_request.json


def test_strict_server_refusal_is_a_bad_request_naming_the_field(fake_provider, fast_settings):
    spec = fake_spec(fake_provider, "openai", name="Some strict server")
    _, err = collect_error(stream_chat(spec, FAKE_KEY, "fake-strict", MESSAGES, settings=fast_settings), BadRequest)
    assert err.status == 422
    assert "Extra inputs are not permitted (body.stream_options)" in err.provider_message


def test_openai_compatible_stream_ending_after_finish_reason_without_done_is_accepted(fake_provider, fast_settings):
    text, finish = collect(stream_chat(fake_spec(fake_provider, "openai"), FAKE_KEY, "fake-no-done", MESSAGES,
                                       settings=fast_settings))
    assert text == expected_text("fake-no-done", MESSAGES) and finish.reason == "stop"


@pytest.mark.parametrize("dialect", ["anthropic", "ollama", "gemini"])
def test_other_dialects_need_their_terminator(fake_provider, fast_settings, dialect):
    text, _ = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-no-done", MESSAGES,
                                        settings=fast_settings), TruncatedStream)
    assert text == expected_text("fake-no-done", MESSAGES)


@pytest.mark.parametrize(("version", "sends_temperature"), [("2023-06-01", True), ("2026-10-21", False)])
def test_anthropic_version_comes_from_settings_and_2026_never_gets_temperature(fake_provider, version,
                                                                                sends_temperature):
    settings = ProviderSettings(anthropic_version=version, default_max_tokens=321)
    collect(stream_chat(fake_spec(fake_provider, "anthropic"), FAKE_KEY, "fake-echo", MESSAGES, temperature=0.3,
                        settings=settings))
    request = fake_provider.last_request
    assert request.headers["anthropic-version"] == version
    assert ("temperature" in request.json) is sends_temperature
    assert request.json["max_tokens"] == 321  # required by the API: Pen's default when none is given


def test_anthropic_accepts_a_bearer_auth_header_setting_and_a_v1_base_url(fake_provider, fast_settings):
    spec = fake_spec(fake_provider, "anthropic", [fake_provider.url + "/v1"], auth_header="Authorization: Bearer {key}")
    text, _ = collect(stream_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings))
    assert text == expected_text("fake-echo", MESSAGES)
    request = fake_provider.last_request
    assert request.path == "/v1/messages"
    assert request.headers["authorization"] == f"Bearer {FAKE_KEY}" and "x-api-key" not in request.headers


def test_anthropic_drops_empty_turns_the_api_would_refuse(fake_provider, fast_settings):
    messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ""},
                {"role": "user", "content": "Again"}]
    collect(stream_chat(fake_spec(fake_provider, "anthropic"), FAKE_KEY, "fake-echo", messages, settings=fast_settings))
    assert [m["content"] for m in fake_provider.last_request.json["messages"]] == ["Hi", "Again"]


@pytest.mark.parametrize("version", ["v1beta", "v1"])
def test_gemini_works_on_both_api_versions_and_strips_a_models_prefix(fake_provider, fast_settings, version):
    spec = fake_spec(fake_provider, "gemini", [f"{fake_provider.url}/{version}"])
    text, _ = collect(stream_chat(spec, FAKE_KEY, "models/fake-echo", MESSAGES, settings=fast_settings))
    assert text == expected_text("fake-echo", MESSAGES)
    assert fake_provider.last_request.path == f"/{version}/models/fake-echo:streamGenerateContent"
    assert "fake-echo" in list_models(spec, FAKE_KEY, settings=fast_settings)


def test_gemini_model_names_are_escaped_in_the_path(fake_provider, fast_settings):
    model = "fake-tokens-3?delay=0.01"
    text, _ = collect(stream_chat(fake_spec(fake_provider, "gemini"), FAKE_KEY, model, MESSAGES, settings=fast_settings))
    assert text == expected_text(model, MESSAGES)
    assert "%3F" in fake_provider.last_request.raw_path and fake_provider.last_request.query == {"alt": "sse"}


def test_ollama_tolerates_the_openai_compatible_base_url(fake_provider, fast_settings):
    spec = fake_spec(fake_provider, "ollama", [fake_provider.url + "/v1"], requires_auth=False)
    text, _ = collect(stream_chat(spec, None, "fake-echo:latest", MESSAGES, settings=fast_settings))
    assert text == expected_text("fake-echo", MESSAGES)
    assert fake_provider.last_request.path == "/api/chat"


def test_deepseek_style_base_url_without_v1(fake_provider, fast_settings):
    spec = fake_spec(fake_provider, "openai", [fake_provider.url], name="DeepSeek")
    completion = complete_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings)
    assert completion.text == expected_text("fake-echo", MESSAGES)
    assert fake_provider.last_request.path == "/chat/completions"


def test_together_style_bare_model_array(fake_provider, fast_settings):
    fake_provider.enqueue("models-bare")
    models = list_models(fake_spec(fake_provider, "openai", name="Together"), FAKE_KEY, settings=fast_settings)
    assert models[0] == "fake-echo" and len(models) == 6
