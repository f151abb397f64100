"""Settings for provider calls: timeouts, retry cap, private-address policy, API versions.

The current settings live in this module (one value per process). ``init_app`` fills them from
the Flask config; tests pass ``settings=`` to each call instead of touching the global.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["ProviderSettings", "configure", "get_settings", "init_app"]


@dataclass(frozen=True)
class ProviderSettings:
    connect_timeout: float = 10.0
    """Seconds to establish the TCP/TLS connection."""
    read_timeout: float = 120.0
    """Longest silence between received bytes (an idle timeout; keep-alives reset it)."""
    total_timeout: float = 900.0
    """Wall-clock cap for one call, including retries and failover."""
    retry_after_cap: float = 10.0
    """A 429 whose Retry-After is at most this many seconds is retried once before the first token."""
    block_private_urls: bool = False
    """Refuse loopback/private/link-local provider addresses (checked on save and on connect)."""
    anthropic_version: str = "2023-06-01"
    default_max_tokens: int = 4096
    """``max_tokens`` sent to Anthropic when the caller gives none (the API requires one)."""
    user_agent: str = "Pen"

    def with_timeouts(self, timeout: float | tuple[float, float] | None) -> ProviderSettings:
        """A copy with (connect, read) timeouts overridden; a single number sets the read timeout."""
        if timeout is None:
            return self
        if isinstance(timeout, tuple):
            connect, read = timeout
            return replace(self, connect_timeout=float(connect), read_timeout=float(read))
        return replace(self, read_timeout=float(timeout))


_lock = threading.Lock()
_current = ProviderSettings()


def configure(settings: ProviderSettings) -> None:
    """Replace the process-wide settings."""
    global _current
    with _lock:
        _current = settings


def get_settings() -> ProviderSettings:
    return _current


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def init_app(app: Any) -> ProviderSettings:
    """Build the settings from ``app.config`` (``PEN_PROVIDER_*`` keys) and make them current."""
    cfg = app.config
    defaults = ProviderSettings()
    settings = ProviderSettings(
        connect_timeout=float(cfg.get("PEN_PROVIDER_CONNECT_TIMEOUT", defaults.connect_timeout)),
        read_timeout=float(cfg.get("PEN_PROVIDER_READ_TIMEOUT", defaults.read_timeout)),
        total_timeout=float(cfg.get("PEN_PROVIDER_TOTAL_TIMEOUT", defaults.total_timeout)),
        retry_after_cap=float(cfg.get("PEN_PROVIDER_RETRY_AFTER_CAP", defaults.retry_after_cap)),
        block_private_urls=_truthy(cfg.get("PEN_BLOCK_PRIVATE_PROVIDER_URLS", defaults.block_private_urls)),
        anthropic_version=str(cfg.get("PEN_ANTHROPIC_VERSION", defaults.anthropic_version)),
        default_max_tokens=int(cfg.get("PEN_DEFAULT_MAX_TOKENS", defaults.default_max_tokens)),
        user_agent=str(cfg.get("PEN_PROVIDER_USER_AGENT", defaults.user_agent)),
    )
    configure(settings)
    app.extensions["pen.providers"] = settings
    return settings
