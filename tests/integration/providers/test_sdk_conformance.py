"""The official SDKs against the fake provider (PROVIDERS.md §7 "Conformance check").

If openai, anthropic and google-genai parse what the fake sends — streams, whole answers, model
lists, errors — the fake speaks the real wire formats, and Pen's parsers, tested against the
fake, follow them too.
"""

from __future__ import annotations

import anthropic
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors

from tests.fakes.fixtures import FAKE_KEY
from tests.fakes.scenario import expected_text, expected_usage

MESSAGES = [{"role": "user", "content": "Hello wörld, ça va? 🙂"}]
TEXT = "Hello wörld, ça va? 🙂"


# -- openai ---------------------------------------------------------------------------------


@pytest.fixture
def openai_client(fake_provider):
    client = openai.OpenAI(base_url=fake_provider.url + "/v1", api_key=FAKE_KEY, max_retries=0)
    yield client
    client.close()


@pytest.mark.parametrize("model", ["fake-echo", "fake-noise", "fake-tokens-30"])
def test_openai_sdk_parses_the_stream_with_usage(openai_client, model):
    stream = openai_client.chat.completions.create(
        model=model, messages=MESSAGES, stream=True, stream_options={"include_usage": True})
    text, usage, finish = "", None, None
    with stream:
        for chunk in stream:
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
                finish = chunk.choices[0].finish_reason or finish
            usage = chunk.usage or usage
    assert text == expected_text(model, MESSAGES)
    assert finish == "stop"
    assert (usage.prompt_tokens, usage.completion_tokens) == expected_usage(model, MESSAGES)


def test_openai_sdk_parses_a_whole_completion_and_the_model_list(openai_client, fake_provider):
    reply = openai_client.chat.completions.create(model="fake-echo", messages=MESSAGES, max_completion_tokens=3)
    assert reply.choices[0].message.content == expected_text("fake-echo", MESSAGES, max_tokens=3)
    assert reply.choices[0].finish_reason == "length"
    assert reply.usage.completion_tokens == 3
    assert "fake-echo" in [m.id for m in openai_client.models.list()]
    assert fake_provider.last_request.headers["authorization"] == f"Bearer {FAKE_KEY}"


@pytest.mark.parametrize(("model", "error"), [
    ("fake-error-400", openai.BadRequestError),
    ("fake-error-403", openai.PermissionDeniedError),
    ("no-such-model", openai.NotFoundError),
    ("fake-error-429", openai.RateLimitError),
    ("fake-quota", openai.RateLimitError),
    ("fake-error-500", openai.InternalServerError),
    ("fake-error-503", openai.InternalServerError),
])
def test_openai_sdk_maps_the_fakes_error_answers(openai_client, model, error):
    with pytest.raises(error) as caught:
        openai_client.chat.completions.create(model=model, messages=MESSAGES)
    assert caught.value.body["message"]


def test_openai_sdk_rejects_a_wrong_key(fake_provider):
    with openai.OpenAI(base_url=fake_provider.url + "/v1", api_key="sk-wrong", max_retries=0) as client, \
            pytest.raises(openai.AuthenticationError):
        client.models.list()


def test_openai_sdk_raises_on_the_mid_stream_error_event(openai_client):
    stream = openai_client.chat.completions.create(model="fake-stream-error-after-2", messages=MESSAGES, stream=True)
    with stream, pytest.raises(openai.APIError, match="server had an error"):
        for _ in stream:
            pass


def test_openai_sdk_retries_once_after_retry_after(fake_provider):
    with openai.OpenAI(base_url=fake_provider.url + "/v1", api_key=FAKE_KEY, max_retries=1) as client:
        reply = client.chat.completions.create(model="fake-error-429?times=1", messages=MESSAGES)
    assert reply.choices[0].message.content == expected_text("fake", MESSAGES)
    assert len(fake_provider.requests) == 2


# -- anthropic ------------------------------------------------------------------------------

HEADER_STYLES = {
    "sdk-default": {},  # anthropic SDK >= 2.0: Authorization: Bearer + anthropic-version 2026-10-21
    "x-api-key-2023": {"x-api-key": FAKE_KEY, "anthropic-version": "2023-06-01", "Authorization": ""},
}


@pytest.fixture(params=sorted(HEADER_STYLES))
def anthropic_client(request, fake_provider):
    client = anthropic.Anthropic(base_url=fake_provider.url, api_key=FAKE_KEY, max_retries=0,
                                 default_headers=HEADER_STYLES[request.param])
    yield client
    client.close()


def test_anthropic_sdk_sends_either_auth_style_and_version(anthropic_client, fake_provider):
    anthropic_client.messages.create(model="fake-echo", max_tokens=50, messages=MESSAGES)
    headers = fake_provider.last_request.headers
    if headers["anthropic-version"] == "2023-06-01":
        assert headers["x-api-key"] == FAKE_KEY
    else:
        assert headers["anthropic-version"] == "2026-10-21"
        assert headers["authorization"] == f"Bearer {FAKE_KEY}"


@pytest.mark.parametrize("model", ["fake-echo", "fake-noise", "fake-tokens-30"])
def test_anthropic_sdk_parses_the_raw_event_stream(anthropic_client, model):
    text, stop_reason, output_tokens, input_tokens = "", None, None, None
    for event in anthropic_client.messages.create(model=model, max_tokens=100, messages=MESSAGES, stream=True):
        if event.type == "message_start":
            input_tokens = event.message.usage.input_tokens
        elif event.type == "content_block_delta" and event.delta.type == "text_delta":
            text += event.delta.text
        elif event.type == "message_delta":
            stop_reason, output_tokens = event.delta.stop_reason, event.usage.output_tokens
    assert text == expected_text(model, MESSAGES)
    assert stop_reason == "end_turn"
    assert (input_tokens, output_tokens) == expected_usage(model, MESSAGES)


def test_anthropic_sdk_stream_helper_accumulates_the_message(anthropic_client):
    with anthropic_client.messages.stream(model="fake-noise", max_tokens=100, messages=MESSAGES,
                                          system="Be brief.") as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == expected_text("fake-noise", MESSAGES)
    assert [b.type for b in final.content] == ["thinking", "text"]
    assert final.content[1].text == text


def test_anthropic_sdk_parses_a_whole_message_and_pages_the_model_list(anthropic_client, fake_provider):
    reply = anthropic_client.messages.create(model="fake-echo", max_tokens=2, messages=MESSAGES)
    assert reply.content[0].text == expected_text("fake-echo", MESSAGES, max_tokens=2)
    assert reply.stop_reason == "max_tokens"
    fake_provider.reset()
    ids = [m.id for m in anthropic_client.models.list(limit=2)]
    assert ids == ["fake-echo", "fake-length", "fake-noise", "fake-slow", "fake-tokens-20"]
    assert [r.query.get("after_id") for r in fake_provider.requests] == [None, "fake-length", "fake-slow"]


@pytest.mark.parametrize(("model", "error"), [
    ("fake-error-400", anthropic.BadRequestError),
    ("fake-error-402", anthropic.APIStatusError),
    ("no-such-model", anthropic.NotFoundError),
    ("fake-error-429", anthropic.RateLimitError),
    ("fake-error-500", anthropic.InternalServerError),
    ("fake-error-529", anthropic.OverloadedError),
])
def test_anthropic_sdk_maps_the_fakes_error_answers(anthropic_client, model, error):
    with pytest.raises(error) as caught:
        anthropic_client.messages.create(model=model, max_tokens=10, messages=MESSAGES)
    assert caught.value.body["type"] == "error"


def test_anthropic_sdk_raises_on_the_mid_stream_error_event(anthropic_client):
    with pytest.raises(anthropic.APIStatusError) as caught:
        for _ in anthropic_client.messages.create(model="fake-stream-error-after-2", max_tokens=10,
                                                  messages=MESSAGES, stream=True):
            pass
    assert caught.value.status_code == 200
    assert caught.value.type == "overloaded_error"


def test_anthropic_fake_refuses_what_the_real_api_refuses(fake_provider):
    with anthropic.Anthropic(base_url=fake_provider.url, api_key=FAKE_KEY, max_retries=0) as client:
        with pytest.raises(anthropic.BadRequestError, match="temperature"):
            client.messages.create(model="fake-echo", max_tokens=10, messages=MESSAGES,
                                   extra_body={"temperature": 0.5})  # the 2.x SDK has no such argument
        with pytest.raises(anthropic.BadRequestError, match="role"):
            client.messages.create(model="fake-echo", max_tokens=10,
                                   messages=[{"role": "system", "content": "x"}, *MESSAGES])
    with anthropic.Anthropic(base_url=fake_provider.url, api_key="sk-ant-wrong", max_retries=0) as client, \
            pytest.raises(anthropic.AuthenticationError):
        client.messages.create(model="fake-echo", max_tokens=10, messages=MESSAGES)


# -- google-genai ---------------------------------------------------------------------------


@pytest.fixture(params=["v1beta", "v1"])
def genai_client(request, fake_provider):
    client = genai.Client(api_key=FAKE_KEY, http_options={"base_url": fake_provider.url,
                                                          "api_version": request.param})
    yield client
    client.close()


@pytest.mark.parametrize("model", ["fake-echo", "fake-noise", "fake-tokens-30"])
def test_genai_sdk_parses_the_stream(genai_client, fake_provider, model):
    text, last = "", None
    for chunk in genai_client.models.generate_content_stream(model=model, contents=TEXT):
        text += chunk.text or ""
        last = chunk
    assert text == expected_text(model, MESSAGES)
    assert last.candidates[0].finish_reason == genai.types.FinishReason.STOP
    usage = (last.usage_metadata.prompt_token_count, last.usage_metadata.candidates_token_count)
    assert usage == expected_usage(model, MESSAGES)
    request = fake_provider.last_request
    assert request.headers["x-goog-api-key"] == FAKE_KEY
    assert request.path.endswith(f"/models/{model}:streamGenerateContent")
    assert request.query == {"alt": "sse"}


def test_genai_sdk_parses_a_whole_answer_and_pages_the_model_list(genai_client, fake_provider):
    reply = genai_client.models.generate_content(
        model="fake-echo", contents=TEXT,
        config=genai.types.GenerateContentConfig(system_instruction="Be brief.", max_output_tokens=2))
    assert reply.text == expected_text("fake-echo", MESSAGES, max_tokens=2)
    assert reply.candidates[0].finish_reason == genai.types.FinishReason.MAX_TOKENS
    assert fake_provider.last_request.json["systemInstruction"]["parts"][0]["text"] == "Be brief."
    names = [m.name for m in genai_client.models.list(config={"page_size": 2})]
    assert "models/fake-echo" in names and "models/fake-tokens-20" in names


def test_genai_sdk_sees_a_blocked_prompt_without_candidates(genai_client):
    reply = genai_client.models.generate_content(model="fake-filter", contents=TEXT)
    assert not reply.candidates
    assert reply.prompt_feedback.block_reason == genai.types.BlockedReason.SAFETY


@pytest.mark.parametrize(("model", "code", "status"), [
    ("fake-error-400", 400, "INVALID_ARGUMENT"),
    ("no-such-model", 404, "NOT_FOUND"),
    ("fake-error-429", 429, "RESOURCE_EXHAUSTED"),
    ("fake-error-500", 500, "INTERNAL"),
    ("fake-error-503", 503, "UNAVAILABLE"),
])
def test_genai_sdk_maps_the_fakes_error_answers(genai_client, model, code, status):
    with pytest.raises(genai_errors.APIError) as caught:
        genai_client.models.generate_content(model=model, contents=TEXT)
    assert (caught.value.code, caught.value.status) == (code, status)


def test_genai_sdk_raises_on_the_mid_stream_error_chunk(genai_client):
    with pytest.raises(genai_errors.ServerError) as caught:
        for _ in genai_client.models.generate_content_stream(model="fake-stream-error-after-2", contents=TEXT):
            pass
    assert caught.value.status == "INTERNAL"


def test_genai_fake_rejects_a_wrong_key_as_api_key_invalid(fake_provider):
    client = genai.Client(api_key="AIza-wrong", http_options={"base_url": fake_provider.url,
                                                               "api_version": "v1beta"})
    try:
        with pytest.raises(genai_errors.ClientError) as caught:
            client.models.generate_content(model="fake-echo", contents=TEXT)
    finally:
        client.close()
    assert caught.value.code == 400
    assert "API_KEY_INVALID" in str(caught.value.details)
