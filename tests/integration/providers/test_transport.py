"""The transport: the private-address policy at connect time, pooled connections, concurrency."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from pen.providers import NetworkError, list_models, stream_chat
from tests.fakes.fixtures import FAKE_KEY, fake_spec
from tests.fakes.scenario import expected_text

from .helpers import MESSAGES, collect, collect_error


@pytest.fixture
def rebinding_dns(monkeypatch):
    """``rebind.example`` resolves to 127.0.0.1, as a hostile DNS answer would after validation."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return real("127.0.0.1" if host == "rebind.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "rebind.example"])
def test_blocking_private_urls_refuses_loopback_at_connect_time(fake_provider, fast_settings, rebinding_dns, host):
    settings = replace(fast_settings, block_private_urls=True)
    spec = fake_spec(fake_provider, "openai", [f"http://{host}:{fake_provider.port}/v1"])
    _, err = collect_error(stream_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=settings), NetworkError)
    assert "private or local" in err.user_message and not err.retryable
    with pytest.raises(NetworkError, match="private or local"):
        list_models(spec, FAKE_KEY, settings=settings)
    assert fake_provider.requests == []


def test_private_urls_are_allowed_by_default(fake_provider, fast_settings, rebinding_dns):
    spec = fake_spec(fake_provider, "openai", [f"http://rebind.example:{fake_provider.port}/v1"])
    text, _ = collect(stream_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings))
    assert text == expected_text("fake-echo", MESSAGES)
    assert fake_provider.last_request.headers["host"] == f"rebind.example:{fake_provider.port}"


@pytest.mark.parametrize("dialect", ["openai", "anthropic", "gemini", "ollama"])
def test_finished_streams_leave_their_connection_in_the_pool(fake_provider, fast_settings, dialect):
    for _ in range(3):
        collect(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings))
    ports = {r.client_port for r in fake_provider.requests}
    assert len(ports) == 1


def test_a_hundred_concurrent_streams_each_get_their_own_reply(fake_provider, fast_settings):
    def one(i: int) -> bool:
        dialect = ("openai", "anthropic", "gemini", "ollama")[i % 4]
        messages = [{"role": "user", "content": f"message number {i} ✓"}]
        model = "fake-tokens-30?delay=0.005"
        text, finish = collect(stream_chat(fake_spec(fake_provider, dialect), FAKE_KEY, model, messages,
                                           settings=fast_settings))
        return text == expected_text(model, messages) and finish.output_tokens == 30

    with ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(one, range(100)))
    assert all(results)
    assert len(fake_provider.requests) == 100
