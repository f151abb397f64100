"""The provider service: the only code in Pen that speaks HTTP to AI providers.

Public API::

    stream_chat(provider, api_key, model, messages, *, system=None, max_tokens=None,
                temperature=None, timeout=None, settings=None) -> ChatStream  # TextDelta…, Finish
    complete_chat(...same...) -> Completion
    list_models(provider, api_key, *, timeout=None, settings=None) -> list[str]
    check(provider, api_key, *, timeout=None, settings=None) -> CheckResult

``provider`` is any object with ``name, api_style, base_urls, requires_auth, auth_header,
extra_headers`` (a DB row is copied into a ``ProviderSpec`` at call start). Failures are
``ProviderError`` subclasses (``errors.py``). Flask is not imported here (``init_app`` only
reads ``app.config``).
"""

from .catalog import CATALOG, CatalogEntry, catalog_entry
from .client import ChatStream, CheckResult, check, complete_chat, list_models, stream_chat
from .errors import (
    AuthError,
    BadRequest,
    ModelNotFound,
    NetworkError,
    ProviderError,
    RateLimited,
    Timeout,
    TruncatedStream,
    Unavailable,
)
from .events import Completion, Finish, TextDelta
from .settings import ProviderSettings, configure, get_settings, init_app
from .spec import ProviderSpec
from .urls import InvalidBaseURL, validate_auth_header, validate_base_url, validate_extra_headers

__all__ = [
    "CATALOG",
    "AuthError",
    "BadRequest",
    "CatalogEntry",
    "ChatStream",
    "CheckResult",
    "Completion",
    "Finish",
    "InvalidBaseURL",
    "ModelNotFound",
    "NetworkError",
    "ProviderError",
    "ProviderSettings",
    "ProviderSpec",
    "RateLimited",
    "TextDelta",
    "Timeout",
    "TruncatedStream",
    "Unavailable",
    "catalog_entry",
    "check",
    "complete_chat",
    "configure",
    "get_settings",
    "init_app",
    "list_models",
    "stream_chat",
    "validate_auth_header",
    "validate_base_url",
    "validate_extra_headers",
]
