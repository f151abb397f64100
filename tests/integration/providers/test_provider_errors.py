"""Every error answer of every dialect becomes the right typed error, with no secret in it."""

from __future__ import annotations

import pytest

from pen.providers import (
    AuthError,
    BadRequest,
    ModelNotFound,
    RateLimited,
    Timeout,
    Unavailable,
    complete_chat,
    list_models,
    stream_chat,
)
from tests.fakes.fixtures import FAKE_KEY, fake_spec

from .helpers import DIALECTS, MESSAGES, collect_error

CASES = [
    # model, error type, kind, HTTP status, retryable
    ("fake-error-400", BadRequest, "bad_request", 400, False),
    ("fake-error-413", BadRequest, "bad_request", 413, False),
    ("fake-error-422", BadRequest, "bad_request", 422, False),
    ("fake-error-403", AuthError, "auth", 403, False),
    ("fake-error-401", AuthError, "auth", 401, False),
    ("no-such-model", ModelNotFound, "model_not_found", 404, False),
    ("fake-error-429?retry_after=3600", RateLimited, "rate_limited", 429, True),
    ("fake-error-500", Unavailable, "unavailable", 500, True),
    ("fake-error-503", Unavailable, "unavailable", 503, True),
    ("fake-error-529", Unavailable, "unavailable", 529, True),
    ("fake-error-504", Timeout, "timeout", 504, True),
    ("fake-error-408", Timeout, "timeout", 408, True),
    ("fake-error-502?html=1", Unavailable, "unavailable", 502, True),
    ("fake-error-500?body=upstream+exploded", Unavailable, "unavailable", 500, True),
    ("fake-error-404?html=1", BadRequest, "bad_request", 404, False),
    ("fake-error-302", BadRequest, "bad_request", 302, False),
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("model", "error", "kind", "status", "retryable"), CASES, ids=[c[0] for c in CASES])
def test_error_answer_maps_to_its_typed_error(fake_provider, fast_settings, dialect, model, error, kind, status,
                                              retryable):
    text, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, model, MESSAGES,
                                          settings=fast_settings), error)
    assert text == ""
    assert (err.kind, err.status, err.retryable, err.after_first_token) == (kind, status, retryable, False)
    assert err.user_message and len(err.provider_message or "") <= 300
    assert len(fake_provider.requests) == 1  # one base URL: nothing to fail over to; redirects not followed


@pytest.mark.parametrize("dialect", DIALECTS)
def test_html_and_plain_text_error_bodies_keep_a_readable_provider_message(fake_provider, fast_settings, dialect):
    _, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-error-502?html=1",
                                       MESSAGES, settings=fast_settings), Unavailable)
    assert err.provider_message == "502 Bad Gateway"
    _, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY,
                                       "fake-error-500?body=upstream+exploded", MESSAGES, settings=fast_settings))
    assert err.provider_message == "upstream exploded"


@pytest.mark.parametrize("dialect", ["openai", "anthropic", "gemini"])
def test_wrong_key_is_an_auth_error_that_never_shows_the_key(fake_provider, fast_settings, dialect):
    key = "sk-proj-WRONGwrongWRONG0000"
    _, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), key, "fake-echo", MESSAGES,
                                       settings=fast_settings), AuthError)
    assert err.kind == "auth" and err.status in (400, 401)
    assert "Check the key in Settings" in err.user_message
    for text in (str(err), repr(err), err.user_message, err.provider_message or ""):
        assert key not in text and "0000" not in text


@pytest.mark.parametrize("dialect", DIALECTS)
def test_quota_errors_are_rate_limited_but_not_retryable(fake_provider, fast_settings, dialect):
    _, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-quota", MESSAGES,
                                       settings=fast_settings), RateLimited)
    assert err.quota and not err.retryable and err.retry_after is None
    assert "quota" in err.user_message
    assert len(fake_provider.requests) == 1


@pytest.mark.parametrize("dialect", DIALECTS)
def test_rate_limit_reports_the_wait_time(fake_provider, fast_settings, dialect):
    _, err = collect_error(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY,
                                       "fake-error-429?retry_after=3600", MESSAGES, settings=fast_settings), RateLimited)
    assert err.retry_after == 3600 and not err.quota
    assert "60 minutes" in err.user_message


@pytest.mark.parametrize("dialect", DIALECTS)
def test_complete_chat_raises_the_same_typed_errors(fake_provider, fast_settings, dialect):
    spec = fake_spec(fake_provider, dialect)
    with pytest.raises(ModelNotFound, match="no-such-model"):
        complete_chat(spec, FAKE_KEY, "no-such-model", MESSAGES, settings=fast_settings)
    with pytest.raises(Unavailable):
        complete_chat(spec, FAKE_KEY, "fake-error-529", MESSAGES, settings=fast_settings)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_listing_at_a_wrong_path_says_to_check_the_base_url(fake_provider, fast_settings, dialect):
    spec = fake_spec(fake_provider, dialect, [fake_provider.url + "/not-an-api"])
    with pytest.raises(BadRequest, match="check the provider's base URL"):
        list_models(spec, FAKE_KEY, settings=fast_settings)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_200_web_page_instead_of_the_api_is_reported_as_such(fake_provider, fast_settings, dialect):
    spec = fake_spec(fake_provider, dialect, [fake_provider.url + "/portal"])
    _, err = collect_error(stream_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings), Unavailable)
    assert "web page instead of an API response" in err.user_message
    with pytest.raises(Unavailable, match="web page"):
        complete_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings)
