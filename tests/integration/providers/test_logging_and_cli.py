"""One INFO line per provider call, without secrets or prompts; the fake runs standalone."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pen.providers import AuthError, ProviderSpec, complete_chat, list_models, stream_chat
from tests.fakes.fixtures import FAKE_KEY, fake_spec, unused_port

from .helpers import DIALECTS, MESSAGES, collect, collect_error

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_one_info_line_per_call_and_never_the_key_or_the_prompt(fake_provider, fast_settings, caplog, dialect):
    caplog.set_level(logging.DEBUG)
    spec = fake_spec(fake_provider, dialect, [fake_provider.base_url(dialect, "a"), fake_provider.base_url(dialect, "b")])
    fake_provider.enqueue("error-503", base="a")
    collect(stream_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, system="Secret system prompt", settings=fast_settings))
    complete_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings)
    list_models(spec, FAKE_KEY, settings=fast_settings)
    if dialect != "ollama":
        collect_error(stream_chat(spec, "sk-wrong-key-999", "fake-echo", MESSAGES, settings=fast_settings), AuthError)

    info = [r for r in caplog.records if r.name.startswith("pen.providers") and r.levelno == logging.INFO]
    assert len(info) == (3 if dialect == "ollama" else 4)
    first = info[0].getMessage()
    for part in ("provider stream", "model='fake-echo'", "outcome=ok", "attempts=2", "latency_ms=", "input_tokens=",
                 "output_tokens="):
        assert part in first
    if dialect != "ollama":
        assert "outcome=auth status=" in info[-1].getMessage()
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (FAKE_KEY, "sk-wrong-key-999", "Straße", "First question", "Secret system prompt"):
        assert secret not in everything


def test_the_fake_runs_standalone_and_stops_on_ctrl_c(fast_settings):
    port = unused_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "tests.fakes.provider", "--port", str(port)], cwd=ROOT,
                               env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert "listening on" in process.stderr.readline()
        spec = ProviderSpec("Standalone", "openai", (f"http://127.0.0.1:{port}/v1",))
        text, _ = collect(stream_chat(spec, FAKE_KEY, "fake-echo", MESSAGES, settings=fast_settings))
        assert text.startswith("Echo: ")
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        assert process.wait(timeout=5) == 0
        assert time.monotonic() - started < 5
        assert "POST /v1/chat/completions" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
