"""``ProviderSpec``: an immutable copy of a provider row, safe to use after the DB session is gone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .errors import AuthError

__all__ = ["API_STYLES", "ProviderSpec"]

API_STYLES = ("openai", "anthropic", "gemini", "ollama")


def _base_urls(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        text = value.strip()
        value = json.loads(text) if text.startswith("[") else [text] if text else []
    return tuple(str(u).strip().rstrip("/") for u in (value or ()) if str(u).strip())


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    api_style: str
    base_urls: tuple[str, ...]
    requires_auth: bool = True
    auth_header: str = "Authorization: Bearer {key}"
    extra_headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, provider: Any) -> ProviderSpec:
        """Copy what a call needs from any object with the provider attributes (e.g. a DB row)."""
        if isinstance(provider, ProviderSpec):
            return provider
        style = str(getattr(provider, "api_style", "") or "").strip().lower()
        if style not in API_STYLES:
            raise ValueError(f"Unknown api_style {style!r}; expected one of {', '.join(API_STYLES)}.")
        extra = getattr(provider, "extra_headers", None) or {}
        if isinstance(extra, str):
            extra = json.loads(extra) if extra.strip() else {}
        return cls(
            name=str(getattr(provider, "name", "") or ""),
            api_style=style,
            base_urls=_base_urls(getattr(provider, "base_urls", ())),
            requires_auth=bool(getattr(provider, "requires_auth", True)),
            auth_header=str(getattr(provider, "auth_header", "") or "Authorization: Bearer {key}"),
            extra_headers=tuple((str(k), str(v)) for k, v in dict(extra).items()),
        )

    def hosts(self) -> tuple[str, ...]:
        return tuple((urlsplit(u).hostname or "").lower() for u in self.base_urls)

    def is_provider(self, name: str, domain: str) -> bool:
        """True when the provider is ``name`` (case-insensitive) or is served from ``domain``."""
        if name.lower() in self.name.lower():
            return True
        return any(h == domain or h.endswith("." + domain) for h in self.hosts())

    def auth_headers(self, api_key: str | None) -> dict[str, str]:
        """The auth header for ``api_key``. A key is sent whenever given; required if ``requires_auth``."""
        if not api_key:
            if self.requires_auth:
                raise AuthError("No API key is set for this provider. Add one in Settings.")
            return {}
        if any(c in api_key for c in "\r\n\x00"):
            raise AuthError("The API key contains line breaks. Paste it again in Settings.")
        name, colon, template = self.auth_header.partition(":")
        name = name.strip() or "Authorization"
        value = template.strip().replace("{key}", api_key) if colon else api_key
        return {name: value}
