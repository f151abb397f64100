"""ProviderSpec copies, auth headers, settings from the app config, and the seed catalog."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from pen.providers import (
    CATALOG,
    AuthError,
    ProviderSettings,
    ProviderSpec,
    catalog_entry,
    get_settings,
    init_app,
)
from pen.providers.settings import configure
from pen.providers.urls import validate_auth_header, validate_base_url


def row(**overrides):
    fields = {"name": "OpenAI", "api_style": "openai", "base_urls": ["https://a.example/v1/", "https://b.example/v1"],
              "requires_auth": 1, "auth_header": "Authorization: Bearer {key}", "extra_headers": None}
    return SimpleNamespace(**(fields | overrides))


def test_spec_of_copies_a_row_into_an_immutable_value():
    source = row()
    spec = ProviderSpec.of(source)
    source.base_urls.append("https://c.example")
    assert spec.base_urls == ("https://a.example/v1", "https://b.example/v1")
    assert spec.requires_auth is True and spec.extra_headers == ()
    assert ProviderSpec.of(spec) is spec
    with pytest.raises(AttributeError):
        spec.name = "x"


def test_spec_of_accepts_json_text_columns():
    spec = ProviderSpec.of(row(base_urls='["https://a.example/v1"]', extra_headers='{"X-Title": "Pen"}'))
    assert spec.base_urls == ("https://a.example/v1",) and spec.extra_headers == (("X-Title", "Pen"),)


def test_spec_of_refuses_an_unknown_api_style():
    with pytest.raises(ValueError, match="api_style"):
        ProviderSpec.of(row(api_style="soap"))


def test_auth_header_forms():
    assert ProviderSpec.of(row()).auth_headers("k1") == {"Authorization": "Bearer k1"}
    assert ProviderSpec.of(row(auth_header="x-api-key")).auth_headers("k2") == {"x-api-key": "k2"}
    assert ProviderSpec.of(row(requires_auth=False)).auth_headers(None) == {}
    assert ProviderSpec.of(row(requires_auth=False)).auth_headers("k3") == {"Authorization": "Bearer k3"}
    with pytest.raises(AuthError, match="No API key"):
        ProviderSpec.of(row()).auth_headers("")
    with pytest.raises(AuthError, match="line breaks"):
        ProviderSpec.of(row()).auth_headers("k\r\nX-Evil: 1")


def test_init_app_reads_the_config_keys_with_defaults():
    app = SimpleNamespace(config={"PEN_PROVIDER_READ_TIMEOUT": "30", "PEN_BLOCK_PRIVATE_PROVIDER_URLS": "1",
                                  "PEN_ANTHROPIC_VERSION": "2026-10-21", "PEN_DEFAULT_MAX_TOKENS": 2048},
                          extensions={})
    previous = get_settings()
    try:
        settings = init_app(app)
        assert get_settings() is settings and app.extensions["pen.providers"] is settings
        assert settings == ProviderSettings(read_timeout=30.0, block_private_urls=True,
                                            anthropic_version="2026-10-21", default_max_tokens=2048)
        init_app(SimpleNamespace(config={"PEN_BLOCK_PRIVATE_PROVIDER_URLS": "0"}, extensions={}))
        assert get_settings() == ProviderSettings()
    finally:
        configure(previous)


def test_timeout_override():
    base = ProviderSettings()
    assert base.with_timeouts(None) is base
    assert base.with_timeouts(5).read_timeout == 5 and base.with_timeouts(5).connect_timeout == 10
    assert (base.with_timeouts((1, 2)).connect_timeout, base.with_timeouts((1, 2)).read_timeout) == (1, 2)


def test_importing_the_package_does_not_import_flask():
    code = "import sys, pen.providers; print('flask' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_catalog_is_the_table_of_providers_md():
    assert [e.name for e in CATALOG] == [
        "OpenAI", "Anthropic", "Google Gemini", "Groq", "Mistral", "OpenRouter", "DeepSeek", "xAI", "Together",
        "Ollama (local)", "LM Studio (local)", "llama.cpp server (local)"]
    assert catalog_entry("anthropic").auth_header == "x-api-key"
    assert catalog_entry("Google Gemini").base_urls == ("https://generativelanguage.googleapis.com/v1beta",)
    assert [e.name for e in CATALOG if not e.requires_auth] == [
        "Ollama (local)", "LM Studio (local)", "llama.cpp server (local)"]
    for entry in CATALOG:
        assert entry.api_style in ("openai", "anthropic", "gemini", "ollama")
        assert validate_auth_header(entry.auth_header) == entry.auth_header
        for url in entry.base_urls:
            assert validate_base_url(url, block_private=False) == url
        assert isinstance(entry.default_model, str)
