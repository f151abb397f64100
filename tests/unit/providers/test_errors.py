"""Typed errors: classification of every dialect's error bodies, Retry-After, redaction."""

from __future__ import annotations

import email.utils
import json
import time

import pytest

from pen.providers.errors import (
    AuthError,
    BadRequest,
    ModelNotFound,
    RateLimited,
    Timeout,
    TruncatedStream,
    Unavailable,
    error_for,
    error_from_body,
    parse_error_fields,
    parse_retry_after,
    redact,
)


def from_json(status, body, headers=None, **kwargs):
    return error_from_body(status, headers or {}, json.dumps(body).encode(), **kwargs)


@pytest.mark.parametrize(("status", "body", "kind", "quota"), [
    (401, {"error": {"message": "bad key", "type": "invalid_request_error", "code": "invalid_api_key"}}, "auth", False),
    (429, {"error": {"message": "quota", "type": "insufficient_quota", "code": "insufficient_quota"}},
     "rate_limited", True),
    (429, {"error": {"message": "slow down", "type": "requests", "code": "rate_limit_exceeded"}}, "rate_limited", False),
    (402, {"error": {"code": 402, "message": "Insufficient credits"}}, "rate_limited", True),  # OpenRouter
    (422, {"object": "error", "message": {"detail": [{"type": "extra_forbidden", "loc": ["body", "x"],
                                                     "msg": "Extra inputs are not permitted"}]},
           "type": "invalid_request_error"}, "bad_request", False),  # Mistral, top-level
    (400, {"type": "error", "error": {"type": "invalid_request_error",
                                      "message": "Your credit balance is too low to access the Anthropic API."}},
     "rate_limited", True),
    (429, {"type": "error", "error": {"type": "rate_limit_error", "message": "spend",
                                      "details": {"error_code": "enforced_spend_limit_reached"}}}, "rate_limited", True),
    (529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, "unavailable", False),
    (504, {"type": "error", "error": {"type": "timeout_error", "message": "Request timed out"}}, "timeout", False),
    (400, {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT",
                     "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}]}},
     "auth", False),
    (400, {"error": {"code": 400, "message": "billing", "status": "FAILED_PRECONDITION"}}, "rate_limited", True),
    (404, {"error": {"code": 404, "message": "models/x is not found", "status": "NOT_FOUND"}}, "model_not_found", False),
    (503, {"error": {"code": 503, "message": "Loading model", "type": "unavailable_error"}}, "unavailable", False),
    (404, {"error": 'model "x" not found, try pulling it first'}, "model_not_found", False),  # Ollama
])
def test_error_bodies_of_every_dialect_are_classified(status, body, kind, quota):
    err = from_json(status, body)
    assert err.kind == kind and err.status == status
    assert getattr(err, "quota", False) is quota
    assert err.provider_message


@pytest.mark.parametrize(("fields", "error"), [
    ({"error": {"type": "overloaded_error", "message": "Overloaded"}}, Unavailable),  # anthropic event: error
    ({"error": {"code": 500, "message": "x", "status": "INTERNAL"}}, Unavailable),  # gemini chunk
    ({"error": {"code": 429, "message": "x", "status": "RESOURCE_EXHAUSTED"}}, RateLimited),
    ({"error": {"message": "x", "type": "invalid_request_error", "code": "context_length_exceeded"}}, BadRequest),
    ({"error": {"code": 502, "message": "Provider returned error", "metadata": {}}}, Unavailable),  # OpenRouter
    ({"object": "error", "message": "x", "type": "NotFoundError", "code": 404}, ModelNotFound),  # vLLM
    ({"error": "an error was encountered while running the model"}, Unavailable),  # Ollama line
    ({"error": {"type": "authentication_error", "message": "x"}}, AuthError),
])
def test_mid_stream_error_objects_are_classified_by_their_embedded_type(fields, error):
    err = error_for(None, parse_error_fields(fields))
    assert isinstance(err, error)
    assert err.status is None


def test_non_json_and_html_bodies_become_readable_messages():
    html = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>"
    assert error_from_body(502, {}, html).provider_message == "502 Bad Gateway"
    assert error_from_body(500, {}, b"upstream connect error").provider_message == "upstream connect error"
    err = error_from_body(503, {}, b"")
    assert isinstance(err, Unavailable) and err.provider_message is None
    assert isinstance(error_from_body(404, {}, b"404 page not found"), BadRequest)  # a path, not a model


def test_redirects_are_errors_that_point_at_the_base_url():
    err = error_from_body(301, {}, b"")
    assert isinstance(err, BadRequest) and "base URL" in err.user_message


def test_context_overflow_gets_a_hint():
    err = from_json(400, {"error": {"message": "This model's maximum context length is 8192 tokens"}})
    assert "too long" in err.user_message


def test_retry_after_forms():
    assert parse_retry_after({"retry-after": "7"}) == 7
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "7"}) == 0.25
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= parse_retry_after({"retry-after": when}) <= 30
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None
    gemini = parse_error_fields({"error": {"code": 429, "details": [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "12s"}]}})
    assert parse_retry_after({}, gemini) == 12


def test_rate_limited_message_names_the_wait():
    assert "3 seconds" in RateLimited(retry_after=2.6).user_message
    assert "1 second." in RateLimited(retry_after=0.2).user_message
    assert "5 minutes" in RateLimited(retry_after=300).user_message
    assert not RateLimited(quota=True).retryable


KEY = "sk-proj-AbCdEf0123456789AbCdEf0123456789"


@pytest.mark.parametrize("text", [
    f"Incorrect API key provided: {KEY}.",
    "Incorrect API key provided: sk-proj-****6789.",
    "Incorrect API key provided: wrongk****6789.",
    "header Authorization: Bearer abc.def-ghi was rejected",
    "x-api-key: sk-ant-api03-zzzzzz is invalid",
    "GET https://generativelanguage.googleapis.com/v1beta/models?key=AIzaSyA1234567890 failed",
    "token=0123456789abcdef0123456789abcdef0123",
])
def test_redaction_removes_keys_and_url_queries(text):
    cleaned = redact(text)
    assert "[redacted]" in cleaned
    for secret in (KEY, "6789", "abc.def-ghi", "zzzzzz", "AIzaSyA1234567890", "0123456789abcdef"):
        assert secret not in cleaned


def test_redaction_keeps_model_names_and_ordinary_words():
    text = ("The model `accounts/fireworks/models/gpt-oss-120b` or claude-sonnet-5-5-20261001-extended-thinking "
            "does not exist. Invalid key: check it.")
    assert redact(text) == text


def test_str_of_an_error_never_contains_the_key():
    err = AuthError(provider_message=f"bad key {KEY} in https://x.example/v1/chat?key={KEY}", status=401)
    err.scrub("plain-key-value")
    assert KEY not in str(err) and KEY not in repr(err) and "?key=" not in str(err)
    err = AuthError(provider_message="key plain-key-value rejected")
    err.scrub("plain-key-value")
    assert "plain-key-value" not in str(err)


def test_provider_messages_are_truncated():
    err = Unavailable(provider_message="word " * 200)
    assert len(err.provider_message) <= 300 and err.provider_message.endswith("…")


def test_an_error_after_the_first_token_is_never_retryable():
    err = Timeout()
    assert err.retryable
    err.mark_after_first_token()
    assert err.after_first_token and not err.retryable
    assert not TruncatedStream().retryable


def test_model_not_found_names_the_model():
    err = from_json(404, {"error": {"message": "nope", "code": "model_not_found"}}, model="gpt-x")
    assert isinstance(err, ModelNotFound) and "'gpt-x'" in err.user_message
