"""Typed provider errors, and the mapping from an HTTP error answer (any dialect) to one of them.

Every error carries a short ``user_message`` a person can act on and the provider's own message
(``provider_message``: truncated, with anything that looks like a key or a URL query redacted).
``str(err)`` is built only from those two, so it never contains the key or the request.
"""

from __future__ import annotations

import email.utils
import html
import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AuthError",
    "BadRequest",
    "ErrorFields",
    "ModelNotFound",
    "NetworkError",
    "ProviderError",
    "RateLimited",
    "Timeout",
    "TruncatedStream",
    "Unavailable",
    "error_for",
    "error_from_body",
    "parse_error_fields",
    "parse_retry_after",
    "redact",
]

MAX_PROVIDER_MESSAGE = 300

_KEY_PATTERNS = [
    re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-*.]{6,}"),  # OpenAI, Anthropic, masked "sk-proj-****abcd"
    re.compile(r"\bAIza[0-9A-Za-z_\-]{10,}"),  # Google API keys
    re.compile(r"\b(?:gsk|xai|hf|ghp|gho|glpat|nvapi|or)[_-][A-Za-z0-9_\-]{8,}"),
    re.compile(r"[A-Za-z0-9_\-]*[A-Za-z0-9]{24,}[A-Za-z0-9_\-]*"),  # opaque tokens (not dashed model names)
    re.compile(r"[A-Za-z0-9_\-]*\*{3,}[A-Za-z0-9_\-]*"),  # a key masked by the provider ("abc****wxyz")
]
_KEY_ASSIGN = re.compile(
    r"(?i)\b(bearer\s+|key=|(?:api[_-]?key|access[_-]?token|token|secret|password|x-api-key|x-goog-api-key)"
    r"\s*[=:]\s*[\"']?)[^\s\"'&,;]+"
)
_URL_QUERY = re.compile(r"(https?://[^\s?#\"'<>]*)\?[^\s\"'<>]*")


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Remove secrets from text meant for logs and screens: given secrets, key-like strings, URL queries."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    text = _URL_QUERY.sub(r"\1?[redacted]", text)
    text = _KEY_ASSIGN.sub(r"\1[redacted]", text)
    for pattern in _KEY_PATTERNS:
        text = pattern.sub("[redacted]", text)
    return text


def _clean_message(message: str | None) -> str | None:
    if not message:
        return None
    text = " ".join(str(message).split())
    text = redact(text)
    if len(text) > MAX_PROVIDER_MESSAGE:
        text = text[: MAX_PROVIDER_MESSAGE - 1].rstrip() + "…"
    return text or None


class ProviderError(Exception):
    """Base of every provider failure. ``kind`` says which; the flags say what the caller may do."""

    kind = "network"
    default_message = "The provider call failed."
    default_retryable = False

    def __init__(
        self,
        user_message: str | None = None,
        *,
        provider_message: str | None = None,
        status: int | None = None,
        code: str | None = None,
        after_first_token: bool = False,
        retryable: bool | None = None,
    ) -> None:
        self.user_message = user_message or self.default_message
        self.provider_message = _clean_message(provider_message)
        self.status = status
        self.code = code
        self.after_first_token = after_first_token
        self.retryable = (self.default_retryable if retryable is None else retryable) and not after_first_token
        super().__init__(self.user_message)

    def mark_after_first_token(self) -> None:
        self.after_first_token = True
        self.retryable = False

    def scrub(self, *secrets: str | None) -> None:
        """Remove the given secrets (the API key) from every message this error carries."""
        self.user_message = redact(self.user_message, secrets)
        if self.provider_message:
            self.provider_message = redact(self.provider_message, secrets)
        self.args = (self.user_message,)

    def __str__(self) -> str:
        details = []
        if self.status is not None:
            details.append(f"HTTP {self.status}")
        if self.provider_message:
            details.append(f"provider said: {self.provider_message}")
        return f"{self.user_message} ({'; '.join(details)})" if details else self.user_message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class AuthError(ProviderError):
    kind = "auth"
    default_message = "The provider rejected the API key. Check the key in Settings."


class RateLimited(ProviderError):
    kind = "rate_limited"
    default_message = "The provider is rate limiting requests. Wait a moment and try again."
    default_retryable = True

    def __init__(self, user_message: str | None = None, *, retry_after: float | None = None,
                 quota: bool = False, **kwargs: Any) -> None:
        self.retry_after = retry_after
        self.quota = quota
        if quota:
            kwargs["retryable"] = False
            user_message = user_message or (
                "The provider account is out of quota or credits. Check billing with the provider.")
        elif retry_after is not None and user_message is None:
            user_message = f"The provider is rate limiting requests. Try again in {_seconds(retry_after)}."
        super().__init__(user_message, **kwargs)


class BadRequest(ProviderError):
    kind = "bad_request"
    default_message = "The provider refused the request as invalid."


class ModelNotFound(ProviderError):
    kind = "model_not_found"
    default_message = "The provider does not know this model (or the key may not use it). Pick another model."


class Unavailable(ProviderError):
    kind = "unavailable"
    default_message = "The provider is unavailable or overloaded right now. Try again shortly."
    default_retryable = True


class Timeout(ProviderError):
    kind = "timeout"
    default_message = "The provider took too long to answer. Try again, or pick a faster model."
    default_retryable = True


class TruncatedStream(ProviderError):
    kind = "truncated_stream"
    default_message = "The reply was cut off: the provider's stream ended before the reply was complete."


class NetworkError(ProviderError):
    kind = "network"
    default_message = "Could not reach the provider. Check the base URL and that the server is running."
    default_retryable = True


def _seconds(value: float) -> str:
    whole = max(1, round(value))
    if whole >= 2 * 3600:
        return f"{round(whole / 3600)} hours"
    if whole >= 120:
        return f"{round(whole / 60)} minutes"
    return "1 second" if whole == 1 else f"{whole} seconds"


# --- reading an error answer -------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorFields:
    """What an error body says, whatever the dialect's envelope."""

    message: str | None = None
    type: str | None = None
    """``error.type`` (OpenAI, Anthropic) or ``error.status`` (Gemini), e.g. ``rate_limit_error``."""
    code: str | None = None
    """``error.code`` when it is a name, plus Gemini ``ErrorInfo.reason`` / Anthropic ``error_code``."""
    http_code: int | None = None
    """A numeric code inside the body (OpenRouter, Gemini, llama.cpp), used for mid-stream errors."""
    retry_delay: float | None = None
    """Gemini ``RetryInfo.retryDelay``."""
    is_json: bool = False


def _html_text(text: str) -> str:
    title = re.search(r"(?is)<title[^>]*>(.*?)</title>", text)
    if title:
        return html.unescape(title.group(1))
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", text))


def _message_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("detail"), list):  # Mistral 422
        parts = [str(d.get("msg", "")) + (f" ({'.'.join(map(str, d['loc']))})" if d.get("loc") else "")
                 for d in value["detail"] if isinstance(d, Mapping)]
        return "; ".join(p for p in parts if p) or None
    return json.dumps(value, separators=(",", ":"))[:MAX_PROVIDER_MESSAGE]


def _duration(value: Any) -> float | None:
    if isinstance(value, str) and value.endswith("s"):
        try:
            return float(value[:-1])
        except ValueError:
            return None
    return None


def parse_error_fields(obj: Any) -> ErrorFields:
    """Read any known error envelope: ``{"error": {...}}``, ``{"error": "..."}``, or top-level fields."""
    if not isinstance(obj, Mapping):
        return ErrorFields(is_json=True)
    err = obj.get("error", obj)
    if isinstance(err, str):
        return ErrorFields(message=err, is_json=True)
    if not isinstance(err, Mapping):
        return ErrorFields(is_json=True)
    code_value = err.get("code")
    http_code = code_value if isinstance(code_value, int) else None
    codes = [code_value] if isinstance(code_value, str) else []
    retry_delay = None
    details = err.get("details")
    if isinstance(details, Mapping):  # Anthropic error.details.error_code
        codes.append(details.get("error_code"))
    elif isinstance(details, list):  # Gemini typed details
        for item in details:
            if isinstance(item, Mapping):
                codes.append(item.get("reason"))
                retry_delay = retry_delay or _duration(item.get("retryDelay"))
    err_type = err.get("type") if isinstance(err.get("type"), str) else None
    status_name = err.get("status") if isinstance(err.get("status"), str) else None
    return ErrorFields(
        message=_message_text(err.get("message")),
        type=err_type or status_name,
        code=",".join(c for c in codes if isinstance(c, str) and c) or None,
        http_code=http_code,
        retry_delay=retry_delay,
        is_json=True,
    )


def parse_retry_after(headers: Mapping[str, str], fields: ErrorFields | None = None) -> float | None:
    """Seconds to wait, from ``retry-after-ms``, ``retry-after`` (seconds or HTTP date) or the body."""
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                when = None
            if when is not None:
                return max(0.0, when.timestamp() - time.time())
    return fields.retry_delay if fields else None


def error_from_body(status: int, headers: Mapping[str, str], body: bytes, *, model: str | None = None,
                    endpoint: str = "chat") -> ProviderError:
    """Turn a non-2xx answer (any dialect, JSON or not) into a typed error."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        fields = parse_error_fields(json.loads(text)) if text else ErrorFields()
    except ValueError:
        fields = ErrorFields(message=_html_text(text) if "<" in text else text)
    return error_for(status, fields, retry_after=parse_retry_after(headers, fields), model=model,
                     endpoint=endpoint)


_QUOTA = re.compile(r"insufficient_quota|billing|spend_limit|FAILED_PRECONDITION|quota", re.I)
_QUOTA_MESSAGE = re.compile(r"credit balance is too low|spend limit|out of credits", re.I)
_AUTH = re.compile(r"authentication|permission|API_KEY_INVALID|invalid_api_key|unauthenticated", re.I)
_NOT_FOUND = re.compile(r"not_found|model_not_found|NOT_FOUND", re.I)
_RATE = re.compile(r"rate_limit|RESOURCE_EXHAUSTED|too_many_requests", re.I)
_OVERLOADED = re.compile(r"overloaded|api_error|server_error|INTERNAL|UNAVAILABLE|unavailable_error", re.I)
_TIMEOUT = re.compile(r"timeout|DEADLINE_EXCEEDED", re.I)
_INVALID = re.compile(r"invalid_request|INVALID_ARGUMENT|request_too_large|extra_forbidden", re.I)


def _classify(status: int | None, fields: ErrorFields) -> str:
    """The Pen kind for an HTTP status (or, mid-stream, the embedded type/code)."""
    tags = " ".join(filter(None, [fields.type, fields.code]))
    quota_hint = _QUOTA.search(tags) or _QUOTA_MESSAGE.search(fields.message or "")
    if status == 402 or (quota_hint and status in (None, 200, 400, 403, 429)):
        return "quota"
    if status in (401, 403) or (status == 400 and "API_KEY_INVALID" in tags):
        return "auth"
    if status == 404:
        return "model_not_found"
    if status == 429:
        return "rate_limited"
    if status in (408, 504) or (status is not None and status >= 500 and _TIMEOUT.search(tags)):
        return "timeout"
    if status is not None and status >= 500:
        return "unavailable"
    if status is not None and 300 <= status < 400:
        return "redirect"
    if status is not None and 400 <= status < 500:
        return "bad_request"
    for kind, pattern in (("auth", _AUTH), ("model_not_found", _NOT_FOUND), ("rate_limited", _RATE),
                          ("timeout", _TIMEOUT), ("unavailable", _OVERLOADED), ("bad_request", _INVALID)):
        if pattern.search(tags):
            return kind
    return "unavailable"


def error_for(status: int | None, fields: ErrorFields, *, retry_after: float | None = None,
              model: str | None = None, endpoint: str = "chat") -> ProviderError:
    """Build the typed error. ``status`` is None (or 200) for an error event inside a stream."""
    http_status = status if status and status != 200 else None
    kind = _classify(http_status or fields.http_code, fields)
    common: dict[str, Any] = {"provider_message": fields.message, "status": http_status,
                              "code": fields.code or fields.type}
    if kind == "quota":
        return RateLimited(retry_after=None, quota=True, **common)
    if kind == "auth":
        if http_status == 403 or (fields.type or "").lower().startswith("permission"):
            return AuthError("The API key may not use this model or endpoint (permission denied). "
                             "Check the key's permissions with the provider.", **common)
        return AuthError(**common)
    if kind == "model_not_found":
        if endpoint != "chat" or not fields.is_json:
            return BadRequest("The provider answered 404 Not Found: check the provider's base URL"
                              + (" and the model name." if endpoint == "chat" else "."), **common)
        named = f" '{model}'" if model else ""
        return ModelNotFound(f"The provider does not know the model{named} (or the key may not use it). "
                             "Pick another model.", **common)
    if kind == "rate_limited":
        return RateLimited(retry_after=retry_after, **common)
    if kind == "timeout":
        return Timeout("The provider timed out while answering. Try again shortly.", **common)
    if kind == "unavailable":
        return Unavailable(**common)
    if kind == "redirect":
        return BadRequest("The provider answered with a redirect; check the provider's base URL "
                          "(for example http:// versus https://, or a missing path like /v1).", **common)
    hint = ""
    if re.search(r"context|too long|too many tokens|maximum.*tokens", fields.message or "", re.I):
        hint = " The conversation may be too long for this model."
    return BadRequest(f"The provider refused the request as invalid.{hint}", **common)
