"""A fake AI provider: a real HTTP server on loopback that speaks the openai, anthropic, gemini
and ollama wire formats (PROVIDERS.md), records what it receives, and misbehaves on request.

Run it by hand (logs to stderr, Ctrl-C stops)::

    python -m tests.fakes.provider --port 9999 [--key sk-test-key-123] [--no-auth] [--quiet]

Endpoints (any may be prefixed with ``/base-<label>``; the prefix is stripped and recorded as
``RecordedRequest.base``, so several "base URLs" can point at one fake)::

    openai     POST /v1/chat/completions, /chat/completions   GET /v1/models, /models
    anthropic  POST /v1/messages                              GET /v1/models   (with anthropic-version)
    gemini     POST /{v1beta,v1}/models/{m}:generateContent, …:streamGenerateContent?alt=sse
               GET /{v1beta,v1}/models                         (/v1/models with x-goog-api-key or ?key=)
    ollama     POST /api/chat (NDJSON unless "stream": false)  GET /api/tags, /api/version
    /portal…   200 with an HTML page (a captive portal or proxy page instead of the API)
    other      404 text/plain

Auth is checked like the real services (default key ``sk-test-key-123``): openai
``Authorization: Bearer``; anthropic ``x-api-key`` or ``Authorization: Bearer`` plus a valid
``anthropic-version`` (2023-06-01 or 2026-10-21); gemini ``x-goog-api-key`` or ``?key=``
(a wrong key is 400 API_KEY_INVALID); ollama none. Also validated: anthropic ``max_tokens``
required, no ``system`` role, no temperature/top_p/top_k under 2026-10-21; gemini roles.

Scenario grammar — the model name scripts the answer, so concurrent requests can differ::

    model   = "fake" ["-" name ["-" N]] ["?" param ("&" param)*]     ("," also separates params)
    fake, fake-echo        reply "Echo: <last user message>" (one chunk per word)
    fake-tokens-N          N deterministic words (the words depend on the last user message)
    fake-slow              20 words, ttft=0.2, delay=0.05 (override with params)
    fake-error-S           HTTP status S in the dialect's error shape (429 sends Retry-After: 1
                           unless a retry_after* param is given; 3xx sends a Location header)
    fake-quota             quota/billing error (openai 429 insufficient_quota, anthropic 429 spend
                           limit, gemini 400 FAILED_PRECONDITION, ollama 402)
    fake-hang              send nothing, not even headers, for ``seconds`` (default 30)
    fake-drop-after-N      N text chunks, then close the connection mid-body (no terminator)
    fake-stream-error-after-N  N text chunks, then the dialect's mid-stream error event
    fake-no-terminator     all text, then a clean end without finish/[DONE]/message_stop/
                           finishReason/done:true
    fake-no-done           like a normal stream but without the terminator itself (openai: the
                           finish_reason chunk arrives, [DONE] does not)
    fake-noise             framing noise: comments, CRLF line ends, every frame split into 5-byte
                           HTTP chunks (mid-line, mid-UTF-8), a multi-line data event, unknown
                           events/fields, thinking blocks/parts, a usage-only gemini chunk
    fake-length            stop at the token cap (length / max_tokens / MAX_TOKENS)
    fake-filter            a content-filter stop with no text (gemini: a blocked prompt, no candidates)
    fake-bad-utf8          the byte 0xFF is inserted before the second chunk's text
    fake-strict            Mistral-like: 422 extra_forbidden for stream_options/max_completion_tokens
    models-bare            (for listings, via enqueue) a bare JSON array (Together)
    models-paged           (for listings, via enqueue) pages of ``page_size`` (default 2) models

    params: ttft=S (pause after the headers), delay=S (between chunks), keepalive=S (send
    ": keep-alive" comments / anthropic pings every S during pauses; gemini and ollama send
    nothing, like the real services), tokens=N, text=... (URL-encoded), times=N
    (an error/hang applies to the first N requests with this exact model string only),
    retry_after=S, retry_after_ms=MS, retry_after_date=S (HTTP date S seconds ahead), type=T and
    message=M (error type/status name and text), html=1 (an HTML error page), body=TEXT (a
    plain-text error body), seconds=S (hang), blank=N (blank lines before a non-streamed body,
    like DeepSeek), usage=0 (no usage), chunk=N (split frames into N-byte HTTP chunks),
    page_size=N.

A reply is capped at the request's max tokens (one token = one chunk; then finish is "length").
``tests.fakes.scenario.expected_text(model, messages, max_tokens)`` computes the exact reply.
Python API: ``FakeProvider().start()``, ``.url``, ``.base_url(dialect, label)``, ``.requests``
and ``.last_request`` (``RecordedRequest``: method, path, raw_path, query, lower-case headers,
body, json, base, dialect, model, client_port, disconnected), ``.disconnects`` and
``.wait_for_disconnects(n, timeout)`` (clients that closed before the fake finished),
``.api_key`` / ``.auth_required`` (restored by ``.reset()``), ``.stop()``, and
``.enqueue("error-500", count=1, base="a", **params)``: the next ``count`` requests (only those
under ``/base-a`` when ``base`` is given) follow that scenario whatever their model — a queued
scenario wins over the model name; it is the way to script model listings.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from .scenario import Scenario, parse_scenario
from .server import DEFAULT_KEY, FakeServer, RecordedRequest

__all__ = ["DEFAULT_KEY", "FakeProvider", "RecordedRequest"]


class FakeProvider:
    """The fake provider server. ``start()`` it (or use it as a context manager)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, api_key: str = DEFAULT_KEY,
                 verbose: bool = False) -> None:
        self._address = (host, port)
        self._verbose = verbose
        self._api_key = api_key
        self._server: FakeServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeProvider:
        self._server = FakeServer(self._address, self._verbose)
        self._server.api_key = self._api_key
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-provider", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(5)
        self._server = None

    def __enter__(self) -> FakeProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def server(self) -> FakeServer:
        if self._server is None:
            raise RuntimeError("the fake provider is not running")
        return self._server

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}" if self._address[0] in ("127.0.0.1", "0.0.0.0") \
            else f"http://{self._address[0]}:{self.port}"

    def base_url(self, dialect: str, label: str | None = None) -> str:
        """The base URL a provider row of ``dialect`` would have, optionally under ``/base-<label>``."""
        prefix = self.url + (f"/base-{label}" if label else "")
        return prefix + {"openai": "/v1", "gemini": "/v1beta"}.get(dialect, "")

    @property
    def api_key(self) -> str:
        return self.server.api_key

    @api_key.setter
    def api_key(self, value: str) -> None:
        self.server.api_key = value

    @property
    def auth_required(self) -> bool:
        return self.server.auth_required

    @auth_required.setter
    def auth_required(self, value: bool) -> None:
        self.server.auth_required = value

    @property
    def requests(self) -> list[RecordedRequest]:
        with self.server.lock:
            return list(self.server.records)

    @property
    def last_request(self) -> RecordedRequest:
        return self.requests[-1]

    @property
    def disconnects(self) -> list[RecordedRequest]:
        with self.server.lock:
            return list(self.server.disconnects)

    def wait_for_disconnects(self, count: int = 1, timeout: float = 2.0) -> bool:
        """True once ``count`` client disconnects were seen (they are noticed asynchronously)."""
        with self.server.lock:
            return self.server.lock.wait_for(lambda: len(self.server.disconnects) >= count, timeout)

    def reset(self) -> None:
        """Forget recorded requests, disconnects, queued scenarios and counters; default key and auth."""
        server = self.server
        with server.lock:
            server.records.clear()
            server.disconnects.clear()
            server.queue.clear()
            server.counts.clear()
            server.api_key = self._api_key
            server.auth_required = True

    def enqueue(self, scenario: str | Scenario = "", *, count: int = 1, base: str | None = None,
                text: str | None = None, **params: Any) -> None:
        """Answer the next ``count`` requests (optionally only those under ``/base-<base>``) with
        ``scenario`` (grammar as in the module docstring, without the ``fake-`` prefix), whatever
        their model; ``params`` are scenario params (``ttft=0.5``), ``text`` a literal reply."""
        if isinstance(scenario, str):
            name = scenario.removeprefix("fake").removeprefix("-")
            query = "&".join(f"{k}={v}" for k, v in params.items())
            scenario = parse_scenario("fake" + (f"-{name}" if name else "") + (f"?{query}" if query else ""))
        if text is not None:
            scenario = replace(scenario, text=text)
        with self.server.lock:
            self.server.queue.append([scenario, count, base])


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake AI provider (openai, anthropic, gemini, ollama).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9999)
    parser.add_argument("--key", default=DEFAULT_KEY, help="the API key the fake accepts")
    parser.add_argument("--no-auth", action="store_true", help="accept any key, or none")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(list(argv) if argv is not None else None)
    fake = FakeProvider(args.host, args.port, api_key=args.key, verbose=not args.quiet).start()
    fake.auth_required = not args.no_auth
    sys.stderr.write(f"fake provider listening on http://{args.host}:{fake.port} (key {args.key!r})\n")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sys.stderr.write("stopping\n")
    finally:
        fake.stop()


if __name__ == "__main__":
    main()

