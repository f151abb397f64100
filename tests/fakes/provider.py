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
    fake-error-S           HTTP status S in the dialect's error shape (429 sends Retry-After: 1)
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
    fake-models-bare       (listing) a bare JSON array (Together)
    fake-models-paged      (listing) pages of ``page_size`` (default 2) models

    params: ttft=S (pause after the headers), delay=S (between chunks), keepalive=S (send
    keep-alive comments / anthropic pings every S during pauses), tokens=N, text=..., times=N
    (an error/hang applies to the first N requests with this exact model string only),
    retry_after=S, retry_after_ms=MS, retry_after_date=S (HTTP date S seconds ahead), type=T and
    message=M (error type/status name and text), html=1 (an HTML error page), body=TEXT (a
    plain-text error body), seconds=S (hang), blank=N (blank lines before a non-streamed body,
    like DeepSeek), usage=0 (no usage), chunk=N (split frames into N-byte HTTP chunks),
    page_size=N.

A reply is capped at the request's max tokens (one token = one chunk; then finish is "length").
``tests.fakes.scenario.expected_text(model, messages, max_tokens)`` computes the exact reply.
Python API: ``FakeProvider().start()``, ``.url``, ``.base_url(dialect, label)``, ``.requests``,
``.disconnects``, ``.reset()``, ``.enqueue("error-500", count=1, base="a")``, ``.stop()``.
"""

from __future__ import annotations

import argparse
import email.utils
import json
import re
import select
import socket
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .scenario import Scenario, UnknownScenario, parse_scenario, reply_tokens
from .wire import BAD_MARK, FakeChat, Wire, WireError, dumps
from .wire.anthropic import AnthropicWire
from .wire.gemini import GeminiWire
from .wire.ollama import OllamaWire
from .wire.openai import OpenAIWire

__all__ = ["DEFAULT_KEY", "FakeProvider", "RecordedRequest"]

DEFAULT_KEY = "sk-test-key-123"
WIRES: dict[str, Wire] = {w.name: w for w in (OpenAIWire(), AnthropicWire(), GeminiWire(), OllamaWire())}
_BASE = re.compile(r"^/base-([A-Za-z0-9_.~-]+)(/.*)?$")
_GEMINI = re.compile(r"^/(v1beta|v1)/models/(.+):(generateContent|streamGenerateContent)$")


@dataclass
class RecordedRequest:
    method: str
    path: str
    """Decoded path without the ``/base-<label>`` prefix and the query."""
    raw_path: str
    """The request target exactly as received (prefix and query included)."""
    query: dict[str, str]
    headers: dict[str, str]
    """Lower-case header names."""
    body: bytes
    json: Any
    base: str | None
    dialect: str | None = None
    model: str | None = None
    client_port: int = 0
    disconnected: bool = False


class ClientGone(Exception):
    """The client closed the connection (or the server is stopping)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024
    block_on_close = False

    def __init__(self, address: tuple[str, int], verbose: bool) -> None:
        super().__init__(address, _Handler)
        self.verbose = verbose
        self.api_key: str = DEFAULT_KEY
        self.auth_required = True
        self.stopping = threading.Event()
        self.lock = threading.Condition()
        self.records: list[RecordedRequest] = []
        self.disconnects: list[RecordedRequest] = []
        self.queue: list[list[Any]] = []  # [scenario, remaining, base label or None]
        self.counts: dict[str, int] = {}

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that resets a kept-alive connection is normal; anything else is a fake bug."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def record(self, request: RecordedRequest) -> None:
        with self.lock:
            self.records.append(request)
            self.lock.notify_all()

    def client_gone(self, request: RecordedRequest | None) -> None:
        if request is None:
            return
        with self.lock:
            request.disconnected = True
            self.disconnects.append(request)
            self.lock.notify_all()

    def take_queued(self, base: str | None) -> Scenario | None:
        with self.lock:
            for entry in self.queue:
                if entry[2] is None or entry[2] == base:
                    entry[1] -= 1
                    if entry[1] <= 0:
                        self.queue.remove(entry)
                    return entry[0]
        return None

    def count(self, model: str) -> int:
        with self.lock:
            self.counts[model] = self.counts.get(model, 0) + 1
            return self.counts[model]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeProvider/1.0"
    timeout = 60  # idle keep-alive connections end after a minute
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # small frames, no Nagle delay

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if self.server.verbose:
            sys.stderr.write(f"fake-provider {self.address_string()} {format % args}\n")

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    # -- plumbing ---------------------------------------------------------------------------
    def _handle(self) -> None:
        self._record: RecordedRequest | None = None
        try:
            self._dispatch()
        except (ClientGone, BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            self.server.client_gone(self._record)

    def _wait(self, seconds: float) -> None:
        """Sleep, but notice at once when the client closes the connection or the server stops."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self.server.stopping.is_set():
                raise ClientGone
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.1))
            if readable:
                try:
                    peek = self.connection.recv(1, socket.MSG_PEEK)
                except OSError:
                    raise ClientGone from None
                if not peek:
                    raise ClientGone
                time.sleep(min(left, 0.01))

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(parts)
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, dumps(obj).encode(), "application/json", headers)

    def _chunk(self, data: bytes, scenario: Scenario) -> None:
        noise = scenario.kind == "noise"
        if noise:
            data = data.replace(b"\n", b"\r\n")
        size = scenario.chunk or (5 if noise else 0)
        pieces = [data[i : i + size] for i in range(0, len(data), size)] if size else [data]
        for piece in pieces:
            if piece:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))

    # -- dispatch ---------------------------------------------------------------------------
    def _dispatch(self) -> None:
        target = urlsplit(self.path)
        path = unquote(target.path)
        base = None
        if match := _BASE.match(path):
            base, path = match.group(1), match.group(2) or "/"
        query = dict(parse_qsl(target.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = self._read_body() if self.command == "POST" else b""
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        record = RecordedRequest(self.command, path, self.path, query, headers, body, parsed, base,
                                 client_port=self.client_address[1])
        self._record = record
        route = self._route(path, headers, query)
        record.dialect = route[0].name if route else None
        self.server.record(record)
        if route is None and path.startswith("/portal"):  # a captive portal / proxy login page
            self._send(200, b"<html><head><title>Sign in to the network</title></head><body>Hi</body></html>",
                       "text/html; charset=utf-8")
            return
        if route is None:
            self._send(404, b"404 page not found", "text/plain; charset=utf-8")
            return
        wire, action, stream, path_model = route
        if action == "version":
            self._send_json(200, {"version": "0.13.0-fake"})
            return
        try:
            wire.check_auth(headers, query, self.server.api_key if self.server.auth_required else None)
            if body and parsed is None:
                raise wire.error(400, "The request body is not valid JSON.")
            chat = None
            if action == "chat":
                strict = "strict" in (path_model or (parsed or {}).get("model") or "")
                chat = wire.parse_chat(parsed, headers, stream=stream, strict=strict, path_model=path_model)
                record.model = chat.model
            scenario = self._scenario(wire, chat, base)
            self._run(wire, action, chat, scenario, query)
        except WireError as err:
            self._send_json(err.status, err.body, err.headers)

    def _route(self, path: str, headers: dict[str, str], query: dict[str, str]) -> tuple | None:
        method = self.command
        if method == "POST" and path in ("/v1/chat/completions", "/chat/completions"):
            return WIRES["openai"], "chat", None, ""
        if method == "POST" and path == "/v1/messages":
            return WIRES["anthropic"], "chat", None, ""
        if method == "POST" and (match := _GEMINI.match(path)):
            stream = match.group(3) == "streamGenerateContent"
            return WIRES["gemini"], "chat", stream, match.group(2)
        if method == "POST" and path == "/api/chat":
            return WIRES["ollama"], "chat", None, ""
        if method == "GET" and path == "/api/tags":
            return WIRES["ollama"], "models", None, ""
        if method == "GET" and path == "/api/version":
            return WIRES["ollama"], "version", None, ""
        if method == "GET" and path in ("/v1/models", "/v1beta/models", "/models"):
            if path == "/v1beta/models" or "x-goog-api-key" in headers or "key" in query:
                return WIRES["gemini"], "models", None, ""
            if "anthropic-version" in headers:
                return WIRES["anthropic"], "models", None, ""
            return WIRES["openai"], "models", None, ""
        return None

    def _scenario(self, wire: Wire, chat: FakeChat | None, base: str | None) -> Scenario:
        queued = self.server.take_queued(base)
        if queued is not None:
            return queued
        if chat is None:
            return Scenario()
        try:
            scenario = parse_scenario(chat.model)
        except UnknownScenario:
            raise wire.not_found(chat.model) from None
        if scenario.fails and scenario.times is not None and self.server.count(chat.model) > scenario.times:
            return scenario.succeeded()
        return scenario

    def _run(self, wire: Wire, action: str, chat: FakeChat | None, scenario: Scenario, query: dict[str, str]) -> None:
        if scenario.kind == "hang":
            self._wait(scenario.seconds)
            self.close_connection = True
            return
        if scenario.kind in ("error", "quota"):
            self._send_error(wire, scenario, chat.model if chat else "")
            return
        if action == "models":
            page_size = scenario.page_size or (2 if scenario.kind == "models_paged" else None)
            self._send_json(200, wire.models(query, page_size, scenario.kind == "models_bare"))
            return
        assert chat is not None
        tokens, finish = reply_tokens(scenario, chat.messages, chat.max_tokens)
        usage = chat.usage(len(tokens)) if scenario.usage else None
        if chat.stream:
            self._stream(wire, chat, scenario, tokens, finish, usage)
        else:
            self._complete(wire, chat, scenario, tokens, finish, usage)

    def _send_error(self, wire: Wire, scenario: Scenario, model: str) -> None:
        status = scenario.status or (500 if scenario.kind == "error" else 429)
        retry = scenario.retry_after if scenario.retry_after is not None else scenario.retry_after_date
        err = (wire.quota_error() if scenario.kind == "quota"
               else wire.error(status, scenario.message, scenario.type, model=model, retry_after=retry))
        headers = dict(err.headers)
        if 300 <= err.status < 400:
            headers["Location"] = "/moved" + self.path
        if scenario.retry_after is not None:
            headers["Retry-After"] = f"{scenario.retry_after:g}"
        if scenario.retry_after_ms is not None:
            headers["retry-after-ms"] = f"{scenario.retry_after_ms:g}"
        if scenario.retry_after_date is not None:
            headers["Retry-After"] = email.utils.formatdate(time.time() + scenario.retry_after_date, usegmt=True)
        if scenario.html:
            phrase = self.responses.get(err.status, ("Error",))[0]
            page = (f"<html>\r\n<head><title>{err.status} {phrase}</title></head>\r\n<body>\r\n"
                    f"<center><h1>{err.status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
                    "</body>\r\n</html>\r\n")
            self._send(err.status, page.encode(), "text/html", headers)
        elif scenario.body is not None:
            self._send(err.status, scenario.body.encode(), "text/plain; charset=utf-8", headers)
        else:
            self._send_json(err.status, err.body, headers)

    def _complete(self, wire: Wire, chat: FakeChat, scenario: Scenario, tokens: list[str], finish: str,
                  usage: tuple[int, int] | None) -> None:
        if scenario.kind == "bad_utf8" and len(tokens) > 1:
            tokens = [tokens[0], BAD_MARK + tokens[1], *tokens[2:]]
        body = dumps(wire.completion(chat, "".join(tokens), finish, usage)).encode()
        body = body.replace(BAD_MARK.encode(), b"\xff")
        if not scenario.blank:
            self._wait(scenario.ttft)
            self._send(200, body, "application/json")
            return
        self._start_chunked("application/json")
        for _ in range(scenario.blank):  # DeepSeek under load: blank lines while it waits
            self._chunk(b"\n", scenario)
            self._wait(scenario.ttft / scenario.blank)
        self._chunk(body, scenario)
        self.wfile.write(b"0\r\n\r\n")

    def _start_chunked(self, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("x-request-id", "req_fake")
        self.end_headers()

    def _pause(self, seconds: float, wire: Wire, scenario: Scenario) -> None:
        keepalive = wire.keepalive() if scenario.keepalive > 0 else None
        if not keepalive:
            self._wait(seconds)
            return
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._wait(min(left, scenario.keepalive))
            if end - time.monotonic() > 0:
                self._chunk(keepalive, scenario)

    def _stream(self, wire: Wire, chat: FakeChat, scenario: Scenario, tokens: list[str], finish: str,
                usage: tuple[int, int] | None) -> None:
        kind, after = scenario.kind, scenario.after if scenario.after is not None else 2
        content_type = wire.stream_content_type
        self._start_chunked(content_type + ("; charset=utf-8" if content_type.startswith("text/") else ""))
        self._pause(scenario.ttft, wire, scenario)
        for frame in wire.head(chat, chat.usage(len(tokens)), kind == "noise"):
            self._chunk(frame, scenario)
        if kind == "noise":
            for frame in wire.noise(chat):
                self._chunk(frame, scenario)
        for index, token in enumerate(tokens):
            if index == after and kind in ("drop", "stream_error"):
                break
            if index:
                self._pause(scenario.delay, wire, scenario)
            text = BAD_MARK + token if kind == "bad_utf8" and index == 1 else token
            frame = wire.delta(chat, text).replace(BAD_MARK.encode(), b"\xff")
            self._chunk(_multiline(frame, wire.sse_fields) if kind == "noise" and index == 0 else frame, scenario)
        if kind == "drop":
            self.connection.shutdown(socket.SHUT_WR)  # mid-body: no terminator, no last chunk
            self.close_connection = True
            return
        if kind == "stream_error":
            self._chunk(wire.stream_error(scenario.type, scenario.message), scenario)
        elif kind != "no_terminator":
            for frame in wire.tail(chat, finish, usage):
                self._chunk(frame, scenario)
            if kind != "no_done":
                self._chunk(wire.terminator(chat, finish, usage), scenario)
        self.wfile.write(b"0\r\n\r\n")


def _multiline(frame: bytes, sse_fields: bool) -> bytes:
    """Split an SSE event's JSON over two ``data:`` lines (joined with a newline: still valid JSON),
    and give it ``id:`` and ``retry:`` fields, which clients ignore."""
    start = frame.find(b"data: ")
    comma = frame.find(b",", start)
    if start < 0 or comma < 0:
        return frame
    fields = b"id: 7\nretry: 1000\n" if sse_fields else b""
    return fields + frame[: comma + 1] + b"\ndata: " + frame[comma + 1 :]


class FakeProvider:
    """The fake provider server. ``start()`` it (or use it as a context manager)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, api_key: str = DEFAULT_KEY,
                 verbose: bool = False) -> None:
        self._address = (host, port)
        self._verbose = verbose
        self._api_key = api_key
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeProvider:
        self._server = _Server(self._address, self._verbose)
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
    def server(self) -> _Server:
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

