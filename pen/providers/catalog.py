"""The seed catalog of providers (PROVIDERS.md §6). Data only; the admin's seeding reads it.

Default models are a starting point (model ids change): the admin should refresh the model list.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOG", "CatalogEntry", "catalog_entry"]

BEARER = "Authorization: Bearer {key}"


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    api_style: str
    base_urls: tuple[str, ...]
    auth_header: str
    requires_auth: bool
    default_model: str


CATALOG: tuple[CatalogEntry, ...] = (
    CatalogEntry("OpenAI", "openai", ("https://api.openai.com/v1",), BEARER, True, "gpt-6-luna"),
    CatalogEntry("Anthropic", "anthropic", ("https://api.anthropic.com",), "x-api-key", True, "claude-sonnet-5-5"),
    CatalogEntry("Google Gemini", "gemini", ("https://generativelanguage.googleapis.com/v1beta",),
                 "x-goog-api-key", True, "gemini-3.8-flash"),
    CatalogEntry("Groq", "openai", ("https://api.groq.com/openai/v1",), BEARER, True, "openai/gpt-oss-20b"),
    CatalogEntry("Mistral", "openai", ("https://api.mistral.ai/v1",), BEARER, True, "mistral-small-latest"),
    CatalogEntry("OpenRouter", "openai", ("https://openrouter.ai/api/v1",), BEARER, True, "openai/gpt-oss-120b"),
    CatalogEntry("DeepSeek", "openai", ("https://api.deepseek.com",), BEARER, True, "deepseek-chat"),
    CatalogEntry("xAI", "openai", ("https://api.x.ai/v1",), BEARER, True, "grok-4.3"),
    CatalogEntry("Together", "openai", ("https://api.together.xyz/v1",), BEARER, True, "openai/gpt-oss-20b"),
    CatalogEntry("Ollama (local)", "ollama", ("http://localhost:11434",), BEARER, False, "llama3.2"),
    CatalogEntry("LM Studio (local)", "openai", ("http://localhost:1234/v1",), BEARER, False, ""),
    CatalogEntry("llama.cpp server (local)", "openai", ("http://localhost:8080/v1",), BEARER, False, ""),
)


def catalog_entry(name: str) -> CatalogEntry | None:
    """The entry called ``name`` (case-insensitive), if any."""
    wanted = name.strip().lower()
    return next((e for e in CATALOG if e.name.lower() == wanted), None)
