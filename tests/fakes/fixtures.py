"""Pytest fixtures for the fake provider. Make them available with
``from tests.fakes.fixtures import *  # noqa`` in a ``conftest.py``.

* ``fake_provider_server`` — one server per test session (per xdist worker).
* ``fake_provider`` — the same server, reset before each test: empty recording, no queued
  scenarios, default key, auth on.
* ``fake_spec(fake, dialect, base_urls=None, **fields)`` — a ``ProviderSpec`` pointing at it.
* ``fast_settings`` — ``ProviderSettings`` with sub-second timeouts for tests.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence

import pytest

from pen.providers.settings import ProviderSettings
from pen.providers.spec import ProviderSpec

from .provider import DEFAULT_KEY, FakeProvider

__all__ = [
    "AUTH_HEADERS",
    "FAKE_KEY",
    "fake_provider",
    "fake_provider_server",
    "fake_spec",
    "fast_settings",
    "unused_port",
]

FAKE_KEY = DEFAULT_KEY
AUTH_HEADERS = {
    "openai": "Authorization: Bearer {key}",
    "anthropic": "x-api-key",
    "gemini": "x-goog-api-key",
    "ollama": "Authorization: Bearer {key}",
}


@pytest.fixture(scope="session")
def fake_provider_server() -> Iterator[FakeProvider]:
    fake = FakeProvider().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_provider(fake_provider_server: FakeProvider) -> Iterator[FakeProvider]:
    fake_provider_server.reset()
    yield fake_provider_server
    fake_provider_server.reset()


@pytest.fixture
def fast_settings() -> ProviderSettings:
    return ProviderSettings(connect_timeout=1.0, read_timeout=2.0, total_timeout=10.0, retry_after_cap=2.0)


def fake_spec(fake: FakeProvider, dialect: str, base_urls: Sequence[str] | None = None, *,
              name: str | None = None, requires_auth: bool = True, auth_header: str | None = None,
              extra_headers: dict[str, str] | None = None) -> ProviderSpec:
    """A provider of ``dialect`` whose base URL is the fake's (or ``base_urls``)."""
    return ProviderSpec(
        name=name or f"Fake {dialect}",
        api_style=dialect,
        base_urls=tuple(base_urls) if base_urls is not None else (fake.base_url(dialect),),
        requires_auth=requires_auth,
        auth_header=auth_header or AUTH_HEADERS[dialect],
        extra_headers=tuple((extra_headers or {}).items()),
    )


def unused_port() -> int:
    """A loopback port nothing listens on (connecting to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
